/**
 * The Redis state answers as the memory state does: the same random sequence of operations on
 * every part (with time moving forward by random steps, on the injected clock) is run against
 * both, and every answer is compared. Device and user codes are random in each, so an
 * authorization is named by the order it was issued in and compared without its codes.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryState, type SandboxState } from '../../src/state/index.js';
import type { DeviceAuthorization } from '../../src/state/device-codes.js';
import { openRedisState, startRedis, type TestRedis } from '../support/redis.js';

const JOURNAL_SIZE = 3;
const T0 = 1_700_000_000_000;
const LIMITS = [
  { requests: 2, windowMs: 10_000 },
  { requests: 3, windowMs: 7_000 },
];

type Op =
  | { op: 'useOnce'; key: string; lifetimeMs: number }
  | { op: 'next'; key: string }
  | { op: 'take'; key: string; limit: number }
  | { op: 'issue'; client: string; interval: number; auto?: { decision: 'approved' | 'denied'; afterPolls: number } }
  | { op: 'poll'; device: number; client: string }
  | { op: 'decide'; device: number; decision: 'approved' | 'denied' }
  | { op: 'byUserCode'; device: number }
  | { op: 'record'; status: number }
  | { op: 'list' }
  | { op: 'clear' }
  | { op: 'reset' };

const key = fc.constantFrom('a', 'b', 'c\u0000d');
const client = fc.constantFrom('c1', 'c2');
const device = fc.nat({ max: 4 });
const decision = fc.constantFrom('approved' as const, 'denied' as const);
const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('useOnce' as const), key, lifetimeMs: fc.integer({ min: -1000, max: 30_000 }) }),
  fc.record({ op: fc.constant('next' as const), key }),
  fc.record({ op: fc.constant('take' as const), key, limit: fc.nat({ max: LIMITS.length - 1 }) }),
  fc.record(
    { op: fc.constant('issue' as const), client, interval: fc.constantFrom(0, 5), auto: fc.record({ decision, afterPolls: fc.nat({ max: 2 }) }) },
    { requiredKeys: ['op', 'client', 'interval'] },
  ),
  fc.record({ op: fc.constant('poll' as const), device, client }),
  fc.record({ op: fc.constant('decide' as const), device, decision }),
  fc.record({ op: fc.constant('byUserCode' as const), device }),
  fc.record({ op: fc.constant('record' as const), status: fc.constantFrom(200, 400) }),
  fc.constant({ op: 'list' as const }),
  fc.constant({ op: 'clear' as const }),
  fc.constant({ op: 'reset' as const }),
);
/** An operation, after time moved on by `stepMs`. */
const step = fc.record({ stepMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12_000 })), op: operation });

const withoutCodes = (a: DeviceAuthorization | undefined) => {
  if (!a) return a;
  const { deviceCode: _d, userCode: _u, ...rest } = a;
  return rest;
};

/** Runs the operations on `state`, giving every answer. */
async function run(state: SandboxState, steps: { stepMs: number; op: Op }[]): Promise<unknown[]> {
  const issued: DeviceAuthorization[] = [];
  const answers: unknown[] = [];
  let now = T0;
  for (const { stepMs, op } of steps) {
    now += stepMs;
    const of = (i: number) => issued[i % Math.max(issued.length, 1)];
    switch (op.op) {
      case 'useOnce': answers.push(await state.replay.useOnce(op.key, now + op.lifetimeMs, now)); break;
      case 'next': answers.push(await state.sequences.next(op.key)); break;
      case 'take': answers.push(await state.rates.take(op.key, LIMITS[op.limit]!, now)); break;
      case 'issue': {
        const a = await state.devices.issue({ clientId: op.client, intervalSeconds: op.interval, ...(op.auto && { auto: op.auto }) }, 60, now);
        issued.push(a);
        answers.push(withoutCodes(a));
        break;
      }
      case 'poll': answers.push(await state.devices.poll(of(op.device)?.deviceCode ?? 'none', op.client, now)); break;
      case 'decide': answers.push(await state.devices.decide(of(op.device)?.userCode ?? 'BCDFGHJK', op.decision, now)); break;
      case 'byUserCode': answers.push(withoutCodes(await state.devices.byUserCode(of(op.device)?.userCode.toLowerCase() ?? 'BCDF-GHJK'))); break;
      case 'record': {
        const entry = { time: new Date(now).toISOString(), interactionId: `i${now}`, method: 'POST', path: '/token', headers: { a: 'b' }, form: null,
          scenario: null, status: op.status, refusal: null, fault: null, durationMs: 1.5, clientCertificate: null };
        answers.push(await state.journal.record(entry));
        break;
      }
      case 'list': answers.push(await state.journal.list()); break;
      case 'clear': answers.push(await state.journal.clear()); break;
      case 'reset': answers.push(await state.reset()); break;
    }
  }
  return answers;
}

describe('the Redis state and the memory state', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.close();
  });

  it('give the same answer to every operation of any sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 60 }), async (steps) => {
        const shared = await openRedisState(redis, JOURNAL_SIZE);
        try {
          const expected = await run(memoryState({ journalSize: JOURNAL_SIZE, replayCapacity: 1000 }), steps);
          expect(await run(shared, steps)).toEqual(expected);
        } finally {
          await shared.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
