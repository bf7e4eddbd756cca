/**
 * fapi-token-sandbox report --url URL: what a running sandbox found its clients doing wrong, for a
 * CI step after the client's tests. Prints the report (JSON, or JUnit XML rendered from the same
 * JSON), then exits 1 when findings reach --fail-on (errors; or errors and warnings; infos never),
 * 0 when none do. Bad usage, an unreachable URL or a refused call is one line and exit 2.
 */
import type { components } from '../generated/sandbox.js';
import { failingFindings, type Report } from '../report/findings.js';
import { junitXml } from '../report/junit.js';
import { ADMIN_BASE } from '../routes/observe.js';

export class ReportUsageError extends Error {}

export interface ReportCommand {
  url?: string;
  format?: string;
  failOn?: string;
  adminToken?: string;
}

function reportUrl(url: string | undefined): URL {
  if (url === undefined) throw new ReportUsageError('report needs --url, the sandbox\'s base URL, e.g. --url http://127.0.0.1:4010');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReportUsageError(`--url must be an absolute http or https URL, got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ReportUsageError(`--url must be an http or https URL, got "${url}"`);
  return new URL(`${parsed.href.replace(/\/$/, '')}${ADMIN_BASE}/report`);
}

export async function printReport({ url, format = 'json', failOn = 'error', adminToken }: ReportCommand, out: (text: string) => void): Promise<number> {
  if (format !== 'json' && format !== 'junit') throw new ReportUsageError(`--format must be json or junit, got "${format}"`);
  if (failOn !== 'error' && failOn !== 'warning') throw new ReportUsageError(`--fail-on must be error or warning, got "${failOn}"`);
  const target = reportUrl(url);
  const res = await fetch(target, { headers: adminToken === undefined ? {} : { authorization: `Bearer ${adminToken}` } }).catch((err: Error) => {
    throw new ReportUsageError(`cannot reach ${target.origin}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
  });
  if (!res.ok) {
    const errors = ((await res.json().catch(() => undefined)) as components['schemas']['ErrorList'] | undefined)?.errors?.join('; ');
    const hint = res.status === 401 ? ' (pass --admin-token or SANDBOX_ADMIN_TOKEN)' : res.status === 404 ? ' (is this a fapi-token-sandbox with its control API on?)' : '';
    throw new ReportUsageError(`GET ${target.href} answered ${res.status}${errors ? `: ${errors}` : ''}${hint}`);
  }
  const report = (await res.json()) as Report;
  out(format === 'junit' ? junitXml(report) : `${JSON.stringify(report, null, 2)}\n`);
  return failingFindings(report, failOn).length > 0 ? 1 : 0;
}
