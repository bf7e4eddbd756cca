/**
 * The state aggregate's contract, which a shared implementation (Redis) must keep too: every
 * method answers through a promise, time comes from the caller, and reset() empties every part.
 */
import { describe, expect, it } from 'vitest';
import { memoryState, type SandboxState } from '../../src/state/index.js';

const T = 1_000_000;
const LIMIT = { requests: 1, windowMs: 60_000 };
const entry = {
  time: new Date(T).toISOString(), interactionId: 'id', method: 'POST', path: '/token', headers: {}, form: null,
  scenario: null, status: 200, refusal: null, fault: null, durationMs: 1, clientCertificate: null,
};

/** Calls every method of every part once, and gives what each returned. */
function callEverything(state: SandboxState): Record<string, unknown> {
  return {
    'replay.useOnce': state.replay.useOnce('jti', T + 1000, T),
    'sequences.next': state.sequences.next('key'),
    'rates.take': state.rates.take('client', LIMIT, T),
    'devices.issue': state.devices.issue({ clientId: 'c', intervalSeconds: 5 }, 600, T),
    'devices.poll': state.devices.poll('code', 'c', T),
    'devices.decide': state.devices.decide('BCDFGHJK', 'approved', T),
    'devices.byUserCode': state.devices.byUserCode('BCDFGHJK'),
    'pushedRequests.push': state.pushedRequests.push({ clientId: 'c', redirectUri: 'https://c.example/cb', codeChallenge: 'x' }, 90, T),
    'pushedRequests.open': state.pushedRequests.open('urn:x', 'c', T),
    'pushedRequests.decide': state.pushedRequests.decide('consent', 'csrf', T),
    'codes.issue': state.codes.issue({ clientId: 'c', redirectUri: 'https://c.example/cb', codeChallenge: 'x' }, 60, T),
    'codes.redeem': state.codes.redeem('code', T),
    'refreshTokens.issue': state.refreshTokens.issue({ grantId: 'g', clientId: 'c', confirmation: {}, issuedAtMs: T }),
    'refreshTokens.find': state.refreshTokens.find('token'),
    'refreshTokens.rotate': state.refreshTokens.rotate('token'),
    'revocations.link': state.revocations.link('jti', 'g', T + 1000),
    'revocations.revokeGrant': state.revocations.revokeGrant('g'),
    'revocations.revokeToken': state.revocations.revokeToken('jti', T + 1000),
    'revocations.isGrantRevoked': state.revocations.isGrantRevoked('g'),
    'revocations.isTokenRevoked': state.revocations.isTokenRevoked('jti', T),
    'journal.record': state.journal.record(entry),
    'journal.list': state.journal.list(),
    'journal.clear': state.journal.clear(),
    reset: state.reset(),
  };
}

