/**
 * The state aggregate's contract, which every implementation keeps (the memory one in
 * test/unit/state.test.ts, the Redis one in test/redis/state.test.ts): every method answers
 * through a promise, time comes from the caller, reset() empties every part, and every one-time
 * step (a poll that redeems, a request_uri opened, a consent decided, a code redeemed, a refresh
 * token rotated) is taken once when two callers race.
 */
import { describe, expect, it } from 'vitest';
import type { SandboxState } from '../../src/state/index.js';
import { CONSENT_LIFETIME_MS } from '../../src/state/pushed-requests.js';

const T = 1_000_000;
const LIMIT = { requests: 1, windowMs: 60_000 };
const REQUEST = { clientId: 'c', redirectUri: 'https://c.example/cb', scope: 'openid', state: 's', codeChallenge: 'x'.repeat(43) };
const GRANT = { grantId: 'g', clientId: 'c', scope: 'openid', confirmation: { 'x5t#S256': 't' }, issuedAtMs: T };
const entry = {
  time: new Date(T).toISOString(), interactionId: 'id', method: 'POST', path: '/token', headers: {}, form: null,
  scenario: null, status: 200, refusal: null, fault: null, durationMs: 1, clientCertificate: null,
};

/** Calls every method of every part once (close() last), and gives what each returned. */
function callEverything(state: SandboxState): Record<string, unknown> {
  return {
    'replay.useOnce': state.replay.useOnce('jti', T + 1000, T),
    'sequences.next': state.sequences.next('key'),
    'rates.take': state.rates.take('client', LIMIT, T),
    'devices.issue': state.devices.issue({ clientId: 'c', intervalSeconds: 5 }, 600, T),
    'devices.poll': state.devices.poll('code', 'c', T),
    'devices.decide': state.devices.decide('BCDFGHJK', 'approved', T),
    'devices.byUserCode': state.devices.byUserCode('BCDFGHJK'),
    'pushedRequests.push': state.pushedRequests.push(REQUEST, 90, T),
    'pushedRequests.open': state.pushedRequests.open('urn:x', 'c', T),
    'pushedRequests.decide': state.pushedRequests.decide('consent', 'csrf', T),
    'pushedRequests.pending': state.pushedRequests.pending(T),
    'pushedRequests.preset': state.pushedRequests.preset('urn:x', { answer: { decision: 'approve' } }, T),
    'codes.issue': state.codes.issue(REQUEST, 60, T),
    'codes.redeem': state.codes.redeem('code', T),
    'refreshTokens.issue': state.refreshTokens.issue(GRANT),
    'refreshTokens.find': state.refreshTokens.find('token'),
    'refreshTokens.rotate': state.refreshTokens.rotate('token'),
    'revocations.link': state.revocations.link('jti', 'g', T + 1000, T),
    'revocations.revokeGrant': state.revocations.revokeGrant('g'),
    'revocations.revokeToken': state.revocations.revokeToken('jti', T + 1000, T),
    'revocations.isGrantRevoked': state.revocations.isGrantRevoked('g'),
    'revocations.isTokenRevoked': state.revocations.isTokenRevoked('jti', T),
    'journal.record': state.journal.record(entry),
    'journal.list': state.journal.list(),
    'journal.clear': state.journal.clear(),
    reset: state.reset(),
  };
}

/**
 * The contract's tests, each on a fresh, empty state from `fresh`. `ownMethods`: the
 * implementation's methods beyond the aggregate's (not called here).
 */
