/**
 * One load run with autocannon's programmatic API (the servers are child processes): a warm-up,
 * then the measured period, with the same settings for every server. Every request body comes
 * from a BodySource, so that each success-path request carries its own assertion.
 */
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

function run(baseUrl: string, request: LoadRequest, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${baseUrl}/token`,
    connections: LOAD.connections,
    pipelining: LOAD.pipelining,
    duration: seconds,
    timeout: LOAD.timeoutSeconds,
    requests: [
      {
        method: 'POST',
        path: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...request.headers },
        setupRequest: (req) => ({ ...req, body: request.body.next() }),
      },
    ],
  });
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
  const warmup = summarise(await run(baseUrl, request, LOAD.warmupSeconds), request.expectedStatus);
  await beforeMeasure(warmup);
  const measured = summarise(await run(baseUrl, request, LOAD.measuredSeconds), request.expectedStatus);
  // Warm-up failures count too: a run is clean only when every answer was the expected one.
  return { ...measured, errors: measured.errors + warmup.errors, unexpected: measured.unexpected + warmup.unexpected };
}
