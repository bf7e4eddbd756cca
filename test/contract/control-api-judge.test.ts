/**
 * Prism as the judge of the resilience features: the control API against openapi/sandbox.yaml,
 * and the rate limit's 429 against openapi/token.yaml (POST /token) and openapi/sandbox.yaml
 * (POST /device/auth). Any sl-violations header fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { SANDBOX_DOCUMENT, startPrismProxy, violations, type PrismJudge } from '../support/prism.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { codeClientAuth, deviceClientAuth, DEMO, pkjwtForm } from '../support/clients.js';
import { fakeClock } from '../support/clock.js';
import { form, JWT_BEARER, tokenRequest } from '../support/requests.js';

const TOKEN = 'judge-admin-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
let sandbox: RunningSandbox;
let controlJudge: PrismJudge;
let tokenJudge: PrismJudge;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, adminToken: TOKEN, rateLimit: { requests: 1, windowMs: 60_000 } });
  [controlJudge, tokenJudge] = await Promise.all([startPrismProxy(sandbox.url, SANDBOX_DOCUMENT), startPrismProxy(sandbox.url)]);
});
afterAll(async () => {
  await Promise.all([controlJudge?.close(), tokenJudge?.close()]);
  await sandbox?.close();
});

async function judged(judge: PrismJudge, request: Request, expected: number) {
  const res = await fetch(request);
  const text = await res.text();
  expect(violations(res), `${res.status} ${text}`).toEqual([]);
  expect(res.status, text).toBe(expected);
  return text;
}

const control = (path: string, method = 'GET', headers: Record<string, string> = bearer) =>
  new Request(`${controlJudge.url}/__sandbox${path}`, { method, headers });

describe('Prism finds no violation', () => {
  it('in the rate limit 429 and its Retry-After', async () => {
    await judged(tokenJudge, tokenRequest(tokenJudge.url, await pkjwtForm(sandbox.url)), 200);
    const text = await judged(tokenJudge, tokenRequest(tokenJudge.url, await pkjwtForm(sandbox.url)), 429);
    expect(JSON.parse(text).errors[0]).toMatch(/retry after \d+ s/);
  });

  it('in the rate limit 429 of the device authorization endpoint', async () => {
    const authorize = async () =>
      new Request(`${controlJudge.url}/device/auth`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ ...(await deviceClientAuth(sandbox.url)), scope: 'openid' }),
      });
    await judged(controlJudge, await authorize(), 200);
    const text = await judged(controlJudge, await authorize(), 429);
    expect(JSON.parse(text).errors[0]).toMatch(/retry after \d+ s/);
  });

  it('in a journal full of every kind of entry', async () => {
    const assertion = { grant_type: 'private_key_jwt', client_id: 'j', client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' };
    await fetch(tokenRequest(sandbox.url, assertion));
    await fetch(tokenRequest(sandbox.url, { client_id: 'j' }, { 'x-sandbox-scenario': 'flaky' }));
    await fetch(tokenRequest(sandbox.url, { client_id: 'j' }, { 'x-sandbox-scenario': 'connection-reset' })).catch(() => undefined);
    await fetch(tokenRequest(sandbox.url, '{}', { 'content-type': 'application/json' }));
    await fetch(`${sandbox.url}/nowhere?x=1`);
    const journal = JSON.parse(await judged(controlJudge, control('/requests'), 200));
    expect(journal.requests.length).toBeGreaterThanOrEqual(5);
  });

  it('in the report, as JSON and as JUnit, filtered, and in its refusal of a bad query', async () => {
    // The journal holds every kind of entry by now (the test above), findings included.
    const json = JSON.parse(await judged(controlJudge, control('/report'), 200));
    expect(json.clients.length).toBeGreaterThan(0);
    expect(json.clients.flatMap((c: { findings: unknown[] }) => c.findings).length).toBeGreaterThan(0);
    await judged(controlJudge, control('/report?clientId=j&since=2020-01-01T00:00:00Z'), 200);
    expect(await judged(controlJudge, control('/report?format=junit'), 200)).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /);
    await judged(controlJudge, control('/report?format=xml'), 400);
  });

  it.each<[string, string, string, number]>([
    ['the scenario list', 'GET', '/scenarios', 200],
    ['the dashboard page', 'GET', '', 200],
    ['the dashboard script', 'GET', '/dashboard.js', 200],
    ['clearing the journal', 'DELETE', '/requests', 204],
    ['a reset', 'POST', '/reset', 204],
  ])('in %s', async (_label, method, path, status) => {
    await judged(controlJudge, control(path, method), status);
  });

  it('in the pending authorizations, and each answer to approve and deny', async () => {
    // A sandbox of its own, with a clock to move and no rate limit, for several pushes of one client.
    const clock = fakeClock();
    const own = await startSandbox({ port: 0, adminToken: TOKEN, clock });
    const judge = await startPrismProxy(own.url, SANDBOX_DOCUMENT);
    try {
      const push = async () => {
        const res = await fetch(`${own.url}/par`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form({ ...(await codeClientAuth(own.url)), response_type: 'code', redirect_uri: DEMO.code.redirectUri, scope: 'openid', code_challenge: s256Challenge('v'.repeat(43)), code_challenge_method: 'S256' }),
        });
        const { request_uri: requestUri } = (await res.json()) as { request_uri: string };
        return { requestUri, id: requestUri.split(':').at(-1)! };
      };
      const call = (path: string, method = 'GET') => new Request(`${judge.url}/__sandbox${path}`, { method, headers: bearer });
      const [decided, opened, expiring] = [await push(), await push(), await push()];
      expect(JSON.parse(await judged(judge, call('/authorizations'), 200)).authorizations).toHaveLength(3);
      await judged(judge, call(`/authorizations/${decided.id}/approve`, 'POST'), 204);
      await judged(judge, call(`/authorizations/${decided.id}/deny`, 'POST'), 204);
      await fetch(`${own.url}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: opened.requestUri })}`);
      await judged(judge, call(`/authorizations/${opened.id}/approve`, 'POST'), 409);
      clock.advance(90_000);
      await judged(judge, call(`/authorizations/${expiring.id}/deny`, 'POST'), 410);
      await judged(judge, call('/authorizations/never-pushed/approve', 'POST'), 404);
    } finally {
      await judge.close();
      await own.close();
    }
  });

  it.each<[string, Record<string, string>, number]>([
    ['without a token', {}, 401],
    ['with a wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }, 401],
    ['with an Accept that excludes JSON', { ...bearer, accept: 'text/html' }, 406],
  ])('in the answer to a call %s', async (_label, headers, status) => {
    await judged(controlJudge, control('/requests', 'GET', headers), status);
  });
});
