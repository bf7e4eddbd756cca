/**
 * The shipped demo clients' private keys (demo/keys/<client_id>.private.pem), so that the
 * `assertion` command and the testing helpers sign for a demo client with no key given.
 */
import type { KeyObject } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { shippedFile } from '../shipped/files.js';
import { readPrivateKey } from './client-assertion.js';

const DEMO_KEY_SUFFIX = '.private.pem';

let demoClientIds: Set<string> | undefined;

/** The shipped demo key of `clientId`, or undefined when it is not a demo client with a key file. */
export function demoClientKey(clientId: string): { key: KeyObject } | undefined {
  // Only names listed in demo/keys are looked up, so a client_id never becomes an arbitrary path.
  demoClientIds ??= new Set(
    readdirSync(shippedFile('demo/keys'))
      .filter((name) => name.endsWith(DEMO_KEY_SUFFIX))
      .map((name) => name.slice(0, -DEMO_KEY_SUFFIX.length)),
  );
  return demoClientIds.has(clientId) ? { key: readPrivateKey(shippedFile(`demo/keys/${clientId}${DEMO_KEY_SUFFIX}`)) } : undefined;
}
