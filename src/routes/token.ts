/**
 * POST /token, as an endpoint of the client-request pipeline (oauth/client-request.ts), which
 * runs the checks in their fixed order: it takes response scenarios, and its grant_type decides
 * both the grant the client must be registered for and the handler that answers. The tokens of
 * an authorization code's grant are linked to it, and a refresh token joins the answer.
 */
import type { SandboxConfig } from '../oauth/services.js';
import type { TokenInput } from '../contract/request.js';
import { grantHandlers } from '../grants/index.js';
import { tokenResponse } from '../http/responses.js';
import { clientRequestHandler, type ClientEndpoint } from '../oauth/client-request.js';
import { accessTokenIdentity } from '../tokens/access-token.js';

export function tokenEndpoint(config: SandboxConfig): ClientEndpoint {
  const { state, clock, issuer } = config;
  const grants = grantHandlers(state, clock, config.flow);
  // The contract's grant_type enum and the handlers match one to one.
  const grantOf = (input: TokenInput) => grants.get(input.grantType)!;
  return {
    scenarios: 'response',
    style: (contract) => contract,
    issuesTokens: true,
    dpopUrls: (endpoints) => [endpoints.tokenEndpoint, ...(endpoints.mtlsTokenEndpoint ? [endpoints.mtlsTokenEndpoint] : [])],
    registeredGrant: (input) => grantOf(input).registeredGrant,
    async handle({ input, client, confirmation, endpoints, interactionId, exchange, style, refuse }) {
      const outcome = await grantOf(input).handle(input, client, confirmation);
      if (!outcome.ok) return refuse(outcome.refusal);
      const body = await issuer.issue(outcome.grant, endpoints);
      const { lineage } = outcome;
      exchange.notes.token = { scope: body.scope ?? null, expiresIn: body.expires_in, refreshToken: lineage?.refreshToken !== undefined };
      if (!lineage) return tokenResponse(body, interactionId, style);
      // The access token joins its grant, so that revoking the grant (a reused code, a revoked refresh token) revokes it too.
      const issued = accessTokenIdentity(body.access_token);
      if (issued) await state.revocations.link(issued.jti, lineage.grantId, issued.expiresAtMs, clock.now());
      return tokenResponse(lineage.refreshToken === undefined ? body : { ...body, refresh_token: lineage.refreshToken }, interactionId, style);
    },
  };
}

export const tokenHandler = (config: SandboxConfig) => clientRequestHandler(config, tokenEndpoint(config));
