/**
 * Token introspection (RFC 7662) at POST /introspect and token revocation (RFC 7009) at POST
 * /revoke, as endpoints of the client-request pipeline (oauth/client-request.ts): any registered
 * client authenticates as at the token endpoint, and the form's `token` is looked up among the
 * tokens this sandbox issued (tokens/introspection.ts).
 */
import type { SandboxConfig } from '../oauth/services.js';
import type { components } from '../generated/sandbox.js';
import { withoutGrantFields } from '../contract/request.js';
import { invalidRequest, unauthorizedClient } from '../http/refusal.js';
import { jsonResponse } from '../http/responses.js';
import { clientRequestHandler, type ClientEndpoint } from '../oauth/client-request.js';
import { tokenInspector, type KnownToken } from '../tokens/introspection.js';

type Introspection = components['schemas']['Introspection'];

/** An endpoint's URL, and its mutual-TLS alias when that listener runs: where an assertion may be addressed. */
const alsoAt = (url: string, mtls: string | undefined) => (mtls ? [url, mtls] : [url]);

/** RFC 7662 §2.2: the members of an active token. */
function introspection(known: KnownToken, issuer: string): Introspection {
  if (known.kind === 'refresh_token') {
    const { grant } = known;
    const cnf = Object.keys(grant.confirmation).length ? { cnf: grant.confirmation } : {};
    return {
      active: true, client_id: grant.clientId, ...(grant.scope === undefined ? {} : { scope: grant.scope }), token_type: 'refresh_token',
      sub: grant.clientId, iss: issuer, iat: Math.floor(grant.issuedAtMs / 1000), ...cnf,
    };
  }
  return {
    // RFC 9449 §6.2: a DPoP-bound access token is of type DPoP.
    active: true, client_id: known.clientId, ...(known.scope === undefined ? {} : { scope: known.scope }), token_type: known.confirmation?.jkt === undefined ? 'Bearer' : 'DPoP',
    sub: known.sub, iss: issuer, iat: known.iat, exp: known.exp, ...(known.confirmation ? { cnf: known.confirmation } : {}),
  };
}

function managementEndpoints(config: SandboxConfig) {
  const inspector = tokenInspector(config.tokenSigningJwk, config.state, config.clock);
  const { revocations } = config.state;

  const introspect: ClientEndpoint = {
    scenarios: 'response',
    responses: config.ownScenarios['/introspect'],
    ruledFields: withoutGrantFields,
    audiences: (e) => alsoAt(e.introspectionEndpoint, e.mtlsIntrospectionEndpoint),
    async handle({ input, endpoints, interactionId, refuse }) {
      const token = input.fields.token;
      if (!token) return refuse(invalidRequest('introspect.token.missing', 'token is required (RFC 7662 §2.1)'));
      const known = await inspector.inspect(token, endpoints.issuer);
      const body: Introspection = known ? introspection(known, endpoints.issuer) : { active: false };
      return jsonResponse(200, body, interactionId, { 'cache-control': 'no-store' });
    },
  };

  const revoke: ClientEndpoint = {
    scenarios: 'response',
    responses: config.ownScenarios['/revoke'],
    ruledFields: withoutGrantFields,
    audiences: (e) => alsoAt(e.revocationEndpoint, e.mtlsRevocationEndpoint),
    async handle({ input, client, endpoints, interactionId, refuse }) {
      const token = input.fields.token;
      if (!token) return refuse(invalidRequest('revoke.token.missing', 'token is required (RFC 7009 §2.1)'));
      const known = await inspector.inspect(token, endpoints.issuer);
      // RFC 7009 §2.2: a token the server does not know (or no longer honours) is answered as revoked.
      if (!known) return jsonResponse(200, undefined, interactionId);
      const owner = known.kind === 'refresh_token' ? known.grant.clientId : known.clientId;
      if (owner !== client.clientId) return refuse(unauthorizedClient('revoke.other_client', 'the token was issued to another client (RFC 7009 §2.1)'));
      // A refresh token goes with its grant, and so with every access token issued from it (RFC 7009 §2.1).
      if (known.kind === 'refresh_token') await revocations.revokeGrant(known.grant.grantId);
      else await revocations.revokeToken(known.jti, known.exp * 1000, config.clock.now());
      return jsonResponse(200, undefined, interactionId);
    },
  };
  return { introspect, revoke };
}

export function tokenManagementHandlers(config: SandboxConfig) {
  const { introspect, revoke } = managementEndpoints(config);
  return { introspect: clientRequestHandler(config, introspect), revoke: clientRequestHandler(config, revoke) };
}
