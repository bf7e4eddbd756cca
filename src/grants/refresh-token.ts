/**
 * The refresh_token grant (RFC 6749 §6): the refresh token is the client's, its grant is not
 * revoked, and the request proves the key the token is bound to (RFC 8705 §3 certificate, RFC
 * 9449 §5 DPoP key). The scope may narrow, never widen. The token stays the same (FAPI 2 says
 * refresh tokens are not rotated) unless rotation is on.
 */
import { invalidGrant, invalidScope, type Refusal } from '../http/refusal.js';
import type { Confirmation, RefreshTokenStore, Revocations } from '../state/index.js';
import type { GrantHandler, GrantOutcome } from './grant.js';

const refuse = (refusal: Refusal): GrantOutcome => ({ ok: false, refusal });

/** Why the request does not prove the key the refresh token is bound to, or null. */
function unproven(bound: Confirmation, presented: Confirmation): Refusal | null {
  if (bound['x5t#S256'] !== undefined && presented['x5t#S256'] !== bound['x5t#S256']) {
    return invalidGrant('refresh_token.binding', 'the refresh token is bound to a client certificate the request does not present (cnf x5t#S256, RFC 8705 §3)');
  }
  if (bound.jkt !== undefined && presented.jkt !== bound.jkt) {
    const sent = presented.jkt === undefined ? 'the request has no DPoP proof' : 'the DPoP proof is of another key';
    return invalidGrant('refresh_token.dpop_mismatch', `the refresh token is bound to a DPoP key and ${sent} (cnf jkt, RFC 9449 §5)`);
  }
  return null;
}

export interface RefreshGrantState {
  refreshTokens: RefreshTokenStore;
  revocations: Revocations;
}

export function refreshTokenGrant({ refreshTokens, revocations }: RefreshGrantState, rotate: boolean): GrantHandler {
  return {
    grantTypes: ['refresh_token'],
    registeredGrant: 'refresh_token',
    async handle(input, { clientId }, confirmation) {
      const token = input.refreshToken!;
      const grant = await refreshTokens.find(token);
      if (!grant) return refuse(invalidGrant('refresh_token.unknown', 'the refresh token is unknown to this server'));
      if (await revocations.isGrantRevoked(grant.grantId)) return refuse(invalidGrant('refresh_token.revoked', 'the refresh token was revoked'));
      if (grant.clientId !== clientId) return refuse(invalidGrant('refresh_token.other_client', 'the refresh token was issued to another client'));
      const unbound = unproven(grant.confirmation, confirmation);
      if (unbound) return refuse(unbound);
      const granted = new Set(grant.scope?.split(' ') ?? []);
      const wider = input.scope?.split(' ').filter((s) => !granted.has(s)) ?? [];
      if (wider.length) return refuse(invalidScope('refresh_token.scope', `scope ${wider.join(' ')} was not granted with the refresh token (RFC 6749 §6)`));

      const next = rotate ? await refreshTokens.rotate(token) : undefined;
      if (rotate && next === undefined) return refuse(invalidGrant('refresh_token.unknown', 'the refresh token is unknown to this server'));
      return {
        ok: true,
        grant: { clientId, scope: input.scope ?? grant.scope, certificateThumbprint: confirmation['x5t#S256'], dpopJkt: confirmation.jkt },
        lineage: { grantId: grant.grantId, refreshToken: next },
      };
    },
  };
}