describe('the state aggregate', () => {
  it('answers every method with a promise', async () => {
    const state = memoryState({ journalSize: 500, replayCapacity: 100 });
    const results = callEverything(state);
    // Every part and every method of each is called above: none is forgotten.
    const methods = Object.entries(state).flatMap(([part, value]) =>
      typeof value === 'function' ? [part] : Object.keys(value as object).filter((m) => m !== 'clear' && m !== 'size').map((m) => `${part}.${m}`),
    );
    expect(Object.keys(results).sort()).toEqual(expect.arrayContaining(methods.sort()));
    for (const [name, result] of Object.entries(results)) expect(result, name).toBeInstanceOf(Promise);
    await Promise.all(Object.values(results));
  });

  it('reset() empties every part: used jti values, sequences, rate buckets, device codes, the code flow, the journal', async () => {
    const state = memoryState({ journalSize: 500, replayCapacity: 100 });
    expect(await state.replay.useOnce('jti', T + 1000, T)).toBe(true);
    expect(await state.sequences.next('key')).toBe(0);
    expect(await state.sequences.next('key')).toBe(1);
    expect(await state.rates.take('client', LIMIT, T)).toBeUndefined();
    expect(await state.rates.take('client', LIMIT, T)).toBe(60_000);
    const device = await state.devices.issue({ clientId: 'c', intervalSeconds: 0 }, 600, T);
    const request = { clientId: 'c', redirectUri: 'https://c.example/cb', codeChallenge: 'x' };
    const { requestUri } = await state.pushedRequests.push(request, 90, T);
    const { code } = await state.codes.issue(request, 60, T);
    const refreshToken = await state.refreshTokens.issue({ grantId: 'g', clientId: 'c', confirmation: {}, issuedAtMs: T });
    await state.revocations.revokeGrant('g');
    await state.journal.record(entry);

    await state.reset();

    expect(await state.pushedRequests.open(requestUri, 'c', T)).toEqual({ result: 'unknown' });
    expect(await state.codes.redeem(code, T)).toEqual({ result: 'unknown' });
    expect(await state.refreshTokens.find(refreshToken)).toBeUndefined();
    expect(await state.revocations.isGrantRevoked('g')).toBe(false);

    expect(await state.replay.useOnce('jti', T + 1000, T)).toBe(true);
    expect(await state.sequences.next('key')).toBe(0);
    expect(await state.rates.take('client', LIMIT, T)).toBeUndefined();
    expect(await state.devices.byUserCode(device.userCode)).toBeUndefined();
    expect(await state.devices.poll(device.deviceCode, 'c', T)).toEqual({ result: 'unknown' });
    expect(await state.journal.list()).toEqual([]);
  });
});

describe('the device store', () => {
  const issue = (state: SandboxState, auto?: { decision: 'approved' | 'denied'; afterPolls: number }) =>
    state.devices.issue({ clientId: 'c', scope: 'openid', intervalSeconds: 5, ...(auto && { auto }) }, 600, T);

  it('hands out snapshots: what it gave does not change when the authorization does', async () => {
    const state = memoryState({ journalSize: 500, replayCapacity: 100 });
    const issued = await issue(state);
    const seen = await state.devices.byUserCode(issued.userCode);
    expect(await state.devices.decide(issued.userCode, 'approved', T)).toBe('decided');
    expect(seen?.status).toBe('pending');
    expect(issued.status).toBe('pending');
    expect((await state.devices.byUserCode(issued.userCode))?.status).toBe('approved');
  });

  it('polls through every outcome, applying each one', async () => {
    const state = memoryState({ journalSize: 500, replayCapacity: 100 });
    const { deviceCode, userCode } = await issue(state);
    const poll = (at: number, clientId = 'c') => state.devices.poll(deviceCode, clientId, at);
    expect(await state.devices.poll('nope', 'c', T)).toEqual({ result: 'unknown' });
    expect(await poll(T + 5000, 'other')).toEqual({ result: 'other-client' });
    expect(await poll(T + 1000)).toEqual({ result: 'slow_down', previousIntervalSeconds: 5, intervalSeconds: 10 });
    expect(await poll(T + 11_000)).toEqual({ result: 'pending' }); // 10 s after the slow_down
    expect(await state.devices.decide(userCode, 'approved', T + 12_000)).toBe('decided');
    expect(await poll(T + 21_000)).toEqual({ result: 'approved', scope: 'openid' });
    expect(await poll(T + 31_000)).toEqual({ result: 'redeemed' });
    expect(await state.devices.decide(userCode, 'denied', T + 31_000)).toBe('already-decided');
  });

  it('decides by itself after a device scenario\'s polls, and expires', async () => {
    const state = memoryState({ journalSize: 500, replayCapacity: 100 });
    const denied = await issue(state, { decision: 'denied', afterPolls: 1 });
    expect(await state.devices.poll(denied.deviceCode, 'c', T + 5000)).toEqual({ result: 'pending' });
    expect(await state.devices.poll(denied.deviceCode, 'c', T + 10_000)).toEqual({ result: 'denied' });
    const late = await issue(state);
    expect(await state.devices.poll(late.deviceCode, 'c', T + 600_000)).toEqual({ result: 'expired' });
    expect(await state.devices.decide(late.userCode, 'approved', T + 600_000)).toBe('expired');
    expect(await state.devices.decide('BCDFGHJK', 'approved', T)).toBe('unknown');
  });
});
