/**
 * PKCE (RFC 7636), the code flow's pure part. The code flow's state parts (pushed requests and
 * consents, codes, refresh tokens, the revocation list) are held to their behaviour by the state
 * contract, in memory and in Redis (test/support/state-contract.ts).
 */
import { describe, expect, it } from 'vitest';
import { isPkceValue, s256Challenge, verifierMatches } from '../../src/grants/pkce.js';

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
