/** One handler per grant type, behind one interface. */
import type { ClientAuthenticator, RequestCredentials } from '../clients/authenticate.js';
import type { GrantType, RuleViolation, TokenInput } from '../contract/request.js';
import type { TokenGrant } from '../tokens/access-token.js';

export type GrantOutcome = { ok: true; grant: TokenGrant } | { ok: false; violation: RuleViolation };

export interface GrantContext {
  authenticator: ClientAuthenticator;
  credentials: RequestCredentials;
}

export interface GrantHandler {
  /** The grant_type values this handler answers. */
  readonly grantTypes: readonly GrantType[];
  handle(input: TokenInput, ctx: GrantContext): Promise<GrantOutcome>;
}

/** RFC 6749 §5.2 unauthorized_client: the client's registration does not list the grant type. */
export function grantNotRegistered(clientId: string, grantTypes: ReadonlySet<string>, grantType: string): GrantOutcome | undefined {
  if (grantTypes.has(grantType)) return undefined;
  return { ok: false, violation: { error: 'unauthorized_client', description: `client "${clientId}" is not registered for the ${grantType} grant` } };
}
