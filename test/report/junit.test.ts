/**
 * The report as JUnit XML, read by a real JUnit consumer (junit2json, on xml2js): the client that
 * ignores Retry-After, replays a jti and polls too fast fails exactly those three test cases; a
 * client with only warnings passes with them in system-out; names that XML must escape survive.
 */
import { parse, type TestSuite, type TestSuites } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../src/testing.js';
import { xmlText } from '../../src/report/junit.js';
import { fakeClock } from '../support/clock.js';
import { DEMO } from '../support/clients.js';
import { misbehaveThrice } from '../support/report.js';

const clock = fakeClock();
let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ clock });
});
afterAll(() => sandbox?.stop());

const junit = async (query = '') => {
  const res = await fetch(`${sandbox.url}/__sandbox/report?format=junit${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/xml; charset=utf-8');
  return (await parse(await res.text())) as TestSuites;
};

describe('the JUnit report', () => {
  it('has one suite per client, a failed case per error finding, warnings in system-out, escaped names', async () => {
    const odd = 'odd<client>&"\'\u0001';
    const { pkjwt, device } = await misbehaveThrice(sandbox.url, clock);
    const fields = { grant_type: 'client_credentials', client_id: odd };
    const reused = { 'content-type': 'application/x-www-form-urlencoded', 'x-fapi-interaction-id': '7f0c2a1e-3b4d-4c5e-8f6a-7b8c9d0e1f2a', 'x-sandbox-scenario': 'server-error' };
    for (let i = 0; i < 2; i++) await fetch(`${sandbox.url}/token`, { method: 'POST', headers: reused, body: new URLSearchParams(fields) });

    const output = await junit();
    expect(output).toMatchObject({ tests: 2 + 1 + 1, failures: 3, errors: 0 });
    const suites = new Map(output.testsuite!.map((s) => [s.name, s]));
    expect([...suites.keys()]).toEqual([DEMO.pkjwt.clientId, DEMO.device.clientId, 'odd<client>&"\'\ufffd']);

    const failed = (suite: TestSuite | undefined) => suite!.testcase!.filter((t) => t.failure).map((t) => [t.name, t.failure![0]!.type]);
    expect(failed(suites.get(DEMO.pkjwt.clientId))).toEqual([
      ['retry-after-ignored', 'retry-after-ignored'],
      ['jti-replayed', 'jti-replayed'],
    ]);
    expect(failed(suites.get(DEMO.device.clientId))).toEqual([['device-poll-too-fast', 'device-poll-too-fast']]);
    expect(suites.get(DEMO.pkjwt.clientId)!.testcase![0]!.failure![0]!.inner).toContain(`first ${pkjwt.retried}`);
    expect(suites.get(DEMO.device.clientId)!.testcase![0]!.failure![0]!.inner).toContain(`first ${device.firstPoll}`);

    const warned = suites.get('odd<client>&"\'\ufffd')!;
    expect(warned).toMatchObject({ tests: 1, failures: 0 });
    expect(warned.testcase!.map((t) => [t.name, t.failure])).toEqual([['no error findings', undefined]]);
    expect(warned['system-out']![0]).toMatch(/^warning interaction-id-reused \(1\): The client sent an x-fapi-interaction-id already used/);
  });

  it('follows the clientId filter', async () => {
    const output = await junit(`&clientId=${DEMO.device.clientId}`);
    expect(output.testsuite!.map((s) => s.name)).toEqual([DEMO.device.clientId]);
  });

  it('escapes what XML needs escaped and replaces what it cannot carry', () => {
    expect(xmlText(`<a href="x">&'\u0000\u001f\t\n`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;\ufffd\ufffd\t\n');
    expect(xmlText('\ud800 é 😀')).toBe('\ufffd é 😀');
  });
});
