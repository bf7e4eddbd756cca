/**
 * The assertion signature check takes a node:crypto path for ordinary assertions and leaves the
 * rest to jose: either way its verdict must be jose's compactVerify verdict, error for error.
 */
import { constants, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { compactVerify, createLocalJWKSet, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyAssertionSignature } from '../../src/clients/assertion-signature.js';
import type { SigningAlg } from '../../src/clients/registry.js';
import { jwkThumbprint } from '../../src/tokens/keys.js';
import { demoKey, demoKeyPs256 } from '../support/clients.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function publicJwk(key: KeyObject, alg: SigningAlg): JWK {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  return { ...jwk, kid: jwkThumbprint(jwk), alg, use: 'sig' };
}
const es256 = publicJwk(demoKey, 'ES256');
const ps256 = publicJwk(demoKeyPs256, 'PS256');
const keys = createLocalJWKSet({ keys: [es256, ps256] });

function jws(header: Record<string, unknown>, payload: string, key: KeyObject = header.alg === 'PS256' ? demoKeyPs256 : demoKey): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const options = header.alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key, dsaEncoding: 'ieee-p1363' as const };
  return `${input}.${sign('sha256', Buffer.from(input), options).toString('base64url')}`;
}

const claims = JSON.stringify({ iss: 'c', sub: 'c', aud: 'a', exp: 2_000_000_000, jti: 'j' });
const good = jws({ alg: 'ES256', kid: es256.kid }, claims);
const [goodHeader, goodPayload, goodSignature] = good.split('.') as [string, string, string];
const flipped = Buffer.from(goodSignature, 'base64url');
flipped[9]! ^= 1;
const headerOf = (assertion: string) => JSON.parse(Buffer.from(assertion.split('.')[0]!, 'base64url').toString()) as { alg: SigningAlg };

const cases: Record<string, string> = {
  'ES256 with a kid': good,
  'ES256 without a kid': jws({ alg: 'ES256' }, claims),
  'PS256 with a kid': jws({ alg: 'PS256', kid: ps256.kid }, claims),
  'a crit header': jws({ alg: 'ES256', kid: es256.kid, crit: ['exp'], exp: 1 }, claims),
  'b64 false': jws({ alg: 'ES256', kid: es256.kid, b64: false, crit: ['b64'] }, claims),
  'an unknown kid': jws({ alg: 'ES256', kid: 'nobody' }, claims),
  'the ES256 header over the PS256 key': jws({ alg: 'ES256', kid: ps256.kid }, claims),
  'a changed payload': `${goodHeader}.${b64(claims.replace('"j"', '"k"'))}.${goodSignature}`,
  'a flipped signature bit': `${goodHeader}.${goodPayload}.${flipped.toString('base64url')}`,
  'a short signature': `${goodHeader}.${goodPayload}.${goodSignature.slice(0, -4)}`,
  'a padded signature': `${goodHeader}.${goodPayload}.${Buffer.from(goodSignature, 'base64url').toString('base64')}`,
  'an empty signature': `${goodHeader}.${goodPayload}.`,
  'a payload of impossible length': `${goodHeader}.${goodPayload}A.${goodSignature}`,
  'a non-ASCII payload': `${goodHeader}.${goodPayload}é.${goodSignature}`,
};

type Verdict = { payload: string } | { error: string };
async function verdict(run: () => Promise<Uint8Array>): Promise<Verdict> {
  try {
    return { payload: Buffer.from(await run()).toString('hex') };
  } catch (err) {
    return { error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
}

describe('the assertion signature check', () => {
  for (const [name, assertion] of Object.entries(cases)) {
    it(`gives jose's verdict on ${name}`, async () => {
      const header = headerOf(assertion);
      const ours = await verdict(() => verifyAssertionSignature(assertion, header, header.alg, keys));
      const jose = await verdict(async () => (await compactVerify(assertion, keys, { algorithms: [header.alg] })).payload);
      expect(ours).toEqual(jose);
    });
  }

  it('accepts the ordinary ones', async () => {
    for (const name of ['ES256 with a kid', 'ES256 without a kid', 'PS256 with a kid']) {
      const assertion = cases[name]!;
      const header = headerOf(assertion);
      const payload = await verifyAssertionSignature(assertion, header, header.alg, keys);
      expect(Buffer.from(payload).toString()).toBe(claims);
    }
  });
});
