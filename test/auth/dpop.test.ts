/**
 * DPoP (RFC 9449) at POST /token, on the in-process app: every check of the proof with its
 * refusal code (the FAPI conformance suite's fapi2-security-profile-final-dpop-negative-tests
 * makes the same proofs at the resource; these are its token-endpoint counterparts), nonces on the
 * injected clock, and the DPoP-bound token.
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { verifyDpopProof } from '../../src/clients/dpop.js';
import { memoryReplayStore } from '../../src/state/replay-store.js';
import { fakeClock } from '../support/clock.js';
import { DEMO, demoKey } from '../support/clients.js';
import { dpopProof, proofKey, type ProofChange, type ProofKey } from '../support/dpop.js';
import { refusalOf } from '../support/refusals.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const TOKEN_ENDPOINT = `${BASE}/token`;
const LISTENERS = { httpPort: 80, tlsPort: 4443 };
const clock = fakeClock(Date.UTC(2030, 5, 1));
const now = () => Math.floor(clock.now() / 1000);
const fapi1 = createApp({ clock }, LISTENERS);
const fapi2 = createApp({ clock, profile: 'fapi2' }, LISTENERS);
const key = proofKey('ES256');

/** A token request of the ES256 demo client, its assertion made at `seconds` on the sandbox clock. */
async function form(seconds: number, jti = randomUUID()) {
  const id = DEMO.pkjwt.clientId;
  const assertion = await new SignJWT({ iss: id, sub: id, aud: BASE, iat: seconds, exp: seconds + 60, jti }).setProtectedHeader({ alg: 'ES256' }).sign(demoKey);
  return { grant_type: 'client_credentials', client_id: id, client_assertion_type: JWT_BEARER, client_assertion: assertion };
}

/** POST /token with each of `dpop` as a DPoP header. */
async function token(app: SandboxApp, dpop: string | string[] | undefined, fields?: Record<string, string>, seconds = now()) {
  const headers = new Headers();
  for (const proof of dpop === undefined ? [] : [dpop].flat()) headers.append('dpop', proof);
  const res = await app.fetch(tokenRequest(BASE, fields ?? (await form(seconds)), Object.fromEntries([...headers])));
  return { status: res.status, nonce: res.headers.get('dpop-nonce'), body: (await res.json()) as Record<string, string>, refusal: await refusalOf(app, res) };
}

const proof = (change: ProofChange = {}, with_: ProofKey = key, htu = TOKEN_ENDPOINT) => dpopProof(with_, htu, now(), change);

async function expectRefused(dpop: string | string[], code: string, app = fapi1) {
  expect(await token(app, dpop)).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' }, refusal: code });
}

describe('a valid DPoP proof', () => {
  it('makes the token token_type DPoP, bound by cnf.jkt to the RFC 7638 thumbprint of its key', async () => {
    const r = await token(fapi1, await proof());
    expect(r.status).toBe(200);
    expect(r.body.token_type).toBe('DPoP');
    expect(decodeJwt(r.body.access_token!).cnf).toEqual({ jkt: await calculateJwkThumbprint(key.publicJwk, 'sha256') });
  });

  it('without one, the token stays a Bearer token', async () => {
    const r = await token(fapi1, undefined);
    expect(r.body.token_type).toBe('Bearer');
    expect(decodeJwt(r.body.access_token!).cnf).toBeUndefined();
  });

  it('may name the mutual-TLS listener token endpoint, and carry a query or fragment in htu, which are ignored', async () => {
    expect((await token(fapi1, await proof({}, key, 'https://sandbox.test:4443/token'))).status).toBe(200);
    expect((await token(fapi1, await proof({}, key, `${TOKEN_ENDPOINT}?a=1#f`))).status).toBe(200);
  });

  it('may carry extra header members and claims, which are ignored', async () => {
    expect((await token(fapi1, await proof({ header: { extra: 1 }, claims: { extra: 'x' } }))).status).toBe(200);
  });

  it('satisfies the fapi2 sender-constraint rule, and may use EdDSA or PS256 there', async () => {
    for (const k of [key, proofKey('EdDSA'), proofKey('PS256')]) {
      const r = await token(fapi2, await proof({}, k));
      expect(r.status, k.alg).toBe(200);
      expect(r.body.token_type).toBe('DPoP');
    }
  });
});

