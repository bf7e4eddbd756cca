/**
 * The package's version, from its package.json. Found relative to this module, which sits two
 * folders down like every module that reads the package's own files, in dist/ and in the bundled
 * command (dist/bundle/cli.js) alike.
 */
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
