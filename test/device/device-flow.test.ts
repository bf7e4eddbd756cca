/**
 * The device authorization grant (RFC 8628), every outcome in-process over app.fetch, time moved
 * by an injected clock; and polling pace and expiry once in real time over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { startSandbox } from '../../src/server/server.js';
import type { SandboxOptions } from '../../src/settings/options.js';
import { fakeClock } from '../support/clock.js';
import { deviceClientAuth, pkjwtForm } from '../support/clients.js';
import { refusalOf } from '../support/refusals.js';
import { DEVICE_CODE_GRANT, form, tokenRequest } from '../support/requests.js';

const BASE = 'http://sandbox.test';

/** The app in-process, or a real listener through global fetch. */
type Fetcher = { fetch(request: Request): Response | Promise<Response> };

async function authorize(app: Fetcher, extra: Record<string, string> = {}, headers: Record<string, string> = {}, base = BASE) {
  const res = await app.fetch(
    new Request(`${base}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form({ ...(await deviceClientAuth(base)), scope: 'openid', ...extra }),
    }),
  );
  return {
    res,
    status: res.status,
    body: (res.status === 204 || res.status === 406 ? {} : await res.json()) as Record<string, any>,
    refusal: 'config' in app ? await refusalOf(app as SandboxApp, res) : undefined,
  };
}

async function poll(app: Fetcher, deviceCode: string, auth?: Record<string, string>, base = BASE) {
  const res = await app.fetch(tokenRequest(base, { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, ...(auth ?? (await deviceClientAuth(base))) }));
  // In-process the journal tells the refusal code; over HTTP the caller reads the control API.
  const refusal = 'config' in app ? await refusalOf(app as SandboxApp, res) : undefined;
  return { status: res.status, body: (await res.json()) as Record<string, any>, refusal };
}

const control = (app: SandboxApp, userCode: string, decision: 'approve' | 'deny') =>
  app.fetch(new Request(`${BASE}/__sandbox/devices/${userCode}/${decision}`, { method: 'POST' }));

const fast = (extra: SandboxOptions = {}) => createApp({ deviceIntervalSeconds: 0, ...extra });

describe('the device authorization endpoint', () => {
  it('answers the codes and where to go (RFC 8628 §3.2)', async () => {
    const { status, body, res } = await authorize(createApp());
    expect(status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(body).toEqual({
      device_code: expect.stringMatching(/^[\w-]{43}$/),
      user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/),
      verification_uri: `${BASE}/device`,
      verification_uri_complete: `${BASE}/device?user_code=${body.user_code}`,
      expires_in: 600,
      interval: 5,
    });
  });

  it('is advertised in discovery', async () => {
    const res = await createApp().fetch(new Request(`${BASE}/.well-known/openid-configuration`));
    expect(((await res.json()) as Record<string, string>).device_authorization_endpoint).toBe(`${BASE}/device/auth`);
  });

  it('authenticates the client', async () => {
    const { body, refusal } = await authorize(createApp(), { client_assertion: 'a.b.c' });
    expect(body.error).toBe('invalid_client');
    expect(refusal).toBe('assertion.header');
  });

  it('refuses a client not registered for the grant, and scopes outside its registration', async () => {
    const app = createApp();
    const res = await app.fetch(
      new Request(`${BASE}/device/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(await pkjwtForm(BASE)) }),
    );
    expect(await res.json()).toMatchObject({ error: 'unauthorized_client' });
    expect(await refusalOf(app, res)).toBe('client.grant_not_registered');
    expect(await authorize(app, { scope: 'payments' })).toMatchObject({ body: { error: 'invalid_scope' }, refusal: 'scope.not_registered' });
  });

  it('answers an unknown device scenario with 404 and the list', async () => {
    const { status, body, refusal } = await authorize(createApp(), {}, { 'x-sandbox-scenario': 'throttled' });
    expect(status).toBe(404);
    expect(refusal).toBe('scenario.unknown');
    expect(body.errors).toEqual(['Scenario "throttled" answers POST /token; POST /device/auth takes device scenarios', 'Device scenarios: device-approve, device-deny']);
  });
});

