import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { DEMO, pkjwtForm } from '../support/clients.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';
import { CLI, runCli, startCommand } from '../support/cli.js';
import { stringify } from 'yaml';
import { shippedDoc, with503, writeContract } from '../fixtures/contracts/index.js';

const withBrokenRef = () => {
  const doc = shippedDoc();
  doc.paths['/token'].post.responses['400'] = { $ref: '#/components/responses/Nope' };
  return doc;
};
const without400 = () => {
  const doc = shippedDoc();
  delete doc.paths['/token'].post.responses['400'];
  return doc;
};

describe('fapi-token-sandbox CLI', () => {
  it('prints help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fapi-token-sandbox: /);
    for (const flag of ['--port N', '--host ADDR', '--scenarios DIR', '--rate-limit N/T', '--admin-token T', '--no-admin', '--help']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('starts, prints its URL and scenarios, serves, and stops on SIGTERM', async () => {
    const port = await freePort();
    const s = await startCommand(process.execPath, [CLI, '--port', String(port)]);
    try {
      expect(s.url).toBe(`http://127.0.0.1:${port}`);
      await new Promise((r) => setTimeout(r, 50));
      expect(s.output()).toMatch(/scenarios \(\d+\): .*throttled/);
      const res = await fetch(tokenRequest(s.url, undefined, { prefer: 'code=502' }));
      expect(res.status).toBe(502);
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it('takes PORT and HOST from the environment', async () => {
    const port = await freePort();
    const s = await startCommand(process.execPath, [CLI], { PORT: String(port), HOST: '127.0.0.1' });
    try {
      expect(s.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await s.stop();
    }
  });

  it('passes flags through npm start', async () => {
    const port = await freePort();
    const s = await startCommand('npm', ['start', '--silent', '--', '--port', String(port)]);
    try {
      expect(s.url).toBe(`http://127.0.0.1:${port}`);
      expect((await fetch(tokenRequest(s.url, await pkjwtForm(s.url)))).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it.each([
    [['--port', 'abc'], /^fapi-token-sandbox: --port must be a whole number from 0 to 65535, got "abc"$/m],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['--colour'], /^fapi-token-sandbox: Unknown option '--colour'/m],
    [['--scenarios', '/no/such/folder'], /^fapi-token-sandbox: \/no\/such\/folder: cannot read the scenarios folder \(ENOENT\)$/m],
    [['--host', 'no-such-host.invalid', '--port', '0', '--no-admin'], /cannot bind to host "no-such-host.invalid"/],
    [['--clients', '/no/such/clients.yaml'], /^fapi-token-sandbox: \/no\/such\/clients\.yaml: cannot read the clients file \(ENOENT\)$/m],
    [['--signing-alg', 'RS256'], /--signing-alg must be ES256 or PS256, got "RS256"/],
    [['--port', '0', '--tls-port', '0', '--tls-cert', '/no/cert.pem'], /\/no\/cert\.pem: cannot read the TLS certificate \(ENOENT\)/],
    [['--port', '0', '--tls-port', '0', '--tls-key', 'demo/pki/client.key'], /cannot be used for TLS: .*key values mismatch/],
    [['--port', '0', '--issuer', 'not a url'], /at issuer: must be an absolute URL, got "not a url"/],
    [['--port', '0', '--profile', 'fapi3'], /^fapi-token-sandbox: options: at profile: must be one of fapi1-advanced, fapi2, open-finance-brasil, got "fapi3"$/m],
    [['--port', '0', '--profile', 'open-finance-brasil', '--token-lifetime', '1200'], /at tokenLifetimeSeconds: must be from 300 to 900 seconds under the open-finance-brasil profile/],
    [['--port', '0', '--cors', 'http://localhost:3000/app'], /at cors: "http:\/\/localhost:3000\/app" is not an origin: give the scheme, host and port only/],
    [['serve'], /unknown command "serve"/],
    [['assertion', '--key', 'demo/keys/sandbox-pkjwt.private.pem'], /assertion needs --client-id/],
    [['assertion', '--client-id', 'x', '--key', 'README.md'], /README\.md: is not a readable private key/],
    [['assertion', '--client-id', 'my-client'], /^fapi-token-sandbox: assertion needs --key FILE \(only the demo clients sign with their shipped key without it\)$/m],
    [['assertion', '--client-id', '../pki/client'], /assertion needs --key FILE/],
    [['--rate-limit', '10'], /^fapi-token-sandbox: --rate-limit must be REQUESTS\/WINDOW with a unit of ms, s, m or h, e\.g\. 10\/1s; got "10"$/m],
    [['--admin-token', 'short'], /^fapi-token-sandbox: the admin token must be at least 16 characters/m],
    [['--host', '0.0.0.0', '--port', '0'], /^fapi-token-sandbox: the control API \(\/__sandbox\/\) would be open to the network on 0\.0\.0\.0: set an admin token \(--admin-token or SANDBOX_ADMIN_TOKEN; generate makes a random one, printed at start\) or turn it off \(--no-admin\)$/m],
  ])('refuses %j with one clear line and exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).not.toMatch(/listening/);
  });

  it('prints a client assertion that the sandbox accepts (for curl users)', async () => {
    const port = await freePort();
    const s = await startCommand(process.execPath, [CLI, '--port', String(port)]);
    try {
      // With the key given, and for a demo client without it (the shipped demo key).
      for (const keyArgs of [['--key', DEMO.pkjwt.keyFile], []]) {
        const printed = await runCli(['assertion', '--client-id', DEMO.pkjwt.clientId, ...keyArgs, '--aud', s.url]);
        expect(printed.code).toBe(0);
        const assertion = printed.stdout.trim();
        expect(assertion).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
        const res = await fetch(
          tokenRequest(s.url, { client_id: DEMO.pkjwt.clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion }),
        );
        expect(res.status).toBe(200);
      }
    } finally {
      await s.stop();
    }
  });

  it('refuses a broken clients file, naming the file and the path inside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-clients-'));
    writeFileSync(join(dir, 'clients.yaml'), 'clients:\n  - client_id: a\n    token_endpoint_auth_method: client_secret_basic\n');
    const r = await runCli(['--clients', join(dir, 'clients.yaml'), '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'clients.yaml')}: at clients[0].token_endpoint_auth_method: must be one of: private_key_jwt, tls_client_auth`);
  });

  it('refuses a broken scenario file, naming the file and the path inside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-scenarios-'));
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\ndescription: d\nresponse: {status: 401}\n');
    const r = await runCli(['--scenarios', dir, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bad.yaml')}: at response.status: must be one of: 200, 201, 400, 404, 406, 429, 500, 502, 504`);
  });

  it('serves another version of the contract with --contract (and SANDBOX_CONTRACT): a documented 503 without an example answers a body made from its schema', async () => {
    const file = writeContract(with503());
    for (const [args, env] of [[['--contract', file], {}], [[], { SANDBOX_CONTRACT: file }]] as const) {
      const s = await startCommand(process.execPath, [CLI, '--port', '0', ...args], env);
      try {
        await new Promise((r) => setTimeout(r, 50));
        expect(s.output()).toContain(`  contract:       ${file} (reloaded when it changes)`);
        const res = await fetch(tokenRequest(s.url, undefined, { prefer: 'code=503' }));
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toBe('application/json');
        expect(await res.json()).toMatchObject({ code: 'SVC-111', errors: [expect.any(String)] });
      } finally {
        await s.stop();
      }
    }
  });

  const brokenContracts: [string, string, (file: string) => string][] = [
    ['a $ref that does not resolve', stringify(withBrokenRef()), (file) => `${file}: at paths./token.post.responses.400: $ref does not resolve: #/components/responses/Nope`],
    ['YAML that does not parse', 'openapi: 3.1.0\npaths: [\n', (file) => `${file}: at line 3, column 1: `],
    ['no POST /token', 'openapi: 3.1.0\npaths:\n  /token:\n    get: {}\n', (file) => `${file}: at paths./token.post: is missing: the sandbox serves POST /token`],
    ['no 400', stringify(without400()), (file) => `${file}: at paths./token.post.responses.400: is missing or has no JSON body schema`],
  ];
  it.each(brokenContracts)('refuses a contract with %s: one line naming the file, the place and the problem, exit 2', async (_label, text, line) => {
    const file = writeContract(text);
    const r = await runCli(['--contract', file, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`fapi-token-sandbox: ${line(file)}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('unexpected failure');
  });

  it('refuses a port in use', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const { port } = blocker.address() as { port: number };
    try {
      const r = await runCli(['--port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(`port ${port} on 127.0.0.1 is already in use; choose another port`);
    } finally {
      blocker.close();
    }
  });

  it('warns when binding beyond loopback, where the control API needs its token', async () => {
    const port = await freePort();
    const token = 'cli-admin-token-0123456789';
    const s = await startCommand(process.execPath, [CLI, '--host', '0.0.0.0', '--port', String(port)], { SANDBOX_ADMIN_TOKEN: token });
    try {
      expect(s.output()).toMatch(/warning: listening on 0\.0\.0\.0, not loopback/);
      const local = `http://127.0.0.1:${port}/__sandbox/scenarios`;
      expect((await fetch(local)).status).toBe(401);
      expect((await fetch(local, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('logs one JSON line per request on a non-terminal stdout, without the assertion', async () => {
    const port = await freePort();
    const s = await startCommand(process.execPath, [CLI, '--port', String(port), '--rate-limit', '1/1m', '--no-admin']);
    try {
      const fields = await pkjwtForm(s.url);
      const assertion = fields.client_assertion!;
      expect((await fetch(tokenRequest(s.url, fields))).status).toBe(200);
      expect((await fetch(tokenRequest(s.url, await pkjwtForm(s.url)))).status).toBe(429);
      expect((await fetch(`${s.url}/__sandbox/requests`)).status).toBe(404);
      const jsonLines = () => s.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      for (let i = 0; i < 100 && jsonLines().length < 3; i++) await new Promise((r) => setTimeout(r, 20)); // stdout is a pipe
      const lines = jsonLines();
      expect(lines.map((l) => [l.msg, l.client, l.status])).toEqual([
        ['request', 'sandbox-pkjwt', 200],
        ['request', 'sandbox-pkjwt', 429],
        ['request', undefined, 404],
      ]);
      expect(lines[0]).toEqual({ time: expect.any(String), level: 'info', msg: 'request', interactionId: expect.any(String), method: 'POST', path: '/token', client: 'sandbox-pkjwt', status: 200, ms: expect.any(Number) });
      expect(s.output()).not.toContain(assertion.split('.')[0]);
    } finally {
      await s.stop();
    }
  });
});
