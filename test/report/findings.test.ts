/**
 * The report (GET /__sandbox/report) judges clients that misbehave over real HTTP, one finding
 * code each: code, count, the first offending request's interaction id. Time is the sandbox's
 * injected clock, moved by hand; nothing sleeps.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { computeReport, type Finding, type Report } from '../../src/report/findings.js';
import { startTestSandbox, type TestSandbox } from '../../src/testing.js';
import { fakeClock } from '../support/clock.js';
import { captureLogs } from '../support/logs.js';
import { codeKey, DEMO } from '../support/clients.js';
import { dpopProof, proofKey } from '../support/dpop.js';
import { clockAssertion, misbehavingClient } from '../support/report.js';
import { JWT_BEARER, type Fields } from '../support/requests.js';
import { s256Challenge } from '../../src/grants/pkce.js';

const clock = fakeClock();
const logs = captureLogs();
let sandbox: TestSandbox;
let client: ReturnType<typeof misbehavingClient>;

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock, deviceIntervalSeconds: 5, logger: logs.logger });
  client = misbehavingClient(sandbox.url, clock);
});
afterAll(() => sandbox?.stop());
beforeEach(() => sandbox.reset());

/** The findings of one client, by code. */
async function findingsOf(clientId: string, report?: Report): Promise<Record<string, Finding>> {
  const found = (report ?? (await sandbox.report({ clientId }))).clients.filter((c) => c.clientId === clientId).flatMap((c) => c.findings);
  return Object.fromEntries(found.map((f) => [f.code, f]));
}

const second = (ms = 1000) => clock.advance(ms);

