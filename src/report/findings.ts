/**
 * The report: findings per client (and per sequence key, where a sequence scenario sets one),
 * computed from journal entries alone, as a pure function. Each detector walks one client's
 * requests in order and returns the ones that offend; the rule table (report/rules.ts) gives
 * the severity, the thresholds and the section. Entries without a client are not judged.
 */
import type { components } from '../generated/sandbox.js';
import type { JournalEntry } from '../state/index.js';
import { DEFAULT_PROFILE, FINDING_CODES, isFapi2, reportRules, RULES, type FindingCode, type ReportRules, type Severity } from './rules.js';

export type Report = components['schemas']['Report'];
export type ClientReport = components['schemas']['ClientReport'];
export type Finding = components['schemas']['Finding'];

export interface ReportInput {
  rules?: ReportRules;
  /** The security profile, e.g. fapi1-advanced (default) or fapi2-security-profile. */
  profile?: string;
  /** The longest client assertion the sandbox accepts (--max-assertion-lifetime), in seconds. */
  maxAssertionLifetimeSeconds: number;
  /** Only requests at or after this time (ISO 8601). */
  since?: string;
  clientId?: string;
}

/** One journaled request as the detectors read it. */
interface Seen {
  entry: JournalEntry;
  ms: number;
}

interface Offence {
  seen: Seen;
  /** Set when one request offends more than the rule's severity says (a lifetime beyond the server's). */
  severity?: Severity;
}

interface DetectorContext {
  thresholds: Readonly<Record<string, number>>;
  maxAssertionLifetimeSeconds: number;
}

type Detector = (requests: readonly Seen[], ctx: DetectorContext) => Offence[];

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const INTERACTION_ID = 'x-fapi-interaction-id';
const pathOf = (entry: JournalEntry) => entry.path.split('?')[0];
const offences = (requests: readonly Seen[], offends: (seen: Seen) => boolean): Offence[] => requests.filter(offends).map((seen) => ({ seen }));
const isDevicePoll = ({ entry }: Seen) => pathOf(entry) === '/token' && entry.form?.grant_type === DEVICE_CODE_GRANT;

function retryAfterIgnored(requests: readonly Seen[]): Offence[] {
  const found: Offence[] = [];
  let until = -Infinity;
  for (const seen of requests) {
    if (seen.ms < until) found.push({ seen });
    const { status, retryAfter } = seen.entry;
    if ((status === 429 || status === 503) && typeof retryAfter === 'number') until = seen.ms + retryAfter * 1000;
  }
  return found;
}

/** A 5xx without Retry-After: the client chooses its own wait, and should wait longer each time. */
const failedWithoutAdvice = ({ entry }: Seen) => entry.status !== null && entry.status >= 500 && (entry.retryAfter ?? null) === null;

function noBackoffAfter5xx(requests: readonly Seen[], { thresholds }: DetectorContext): Offence[] {
  const found: Offence[] = [];
  let run: { retries: number; lastGap: number; shrinking: Offence[] } | undefined;
  const close = () => {
    if (run && run.retries >= thresholds.minRetries!) found.push(...run.shrinking);
    run = undefined;
  };
  requests.forEach((seen, i) => {
    const before = requests[i - 1];
    if (before === undefined || !failedWithoutAdvice(before)) return close();
    const gap = seen.ms - before.ms;
    run ??= { retries: 0, lastGap: -1, shrinking: [] };
    run.retries += 1;
    if (run.retries > 1 && gap <= run.lastGap) run.shrinking.push({ seen });
    run.lastGap = gap;
  });
  close();
  return found;
}

const scopeKey = (scope: string | undefined) => (scope ?? '').split(' ').filter(Boolean).sort().join(' ');

function tokenNotReused(requests: readonly Seen[], { thresholds }: DetectorContext): Offence[] {
  const found: Offence[] = [];
  // Per requested scope: when the last token issued for it reaches half its lifetime.
  const halfLife = new Map<string, number>();
  for (const seen of requests) {
    const { entry } = seen;
    if (pathOf(entry) !== '/token' || entry.form?.grant_type !== 'client_credentials') continue;
    const scope = scopeKey(entry.form.scope);
    if (seen.ms < (halfLife.get(scope) ?? -Infinity)) found.push({ seen });
    const expiresIn = entry.token?.expiresIn;
    if (entry.status === 200 && typeof expiresIn === 'number') halfLife.set(scope, seen.ms + (expiresIn * 1000) / 2);
  }
  return found.length > thresholds.maxEarlyRequests! ? found : [];
}

