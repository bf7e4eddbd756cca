/**
 * The soak test of the hardening issue: 500 concurrent connections for 30 s against a sandbox
 * process, half on the success path (each request its own assertion) and half on an error path
 * (Prefer: code=429). Fails on any transport error or any answer other than the expected one,
 * and reports the server's resident memory before, at the peak, and after the load has settled.
 * Loopback only, bounded in time. Run with `npm run bench:soak`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { SANDBOX_CLI } from './paths.js';
import { peakRssMb } from './proc.js';
import { AssertionBodies } from './request-bodies.js';
import { HOST } from './settings.js';

const CONNECTIONS = 500;
const SECONDS = 30;
const SETTLE_MS = 10_000;
/** Generous: the success path stays under about 8,000 tokens a second on two cores. */
const SUCCESS_BODIES = 200_000;

function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(kb![1]) / 1024;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<number> {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const bodies = new AssertionBodies(url);
  process.stdout.write(`signing ${SUCCESS_BODIES} assertions ahead of the run...\n`);
  await bodies.ensure(SUCCESS_BODIES);
  const success = bodies.source(true);

  const child = spawn(process.execPath, [SANDBOX_CLI, '--port', String(port), '--no-admin'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${url}/jwks`).then((r) => r.status, () => 0)) === 200) break;
    await sleep(25);
  }
  const before = rssMb(child.pid!);

  const common = { url: `${url}/token`, duration: SECONDS, method: 'POST' as const, timeout: 10 };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const [ok, refused] = await Promise.all([
    autocannon({
      ...common,
      connections: CONNECTIONS / 2,
      headers: form,
      requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: success.next() }) }],
      expectBody: undefined,
    }),
    autocannon({ ...common, connections: CONNECTIONS / 2, headers: { ...form, prefer: 'code=429' }, body: 'client_id=soak' }),
  ]);
  const peak = peakRssMb(child.pid!);
  await sleep(SETTLE_MS);
  const after = rssMb(child.pid!);
  child.kill('SIGTERM');

  const unexpectedOk = ok.requests.total - (ok['2xx'] ?? 0);
  const unexpectedRefused = refused.requests.total - (refused['4xx'] ?? 0);
  const report = {
    connections: CONNECTIONS,
    seconds: SECONDS,
    success: { requests: ok.requests.total, rps: ok.requests.average, p99ms: ok.latency.p99, errors: ok.errors, timeouts: ok.timeouts, unexpected: unexpectedOk, reusedBodies: success.reused },
    errorPath: { requests: refused.requests.total, rps: refused.requests.average, p99ms: refused.latency.p99, errors: refused.errors, timeouts: refused.timeouts, unexpected: unexpectedRefused },
    rssMb: { before: Math.round(before), peak: Math.round(peak), afterSettling: Math.round(after) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const failures = ok.errors + ok.timeouts + refused.errors + refused.timeouts + unexpectedOk + unexpectedRefused + success.reused;
  if (failures > 0) {
    process.stderr.write(`soak FAILED: ${failures} errors, timeouts, unexpected answers or reused assertions\n`);
    return 1;
  }
  return 0;
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
