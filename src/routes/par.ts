/**
 * The pushed authorization request endpoint (RFC 9126) at /par, as an endpoint of the
 * client-request pipeline (oauth/client-request.ts): the client authenticates as at the token
 * endpoint and must be registered for the authorization_code grant. The request's own rules
 * follow (FAPI 2: PKCE with S256, an exactly registered redirect_uri, the registered scopes), and
 * the DPoP key the code is to be bound to: dpop_jkt, or the key of a DPoP proof sent here, which
 * must be the same when both are (RFC 9449 §10.1). The answer is a single-use request_uri for
 * the authorization endpoint. An authorization scenario (x-sandbox-scenario or a match rule) is
 * stored with the request: it decides the authorization endpoint's answer.
 */
import type { SandboxConfig } from '../oauth/services.js';
import type { components } from '../generated/sandbox.js';
import { isPkceValue } from '../grants/pkce.js';
import { grantedScope } from '../grants/scope.js';
import { withoutGrantFields } from '../contract/request.js';
import { invalidRequest, type Refusal } from '../http/refusal.js';
import { jsonResponse } from '../http/responses.js';
import { clientRequestHandler, type ClientEndpoint } from '../oauth/client-request.js';
import type { RegisteredClient } from '../clients/registry.js';
import type { PushedRequest } from '../state/index.js';
import { isAuthorizationScenario } from '../scenarios/model.js';

type PushedAuthorizationResponse = components['schemas']['PushedAuthorizationResponse'];

/** RFC 7638 SHA-256 thumbprint, base64url without padding. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

/** The DPoP key the code is bound to (undefined for none), or why the request cannot say which. */
function dpopKey(dpopJkt: string | undefined, proofJkt: string | undefined, client: RegisteredClient): { jkt?: string } | Refusal {
  if (dpopJkt !== undefined && !JKT.test(dpopJkt)) return invalidRequest('par.dpop_jkt.format', 'dpop_jkt must be the base64url SHA-256 JWK thumbprint of the DPoP key (RFC 9449 §10)');
  if (dpopJkt !== undefined && proofJkt !== undefined && dpopJkt !== proofJkt) {
    return invalidRequest('par.dpop_jkt.mismatch', 'dpop_jkt is not the thumbprint of the key of the DPoP proof sent with the request (RFC 9449 §10.1)');
  }
  const jkt = dpopJkt ?? proofJkt;
  if (jkt === undefined && client.dpopBoundAccessTokens) {
    return invalidRequest('client.dpop_required', `client "${client.clientId}" is registered with dpop_bound_access_tokens: send a DPoP proof or dpop_jkt (RFC 9449 §10.1)`);
  }
  return { jkt };
}

/** The pushed request but its scope, once its parameters hold, or the first one that does not. */
function pushedRequest(fields: Readonly<Record<string, string>>, client: RegisteredClient, proofJkt: string | undefined): Omit<PushedRequest, 'scope'> | Refusal {
  const { request_uri: requestUri, response_type: responseType, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: method } = fields;
  if (requestUri !== undefined) return invalidRequest('par.request_uri', 'request_uri must not be sent to the pushed authorization request endpoint (RFC 9126 §2.1)');
  if (responseType !== 'code') return invalidRequest('par.response_type', 'response_type must be code');
  if (redirectUri === undefined) return invalidRequest('par.redirect_uri.missing', 'redirect_uri is required');
  if (!client.redirectUris.includes(redirectUri)) {
    return invalidRequest('par.redirect_uri.unregistered', `redirect_uri is not one registered for client "${client.clientId}" (compared exactly)`);
  }
  if (challenge === undefined) return invalidRequest('par.code_challenge.missing', 'code_challenge is required (PKCE, RFC 7636)');
  if (!isPkceValue(challenge)) return invalidRequest('par.code_challenge.format', 'code_challenge must be 43 to 128 unreserved characters (RFC 7636 §4.2)');
  if (method !== 'S256') return invalidRequest('par.code_challenge_method', 'code_challenge_method must be S256');
  const key = dpopKey(fields.dpop_jkt, proofJkt, client);
  if ('error' in key) return key;
  return { clientId: client.clientId, redirectUri, state: fields.state, codeChallenge: challenge, ...(key.jkt === undefined ? {} : { dpopJkt: key.jkt }) };
}

export function parEndpoint(config: SandboxConfig): ClientEndpoint {
  const { state: { pushedRequests }, clock } = config;
  const lifetime = config.flow.parLifetimeSeconds;
  return {
    scenarios: 'authorization',
    responses: config.ownScenarios['/par'],
    // The token request's field rules apply to what the two share: client_id, scope, the assertion, redirect_uri.
    ruledFields: withoutGrantFields,
    registeredGrant: () => 'authorization_code',
    // RFC 9126 §2: the assertion's aud may be the issuer or this endpoint.
    audiences: (e) => [e.parEndpoint, ...(e.mtlsParEndpoint ? [e.mtlsParEndpoint] : [])],
    // RFC 9449 §10.1: a DPoP proof here binds the code to its key.
    dpopUrls: (e) => [e.parEndpoint, ...(e.mtlsParEndpoint ? [e.mtlsParEndpoint] : [])],
    async handle({ input, client, confirmation, scenario, interactionId, refuse }) {
      const request = pushedRequest(input.fields, client.registration, confirmation.jkt);
      if ('error' in request) return refuse(request);
      const scope = grantedScope(client.registration, input.scope);
      if ('error' in scope) return refuse(scope);
      const preset = scenario && isAuthorizationScenario(scenario) ? { preset: { scenario: scenario.name, answer: scenario.authorization } } : {};
      const { requestUri } = await pushedRequests.push({ ...request, scope: scope.scope, ...preset }, lifetime, clock.now());
      const body: PushedAuthorizationResponse = { request_uri: requestUri, expires_in: lifetime };
      return jsonResponse(201, body, interactionId, { 'cache-control': 'no-store' });
    },
  };
}

export const parHandler = (config: SandboxConfig) => clientRequestHandler(config, parEndpoint(config));
