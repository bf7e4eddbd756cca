/**
 * The token request's rules, as the contract states them: header formats, field lengths,
 * patterns and enums, and which grant needs which field. Turns raw headers and form fields into
 * a validated TokenInput, or names the first rule broken.
 */
import type { components } from '../generated/token.js';
import { invalidRequest, unsupportedGrantType, type Refusal } from '../http/refusal.js';
import type { FieldRule, TokenContract } from './document.js';

/**
 * A rule's failure as an error_description can carry it: a pattern is named, not quoted (a regular
 * expression is mostly characters RFC 6749 §5.2 leaves out, and means little to a reader).
 */
function readable(problem: { rule: string; message: string }, rule: FieldRule): string {
  if (problem.rule !== 'pattern') return problem.message;
  // The document's own example shows the expected form (e.g. x-fapi-auth-date's IMF-fixdate) where quoting the pattern cannot.
  return rule.example === undefined
    ? 'has a character or a form that the contract does not allow for it'
    : `does not have the form the contract gives it, for example ${rule.example}`;
}

export type TokenRequest = components['schemas']['TokenRequest'];
export type GrantType = TokenRequest['grant_type'];

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface TokenInput {
  grantType: GrantType;
  clientId?: string;
  /** The client assertion, from `client_assertion` or the provider's older `assertion`. */
  clientAssertion?: string;
  scope?: string;
  deviceCode?: string;
  /** authorization_code: the code, the redirect_uri it was requested for, the PKCE verifier. */
  code?: string;
  redirectUri?: string;
  codeVerifier?: string;
  refreshToken?: string;
  /** Every form field as sent, for grants and scenario rules that need more. */
  fields: Readonly<Record<string, string>>;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

const refused = (refusal: Refusal): { ok: false; refusal: Refusal } => ({ ok: false, refusal });

/** Checks the request headers the contract documents. */
export function checkHeaders(contract: TokenContract, headers: Headers): Refusal | undefined {
  for (const rule of contract.headers) {
    const value = headers.get(rule.name);
    if (value === null) continue;
    const problem = rule.check(value);
    if (problem) return invalidRequest(`header.${rule.name}.${problem.rule}`, `header ${rule.name} ${readable(problem, rule)}`);
  }
  return undefined;
}

/** The token request's grant fields, which have no place in the other requests a client authenticates. */
const GRANT_FIELDS = new Set(['grant_type', 'device_code', 'code', 'code_verifier', 'refresh_token']);

/** A form without the token request's grant fields, for the token contract's rules to apply to the rest (client_id, scope, the assertion). */
export const withoutGrantFields = (fields: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !GRANT_FIELDS.has(name)));

/** Fields each grant cannot do without, beyond what the contract checks per field. */
function missingForGrant(input: TokenInput): Refusal | undefined {
  const noClientId = invalidRequest('form.client_id.missing', `client_id is required with grant_type ${input.grantType}`);
  switch (input.grantType) {
    case 'private_key_jwt':
      if (input.clientId === undefined) return noClientId;
      if (input.fields.client_assertion_type === undefined) {
        return invalidRequest('form.client_assertion_type.missing', 'client_assertion_type is required with grant_type private_key_jwt');
      }
      if (input.clientAssertion === undefined) {
        return invalidRequest('form.client_assertion.missing', 'client_assertion (or assertion) is required with grant_type private_key_jwt');
      }
      return undefined;
    case 'tls_client_auth':
      return input.clientId === undefined ? noClientId : undefined;
    case DEVICE_CODE_GRANT:
      if (input.deviceCode === undefined) return invalidRequest('form.device_code.missing', `device_code is required with grant_type ${DEVICE_CODE_GRANT}`);
      return input.clientId === undefined ? noClientId : undefined;
    case 'authorization_code':
      // redirect_uri and code_verifier are the code's bindings: their absence is the grant's invalid_grant.
      return input.code === undefined ? invalidRequest('form.code.missing', 'code is required with grant_type authorization_code') : undefined;
    case 'refresh_token':
      return input.refreshToken === undefined ? invalidRequest('form.refresh_token.missing', 'refresh_token is required with grant_type refresh_token') : undefined;
    case 'client_credentials':
      return undefined;
  }
}

/** Validates the form fields of a token request against the contract. */
export function checkTokenForm(contract: TokenContract, fields: Record<string, string>): Validated<TokenInput> {
  for (const rule of contract.fields) {
    const value = fields[rule.name];
    if (value === undefined) continue;
    const problem = rule.check(value);
    if (!problem) continue;
    // RFC 6749 §5.2: a well-formed but unknown grant type is unsupported_grant_type.
    if (rule.name === 'grant_type' && value !== '') {
      return refused(unsupportedGrantType('form.grant_type.unsupported', `grant_type ${problem.message}`));
    }
    return refused(invalidRequest(`form.${rule.name}.${problem.rule}`, `${rule.name} ${readable(problem, rule)}`));
  }

  const { client_assertion: clientAssertion, assertion } = fields;
  if (clientAssertion !== undefined && assertion !== undefined && clientAssertion !== assertion) {
    return refused(invalidRequest('form.assertion.conflict', 'client_assertion and assertion carry different values; send the assertion once'));
  }
  const anyAssertion = clientAssertion ?? assertion;
  if (anyAssertion !== undefined && fields.client_assertion_type === undefined) {
    return refused(invalidRequest('form.client_assertion_type.missing', `client_assertion_type is required with a client assertion and must be ${JWT_BEARER}`));
  }
  if (fields.client_assertion_type !== undefined && anyAssertion === undefined) {
    return refused(invalidRequest('form.client_assertion.missing', 'client_assertion (or assertion) is required with client_assertion_type'));
  }

  const grantType = fields.grant_type ?? contract.defaultGrantType;
  if (grantType === undefined) return refused(invalidRequest('form.grant_type.required', 'grant_type is required (the contract gives it no default)'));
  const input: TokenInput = {
    grantType: grantType as GrantType,
    clientId: fields.client_id,
    clientAssertion: anyAssertion,
    scope: fields.scope,
    deviceCode: fields.device_code,
    code: fields.code,
    redirectUri: fields.redirect_uri,
    codeVerifier: fields.code_verifier,
    refreshToken: fields.refresh_token,
    fields,
  };
  const missing = missingForGrant(input);
  return missing === undefined ? { ok: true, value: input } : refused(missing);
}
