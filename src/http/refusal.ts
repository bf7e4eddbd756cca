/**
 * Refusals: every check that refuses a request names itself with a stable code (dotted, lower
 * case) beside the RFC 6749 error and the human description, so that tests, the journal and the
 * log line can tell which check refused without reading prose. The response body is unchanged
 * (error + error_description, the provider's contract); the code goes to the request's notes.
 *
 * It lives in http/, the lowest layer that refuses (allowed-hosts, the form reader), so that
 * every layer above (contract/, clients/, grants/, oauth/, routes/) can build refusals. It is
 * data only and imports no domain folder.
 */
import { tokenError, type AnswerStyle, type TokenErrorCode } from './responses.js';

/** Every fixed code and the check it names. README "Refusal codes" lists them (a test keeps it so). */
export const REFUSAL_CODES = {
  'host.not_allowed': 'the Host is not a loopback name nor one allowed with --allowed-hosts (or there is no Host header)',
  'cors.origin': 'a browser Origin that --cors does not allow',
  'route.not_found': 'no endpoint at this method and path',
  'control.unauthorized': 'a control API call without the admin bearer token, or with another one',
  'report.query': 'GET /__sandbox/report with a format other than json and junit, or a since that is not an RFC 3339 date-time',
  'state.unavailable': 'the shared state (Redis, --redis) did not answer within its timeout, or the connection to it is lost (500)',
  'scenario.unknown': 'x-sandbox-scenario or Prefer names no loaded scenario or documented example',
  'scenario.fault_needs_connection': 'a transport fault asked of an in-process app.fetch call, which has no connection',
  rate_limit: "the client_id's requests in the rate-limit window are used up",
  'accept.not_acceptable': 'Accept excludes application/json',
  'body.too_large': 'the request body is larger than --max-body-bytes',
  'body.incomplete': 'the request body was cut off before its end',
  'body.missing': 'the request has no body',
  'body.content_type': 'the body is not application/x-www-form-urlencoded',
  'form.repeated': 'a form parameter sent more than once (RFC 6749 §3.2)',
  'form.grant_type.unsupported': 'grant_type is well formed but not one the contract lists',
  'form.assertion.conflict': 'client_assertion and assertion carry different values',
  'form.client_assertion_type.missing': 'a client assertion without client_assertion_type, or a private_key_jwt grant without it',
  'form.client_assertion.missing': 'client_assertion_type, or a private_key_jwt grant, without an assertion',
  'form.client_id.missing': 'a grant that needs client_id sent without it',
  'form.device_code.missing': 'the device_code grant without device_code',
  'form.code.missing': 'the authorization_code grant without code',
  'form.refresh_token.missing': 'the refresh_token grant without refresh_token',
  'client.no_authentication': 'neither a client assertion nor a client certificate',
  'client.unknown': 'the client_id (or the assertion iss) is not in the clients file',
  'client.auth_method': 'the client authenticated otherwise than its registered token_endpoint_auth_method',
  'client.grant_not_registered': 'the client is not registered for the grant it asks',
  'client.dpop_required': 'a client registered with dpop_bound_access_tokens sent no DPoP proof to POST /token (nor a proof or dpop_jkt to POST /par) (RFC 9449 §5.2)',
  'client.key.weak': "the client's RSA key is shorter than FAPI allows",
  'client.key.no_match': "no registered key of the client matches the assertion's kid and alg",
  'client.key.ambiguous': 'several registered keys match the assertion and it has no kid',
  'client.key.unusable': "the client's matching key cannot verify the assertion's alg",
  'client.jwks.timeout': "the client's jwks_uri did not answer in time",
  'client.jwks.unreadable': "the client's jwks_uri cannot be fetched or holds no JWK Set",
  'mtls.malformed': 'the Client-Cert header is not a byte sequence holding a DER certificate (RFC 9440)',
  'mtls.assertion_sent': 'grant_type tls_client_auth with a client assertion instead of a certificate',
  'mtls.no_certificate': 'grant_type tls_client_auth without a client certificate',
  'mtls.client_id': 'mutual-TLS client authentication without client_id (RFC 8705 §2)',
  'mtls.untrusted': 'the client certificate does not chain to a client CA, or is out of its validity',
  'mtls.subject_unreadable': 'the client certificate subject cannot be read as a distinguished name',
  'mtls.subject_dn': 'the certificate subject is not the registered tls_client_auth_subject_dn',
  'mtls.san_dns': 'no dNSName subjectAltName is the registered tls_client_auth_san_dns',
  'mtls.san_ip': 'no iPAddress subjectAltName is the registered tls_client_auth_san_ip',
  'mtls.san_uri': 'no URI subjectAltName is the registered tls_client_auth_san_uri',
  'mtls.san_email': 'no rfc822Name subjectAltName is the registered tls_client_auth_san_email',
  'assertion.format': 'the client assertion is not a JWS in compact serialization',
  'assertion.header': "the assertion's header is not base64url JSON",
  'assertion.alg': "the assertion alg is not one the profile allows (fapi1-advanced: PS256, ES256; fapi2: also EdDSA)",
  'assertion.alg.profile': 'an alg FAPI 1 allows that the profile does not (ES256 under open-finance-brasil)',
  'assertion.alg.registered': "the assertion alg is not the client's token_endpoint_auth_signing_alg",
  'assertion.crit': 'the assertion carries crit (no JWS extension is understood)',
  'assertion.b64': 'the assertion carries b64 (RFC 7797)',
  'assertion.encoding': 'the payload or signature is not base64url without padding',
  'assertion.signature': "the signature does not verify with the client's key",
  'assertion.payload.json': 'the payload is not JSON',
  'assertion.payload.object': 'the payload is not a JSON object',
  'assertion.iss': 'iss is not the client_id',
  'assertion.sub': 'sub is not the client_id',
  'assertion.aud.missing': 'no aud, or one that is not a string or array of strings',
  'assertion.aud': 'no aud value is the issuer or an endpoint URL (fapi2: aud is not the issuer)',
  'assertion.aud.array': 'fapi2: aud is an array; FAPI 2.0 requires the issuer as a string',
  'assertion.aud.endpoint': 'fapi2: aud is an endpoint URL (the token endpoint, either listener); FAPI 2.0 requires the issuer',
  'assertion.exp.missing': 'no exp NumericDate',
  'assertion.exp.expired': 'exp is past (beyond the clock skew)',
  'assertion.exp.too_far': 'exp is further ahead than the maximum assertion lifetime',
  'assertion.iat.type': 'iat is not a NumericDate',
  'assertion.iat.future': 'iat is ahead of now (beyond the clock skew)',
  'assertion.nbf.type': 'nbf is not a NumericDate',
  'assertion.nbf.future': 'nbf is ahead of now (beyond the clock skew)',
  'assertion.jti.missing': 'no jti',
  'assertion.jti.replayed': 'the jti was used before by the same client',
  'dpop.multiple': 'more than one DPoP header (RFC 9449 §4.3)',
  'dpop.format': 'the DPoP proof is not a JWS in compact serialization with a base64url JSON header',
  'dpop.typ': 'the DPoP proof typ is not dpop+jwt',
  'dpop.alg': 'the DPoP proof alg is not an asymmetric one the profile allows (none, HS256, RS256 refused)',
  'dpop.jwk': 'the DPoP proof header has no jwk, one with private members, or one that cannot verify its alg',
  'dpop.signature': 'the DPoP proof signature does not verify with the key of its jwk header',
  'dpop.payload': 'the DPoP proof payload is not a JSON object',
  'dpop.htm': 'the DPoP proof htm is not the request method',
  'dpop.htu': 'the DPoP proof htu is not the endpoint URL (query and fragment ignored, either listener)',
  'dpop.iat': 'the DPoP proof iat is missing, ahead of now beyond the clock skew, or older than the proof lifetime',
  'dpop.ath': 'the DPoP proof ath is not the hash of the access token it is sent with',
  'dpop.jti.missing': 'the DPoP proof has no jti',
  'dpop.jti.replayed': 'the DPoP proof jti was used before',
  'dpop.nonce.missing': 'with --dpop-nonce: the DPoP proof carries no nonce (400 use_dpop_nonce with a DPoP-Nonce header)',
  'dpop.nonce.invalid': 'with --dpop-nonce: the DPoP proof nonce is not a current one (400 use_dpop_nonce with a DPoP-Nonce header)',
  'profile.sender_constraint.missing': 'fapi2: neither mutual TLS with a trusted client certificate nor a DPoP proof, so the token could not be sender-constrained',
  'profile.certificate.unbound': 'open-finance-brasil: a client certificate that is not trusted, so the token could not be bound to it',
  'scope.not_registered': 'a requested scope the client is not registered for',
  'device_code.unknown': 'the device_code was never issued (or reset)',
  'device_code.other_client': 'the device_code was issued to another client',
  'device_code.redeemed': 'the device_code was already exchanged for a token',
  'device_code.expired': 'the device_code is past its lifetime',
  'device_code.slow_down': 'the device polled faster than its interval',
  'device_code.denied': 'the user denied the device authorization',
  'device_code.pending': 'the user has not decided yet',
  'par.request_uri': 'a pushed authorization request carrying request_uri (RFC 9126 §2.1)',
  'par.response_type': 'a pushed authorization request without response_type=code',
  'par.redirect_uri.missing': 'a pushed authorization request without redirect_uri',
  'par.redirect_uri.unregistered': "redirect_uri is not exactly one of the client's redirect_uris",
  'par.code_challenge.missing': 'a pushed authorization request without code_challenge (PKCE is required)',
  'par.code_challenge.format': 'code_challenge is not 43 to 128 unreserved characters (RFC 7636 §4.2)',
  'par.code_challenge_method': 'code_challenge_method is missing or not S256',
  'par.dpop_jkt.format': 'dpop_jkt is not a base64url SHA-256 JWK thumbprint (43 characters) (RFC 9449 §10)',
  'par.dpop_jkt.mismatch': "dpop_jkt is not the thumbprint of the key of the request's DPoP proof (RFC 9449 §10.1)",
  'authorize.client_id.missing': 'the authorization endpoint was called without client_id',
  'authorize.client.unknown': 'the client_id at the authorization endpoint is not in the clients file',
  'authorize.request_uri.missing': 'the authorization endpoint was called without request_uri (only pushed requests are taken)',
  'authorize.request_uri.unknown': 'the request_uri was never pushed (or reset)',
  'authorize.request_uri.expired': 'the request_uri is past its lifetime (--par-lifetime)',
  'authorize.request_uri.used': 'the request_uri was already used at the authorization endpoint',
  'authorize.request_uri.other_client': 'the request_uri was pushed by another client than client_id',
  'consent.unknown': 'the consent form names no consent this server showed',
  'consent.expired': 'the consent form was sent after the consent expired',
  'consent.used': 'the consent was already decided',
  'consent.csrf': "the consent form's CSRF token is not the consent's, or the browser's cookie does not carry it",
  'consent.decision': 'the consent form carries no decision, or one other than approve and deny',
  'introspect.token.missing': 'an introspection request without token',
  'revoke.token.missing': 'a revocation request without token',
  'revoke.other_client': 'a revocation of a token issued to another client (RFC 7009 §2.1)',
  'code.unknown': 'the authorization code was never issued (or reset)',
  'code.expired': 'the authorization code is past its lifetime (60 s)',
  'code.reused': 'the authorization code was used before; the tokens issued with it are revoked',
  'code.other_client': 'the authorization code was issued to another client',
  'code.redirect_uri': 'redirect_uri is missing or not the one of the pushed request',
  'code.verifier_missing': 'the authorization_code grant without code_verifier',
  'code.verifier': "code_verifier's S256 hash is not the code_challenge",
  'code.dpop_jkt_mismatch': 'the code is bound to a DPoP key (dpop_jkt or a proof at POST /par) and the token request has no proof of that key (RFC 9449 §10)',
  'refresh_token.unknown': 'the refresh token was never issued (or reset, or rotated away)',
  'refresh_token.revoked': "the refresh token's grant was revoked",
  'refresh_token.other_client': 'the refresh token was issued to another client',
  'refresh_token.binding': 'the request does not prove the certificate the refresh token is bound to',
  'refresh_token.dpop_mismatch': 'the refresh token is DPoP-bound and the request has no proof of that key (none, or one of another key)',
  'refresh_token.scope': 'a refresh asking for a scope the refresh token was not granted',
  'user_code.missing': 'the verification page was sent no user code',
  'user_code.format': 'the typed user code is not 8 letters of the user-code alphabet',
  'user_code.unknown': 'no device authorization has the user code',
  'user_code.expired': "the user code's device authorization is past its lifetime",
  'user_code.used': "the user code's device authorization was already decided",
  'user_code.decision': 'the verification form carries no decision, or one other than approve and deny',
} as const satisfies Record<string, string>;