describe('fapi2-security-profile-final-dpop-negative-tests (at the token endpoint)', () => {
  it('refuses more than one DPoP header', async () => {
    await expectRefused([await proof(), await proof()], 'dpop.multiple');
  });

  it('refuses a proof that is not a well-formed JWT', async () => {
    await expectRefused('not-a-jwt', 'dpop.format');
    await expectRefused(`${(await proof()).slice(0, -2)}+/`, 'dpop.format');
  });

  it("refuses a missing or wrong typ ('typ' is missing, invalid 'typ')", async () => {
    await expectRefused(await proof({ header: { typ: undefined } }), 'dpop.typ');
    await expectRefused(await proof({ header: { typ: 'JWT' } }), 'dpop.typ');
  });

  it('refuses alg none, HS256, RS256, and an alg the profile does not allow', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    await expectRefused(`${b64({ typ: 'dpop+jwt', alg: 'none', jwk: key.publicJwk })}.${b64({ htm: 'POST', htu: TOKEN_ENDPOINT, iat: now(), jti: randomUUID() })}.`, 'dpop.alg');
    await expectRefused(await proof({ alg: 'HS256', signWith: new TextEncoder().encode('0123456789abcdef0123456789abcdef') }), 'dpop.alg');
    const rsa = proofKey('PS256');
    await expectRefused(await proof({ alg: 'RS256' }, rsa), 'dpop.alg');
    await expectRefused(await proof({}, proofKey('EdDSA')), 'dpop.alg'); // EdDSA is FAPI 2.0's
  });

  it("refuses a missing jwk ('jwk' is missing), a private key in it, and one that does not fit alg", async () => {
    await expectRefused(await proof({ header: { jwk: undefined } }), 'dpop.jwk');
    const privateJwk = key.privateKey.export({ format: 'jwk' });
    await expectRefused(await proof({ header: { jwk: privateJwk } }), 'dpop.jwk');
    await expectRefused(await proof({ header: { jwk: proofKey('PS256').publicJwk } }), 'dpop.jwk');
  });

  it('refuses an invalid signature', async () => {
    await expectRefused(await proof({ signWith: proofKey('ES256').privateKey }), 'dpop.signature');
  });

  it("refuses a wrong or missing htm ('htm' is missing)", async () => {
    await expectRefused(await proof({ claims: { htm: 'PUT' } }), 'dpop.htm');
    await expectRefused(await proof({ claims: { htm: undefined } }), 'dpop.htm');
  });

  it("refuses an htu of a different URL, or none ('htu' is missing)", async () => {
    await expectRefused(await proof({}, key, `${BASE}/device/auth`), 'dpop.htu');
    await expectRefused(await proof({}, key, 'https://other-as.example/token'), 'dpop.htu');
    await expectRefused(await proof({ claims: { htu: undefined } }), 'dpop.htu');
    await expectRefused(await proof({ claims: { htu: 'not a url' } }), 'dpop.htu');
  });

  it("refuses iat one hour in the future, one hour in the past, or missing ('iat' is missing)", async () => {
    await expectRefused(await proof({ claims: { iat: now() + 3600 } }), 'dpop.iat');
    await expectRefused(await proof({ claims: { iat: now() - 3600 } }), 'dpop.iat');
    await expectRefused(await proof({ claims: { iat: undefined } }), 'dpop.iat');
    expect((await token(fapi1, await proof({ claims: { iat: now() + 8 } }))).status).toBe(200);
  });

  it("refuses a missing jti ('jti' is missing), and the second use of one (DPoP reuse)", async () => {
    await expectRefused(await proof({ claims: { jti: undefined } }), 'dpop.jti.missing');
    const jti = randomUUID();
    expect((await token(fapi1, await proof({ claims: { jti } }))).status).toBe(200);
    await expectRefused(await proof({ claims: { jti } }), 'dpop.jti.replayed');
  });

  it('keeps the proof jti apart from client assertion jti values', async () => {
    const jti = randomUUID();
    expect((await token(fapi1, await proof({ claims: { jti } }), await form(now(), jti))).status).toBe(200);
  });

  it('refuses a proof whose payload is not a JSON object', async () => {
    const signed = await new CompactSign(new TextEncoder().encode('[1]')).setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.publicJwk }).sign(key.privateKey);
    await expectRefused(signed, 'dpop.payload');
  });
});

