/**
 * fapi-token-sandbox report, run as a user would (dist/bin.cjs) against a running sandbox: exit 1
 * when findings reach --fail-on (errors; or errors and warnings; infos never), 0 otherwise, 2 with
 * one line for bad usage, an unreachable URL or a refused call.
 */
import { importPKCS8 } from 'jose';
import { parse, type TestSuites } from 'junit2json';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../src/testing.js';
import { runCli } from '../support/cli.js';
import { fakeClock } from '../support/clock.js';
import { DEMO } from '../support/clients.js';
import { freePort } from '../support/ports.js';
import { misbehaveThrice } from '../support/report.js';
import type { Report } from '../../src/report/findings.js';

const TOKEN = 'report-admin-token-0123456789';
const clock = fakeClock();
let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ clock, adminToken: TOKEN });
});
afterAll(() => sandbox?.stop());

const report = (...args: string[]) => runCli(['report', '--url', sandbox.url, ...args], { SANDBOX_ADMIN_TOKEN: TOKEN });
const codes = (r: Report) => r.clients.map((c) => [c.clientId, c.findings.map((f) => f.code)]);

describe('fapi-token-sandbox report', () => {
  it('exits 0 after a well-behaved openid-client run, whose infos never count', async () => {
    await sandbox.reset();
    const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-pkjwt.private.pem'), 'ES256');
    const config = await client.discovery(new URL(sandbox.url), DEMO.pkjwt.clientId, undefined, client.PrivateKeyJwt(key), {
      execute: [client.allowInsecureRequests],
    });
    await client.clientCredentialsGrant(config, { scope: 'openid' });
    for (const failOn of ['error', 'warning']) {
      const r = await report('--fail-on', failOn);
      expect([r.code, r.stderr], failOn).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toMatchObject({ counts: { error: 0, warning: 0, info: 1 } });
    }
  });

  it('exits 1 on the client that ignores Retry-After, replays a jti and polls too fast: exactly those findings', async () => {
    await sandbox.reset();
    await misbehaveThrice(sandbox.url, clock);
    const r = await report('--fail-on', 'error');
    expect(r.code).toBe(1);
    expect(codes(JSON.parse(r.stdout) as Report)).toEqual([
      [DEMO.pkjwt.clientId, ['retry-after-ignored', 'jti-replayed']],
      [DEMO.device.clientId, ['device-poll-too-fast']],
    ]);
  });

  it('prints JUnit XML with --format junit', async () => {
    const r = await report('--format', 'junit');
    expect(r.code).toBe(1); // --fail-on error by default
    const junit = (await parse(r.stdout)) as TestSuites;
    expect(junit).toMatchObject({ failures: 3 });
    expect(junit.testsuite!.map((s) => [s.name, s.failures])).toEqual([
      [DEMO.pkjwt.clientId, 2],
      [DEMO.device.clientId, 1],
    ]);
  });

  it('counts warnings with --fail-on warning, not with --fail-on error', async () => {
    await sandbox.reset();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-fapi-interaction-id': '8e2b0c4d-6f1a-4b3c-9d5e-0a1b2c3d4e5f' };
    // One id on two requests: a warning. The 502s (a scenario) carry no OAuth error, and one retry is no back-off pattern.
    await fetch(`${sandbox.url}/token`, { method: 'POST', headers: { ...headers, 'x-sandbox-scenario': 'bad-gateway' }, body: 'client_id=twice' });
    clock.advance(5000);
    await fetch(`${sandbox.url}/token`, { method: 'POST', headers: { ...headers, 'x-sandbox-scenario': 'bad-gateway' }, body: 'client_id=twice' });
    expect((await report('--fail-on', 'error')).code).toBe(0);
    expect((await report('--fail-on', 'warning')).code).toBe(1);
  });

  it.each([
    ['without --url', ['report'], /^fapi-token-sandbox: report needs --url/],
    ['with a relative --url', ['report', '--url', 'localhost:4010/x'], /--url must be an http or https URL/],
    ['with an unknown format', ['report', '--url', 'http://127.0.0.1:1', '--format', 'xml'], /--format must be json or junit, got "xml"/],
    ['with an unknown --fail-on', ['report', '--url', 'http://127.0.0.1:1', '--fail-on', 'info'], /--fail-on must be error or warning, got "info"/],
  ])('exits 2 %s', async (_label, args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 with one line for an unreachable URL and for a refused call', async () => {
    const closed = await runCli(['report', '--url', `http://127.0.0.1:${await freePort()}`]);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(/^fapi-token-sandbox: cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*\n$/);
    const unauthorized = await runCli(['report', '--url', sandbox.url]);
    expect(unauthorized.code).toBe(2);
    expect(unauthorized.stderr).toMatch(/^fapi-token-sandbox: GET .*\/__sandbox\/report answered 401: The control API needs Authorization: Bearer <admin token> \(pass --admin-token or SANDBOX_ADMIN_TOKEN\)\n$/);
    expect(unauthorized.stdout).toBe('');
  });
});