/**
 * The contract's own rules (openapi/token.yaml's request schema), one code per field
 * or header and rule: `form.<field>.<rule>`, `header.<name>.<rule>` (e.g. form.scope.pattern,
 * header.x-fapi-auth-date.pattern). The rule is the JSON Schema keyword's family.
 */
export const CONTRACT_RULES = {
  type: 'the value is not of the schema type',
  enum: 'the value is not one the enum lists',
  length: 'the value is shorter than minLength or longer than maxLength',
  pattern: 'the value does not match the pattern',
  format: 'the value is not of the format (ipv4, ipv6, uri)',
  range: 'the number is below minimum or above maximum',
  count: 'fewer items or properties than minItems or minProperties',
  required: 'a required property is missing',
  property: 'a property the schema does not know',
  any_of: 'none of the anyOf alternatives holds, and they broke different rules',
} as const satisfies Record<string, string>;

export type ContractRule = keyof typeof CONTRACT_RULES;
export type RefusalCode = keyof typeof REFUSAL_CODES | `${'form' | 'header'}.${string}.${ContractRule}`;

/** A refusal answered as an RFC 6749 §5.2 token error. */
export interface Refusal {
  error: TokenErrorCode;
  code: RefusalCode;
  description: string;
  /** Response headers the error comes with (the DPoP-Nonce of use_dpop_nonce). */
  headers?: Readonly<Record<string, string>>;
}

