/**
 * The soak of the hardening issue: SOAK.connections concurrent connections for SOAK.seconds
 * against one sandbox process, half on the success path (each request its own assertion) and half
 * on an error path (Prefer: code=429). Every answer is checked against the OpenAPI documents (the
 * same ajv validator as the fuzz tests). The soak fails on any transport error or timeout, any
 * unexpected status, any answer outside the contract, and when the server's resident memory does
 * not come back near its start after the load. Part of `npm run bench`; alone: `npm run bench:soak`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { contractProblems } from '../test/support/contract-validator.js';
import { freePort } from '../test/support/ports.js';
import { loadOnce, loadProblems, type LoadRequest, type LoadResult, type LoadShape } from './load.js';
import { SANDBOX_CLI } from './paths.js';
import { AssertionBodies } from './request-bodies.js';
import { startServer } from './server-process.js';
import { HOST, SOAK } from './settings.js';

export interface SoakPath extends LoadResult {
  /** Answers the documents do not allow, and the first of them. */
  outsideContract: number;
  firstProblem?: string;
}

export interface SoakReport {
  connections: number;
  seconds: number;
  success: SoakPath;
  errorPath: SoakPath;
  rssMb: { before: number; peak: number; after: number };
  /** Seconds from the end of the load until resident memory was back near its start. */
  settleSeconds: number;
  /** Why the soak failed; empty when it passed. */
  problems: string[];
}

/**
 * The assertions a soak may use, from the success path's fastest measured second alone: in the
 * soak it shares the server with the error path (it ran at 0.5-0.6 of that), so 0.8 leaves room.
 */
export const soakAssertionsNeeded = (fastestSuccessRps: number) => Math.ceil(fastestSuccessRps * 0.8 * SOAK.seconds);

async function checkedLoad(url: string, request: LoadRequest): Promise<SoakPath> {
  let outsideContract = 0;
  let firstProblem: string | undefined;
  const shape: LoadShape = {
    connections: SOAK.connections / 2,
    seconds: SOAK.seconds,
    check: (status, headers, body) => {
      const problems = contractProblems('POST', '/token', status, headers, body);
      if (problems.length === 0) return;
      outsideContract++;
      firstProblem ??= `${status}: ${problems.join('; ')}`;
    },
  };
  const result = await loadOnce(url, request, shape);
  return { ...result, outsideContract, ...(firstProblem === undefined ? {} : { firstProblem }) };
}

function pathProblems(name: string, path: SoakPath, request: LoadRequest): string[] {
  const problems = loadProblems(name, path, request.expectedStatus, request.body.reused);
  if (path.outsideContract > 0) problems.push(`${name}: ${path.outsideContract} answers outside the contract, first: ${path.firstProblem}`);
  return problems;
}

/** A soak whose load is over, while the server's memory settles. */
export interface SoakInProgress {
  /** Waits until the server's memory is back near its start (or the wait is over), stops it, reports. */
  settled(): Promise<SoakReport>;
}

/**
 * Runs the soak's load against a fresh sandbox on `port`. Its issuer is fixed to `audience`, the
 * URL that `bodies` were signed for, so that the same assertions serve; a fresh process has an
 * empty replay store, so assertions used by earlier runs serve again. The caller may do other
 * work before `settled()`: V8 gives memory back tens of seconds after the load, in one burst of
 * about 0.4 CPU-s that shows in whatever is measured then.
 */
export async function soakLoad(bodies: AssertionBodies, port: number, audience: string, log: (line: string) => void): Promise<SoakInProgress> {
  const accepted: LoadRequest = { headers: {}, body: bodies.source(true), expectedStatus: 200 };
  const refused: LoadRequest = { headers: { prefer: 'code=429' }, body: { next: () => 'client_id=soak', used: 0, reused: 0 }, expectedStatus: 429 };
  const args = [SANDBOX_CLI, '--port', String(port), '--issuer', audience, '--no-admin'];
  const server = await startServer({ label: 'soak sandbox', command: process.execPath, args, port, probe: refused });
  try {
    const before = server.rssMb();
    log(`soak: ${SOAK.connections} connections for ${SOAK.seconds} s, resident memory ${Math.round(before)} MB`);
    const [ok, refusedPath] = await Promise.all([
      checkedLoad(server.url, accepted),
      checkedLoad(server.url, refused),
    ]);
    const loadEnded = performance.now();
    const cpuAtLoadEnd = server.cpuSeconds();
    const peak = server.peakRssMb();
    const problems = [...pathProblems('success path', ok, accepted), ...pathProblems('error path', refusedPath, refused)];
    log(`soak: ${ok.requests + refusedPath.requests} answers, ${problems.length === 0 ? 'all as expected' : problems.join('; ')}; peak memory ${Math.round(peak)} MB`);

    const settled = async (): Promise<SoakReport> => {
      try {
        const limit = before * SOAK.settledRssRatio;
        let after = server.rssMb();
        while (after > limit && performance.now() - loadEnded < SOAK.settleMaxSeconds * 1000) {
          await sleep(1_000);
          after = server.rssMb();
        }
        const settleSeconds = (performance.now() - loadEnded) / 1000;
        if (after > limit) problems.push(`resident memory ${Math.round(after)} MB ${Math.round(settleSeconds)} s after the load, more than ${SOAK.settledRssRatio}x its ${Math.round(before)} MB at the start`);
        const settleCpu = server.cpuSeconds() - cpuAtLoadEnd;
        log(`soak: memory ${Math.round(after)} MB ${Math.round(settleSeconds)} s after the load (${Math.round(before)} MB at the start), ${settleCpu.toFixed(2)} CPU-s meanwhile`);
        return {
          connections: SOAK.connections,
          seconds: SOAK.seconds,
          success: ok,
          errorPath: refusedPath,
          rssMb: { before: Math.round(before), peak: Math.round(peak), after: Math.round(after) },
          settleSeconds: Math.round(settleSeconds),
          problems,
        };
      } finally {
        await server.stop();
      }
    };
    return { settled };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** `npm run bench:soak`: the soak alone, with its own assertions. */
async function main(): Promise<number> {
  const port = await freePort();
  const bodies = new AssertionBodies(`http://${HOST}:${port}`);
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  // The success path's best seen here alone is about 7,200 tokens a second.
  log('soak: signing assertions ahead of the run');
  await bodies.ensure(soakAssertionsNeeded(7_200));
  const report = await (await soakLoad(bodies, port, `http://${HOST}:${port}`, log)).settled();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.problems.length === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`bench: soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