describe('the report finds', () => {
  it('retry-after-ignored: a request sooner than the Retry-After of the 429 before it', async () => {
    const fields = { grant_type: 'client_credentials', client_id: 'impatient' };
    const throttled = await client.token(fields, { 'x-sandbox-scenario': 'throttled' });
    expect([throttled.status, throttled.res.headers.get('retry-after')]).toEqual([429, '1']);
    second(200);
    const tooSoon = await client.token(fields, { 'x-sandbox-scenario': 'throttled' });
    second(500);
    await client.token(fields);
    second(1000); // the last Retry-After (1 s) has passed
    await client.token(fields);

    const found = await findingsOf('impatient');
    expect(found['retry-after-ignored']).toMatchObject({ severity: 'error', count: 2, firstInteractionId: tooSoon.id, reference: expect.stringContaining('RFC 9110') });
  });

  it('no-backoff-after-5xx: three retries after 500s at an unchanging pace, not one that doubles its wait', async () => {
    const hammer = { grant_type: 'client_credentials', client_id: 'hammer' };
    const patient = { grant_type: 'client_credentials', client_id: 'patient' };
    const ids: string[] = [];
    for (const gap of [0, 1000, 1000, 1000]) {
      second(gap);
      ids.push((await client.token(hammer, { 'x-sandbox-scenario': 'server-error' })).id);
    }
    for (const gap of [0, 1000, 2000, 4000]) {
      second(gap);
      await client.token(patient, { 'x-sandbox-scenario': 'server-error' });
    }
    expect((await findingsOf('hammer'))['no-backoff-after-5xx']).toMatchObject({ severity: 'warning', count: 2, firstInteractionId: ids[2], lastInteractionId: ids[3] });
    expect(await findingsOf('patient')).not.toHaveProperty('no-backoff-after-5xx');
  });

  it('token-not-reused: new tokens while the last one has more than half its life left, beyond the allowance', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const got = await client.token(await client.pkjwt({ scope: 'openid' }));
      expect(got.status).toBe(200);
      ids.push(got.id);
      second(60_000); // 900 s tokens: at 60 s each still has most of its life
    }
    expect((await findingsOf(DEMO.pkjwt.clientId))['token-not-reused']).toMatchObject({ severity: 'warning', count: 3, firstInteractionId: ids[1] });
  });

  it('no token-not-reused for a client that asks again past half the lifetime, or for another scope', async () => {
    await client.token(await client.pkjwt({ scope: 'openid' }));
    for (let i = 0; i < 3; i++) {
      second(451_000);
      await client.token(await client.pkjwt({ scope: 'openid' }));
    }
    await client.token(await client.pkjwt({ scope: 'accounts' }));
    expect(await findingsOf(DEMO.pkjwt.clientId)).not.toHaveProperty('token-not-reused');
  });

  it('jti-replayed: the same assertion sent twice', async () => {
    const fields = await client.pkjwt();
    expect((await client.token(fields)).status).toBe(200);
    const replay = await client.token(fields);
    expect(replay.body.error).toBe('invalid_client');
    expect((await sandbox.requests({ refusal: 'assertion.jti.replayed' })).map((e) => e.interactionId)).toEqual([replay.id]);
    expect((await findingsOf(DEMO.pkjwt.clientId))['jti-replayed']).toMatchObject({ severity: 'error', count: 1, firstInteractionId: replay.id });
  });

  it('assertion-lifetime-long: a warning beyond 60 s, an error beyond what the server allows', async () => {
    const ok = await client.token(await client.pkjwt({}, { lifetimeSeconds: 60 }));
    const long = await client.token(await client.pkjwt({}, { lifetimeSeconds: 300 }));
    expect([ok.status, long.status]).toEqual([200, 200]);
    expect((await findingsOf(DEMO.pkjwt.clientId))['assertion-lifetime-long']).toMatchObject({ severity: 'warning', count: 1, firstInteractionId: long.id });

    // Issued 100 s ago, ending 3590 s ahead: within --max-assertion-lifetime of now, so accepted, but 3690 s long.
    const beyond = await client.token(await client.pkjwt({}, { iatOffset: -100, lifetimeSeconds: 3690 }));
    expect(beyond.status).toBe(200);
    expect((await findingsOf(DEMO.pkjwt.clientId))['assertion-lifetime-long']).toMatchObject({ severity: 'error', count: 2, lastInteractionId: beyond.id });
  });

  it('assertion-aud-not-issuer: a warning under FAPI 1, an error under FAPI 2', async () => {
    await client.token(await client.pkjwt());
    const toEndpoint = await client.token(await client.pkjwt({}, { aud: `${sandbox.url}/token` }));
    const asArray = await client.token(await client.pkjwt({}, { aud: [sandbox.url] }));
    expect([toEndpoint.status, asArray.status]).toEqual([200, 200]);
    const report = await sandbox.report();
    expect(report.profile).toBe('fapi1-advanced');
    expect((await findingsOf(DEMO.pkjwt.clientId, report))['assertion-aud-not-issuer']).toMatchObject({ severity: 'warning', count: 2, firstInteractionId: toEndpoint.id });

    const fapi2 = computeReport(await sandbox.requests(), { profile: 'fapi2-security-profile', maxAssertionLifetimeSeconds: 3600 });
    expect((await findingsOf(DEMO.pkjwt.clientId, fapi2))['assertion-aud-not-issuer']).toMatchObject({ severity: 'error', count: 2 });
  });

  it('device-poll-too-fast: a poll sooner than the interval, and one at the old pace after slow_down', async () => {
    const { body: authorization } = await client.authorizeDevice();
    const first = await client.pollDevice(authorization.device_code);
    expect(first.body.error).toBe('slow_down'); // polled at once: the interval is now 10 s
    second(5000);
    const oldPace = await client.pollDevice(authorization.device_code);
    expect(oldPace.body.error).toBe('slow_down');
    second(15_000);
    expect((await client.pollDevice(authorization.device_code)).body.error).toBe('authorization_pending');
    expect((await findingsOf(DEMO.device.clientId))['device-poll-too-fast']).toMatchObject({ severity: 'error', count: 2, firstInteractionId: first.id, lastInteractionId: oldPace.id });
  });

  it('device-poll-after-final: polls after access_denied and after the token', async () => {
    const denied = await client.authorizeDevice();
    await fetch(`${sandbox.url}/__sandbox/devices/${denied.body.user_code}/deny`, { method: 'POST' });
    second(5000);
    expect((await client.pollDevice(denied.body.device_code)).body.error).toBe('access_denied');
    second(5000);
    const again = await client.pollDevice(denied.body.device_code);

    const approved = await client.authorizeDevice();
    await fetch(`${sandbox.url}/__sandbox/devices/${approved.body.user_code}/approve`, { method: 'POST' });
    second(5000);
    expect((await client.pollDevice(approved.body.device_code)).status).toBe(200);
    second(5000);
    const afterToken = await client.pollDevice(approved.body.device_code);
    expect(afterToken.body.error).toBe('invalid_grant');

    expect((await findingsOf(DEMO.device.clientId))['device-poll-after-final']).toMatchObject({ severity: 'error', count: 2, firstInteractionId: again.id, lastInteractionId: afterToken.id });
  });

  it('interaction-id-reused (a warning) and interaction-id-missing (an info only)', async () => {
    const fields = { grant_type: 'client_credentials', client_id: 'sloppy' };
    const id = '0d7f3c9a-5b2e-4f1a-8c6d-9e0b1a2c3d4e';
    await client.token(fields, { 'x-sandbox-scenario': 'throttled' }, id);
    second(2000);
    await client.token(fields, {}, id);
    second(2000);
    const missing = await client.token(fields, {}, null);
    const found = await findingsOf('sloppy');
    const [, reused] = await sandbox.requests({ clientId: 'sloppy' });
    expect(found['interaction-id-reused']).toMatchObject({ severity: 'warning', count: 1, firstInteractionId: id, firstRequestId: reused!.id });
    expect(found['interaction-id-missing']).toMatchObject({ severity: 'info', count: 1, firstInteractionId: missing.id });
  });

  it('error-not-handled: the same request again after invalid_client; not after the client changed it', async () => {
    const fields = { grant_type: 'client_credentials', client_id: 'stubborn' };
    expect((await client.token(fields)).body.error).toBe('invalid_client');
    second(3000);
    const repeated = await client.token(fields);
    second(3000);
    await client.token({ ...fields, scope: 'openid' }); // changed: not "unchanged"
    const found = await findingsOf('stubborn');
    expect(found['error-not-handled']).toMatchObject({ severity: 'error', count: 1, firstInteractionId: repeated.id });
  });
});

