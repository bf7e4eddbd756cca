/** The command line on Redis: --redis and SANDBOX_REDIS_URL, and a Redis it cannot reach (one line, exit 2). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, startCommand } from '../support/cli.js';
import { pkjwtForm } from '../support/clients.js';
import { freePort } from '../support/ports.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { tokenRequest } from '../support/requests.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.close();
});

describe('fapi-token-sandbox --redis', () => {
  it.each([
    [['--redis', 'localhost:6379'], /^fapi-token-sandbox: options: at redis: must be a redis:\/\/ or rediss:\/\/ URL, e\.g\. redis:\/\/localhost:6379, got "localhost:6379"$/m],
    [['--redis', 'redis://:hunter2hunter2@127.0.0.1:1'], /^fapi-token-sandbox: options: at redis: cannot reach redis:\/\/:\*\*\*@127\.0\.0\.1:1: cannot connect: connect ECONNREFUSED 127\.0\.0\.1:1$/m],
  ])('refuses %j with one line and exit 2', async (args, message) => {
    const r = await runCli(['--port', '0', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('two processes, one by flag and one by SANDBOX_REDIS_URL, refuse a jti the other saw', async () => {
    const issuer = 'http://sandbox.test';
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startCommand(process.execPath, [CLI, '--port', String(portA), '--issuer', issuer, '--redis', redis.url]);
    const b = await startCommand(process.execPath, [CLI, '--port', String(portB), '--issuer', issuer], { SANDBOX_REDIS_URL: redis.url });
    try {
      expect(a.output()).toContain(`shared state:   ${redis.url} (key prefix fapi-token-sandbox:)`);
      const fields = await pkjwtForm(issuer);
      expect((await fetch(tokenRequest(a.url, fields))).status).toBe(200);
      expect((await fetch(tokenRequest(b.url, fields))).status).toBe(400);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
