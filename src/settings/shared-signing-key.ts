/**
 * One signing key for every replica without a file: the first replica to start stores the key it
 * generated in Redis (SET NX), and the others load that one, so all publish the same JWKS. At
 * rest it is encrypted (AES-256-GCM) with a key derived by scrypt from the admin token when one
 * is set; without an admin token it is stored as PEM, readable by whoever can read the Redis.
 * The DPoP nonce secret (--dpop-nonce) is shared the same way, so that a nonce one replica gave
 * is good at every other.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { RedisState } from '../state/redis/index.js';
import type { SigningAlg } from '../tokens/algorithms.js';
import { generateSigningKey, signingKeyFromPem, type SigningKey } from '../tokens/keys.js';
import { OptionError } from './errors.js';

export const SIGNING_KEY_NAME = 'signing-key';
export const DPOP_NONCE_SECRET_NAME = 'dpop-nonce-secret';
const PLAIN = 'plain:';
const SEALED = 'aes-256-gcm:';
// What the ciphertext is, bound to it (GCM's additional data): it cannot pass for something else.
const aad = (what: string) => Buffer.from(`fapi-token-sandbox ${what} v1`);
/** scrypt's cost: a short admin token still costs a guesser about 50 ms a try. */
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

const kek = (adminToken: string, salt: Buffer) => scryptSync(adminToken, salt, 32, SCRYPT);

/** `text` as stored: sealed with the admin token when there is one. `what` names it (and is bound to the ciphertext). */
export function sealKey(text: string, adminToken: string | undefined, what = 'signing key'): string {
  if (adminToken === undefined) return PLAIN + text;
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek(adminToken, salt), iv).setAAD(aad(what));
  const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return SEALED + [salt, iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.');
}

export function openKey(stored: string, adminToken: string | undefined, what = 'signing key'): string {
  if (stored.startsWith(PLAIN)) return stored.slice(PLAIN.length);
  if (!stored.startsWith(SEALED)) throw OptionError.at('redis', `holds a ${what} in a form this version cannot read`);
  if (adminToken === undefined) {
    throw OptionError.at('redis', `holds a ${what} encrypted with an admin token: start with the same admin token as the other replicas${what === 'signing key' ? ' (or give --signing-key)' : ''}`);
  }
  const [salt, iv, tag, sealed] = stored.slice(SEALED.length).split('.').map((part) => Buffer.from(part, 'base64url'));
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek(adminToken, salt!), iv!).setAAD(aad(what)).setAuthTag(tag!);
    return Buffer.concat([decipher.update(sealed!), decipher.final()]).toString('utf8');
  } catch {
    throw OptionError.at('adminToken', `is not the one the ${what} in Redis was encrypted with: give every replica the same admin token`);
  }
}

/** The replicas' signing key: this one's new key if it is the first, else the one stored. */
export async function sharedSigningKey(state: RedisState, alg: SigningAlg, adminToken: string | undefined): Promise<SigningKey> {
  const mine = generateSigningKey(alg);
  const pem = mine.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const stored = await state.claim(SIGNING_KEY_NAME, sealKey(pem, adminToken));
  const held = openKey(stored, adminToken);
  return held === pem ? mine : signingKeyFromPem(held);
}

/** The replicas' DPoP nonce secret: this one's new secret if it is the first, else the one stored. */
export async function sharedDpopNonceSecret(state: RedisState, adminToken: string | undefined): Promise<Buffer> {
  const what = 'DPoP nonce secret';
  const stored = await state.claim(DPOP_NONCE_SECRET_NAME, sealKey(randomBytes(32).toString('base64url'), adminToken, what));
  return Buffer.from(openKey(stored, adminToken, what), 'base64url');
}
