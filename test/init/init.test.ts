/**
 * `fapi-token-sandbox init [DIR]` end to end through the built command: what it writes, that it
 * never overwrites, and that the printed commands, run as printed (ports and the command name
 * substituted), start the sandbox and get tokens for both scaffolded clients, with a TLS
 * handshake that verifies the scaffolded server certificate.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeJwt } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { certificateSubjectString } from '../../src/clients/dn.js';
import { shellWord } from '../../src/init/shell-word.js';
import { CLI, ROOT, runCli, startCommand } from '../support/cli.js';
import { DEMO } from '../support/clients.js';
import { printedCommands, runCurl, withPorts } from '../support/init-output.js';
import { freePort } from '../support/ports.js';
import { requireTool } from '../support/tools.js';

const PRINTED_COMMAND = 'npx fapi-token-sandbox';
const FILES = [
  'clients.schema.json',
  'clients.yaml',
  'keys/my-pkjwt-client.private.pem',
  'pki/ca.pem',
  'pki/client.key',
  'pki/client.pem',
  'pki/server.key',
  'pki/server.pem',
  'scenario.schema.json',
  'scenarios/example.yaml',
];
const PRIVATE_KEYS = ['keys/my-pkjwt-client.private.pem', 'pki/client.key', 'pki/server.key'];

const temps: string[] = [];
function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'init-'));
  temps.push(dir);
  return dir;
}
const agents: Agent[] = [];
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** Every file under `dir`, with its bytes, mode and modification time. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        files[relative(dir, path)] = `${(stat.mode & 0o777).toString(8)} ${stat.mtimeMs} ${readFileSync(path, 'base64')}`;
      }
    }
  };
  walk(dir);
  return files;
}

/** The printed line with free ports and the built command; nothing else changes. */
const substitute = (line: string, port: number, tlsPort: number) => withPorts(line, port, tlsPort).replaceAll(PRINTED_COMMAND, `${shellWord(process.execPath)} ${shellWord(CLI)}`);

const demoClients = parseYaml(readFileSync(join(ROOT, 'demo/clients.yaml'), 'utf8')) as { clients: { jwks?: { keys: Record<string, string>[] } }[] };
const demoJwks = demoClients.clients.flatMap((c) => c.jwks?.keys ?? []);

