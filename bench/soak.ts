/**
 * The soak of the hardening issue: SOAK.connections concurrent connections for SOAK.seconds
 * against one sandbox process, half on the success path (each request its own assertion) and half
 * on an error path (Prefer: code=429). Every answer is checked against the OpenAPI documents (the
 * same ajv validator as the fuzz tests). The soak fails on any transport error or timeout, any
 * unexpected status, any answer outside the contract, and on a leak: the heap the server retains
 * after a full GC, once the load is over and POST /__sandbox/reset has emptied its bounded stores
 * (used jti values, the journal), must be back within SOAK.retainedHeapGrowthMb of the same
 * measure before the load. Part of `npm run bench`; alone: `npm run bench:soak`.
 */
import { pathToFileURL } from 'node:url';
import { contractProblems } from '../test/support/contract-validator.js';
import { freePort } from '../test/support/ports.js';
import { loadOnce, loadProblems, type LoadRequest, type LoadResult, type LoadShape } from './load.js';
import { HEAP_PROBE, SANDBOX_CLI } from './paths.js';
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
  /** Resident memory, for information: V8 gives pages back to the kernel when it sees fit (28-50 s later, seen here). */
  rssMb: { before: number; peak: number; after: number };
  /** The heap in use after a full GC: before the load, and after it and a reset. */
  retainedHeapMb: { before: number; after: number };
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

/**
 * Runs the soak against a fresh sandbox on `port`. Its issuer is fixed to `audience`, the URL that
 * `bodies` were signed for, so that the same assertions serve; a fresh process has an empty replay
 * store, so assertions used by earlier runs serve again.
 */
export async function soak(bodies: AssertionBodies, port: number, audience: string, log: (line: string) => void): Promise<SoakReport> {
  const accepted: LoadRequest = { headers: {}, body: bodies.source(true), expectedStatus: 200 };
  const refused: LoadRequest = { headers: { prefer: 'code=429' }, body: { next: () => 'client_id=soak', used: 0, reused: 0 }, expectedStatus: 429 };
  const args = ['--expose-gc', '--import', pathToFileURL(HEAP_PROBE).href, SANDBOX_CLI, '--port', String(port), '--issuer', audience];
  const server = await startServer({ label: 'soak sandbox', command: process.execPath, args, port, probe: refused, ipc: true });
  try {
    const before = { rss: server.rssMb(), heap: await server.retainedHeapMb() };
    log(`soak: ${SOAK.connections} connections for ${SOAK.seconds} s; server heap ${before.heap.toFixed(1)} MB after a full GC, resident ${Math.round(before.rss)} MB`);
    const [ok, refusedPath] = await Promise.all([checkedLoad(server.url, accepted), checkedLoad(server.url, refused)]);
    const peak = server.peakRssMb();
    const problems = [...pathProblems('success path', ok, accepted), ...pathProblems('error path', refusedPath, refused)];
    log(`soak: ${ok.requests + refusedPath.requests} answers, ${problems.length === 0 ? 'all as expected' : problems.join('; ')}; peak memory ${Math.round(peak)} MB`);

    const reset = await fetch(`${server.url}/__sandbox/reset`, { method: 'POST' });
    if (reset.status !== 204) problems.push(`POST /__sandbox/reset answered ${reset.status}, not 204`);
    const after = { rss: server.rssMb(), heap: await server.retainedHeapMb() };
    const growth = after.heap - before.heap;
    if (growth > SOAK.retainedHeapGrowthMb) {
      problems.push(`the heap retained after the load and a reset grew by ${growth.toFixed(1)} MB (${before.heap.toFixed(1)} → ${after.heap.toFixed(1)} MB), more than ${SOAK.retainedHeapGrowthMb} MB: a leak`);
    }
    log(`soak: after the load and a reset, heap ${after.heap.toFixed(1)} MB after a full GC (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB), resident ${Math.round(after.rss)} MB`);
    return {
      connections: SOAK.connections,
      seconds: SOAK.seconds,
      success: ok,
      errorPath: refusedPath,
      rssMb: { before: Math.round(before.rss), peak: Math.round(peak), after: Math.round(after.rss) },
      retainedHeapMb: { before: Number(before.heap.toFixed(1)), after: Number(after.heap.toFixed(1)) },
      problems,
    };
  } finally {
    await server.stop();
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
  const report = await soak(bodies, port, `http://${HOST}:${port}`, log);
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
