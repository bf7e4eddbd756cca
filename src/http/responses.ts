/**
 * Builders for every kind of answer the sandbox sends. Each one carries the interaction id, so
 * no code path can forget it (the provider documents it on every response).
 */
import type { components } from '../generated/token.js';
import type { RateLimit } from '../state/index.js';

export type AccessTokenBody = components['schemas']['AccessToken'];
export type TokenErrorBody = components['schemas']['TokenError'];
export type TokenErrorCode = TokenErrorBody['error'];
export type ErrorListBody = components['schemas']['ErrorList'];

export const INTERACTION_ID = 'x-fapi-interaction-id';

/** Token responses must not be cached (RFC 6749 §5.1, §5.2). */
const NO_STORE = { 'cache-control': 'no-store' } as const;
const NO_STORE_NO_CACHE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

export function jsonResponse(
  status: number,
  body: unknown,
  interactionId: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: {
      // An empty body is said so, rather than sent as an empty chunked one; a 204 has no length at all.
      ...(body !== undefined ? { 'content-type': 'application/json' } : status === 204 ? {} : { 'content-length': '0' }),
      ...headers,
      [INTERACTION_ID]: interactionId,
    },
  });
}

/**
 * How the sandbox's own answers look where a document describes them: the shape of its 400 error
 * body (RFC 6749 §5.2's {error, error_description}, or the provider's older {errors: [...]}), and
 * the headers each status carries besides the interaction id. The token contract decides it for
 * POST /token when it is read (contract/document.ts); the sandbox's own endpoints use SANDBOX_STYLE.
 */
export interface AnswerStyle {
  readonly errorShape: 'oauth' | 'errors';
  headersOf(status: number): Readonly<Record<string, string>>;
}

/**
 * openapi/sandbox.yaml's: RFC 6749 errors, token answers not cached (RFC 6749 §5.1, §5.2), nor a
 * pushed authorization request's request_uri (201, RFC 9126 §2.2).
 */
export const SANDBOX_STYLE: AnswerStyle = {
  errorShape: 'oauth',
  headersOf: (status) => (status === 200 ? NO_STORE_NO_CACHE : status === 400 || status === 201 ? NO_STORE : {}),
};

export function tokenResponse(body: AccessTokenBody, interactionId: string, style: AnswerStyle): Response {
  return jsonResponse(200, body, interactionId, style.headersOf(200));
}

/** RFC 6749 §5.2: error and error_description are %x20-21 / %x23-5B / %x5D-7E (printable ASCII without " and \). */
const ERROR_CHARACTERS = '\\x20\\x21\\x23-\\x5b\\x5d-\\x7e';
export const ERROR_TEXT = new RegExp(`^[${ERROR_CHARACTERS}]*$`);
const OUTSIDE_ERROR_TEXT = new RegExp(`[^${ERROR_CHARACTERS}]`, 'g');

/**
 * A description within RFC 6749 §5.2's characters, whatever it quotes from the request: " becomes
 * ', \ becomes /, and anything else outside the set (control characters, non-ASCII) becomes ?.
 */
export function errorText(description: string): string {
  return description.replace(OUTSIDE_ERROR_TEXT, (c) => (c === '"' ? "'" : c === '\\' ? '/' : '?'));
}

/**
 * A 400 for a refused request, in the style's shape: the errors[] one carries "error: description".
 * `headers` are the refusal's own (e.g. DPoP-Nonce with use_dpop_nonce).
 */
export function tokenError(
  error: TokenErrorCode,
  description: string,
  interactionId: string,
  style: AnswerStyle,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const text = errorText(description);
  const body: TokenErrorBody | ErrorListBody = style.errorShape === 'errors' ? { errors: [`${error}: ${text}`] } : { error, error_description: text };
  return jsonResponse(400, body, interactionId, { ...style.headersOf(400), ...headers });
}

export function errorList(status: number, errors: string[], interactionId: string): Response {
  const body: ErrorListBody = { errors };
  return jsonResponse(status, body, interactionId);
}

/** 429 from the sandbox's own rate limit: Retry-After is when the client's next request is allowed. */
export function rateLimited(waitMs: number, limit: RateLimit, interactionId: string): Response {
  const seconds = Math.ceil(waitMs / 1000);
  const body: ErrorListBody = {
    errors: [`Too many requests: the limit is ${limit.requests} per ${limit.windowMs} ms for each client_id; retry after ${seconds} s`],
  };
  return jsonResponse(429, body, interactionId, { 'retry-after': String(seconds) });
}

export function notAcceptable(interactionId: string): Response {
  return jsonResponse(406, undefined, interactionId);
}
