/** One handler per grant type, behind one interface. */
import type { GrantType, RuleViolation, TokenInput } from '../contract/request.js';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import type { TokenGrant } from '../tokens/issuer.js';

export type GrantOutcome = { ok: true; grant: TokenGrant } | { ok: false; violation: RuleViolation };

export interface GrantContext {
  authenticator: ClientAuthenticator;
}

export interface GrantHandler {
  /** The grant_type values this handler answers. */
  readonly grantTypes: readonly GrantType[];
  handle(input: TokenInput, ctx: GrantContext): Promise<GrantOutcome>;
}
