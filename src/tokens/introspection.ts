/**
 * What the sandbox knows of a token a client presents (introspection, revocation): an access
 * token it signed (the signature with its own key, its iss, exp on the injected clock, not
 * revoked) or a refresh token it issued (its grant not revoked). Anything else is unknown, which
 * RFC 7662 answers as inactive and RFC 7009 as revoked already.
 */
import { createPublicKey } from 'node:crypto';
import { jwtVerify, type JWK } from 'jose';
import type { Clock } from '../state/clock.js';
import type { Confirmation, RefreshGrant, RefreshTokenStore, Revocations } from '../state/index.js';

export type KnownToken =
  | {
      kind: 'access_token';
      jti: string;
      clientId: string;
      scope?: string;
      sub: string;
      iat: number;
      exp: number;
      confirmation?: Confirmation;
    }
  | { kind: 'refresh_token'; token: string; grant: RefreshGrant };

export interface TokenInspector {
  /** The token, when this sandbox issued it to be valid now under `issuer`; undefined otherwise. */
  inspect(token: string, issuer: string): Promise<KnownToken | undefined>;
}

export function tokenInspector(signingJwk: JWK, state: { refreshTokens: RefreshTokenStore; revocations: Revocations }, clock: Clock): TokenInspector {
  const key = createPublicKey({ key: signingJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const algorithms = [signingJwk.alg!];

  async function accessToken(token: string, issuer: string): Promise<KnownToken | undefined> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key, { issuer, algorithms, typ: 'at+jwt', currentDate: new Date(clock.now()) }));
    } catch {
      return undefined;
    }
    const { jti, client_id: clientId, sub, iat, exp, scope, cnf } = payload as Record<string, unknown>;
    if (typeof jti !== 'string' || typeof clientId !== 'string' || typeof sub !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return undefined;
    if (await state.revocations.isTokenRevoked(jti, clock.now())) return undefined;
    return { kind: 'access_token', jti, clientId, sub, iat, exp, scope: typeof scope === 'string' ? scope : undefined, confirmation: cnf as Confirmation | undefined };
  }

  return {
    async inspect(token, issuer) {
      const grant = await state.refreshTokens.find(token);
      if (grant) return (await state.revocations.isGrantRevoked(grant.grantId)) ? undefined : { kind: 'refresh_token', token, grant };
      return accessToken(token, issuer);
    },
  };
}
