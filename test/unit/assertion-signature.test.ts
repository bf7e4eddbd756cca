/**
 * The assertion signature check verifies with node:crypto alone: on every case it must accept
 * what jose's compactVerify accepts, with the same payload, and refuse what jose refuses. It
 * refuses more on purpose: any crit, RFC 7797 unencoded payloads and padded parts, which FAPI
 * clients never send.
 */
import { constants, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { compactVerify, createLocalJWKSet, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { verifyAssertionSignature } from '../../src/clients/assertion-signature.js';
import type { VerifyAlg } from '../../src/tokens/algorithms.js';
import { jwkThumbprint } from '../../src/tokens/keys.js';
import { demoKey, demoKeyPs256 } from '../support/clients.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function publicJwk(key: KeyObject, alg: VerifyAlg): JWK {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  return { ...jwk, kid: jwkThumbprint(jwk), alg, use: 'sig' };
}
const edKey = generateKeyPairSync('ed25519').privateKey;
const es256 = publicJwk(demoKey, 'ES256');
const ps256 = publicJwk(demoKeyPs256, 'PS256');
const eddsa = publicJwk(edKey, 'EdDSA');
const keys = createLocalJWKSet({ keys: [es256, ps256, eddsa] });

function jws(header: Record<string, unknown>, payload: string, key: KeyObject = header.alg === 'PS256' ? demoKeyPs256 : header.alg === 'EdDSA' ? edKey : demoKey): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (header.alg === 'EdDSA') return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
  const options = header.alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key, dsaEncoding: 'ieee-p1363' as const };
  return `${input}.${sign('sha256', Buffer.from(input), options).toString('base64url')}`;
}

const claims = JSON.stringify({ iss: 'c', sub: 'c', aud: 'a', exp: 2_000_000_000, jti: 'j' });
const good = jws({ alg: 'ES256', kid: es256.kid }, claims);
const [goodHeader, goodPayload, goodSignature] = good.split('.') as [string, string, string];
const flipped = Buffer.from(goodSignature, 'base64url');
flipped[9]! ^= 1;
// Padding (and + or /) is not base64url (RFC 7515 §2); jose's decoder lets some such signatures through.
const padded = `${goodHeader}.${goodPayload}.${Buffer.from(goodSignature, 'base64url').toString('base64')}`;
// An RFC 7797 unencoded payload: the second part is the payload itself (here, text that happens to be base64url).
const unencoded = jws({ alg: 'ES256', kid: es256.kid, b64: false, crit: ['b64'] }, claims);
const headerOf = (assertion: string) => JSON.parse(Buffer.from(assertion.split('.')[0]!, 'base64url').toString()) as { alg: VerifyAlg };

const cases: Record<string, string> = {
  'ES256 with a kid': good,
  'ES256 without a kid': jws({ alg: 'ES256' }, claims),
  'PS256 with a kid': jws({ alg: 'PS256', kid: ps256.kid }, claims),
  'EdDSA with a kid': jws({ alg: 'EdDSA', kid: eddsa.kid }, claims),
  'EdDSA over the ES256 key': jws({ alg: 'EdDSA', kid: es256.kid }, claims),
  'a crit header': jws({ alg: 'ES256', kid: es256.kid, crit: ['exp'], exp: 1 }, claims),
  'an unknown kid': jws({ alg: 'ES256', kid: 'nobody' }, claims),
  'the ES256 header over the PS256 key': jws({ alg: 'ES256', kid: ps256.kid }, claims),
  'a changed payload': `${goodHeader}.${b64(claims.replace('"j"', '"k"'))}.${goodSignature}`,
  'a flipped signature bit': `${goodHeader}.${goodPayload}.${flipped.toString('base64url')}`,
  'a short signature': `${goodHeader}.${goodPayload}.${goodSignature.slice(0, -4)}`,
  'an empty signature': `${goodHeader}.${goodPayload}.`,
  'a payload of impossible length': `${goodHeader}.${goodPayload}A.${goodSignature}`,
  'a non-ASCII payload': `${goodHeader}.${goodPayload}é.${goodSignature}`,
};

type Verdict = { payload: string } | 'refused';
const ours = async (assertion: string): Promise<Verdict> => {
  const header = headerOf(assertion);
  const verdict = await verifyAssertionSignature(assertion, header, header.alg, keys);
  return 'payload' in verdict ? { payload: Buffer.from(verdict.payload).toString('hex') } : 'refused';
};
const joses = async (assertion: string): Promise<Verdict> => {
  try {
    const { payload } = await compactVerify(assertion, keys, { algorithms: [headerOf(assertion).alg] });
    return { payload: Buffer.from(payload).toString('hex') };
  } catch {
    return 'refused';
  }
};
const refusal = async (assertion: string) => {
  const header = headerOf(assertion);
  const verdict = await verifyAssertionSignature(assertion, header, header.alg, keys);
  return 'refused' in verdict ? verdict.refused.code : 'accepted';
};

describe('the assertion signature check', () => {
  for (const [name, assertion] of Object.entries(cases)) {
    it(`gives jose's verdict on ${name}`, async () => {
      expect(await ours(assertion)).toEqual(await joses(assertion));
    });
  }

  it('accepts the ordinary ones', async () => {
    for (const name of ['ES256 with a kid', 'ES256 without a kid', 'PS256 with a kid', 'EdDSA with a kid']) {
      expect(await ours(cases[name]!)).toEqual({ payload: Buffer.from(claims).toString('hex') });
    }
  });

  it('refuses, with its own reason, what jose would accept but FAPI clients never send', async () => {
    expect(await joses(unencoded)).not.toBe('refused');
    expect(await refusal(unencoded)).toBe('assertion.crit');
    const b64WithoutCrit = jws({ alg: 'ES256', kid: es256.kid, b64: true }, claims);
    expect(await joses(b64WithoutCrit)).not.toBe('refused');
    expect(await refusal(b64WithoutCrit)).toBe('assertion.b64');
    expect(await refusal(cases['a crit header']!)).toBe('assertion.crit');
    expect(await refusal(padded)).toBe('assertion.encoding');
    expect(await refusal(cases['an unknown kid']!)).toBe('client.key.no_match');
    expect(await refusal(cases['a flipped signature bit']!)).toBe('assertion.signature');
  });

  it('refuses a key the resolver gives that does not fit the algorithm', async () => {
    const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
    const header = headerOf(good);
    const verdict = await verifyAssertionSignature(good, header, header.alg, async () => p384.publicKey);
    expect(verdict).toEqual({
      refused: { error: 'invalid_client', code: 'client.key.unusable', description: "the client's key for the client_assertion cannot verify ES256" },
    });
  });
});