function jtiReplayed(requests: readonly Seen[]): Offence[] {
  const used = new Set<string>();
  return offences(requests, ({ entry }) => {
    const jti = entry.assertion?.jti;
    if (typeof jti !== 'string') return false;
    if (used.has(jti)) return true;
    used.add(jti);
    return false;
  });
}

function assertionLifetimeLong(requests: readonly Seen[], { thresholds, maxAssertionLifetimeSeconds }: DetectorContext): Offence[] {
  const found: Offence[] = [];
  for (const seen of requests) {
    const claims = seen.entry.assertion;
    if (!claims || claims.exp === null) continue;
    const lifetime = claims.exp - (claims.iat ?? Math.floor(seen.ms / 1000));
    if (lifetime > maxAssertionLifetimeSeconds) found.push({ seen, severity: 'error' });
    else if (lifetime > thresholds.warnAboveSeconds!) found.push({ seen });
  }
  return found;
}

const assertionAudNotIssuer: Detector = (requests) => offences(requests, ({ entry }) => entry.assertion?.audIsIssuer === false);

const devicePollTooFast: Detector = (requests) => offences(requests, ({ entry }) => entry.refusal === 'device_code.slow_down');

function devicePollAfterFinal(requests: readonly Seen[]): Offence[] {
  const final = new Set<string>();
  return offences(requests.filter(isDevicePoll), ({ entry }) => {
    const code = entry.form!.device_code ?? '';
    if (final.has(code)) return true;
    if (entry.status === 200 || entry.error === 'access_denied' || entry.error === 'expired_token') final.add(code);
    return false;
  });
}

const interactionIdOf = (entry: JournalEntry) => entry.headers[INTERACTION_ID];

function interactionIdReused(requests: readonly Seen[]): Offence[] {
  const used = new Set<string>();
  return offences(requests, ({ entry }) => {
    const id = interactionIdOf(entry);
    if (id === undefined) return false;
    if (used.has(id)) return true;
    used.add(id);
    return false;
  });
}

const interactionIdMissing: Detector = (requests) => offences(requests, ({ entry }) => interactionIdOf(entry) === undefined);

/** What makes two requests the same, whatever fresh assertion each carried: the form without it, and the assertion's aud. */
function requestShape(entry: JournalEntry): string {
  const { client_assertion: _a, assertion: _b, ...form } = entry.form ?? {};
  return JSON.stringify([entry.method, pathOf(entry), Object.entries(form).sort(), entry.assertion?.aud ?? null]);
}

function errorNotHandled(requests: readonly Seen[]): Offence[] {
  const found: Offence[] = [];
  requests.forEach((seen, i) => {
    const { error } = seen.entry;
    if (error !== 'invalid_client' && error !== 'invalid_grant') return;
    const shape = requestShape(seen.entry);
    const next = requests.slice(i + 1).find((later) => pathOf(later.entry) === pathOf(seen.entry));
    if (next && requestShape(next.entry) === shape) found.push({ seen: next });
  });
  return found;
}

const isPushedRequest = ({ entry }: Seen) => entry.method === 'POST' && pathOf(entry) === '/par';

/** RFC 7636 / FAPI 2.0: every authorization request carries an S256 code_challenge (the sandbox refuses it otherwise). */
const pkceMissing: Detector = (requests) =>
  offences(requests.filter(isPushedRequest), ({ entry }) => !entry.form?.code_challenge || entry.form.code_challenge_method !== 'S256');

/**
 * A new authorization request while the client holds a refresh token: one issued by a 200 of the
 * token endpoint, until the client revokes a token (the journal keeps no token, so any revocation
 * counts) or a refresh is refused with invalid_grant (the token is dead).
 */
function refreshTokenNotUsed(requests: readonly Seen[]): Offence[] {
  let holding = false;
  return offences(requests, (seen) => {
    const { entry } = seen;
    const path = pathOf(entry);
    if (path === '/token' && entry.status === 200 && entry.token?.refreshToken === true) holding = true;
    else if (path === '/token' && entry.form?.grant_type === 'refresh_token' && entry.error === 'invalid_grant') holding = false;
    else if (path === '/revoke' && entry.status === 200) holding = false;
    return holding && isPushedRequest(seen);
  });
}

