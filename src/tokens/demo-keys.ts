/**
 * The shipped demo clients' private keys (demo/keys/<client_id>.private.pem), so that the
 * `assertion` command and the testing helpers sign for a demo client with no key given.
 */
import type { KeyObject } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { ConfigError } from '../config/errors.js';
import { shippedFile } from '../shipped/files.js';
import { readPrivateKey } from './client-assertion.js';

const DEMO_KEY_SUFFIX = '.private.pem';

let demoClientIds: Set<string> | undefined;

/** Reads a shipped file; a damaged installation is a one-line error naming the file. */
function shipped<T>(path: string, read: (path: string) => T): T {
  try {
    return read(path);
  } catch (err) {
    throw new ConfigError(path, '', `cannot read the shipped demo key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); reinstall the package`);
  }
}

/** The shipped demo key of `clientId`, or undefined when it is not a demo client with a key file. */
export function demoClientKey(clientId: string): { key: KeyObject } | undefined {
  // Only names listed in demo/keys are looked up, so a client_id never becomes an arbitrary path.
  demoClientIds ??= new Set(
    shipped(shippedFile('demo/keys'), (dir) => readdirSync(dir))
      .filter((name) => name.endsWith(DEMO_KEY_SUFFIX))
      .map((name) => name.slice(0, -DEMO_KEY_SUFFIX.length)),
  );
  if (!demoClientIds.has(clientId)) return undefined;
  return { key: shipped(shippedFile(`demo/keys/${clientId}${DEMO_KEY_SUFFIX}`), readPrivateKey) };
}
