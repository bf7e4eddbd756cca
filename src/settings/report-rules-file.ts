/**
 * --report-rules FILE: a small YAML file that changes the report's rule table (report/rules.ts),
 * checked at load like a scenario file, each mistake a ConfigError naming the file and the place:
 *
 *   token-not-reused: { severity: error, maxEarlyRequests: 0 }
 *   interaction-id-missing: { severity: off }
 */
import { FINDING_CODES, RULES, reportRules, type FindingCode, type ReportRules, type RuleOverride, type RuleSeverity } from '../report/rules.js';
import { ConfigError } from './errors.js';
import { parseYaml, readConfigFile } from './yaml-file.js';

const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'info', 'off'];

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function ruleOverride(file: string, code: FindingCode, raw: unknown): RuleOverride {
  if (!isObject(raw)) throw new ConfigError(file, code, 'must be a mapping, e.g. { severity: error }');
  const known = Object.keys(RULES[code].thresholds);
  const override: { severity?: RuleSeverity; thresholds: Record<string, number> } = { thresholds: {} };
  for (const [name, value] of Object.entries(raw)) {
    const at = `${code}.${name}`;
    if (name === 'severity') {
      if (!SEVERITIES.includes(value as RuleSeverity)) throw new ConfigError(file, at, `must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(value)}`);
      override.severity = value as RuleSeverity;
    } else if (known.includes(name)) {
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw new ConfigError(file, at, `must be a whole number of at least 0, got ${JSON.stringify(value)}`);
      override.thresholds[name] = value as number;
    } else {
      throw new ConfigError(file, at, `is not a setting of ${code}; it takes ${['severity', ...known].join(', ')}`);
    }
  }
  return override;
}

/** The rule table with a rules file's text applied. */
export function parseReportRules(file: string, text: string): ReportRules {
  const data = parseYaml(file, text);
  if (data === null || data === undefined) return reportRules();
  if (!isObject(data)) throw new ConfigError(file, '(top level)', 'must be a mapping of finding codes to their changes');
  const overrides: Partial<Record<FindingCode, RuleOverride>> = {};
  for (const [code, raw] of Object.entries(data)) {
    if (!FINDING_CODES.includes(code as FindingCode)) throw new ConfigError(file, code, `is not a finding code; the codes are ${FINDING_CODES.join(', ')}`);
    overrides[code as FindingCode] = ruleOverride(file, code as FindingCode, raw);
  }
  return reportRules(overrides);
}

export const loadReportRules = (file: string): ReportRules => parseReportRules(file, readConfigFile(file, 'report rules file'));