export function describeStateContract(name: string, fresh: () => Promise<SandboxState>, ownMethods: string[] = []): void {
  describe(`the state aggregate (${name})`, () => {
    it('answers every method with a promise', async () => {
      const state = await fresh();
      const results = callEverything(state);
      // Every part and every method of each is called above: none is forgotten.
      const methods = Object.entries(state).flatMap(([part, value]) =>
        typeof value === 'function' ? (ownMethods.includes(part) ? [] : [part]) : Object.keys(value as object).filter((m) => m !== 'clear' && m !== 'size').map((m) => `${part}.${m}`),
      );
      expect([...Object.keys(results), 'close'].sort()).toEqual(expect.arrayContaining(methods.sort()));
      for (const [name, result] of Object.entries(results)) expect(result, name).toBeInstanceOf(Promise);
      await Promise.all(Object.values(results));
    });

    it('closes', async () => {
      const state = await fresh();
      await expect(state.close()).resolves.toBeUndefined();
    });

    it('reset() empties every part: used jti values, sequences, rate buckets, device codes, the code flow, the journal', async () => {
      const state = await fresh();
      expect(await state.replay.useOnce('jti', T + 1000, T)).toBe(true);
      expect(await state.sequences.next('key')).toBe(0);
      expect(await state.sequences.next('key')).toBe(1);
      expect(await state.rates.take('client', LIMIT, T)).toBeUndefined();
      expect(await state.rates.take('client', LIMIT, T)).toBe(60_000);
      const device = await state.devices.issue({ clientId: 'c', intervalSeconds: 0 }, 600, T);
      const { requestUri } = await state.pushedRequests.push(REQUEST, 90, T);
      const opened = await state.pushedRequests.open((await state.pushedRequests.push(REQUEST, 90, T)).requestUri, 'c', T);
      if (opened.result !== 'opened') throw new Error(opened.result);
      const { code } = await state.codes.issue(REQUEST, 60, T);
      const refreshToken = await state.refreshTokens.issue(GRANT);
      await state.revocations.link('jti', 'g', T + 1000, T);
      await state.revocations.revokeGrant('g');
      await state.revocations.revokeToken('jti-alone', T + 1000, T);
      await state.journal.record(entry);

      await state.reset();

      expect(await state.pushedRequests.open(requestUri, 'c', T)).toEqual({ result: 'unknown' });
      expect(await state.pushedRequests.decide(opened.consent.consentId, opened.consent.csrfToken, T)).toEqual({ result: 'unknown' });
      expect(await state.codes.redeem(code, T)).toEqual({ result: 'unknown' });
      expect(await state.refreshTokens.find(refreshToken)).toBeUndefined();
      expect(await state.revocations.isGrantRevoked('g')).toBe(false);
      await state.revocations.revokeGrant('g');
      expect(await state.revocations.isTokenRevoked('jti', T)).toBe(false); // its link went too
      expect(await state.revocations.isTokenRevoked('jti-alone', T)).toBe(false);

      expect(await state.replay.useOnce('jti', T + 1000, T)).toBe(true);
      expect(await state.sequences.next('key')).toBe(0);
      expect(await state.rates.take('client', LIMIT, T)).toBeUndefined();
      expect(await state.devices.byUserCode(device.userCode)).toBeUndefined();
      expect(await state.devices.poll(device.deviceCode, 'c', T)).toEqual({ result: 'unknown' });
      expect(await state.journal.list()).toEqual([]);
    });
  });

  describe(`the device store (${name})`, () => {
    const issue = (state: SandboxState, auto?: { decision: 'approved' | 'denied'; afterPolls: number }) =>
      state.devices.issue({ clientId: 'c', scope: 'openid', intervalSeconds: 5, ...(auto && { auto }) }, 600, T);

    it('hands out snapshots: what it gave does not change when the authorization does', async () => {
      const state = await fresh();
      const issued = await issue(state);
      const seen = await state.devices.byUserCode(issued.userCode);
      expect(await state.devices.decide(issued.userCode, 'approved', T)).toBe('decided');
      expect(seen?.status).toBe('pending');
      expect(issued.status).toBe('pending');
      expect((await state.devices.byUserCode(issued.userCode))?.status).toBe('approved');
    });

    it('polls through every outcome, applying each one', async () => {
      const state = await fresh();
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
      const state = await fresh();
      const denied = await issue(state, { decision: 'denied', afterPolls: 1 });
      expect(await state.devices.poll(denied.deviceCode, 'c', T + 5000)).toEqual({ result: 'pending' });
      expect(await state.devices.poll(denied.deviceCode, 'c', T + 10_000)).toEqual({ result: 'denied' });
      const late = await issue(state);
      expect(await state.devices.poll(late.deviceCode, 'c', T + 600_000)).toEqual({ result: 'expired' });
      expect(await state.devices.decide(late.userCode, 'approved', T + 600_000)).toBe('expired');
      expect(await state.devices.decide('BCDFGHJK', 'approved', T)).toBe('unknown');
    });

    it('answers an expired code as expired, not unknown, for a while after, though new codes came since', async () => {
      const state = await fresh();
      const old = await issue(state);
      await state.devices.issue({ clientId: 'c', intervalSeconds: 5 }, 600, T + 630_000);
      expect(await state.devices.poll(old.deviceCode, 'c', T + 630_000)).toEqual({ result: 'expired' });
    });
  });

  describe(`the authorization code store (${name})`, () => {
    it('redeems once; a second use is a reuse naming the grant, even after expiry', async () => {
      const { codes } = await fresh();
      const { code, grantId } = await codes.issue(REQUEST, 60, T);
      expect(await codes.redeem(code, T + 59_999)).toEqual({ result: 'redeemed', grant: { ...REQUEST, grantId } });
      expect(await codes.redeem(code, T + 1000)).toEqual({ result: 'reused', grantId });
      expect(await codes.redeem(code, T + 120_000)).toEqual({ result: 'reused', grantId });
    });

    it('expires at its lifetime, and an expired code is used up too', async () => {
      const { codes } = await fresh();
      const { code, grantId } = await codes.issue(REQUEST, 60, T);
      expect(await codes.redeem(code, T + 60_000)).toEqual({ result: 'expired' });
      expect(await codes.redeem(code, T + 60_001)).toEqual({ result: 'reused', grantId });
      expect(await codes.redeem('never-issued', T)).toEqual({ result: 'unknown' });
    });

    it('gives each code a new grant and unguessable values', async () => {
      const { codes } = await fresh();
      const a = await codes.issue(REQUEST, 60, T);
      const b = await codes.issue(REQUEST, 60, T);
      expect(a.code).not.toBe(b.code);
      expect(a.grantId).not.toBe(b.grantId);
      expect(a.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('answers one of concurrent redemptions only', async () => {
      const { codes } = await fresh();
      const { code } = await codes.issue(REQUEST, 60, T);
      const results = await Promise.all([1, 2, 3, 4].map(() => codes.redeem(code, T)));
      expect(results.map((r) => r.result).sort()).toEqual(['redeemed', 'reused', 'reused', 'reused']);
    });
  });

  describe(`the pushed request store (${name})`, () => {
    it("opens a request_uri once, for its client only: another client's attempt leaves it usable", async () => {
      const { pushedRequests: pushed } = await fresh();
      const { requestUri } = await pushed.push(REQUEST, 90, T);
      expect(requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
      expect(await pushed.open(requestUri, 'other', T)).toEqual({ result: 'other-client' });
      const opened = await pushed.open(requestUri, 'c', T);
      expect(opened).toMatchObject({ result: 'opened', consent: { request: REQUEST, expiresAtMs: T + CONSENT_LIFETIME_MS } });
      expect(await pushed.open(requestUri, 'c', T)).toEqual({ result: 'used' });
      expect(await pushed.open('urn:ietf:params:oauth:request_uri:never', 'c', T)).toEqual({ result: 'unknown' });
    });

    it('opens one consent of concurrent opens only', async () => {
      const { pushedRequests: pushed } = await fresh();
      const { requestUri } = await pushed.push(REQUEST, 90, T);
      const results = await Promise.all([1, 2, 3].map(() => pushed.open(requestUri, 'c', T)));
      expect(results.map((r) => r.result).sort()).toEqual(['opened', 'used', 'used']);
    });

    it('expires a request_uri at its lifetime', async () => {
      const { pushedRequests: pushed } = await fresh();
      const { requestUri } = await pushed.push(REQUEST, 90, T);
      expect(await pushed.open(requestUri, 'c', T + 90_000)).toEqual({ result: 'expired' });
    });

    it('decides a consent once, with its CSRF token only: a wrong token changes nothing', async () => {
      const { pushedRequests: pushed } = await fresh();
      const opened = await pushed.open((await pushed.push(REQUEST, 90, T)).requestUri, 'c', T);
      if (opened.result !== 'opened') throw new Error(opened.result);
      const { consentId, csrfToken } = opened.consent;
      expect(csrfToken).not.toBe(consentId);
      expect(await pushed.decide(consentId, 'forged', T)).toEqual({ result: 'csrf' });
      expect(await pushed.decide(consentId, csrfToken, T)).toEqual({ result: 'decided', request: REQUEST });
      expect(await pushed.decide(consentId, csrfToken, T)).toEqual({ result: 'used' });
      expect(await pushed.decide('unknown', csrfToken, T)).toEqual({ result: 'unknown' });
    });

    it('decides one of concurrent decisions only', async () => {
      const { pushedRequests: pushed } = await fresh();
      const opened = await pushed.open((await pushed.push(REQUEST, 90, T)).requestUri, 'c', T);
      if (opened.result !== 'opened') throw new Error(opened.result);
      const { consentId, csrfToken } = opened.consent;
      const results = await Promise.all([1, 2, 3].map(() => pushed.decide(consentId, csrfToken, T)));
      expect(results.map((r) => r.result).sort()).toEqual(['decided', 'used', 'used']);
    });

    it('lists the pending requests, soonest expiry first, without those opened or expired', async () => {
      const { pushedRequests: pushed } = await fresh();
      const later = await pushed.push(REQUEST, 90, T);
      const sooner = await pushed.push({ ...REQUEST, clientId: 'c2', scope: undefined }, 30, T);
      const opened = await pushed.push(REQUEST, 90, T);
      await pushed.open(opened.requestUri, 'c', T);
      expect(await pushed.pending(T)).toEqual([
        { requestUri: sooner.requestUri, clientId: 'c2', redirectUri: REQUEST.redirectUri, expiresAtMs: T + 30_000 },
        { requestUri: later.requestUri, clientId: 'c', scope: 'openid', redirectUri: REQUEST.redirectUri, expiresAtMs: T + 90_000 },
      ]);
      expect((await pushed.pending(T + 30_000)).map((p) => p.requestUri)).toEqual([later.requestUri]);
    });

    it('presets the answer of a pending request, which its open then carries; not once opened, expired or unknown', async () => {
      const { pushedRequests: pushed } = await fresh();
      const { requestUri } = await pushed.push(REQUEST, 90, T);
      expect(await pushed.preset(requestUri, { answer: { decision: 'approve' } }, T)).toBe('set');
      expect(await pushed.preset(requestUri, { answer: { decision: 'deny' } }, T)).toBe('set');
      expect(await pushed.preset(requestUri, { answer: { decision: 'approve' } }, T + 90_000)).toBe('expired');
      expect(await pushed.open(requestUri, 'c', T)).toMatchObject({ result: 'opened', consent: { request: { ...REQUEST, preset: { answer: { decision: 'deny' } } } } });
      expect(await pushed.preset(requestUri, { answer: { decision: 'approve' } }, T)).toBe('used');
      expect(await pushed.preset('urn:ietf:params:oauth:request_uri:never', { answer: { decision: 'approve' } }, T)).toBe('unknown');
    });

    it('presets before a concurrent open or not at all', async () => {
      const { pushedRequests: pushed } = await fresh();
      const { requestUri } = await pushed.push(REQUEST, 90, T);
      const [set, opened] = await Promise.all([pushed.preset(requestUri, { answer: { decision: 'deny' } }, T), pushed.open(requestUri, 'c', T)]);
      if (opened.result !== 'opened') throw new Error(opened.result);
      expect(set === 'set' ? { answer: { decision: 'deny' } } : undefined).toEqual(opened.consent.request.preset);
    });

    it('expires a consent after its lifetime', async () => {
      const { pushedRequests: pushed } = await fresh();
      const opened = await pushed.open((await pushed.push(REQUEST, 90, T)).requestUri, 'c', T);
      if (opened.result !== 'opened') throw new Error(opened.result);
      expect(await pushed.decide(opened.consent.consentId, opened.consent.csrfToken, T + CONSENT_LIFETIME_MS)).toEqual({ result: 'expired' });
    });
  });

  describe(`refresh tokens and the revocation list (${name})`, () => {
    it('rotates a refresh token atomically: the old one is gone, the new one has the same grant', async () => {
      const { refreshTokens: tokens } = await fresh();
      const old = await tokens.issue(GRANT);
      expect(await tokens.find(old)).toEqual(GRANT);
      const next = await tokens.rotate(old);
      expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await tokens.find(old)).toBeUndefined();
      expect(await tokens.find(next!)).toEqual(GRANT);
      expect(await tokens.rotate(old)).toBeUndefined();
    });

    it('rotates one of concurrent rotations only', async () => {
      const { refreshTokens: tokens } = await fresh();
      const old = await tokens.issue(GRANT);
      const rotated = (await Promise.all([1, 2, 3].map(() => tokens.rotate(old)))).filter((t) => t !== undefined);
      expect(rotated).toHaveLength(1);
      expect(await tokens.find(rotated[0]!)).toEqual(GRANT);
    });

    it("revokes an access token with its grant, until the token's own expiry", async () => {
      const { revocations } = await fresh();
      await revocations.link('jti-1', 'g', T + 900_000, T);
      expect(await revocations.isTokenRevoked('jti-1', T)).toBe(false);
      await revocations.revokeGrant('g');
      expect(await revocations.isGrantRevoked('g')).toBe(true);
      expect(await revocations.isGrantRevoked('h')).toBe(false);
      expect(await revocations.isTokenRevoked('jti-1', T)).toBe(true);
      expect(await revocations.isTokenRevoked('jti-1', T + 900_000)).toBe(false);
      expect(await revocations.isTokenRevoked('jti-2', T)).toBe(false);
    });

    it('revokes one access token alone, until it expires; an expired one is no revocation', async () => {
      const { revocations } = await fresh();
      await revocations.revokeToken('jti-1', T + 1000, T);
      expect(await revocations.isTokenRevoked('jti-1', T)).toBe(true);
      expect(await revocations.isTokenRevoked('jti-1', T + 1000)).toBe(false);
      await revocations.revokeToken('jti-1', T, T);
      expect(await revocations.isTokenRevoked('jti-1', T - 1)).toBe(false);
      await revocations.link('jti-2', 'g', T + 1000, T);
      await revocations.link('jti-2', 'g', T, T);
      await revocations.revokeGrant('g');
      expect(await revocations.isTokenRevoked('jti-2', T - 1)).toBe(false);
    });
  });
}
