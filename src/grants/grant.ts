/**
 * One handler per grant type, behind one interface. A handler is given the client the
 * client-request pipeline (oauth/client-request.ts) authenticated and found registered for
 * registeredGrant: it applies only the grant's own rules.
 */
import type { AuthenticatedClient } from '../clients/authenticate.js';
import type { GrantType, TokenInput } from '../contract/request.js';
import type { Refusal } from '../http/refusal.js';
import type { TokenGrant } from '../tokens/access-token.js';

export type GrantOutcome = { ok: true; grant: TokenGrant } | { ok: false; refusal: Refusal };

export interface GrantHandler {
  /** The grant_type values this handler answers. */
  readonly grantTypes: readonly GrantType[];
  /** The grant a client must be registered for to use this handler. */
  readonly registeredGrant: GrantType;
  handle(input: TokenInput, client: AuthenticatedClient): Promise<GrantOutcome>;
}
