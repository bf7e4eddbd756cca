/** Sequences advance per key; delays hold up only their own request. Over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioDir, shippedScenariosDir } from '../../src/settings/scenario-files.js';
import { loadScenarioContracts } from '../../src/settings/contract-file.js';
import { delayMs } from '../../src/scenarios/delays.js';
import type { Scenario } from '../../src/scenarios/model.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { memorySequences } from '../../src/state/sequences.js';
import { pkjwtForm } from '../support/clients.js';
import { tokenRequest } from '../support/requests.js';

const PAUSE_MS = 300;
const own: Scenario[] = [
  {
    name: 'per-run', description: 'keyed by a header, looping', source: 'test',
    sequence: { steps: [{ status: 500 }, { status: 200 }], loop: true, key: { header: 'x-test-run' } },
  },
  { name: 'pause', description: 'a delayed 200', source: 'test', response: { status: 200, delay: PAUSE_MS } },
];

let shipped: RunningSandbox;
let custom: RunningSandbox;
beforeAll(async () => {
  [shipped, custom] = await Promise.all([startSandbox({ port: 0 }), startSandbox({ port: 0, scenarios: own })]);
});
afterAll(async () => {
  await Promise.all([shipped?.close(), custom?.close()]);
});

async function statuses(base: string, scenario: string, count: number, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    seen.push((await fetch(tokenRequest(base, fields, { 'x-sandbox-scenario': scenario, ...headers }))).status);
  }
  return seen;
}

describe('sequences', () => {
  it('flaky gives 504, 502, then 200 for each client_id, and two clients do not interfere', async () => {
    expect(await statuses(shipped.url, 'flaky', 2, { client_id: 'job-a' })).toEqual([504, 502]);
    expect(await statuses(shipped.url, 'flaky', 1, { client_id: 'job-b' })).toEqual([504]);
    expect(await statuses(shipped.url, 'flaky', 2, { client_id: 'job-a' })).toEqual([200, 200]);
    expect(await statuses(shipped.url, 'flaky', 2, { client_id: 'job-b' })).toEqual([502, 200]);
  });

  it('a sequence keyed by a header loops when the file says so', async () => {
    expect(await statuses(custom.url, 'per-run', 3, { client_id: 'x' }, { 'x-test-run': 'run-1' })).toEqual([500, 200, 500]);
    expect(await statuses(custom.url, 'per-run', 1, { client_id: 'x' }, { 'x-test-run': 'run-2' })).toEqual([500]);
  });

  it('POST /__sandbox/reset starts every sequence again', async () => {
    await statuses(shipped.url, 'flaky', 3, { client_id: 'job-c' });
    expect((await fetch(`${shipped.url}/__sandbox/reset`, { method: 'POST' })).status).toBe(204);
    expect(await statuses(shipped.url, 'flaky', 1, { client_id: 'job-c' })).toEqual([504]);
  });
});

describe('delays', () => {
  it('a delayed answer takes at least its delay, and a concurrent request finishes first', async () => {
    const finished: string[] = [];
    const started = performance.now();
    const slow = fetch(tokenRequest(custom.url, undefined, { 'x-sandbox-scenario': 'pause' })).then(async (res) => {
      finished.push('slow');
      return { status: res.status, elapsed: performance.now() - started };
    });
    const fast = fetch(tokenRequest(custom.url, await pkjwtForm(custom.url))).then((res) => {
      finished.push('fast');
      return res.status;
    });
    const [s, f] = await Promise.all([slow, fast]);
    expect(s.status).toBe(200);
    expect(f).toBe(200);
    expect(s.elapsed).toBeGreaterThanOrEqual(PAUSE_MS);
    expect(finished).toEqual(['fast', 'slow']);
  });

  it('upstream-timeout waits 3 s as its file says; Prefer: code=504 gives the same status without it', async () => {
    const timeout = loadScenarioDir(shippedScenariosDir(), loadScenarioContracts()).find((s) => s.name === 'upstream-timeout');
    expect(timeout?.response).toEqual(expect.objectContaining({ status: 504, delay: 3000 }));
    const res = await fetch(tokenRequest(shipped.url, undefined, { prefer: 'code=504' }));
    expect(res.status).toBe(504);
  });

  it('a seeded random delay draws the same values again after a reset, within its range', async () => {
    const sequences = memorySequences();
    const draw = async (seed: number) => {
      const draws: number[] = [];
      for (let i = 0; i < 20; i++) draws.push(await delayMs({ min: 100, max: 200, seed }, 'jitter', sequences));
      return draws;
    };
    const first = await draw(42);
    sequences.clear();
    expect(await draw(42)).toEqual(first);
    sequences.clear();
    expect(await draw(7)).not.toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(5);
    for (const ms of first) expect(ms >= 100 && ms <= 200).toBe(true);
  });
});
