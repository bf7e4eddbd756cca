/**
 * A real redis-server for the tests (Debian's redis-server package; `npm test` installs it when it
 * can, scripts/ensure-redis.sh): on a free loopback port, in a temporary folder, with nothing
 * saved to disk. A test can stop it, freeze it and start it again on the same port, to see what
 * the sandbox does when Redis goes away. Without redis-server the test fails saying what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedisState, type RedisState } from '../../src/state/redis/index.js';
import { freePort } from './ports.js';
import { requireTool } from './tools.js';

export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** SIGSTOP: the connection stays open and nothing answers. */
  freeze(): void;
  /** SIGCONT. */
  thaw(): void;
  /** Stops it for good and removes its folder. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`redis-server did not ${what} within ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startRedis(): Promise<TestRedis> {
  const binary = requireTool('redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';

  async function start() {
    output = '';
    const started = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout!.on('data', (chunk) => (output += chunk));
    started.stderr!.on('data', (chunk) => (output += chunk));
    child = started;
    let exited = false;
    started.once('exit', () => (exited = true));
    await waitUntil(async () => {
      if (exited) throw new Error(`redis-server exited at start:\n${output}`);
      return canConnect(port);
    }, 'listen');
  }

  async function stop() {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGCONT'); // a frozen server cannot act on SIGTERM
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  }

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let prefixes = 0;

/** A Redis state on `redis` under a prefix of its own: empty, as a new memory state is. */
export function openRedisState(redis: TestRedis, journalSize = 500): Promise<RedisState> {
  return connectRedisState({ url: redis.url, prefix: `test-${process.pid}-${++prefixes}:`, journalSize, commandTimeoutMs: 2000, onStatus: () => {} });
}
