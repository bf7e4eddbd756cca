/**
 * A server under test as a child process: spawned, timed from spawn to its first expected
 * answer, its peak resident memory read from the kernel (VmHWM) before it is stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadRequest } from './load.js';
import { cpuSeconds, peakRssMb, rssMb } from './proc.js';
import { HOST, STARTUP_TIMEOUT_MS } from './settings.js';

export interface ServerCommand {
  label: string;
  command: string;
  args: string[];
  port: number;
  /** The request whose expected answer means "started". */
  probe: LoadRequest;
  /** Opens an IPC channel, for a server started with bench/heap-probe (retainedHeapMb). */
  ipc?: boolean;
}

export interface RunningServer {
  url: string;
  pid: number;
  startupMs: number;
  /** Peak resident set size so far, in MB. */
  peakRssMb(): number;
  /** Resident set size now, in MB. */
  rssMb(): number;
  /** CPU time used so far, in seconds. */
  cpuSeconds(): number;
  /** The heap in use after a full GC, in MB (a server started with bench/heap-probe and `ipc`). */
  retainedHeapMb(): Promise<number>;
  stop(): Promise<void>;
}

const POLL_INTERVAL_MS = 5;

/** One attempt: the answer's status, or undefined when nothing listens yet. */
function tryOnce(url: string, probe: LoadRequest): Promise<number | undefined> {
  const body = probe.body.next();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/token`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...probe.headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNREFUSED' ? resolve(undefined) : reject(err)));
    req.end(body);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function retainedHeapMb(child: ChildProcess, label: string): Promise<number> {
  if (!child.send) return Promise.reject(new Error(`${label}: started without an IPC channel`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no answer to the heap probe within 10 s`)), 10_000);
    child.once('message', (message: { heapUsedBytes: number }) => {
      clearTimeout(timer);
      resolve(message.heapUsedBytes / 1024 ** 2);
    });
    child.send('heap');
  });
}

/** Every child still running, so that a failure or the deadline can stop them all. */
const running = new Set<ChildProcess>();
export const stopAllServers = () => Promise.all([...running].map(stopChild));

export async function startServer(spec: ServerCommand): Promise<RunningServer> {
  const url = `http://${HOST}:${spec.port}`;
  const started = performance.now();
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe', ...(spec.ipc ? ['ipc' as const] : [])] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const collect = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);

  const fail = async (why: string) => {
    await stopChild(child);
    throw new Error(`${spec.label}: ${why}\n${output}`);
  };
  for (;;) {
    if (child.exitCode !== null) return fail(`exited with ${child.exitCode} before answering`);
    if (performance.now() - started > STARTUP_TIMEOUT_MS) return fail(`no answer within ${STARTUP_TIMEOUT_MS} ms`);
    const status = await tryOnce(url, spec.probe);
    if (status === spec.probe.expectedStatus) break;
    if (status !== undefined) return fail(`answered the probe with ${status}, expected ${spec.probe.expectedStatus}`);
    await sleep(POLL_INTERVAL_MS);
  }
  const startupMs = performance.now() - started;

  return {
    url,
    pid: child.pid!,
    startupMs,
    peakRssMb: () => peakRssMb(child.pid!),
    rssMb: () => rssMb(child.pid!),
    cpuSeconds: () => cpuSeconds(child.pid!),
    retainedHeapMb: () => retainedHeapMb(child, spec.label),
    stop: () => stopChild(child),
  };
}