describe('ath', () => {
  // Checked where a token is sent with the proof (not at the token endpoint): the verifier itself.
  const accessToken = 'an-access-token';
  const ath = createHash('sha256').update(accessToken).digest('base64url');
  const verify = async (claims: Record<string, unknown>) =>
    verifyDpopProof(
      { header: await proof({ claims }), method: 'POST', urls: [TOKEN_ENDPOINT], nowMs: clock.now(), accessToken },
      { algs: ['ES256'], clockSkewSeconds: 30 },
      memoryReplayStore(10),
    );

  it("must be the hash of the access token ('ath' is missing, 'ath' is incorrect)", async () => {
    expect(await verify({ ath })).toMatchObject({ ok: true });
    expect(await verify({})).toMatchObject({ ok: false, refusal: { code: 'dpop.ath', error: 'invalid_dpop_proof' } });
    expect(await verify({ ath: ath.slice(1) })).toMatchObject({ ok: false, refusal: { code: 'dpop.ath' } });
  });
});

describe('--dpop-nonce', () => {
  const nonceClock = fakeClock(clock.now());
  const app = createApp({ clock: nonceClock, dpopNonce: true });
  const at = () => Math.floor(nonceClock.now() / 1000);

  const tokenAt = (dpop: string) => token(app, dpop, undefined, at());

  it('answers a proof without a nonce 400 use_dpop_nonce with a DPoP-Nonce header, and takes the retry with it', async () => {
    const first = await tokenAt(await dpopProof(key, TOKEN_ENDPOINT, at()));
    expect(first).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' }, refusal: 'dpop.nonce.missing' });
    expect(first.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const retry = await tokenAt(await dpopProof(key, TOKEN_ENDPOINT, at(), { claims: { nonce: first.nonce } }));
    expect(retry.status).toBe(200);
    expect(retry.body.token_type).toBe('DPoP');
  });

  it('refuses a made-up nonce, and one two windows old, with a fresh nonce', async () => {
    const made = await tokenAt(await dpopProof(key, TOKEN_ENDPOINT, at(), { claims: { nonce: 'made-up' } }));
    expect(made).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' }, refusal: 'dpop.nonce.invalid' });
    const nonce = made.nonce!;
    nonceClock.advance(60_000);
    expect((await tokenAt(await dpopProof(key, TOKEN_ENDPOINT, at(), { claims: { nonce } }))).status).toBe(200);
    nonceClock.advance(60_000);
    const stale = await tokenAt(await dpopProof(key, TOKEN_ENDPOINT, at(), { claims: { nonce } }));
    expect(stale).toMatchObject({ status: 400, refusal: 'dpop.nonce.invalid' });
    expect(stale.nonce).not.toBe(nonce);
  });

  it('is off by default: no nonce is demanded', async () => {
    expect((await token(fapi1, await proof())).status).toBe(200);
  });

  it('sends DPoP-Nonce only with use_dpop_nonce, not with every 400 the document gives it', async () => {
    const other = await tokenAt(await dpopProof(key, TOKEN_ENDPOINT, at(), { claims: { htm: 'GET' } }));
    expect(other).toMatchObject({ status: 400, refusal: 'dpop.htm', nonce: null });
    expect(await token(fapi1, 'not-a-jwt')).toMatchObject({ status: 400, refusal: 'dpop.format', nonce: null });
  });
});

describe('discovery', () => {
  it('lists the profile DPoP algorithms as dpop_signing_alg_values_supported', async () => {
    const metadata = async (app: SandboxApp) => (await (await app.fetch(new Request(`${BASE}/.well-known/openid-configuration`))).json()) as Record<string, unknown>;
    expect((await metadata(fapi1)).dpop_signing_alg_values_supported).toEqual(['PS256', 'ES256']);
    expect((await metadata(fapi2)).dpop_signing_alg_values_supported).toEqual(['PS256', 'ES256', 'EdDSA', 'Ed25519']);
    expect((await metadata(createApp({ profile: 'open-finance-brasil' }))).dpop_signing_alg_values_supported).toEqual(['PS256']);
  });
});
