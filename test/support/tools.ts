/** Command-line tools some tests drive (curl, openssl): found on PATH, or the test fails saying what to install. */
import { execFileSync } from 'node:child_process';

export function requireTool(name: string, debianPackage = name): string {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`this test needs ${name} on PATH: install it (apt-get install ${debianPackage})`);
  }
}
