/**
 * --workers 2 on Redis: two processes behind one port, connections spread between them, one
 * sandbox to a client (a jti used through one worker is refused through the other); the start-up
 * lines come once; a worker that dies is replaced; SIGTERM to the primary stops the workers too,
 * and it exits 0.
 */
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { CLI, runCli, startCommand } from '../support/cli.js';
import { pkjwtForm } from '../support/clients.js';
import { freePort } from '../support/ports.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { form, type Fields } from '../support/requests.js';
import { requireTool } from '../support/tools.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

/** POST /token on a connection of its own (the primary hands each connection to the next worker). */
function tokenOnNewConnection(base: string, fields: Fields): Promise<{ status: number; interactionId: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/token`, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, interactionId: String(res.headers['x-fapi-interaction-id']) }));
    });
    req.on('error', reject);
    req.end(form(fields));
  });
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('fapi-token-sandbox --workers 2 --redis URL', () => {
  it('spreads connections over two workers that answer as one sandbox, prints its start once, replaces one that dies, and stops them on SIGTERM', async () => {
    requireTool('pgrep', 'procps');
    const issuer = 'http://sandbox.test';
    const port = await freePort();
    const s = await startCommand(process.execPath, [CLI, '--port', String(port), '--issuer', issuer, '--workers', '2', '--redis', redis.url]);
    let exited = false;
    s.child.once('exit', () => (exited = true));
    try {
      const workerPids = execFileSync('pgrep', ['-P', String(s.child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
      expect(workerPids).toHaveLength(2);

      const fields = await pkjwtForm(issuer);
      const first = await tokenOnNewConnection(s.url, fields);
      const replayed = await tokenOnNewConnection(s.url, fields);
      const more = [];
      for (let i = 0; i < 4; i++) more.push(await tokenOnNewConnection(s.url, await pkjwtForm(issuer)));
      expect(first.status).toBe(200);
      expect(replayed.status).toBe(400);
      expect(more.map((r) => r.status)).toEqual([200, 200, 200, 200]);

      await new Promise((r) => setTimeout(r, 200)); // log lines are written once per turn of the event loop
      const lines = s.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const workerOf = (id: string) => lines.find((l) => l.msg === 'request' && l.interactionId === id)?.worker;
      expect(workerOf(replayed.interactionId)).not.toBe(workerOf(first.interactionId));
      expect(lines.find((l) => l.interactionId === replayed.interactionId)).toMatchObject({ refusal: 'assertion.jti.replayed' });
      expect(new Set([first, replayed, ...more].map((r) => workerOf(r.interactionId)))).toEqual(new Set([1, 2]));
      expect(s.output().match(/listening on/g)).toHaveLength(1);
      expect(s.output()).toContain('workers:        2 processes on one port');

      // A worker that dies is started again, and the sandbox goes on answering meanwhile: once the
      // primary has seen it die (a connection it handed to the worker in that instant is lost with it, as node:cluster does).
      process.kill(workerPids[0]!, 'SIGKILL');
      const deadline = Date.now() + 10_000;
      while (!s.errors().includes('a worker exited') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      let workersNow = workerPids;
      while (Date.now() < deadline) {
        expect((await tokenOnNewConnection(s.url, await pkjwtForm(issuer))).status).toBe(200);
        workersNow = execFileSync('pgrep', ['-P', String(s.child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
        if (workersNow.length === 2 && !workersNow.includes(workerPids[0]!)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(workersNow).toHaveLength(2);
      expect(workersNow).not.toContain(workerPids[0]);
      expect(s.errors()).toContain('fapi-token-sandbox: a worker exited (signal SIGKILL); starting another');

      const code = await new Promise<number | null>((resolve) => {
        s.child.once('exit', (c) => resolve(c));
        s.child.kill('SIGTERM');
      });
      expect(code).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      expect([...workerPids, ...workersNow].filter(isAlive)).toEqual([]);
    } finally {
      if (!exited) await s.stop();
    }
    // Three processes start, one is killed and started again: on a busy two-core machine that can take longer than the default.
  }, 90_000);

  it('a start that fails in the workers is said once, in one line, exit 2', async () => {
    const busy = createServer();
    const port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
    try {
      const r = await runCli(['--port', String(port), '--workers', '2', '--redis', redis.url]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`fapi-token-sandbox: port ${port} on 127.0.0.1 is already in use; choose another port\n`);
    } finally {
      busy.close();
    }
  });
});
