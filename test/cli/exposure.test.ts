/**
 * The command beyond loopback, as a container runs it: the URLs it prints, a generated admin
 * token shown once, and the host names it answers to (HOST, SANDBOX_ADMIN_TOKEN,
 * SANDBOX_ALLOWED_HOSTS).
 */
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CLI, runCli, startCommand } from '../support/cli.js';
import { freePort } from '../support/ports.js';

/** GET with the Host header given (fetch cannot set it). */
function get(url: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: text === '' ? undefined : JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const printedToken = (output: string) => /control API: +\S+ \(.*; bearer token: ([^)\s]+)\)/.exec(output)?.[1];

describe('beyond loopback', () => {
  it('--admin-token generate: prints a fresh token once, which opens the control API; none gets 401', async () => {
    const port = await freePort();
    const s = await startCommand(process.execPath, [CLI, '--host', '0.0.0.0', '--port', String(port), '--admin-token', 'generate']);
    try {
      // Bound to every interface, it prints an address a user can open.
      expect(s.url).toBe(`http://127.0.0.1:${port}`);
      await new Promise((r) => setTimeout(r, 50));
      const token = printedToken(s.output());
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
      expect(s.output().split(token!).length - 1).toBe(1);
      const journal = `${s.url}/__sandbox/requests`;
      expect((await fetch(journal)).status).toBe(401);
      expect((await fetch(journal, { headers: { authorization: 'Bearer generate' } })).status).toBe(401);
      expect((await fetch(journal, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it("a container's settings: HOST=::, SANDBOX_ADMIN_TOKEN=generate and SANDBOX_ALLOWED_HOSTS serve the CI service name", async () => {
    const port = await freePort();
    const env = { HOST: '::', PORT: String(port), SANDBOX_ADMIN_TOKEN: 'generate', SANDBOX_ALLOWED_HOSTS: 'sandbox' };
    const s = await startCommand(process.execPath, [CLI], env);
    try {
      expect(s.url).toBe(`http://127.0.0.1:${port}`);
      await new Promise((r) => setTimeout(r, 50));
      const token = printedToken(s.output());
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const discovery = `${s.url}/.well-known/openid-configuration`;
      expect(await get(discovery, `sandbox:${port}`)).toMatchObject({ status: 200, body: { issuer: `http://sandbox:${port}` } });
      expect(await get(discovery, `localhost:${port}`)).toMatchObject({ status: 200, body: { issuer: `http://localhost:${port}` } });
      expect(await get(discovery, `evil.example:${port}`)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      expect((await get(`${s.url}/__sandbox/scenarios`, 'sandbox', { authorization: `Bearer ${token}` })).status).toBe(200);
      const refusal = /"level":"warn","msg":"request".*"refusal":"host\.not_allowed","host":"evil\.example"/;
      for (let i = 0; i < 100 && !refusal.test(s.output()); i++) await new Promise((r) => setTimeout(r, 20)); // stdout is a pipe
      expect(s.output()).toMatch(refusal);
    } finally {
      await s.stop();
    }
  });

  it.each([
    [['--allowed-hosts', 'sandbox:4010'], /^fapi-token-sandbox: options: at allowedHosts: "sandbox:4010" is not a host name: give names or addresses such as sandbox or my-host\.example, without scheme or port$/m],
    [['--allowed-hosts', '*,sandbox'], /at allowedHosts: \* allows every host and cannot be combined with others$/m],
  ])('refuses %j with one clear line and exit 2', async (args, message) => {
    const r = await runCli(['--port', '0', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
