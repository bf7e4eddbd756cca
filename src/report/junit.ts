/**
 * The report as JUnit XML, so that CI shows it beside the client's own tests: one testsuite per
 * client (and sequence key), one failed testcase per error finding, a passing testcase when it has
 * none, and its warnings and infos as system-out.
 */
import type { ClientReport, Finding, Report } from './findings.js';

/** XML 1.0 has no escape for most control characters: they become U+FFFD. */
const NOT_XML = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function xmlText(value: string | number): string {
  return String(value).replace(NOT_XML, '\ufffd').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const attributes = (attrs: Record<string, string | number>) =>
  Object.entries(attrs)
    .map(([name, value]) => ` ${name}="${xmlText(value)}"`)
    .join('');

const suiteName = (c: ClientReport) => (c.sequenceKey === null ? c.clientId : `${c.clientId} (${c.sequenceKey})`);

const detail = (f: Finding) =>
  `${f.message} ${f.reference}. Interaction ids: first ${f.firstInteractionId}, last ${f.lastInteractionId} (journal ids ${f.firstRequestId} to ${f.lastRequestId}).`;

function suite(c: ClientReport): string {
  const name = suiteName(c);
  const errors = c.findings.filter((f) => f.severity === 'error');
  const others = c.findings.filter((f) => f.severity !== 'error');
  const cases = errors.length
    ? errors.map(
        (f) =>
          `    <testcase${attributes({ classname: name, name: f.code })}>\n` +
          `      <failure${attributes({ type: f.code, message: `${f.code} (${f.count}): ${f.message}` })}>${xmlText(detail(f))}</failure>\n` +
          '    </testcase>',
      )
    : [`    <testcase${attributes({ classname: name, name: 'no error findings' })}/>`];
  const out = others.length ? [`    <system-out>${xmlText(others.map((f) => `${f.severity} ${f.code} (${f.count}): ${detail(f)}`).join('\n'))}</system-out>`] : [];
  return [
    `  <testsuite${attributes({ name, tests: cases.length, failures: errors.length, errors: 0, skipped: 0 })}>`,
    ...cases,
    ...out,
    '  </testsuite>',
  ].join('\n');
}

export function junitXml(report: Report): string {
  const tests = report.clients.reduce((n, c) => n + Math.max(1, c.findings.filter((f) => f.severity === 'error').length), 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `fapi-token-sandbox report (${report.profile})`, tests, failures: report.counts.error, errors: 0 })}>`,
    ...report.clients.map(suite),
    '</testsuites>',
    '',
  ].join('\n');
}
