/**
 * Prism as the judge of the resilience features: the control API against openapi/sandbox.yaml,
 * and the rate limit's 429 against openapi/token.yaml (POST /token) and openapi/sandbox.yaml
 * (POST /device/auth). Any sl-violations header fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { SANDBOX_DOCUMENT, startPrismProxy, violations, type PrismJudge } from '../support/prism.js';
import { deviceClientAuth, pkjwtForm } from '../support/clients.js';
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

  it.each<[string, Record<string, string>, number]>([
    ['without a token', {}, 401],
    ['with a wrong token', { authorization: 'Bearer wrong-token-0123456789abcdef' }, 401],
    ['with an Accept that excludes JSON', { ...bearer, accept: 'text/html' }, 406],
  ])('in the answer to a call %s', async (_label, headers, status) => {
    await judged(controlJudge, control('/requests', 'GET', headers), status);
  });
});
