/** One handler per grant type, behind one interface. */
import type { Authentication, ClientAuthenticator, RequestCredentials } from '../clients/authenticate.js';
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

/**
 * Authenticates the client, then checks that its registration lists the grant type (RFC 6749
 * §5.2 unauthorized_client otherwise): what every grant, and the device authorization request,
 * asks first.
 */
export async function authenticateFor(grantType: GrantType, input: TokenInput, { authenticator, credentials }: GrantContext): Promise<Authentication> {
  const auth = await authenticator.authenticate(input, credentials);
  if (!auth.ok || auth.client.registration.grantTypes.has(grantType)) return auth;
  const description = `client "${auth.client.clientId}" is not registered for the ${grantType} grant`;
  return { ok: false, violation: { error: 'unauthorized_client', description } };
}
