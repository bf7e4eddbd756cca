/**
 * One handler per grant type, behind one interface. A handler is given the client the
 * client-request pipeline (oauth/client-request.ts) authenticated and found registered for
 * registeredGrant, and what the request's tokens are to be bound to: it applies only the grant's
 * own rules.
 */
import type { AuthenticatedClient } from '../clients/authenticate.js';
import type { GrantType, TokenInput } from '../contract/request.js';
import type { Refusal } from '../http/refusal.js';
import type { Confirmation } from '../state/refresh-tokens.js';
import type { TokenGrant } from '../tokens/access-token.js';

/** The grant an authorization code started, which the issued tokens belong to. */
export interface Lineage {
  grantId: string;
  /** A refresh token to answer with, when one was issued. */
  refreshToken?: string;
}

export type GrantOutcome = { ok: true; grant: TokenGrant; lineage?: Lineage } | { ok: false; refusal: Refusal };

export interface GrantHandler {
  /** The grant_type values this handler answers. */
  readonly grantTypes: readonly GrantType[];
  /** The grant a client must be registered for to use this handler. */
  readonly registeredGrant: GrantType;
  /** `confirmation`: the key the request proved possession of (RFC 8705 certificate, RFC 9449 DPoP key). */
  handle(input: TokenInput, client: AuthenticatedClient, confirmation: Confirmation): Promise<GrantOutcome>;
}
