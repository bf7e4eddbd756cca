/**
 * What the journal keeps of a request: client assertions without their signature (the header and
 * claims are what a test wants to see; the signature would let anyone replay it), secrets as
 * [redacted], and no value longer than 4096 characters, so that the journal stays bounded.
 */
export const REDACTED = '[redacted]';
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);
const SECRET_FIELDS = new Set(['client_secret', 'password', 'refresh_token', 'code', 'code_verifier', 'token']);
const ASSERTION_FIELDS = new Set(['client_assertion', 'assertion']);
const MAX_VALUE = 4096;
const MAX_FIELDS = 64;

const cut = (value: string) => (value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value);

/** A compact JWS without its third part; anything else could be a secret. */
function withoutSignature(assertion: string): string {
  const parts = assertion.split('.');
  return parts.length === 3 ? `${parts[0]}.${parts[1]}` : REDACTED;
}

export function journalHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of headers) kept[name] = SECRET_HEADERS.has(name) ? REDACTED : cut(value);
  return kept;
}

export function journalForm(form: Readonly<Record<string, string>> | undefined): Record<string, string> | null {
  if (form === undefined) return null;
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(form).slice(0, MAX_FIELDS)) {
    if (ASSERTION_FIELDS.has(name)) kept[name] = cut(withoutSignature(value));
    else kept[name] = SECRET_FIELDS.has(name) ? REDACTED : cut(value);
  }
  return kept;
}
