/**
 * The Redis state answers as the memory state does: the same random sequence of operations on
 * every part (with time moving forward by random steps, on the injected clock) is run against
 * both, and every answer is compared. Device and user codes, request_uri values, consent ids,
 * authorization codes, grant ids and refresh tokens are random in each, so each is named by the
 * order it was handed out in and compared without them.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryState, type SandboxState } from '../../src/state/index.js';
import type { CodeRedemption } from '../../src/state/authorization-codes.js';
import type { DeviceAuthorization } from '../../src/state/device-codes.js';
import type { OpenResult, PendingConsent } from '../../src/state/pushed-requests.js';
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
  | { op: 'push'; client: string; lifetimeSeconds: number }
  | { op: 'open'; pushed: number; client: string }
  | { op: 'decideConsent'; consent: number; forged: boolean }
  | { op: 'pending' }
  | { op: 'preset'; pushed: number; decision: 'approve' | 'deny' }
  | { op: 'issueCode'; client: string; lifetimeSeconds: number }
  | { op: 'redeem'; code: number }
  | { op: 'issueRefresh'; grant: string; client: string }
  | { op: 'find'; token: number }
  | { op: 'rotate'; token: number }
  | { op: 'link'; jti: string; grant: string; lifetimeMs: number }
  | { op: 'revokeGrant'; grant: string }
  | { op: 'revokeToken'; jti: string; lifetimeMs: number }
  | { op: 'isGrantRevoked'; grant: string }
  | { op: 'isTokenRevoked'; jti: string }
  | { op: 'record'; status: number }
  | { op: 'list' }
  | { op: 'clear' }
  | { op: 'reset' };

const key = fc.constantFrom('a', 'b', 'c\u0000d');
const client = fc.constantFrom('c1', 'c2');
const device = fc.nat({ max: 4 });
const decision = fc.constantFrom('approved' as const, 'denied' as const);
const nth = fc.nat({ max: 4 });
const grant = fc.constantFrom('g1', 'g2');
const jti = fc.constantFrom('j1', 'j2');
const lifetimeSeconds = fc.constantFrom(0, 10, 60);
// Half of them already expired, so that an expired link or revocation replaces a live one.
const lifetimeMs = fc.oneof(fc.constantFrom(-1000, 0), fc.integer({ min: 1, max: 30_000 }));
/** The code flow's parts, and a reset now and then. */
const codeFlowOperation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('push' as const), client, lifetimeSeconds }),
  fc.record({ op: fc.constant('open' as const), pushed: nth, client }),
  fc.record({ op: fc.constant('decideConsent' as const), consent: nth, forged: fc.boolean() }),
  fc.constant({ op: 'pending' as const }),
  fc.record({ op: fc.constant('preset' as const), pushed: nth, decision: fc.constantFrom('approve' as const, 'deny' as const) }),
  fc.record({ op: fc.constant('issueCode' as const), client, lifetimeSeconds }),
  fc.record({ op: fc.constant('redeem' as const), code: nth }),
  fc.record({ op: fc.constant('issueRefresh' as const), grant, client }),
  fc.record({ op: fc.constant('find' as const), token: nth }),
  fc.record({ op: fc.constant('rotate' as const), token: nth }),
  fc.record({ op: fc.constant('link' as const), jti, grant, lifetimeMs }),
  fc.record({ op: fc.constant('revokeGrant' as const), grant }),
  fc.record({ op: fc.constant('revokeToken' as const), jti, lifetimeMs }),
  fc.record({ op: fc.constant('isGrantRevoked' as const), grant }),
  fc.record({ op: fc.constant('isTokenRevoked' as const), jti }),
  fc.constant({ op: 'reset' as const }),
);
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
  codeFlowOperation,
  fc.record({ op: fc.constant('record' as const), status: fc.constantFrom(200, 400) }),
  fc.constant({ op: 'list' as const }),
  fc.constant({ op: 'clear' as const }),
  fc.constant({ op: 'reset' as const }),
);
/** An operation, after time moved on by `stepMs`. */
const stepOf = (op: fc.Arbitrary<Op>) => fc.record({ stepMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 12_000 })), op });

const withoutCodes = (a: DeviceAuthorization | undefined) => {
  if (!a) return a;
  const { deviceCode: _d, userCode: _u, ...rest } = a;
  return rest;
};

const withoutIds = (opened: OpenResult) => {
  if (opened.result !== 'opened') return opened;
  const { consentId: _c, csrfToken: _t, ...rest } = opened.consent;
  return { result: opened.result, consent: rest };
};

const requestOf = (clientId: string) => ({ clientId, redirectUri: 'https://c.example/cb', scope: 'openid', codeChallenge: 'x'.repeat(43) });

