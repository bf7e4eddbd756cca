/**
 * The authorization_code grant (RFC 6749 §4.1.3, RFC 7636 §4.6): the code is taken once from the
 * store, then checked against what it is bound to: the client, the redirect_uri and the PKCE
 * verifier, and the DPoP key of the pushed request when it named one (RFC 9449 §10). A second use
 * is invalid_grant and revokes the grant the first one started, with every token issued from it
 * (RFC 6749 §4.1.2). The tokens are bound to what the request proved (certificate, DPoP key); a
 * client registered for refresh_token also gets a refresh token, bound to the same.
 */
import { invalidGrant, type Refusal } from '../http/refusal.js';
import type { Clock } from '../state/clock.js';
import type { AuthorizationCodeStore, RefreshTokenStore, Revocations } from '../state/index.js';
import type { GrantHandler, GrantOutcome } from './grant.js';
import { verifierMatches } from './pkce.js';

const refuse = (refusal: Refusal): GrantOutcome => ({ ok: false, refusal });

export interface CodeGrantState {
  codes: AuthorizationCodeStore;
  refreshTokens: RefreshTokenStore;
  revocations: Revocations;
}

export function authorizationCodeGrant({ codes, refreshTokens, revocations }: CodeGrantState, clock: Clock): GrantHandler {
  return {
    grantTypes: ['authorization_code'],
    registeredGrant: 'authorization_code',
    async handle(input, { clientId, registration }, confirmation) {
      const redemption = await codes.redeem(input.code!, clock.now());
      switch (redemption.result) {
        case 'unknown':
          return refuse(invalidGrant('code.unknown', 'the code is unknown to this server'));
        case 'expired':
          return refuse(invalidGrant('code.expired', 'the code has expired; start a new authorization'));
        case 'reused':
          await revocations.revokeGrant(redemption.grantId);
          return refuse(invalidGrant('code.reused', 'the code was already used; the tokens issued with it are revoked'));
      }
      const { grant } = redemption;
      if (grant.clientId !== clientId) return refuse(invalidGrant('code.other_client', 'the code was issued to another client'));
      if (input.redirectUri !== grant.redirectUri) {
        return refuse(invalidGrant('code.redirect_uri', 'redirect_uri is not the one of the authorization request (RFC 6749 §4.1.3)'));
      }
      if (input.codeVerifier === undefined) return refuse(invalidGrant('code.verifier_missing', 'code_verifier is required: the code was requested with a code_challenge (RFC 7636 §4.5)'));
      if (!verifierMatches(input.codeVerifier, grant.codeChallenge)) {
        return refuse(invalidGrant('code.verifier', 'code_verifier does not match the code_challenge (RFC 7636 §4.6)'));
      }
      if (grant.dpopJkt !== undefined && confirmation.jkt !== grant.dpopJkt) {
        const sent = confirmation.jkt === undefined ? 'the request has no DPoP proof' : 'the DPoP proof is of another key';
        return refuse(invalidGrant('code.dpop_jkt_mismatch', `the code is bound to the DPoP key of the pushed request and ${sent} (RFC 9449 §10)`));
      }
      const refreshToken = registration.grantTypes.has('refresh_token')
        ? await refreshTokens.issue({ grantId: grant.grantId, clientId, scope: grant.scope, confirmation, issuedAtMs: clock.now() })
        : undefined;
      return {
        ok: true,
        grant: { clientId, scope: grant.scope, certificateThumbprint: confirmation['x5t#S256'], dpopJkt: confirmation.jkt },
        lineage: { grantId: grant.grantId, refreshToken },
      };
    },
  };
}
