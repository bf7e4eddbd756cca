/**
 * Load runs with autocannon's programmatic API (the servers are child processes): for the
 * comparison, a warm-up then the measured period with the same settings for every server; for
 * the soak, any number of connections, with every answer checked by a given function. Every
 * request body comes from a BodySource, so that each success-path request carries its own
 * assertion.
 */
import type { IncomingHttpHeaders } from 'node:http';
import autocannon from 'autocannon';
import type { BodySource } from './request-bodies.js';
import { LOAD } from './settings.js';

export interface LoadRequest {
  headers: Record<string, string>;
  body: BodySource;
  /** The status every answer must have. */
  expectedStatus: number;
}

export interface LoadResult {
  requests: number;
  /** Requests per second, averaged over the measured seconds. */
  rps: number;
  /** The busiest second's requests. */
  peakRps: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers with another status than the expected one. */
  unexpected: number;
  statuses: Record<string, number>;
}

export interface LoadShape {
  connections: number;
  seconds: number;
  /** Called with every answer (autocannon then keeps each body). */
  check?: (status: number, headers: Headers, body: string) => void;
}

function run(baseUrl: string, request: LoadRequest, shape: LoadShape): Promise<autocannon.Result> {
  const check = shape.check;
  return autocannon({
    url: `${baseUrl}/token`,
    connections: shape.connections,
    pipelining: LOAD.pipelining,
    duration: shape.seconds,
    timeout: LOAD.timeoutSeconds,
    requests: [
      {
        method: 'POST',
        path: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...request.headers },
        setupRequest: (req) => ({ ...req, body: request.body.next() }),
        ...(check && {
          onResponse: (status: number, body: string, _context: object, headers: IncomingHttpHeaders | undefined) => {
            check(status, new Headers(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)] as [string, string])), body);
          },
        }),
      },
    ],
  });
}

/** What makes a load run fail: errors or timeouts, another status, an assertion sent twice. */
export function loadProblems(label: string, load: LoadResult, expectedStatus: number, reusedBodies: number): string[] {
  const problems: string[] = [];
  if (load.errors > 0) problems.push(`${label}: ${load.errors} connection errors or timeouts`);
  if (load.unexpected > 0) problems.push(`${label}: ${load.unexpected} answers were not ${expectedStatus} (${JSON.stringify(load.statuses)})`);
  if (reusedBodies > 0) problems.push(`${label}: the assertion pool ran out (${reusedBodies} sent twice)`);
  return problems;
}

/** One load run of `shape.seconds`, without a warm-up. */
export async function loadOnce(baseUrl: string, request: LoadRequest, shape: LoadShape): Promise<LoadResult> {
  return summarise(await run(baseUrl, request, shape), request.expectedStatus);
}

function summarise(result: autocannon.Result, expectedStatus: number): LoadResult {
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, s]) => [status, s.count ?? 0]));
  const unexpected = Object.entries(statuses).reduce((n, [status, count]) => (Number(status) === expectedStatus ? n : n + count), 0);
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    peakRps: result.requests.max,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors, // includes timeouts
    unexpected,
    statuses,
  };
}

/**
 * Warms up, calls `beforeMeasure` with the warm-up's numbers (to prepare enough request bodies
 * while the server is idle), then measures.
 */
export async function measureLoad(
  baseUrl: string,
  request: LoadRequest,
  beforeMeasure: (warmup: LoadResult) => Promise<void> = async () => {},
): Promise<LoadResult> {
  const warmup = await loadOnce(baseUrl, request, { connections: LOAD.connections, seconds: LOAD.warmupSeconds });
  await beforeMeasure(warmup);
  const measured = await loadOnce(baseUrl, request, { connections: LOAD.connections, seconds: LOAD.measuredSeconds });
  // Warm-up failures count too: a run is clean only when every answer was the expected one.
  return { ...measured, errors: measured.errors + warmup.errors, unexpected: measured.unexpected + warmup.unexpected };
}