/** Runs the operations on `state`, giving every answer. */
async function run(state: SandboxState, steps: { stepMs: number; op: Op }[]): Promise<unknown[]> {
  const issued: DeviceAuthorization[] = [];
  const pushed: string[] = [];
  const consents: PendingConsent[] = [];
  const codes: { code: string; grantId: string }[] = [];
  const tokens: string[] = [];
  const answers: unknown[] = [];
  /** A code's grant, named by the order its code was issued in. */
  const grantName = (grantId: string) => `grant-${codes.findIndex((c) => c.grantId === grantId)}`;
  const named = (r: CodeRedemption) =>
    r.result === 'redeemed' ? { ...r, grant: { ...r.grant, grantId: grantName(r.grant.grantId) } } : r.result === 'reused' ? { ...r, grantId: grantName(r.grantId) } : r;
  let now = T0;
  for (const { stepMs, op } of steps) {
    now += stepMs;
    const of = (i: number) => issued[i % Math.max(issued.length, 1)];
    const pick = <T>(list: T[], i: number) => list[i % Math.max(list.length, 1)];
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
      case 'push':
        pushed.push((await state.pushedRequests.push(requestOf(op.client), op.lifetimeSeconds, now)).requestUri);
        answers.push('pushed');
        break;
      case 'open': {
        const opened = await state.pushedRequests.open(pick(pushed, op.pushed) ?? 'urn:none', op.client, now);
        if (opened.result === 'opened') consents.push(opened.consent);
        answers.push(withoutIds(opened));
        break;
      }
      case 'decideConsent': {
        const consent = pick(consents, op.consent);
        answers.push(await state.pushedRequests.decide(consent?.consentId ?? 'none', op.forged ? 'forged' : (consent?.csrfToken ?? 'none'), now));
        break;
      }
      // Named, and ordered, by the order they were pushed in, as request_uri values differ between the two.
      case 'pending': answers.push((await state.pushedRequests.pending(now)).map(({ requestUri, ...rest }) => ({ ...rest, pushed: pushed.indexOf(requestUri) })).sort((a, b) => a.pushed - b.pushed)); break;
      case 'preset': answers.push(await state.pushedRequests.preset(pick(pushed, op.pushed) ?? 'urn:none', { answer: { decision: op.decision } }, now)); break;
      case 'issueCode':
        codes.push(await state.codes.issue(requestOf(op.client), op.lifetimeSeconds, now));
        answers.push('issued');
        break;
      case 'redeem': answers.push(named(await state.codes.redeem(pick(codes, op.code)?.code ?? 'none', now))); break;
      case 'issueRefresh':
        tokens.push(await state.refreshTokens.issue({ grantId: op.grant, clientId: op.client, confirmation: { jkt: 'k' }, issuedAtMs: now }));
        answers.push('issued');
        break;
      case 'find': answers.push(await state.refreshTokens.find(pick(tokens, op.token) ?? 'none')); break;
      case 'rotate': {
        const next = await state.refreshTokens.rotate(pick(tokens, op.token) ?? 'none');
        if (next !== undefined) tokens.push(next);
        answers.push(next !== undefined);
        break;
      }
      case 'link': answers.push(await state.revocations.link(op.jti, op.grant, now + op.lifetimeMs, now)); break;
      case 'revokeGrant': answers.push(await state.revocations.revokeGrant(op.grant)); break;
      case 'revokeToken': answers.push(await state.revocations.revokeToken(op.jti, now + op.lifetimeMs, now)); break;
      case 'isGrantRevoked': answers.push(await state.revocations.isGrantRevoked(op.grant)); break;
      case 'isTokenRevoked': answers.push(await state.revocations.isTokenRevoked(op.jti, now)); break;
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

  const sameAnswers = (op: fc.Arbitrary<Op>, size: fc.SizeForArbitrary, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(fc.array(stepOf(op), { maxLength: 60, size }), async (steps) => {
        const shared = await openRedisState(redis, JOURNAL_SIZE);
        try {
          const expected = await run(memoryState({ journalSize: JOURNAL_SIZE, replayCapacity: 1000 }), steps);
          expect(await run(shared, steps)).toEqual(expected);
        } finally {
          await shared.close();
        }
      }),
      { numRuns },
    );

  // 150 sequences of up to 60 operations, each run against a real redis-server: seconds alone, longer beside the whole suite.
  it('give the same answer to every operation of any sequence', async () => {
    await sameAnswers(operation, 'medium', 150);
  }, 120_000);

  it("give the same answers on the code flow's parts alone, in longer sequences, where their operations meet more often", async () => {
    await sameAnswers(codeFlowOperation, 'medium', 100);
  }, 120_000);
});
