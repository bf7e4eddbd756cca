/**
 * POST /token, as an endpoint of the client-request pipeline (oauth/client-request.ts), which
 * runs the checks in their fixed order: it takes response scenarios, and its grant_type decides
 * both the grant the client must be registered for and the handler that answers.
 */
import type { SandboxConfig } from '../oauth/services.js';
import type { TokenInput } from '../contract/request.js';
import { grantHandlers } from '../grants/index.js';
import { tokenResponse } from '../http/responses.js';
import { clientRequestHandler, type ClientEndpoint } from '../oauth/client-request.js';

export function tokenEndpoint(config: SandboxConfig): ClientEndpoint {
  const grants = grantHandlers(config.state.devices, config.clock);
  // The contract's grant_type enum and the handlers match one to one.
  const grantOf = (input: TokenInput) => grants.get(input.grantType)!;
  return {
    scenarios: 'response',
    style: (contract) => contract,
    issuesTokens: true,
    dpopUrls: (endpoints) => [endpoints.tokenEndpoint, ...(endpoints.mtlsTokenEndpoint ? [endpoints.mtlsTokenEndpoint] : [])],
    registeredGrant: (input) => grantOf(input).registeredGrant,
    async handle({ input, client, endpoints, interactionId, exchange, style, refuse }) {
      const outcome = await grantOf(input).handle(input, client);
      if (!outcome.ok) return refuse(outcome.refusal);
      const token = await config.issuer.issue(outcome.grant, endpoints);
      exchange.notes.token = { scope: token.scope ?? null, expiresIn: token.expires_in };
      return tokenResponse(token, interactionId, style);
    },
  };
}

export const tokenHandler = (config: SandboxConfig) => clientRequestHandler(config, tokenEndpoint(config));
