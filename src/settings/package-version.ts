/** The package's version, from its shipped package.json. */
import { readFileSync } from 'node:fs';
import { shippedFile } from '../shipped/files.js';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(shippedFile('package.json'), 'utf8')) as { version: string }).version;
}
