/**
 * The authorization code flow in-process, on the injected clock: PAR's checks, the authorization
 * endpoint's errors, the code's bindings (client, redirect_uri, PKCE verifier), its single use and
 * lifetime, refresh tokens bound to the client and its certificate or DPoP key, the code bound to
 * a DPoP key at PAR (RFC 9449 §10). Negative tests are named after
 * the OpenID conformance suite's FAPI 2 tests that check the same rule.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { codeClientAuth, DEMO, pkjwtForm } from '../support/clients.js';
import { fakeClock } from '../support/clock.js';
import { dpopProof, proofKey, type ProofKey } from '../support/dpop.js';
import { refusalOf } from '../support/refusals.js';
import { form, type Fields } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const REDIRECT = DEMO.code.redirectUri;

const post = (app: SandboxApp, path: string, fields: Fields, headers: Record<string, string> = {}) =>
  app.fetch(new Request(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(fields) }));

const pushFields = (extra: Fields = {}): Fields => ({
  response_type: 'code',
  redirect_uri: REDIRECT,
  scope: 'openid accounts',
  state: 'st-1',
  code_challenge: s256Challenge(VERIFIER),
  code_challenge_method: 'S256',
  ...extra,
});

async function push(app: SandboxApp, extra: Fields = {}, headers: Record<string, string> = {}): Promise<Response> {
  return post(app, '/par', { ...(await codeClientAuth(BASE)), ...pushFields(extra) }, headers);
}

async function requestUri(app: SandboxApp, extra: Fields = {}): Promise<string> {
  const res = await push(app, extra);
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { request_uri: string }).request_uri;
}

const authorize = async (app: SandboxApp, uri: string, clientId: string = DEMO.code.clientId) =>
  app.fetch(new Request(`${BASE}/authorize?${new URLSearchParams({ client_id: clientId, request_uri: uri })}`));

/** PAR then --consent auto: the redirect's query. */
async function approved(app: SandboxApp, extra: Fields = {}): Promise<URLSearchParams> {
  const res = await authorize(app, await requestUri(app, extra));
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!).searchParams;
}

async function redeem(app: SandboxApp, code: string, extra: Fields = {}, headers: Record<string, string> = {}): Promise<Response> {
  return post(app, '/token', { grant_type: 'authorization_code', ...(await codeClientAuth(BASE)), code, redirect_uri: REDIRECT, code_verifier: VERIFIER, ...extra }, headers);
}

async function refresh(app: SandboxApp, refreshToken: string, extra: Fields = {}, headers: Record<string, string> = {}): Promise<Response> {
  return post(app, '/token', { grant_type: 'refresh_token', ...(await codeClientAuth(BASE)), refresh_token: refreshToken, ...extra }, headers);
}

async function refusedWith(app: SandboxApp, res: Response, status: number, error: string | null, code: string): Promise<void> {
  const text = await res.clone().text();
  expect(res.status, text).toBe(status);
  if (error !== null) expect(JSON.parse(text).error).toBe(error);
  expect(await refusalOf(app, res)).toBe(code);
}

/**
 * The client assertions are signed on the system clock: the sandbox's clock starts there and a
 * test moves it at most 90 s on, within the clock skew tolerated here.
 */
const SKEW = { clockSkewSeconds: 120 };

const autoApp = () => {
  const clock = fakeClock();
  return { clock, app: createApp({ clock, consent: 'auto', ...SKEW }) };
};

/** The demo clients, with the ES256 demo client (sandbox-pkjwt) registered for the code flow too. */
const twoCodeClients = () => {
  const clock = fakeClock();
  const clientsYaml = readFileSync('demo/clients.yaml', 'utf8').replace(
    'grant_types: [client_credentials]',
    `grant_types: [client_credentials, authorization_code, refresh_token]\n    redirect_uris: [${REDIRECT}]`,
  );
  return { clock, app: createApp({ clock, consent: 'auto', clientsYaml, ...SKEW }) };
};

