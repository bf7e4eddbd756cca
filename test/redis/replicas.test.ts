/**
 * Three replicas of the sandbox on one Redis answer as one sandbox: a jti used at one is replayed
 * at another, sequences and the rate limit are shared, a device authorization moves between them,
 * so does the code flow (a code, its refresh token, their revocation), they keep one journal and
 * publish one JWKS, and a reset at one is a reset at all. Behind one fixed issuer, as replicas
 * behind a load balancer are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createSharedApp } from '../../src/app/app.js';
import { startSandbox, type RunningSandbox, type StartOptions } from '../../src/server/server.js';
import { OptionError } from '../../src/settings/errors.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { codeClientAuth, DEMO, deviceClientAuth, pkjwtForm, ps256Form } from '../support/clients.js';
import { dpopProof, proofKey } from '../support/dpop.js';
import { journaledRefusal } from '../support/refusals.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { DEVICE_CODE_GRANT, form, tokenRequest } from '../support/requests.js';

const ISSUER = 'http://sandbox.test';
const PREFIX = 'replicas-test:';

let redis: TestRedis;
let a: RunningSandbox;
let b: RunningSandbox;
let c: RunningSandbox;
const replica = (options: StartOptions = {}) =>
  startSandbox({ port: 0, issuer: ISSUER, redis: redis.url, redisPrefix: PREFIX, deviceIntervalSeconds: 0, rateLimit: { requests: 3, windowMs: 10_000 }, ...options });

beforeAll(async () => {
  redis = await startRedis();
  a = await replica();
  [b, c] = await Promise.all([replica(), replica()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close(), c?.close()]);
  await redis?.close();
});

const post = (base: string, path: string, fields: Record<string, string>) =>
  fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) });

describe('three replicas on one Redis', () => {
  it('an assertion used at A is refused as replayed at B (assertion.jti.replayed)', async () => {
    const fields = await pkjwtForm(ISSUER);
    expect((await fetch(tokenRequest(a.url, fields))).status).toBe(200);
    const again = await fetch(tokenRequest(b.url, fields));
    expect(again.status).toBe(400);
    expect(await journaledRefusal(b.url, again.headers.get('x-fapi-interaction-id'))).toBe('assertion.jti.replayed');
  });

  it('flaky answers 504 at A, 502 at B, 200 at C for one client_id', async () => {
    const at = async (base: string) => (await fetch(tokenRequest(base, { client_id: 'replicas-flaky' }, { 'x-sandbox-scenario': 'flaky' }))).status;
    expect([await at(a.url), await at(b.url), await at(c.url)]).toEqual([504, 502, 200]);
  });

  it('--rate-limit 3/10s: the fourth request across A and B is answered 429', async () => {
    const at = async (base: string) => (await fetch(tokenRequest(base, { grant_type: 'client_credentials', client_id: 'replicas-rate' }))).status;
    const statuses = [await at(a.url), await at(b.url), await at(a.url), await at(b.url)];
    expect(statuses.slice(0, 3)).not.toContain(429);
    expect(statuses[3]).toBe(429);
  });

  it('a device code started at A, approved through B\'s control API, is redeemed at C, and only once', async () => {
    const started = await post(a.url, '/device/auth', { ...(await deviceClientAuth(ISSUER)), scope: 'openid' });
    expect(started.status).toBe(200);
    const { device_code: deviceCode, user_code: userCode } = (await started.json()) as { device_code: string; user_code: string };
    expect((await fetch(`${b.url}/__sandbox/devices/${userCode}/approve`, { method: 'POST' })).status).toBe(204);
    const poll = async (base: string) => post(base, '/token', { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, ...(await deviceClientAuth(ISSUER)) });
    const redeemed = await poll(c.url);
    expect(redeemed.status).toBe(200);
    const again = await poll(a.url);
    expect(again.status).toBe(400);
    expect(await journaledRefusal(a.url, again.headers.get('x-fapi-interaction-id'))).toBe('device_code.redeemed');
  });

  it('keeps one journal: each replica lists the requests of all three', async () => {
    const ids = [];
    for (const base of [a.url, b.url, c.url]) ids.push((await fetch(`${base}/jwks`)).headers.get('x-fapi-interaction-id'));
    const journals = await Promise.all([a, b, c].map(async (r) => (await (await fetch(`${r.url}/__sandbox/requests`)).json()) as { requests: { interactionId: string }[] }));
    expect(journals[1]).toEqual(journals[0]);
    expect(journals[2]).toEqual(journals[0]);
    expect(journals[0]!.requests.slice(-3).map((e) => e.interactionId)).toEqual(ids);
  });

  it('publishes one JWKS: a token from A verifies with C\'s keys', async () => {
    const [ja, jb, jc] = await Promise.all([a, b, c].map(async (r) => (await fetch(`${r.url}/jwks`)).json()));
    expect(jb).toEqual(ja);
    expect(jc).toEqual(ja);
    const { access_token: token } = (await (await fetch(tokenRequest(a.url, await pkjwtForm(ISSUER)))).json()) as { access_token: string };
    const { jwtVerify, createLocalJWKSet } = await import('jose');
    await expect(jwtVerify(token, createLocalJWKSet(jc as never))).resolves.toBeDefined();
  });

  it('a reset at A is a reset at B: the sequence and the used jti start again', async () => {
    // Another client than the tests above, whose requests used up its rate limit.
    const fields = await ps256Form(ISSUER);
    expect((await fetch(tokenRequest(b.url, fields))).status).toBe(200);
    const flaky = async (base: string) => (await fetch(tokenRequest(base, { client_id: 'replicas-reset' }, { 'x-sandbox-scenario': 'flaky' }))).status;
    expect(await flaky(b.url)).toBe(504);
    expect((await fetch(`${a.url}/__sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(await flaky(b.url)).toBe(504);
    expect((await fetch(tokenRequest(b.url, fields))).status).toBe(200);
    expect(((await (await fetch(`${b.url}/__sandbox/requests`)).json()) as { requests: unknown[] }).requests).toHaveLength(2);
  });
});

describe('the code flow across three replicas on one Redis', () => {
  const VERIFIER = 'r'.repeat(43);
  let flow: RunningSandbox[] = [];
  // Replicas of their own: --consent auto, and no rate limit, as the flow takes more requests of one client.
  beforeAll(async () => {
    flow = await Promise.all([1, 2, 3].map(() => replica({ redisPrefix: 'replicas-flow:', consent: 'auto', rateLimit: undefined })));
  });
  afterAll(async () => {
    await Promise.all(flow.map((r) => r.close()));
  });

  /** PAR and the authorization endpoint at `base` (approved at once): the code it redirects with. */
  async function codeFrom(base: string): Promise<string> {
    const pushed = await post(base, '/par', {
      ...(await codeClientAuth(ISSUER)), response_type: 'code', redirect_uri: DEMO.code.redirectUri, scope: 'openid accounts',
      code_challenge: s256Challenge(VERIFIER), code_challenge_method: 'S256',
    });
    expect(pushed.status).toBe(201);
    const { request_uri: requestUri } = (await pushed.json()) as { request_uri: string };
    const authorized = await fetch(`${base}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: requestUri })}`, { redirect: 'manual' });
    expect(authorized.status).toBe(303);
    return new URL(authorized.headers.get('location')!).searchParams.get('code')!;
  }
  const redeem = async (base: string, code: string) =>
    post(base, '/token', { grant_type: 'authorization_code', ...(await codeClientAuth(ISSUER)), code, redirect_uri: DEMO.code.redirectUri, code_verifier: VERIFIER });
  const introspect = async (base: string, token: string) => {
    const res = await post(base, '/introspect', { ...(await codeClientAuth(ISSUER)), token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { active: boolean }).active;
  };

  it('an authorization code from A redeemed at B, refreshed at C, revoked at A and then inactive at B', async () => {
    const [a, b, c] = flow.map((r) => r.url) as [string, string, string];
    const redeemed = await redeem(b, await codeFrom(a));
    expect(redeemed.status).toBe(200);
    const tokens = (await redeemed.json()) as { access_token: string; refresh_token: string };
    const refreshed = await post(c, '/token', { grant_type: 'refresh_token', ...(await codeClientAuth(ISSUER)), refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(200);
    const { access_token: refreshedAccess } = (await refreshed.json()) as { access_token: string };
    expect([await introspect(b, tokens.refresh_token), await introspect(b, refreshedAccess)]).toEqual([true, true]);

    expect((await post(a, '/revoke', { ...(await codeClientAuth(ISSUER)), token: tokens.refresh_token })).status).toBe(200);

    // The grant went, with every access token issued from it, wherever each was issued.
    expect([await introspect(b, tokens.refresh_token), await introspect(b, tokens.access_token), await introspect(b, refreshedAccess)]).toEqual([false, false, false]);
    const again = await post(b, '/token', { grant_type: 'refresh_token', ...(await codeClientAuth(ISSUER)), refresh_token: tokens.refresh_token });
    expect(again.status).toBe(400);
    expect(await journaledRefusal(b, again.headers.get('x-fapi-interaction-id'))).toBe('refresh_token.revoked');
  });

  it('one code redeemed at B and at C at once: exactly one 200, the other a reuse (code.reused)', async () => {
    const [a, b, c] = flow.map((r) => r.url) as [string, string, string];
    const code = await codeFrom(a);
    const answers = await Promise.all([redeem(b, code), redeem(c, code)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    const [won, lost] = answers[0]!.status === 200 ? [answers[0]!, answers[1]!] : [answers[1]!, answers[0]!];
    expect(await journaledRefusal(a, lost.headers.get('x-fapi-interaction-id'))).toBe('code.reused');
    // The reuse revoked the grant (RFC 6749 §4.1.2): the winner's access token is inactive too.
    const { access_token: token } = (await won.json()) as { access_token: string };
    expect(await introspect(a, token)).toBe(false);
  });
});

describe('starting on Redis', () => {
  it('shares the signing key encrypted with the admin token: the same JWKS for the same token, a one-line refusal for another', async () => {
    const token = 'replicas-admin-token-0123456789';
    const own = { redisPrefix: 'replicas-sealed:', adminToken: token };
    const first = await replica(own);
    const second = await replica(own);
    try {
      const jwks = async (r: RunningSandbox) => (await fetch(`${r.url}/jwks`)).json();
      expect(await jwks(second)).toEqual(await jwks(first));
      await expect(replica({ ...own, adminToken: 'another-admin-token-0123456789' })).rejects.toThrow(OptionError);
      await expect(replica({ ...own, adminToken: undefined })).rejects.toThrow(/encrypted with an admin token/);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('--dpop-nonce: a nonce replica A gave is good at replica B, and the profile bounds the shared key', async () => {
    const own = { redisPrefix: 'replicas-nonce:', dpopNonce: true };
    const [first, second] = await Promise.all([replica(own), replica(own)]);
    try {
      const key = proofKey('ES256');
      const now = () => Math.floor(Date.now() / 1000);
      const ask = async (base: string, claims: Record<string, unknown> = {}) =>
        fetch(tokenRequest(base, await pkjwtForm(ISSUER), { dpop: await dpopProof(key, `${ISSUER}/token`, now(), { claims }) }));
      const first400 = await ask(first.url);
      expect(first400.status).toBe(400);
      const nonce = first400.headers.get('dpop-nonce');
      expect(nonce).toBeTruthy();
      const atB = await ask(second.url, { nonce });
      expect(atB.status).toBe(200);
      expect(((await atB.json()) as { token_type: string }).token_type).toBe('DPoP');
      // The replicas' key is ES256: a replica under open-finance-brasil (PS256 only) refuses to start with it.
      await expect(replica({ ...own, profile: 'open-finance-brasil' })).rejects.toThrow(/options: at redis: .*signs ES256; the open-finance-brasil profile allows PS256 only/);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('createApp, synchronous, refuses redis and points at createSharedApp, which connects in-process', async () => {
    expect(() => createApp({ redis: redis.url })).toThrow(/options: at redis: .*createSharedApp/);
    const app = await createSharedApp({ redis: redis.url, redisPrefix: PREFIX, issuer: ISSUER });
    try {
      expect(await (await app.fetch(new Request('http://localhost/jwks'))).json()).toEqual(await (await fetch(`${a.url}/jwks`)).json());
    } finally {
      await app.config.state.close();
    }
  });

  it('refuses a URL that is not redis:// or rediss://, and an unreachable Redis, in one line', async () => {
    await expect(startSandbox({ port: 0, redis: 'http://localhost:6379' })).rejects.toThrow(/options: at redis: must be a redis:\/\/ or rediss:\/\/ URL/);
    const closed = `redis://:secret@127.0.0.1:${redis.port + 1}`;
    const refusal = await startSandbox({ port: 0, redis: closed }).then(() => undefined, (err: Error) => err);
    expect(refusal).toBeInstanceOf(OptionError);
    expect(refusal!.message).toMatch(/^options: at redis: cannot reach redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: cannot connect: /);
    expect(refusal!.message).not.toContain('secret');
    expect(refusal!.message).not.toContain('\n');
  });
});