const dpopProofReused: Detector = (requests) => offences(requests, ({ entry }) => entry.refusal === 'dpop.jti.replayed');

/** One detector per code of the rule table. */
const DETECTORS: Record<FindingCode, Detector> = {
  'retry-after-ignored': retryAfterIgnored,
  'no-backoff-after-5xx': noBackoffAfter5xx,
  'token-not-reused': tokenNotReused,
  'jti-replayed': jtiReplayed,
  'assertion-lifetime-long': assertionLifetimeLong,
  'assertion-aud-not-issuer': assertionAudNotIssuer,
  'device-poll-too-fast': devicePollTooFast,
  'device-poll-after-final': devicePollAfterFinal,
  'interaction-id-reused': interactionIdReused,
  'interaction-id-missing': interactionIdMissing,
  'error-not-handled': errorNotHandled,
  'pkce-missing': pkceMissing,
  'refresh-token-not-used': refreshTokenNotUsed,
  'dpop-proof-reused': dpopProofReused,
};

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function finding(code: FindingCode, severity: Severity, found: Offence[]): Finding {
  const first = found[0]!.seen.entry;
  const last = found[found.length - 1]!.seen.entry;
  const worst = found.reduce<Severity>((s, o) => (o.severity && RANK[o.severity] > RANK[s] ? o.severity : s), severity);
  const { what, reference } = RULES[code];
  const times = found.length === 1 ? 'once' : `${found.length} times`;
  return {
    code, severity: worst, count: found.length,
    firstInteractionId: first.interactionId, lastInteractionId: last.interactionId,
    firstRequestId: first.id, lastRequestId: last.id,
    message: `The client sent ${what}, ${times}.`,
    reference,
  };
}

/** The groups the report judges, in order of their first request: client and sequence key. */
function groups(entries: readonly JournalEntry[]): Map<string, Seen[]> {
  const byGroup = new Map<string, Seen[]>();
  for (const entry of entries) {
    if (entry.clientId === null || entry.clientId === undefined) continue;
    const key = JSON.stringify([entry.clientId, entry.sequenceKey ?? null]);
    let list = byGroup.get(key);
    if (!list) byGroup.set(key, (list = []));
    list.push({ entry, ms: Date.parse(entry.time) });
  }
  return byGroup;
}

export function computeReport(entries: readonly JournalEntry[], input: ReportInput): Report {
  const rules = input.rules ?? reportRules();
  const profile = input.profile ?? DEFAULT_PROFILE;
  const fapi2 = isFapi2(profile);
  const sinceMs = input.since === undefined ? undefined : Date.parse(input.since);
  const chosen = entries.filter(
    (e) => (sinceMs === undefined || Date.parse(e.time) >= sinceMs) && (input.clientId === undefined || e.clientId === input.clientId),
  );
  const counts = { error: 0, warning: 0, info: 0 };
  const clients: ClientReport[] = [];
  for (const [key, requests] of groups(chosen)) {
    const [clientId, sequenceKey] = JSON.parse(key) as [string, string | null];
    const findings: Finding[] = [];
    for (const code of FINDING_CODES) {
      const detect = DETECTORS[code];
      const rule = rules[code];
      if (rule.severity === 'off') continue;
      const found = detect(requests, { thresholds: rule.thresholds, maxAssertionLifetimeSeconds: input.maxAssertionLifetimeSeconds });
      if (found.length === 0) continue;
      const result = finding(code, (fapi2 && rule.fapi2Severity) || rule.severity, found);
      counts[result.severity] += 1;
      findings.push(result);
    }
    clients.push({ clientId, sequenceKey, requests: requests.length, findings });
  }
  return { profile, since: input.since ?? null, clientId: input.clientId ?? null, counts, clients };
}

/** Findings at or above `failOn`: errors, or errors and warnings; infos never count. */
export function failingFindings(report: Report, failOn: 'error' | 'warning'): (Finding & { clientId: string })[] {
  return report.clients.flatMap((c) =>
    c.findings.filter((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning')).map((f) => ({ ...f, clientId: c.clientId })),
  );
}
