/** Client authentication: who is asking, established from the request's credentials. */
import type { RuleViolation, TokenInput } from '../contract/request.js';

export interface AuthenticatedClient {
  clientId: string;
}

export type Authentication = { ok: true; client: AuthenticatedClient } | { ok: false; violation: RuleViolation };

export interface ClientAuthenticator {
  authenticate(input: TokenInput): Promise<Authentication>;
}

/**
 * Takes the client at its word: the client is whoever `client_id` names. The default until
 * client registration and signature verification are configured.
 */
export const declaredClientAuthenticator: ClientAuthenticator = {
  async authenticate(input) {
    if (input.clientId === undefined) {
      return {
        ok: false,
        violation: {
          error: 'invalid_client',
          description: 'no client authentication: send client_id with a client assertion, or use mutual TLS',
        },
      };
    }
    return { ok: true, client: { clientId: input.clientId } };
  },
};
