/** The control API: the journal shows what clients sent (without secrets), scenarios, reset, and its protection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { OptionError } from '../../src/settings/errors.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import type { JournalEntry } from '../../src/state/index.js';
import { deviceClientAuth, pkjwtForm } from '../support/clients.js';
import { DEVICE_CODE_GRANT, form, tokenRequest } from '../support/requests.js';

const TOKEN = 'test-admin-token-0123456789';
const ID = 'd3a9e2b4-6c1f-4c53-9b0e-8f3f1a2b7c10';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox?.close());

const admin = (path: string, init: RequestInit = {}, base = sandbox.url) => fetch(`${base}/__sandbox${path}`, init);
const journal = async (base = sandbox.url) => ((await (await admin('/requests', {}, base)).json()) as { requests: JournalEntry[] }).requests;

describe('the journal', () => {
  it('shows what the client sent and got, with the assertion unsigned and credentials redacted', async () => {
    await admin('/requests', { method: 'DELETE' });
    const fields = await pkjwtForm(sandbox.url, { grant_type: 'private_key_jwt', scope: 'openid' });
    const [header, payload, signature] = fields.client_assertion!.split('.');
    const res = await fetch(tokenRequest(sandbox.url, fields, { 'x-fapi-interaction-id': ID, authorization: 'Basic c2VjcmV0' }));
    expect(res.status).toBe(200);

    const [entry, ...rest] = await journal();
    expect(rest).toEqual([]);
    expect(entry).toEqual({
      id: expect.any(Number),
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      interactionId: ID,
      method: 'POST',
      path: '/token',
      headers: expect.objectContaining({ 'x-fapi-interaction-id': ID, authorization: '[redacted]', 'content-type': 'application/x-www-form-urlencoded' }),
      form: { ...fields, client_assertion: `${header}.${payload}` },
      scenario: null,
      status: 200,
      refusal: null,
      fault: null,
      durationMs: expect.any(Number),
      clientCertificate: null,
      // What the report judges by: the client, the assertion's claims (never the assertion), the token's scope and lifetime.
      clientId: 'sandbox-pkjwt',
      error: null,
      retryAfter: null,
      assertion: { jti: expect.stringMatching(/^[0-9a-f-]{36}$/), iat: expect.any(Number), exp: expect.any(Number), aud: sandbox.url, audIsIssuer: true },
      token: { scope: 'openid', expiresIn: 900, refreshToken: false },
      sequenceKey: null,
      userCode: null,
    });
    expect(entry!.assertion!.exp! - entry!.assertion!.iat!).toBe(60);
    expect(JSON.stringify(entry)).not.toContain(signature);
  });

  it('names the scenario and the fault, and leaves out the control API itself', async () => {
    await admin('/requests', { method: 'DELETE' });
    await fetch(tokenRequest(sandbox.url, { client_id: 'j1' }, { 'x-sandbox-scenario': 'flaky' }));
    await fetch(tokenRequest(sandbox.url, { client_id: 'j1' }, { 'x-sandbox-scenario': 'empty-reply' })).catch(() => undefined);
    await fetch(`${sandbox.url}/oauth/token`);
    await admin('/scenarios');
    expect((await journal()).map((e) => [e.path, e.scenario, e.status, e.fault])).toEqual([
      ['/token', 'flaky', 504, null],
      ['/token', 'empty-reply', null, 'empty-reply'],
      ['/oauth/token', null, 404, null],
    ]);
  });

  it('keeps only the most recent requests', async () => {
    const small = await startSandbox({ port: 0, journalSize: 3 });
    try {
      for (let i = 0; i < 5; i++) await fetch(tokenRequest(small.url, { client_id: `c${i}` }));
      const entries = await journal(small.url);
      expect(entries.map((e) => e.form?.client_id)).toEqual(['c2', 'c3', 'c4']);
      expect(entries.map((e) => e.id)).toEqual([3, 4, 5]);
    } finally {
      await small.close();
    }
  });

  it('DELETE empties it', async () => {
    await fetch(tokenRequest(sandbox.url, { client_id: 'j2' }));
    const res = await admin('/requests', { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await journal()).toEqual([]);
  });

  it('answers 406 when Accept excludes JSON', async () => {
    expect((await admin('/requests', { headers: { accept: 'text/html' } })).status).toBe(406);
  });
});

describe('GET /__sandbox/scenarios', () => {
  it('lists the scenarios as their files state them, defaults spelled out', async () => {
    const { scenarios } = (await (await admin('/scenarios')).json()) as { scenarios: Record<string, unknown>[] };
    expect(scenarios.map((s) => s.name)).toEqual(sandbox.scenarios);
    expect(scenarios.find((s) => s.name === 'flaky')).toEqual({
      name: 'flaky',
      description: expect.any(String),
      source: expect.stringMatching(/scenarios\/retries\.yaml$/),
      sequence: { steps: [{ status: 504 }, { status: 502 }, { status: 200 }], loop: false, key: { form: 'client_id' } },
    });
    expect(scenarios.find((s) => s.name === 'throttled-client')).toMatchObject({
      match: { form: { client_id: 'sandbox-throttled' } },
      response: { status: 429, headers: { 'retry-after': '1' } },
    });
  });
});

describe('POST /__sandbox/reset', () => {
  it('resets sequences, rate limits, the journal, the used jti values and the device codes', async () => {
    const BASE = 'http://sandbox.test';
    const app = createApp({ rateLimit: { requests: 2, windowMs: 60_000 }, deviceIntervalSeconds: 0 });
    const call = async (fields?: Record<string, string>, headers: Record<string, string> = {}) =>
      app.fetch(tokenRequest(BASE, fields ?? (await pkjwtForm(BASE)), headers));
    const reused = await pkjwtForm(BASE);
    const device = await app.fetch(
      new Request(`${BASE}/device/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(await deviceClientAuth(BASE)) }),
    );
    const { device_code } = (await device.json()) as { device_code: string };
    const poll = async () => (await (await call({ ...(await deviceClientAuth(BASE)), grant_type: DEVICE_CODE_GRANT, device_code })).json()) as { error: string };
    expect((await call(undefined, { 'x-sandbox-scenario': 'flaky' })).status).toBe(504);
    expect((await call(reused)).status).toBe(200);
    expect((await call(reused)).status).toBe(400); // the jti was used
    expect((await call()).status).toBe(429);

    const res = await app.fetch(new Request(`${BASE}/__sandbox/reset`, { method: 'POST' }));
    expect(res.status).toBe(204);
    expect(await app.config.state.journal.list()).toEqual([]);
    expect((await call(undefined, { 'x-sandbox-scenario': 'flaky' })).status).toBe(504);
    expect((await call(reused)).status).toBe(200);
    expect((await poll()).error).toBe('invalid_grant'); // the device code is gone
  });
});

describe('protection', () => {
  it('with a token, refuses calls without it or with another one (RFC 6750), and accepts it', async () => {
    const app = createApp({ adminToken: TOKEN });
    const call = (authorization?: string) =>
      app.fetch(new Request('http://sandbox.test/__sandbox/requests', { headers: authorization ? { authorization } : {} }));
    const missing = await call();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="fapi-token-sandbox"');
    expect(await missing.json()).toEqual({ errors: ['The control API needs Authorization: Bearer <admin token>'] });
    const wrong = await call('Bearer not-the-admin-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="fapi-token-sandbox", error="invalid_token"');
    expect((await call(`Bearer ${TOKEN}`)).status).toBe(200);
    const open = await app.fetch(tokenRequest('http://sandbox.test', await pkjwtForm('http://sandbox.test')));
    expect(open.status).toBe(200); // the token endpoint stays open
  });

  it('admin: false removes it', async () => {
    const res = await createApp({ admin: false }).fetch(new Request('http://sandbox.test/__sandbox/scenarios'));
    expect(res.status).toBe(404);
  });

  it('refuses to listen beyond loopback with the control API open and no token', async () => {
    await expect(startSandbox({ port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /control API \(\/__sandbox\/\) would be open to the network on 0\.0\.0\.0: set an admin token/,
    );
    const guarded = await startSandbox({ port: 0, host: '0.0.0.0', adminToken: TOKEN });
    await guarded.close();
  });

  it.each([
    [{ adminToken: 'short' }, /admin token must be at least 16 characters/],
    [{ adminToken: 'has spaces in it, not a b64token' }, /admin token must be/],
    [{ rateLimit: { requests: 0, windowMs: 1000 } }, /^options: at rateLimit\.requests: must be a whole number of at least 1, got 0$/],
    [{ journalSize: -1 }, /^options: at journalSize: must be a whole number of at least 1, got -1$/],
  ])('refuses the option %j', (options, message) => {
    expect(() => createApp(options)).toThrow(OptionError);
    expect(() => createApp(options)).toThrow(message);
  });
});
