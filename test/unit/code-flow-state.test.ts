/**
 * The code flow's pure parts: PKCE (RFC 7636), and the state parts' single-use operations, on
 * times given by the caller: pushed requests and consents, authorization codes, refresh tokens,
 * the revocation list.
 */
import { describe, expect, it } from 'vitest';
import { isPkceValue, s256Challenge, verifierMatches } from '../../src/grants/pkce.js';
import { memoryAuthorizationCodeStore } from '../../src/state/authorization-codes.js';
import { CONSENT_LIFETIME_MS, memoryPushedRequestStore } from '../../src/state/pushed-requests.js';
import { memoryRefreshTokenStore } from '../../src/state/refresh-tokens.js';
import { memoryRevocations } from '../../src/state/revocations.js';

const T = 1_000_000;
const REQUEST = { clientId: 'c', redirectUri: 'https://c.example/cb', scope: 'openid', state: 's', codeChallenge: 'x'.repeat(43) };

describe('PKCE (RFC 7636)', () => {
  it('computes the S256 challenge of RFC 7636 Appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(verifierMatches('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM')).toBe(true);
  });

  it('takes 43 to 128 unreserved characters, nothing else (§4.1)', () => {
    expect(isPkceValue('a'.repeat(43))).toBe(true);
    expect(isPkceValue('A-._~z9'.repeat(18).slice(0, 128))).toBe(true);
    expect(isPkceValue('a'.repeat(42))).toBe(false);
    expect(isPkceValue('a'.repeat(129))).toBe(false);
    for (const c of ['+', '/', '=', ' ', 'é']) expect(isPkceValue(`${'a'.repeat(42)}${c}`), c).toBe(false);
  });

  it('refuses a verifier that is not its challenge, or is malformed though its hash would match', () => {
    const verifier = 'v'.repeat(43);
    expect(verifierMatches('w'.repeat(43), s256Challenge(verifier))).toBe(false);
    expect(verifierMatches('short', s256Challenge('short'))).toBe(false);
    // plain (the challenge is the verifier) is not S256.
    expect(verifierMatches(verifier, verifier)).toBe(false);
  });
});

describe('the authorization code store', () => {
  it('redeems once; a second use is a reuse naming the grant, even after expiry', async () => {
    const codes = memoryAuthorizationCodeStore();
    const { code, grantId } = await codes.issue(REQUEST, 60, T);
    const first = await codes.redeem(code, T + 59_999);
    expect(first).toEqual({ result: 'redeemed', grant: { ...REQUEST, grantId } });
    expect(await codes.redeem(code, T + 1000)).toEqual({ result: 'reused', grantId });
    expect(await codes.redeem(code, T + 120_000)).toEqual({ result: 'reused', grantId });
  });

  it('expires at its lifetime, and an expired code is used up too', async () => {
    const codes = memoryAuthorizationCodeStore();
    const { code, grantId } = await codes.issue(REQUEST, 60, T);
    expect(await codes.redeem(code, T + 60_000)).toEqual({ result: 'expired' });
    expect(await codes.redeem(code, T + 60_001)).toEqual({ result: 'reused', grantId });
    expect(await codes.redeem('never-issued', T)).toEqual({ result: 'unknown' });
  });

  it('gives each code a new grant and unguessable values', async () => {
    const codes = memoryAuthorizationCodeStore();
    const a = await codes.issue(REQUEST, 60, T);
    const b = await codes.issue(REQUEST, 60, T);
    expect(a.code).not.toBe(b.code);
    expect(a.grantId).not.toBe(b.grantId);
    expect(a.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers one of two concurrent redemptions only', async () => {
    const codes = memoryAuthorizationCodeStore();
    const { code } = await codes.issue(REQUEST, 60, T);
    const results = await Promise.all([codes.redeem(code, T), codes.redeem(code, T)]);
    expect(results.map((r) => r.result).sort()).toEqual(['redeemed', 'reused']);
  });
});

describe('the pushed request store', () => {
  it("opens a request_uri once, for its client only: another client's attempt leaves it usable", async () => {
    const pushed = memoryPushedRequestStore();
    const { requestUri } = await pushed.push(REQUEST, 90, T);
    expect(await pushed.open(requestUri, 'other', T)).toEqual({ result: 'other-client' });
    const opened = await pushed.open(requestUri, 'c', T);
    expect(opened).toMatchObject({ result: 'opened', consent: { request: REQUEST, expiresAtMs: T + CONSENT_LIFETIME_MS } });
    expect(await pushed.open(requestUri, 'c', T)).toEqual({ result: 'used' });
  });

  it('expires a request_uri at its lifetime', async () => {
    const pushed = memoryPushedRequestStore();
    const { requestUri } = await pushed.push(REQUEST, 90, T);
    expect(await pushed.open(requestUri, 'c', T + 90_000)).toEqual({ result: 'expired' });
  });

  it('decides a consent once, with its CSRF token only: a wrong token changes nothing', async () => {
    const pushed = memoryPushedRequestStore();
    const opened = await pushed.open((await pushed.push(REQUEST, 90, T)).requestUri, 'c', T);
    if (opened.result !== 'opened') throw new Error(opened.result);
    const { consentId, csrfToken } = opened.consent;
    expect(csrfToken).not.toBe(consentId);
    expect(await pushed.decide(consentId, 'forged', T)).toEqual({ result: 'csrf' });
    expect(await pushed.decide(consentId, csrfToken, T)).toEqual({ result: 'decided', request: REQUEST });
    expect(await pushed.decide(consentId, csrfToken, T)).toEqual({ result: 'used' });
    expect(await pushed.decide('unknown', csrfToken, T)).toEqual({ result: 'unknown' });
  });

  it('expires a consent after its lifetime', async () => {
    const pushed = memoryPushedRequestStore();
    const opened = await pushed.open((await pushed.push(REQUEST, 90, T)).requestUri, 'c', T);
    if (opened.result !== 'opened') throw new Error(opened.result);
    expect(await pushed.decide(opened.consent.consentId, opened.consent.csrfToken, T + CONSENT_LIFETIME_MS)).toEqual({ result: 'expired' });
  });
});

describe('refresh tokens and the revocation list', () => {
  const grant = { grantId: 'g', clientId: 'c', scope: 'openid', confirmation: { 'x5t#S256': 't' }, issuedAtMs: T };

  it('rotates a refresh token atomically: the old one is gone, the new one has the same grant', async () => {
    const tokens = memoryRefreshTokenStore();
    const old = await tokens.issue(grant);
    const next = await tokens.rotate(old);
    expect(next).toBeDefined();
    expect(await tokens.find(old)).toBeUndefined();
    expect(await tokens.find(next!)).toEqual(grant);
    expect(await tokens.rotate(old)).toBeUndefined();
  });

  it("revokes an access token with its grant, until the token's own expiry", async () => {
    const revocations = memoryRevocations();
    await revocations.link('jti-1', 'g', T + 900_000);
    expect(await revocations.isTokenRevoked('jti-1', T)).toBe(false);
    await revocations.revokeGrant('g');
    expect(await revocations.isGrantRevoked('g')).toBe(true);
    expect(await revocations.isTokenRevoked('jti-1', T)).toBe(true);
    expect(await revocations.isTokenRevoked('jti-2', T)).toBe(false);
  });

  it('revokes one access token alone, until it expires', async () => {
    const revocations = memoryRevocations();
    await revocations.revokeToken('jti-1', T + 1000);
    expect(await revocations.isTokenRevoked('jti-1', T)).toBe(true);
    expect(await revocations.isTokenRevoked('jti-1', T + 1000)).toBe(false);
  });
});
