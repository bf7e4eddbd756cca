/**
 * The report's rule table and --report-rules FILE: a file changes severities and thresholds, and
 * is checked at load like a scenario file, each mistake naming the file and the place.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES, reportRules, RULES, type RuleDefinition } from '../../src/report/rules.js';
import { ConfigError } from '../../src/settings/errors.js';
import { loadReportRules, parseReportRules } from '../../src/settings/report-rules-file.js';
import { startTestSandbox } from '../../src/testing.js';
import { fakeClock } from '../support/clock.js';
import { DEMO } from '../support/clients.js';
import { misbehavingClient } from '../support/report.js';

const FILE = 'rules.yaml';
const refused = (text: string) => {
  try {
    parseReportRules(FILE, text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('the rules file was accepted');
};

describe('the rule table', () => {
  it('gives every code a severity, a section and a sentence', () => {
    for (const code of FINDING_CODES) {
      expect(code).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
      expect(RULES[code].reference, code).toMatch(/RFC \d+|FAPI/);
    }
  });

  it("is what README's table of finding codes says, row by row", () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('## What your client did wrong: the report');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \| (.+) \| (.+) \| (.+) \| (.+) \|$/gm)].map((m) => m.slice(1));
    expect(rows).toEqual(
      FINDING_CODES.map((code) => {
        const rule: RuleDefinition = RULES[code];
        const thresholds = Object.entries(rule.thresholds).map(([name, value]) => `\`${name}: ${value}\``).join(', ');
        return [code, rule.fapi2Severity ? `${rule.severity} (${rule.fapi2Severity} under FAPI 2)` : rule.severity, thresholds || '–', rule.what, rule.reference];
      }),
    );
  });

  it('takes overrides: a severity outright (also over the FAPI 2 one), thresholds by name', () => {
    const rules = parseReportRules(FILE, 'token-not-reused: { severity: error, maxEarlyRequests: 0 }\nassertion-aud-not-issuer: { severity: info }\ninteraction-id-missing:\n  severity: off\n');
    expect(rules['token-not-reused']).toEqual({ severity: 'error', thresholds: { maxEarlyRequests: 0 } });
    expect(rules['assertion-aud-not-issuer']).toEqual({ severity: 'info', thresholds: {} });
    expect(rules['interaction-id-missing'].severity).toBe('off');
    expect(rules['jti-replayed']).toEqual(reportRules()['jti-replayed']);
    expect(parseReportRules(FILE, '# nothing changed\n')).toEqual(reportRules());
  });

  it.each([
    ['an unknown code', 'retry-after-ignore: { severity: error }', /^rules\.yaml: at retry-after-ignore: is not a finding code; the codes are retry-after-ignored, /],
    ['an unknown severity', 'jti-replayed: { severity: fatal }', /^rules\.yaml: at jti-replayed\.severity: must be one of error, warning, info, off, got "fatal"$/],
    ['a threshold another rule has', 'jti-replayed: { minRetries: 2 }', /^rules\.yaml: at jti-replayed\.minRetries: is not a setting of jti-replayed; it takes severity$/],
    ['a threshold that is not a whole number', 'no-backoff-after-5xx: { minRetries: 2.5 }', /at no-backoff-after-5xx\.minRetries: must be a whole number of at least 0, got 2\.5$/],
    ['a rule that is not a mapping', 'jti-replayed: error', /at jti-replayed: must be a mapping, e\.g\. \{ severity: error \}$/],
    ['a list at the top', '- jti-replayed', /at \(top level\): must be a mapping of finding codes/],
    ['a duplicate key, with its line', 'jti-replayed: { severity: error }\njti-replayed: { severity: info }', /^rules\.yaml: at line 2, column 1: /],
  ])('refuses %s, naming the file and the place', (_label, text, message) => {
    expect(refused(text)).toMatch(message);
  });

  it('refuses a file it cannot read', () => {
    expect(() => loadReportRules('/nonexistent/rules.yaml')).toThrow(/^\/nonexistent\/rules\.yaml: cannot read the report rules file \(ENOENT\)$/);
  });

  it('applies a rules file given to the sandbox: token-not-reused with no allowance, as an error', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'report-rules.yaml');
    writeFileSync(file, 'token-not-reused: { severity: error, maxEarlyRequests: 0 }\ninteraction-id-missing: { severity: off }\n');
    const clock = fakeClock();
    const sandbox = await startTestSandbox({ clock, reportRulesFile: file });
    try {
      const client = misbehavingClient(sandbox.url, clock);
      await client.token(await client.pkjwt());
      clock.advance(10_000);
      const early = await client.token(await client.pkjwt());
      const [pkjwt] = (await sandbox.report()).clients;
      expect(pkjwt).toMatchObject({ clientId: DEMO.pkjwt.clientId, findings: [{ code: 'token-not-reused', severity: 'error', count: 1, firstInteractionId: early.id }] });
    } finally {
      await sandbox.stop();
    }
  });
});
