/**
 * computeReport as the pure function it is, on journal entries built by hand: the edges of the
 * rules that the HTTP tests do not reach.
 */
import { describe, expect, it } from 'vitest';
import { computeReport } from '../../src/report/findings.js';
import { reportRules } from '../../src/report/rules.js';
import type { JournalEntry } from '../../src/state/index.js';

const T0 = Date.parse('2026-01-31T12:00:00Z');
let nextId = 1;
function entry(at: number, fields: Partial<JournalEntry> = {}): JournalEntry {
  const id = nextId++;
  return {
    id, time: new Date(T0 + at).toISOString(), interactionId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    method: 'POST', path: '/token', headers: { 'x-fapi-interaction-id': `id-${id}` }, form: { grant_type: 'client_credentials', client_id: 'c' },
    scenario: null, status: 200, refusal: null, fault: null, durationMs: 1, clientCertificate: null, clientId: 'c', ...fields,
  };
}
const input = { maxAssertionLifetimeSeconds: 3600 };
const codes = (entries: JournalEntry[], options = {}) => computeReport(entries, { ...input, ...options }).clients.flatMap((c) => c.findings.map((f) => f.code));

describe('computeReport', () => {
  it('judges no back-off only after 5xx answers that gave no Retry-After, and only runs of minRetries', () => {
    const advised = [0, 1000, 2000, 3000, 4000].map((at) => entry(at, { status: 503, retryAfter: 1 }));
    expect(codes(advised)).toEqual([]);
    const short = [0, 1000, 2000].map((at) => entry(at, { status: 500 }));
    expect(codes(short)).toEqual([]); // two retries
    const long = [0, 1000, 2000, 3000].map((at) => entry(at, { status: 500 }));
    expect(codes(long)).toEqual(['no-backoff-after-5xx']);
  });

  it('counts token-not-reused for client_credentials only, and allows maxEarlyRequests', () => {
    const token = { scope: 'openid', expiresIn: 900 };
    const grants = [0, 1000, 2000, 3000].map((at) => entry(at, { form: { grant_type: 'client_credentials', client_id: 'c', scope: 'openid' }, token }));
    expect(codes(grants)).toEqual(['token-not-reused']);
    expect(codes(grants.slice(0, 3))).toEqual([]); // two early requests: within the allowance
    const other = grants.map((e, i) => ({ ...e, form: { ...e.form, grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: `d${i}` } }));
    expect(codes(other)).toEqual([]);
  });

  it('measures an assertion without iat from its arrival', () => {
    const assertion = { jti: 'j', iat: null, exp: Math.floor(T0 / 1000) + 120, aud: 'http://issuer', audIsIssuer: true };
    expect(codes([entry(0, { assertion })])).toEqual(['assertion-lifetime-long']);
  });

  it('judges nothing without a client, and no rule that is off', () => {
    expect(computeReport([entry(0, { clientId: null, headers: {} })], input).clients).toEqual([]);
    const missing = [entry(0, { headers: {} })];
    expect(codes(missing)).toEqual(['interaction-id-missing']);
    const rules = reportRules({ 'interaction-id-missing': { severity: 'off' } });
    expect(codes(missing, { rules })).toEqual([]);
  });

  it('makes aud-not-issuer an error under a FAPI 2 profile unless the rules give a severity outright', () => {
    const assertion = { jti: 'k', iat: Math.floor(T0 / 1000), exp: Math.floor(T0 / 1000) + 60, aud: ['http://issuer'], audIsIssuer: false };
    const severity = (options: object) => computeReport([entry(0, { assertion })], { ...input, ...options }).clients[0]!.findings[0]!.severity;
    expect(severity({})).toBe('warning');
    expect(severity({ profile: 'fapi2-security-profile' })).toBe('error');
    expect(severity({ profile: 'fapi2-security-profile', rules: reportRules({ 'assertion-aud-not-issuer': { severity: 'info' } }) })).toBe('info');
  });
});
