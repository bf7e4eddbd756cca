/**
 * The refusal codes (src/http/refusal.ts): one table, listed in the README, every code produced
 * by a check in src/ and asserted by some test, and the code travelling to the journal, the log
 * line and the testing helpers' query while the response body stays the provider's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { CONTRACT_RULES, REFUSAL_CODES } from '../../src/http/refusal.js';
import { matches } from '../../src/testing/journal-query.js';
import { DEMO, deviceClientAuth, pkjwtForm } from '../support/clients.js';
import { captureLogs } from '../support/logs.js';
import { refusalOf } from '../support/refusals.js';
import { form, JWT_BEARER, tokenRequest } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const CODES = Object.keys(REFUSAL_CODES);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const textOf = (files: string[]) => files.map((f) => readFileSync(f, 'utf8')).join('\n');
const quoted = (text: string, code: string) => text.includes(`'${code}'`) || text.includes(`\`${code}\``);

/** Codes that no test provokes yet, each for a reason; the list may only shrink (a test below checks it). */
const NOT_YET_PROVOKED: Record<string, string> = {
  'mtls.subject_unreadable': 'needs a certificate whose subject Node prints but the DN parser cannot read',
};

describe('the table of refusal codes', () => {
  it('has dotted, lower-case codes, each with a line saying what check it names', () => {
    for (const [code, check] of Object.entries(REFUSAL_CODES)) {
      expect(code).toMatch(/^[a-z_]+(\.[a-z0-9_-]+)*$/);
      expect(check.length, code).toBeGreaterThan(5);
    }
    for (const rule of Object.keys(CONTRACT_RULES)) expect(rule).toMatch(/^[a-z_]+$/);
  });

  it('is what the README lists, in the same order', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Refusal codes'), readme.indexOf('\n## ', readme.indexOf('## Refusal codes') + 1));
    const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([...Object.entries(REFUSAL_CODES), ...Object.entries(CONTRACT_RULES)]);
  });

  it('has no code that no check in src/ produces', () => {
    const src = textOf(filesUnder('src').filter((f) => !f.endsWith(join('http', 'refusal.ts'))));
    expect(CODES.filter((code) => !quoted(src, code))).toEqual([]);
  });

  it('has every code asserted by a test, but for the few listed with the reason', () => {
    // This file counts too, without its list of the codes not yet provoked.
    const tests = textOf(filesUnder('test')).replace(/const NOT_YET_PROVOKED[\s\S]*?\n};\n/, '');
    expect(CODES.filter((code) => !quoted(tests, code) && !(code in NOT_YET_PROVOKED))).toEqual([]);
    // A code provoked since must leave the list.
    expect(Object.keys(NOT_YET_PROVOKED).filter((code) => quoted(tests, code) || !CODES.includes(code))).toEqual([]);
  });
});

describe('refusals outside the token checks', () => {
  const app = createApp({ cors: ['https://portal.example'] });
  const cases: [string, Request][] = [
    ['route.not_found', new Request(`${BASE}/no/such/path`)],
    ['accept.not_acceptable', tokenRequest(BASE, { client_id: 'c' }, { accept: 'text/html' })],
    ['accept.not_acceptable', new Request(`${BASE}/jwks`, { headers: { accept: 'text/html' } })],
    ['accept.not_acceptable', new Request(`${BASE}/.well-known/openid-configuration`, { headers: { accept: 'text/html' } })],
    ['cors.origin', new Request(`${BASE}/token`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })],
    ['form.client_id.missing', tokenRequest(BASE, { grant_type: 'private_key_jwt' })],
    ['mtls.assertion_sent', tokenRequest(BASE, { grant_type: 'tls_client_auth', client_id: DEMO.mtls.clientId, client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' })],
    // A transport fault needs a socket, which app.fetch has none of.
    ['scenario.fault_needs_connection', tokenRequest(BASE, { client_id: 'c' }, { 'x-sandbox-scenario': 'connection-reset' })],
    [
      'body.incomplete',
      new Request(`${BASE}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new ReadableStream({ pull: (controller) => controller.error(new Error('the client went away')) }),
        duplex: 'half',
      } as RequestInit),
    ],
  ];
  it.each(cases)('journals %s', async (code, request) => {
    const res = await app.fetch(request);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await refusalOf(app, res)).toBe(code);
  });

  it('journals null for an answer nothing refused', async () => {
    const res = await app.fetch(tokenRequest(BASE, await pkjwtForm(BASE)));
    expect(res.status).toBe(200);
    expect(await refusalOf(app, res)).toBeNull();
  });

  it('puts the code in the log line, the control API bearer check too', async () => {
    const logs = captureLogs();
    const guarded = createApp({ adminToken: 'secret-token-for-the-test', logger: logs.logger });
    await guarded.fetch(new Request(`${BASE}/__sandbox/requests`));
    await guarded.fetch(tokenRequest(BASE, 'scope=a&scope=b'));
    expect(logs.records.map((r) => [r.status, r.refusal])).toEqual([
      [401, 'control.unauthorized'],
      [400, 'form.repeated'],
    ]);
  });
});

describe('refusals of the verification page', () => {
  const app = createApp();
  const issue = async () => {
    const res = await app.fetch(
      new Request(`${BASE}/device/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(await deviceClientAuth(BASE)) }),
    );
    return ((await res.json()) as { user_code: string }).user_code;
  };
  const decide = (fields: Record<string, string>) =>
    app.fetch(new Request(`${BASE}/device`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) }));

  it('journals the check behind each error page', async () => {
    const used = await issue();
    expect((await decide({ user_code: used, decision: 'approve' })).status).toBe(200);
    const pending = await issue();
    const answers: [Response, string][] = [
      [await app.fetch(new Request(`${BASE}/device?user_code=`)), 'user_code.missing'],
      [await app.fetch(new Request(`${BASE}/device?user_code=nope`)), 'user_code.format'],
      [await app.fetch(new Request(`${BASE}/device?user_code=BBBB-BBBB`)), 'user_code.unknown'],
      [await app.fetch(new Request(`${BASE}/device?user_code=${used}`)), 'user_code.used'],
      [await decide({ user_code: pending, decision: 'maybe' }), 'user_code.decision'],
    ];
    for (const [res, code] of answers) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await refusalOf(app, res)).toBe(code);
    }
  });
});

describe("the testing helpers' journal query", () => {
  const entry = { refusal: 'assertion.aud', status: 400 } as Parameters<typeof matches>[0];
  it('finds requests by refusal code, null for those not refused', () => {
    expect(matches(entry, { refusal: 'assertion.aud' })).toBe(true);
    expect(matches(entry, { refusal: 'assertion.exp.expired' })).toBe(false);
    expect(matches(entry, { refusal: null })).toBe(false);
    expect(matches({ ...entry, refusal: null }, { refusal: null })).toBe(true);
  });
});