describe('the pushed authorization request endpoint (RFC 9126)', () => {
  it('answers 201 with a single-use request_uri that lives --par-lifetime seconds', async () => {
    const { app } = autoApp();
    const res = await push(app);
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { request_uri: string; expires_in: number };
    expect(body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(body.expires_in).toBe(90);
  });

  it.each<[string, Fields, string]>([
    ['fapi2-security-profile-final-par-authorization-request-containing-request_uri-form-param', { request_uri: 'urn:ietf:params:oauth:request_uri:x' }, 'par.request_uri'],
    ['a response_type other than code', { response_type: 'token' }, 'par.response_type'],
    ['no redirect_uri', { redirect_uri: '' }, 'par.redirect_uri.missing'],
    ['a redirect_uri not registered exactly', { redirect_uri: `${REDIRECT}/` }, 'par.redirect_uri.unregistered'],
    ['fapi2-security-profile-final-par-ensure-pkce-required', { code_challenge: '' }, 'par.code_challenge.missing'],
    ['a code_challenge of 42 characters (RFC 7636 §4.2)', { code_challenge: 'a'.repeat(42) }, 'par.code_challenge.format'],
    ['a code_challenge with a character outside the unreserved ones', { code_challenge: `${'a'.repeat(42)}+` }, 'par.code_challenge.format'],
    ['fapi2-security-profile-final-par-plain-pkce-rejected', { code_challenge_method: 'plain' }, 'par.code_challenge_method'],
    ['no code_challenge_method', { code_challenge_method: '' }, 'par.code_challenge_method'],
    ['a scope the client is not registered for', { scope: 'admin' }, 'scope.not_registered'],
  ])('refuses %s', async (_name, extra, code) => {
    const { app } = autoApp();
    // An empty value stands for a parameter left out.
    const fields = Object.fromEntries(Object.entries({ ...(await codeClientAuth(BASE)), ...pushFields(extra) }).filter(([, v]) => v !== ''));
    await refusedWith(app, await post(app, '/par', fields), 400, code === 'scope.not_registered' ? 'invalid_scope' : 'invalid_request', code);
  });

  it('takes a code_challenge of 128 characters, the most RFC 7636 allows', async () => {
    const { app } = autoApp();
    expect((await push(app, { code_challenge: '~'.repeat(128) })).status).toBe(201);
  });

  it('refuses a client not registered for the authorization_code grant, after authenticating it', async () => {
    const { app } = autoApp();
    const { grant_type: _, ...auth } = await pkjwtForm(BASE);
    await refusedWith(app, await post(app, '/par', { ...auth, ...pushFields() }), 400, 'unauthorized_client', 'client.grant_not_registered');
  });

  it('takes its own scenarios and Prefer, answered before any check', async () => {
    const { app } = autoApp();
    const preferred = await post(app, '/par', {}, { prefer: 'code=400, example=invalid_client' });
    expect(preferred.status).toBe(400);
    expect(await preferred.json()).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    expect((await post(app, '/par', {}, { prefer: 'code=201' })).status).toBe(201);
    const undocumented = await post(app, '/par', {}, { prefer: 'code=200' });
    expect(undocumented.status).toBe(404);
    expect(((await undocumented.json()) as { errors: string[] }).errors[0]).toBe('Prefer: code=200 is not a status POST /par documents');
    expect((await post(app, '/par', {}, { 'x-sandbox-scenario': 'par-unavailable' })).status).toBe(500);
    // A POST /token scenario is not one of POST /par's.
    await refusedWith(app, await post(app, '/par', {}, { 'x-sandbox-scenario': 'throttled' }), 404, null, 'scenario.unknown');
  });
});

describe('the authorization endpoint, for pushed requests', () => {
  it('approves at once with --consent auto: 303 to the redirect_uri with code, state and iss', async () => {
    const { app } = autoApp();
    const res = await authorize(app, await requestUri(app));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('iss')).toBe(BASE);
  });

  it('leaves state out when none was pushed', async () => {
    const { app } = autoApp();
    const { state: _, ...noState } = pushFields();
    const res = await post(app, '/par', { ...(await codeClientAuth(BASE)), ...noState });
    const uri = ((await res.json()) as { request_uri: string }).request_uri;
    const location = new URL((await authorize(app, uri)).headers.get('location')!);
    expect(location.searchParams.has('state')).toBe(false);
    expect(location.searchParams.has('code')).toBe(true);
  });

  it.each<[string, (app: SandboxApp, uri: string) => Promise<Response>, number, string]>([
    ['no client_id', async (app, uri) => app.fetch(new Request(`${BASE}/authorize?request_uri=${encodeURIComponent(uri)}`)), 400, 'authorize.client_id.missing'],
    ['an unknown client', (app, uri) => authorize(app, uri, 'nobody'), 400, 'authorize.client.unknown'],
    ['no request_uri', async (app) => app.fetch(new Request(`${BASE}/authorize?client_id=${DEMO.code.clientId}`)), 400, 'authorize.request_uri.missing'],
    ['an unknown request_uri', (app) => authorize(app, 'urn:ietf:params:oauth:request_uri:nope'), 404, 'authorize.request_uri.unknown'],
    ['fapi2-security-profile-final-par-attempt-to-use-request_uri-for-different-client', (app, uri) => authorize(app, uri, DEMO.pkjwt.clientId), 400, 'authorize.request_uri.other_client'],
    [
      'fapi2-security-profile-final-par-attempt-reuse-request_uri',
      async (app, uri) => {
        expect((await authorize(app, uri)).status).toBe(303);
        return authorize(app, uri);
      },
      410,
      'authorize.request_uri.used',
    ],
  ])('shows an error page for %s', async (_name, call, status, code) => {
    const { app } = autoApp();
    const res = await call(app, await requestUri(app));
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('location')).toBeNull();
    expect(await res.clone().text()).toContain('role="alert"');
    await refusedWith(app, res, status, null, code);
  });

  it('fapi2-security-profile-final-par-attempt-to-use-expired-request_uri', async () => {
    const { app, clock } = autoApp();
    const uri = await requestUri(app);
    clock.advance(90_000);
    await refusedWith(app, await authorize(app, uri), 410, null, 'authorize.request_uri.expired');
  });
});

