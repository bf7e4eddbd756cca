/**
 * requests({ path, clientId, status, refusal }): which journal entries a test asks for. The control API
 * returns the whole journal; the filter is exact and runs here, so that it works against any
 * sandbox version.
 */
import type { RefusalCode } from '../http/refusal.js';
import type { JournalEntry } from '../state/index.js';

export interface RequestsQuery {
  /** The path, e.g. /token; compared without the query string unless this one has one. */
  path?: string;
  /** The client the request was made as: its client_id field, else its assertion's iss. */
  clientId?: string;
  /** The status sent; null for a transport fault that sent none. */
  status?: number | null;
  /** The code of the check that refused the request (README "Refusal codes"); null for one not refused. */
  refusal?: RefusalCode | null;
}

/** The client of a journaled request, as the sandbox names it (RFC 7523 §3: iss without client_id). */
function clientOf(entry: JournalEntry): string | undefined {
  const form = entry.form ?? {};
  if (form.client_id !== undefined) return form.client_id;
  // The journal keeps assertions as header.payload, without the signature.
  const payload = (form.client_assertion ?? form.assertion)?.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const { iss } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

export function matches(entry: JournalEntry, query: RequestsQuery): boolean {
  if (query.status !== undefined && entry.status !== query.status) return false;
  // A sandbox older than the refusal field journals none: undefined there is "not refused".
  if (query.refusal !== undefined && (entry.refusal ?? null) !== query.refusal) return false;
  if (query.path !== undefined && (query.path.includes('?') ? entry.path : entry.path.split('?')[0]) !== query.path) return false;
  return query.clientId === undefined || clientOf(entry) === query.clientId;
}
