/**
 * expectNoFindings(report, { failOn }): fails a test with the findings listed, whatever the test
 * framework (it throws an Error, as every assertion library's failures are).
 */
import { failingFindings, type Report } from '../report/findings.js';

export interface FindingsOptions {
  /** error: only errors fail; warning (default): errors and warnings. Infos never do. */
  failOn?: 'error' | 'warning';
}

export function expectNoFindings(report: Report, { failOn = 'warning' }: FindingsOptions = {}): void {
  const failing = failingFindings(report, failOn);
  if (failing.length === 0) return;
  const lines = failing.map(
    (f) => `  ${f.severity} ${f.code} ×${f.count} (client ${f.clientId}; first ${f.firstInteractionId}, last ${f.lastInteractionId}): ${f.message} ${f.reference}`,
  );
  throw new Error(`fapi-token-sandbox: the client did ${failing.length === 1 ? 'this' : 'these'} wrong (failOn: ${failOn}):\n${lines.join('\n')}`);
}
