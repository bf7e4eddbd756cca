/**
 * Parses an application/x-www-form-urlencoded body from its raw text. URLSearchParams is used
 * directly (not a framework body parser): it is the fastest correct parser available, and the
 * token endpoint lives on its hot path.
 */
import type { BodyResult } from './body.js';
import { invalidRequest, type Refusal } from './refusal.js';

export type FormResult = { ok: true; fields: Record<string, string> } | ({ ok: false } & Refusal);

const FORM_TYPE = 'application/x-www-form-urlencoded';

export function isFormContentType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === FORM_TYPE;
}

export function parseForm(contentType: string | null, body: BodyResult): FormResult {
  if (!body.ok) return body;
  const { text } = body;
  if (text.length === 0) {
    return { ok: false, ...invalidRequest('body.missing', `the request body is required (${FORM_TYPE})`) };
  }
  if (!isFormContentType(contentType)) {
    const got = contentType === null ? 'no Content-Type' : `Content-Type ${contentType}`;
    return { ok: false, ...invalidRequest('body.content_type', `the request body must be ${FORM_TYPE}, got ${got}`) };
  }
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    // RFC 6749 §3.2: request parameters MUST NOT be included more than once.
    if (name in fields) return { ok: false, ...invalidRequest('form.repeated', `${name} must not be sent more than once`) };
    fields[name] = value;
  }
  return { ok: true, fields };
}
