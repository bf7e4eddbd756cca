/**
 * Redis going away under a running sandbox: stopped (the connection closes) or frozen with
 * SIGSTOP (the connection stays open and nothing answers). A request that needs the state
 * answers the documented 500 with an interaction id within the command timeout, never hangs,
 * never crashes the process; what needs no state still answers; and when Redis is back the
 * sandbox is, by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { DEFAULTS } from '../../src/settings/defaults.js';
import { pkjwtForm } from '../support/clients.js';
import { contractProblems } from '../support/contract-validator.js';
import { captureLogs } from '../support/logs.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { tokenRequest, UUID_V4 } from '../support/requests.js';

let redis: TestRedis;
let sandbox: RunningSandbox;
const logs = captureLogs();

beforeAll(async () => {
  redis = await startRedis();
  sandbox = await startSandbox({ port: 0, redis: redis.url, logger: logs.logger });
});
afterAll(async () => {
  await sandbox?.close();
  await redis?.close();
});

/** A token request, timed; the body read as text. */
async function timedToken() {
  const started = performance.now();
  const res = await fetch(tokenRequest(sandbox.url, await pkjwtForm(sandbox.url)));
  const body = await res.text();
  return { res, body, ms: performance.now() - started };
}

/** Waits for the sandbox to answer a token request 200 again, for at most `withinMs`. */
async function recovered(withinMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const { res } = await timedToken();
    if (res.status === 200) return performance.now() - started;
    if (performance.now() - started > withinMs) throw new Error(`still ${res.status} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The answer must be the documented 500, with an interaction id, logged with the code state.unavailable. */
async function expectUnavailable({ res, body, ms }: Awaited<ReturnType<typeof timedToken>>, boundMs: number) {
  expect(res.status).toBe(500);
  expect(ms).toBeLessThan(boundMs);
  const id = res.headers.get('x-fapi-interaction-id');
  expect(id).toMatch(UUID_V4);
  expect(JSON.parse(body)).toEqual({ errors: [expect.stringContaining('shared state')] });
  expect(contractProblems('POST', '/token', 500, res.headers, body)).toEqual([]);
  expect(logs.records.find((r) => r.msg === 'request' && r.interactionId === id)).toMatchObject({ status: 500, refusal: 'state.unavailable' });
}

describe('the sandbox when Redis goes away', () => {
  it('answers a documented 500 at once while Redis is stopped, and recovers when it is back', async () => {
    expect((await timedToken()).res.status).toBe(200);
    const lost = logs.next((r) => r.msg.startsWith('shared state lost'));
    await redis.stop();
    await lost;
    await expectUnavailable(await timedToken(), 1000);
    // What needs no state still answers; its journal entry is lost, and the log says so.
    const jwks = await fetch(`${sandbox.url}/jwks`);
    expect(jwks.status).toBe(200);
    expect(logs.records.some((r) => r.msg === 'journal entry lost' && r.interactionId === jwks.headers.get('x-fapi-interaction-id'))).toBe(true);
    // The control API's journal and reset need the state too.
    const journal = await fetch(`${sandbox.url}/__sandbox/requests`);
    expect(journal.status).toBe(500);
    expect(contractProblems('GET', '/__sandbox/requests', 500, journal.headers, await journal.text())).toEqual([]);

    const back = logs.next((r) => r.msg === 'shared state back');
    await redis.start();
    expect(await recovered(5000)).toBeLessThan(5000);
    await back;
  });

  it('answers a documented 500 within the command timeout while Redis is frozen (SIGSTOP), and recovers when it wakes', async () => {
    expect((await timedToken()).res.status).toBe(200);
    redis.freeze();
    try {
      // One command timeout: the journal is not written for an answer that says the state is unavailable.
      await expectUnavailable(await timedToken(), DEFAULTS.redisTimeoutMs + 1000);
    } finally {
      redis.thaw();
    }
    expect(await recovered(5000)).toBeLessThan(5000);
  });
});