describe('polling the token endpoint', () => {
  it('authenticates the polling client: a bad assertion is invalid_client, and the code stays usable', async () => {
    const app = fast();
    const { body } = await authorize(app);
    const refused = await poll(app, body.device_code, { ...(await deviceClientAuth(BASE)), client_assertion: 'a.b.c' });
    expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.header' });
    expect(await poll(app, body.device_code)).toMatchObject({ body: { error: 'authorization_pending' }, refusal: 'device_code.pending' });
  });

  it('is authorization_pending until the user decides, then a token, redeemed once', async () => {
    const app = fast();
    const { body } = await authorize(app);
    expect((await poll(app, body.device_code)).body.error).toBe('authorization_pending');
    expect((await control(app, body.user_code, 'approve')).status).toBe(204);
    const granted = await poll(app, body.device_code);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ token_type: 'Bearer', scope: 'openid' });
    const again = await poll(app, body.device_code);
    expect(again).toMatchObject({ body: { error: 'invalid_grant' }, refusal: 'device_code.redeemed' });
  });

  it('is access_denied after a denial', async () => {
    const app = fast();
    const { body } = await authorize(app);
    expect((await control(app, body.user_code, 'deny')).status).toBe(204);
    expect(await poll(app, body.device_code)).toMatchObject({ body: { error: 'access_denied' }, refusal: 'device_code.denied' });
  });

  it('is slow_down when polled before the interval, and the interval then grows by 5 s', async () => {
    const clock = fakeClock();
    const app = fast({ deviceIntervalSeconds: 1, clock });
    const { body } = await authorize(app);
    // The first poll comes right after issue: too early.
    // The words matter here: they tell the device its new interval.
    expect(await poll(app, body.device_code)).toMatchObject({
      body: { error: 'slow_down', error_description: 'polling faster than every 1 s; the interval is now 6 s' },
      refusal: 'device_code.slow_down',
    });
    clock.advance(5_999);
    // Enough for the old interval, not for the new 6 s one, counted from the last poll.
    expect((await poll(app, body.device_code)).body.error_description).toBe('polling faster than every 6 s; the interval is now 11 s');
    clock.advance(11_000);
    expect((await poll(app, body.device_code)).body.error).toBe('authorization_pending');
  });

  it('is expired_token after expiry, on the token endpoint, the control API and the verification page', async () => {
    const clock = fakeClock();
    // Short enough that the polls' assertions, made on the real clock, stay valid on the moved one.
    const app = fast({ deviceCodeLifetimeSeconds: 30, clock });
    const { body } = await authorize(app);
    clock.advance(29_999);
    expect((await poll(app, body.device_code)).body.error).toBe('authorization_pending');
    clock.advance(1);
    expect(await poll(app, body.device_code)).toMatchObject({ body: { error: 'expired_token' }, refusal: 'device_code.expired' });
    expect((await control(app, body.user_code, 'approve')).status).toBe(404);
    const page = await app.fetch(new Request(`${BASE}/device?user_code=${body.user_code}`));
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('That code has expired.');
    expect(await refusalOf(app, page)).toBe('user_code.expired');
  });

  it('paces and expires in real time over HTTP', async () => {
    const sandbox = await startSandbox({ port: 0, deviceIntervalSeconds: 1, deviceCodeLifetimeSeconds: 1 });
    try {
      const http: Fetcher = { fetch: (request) => fetch(request) };
      const { body } = await authorize(http, {}, {}, sandbox.url);
      expect((await poll(http, body.device_code, undefined, sandbox.url)).body.error).toBe('slow_down');
      await new Promise((r) => setTimeout(r, 1100));
      expect((await poll(http, body.device_code, undefined, sandbox.url)).body.error).toBe('expired_token');
    } finally {
      await sandbox.close();
    }
  });

  it('is invalid_grant for an unknown code', async () => {
    expect(await poll(fast(), 'no-such-code')).toMatchObject({ body: { error: 'invalid_grant' }, refusal: 'device_code.unknown' });
  });

  it('refuses a code of another client', async () => {
    const app = fast({
      clientsYaml: (await import('node:fs')).readFileSync('demo/clients.yaml', 'utf8').replace('sandbox-pkjwt-ps256', 'ps256-unused').replace(
        'grant_types: [client_credentials]\n    jwks:\n      keys:\n        - kty: EC',
        'grant_types: [client_credentials, urn:ietf:params:oauth:grant-type:device_code]\n    jwks:\n      keys:\n        - kty: EC',
      ),
    });
    const { body } = await authorize(app);
    const stolen = await app.fetch(tokenRequest(BASE, { ...(await pkjwtForm(BASE)), grant_type: DEVICE_CODE_GRANT, device_code: body.device_code }));
    expect(await stolen.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await refusalOf(app, stolen)).toBe('device_code.other_client');
  });

  it('decides by itself with a device scenario', async () => {
    for (const [scenario, outcome] of [['device-approve', 200], ['device-deny', 400]] as const) {
      const app = fast();
      const { body } = await authorize(app, {}, { 'x-sandbox-scenario': scenario });
      expect((await poll(app, body.device_code)).body.error).toBe('authorization_pending');
      expect((await poll(app, body.device_code)).body.error).toBe('authorization_pending');
      const third = await poll(app, body.device_code);
      expect(third.status).toBe(outcome);
      if (outcome === 400) expect(third.body.error).toBe('access_denied');
    }
  });
});

describe('the control API', () => {
  it('answers 404 with an errors list for an unknown code, or one already decided', async () => {
    const app = fast();
    const res = await control(app, 'BBBB-BBBB', 'approve');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: ['No device authorization has the user code "BBBB-BBBB"'] });
    const { body } = await authorize(app);
    expect((await control(app, body.user_code.toLowerCase().replace('-', ''), 'deny')).status).toBe(204);
    expect(await (await control(app, body.user_code, 'approve')).json()).toEqual({
      errors: [`The device authorization was already decided for user code "${body.user_code}"`],
    });
  });
});