describe('authorization scenarios: POST /par selects how GET /authorize answers', () => {
  /** The consent page is on: a scenario decides without it. */
  const pageApp = (options: Parameters<typeof createApp>[0] = {}) => createApp({ clock: fakeClock(), consent: 'page', ...SKEW, ...options });

  /** PAR with the scenario header (answered 201 as always), then GET /authorize: the redirect's query. */
  async function decided(app: SandboxApp, scenario: string | undefined, extra: Fields = {}): Promise<URLSearchParams> {
    const res = await push(app, extra, scenario === undefined ? {} : { 'x-sandbox-scenario': scenario });
    expect(res.status, await res.clone().text()).toBe(201);
    const answered = await authorize(app, ((await res.json()) as { request_uri: string }).request_uri);
    expect(answered.status).toBe(303);
    expect(answered.headers.get('content-type')).toBeNull();
    const location = new URL(answered.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('iss')).toBe(BASE);
    return location.searchParams;
  }

  /** RFC 6749 §5.2: error and error_description are printable ASCII without " and \. */
  const RFC_6749_ERROR_TEXT = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

  it('authorize-approve redirects with a code that redeems, though the consent page is on', async () => {
    const app = pageApp();
    const query = await decided(app, 'authorize-approve');
    expect(query.has('error')).toBe(false);
    const res = await redeem(app, query.get('code')!);
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it.each([
    ['authorize-deny', 'access_denied', 'the user denied the request'],
    ['authorize-server-error', 'server_error', 'the authorization server failed'],
    ['authorize-temporarily-unavailable', 'temporarily_unavailable', 'the authorization server is under maintenance'],
  ])('%s redirects with error=%s, state and iss, and no code', async (scenario, error, description) => {
    const query = await decided(pageApp(), scenario);
    expect(query.get('error')).toBe(error);
    expect(query.get('error_description')).toBe(description);
    expect(query.has('code')).toBe(false);
    expect(query.get('error')).toMatch(RFC_6749_ERROR_TEXT);
    expect(query.get('error_description')).toMatch(RFC_6749_ERROR_TEXT);
  });

  it('is selected by a match rule too, and describes an error it gives no description for', async () => {
    const app = pageApp({
      scenarios: [{ name: 'scope-refused', description: 'd', source: 'test', match: { form: { scope: 'openid' } }, authorization: { error: 'invalid_scope' } }],
    });
    const query = await decided(app, undefined, { scope: 'openid' });
    expect(query.get('error')).toBe('invalid_scope');
    expect(query.get('error_description')).toBe('the sandbox scenario scope-refused answers invalid_scope');
    // Without the match, the consent page is shown.
    const res = await authorize(app, await requestUri(app));
    expect(res.status).toBe(200);
  });

  it('applies to its pushed request only, once: the request_uri stays single-use', async () => {
    const app = pageApp();
    const res = await push(app, {}, { 'x-sandbox-scenario': 'authorize-deny' });
    const uri = ((await res.json()) as { request_uri: string }).request_uri;
    const answered = await authorize(app, uri);
    expect(answered.status).toBe(303);
    // The journal names the scenario that answered, and the answer is no refusal.
    const entry = (await app.config.state.journal.list()).findLast((e) => e.interactionId === answered.headers.get('x-fapi-interaction-id'));
    expect(entry).toMatchObject({ scenario: 'authorize-deny', refusal: null });
    await refusedWith(app, await authorize(app, uri), 410, null, 'authorize.request_uri.used');
  });

  it('is named at the wrong endpoint: a device scenario at POST /par, an authorization scenario at POST /token', async () => {
    const app = pageApp();
    const atPar = await push(app, {}, { 'x-sandbox-scenario': 'device-approve' });
    expect(atPar.status).toBe(404);
    expect(((await atPar.json()) as { errors: string[] }).errors[0]).toBe('Scenario "device-approve" decides device authorizations: send it with POST /device/auth, not POST /par');
    const atToken = await post(app, '/token', {}, { 'x-sandbox-scenario': 'authorize-deny' });
    expect(atToken.status).toBe(404);
    expect(((await atToken.json()) as { errors: string[] }).errors[0]).toBe("Scenario \"authorize-deny\" decides the authorization endpoint's answer: send it with POST /par, not POST /token");
  });
});

describe('the authorization_code grant', () => {
  it('redeems the code once, with the client, the redirect_uri and the PKCE verifier it is bound to', async () => {
    const { app } = autoApp();
    const res = await redeem(app, (await approved(app)).get('code')!);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'openid accounts' });
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('fapi2-security-profile-final-ensure-pkce-code-verifier-required', async () => {
    const { app } = autoApp();
    const code = (await approved(app)).get('code')!;
    const { code_verifier: _, ...without } = { grant_type: 'authorization_code', ...(await codeClientAuth(BASE)), code, redirect_uri: REDIRECT, code_verifier: '' };
    await refusedWith(app, await post(app, '/token', without), 400, 'invalid_grant', 'code.verifier_missing');
  });

  it('fapi2-security-profile-final-incorrect-pkce-code-verifier-rejected', async () => {
    const { app } = autoApp();
    const code = (await approved(app)).get('code')!;
    await refusedWith(app, await redeem(app, code, { code_verifier: 'x'.repeat(43) }), 400, 'invalid_grant', 'code.verifier');
  });

  it('refuses a redirect_uri other than the pushed one', async () => {
    const { app } = autoApp();
    const code = (await approved(app)).get('code')!;
    await refusedWith(app, await redeem(app, code, { redirect_uri: 'http://localhost:8080/other' }), 400, 'invalid_grant', 'code.redirect_uri');
  });

  it('fapi2-security-profile-final-ensure-authorization-code-is-bound-to-client', async () => {
    const { app } = twoCodeClients();
    const code = (await approved(app)).get('code')!;
    const other = { ...(await pkjwtForm(BASE)), grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: VERIFIER };
    await refusedWith(app, await post(app, '/token', other), 400, 'invalid_grant', 'code.other_client');
  });

  it('fapi2-security-profile-final-attempt-reuse-authorisation-code-after-one-second: invalid_grant, and the first tokens are revoked', async () => {
    const { app, clock } = autoApp();
    const code = (await approved(app)).get('code')!;
    const first = (await (await redeem(app, code)).json()) as { refresh_token: string };
    clock.advance(1000);
    await refusedWith(app, await redeem(app, code), 400, 'invalid_grant', 'code.reused');
    await refusedWith(app, await refresh(app, first.refresh_token), 400, 'invalid_grant', 'refresh_token.revoked');
  });

  it('fapi2-security-profile-final-ensure-token-endpoint-fails-with-expired-auth-code', async () => {
    const { app, clock } = autoApp();
    const code = (await approved(app)).get('code')!;
    clock.advance(60_000);
    await refusedWith(app, await redeem(app, code), 400, 'invalid_grant', 'code.expired');
  });

  it('refuses an unknown code, and a request without code', async () => {
    const { app } = autoApp();
    await refusedWith(app, await redeem(app, 'nope'), 400, 'invalid_grant', 'code.unknown');
    const { code: _, ...without } = { grant_type: 'authorization_code', ...(await codeClientAuth(BASE)), code: '' };
    await refusedWith(app, await post(app, '/token', without), 400, 'invalid_request', 'form.code.missing');
  });
});

describe('the refresh_token grant', () => {
  async function tokens(app: SandboxApp): Promise<{ access_token: string; refresh_token: string }> {
    return (await (await redeem(app, (await approved(app)).get('code')!)).json()) as { access_token: string; refresh_token: string };
  }

  it('refreshes as often as asked, without rotation, narrowing the scope on request', async () => {
    const { app } = autoApp();
    const { refresh_token: rt } = await tokens(app);
    for (let i = 0; i < 2; i++) {
      const res = await refresh(app, rt);
      expect(res.status).toBe(200);
      expect(await res.json()).not.toHaveProperty('refresh_token');
    }
    expect(((await (await refresh(app, rt, { scope: 'accounts' })).json()) as { scope: string }).scope).toBe('accounts');
    await refusedWith(app, await refresh(app, rt, { scope: 'openid payments' }), 400, 'invalid_scope', 'refresh_token.scope');
  });

  it('rotates with --rotate-refresh-tokens: the used token is no longer valid', async () => {
    const app = createApp({ clock: fakeClock(), consent: 'auto', rotateRefreshTokens: true });
    const { refresh_token: rt } = await tokens(app);
    const next = ((await (await refresh(app, rt)).json()) as { refresh_token: string }).refresh_token;
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await refusedWith(app, await refresh(app, rt), 400, 'invalid_grant', 'refresh_token.unknown');
    expect((await refresh(app, next)).status).toBe(200);
  });

  it('refuses an unknown refresh token, and a request without one', async () => {
    const { app } = autoApp();
    await refusedWith(app, await refresh(app, 'nope'), 400, 'invalid_grant', 'refresh_token.unknown');
    const { refresh_token: _, ...without } = { grant_type: 'refresh_token', ...(await codeClientAuth(BASE)), refresh_token: '' };
    await refusedWith(app, await post(app, '/token', without), 400, 'invalid_request', 'form.refresh_token.missing');
  });

  it('is bound to the certificate the code was redeemed with (RFC 8705 §3): cnf x5t#S256', async () => {
    const app = createApp({ clock: fakeClock(), consent: 'auto', trustClientCertHeader: true, ...SKEW });
    const pem = DEMO.mtls.cert;
    const cert = { 'client-cert': `:${new X509Certificate(pem).raw.toString('base64')}:` };
    const res = await redeem(app, (await approved(app)).get('code')!, {}, cert);
    const { access_token: at, refresh_token: rt } = (await res.json()) as { access_token: string; refresh_token: string };
    const thumbprint = createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
    expect(decodeJwt(at).cnf).toEqual({ 'x5t#S256': thumbprint });
    const refreshed = (await (await refresh(app, rt, {}, cert)).json()) as { access_token: string };
    expect(decodeJwt(refreshed.access_token).cnf).toEqual({ 'x5t#S256': thumbprint });
    await refusedWith(app, await refresh(app, rt), 400, 'invalid_grant', 'refresh_token.binding');
  });

  it('is bound to the client it was issued to', async () => {
    const { app } = twoCodeClients();
    const { refresh_token: rt } = await tokens(app);
    const other = { ...(await pkjwtForm(BASE)), grant_type: 'refresh_token', refresh_token: rt };
    await refusedWith(app, await post(app, '/token', other), 400, 'invalid_grant', 'refresh_token.other_client');
  });
});

describe('DPoP through the code flow (RFC 9449 §5, §10)', () => {
  const keyA = proofKey('ES256');
  const keyB = proofKey('ES256');
  const jkt = (key: ProofKey) => calculateJwkThumbprint(key.publicJwk, 'sha256');
  const proofAt = (app: { clock: { now(): number } }, key: ProofKey, path: '/par' | '/token') => async () => ({
    dpop: await dpopProof(key, `${BASE}${path}`, Math.floor(app.clock.now() / 1000)),
  });

  /** PAR (with a proof of `parKey`, and `dpop_jkt` when given), then --consent auto: the code. */
  async function boundCode(setup: ReturnType<typeof autoApp>, parKey?: ProofKey, dpopJkt?: string): Promise<string> {
    const headers = parKey ? await proofAt(setup, parKey, '/par')() : {};
    const res = await push(setup.app, dpopJkt ? { dpop_jkt: dpopJkt } : {}, headers);
    expect(res.status, await res.clone().text()).toBe(201);
    const { request_uri: uri } = (await res.json()) as { request_uri: string };
    return new URL((await authorize(setup.app, uri)).headers.get('location')!).searchParams.get('code')!;
  }

  it('fapi2-security-profile-final-ensure-dpopproof-at-par-endpoint-binding-success: DPoP-bound tokens, the refresh token bound to the key', async () => {
    const setup = autoApp();
    const { app } = setup;
    const code = await boundCode(setup, keyA);
    const res = await redeem(app, code, {}, await proofAt(setup, keyA, '/token')());
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; refresh_token: string };
    expect(body.token_type).toBe('DPoP');
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: await jkt(keyA) });

    const refreshed = await refresh(app, body.refresh_token, {}, await proofAt(setup, keyA, '/token')());
    expect(refreshed.status).toBe(200);
    const again = (await refreshed.json()) as { access_token: string; token_type: string };
    expect(again.token_type).toBe('DPoP');
    expect(decodeJwt(again.access_token).cnf).toEqual({ jkt: await jkt(keyA) });
    // The refresh token is bound to the key it was issued with: no proof, or another key's, is refused.
    await refusedWith(app, await refresh(app, body.refresh_token), 400, 'invalid_grant', 'refresh_token.dpop_mismatch');
    await refusedWith(app, await refresh(app, body.refresh_token, {}, await proofAt(setup, keyB, '/token')()), 400, 'invalid_grant', 'refresh_token.dpop_mismatch');

    const introspected = await post(app, '/introspect', { ...(await codeClientAuth(BASE)), token: again.access_token });
    expect(await introspected.json()).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: await jkt(keyA) } });
    const ofRefresh = await post(app, '/introspect', { ...(await codeClientAuth(BASE)), token: body.refresh_token });
    expect(await ofRefresh.json()).toMatchObject({ active: true, token_type: 'refresh_token', cnf: { jkt: await jkt(keyA) } });
  });

  it('fapi2-security-profile-final-ensure-dpop-auth-code-binding-success: dpop_jkt at PAR, a proof of that key at the token endpoint', async () => {
    const setup = autoApp();
    const code = await boundCode(setup, undefined, await jkt(keyA));
    const res = await redeem(setup.app, code, {}, await proofAt(setup, keyA, '/token')());
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { token_type: string }).token_type).toBe('DPoP');
  });

  it('takes dpop_jkt and a proof of the same key together', async () => {
    const setup = autoApp();
    const code = await boundCode(setup, keyA, await jkt(keyA));
    expect((await redeem(setup.app, code, {}, await proofAt(setup, keyA, '/token')())).status).toBe(200);
  });

  it('fapi2-security-profile-final-ensure-mismatched-dpop-jkt-fails: dpop_jkt of another key than the proof at PAR', async () => {
    const setup = autoApp();
    const res = await push(setup.app, { dpop_jkt: await jkt(keyB) }, await proofAt(setup, keyA, '/par')());
    await refusedWith(setup.app, res, 400, 'invalid_request', 'par.dpop_jkt.mismatch');
  });

  it('refuses a dpop_jkt that is no SHA-256 thumbprint', async () => {
    const setup = autoApp();
    await refusedWith(setup.app, await push(setup.app, { dpop_jkt: 'not-a-thumbprint' }), 400, 'invalid_request', 'par.dpop_jkt.format');
  });

  it('fapi2-security-profile-final-ensure-token-endpoint-fails-with-mismatched-dpop-jkt', async () => {
    const setup = autoApp();
    const code = await boundCode(setup, undefined, await jkt(keyB));
    await refusedWith(setup.app, await redeem(setup.app, code, {}, await proofAt(setup, keyA, '/token')()), 400, 'invalid_grant', 'code.dpop_jkt_mismatch');
  });

  it('fapi2-security-profile-final-ensure-token-endpoint-fails-with-mismatched-dpop-proof-jkt', async () => {
    const setup = autoApp();
    const code = await boundCode(setup, keyA);
    await refusedWith(setup.app, await redeem(setup.app, code, {}, await proofAt(setup, keyB, '/token')()), 400, 'invalid_grant', 'code.dpop_jkt_mismatch');
  });

  it('refuses a DPoP-bound code redeemed without a proof', async () => {
    const setup = autoApp();
    const code = await boundCode(setup, keyA);
    await refusedWith(setup.app, await redeem(setup.app, code), 400, 'invalid_grant', 'code.dpop_jkt_mismatch');
  });

  it('fapi2-security-profile-final-dpop-negative-tests, at PAR: the proof is checked as at the token endpoint', async () => {
    const setup = autoApp();
    // A proof made for the token endpoint is not one for PAR.
    await refusedWith(setup.app, await push(setup.app, {}, await proofAt(setup, keyA, '/token')()), 400, 'invalid_dpop_proof', 'dpop.htu');
    const now = Math.floor(setup.clock.now() / 1000);
    const untyped = await dpopProof(keyA, `${BASE}/par`, now, { header: { typ: 'JWT' } });
    await refusedWith(setup.app, await push(setup.app, {}, { dpop: untyped }), 400, 'invalid_dpop_proof', 'dpop.typ');
    const once = await dpopProof(keyA, `${BASE}/par`, now);
    expect((await push(setup.app, {}, { dpop: once })).status).toBe(201);
    await refusedWith(setup.app, await push(setup.app, {}, { dpop: once }), 400, 'invalid_dpop_proof', 'dpop.jti.replayed');
  });

  it('demands the nonce at PAR with --dpop-nonce: use_dpop_nonce with a DPoP-Nonce header, and the retry with it is taken', async () => {
    const clock = fakeClock();
    const app = createApp({ clock, consent: 'auto', dpopNonce: true, ...SKEW });
    const now = Math.floor(clock.now() / 1000);
    const first = await push(app, {}, { dpop: await dpopProof(keyA, `${BASE}/par`, now) });
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toBeTruthy();
    await refusedWith(app, first, 400, 'use_dpop_nonce', 'dpop.nonce.missing');
    expect((await push(app, {}, { dpop: await dpopProof(keyA, `${BASE}/par`, now, { claims: { nonce } }) })).status).toBe(201);
  });

  describe('a client registered with dpop_bound_access_tokens (RFC 9449 §5.2)', () => {
    const dpopBound = () => {
      const clock = fakeClock();
      const clientsYaml = readFileSync('demo/clients.yaml', 'utf8').replace(
        '    require_pushed_authorization_requests: true\n',
        '    require_pushed_authorization_requests: true\n    dpop_bound_access_tokens: true\n',
      );
      expect(clientsYaml).toContain('dpop_bound_access_tokens: true');
      return { clock, app: createApp({ clock, consent: 'auto', clientsYaml, ...SKEW }) };
    };

    it('must send a DPoP proof or dpop_jkt to PAR', async () => {
      const setup = dpopBound();
      await refusedWith(setup.app, await push(setup.app), 400, 'invalid_request', 'client.dpop_required');
      expect((await push(setup.app, { dpop_jkt: await jkt(keyA) })).status).toBe(201);
    });

    it('must send a DPoP proof to the token endpoint', async () => {
      const setup = dpopBound();
      const code = await boundCode(setup, keyA);
      await refusedWith(setup.app, await redeem(setup.app, code), 400, 'invalid_request', 'client.dpop_required');
      const res = await redeem(setup.app, code, {}, await proofAt(setup, keyA, '/token')());
      expect(res.status, await res.clone().text()).toBe(200);
      const { refresh_token: rt } = (await res.json()) as { refresh_token: string };
      await refusedWith(setup.app, await refresh(setup.app, rt), 400, 'invalid_request', 'client.dpop_required');
    });
  });
});
