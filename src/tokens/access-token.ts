/** Access token issuance: JWTs signed with the sandbox key, certificate-bound when mTLS was used, DPoP-bound with a DPoP proof. */
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { AccessTokenBody } from '../http/responses.js';
import type { Clock } from '../state/clock.js';
import { signJws } from './jws.js';
import type { SigningKey } from './keys.js';

/** What a successful grant established. */
export interface TokenGrant {
  clientId: string;
  scope?: string;
  /** RFC 8705 §3: x5t#S256 of the client certificate the token is bound to. */
  certificateThumbprint?: string;
  /** RFC 9449 §6: the JWK thumbprint of the DPoP key the token is bound to. */
  dpopJkt?: string;
}

/** The token's confirmation claim: the certificate and the DPoP key it was issued to, whichever the request proved. */
function confirmation({ certificateThumbprint, dpopJkt }: TokenGrant): { cnf?: Record<string, string> } {
  if (certificateThumbprint === undefined && dpopJkt === undefined) return {};
  return {
    cnf: {
      ...(certificateThumbprint === undefined ? {} : { 'x5t#S256': certificateThumbprint }),
      ...(dpopJkt === undefined ? {} : { jkt: dpopJkt }),
    },
  };
}

export interface IssueContext {
  issuer: string;
}

export interface TokenIssuer {
  issue(grant: TokenGrant, context: IssueContext): Promise<AccessTokenBody>;
}

export function jwtTokenIssuer(key: SigningKey, lifetimeSeconds: number, clock: Clock): TokenIssuer {
  return {
    async issue(grant, { issuer }) {
      const iat = Math.floor(clock.now() / 1000);
      const exp = iat + lifetimeSeconds;
      const accessToken = await signJws(
        key.alg,
        key.privateKey,
        { alg: key.alg, kid: key.kid, typ: 'at+jwt' },
        {
          client_id: grant.clientId,
          ...(grant.scope === undefined ? {} : { scope: grant.scope }),
          ...confirmation(grant),
          iss: issuer,
          sub: grant.clientId,
          aud: issuer,
          iat,
          exp,
          jti: randomUUID(),
        },
      );
      return {
        access_token: accessToken,
        // RFC 9449 §5: a DPoP-bound token is of type DPoP.
        token_type: grant.dpopJkt === undefined ? 'Bearer' : 'DPoP',
        expires_in: exp - iat,
        ...(grant.scope === undefined ? {} : { scope: grant.scope }),
      };
    },
  };
}

/**
 * The jti and expiry of an access token this sandbox's issuer signed, read without verifying (the
 * caller has just issued it); undefined for a token that is no JWT with both (a replaced issuer's).
 */
export function accessTokenIdentity(accessToken: string): { jti: string; expiresAtMs: number } | undefined {
  try {
    const { jti, exp } = decodeJwt(accessToken);
    return typeof jti === 'string' && typeof exp === 'number' ? { jti, expiresAtMs: exp * 1000 } : undefined;
  } catch {
    return undefined;
  }
}