describe('the report', () => {
  it('groups by sequence key where the answering sequence sets one', async () => {
    const keyed = await startTestSandbox({
      clock,
      scenarios: [
        {
          name: 'per-run',
          description: 'two 500s then a 200, per test run',
          source: '(test)',
          sequence: { steps: [{ status: 500 }, { status: 500 }, { status: 200 }], key: { header: 'x-test-run' } },
        },
      ],
    });
    try {
      const other = misbehavingClient(keyed.url, clock);
      const fields = { grant_type: 'client_credentials', client_id: 'runner' };
      await other.token(fields, { 'x-sandbox-scenario': 'per-run', 'x-test-run': 'a' });
      await other.token(fields, { 'x-sandbox-scenario': 'per-run', 'x-test-run': 'b' });
      const report = await keyed.report();
      expect(report.clients.map((c) => [c.clientId, c.sequenceKey, c.requests])).toEqual([
        ['runner', 'a', 1],
        ['runner', 'b', 1],
      ]);
    } finally {
      await keyed.stop();
    }
  });

  it('filters by since and clientId', async () => {
    await client.token({ grant_type: 'client_credentials', client_id: 'early' }, {}, null);
    second(10_000);
    const since = new Date(clock.now()).toISOString();
    await client.token({ grant_type: 'client_credentials', client_id: 'late' }, {}, null);
    const report = await sandbox.report({ since });
    expect(report.since).toBe(since);
    expect(report.clients.map((c) => c.clientId)).toEqual(['late']);
    expect((await sandbox.report({ clientId: 'early' })).clients.map((c) => c.clientId)).toEqual(['early']);
    expect(report.counts).toEqual({ error: 0, warning: 0, info: 1 });
  });

  it('refuses a format or since it does not take (report.query)', async () => {
    for (const query of ['format=xml', 'since=yesterday']) {
      const res = await fetch(`${sandbox.url}/__sandbox/report?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { errors: string[] }).errors[0]).toMatch(/format must be json or junit|since must be an RFC 3339 date-time/);
    }
    // The control API's own requests are not journaled; the refusal is in the log line.
    expect(logs.records.filter((r) => r.path === '/__sandbox/report' && r.status === 400).map((r) => r.refusal)).toEqual(['report.query', 'report.query']);
  });
});

describe('the report finds, in the authorization code flow', () => {
  let flow: TestSandbox;
  let flowClient: ReturnType<typeof misbehavingClient>;
  const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  beforeAll(async () => {
    flow = await startTestSandbox({ clock, consent: 'auto' });
    flowClient = misbehavingClient(flow.url, clock);
  });
  afterAll(() => flow?.stop());
  beforeEach(() => flow.reset());

  const auth = async () => ({
    client_id: DEMO.code.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await clockAssertion(clock, flow.url, { clientId: DEMO.code.clientId, key: codeKey }),
  });
  const push = async (extra: Fields = {}) =>
    flowClient.send('/par', {
      ...(await auth()), response_type: 'code', redirect_uri: DEMO.code.redirectUri, scope: 'openid accounts',
      code_challenge: s256Challenge(VERIFIER), code_challenge_method: 'S256', ...extra,
    });
  /** PAR, approval (--consent auto) and the code grant: the token answer's body. */
  async function tokens(): Promise<Record<string, string>> {
    const { request_uri: requestUri } = (await push()).body;
    const redirect = await fetch(`${flow.url}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: requestUri })}`, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    const got = await flowClient.token({ grant_type: 'authorization_code', ...(await auth()), code, redirect_uri: DEMO.code.redirectUri, code_verifier: VERIFIER });
    expect(got.status).toBe(200);
    return got.body;
  }
  const codeFindings = async () =>
    Object.fromEntries((await flow.report({ clientId: DEMO.code.clientId })).clients.flatMap((c) => c.findings).map((f) => [f.code, f]));

  it('pkce-missing: pushed authorization requests without a code_challenge, or with plain', async () => {
    const none = await push({ code_challenge: '' });
    const plain = await push({ code_challenge_method: 'plain' });
    await push();
    expect([none.status, plain.status]).toEqual([400, 400]);
    expect((await codeFindings())['pkce-missing']).toMatchObject({ severity: 'error', count: 2, firstInteractionId: none.id, lastInteractionId: plain.id });
  });

  it('refresh-token-not-used: a new authorization request while a refresh token is held, not after revoking it', async () => {
    const first = await tokens();
    expect(first.refresh_token).toBeTruthy();
    second();
    const again = await push();
    second();
    expect((await flowClient.send('/revoke', { ...(await auth()), token: first.refresh_token!, token_type_hint: 'refresh_token' })).status).toBe(200);
    second();
    await push();
    expect((await codeFindings())['refresh-token-not-used']).toMatchObject({ severity: 'warning', count: 1, firstInteractionId: again.id });
  });

  it('dpop-proof-reused: the same DPoP proof sent twice', async () => {
    const proof = await dpopProof(proofKey('ES256'), `${flow.url}/token`, Math.floor(clock.now() / 1000));
    expect((await flowClient.token(await flowClient.pkjwt(), { dpop: proof })).status).toBe(200);
    const reused = await flowClient.token(await flowClient.pkjwt(), { dpop: proof });
    expect(reused.status).toBe(400);
    const found = Object.fromEntries((await flow.report({ clientId: DEMO.pkjwt.clientId })).clients.flatMap((c) => c.findings).map((f) => [f.code, f]));
    expect(found['dpop-proof-reused']).toMatchObject({ severity: 'error', count: 1, firstInteractionId: reused.id });
  });
});
