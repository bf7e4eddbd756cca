/**
 * The private keys the testing helpers sign client assertions with: the user's, given as a file,
 * PEM text, a KeyObject or a private JWK; and, for the shipped demo clients, the shipped demo keys
 * (demo/keys/<client_id>.private.pem), so that the demo clients need no configuration.
 */
import { KeyObject, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { OptionError } from '../settings/errors.js';
import { parsePrivateKey } from '../tokens/client-assertion.js';

/** A private key: a PEM or JWK file's path, PEM or JWK text, a KeyObject or a private JWK (whose kid, if any, is sent). */
export type ClientKey = string | KeyObject | JsonWebKey;

/** A key ready to sign with; kid is a JWK's own, else absent (the assertion then carries the key's thumbprint). */
export type SignerKey = ReturnType<typeof parsePrivateKey>;

const isKeyText = (key: string) => key.includes('-----BEGIN') || key.trimStart().startsWith('{');

/** Reads `key`; `label` names where it was given (e.g. clientKeys['my-client']) in the error. */
export function toPrivateKey(key: ClientKey, label: string): SignerKey {
  let signer: SignerKey;
  try {
    if (key instanceof KeyObject) signer = { key };
    else if (typeof key === 'object') signer = parsePrivateKey(JSON.stringify(key));
    else signer = parsePrivateKey(isKeyText(key) ? key : readFileSync(key, 'utf8'));
  } catch (err) {
    // A file is named; key text never appears in the error.
    const what = typeof key === 'string' && !isKeyText(key) ? `${key} ` : '';
    const { syscall, code, message } = err as NodeJS.ErrnoException;
    throw new OptionError(`${label}: ${what}is not a readable private key: ${syscall ? code : message}`);
  }
  // A public key would sign nothing; say so here rather than in the signing library's words.
  if (signer.key.type !== 'private') throw new OptionError(`${label}: is a ${signer.key.type} key; a client assertion needs the private key`);
  return signer;
}

/** The user's keys by client_id, read once (so that a wrong path fails at start). */
export function readClientKeys(keys: Readonly<Record<string, ClientKey>> = {}): Map<string, SignerKey> {
  return new Map(Object.entries(keys).map(([clientId, key]) => [clientId, toPrivateKey(key, `clientKeys['${clientId}']`)]));
}