const refusalOf =
  (error: TokenErrorCode) =>
  (code: RefusalCode, description: string): Refusal => ({ error, code, description });

/** One constructor per RFC 6749 / RFC 8628 error the sandbox answers. */
export const invalidRequest = refusalOf('invalid_request');
export const invalidClient = refusalOf('invalid_client');
export const invalidGrant = refusalOf('invalid_grant');
export const unauthorizedClient = refusalOf('unauthorized_client');
export const unsupportedGrantType = refusalOf('unsupported_grant_type');
export const invalidScope = refusalOf('invalid_scope');
export const authorizationPending = refusalOf('authorization_pending');
export const slowDown = refusalOf('slow_down');
export const accessDenied = refusalOf('access_denied');
export const expiredToken = refusalOf('expired_token');
export const invalidDpopProof = refusalOf('invalid_dpop_proof');
export const useDpopNonce = refusalOf('use_dpop_nonce');

/** Where the code of the refusal that answered a request is noted (http/exchange.ts RequestNotes). */
export interface RefusalNotes {
  /** The code of the check that refused the request; the journal and the log line carry it. */
  refusal?: RefusalCode;
  /** The OAuth error the refusal answered with (the report tells a refusal's handling by it). */
  error?: TokenErrorCode;
}

/** The 400 a refusal answers, in the endpoint's style, its code noted for the journal and the log line. */
export function refusalResponse(refusal: Refusal, notes: RefusalNotes, interactionId: string, style: AnswerStyle): Response {
  notes.refusal = refusal.code;
  notes.error = refusal.error;
  return tokenError(refusal.error, refusal.description, interactionId, style, refusal.headers);
}
