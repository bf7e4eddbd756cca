/**
 * Introspection (RFC 7662) and revocation (RFC 7009) in-process, on the injected clock: what is
 * active and what is not (expired, revoked, unknown, another issuer's), who may revoke what, and
 * the scenarios of both endpoints.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { codeClientAuth, DEMO, pkjwtForm } from '../support/clients.js';
import { fakeClock } from '../support/clock.js';
import { refusalOf } from '../support/refusals.js';
import { form, type Fields } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const VERIFIER = 'v'.repeat(43);

const post = (app: SandboxApp, path: string, fields: Fields, headers: Record<string, string> = {}, base = BASE) =>
  app.fetch(new Request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields) }));

/** The demo clients, with the ES256 demo client registered for the code flow too, so that it can hold tokens of its own. */
function sandbox() {
  const clock = fakeClock();
  const clientsYaml = readFileSync('demo/clients.yaml', 'utf8').replace(
    'grant_types: [client_credentials]',
    `grant_types: [client_credentials, authorization_code, refresh_token]\n    redirect_uris: [${DEMO.code.redirectUri}]`,
  );
  // Client assertions are signed on the system clock; the tests move the sandbox's by 900 s at most.
  return { clock, app: createApp({ clock, consent: 'auto', clientsYaml, clockSkewSeconds: 1000, tokenLifetimeSeconds: 300 }) };
}

async function codeTokens(app: SandboxApp): Promise<{ access_token: string; refresh_token: string }> {
  const pushed = await post(app, '/par', {
    ...(await codeClientAuth(BASE)), response_type: 'code', redirect_uri: DEMO.code.redirectUri, scope: 'openid', code_challenge: s256Challenge(VERIFIER), code_challenge_method: 'S256',
  });
  const { request_uri: uri } = (await pushed.json()) as { request_uri: string };
  const redirect = await app.fetch(new Request(`${BASE}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: uri })}`));
  const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
  const res = await post(app, '/token', { grant_type: 'authorization_code', ...(await codeClientAuth(BASE)), code, redirect_uri: DEMO.code.redirectUri, code_verifier: VERIFIER });
  return (await res.json()) as { access_token: string; refresh_token: string };
}

const introspect = async (app: SandboxApp, token: string, base = BASE) => {
  const res = await post(app, '/introspect', { ...(await codeClientAuth(base)), token }, {}, base);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as Record<string, unknown>;
};
const revoke = async (app: SandboxApp, token: string, auth?: Fields) => post(app, '/revoke', { ...(auth ?? (await codeClientAuth(BASE))), token });

describe('token introspection (RFC 7662)', () => {
  it('answers the members of an active access token, and of a refresh token', async () => {
    const { app } = sandbox();
    const tokens = await codeTokens(app);
    const access = await introspect(app, tokens.access_token);
    expect(access).toEqual({
      active: true, client_id: DEMO.code.clientId, scope: 'openid', token_type: 'Bearer', sub: DEMO.code.clientId, iss: BASE,
      iat: expect.any(Number), exp: (access.iat as number) + 300,
    });
    expect(await introspect(app, tokens.refresh_token)).toEqual({
      active: true, client_id: DEMO.code.clientId, scope: 'openid', token_type: 'refresh_token', sub: DEMO.code.clientId, iss: BASE, iat: expect.any(Number),
    });
  });

  it('answers active: false for an expired, an unknown and another issuer\'s token', async () => {
    const { app, clock } = sandbox();
    const { access_token: token } = await codeTokens(app);
    expect(await introspect(app, token, 'http://elsewhere.localhost')).toEqual({ active: false });
    expect(await introspect(app, 'not-a-token')).toEqual({ active: false });
    const signedElsewhere = (await (await post(createApp({ clockSkewSeconds: 1000 }), '/token', await pkjwtForm(BASE))).json()) as { access_token: string };
    expect(await introspect(app, signedElsewhere.access_token)).toEqual({ active: false });
    clock.advance(300_000);
    expect(await introspect(app, token)).toEqual({ active: false });
  });

  it('refuses a request without token, after authenticating the client', async () => {
    const { app } = sandbox();
    const res = await post(app, '/introspect', await codeClientAuth(BASE));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
    expect(await refusalOf(app, res)).toBe('introspect.token.missing');
    const unauthenticated = await post(app, '/introspect', { token: 'x' });
    expect(await refusalOf(app, unauthenticated)).toBe('client.no_authentication');
  });

  it('answers on demand through its scenarios', async () => {
    const { app } = sandbox();
    const { access_token: token } = await codeTokens(app);
    const res = await post(app, '/introspect', { token }, { 'x-sandbox-scenario': 'introspection-inactive' });
    expect(await res.json()).toEqual({ active: false });
    expect((await post(app, '/introspect', {}, { prefer: 'code=500' })).status).toBe(500);
  });
});

describe('token revocation (RFC 7009)', () => {
  it('revokes an access token alone: the refresh token still works', async () => {
    const { app } = sandbox();
    const tokens = await codeTokens(app);
    const res = await revoke(app, tokens.access_token);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(await introspect(app, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(app, tokens.refresh_token)).toMatchObject({ active: true });
  });

  it('answers 200 for a token it does not know', async () => {
    const { app } = sandbox();
    const res = await revoke(app, 'never-issued');
    expect(res.status).toBe(200);
    expect(await refusalOf(app, res)).toBeNull();
  });

  it("refuses another client's token, which stays active, and a request without token", async () => {
    const { app } = sandbox();
    const tokens = await codeTokens(app);
    for (const token of [tokens.access_token, tokens.refresh_token]) {
      const { grant_type: _, ...other } = await pkjwtForm(BASE);
      const res = await revoke(app, token, other);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe('unauthorized_client');
      expect(await refusalOf(app, res)).toBe('revoke.other_client');
      expect(await introspect(app, token)).toMatchObject({ active: true });
    }
    const missing = await post(app, '/revoke', await codeClientAuth(BASE));
    expect(await refusalOf(app, missing)).toBe('revoke.token.missing');
  });

  it('answers on demand through its scenarios: a failed revocation leaves the token valid', async () => {
    const { app } = sandbox();
    const tokens = await codeTokens(app);
    const res = await post(app, '/revoke', { token: tokens.refresh_token }, { 'x-sandbox-scenario': 'revocation-unavailable' });
    expect(res.status).toBe(500);
    expect(await introspect(app, tokens.refresh_token)).toMatchObject({ active: true });
  });
});
