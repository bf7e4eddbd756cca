/**
 * Discovery (RFC 8414, OpenID Connect Discovery 1.0) and the JWKS: what a real client reads
 * before it asks for a token. Documented in openapi/sandbox.yaml.
 */
import type { components } from '../generated/sandbox.js';
import type { SandboxConfig } from '../oauth/services.js';
import { DEVICE_CODE_GRANT } from '../contract/request.js';
import { CLIENT_CREDENTIALS, clientCredentialsGrant } from '../grants/client-credentials.js';
import type { TokenContract } from '../contract/document.js';
import { acceptsJson } from '../http/accept.js';
import { endpointsFor } from '../oauth/endpoints.js';
import { jsonResponse, notAcceptable } from '../http/responses.js';
import type { RefusalNotes } from '../http/refusal.js';

/** 406 for an Accept without application/json, its code noted. */
function refuseAccept(notes: RefusalNotes, interactionId: string): Response {
  notes.refusal = 'accept.not_acceptable';
  return notAcceptable(interactionId);
}

type Metadata = components['schemas']['Metadata'];
type JwkSet = components['schemas']['JwkSet'];

export function metadataHandler(config: SandboxConfig) {
  const grantTypes = [CLIENT_CREDENTIALS, DEVICE_CODE_GRANT, 'authorization_code', 'refresh_token'];
  // The grants the contract in force lets through (a --contract document may list fewer); the
  // provider's private_key_jwt and tls_client_auth values are its names for client credentials.
  const grantsOf = (contract: TokenContract) => {
    const listed = contract.fields.find((f) => f.name === 'grant_type')?.enum ?? [];
    return grantTypes.filter((g) => listed.includes(g) || (g === CLIENT_CREDENTIALS && clientCredentialsGrant.grantTypes.some((t) => listed.includes(t))));
  };
  const scopes = [...new Set(config.clients.clients.flatMap((c) => [...(c.scopes ?? [])]))];
  return (request: Request, interactionId: string, notes: RefusalNotes): Response => {
    if (!acceptsJson(request.headers.get('accept'))) return refuseAccept(notes, interactionId);
    const endpoints = endpointsFor(request.url, config);
    const metadata: Metadata = {
      issuer: endpoints.issuer,
      token_endpoint: endpoints.tokenEndpoint,
      jwks_uri: endpoints.jwksUri,
      device_authorization_endpoint: endpoints.deviceAuthorizationEndpoint,
      pushed_authorization_request_endpoint: endpoints.parEndpoint,
      // The authorization endpoint takes pushed requests only (RFC 9126 §5).
      require_pushed_authorization_requests: true,
      authorization_endpoint: endpoints.authorizationEndpoint,
      authorization_response_iss_parameter_supported: true,
      code_challenge_methods_supported: ['S256'],
      introspection_endpoint: endpoints.introspectionEndpoint,
      introspection_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
      revocation_endpoint: endpoints.revocationEndpoint,
      revocation_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
      grant_types_supported: grantsOf(config.contract.current),
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
      // The profile's algorithms (oauth/profiles.ts): open-finance-brasil lists PS256 only, fapi2 adds EdDSA.
      token_endpoint_auth_signing_alg_values_supported: [...config.profile.assertion.algs],
      response_types_supported: ['code'],
      ...(scopes.length ? { scopes_supported: scopes } : {}),
      tls_client_certificate_bound_access_tokens: true,
      dpop_signing_alg_values_supported: [...config.profile.dpopAlgs],
      ...(endpoints.mtlsTokenEndpoint
        ? {
            mtls_endpoint_aliases: {
              token_endpoint: endpoints.mtlsTokenEndpoint,
              device_authorization_endpoint: endpoints.mtlsDeviceAuthorizationEndpoint,
              pushed_authorization_request_endpoint: endpoints.mtlsParEndpoint,
              introspection_endpoint: endpoints.mtlsIntrospectionEndpoint,
              revocation_endpoint: endpoints.mtlsRevocationEndpoint,
            },
          }
        : {}),
    };
    return jsonResponse(200, metadata, interactionId);
  };
}

export function jwksHandler(config: SandboxConfig) {
  const jwks: JwkSet = { keys: [config.tokenSigningJwk as JwkSet['keys'][number]] };
  return (request: Request, interactionId: string, notes: RefusalNotes): Response => {
    if (!acceptsJson(request.headers.get('accept'))) return refuseAccept(notes, interactionId);
    return jsonResponse(200, jwks, interactionId);
  };
}
