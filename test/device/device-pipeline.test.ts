/**
 * POST /device/auth goes through the same client-request pipeline as POST /token: the same
 * journal record (form with the assertion unsigned, scenario) and log line, the same checks in
 * the same order (rate limit, header formats), and one client authentication per request.
 */
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { registeredClientAuthenticator, type ClientAuthenticator } from '../../src/clients/authenticate.js';
import { ClientRegistry } from '../../src/clients/registry.js';
import { PROFILES } from '../../src/oauth/profiles.js';
import { loadClientsFile } from '../../src/settings/clients-file.js';
import type { SandboxOptions } from '../../src/settings/options.js';
import { DEFAULTS } from '../../src/settings/defaults.js';
import type { Scenario } from '../../src/scenarios/model.js';
import { systemClock } from '../../src/state/clock.js';
import { memoryReplayStore } from '../../src/state/replay-store.js';
import type { JournalEntry } from '../../src/state/index.js';
import { deviceClientAuth } from '../support/clients.js';
import { captureLogs } from '../support/logs.js';
import { refusalOf } from '../support/refusals.js';
import { shippedWithoutDelays } from '../support/scenarios.js';
import { DEVICE_CODE_GRANT, form, tokenRequest, type Fields } from '../support/requests.js';

const BASE = 'http://sandbox.test';

