/**
 * `--workers N`: N processes of one machine serving one port (node:cluster; the primary accepts
 * connections and hands them to the workers in turn). Each worker is a whole sandbox, so with
 * more than one their state must be shared: N > 1 needs Redis. The primary serves nothing: it
 * starts the workers, waits until every one listens (or the first fails, whose one-line reason
 * it then reports), starts another when one dies (after a pause), and on close stops them all.
 */
import cluster, { type Worker } from 'node:cluster';
import { OptionError } from '../settings/errors.js';

/** What a worker tells the primary once it started, or why it could not. */
export type WorkerReport =
  | { kind: 'ready'; url: string; mtlsUrl?: string; scenarios: string[] }
  | { kind: 'failed'; message: string; exitCode: number };

/** A start that failed in a worker, with the line the worker would have printed. */
export class WorkerStartError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

export interface RunningWorkers {
  /** The first worker's report; every worker listens at the same URLs. */
  ready: Extract<WorkerReport, { kind: 'ready' }>;
  /** Stops every worker (SIGTERM) and waits until they are gone. */
  close(): Promise<void>;
}

export const isWorker = () => cluster.isWorker;

/** The worker's number (1, 2, ...), for its log lines; undefined outside a worker. */
export const workerId = () => cluster.worker?.id;

/**
 * The program's arguments. node:cluster forks a worker as `node SCRIPT ARGS`; a standalone
 * executable is its own script, so its worker is `EXE EXE ARGS`, and the second EXE is dropped.
 */
export function programArguments(argv: readonly string[] = process.argv): string[] {
  const args = argv.slice(2);
  return cluster.isWorker && args[0] === process.execPath ? args.slice(1) : args;
}

/** From a worker: tells the primary how its start went. */
export function reportToPrimary(report: WorkerReport): Promise<void> {
  return new Promise((resolve) => process.send!(report, undefined, undefined, () => resolve()));
}

export function checkWorkers(count: number, redis: string | undefined): void {
  if (!Number.isInteger(count) || count < 1) throw OptionError.at('workers', `must be a whole number of at least 1, got ${count}`);
  if (count > 1 && redis === undefined) {
    throw OptionError.at('workers', `above 1 needs --redis (or SANDBOX_REDIS_URL): each worker is a process of its own, and only a shared state makes ${count} of them answer as one sandbox`);
  }
}

/** A worker that dies after the start is started again after this pause (a crash loop stays slow). */
const RESTART_DELAY_MS = 1000;

/**
 * Forks `count` workers running this program with the same arguments (and `env` added), and
 * resolves once all listen, or rejects with the first one's failure. Later, a worker that dies is
 * started again; `onLost` hears why (its exit, or why its new start failed).
 */
export function startWorkers(count: number, env: Record<string, string>, onLost: (why: string) => void): Promise<RunningWorkers> {
  const workers = new Set<Worker>();
  let stopping = false;
  const close = async () => {
    stopping = true;
    await Promise.all(
      [...workers].map((w) => new Promise<void>((resolve) => {
        if (w.isDead()) return resolve();
        w.once('exit', () => resolve());
        w.process.kill('SIGTERM');
      })),
    );
  };

  return new Promise((resolve, reject) => {
    let ready: Extract<WorkerReport, { kind: 'ready' }> | undefined;
    let waiting = count;
    const started = () => waiting === 0;
    const failed = (err: WorkerStartError) => {
      if (stopping) return;
      void close().then(() => reject(err));
    };
    const fork = () => {
      const worker = cluster.fork(env);
      workers.add(worker);
      worker.on('message', (report: WorkerReport) => {
        if (started()) {
          if (report.kind === 'failed') onLost(`a worker could not start again: ${report.message}`);
          return;
        }
        if (report.kind === 'failed') return failed(new WorkerStartError(report.message, report.exitCode));
        ready ??= report;
        if (--waiting === 0) resolve({ ready, close });
      });
      worker.on('exit', (code, signal) => {
        workers.delete(worker);
        if (stopping) return;
        const how = signal ? `signal ${signal}` : `code ${code}`;
        if (!started()) return failed(new WorkerStartError(`a worker exited (${how}) before it listened`, 1));
        onLost(`a worker exited (${how}); starting another`);
        setTimeout(() => stopping || fork(), RESTART_DELAY_MS);
      });
    };
    for (let i = 0; i < count; i++) fork();
  });
}