describe('fapi-token-sandbox init', () => {
  it('writes ./sandbox by default, with private keys readable by their owner only', async () => {
    const cwd = tempFolder();
    const r = await runCli(['init'], {}, cwd);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Object.keys(snapshot(join(cwd, 'sandbox'))).sort()).toEqual(FILES);
    for (const key of PRIVATE_KEYS) expect((statSync(join(cwd, 'sandbox', key)).mode & 0o777).toString(8), key).toBe('600');
    expect(readdirSync(cwd)).toEqual(['sandbox']);
    expect(r.stdout).toContain(`${PRINTED_COMMAND} --port 4010 --clients sandbox/clients.yaml --scenarios sandbox/scenarios \\\n`);
    expect(r.stdout).toContain('--key sandbox/keys/my-pkjwt-client.private.pem --aud http://127.0.0.1:4010)');
    // The shipped schemas, copied for editors.
    expect(readFileSync(join(cwd, 'sandbox/scenario.schema.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'scenarios/scenario.schema.json'), 'utf8'));
    expect(readFileSync(join(cwd, 'sandbox/scenarios/example.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/scenario\.schema\.json\n/);
  });

  it('refuses to overwrite: exit 2, one line naming every existing file, nothing changed', async () => {
    const cwd = tempFolder();
    expect((await runCli(['init'], {}, cwd)).code).toBe(0);
    const before = snapshot(cwd);
    await new Promise((r) => setTimeout(r, 20)); // a rewrite would show in the modification times
    const r = await runCli(['init'], {}, cwd);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fapi-token-sandbox: \.\/sandbox: init overwrites nothing, and these files exist: /);
    for (const file of FILES) expect(lines[0]).toContain(join('sandbox', file));
    expect(snapshot(cwd)).toEqual(before);
  });

  it('writes nothing at all when any one of its files exists, and names just that one', async () => {
    const cwd = tempFolder();
    mkdirSync(join(cwd, 'sb/pki'), { recursive: true });
    writeFileSync(join(cwd, 'sb/pki/ca.pem'), 'mine');
    const r = await runCli(['init', 'sb'], {}, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('fapi-token-sandbox: sb: init overwrites nothing, and these files exist: sb/pki/ca.pem; remove them or choose another folder\n');
    expect(snapshot(cwd)).toEqual({ 'sb/pki/ca.pem': expect.stringMatching(/ bWluZQ==$/) });
  });

  it('says in one line when DIR cannot be created', async () => {
    const cwd = tempFolder();
    writeFileSync(join(cwd, 'taken'), '');
    const r = await runCli(['init', 'taken/sandbox'], {}, cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('fapi-token-sandbox: taken/sandbox: cannot create the folder (ENOTDIR)\n');
    expect(readdirSync(cwd)).toEqual(['taken']);
  });

  it('is in the help, and takes one DIR at most', async () => {
    const help = await runCli(['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('  fapi-token-sandbox init [DIR]                write your own clients, fresh keys, CA and certificates\n');
    const cwd = tempFolder();
    const two = await runCli(['init', 'a', 'b'], {}, cwd);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/^fapi-token-sandbox: unknown command "init a b"$/m);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('prints the command name the standalone executable gives', async () => {
    const r = await runCli(['init', 'x'], { FAPI_SANDBOX_COMMAND: './fapi-token-sandbox' }, tempFolder());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  ./fapi-token-sandbox --port 4010 --clients x/clients.yaml');
    expect(r.stdout).toContain('client_assertion=$(./fapi-token-sandbox assertion --client-id my-pkjwt-client');
    expect(r.stdout).not.toContain(PRINTED_COMMAND);
  });

  it('scaffolds fresh clients that get tokens with the printed commands, over TLS verified for localhost', async () => {
    requireTool('curl');
    const cwd = tempFolder();
    const dir = 'my project/sandbox'; // a space: the printed paths must be quoted for the shell
    const init = await runCli(['init', dir], {}, cwd);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const at = (file: string) => join(cwd, dir, file);
    const printed = printedCommands(init.stdout, PRINTED_COMMAND);
    expect(printed.start).toBe(
      `${PRINTED_COMMAND} --port 4010 --clients 'my project/sandbox/clients.yaml' --scenarios 'my project/sandbox/scenarios' ` +
        `--tls-port 4443 --tls-cert 'my project/sandbox/pki/server.pem' --tls-key 'my project/sandbox/pki/server.key' --tls-client-ca 'my project/sandbox/pki/ca.pem'`,
    );

    // Fresh keys: none of the shared demo keys or certificates.
    const clients = parseYaml(readFileSync(at('clients.yaml'), 'utf8')) as { clients: Record<string, any>[] };
    expect(clients.clients.map((c) => [c.client_id, c.token_endpoint_auth_method, c.scope])).toEqual([
      ['my-pkjwt-client', 'private_key_jwt', 'openid accounts payments consents'],
      ['my-mtls-client', 'tls_client_auth', 'openid accounts payments consents'],
    ]);
    const jwk = clients.clients[0]!.jwks.keys[0] as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'RSA', alg: 'PS256', use: 'sig', e: 'AQAB' });
    expect(Buffer.from(jwk.n!, 'base64url')).toHaveLength(256); // RSA 2048
    for (const demo of demoJwks) {
      expect(jwk.kid).not.toBe(demo.kid);
      expect(jwk.n).not.toBe(demo.n);
    }
    const clientCert = new X509Certificate(readFileSync(at('pki/client.pem')));
    for (const [mine, demo] of [
      ['pki/ca.pem', 'demo/pki/ca.pem'],
      ['pki/client.pem', 'demo/pki/client.pem'],
      ['pki/server.pem', 'demo/pki/server.pem'],
    ] as const) {
      expect(new X509Certificate(readFileSync(at(mine))).fingerprint256).not.toBe(new X509Certificate(DEMO.pem(demo)).fingerprint256);
    }
    // Registered exactly as the sandbox reads the certificate's subject.
    expect(clients.clients[1]!.tls_client_auth_subject_dn).toBe(certificateSubjectString(clientCert.subject));

    const [port, tlsPort] = [await freePort(), await freePort()];
    const sandbox = await startCommand('bash', ['-c', `exec ${substitute(printed.start, port, tlsPort)}`], {}, cwd);
    try {
      expect(sandbox.url).toBe(`http://127.0.0.1:${port}`);
      await new Promise((r) => setTimeout(r, 50));
      // --scenarios replaces the shipped scenarios with the example's.
      expect(sandbox.output()).toContain('scenarios (2): retry-then-token, my-throttled-client\n');

      const pkjwt = await runCurl(substitute(printed.pkjwt, port, tlsPort), cwd);
      expect(pkjwt.status).toBe(200);
      const pkjwtClaims = decodeJwt(pkjwt.body.access_token!);
      expect(pkjwtClaims).toMatchObject({ client_id: 'my-pkjwt-client', scope: 'openid accounts payments consents' });
      expect(pkjwtClaims.cnf).toBeUndefined();

      // curl verifies the server certificate for localhost against the scaffolded CA.
      const mtls = await runCurl(substitute(printed.mtls, port, tlsPort), cwd);
      expect(mtls.status).toBe(200);
      const thumbprint = createHash('sha256').update(clientCert.raw).digest('base64url');
      expect(decodeJwt(mtls.body.access_token!)).toMatchObject({ client_id: 'my-mtls-client', cnf: { 'x5t#S256': thumbprint } });

      // And node's TLS, verifying the certificate for 127.0.0.1; the demo CA does not vouch for it.
      const tls = (ca: string) => {
        const agent = new Agent({ connect: { ca, cert: readFileSync(at('pki/client.pem')), key: readFileSync(at('pki/client.key')), rejectUnauthorized: true } });
        agents.push(agent);
        return undiciFetch(`https://127.0.0.1:${tlsPort}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials&client_id=my-mtls-client',
          dispatcher: agent,
        });
      };
      const viaNode = await tls(readFileSync(at('pki/ca.pem'), 'utf8'));
      expect(viaNode.status).toBe(200);
      expect(decodeJwt(((await viaNode.json()) as { access_token: string }).access_token).cnf).toEqual({ 'x5t#S256': thumbprint });
      const refused = await tls(DEMO.ca).then(
        () => 'connected',
        (err: Error & { cause?: { code?: string } }) => err.cause?.code,
      );
      expect(refused).toBe('SELF_SIGNED_CERT_IN_CHAIN'); // the listener sends its CA along; the demo CA is not it

      // The example scenario answers as its comment says.
      const scenario = await fetch(`${sandbox.url}/token`, { method: 'POST', headers: { 'x-sandbox-scenario': 'retry-then-token' }, body: new URLSearchParams({ client_id: 'job' }) });
      expect(scenario.status).toBe(504);
    } finally {
      expect(await sandbox.stop()).toBe(0);
    }
  });
});