const deviceAuth = (app: SandboxApp, fields: Fields, headers: Record<string, string> = {}) =>
  app.fetch(
    new Request(`${BASE}/device/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: form(fields),
    }),
  );
const journal = async (app: SandboxApp) =>
  ((await (await app.fetch(new Request(`${BASE}/__sandbox/requests`))).json()) as { requests: JournalEntry[] }).requests;

describe('the POST /device/auth journal entry and log line', () => {
  it('carry the form, with client_id and the assertion without its signature, as for POST /token', async () => {
    const logs = captureLogs();
    const app = createApp({ logger: logs.logger });
    const fields: Fields = { ...(await deviceClientAuth(BASE)), scope: 'openid' };
    const [header, payload, signature] = fields.client_assertion!.split('.');
    expect((await deviceAuth(app, fields)).status).toBe(200);

    const [entry, ...rest] = await journal(app);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ method: 'POST', path: '/device/auth', status: 200, scenario: null });
    expect(entry!.form).toEqual({ ...fields, client_id: 'sandbox-device', client_assertion: `${header}.${payload}` });
    expect(JSON.stringify(entry)).not.toContain(signature);
    expect(logs.records.find((r) => r.path === '/device/auth')).toMatchObject({ msg: 'request', client: 'sandbox-device', status: 200 });
  });

  it('name the device scenario the request selected, by header or by match rule', async () => {
    const logs = captureLogs();
    const kiosk: Scenario = {
      name: 'kiosk-approves', description: 'a test match rule', source: 'test',
      device: { decision: 'approve', afterPolls: 1 }, match: { headers: { 'x-kiosk': 'yes' } },
    };
    const app = createApp({ logger: logs.logger, scenarios: [...shippedWithoutDelays(), kiosk] });
    const statuses = [
      (await deviceAuth(app, { ...(await deviceClientAuth(BASE)), scope: 'openid' }, { 'x-sandbox-scenario': 'device-deny' })).status,
      (await deviceAuth(app, { ...(await deviceClientAuth(BASE)), scope: 'openid' }, { 'x-kiosk': 'yes' })).status,
      (await deviceAuth(app, { ...(await deviceClientAuth(BASE)), scope: 'openid' })).status,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    expect((await journal(app)).map((e) => [e.scenario, e.form?.client_id])).toEqual([
      ['device-deny', 'sandbox-device'],
      ['kiosk-approves', 'sandbox-device'],
      [null, 'sandbox-device'],
    ]);
    expect(logs.records.filter((r) => r.path === '/device/auth').map((r) => r.scenario)).toEqual(['device-deny', 'kiosk-approves', undefined]);
  });
});

describe('POST /device/auth runs the token endpoint checks, in the same order', () => {
  it.each([
    ['x-fapi-auth-date', 'today', 'pattern'],
    ['x-fapi-customer-ip-address', 'localhost', 'format'],
    ['x-fapi-interaction-id', 'nope', 'pattern'],
  ])('answers a malformed %s with 400 invalid_request, before client authentication', async (name, value, rule) => {
    // A bad assertion too: the header check comes first.
    const app = createApp();
    const res = await deviceAuth(app, { ...(await deviceClientAuth(BASE)), client_assertion: 'a.b.c' }, { [name]: value });
    expect(res.status).toBe(400);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect(await refusalOf(app, res)).toBe(`header.${name}.${rule}`);
  });

  it('answers 429 with Retry-After when the client_id is rate limited, from one bucket shared with POST /token', async () => {
    const app = createApp({ rateLimit: { requests: 2, windowMs: 60_000 }, deviceIntervalSeconds: 0 });
    const first = await deviceAuth(app, { ...(await deviceClientAuth(BASE)), scope: 'openid' });
    expect(first.status).toBe(200);
    const { device_code } = (await first.json()) as { device_code: string };
    const poll = await app.fetch(tokenRequest(BASE, { grant_type: DEVICE_CODE_GRANT, device_code, ...(await deviceClientAuth(BASE)) }));
    expect(((await poll.json()) as { error: string }).error).toBe('authorization_pending');

    // The rate limit comes before Accept and before client authentication.
    const limited = await deviceAuth(app, { ...(await deviceClientAuth(BASE)), client_assertion: 'a.b.c' }, { accept: 'text/html' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(await limited.json()).toEqual({ errors: [expect.stringMatching(/limit is 2 per 60000 ms for each client_id/)] });
    expect(await refusalOf(app, limited)).toBe('rate_limit');
    const limitedPoll = await app.fetch(tokenRequest(BASE, { grant_type: DEVICE_CODE_GRANT, device_code, ...(await deviceClientAuth(BASE)) }));
    expect(limitedPoll.status).toBe(429);
  });

  it('still answers an unknown device scenario with 404 before the rate limit', async () => {
    const app = createApp({ rateLimit: { requests: 1, windowMs: 60_000 } });
    for (let i = 0; i < 2; i++) {
      const res = await deviceAuth(app, { client_id: 'sandbox-device' }, { 'x-sandbox-scenario': 'nope' });
      expect(res.status).toBe(404);
    }
  });
});

describe('client authentication', () => {
  /** The demo clients' authenticator, counting its calls. */
  function counting(): { options: SandboxOptions; calls: () => number } {
    let calls = 0;
    const real: ClientAuthenticator = registeredClientAuthenticator(
      new ClientRegistry(loadClientsFile('demo/clients.yaml')),
      memoryReplayStore(DEFAULTS.replayCapacity),
      { rules: PROFILES[DEFAULTS.profile].assertion, clockSkewSeconds: DEFAULTS.clockSkewSeconds, maxLifetimeSeconds: DEFAULTS.maxAssertionLifetimeSeconds, jwksTimeoutMs: DEFAULTS.jwksTimeoutMs },
      systemClock,
    );
    return {
      options: { authenticator: { authenticate: (input, credentials) => ((calls += 1), real.authenticate(input, credentials)) }, deviceIntervalSeconds: 0 },
      calls: () => calls,
    };
  }

  it('happens once per request, on POST /device/auth and on the device poll of POST /token', async () => {
    const { options, calls } = counting();
    const app = createApp(options);
    const res = await deviceAuth(app, { ...(await deviceClientAuth(BASE)), scope: 'openid' });
    expect(res.status).toBe(200);
    expect(calls()).toBe(1);
    const { device_code } = (await res.json()) as { device_code: string };
    const poll = await app.fetch(tokenRequest(BASE, { grant_type: DEVICE_CODE_GRANT, device_code, ...(await deviceClientAuth(BASE)) }));
    expect(((await poll.json()) as { error: string }).error).toBe('authorization_pending');
    expect(calls()).toBe(2);
  });
});
