/**
 * The report's rules, in one annotated table: for each finding code its severity, its thresholds
 * (overridable with --report-rules FILE, settings/report-rules-file.ts), what it means and the RFC
 * or profile section that says so. README "What your client did wrong: the report" shows the
 * same table; report/findings.ts DETECTORS has one detector per code.
 */
export type Severity = 'error' | 'warning' | 'info';
/** `off`: the rule is not applied. */
export type RuleSeverity = Severity | 'off';

export interface RuleDefinition {
  severity: RuleSeverity;
  /** A stricter severity under FAPI 2.0 (a profile whose name starts with fapi2). */
  fapi2Severity?: Severity;
  /** Named whole-number thresholds. */
  thresholds: Readonly<Record<string, number>>;
  /** What the client sent, for README's table and the finding's sentence ("The client sent …"). */
  what: string;
  reference: string;
}

export const RULES = {
  'retry-after-ignored': {
    severity: 'error',
    thresholds: {},
    what: 'a request sooner than the Retry-After of a 429 or 503 it got',
    reference: 'RFC 9110 §10.2.3, RFC 6585 §4',
  },
  'no-backoff-after-5xx': {
    severity: 'warning',
    // A run of this many retries after 5xx answers (without Retry-After) is judged; a retry whose gap is not longer than the one before offends.
    thresholds: { minRetries: 3 },
    what: 'retries after 5xx answers whose gaps do not grow (no back-off)',
    reference: 'RFC 9110 §15.6',
  },
  'token-not-reused': {
    severity: 'warning',
    // Early requests allowed: a client that restarts may ask twice.
    thresholds: { maxEarlyRequests: 2 },
    what: 'a request for a new client_credentials token while the last one for the same scope had more than half its lifetime left',
    reference: 'RFC 6749 §4.4.3, §5.1 (expires_in)',
  },
  'jti-replayed': {
    severity: 'error',
    thresholds: {},
    what: 'a client assertion whose jti it had sent before',
    reference: 'RFC 7523 §3 (jti), RFC 7519 §4.1.7',
  },
  'assertion-lifetime-long': {
    severity: 'warning',
    // exp − iat beyond this is the severity above; beyond the sandbox's --max-assertion-lifetime it is an error.
    thresholds: { warnAboveSeconds: 60 },
    what: 'a client assertion whose exp − iat is long (an error beyond what the server allows)',
    reference: 'RFC 7523 §3 (exp)',
  },
  'assertion-aud-not-issuer': {
    severity: 'warning',
    fapi2Severity: 'error',
    thresholds: {},
    what: 'a client assertion whose aud is not the issuer as one string (an error under FAPI 2.0)',
    reference: 'FAPI 2.0 Security Profile §5.3.2.1, RFC 7523 §3 (aud)',
  },
  'device-poll-too-fast': {
    severity: 'error',
    thresholds: {},
    what: 'a device poll sooner than the interval, or at the old pace after slow_down (answered slow_down)',
    reference: 'RFC 8628 §3.5',
  },
  'device-poll-after-final': {
    severity: 'error',
    thresholds: {},
    what: 'a poll of a device code after access_denied, expired_token or a token for it',
    reference: 'RFC 8628 §3.5',
  },
  'interaction-id-reused': {
    severity: 'warning',
    thresholds: {},
    what: 'an x-fapi-interaction-id already used on another request',
    reference: 'FAPI 1.0 Baseline §6.2.2 (an RFC 4122 UUID per request)',
  },
  'interaction-id-missing': {
    severity: 'info',
    thresholds: {},
    what: 'a request without x-fapi-interaction-id (the provider makes it optional)',
    reference: 'FAPI 1.0 Baseline §6.2.2',
  },
  'error-not-handled': {
    severity: 'error',
    thresholds: {},
    what: 'the same request again, unchanged, after invalid_client or invalid_grant',
    reference: 'RFC 6749 §5.2',
  },
  // The FAPI flow's codes: pushed authorization requests, refresh tokens, DPoP.
  'pkce-missing': {
    severity: 'error',
    thresholds: {},
    what: 'an authorization request without a PKCE code_challenge (S256)',
    reference: 'FAPI 2.0 Security Profile §5.3.2.2, RFC 7636',
  },
  'refresh-token-not-used': {
    severity: 'warning',
    thresholds: {},
    what: 'an authorization request for a new code while a valid refresh token existed',
    reference: 'RFC 6749 §6',
  },
  'dpop-proof-reused': {
    severity: 'error',
    thresholds: {},
    what: 'a DPoP proof whose jti was already used',
    reference: 'RFC 9449 §11.1',
  },
} as const satisfies Record<string, RuleDefinition>;

export type FindingCode = keyof typeof RULES;
export const FINDING_CODES = Object.keys(RULES) as FindingCode[];

/** A rule as applied: the table's, with a rules file's changes. */
export interface Rule {
  severity: RuleSeverity;
  fapi2Severity?: Severity;
  thresholds: Readonly<Record<string, number>>;
}
export type ReportRules = Readonly<Record<FindingCode, Rule>>;

/** What a rules file may change of one rule. */
export interface RuleOverride {
  severity?: RuleSeverity;
  thresholds?: Readonly<Record<string, number>>;
}

/** The table with overrides applied; a severity given outright replaces the profile's too. */
export function reportRules(overrides: Partial<Record<FindingCode, RuleOverride>> = {}): ReportRules {
  const rules = {} as Record<FindingCode, Rule>;
  for (const code of FINDING_CODES) {
    const base: RuleDefinition = RULES[code];
    const change = overrides[code];
    rules[code] = {
      severity: change?.severity ?? base.severity,
      ...(change?.severity === undefined && base.fapi2Severity !== undefined ? { fapi2Severity: base.fapi2Severity } : {}),
      thresholds: { ...base.thresholds, ...change?.thresholds },
    };
  }
  return rules;
}

/** The profile the rules apply for when none is given. */
export const DEFAULT_PROFILE = 'fapi1-advanced';

export const isFapi2 = (profile: string) => profile.toLowerCase().startsWith('fapi2');
