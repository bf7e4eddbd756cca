/**
 * What users get: the package as `npm pack` makes it, installed into a fresh consumer project in a
 * temporary folder (never this checkout's layout or working directory), used as users use it: the
 * installed command on its defaults, its `assertion` command, the demo mTLS client, startSandbox
 * embedded in a consumer's own ESM script with a real client library (oauth4webapi) through
 * discovery, a strict TypeScript consumer, and the README's test-suite examples run as written.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startCommand, type Started } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const exec = promisify(execFile);
const INSTALL_TIMEOUT_MS = 240_000;

/** The installed version of a devDependency of this checkout, so the consumer installs from npm's cache. */
const devVersion = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

/** The fenced code block that follows `<!-- consumer-test: FILE -->` in the README, verbatim. */
function readmeExample(file: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- consumer-test: ${file.replace(/\./g, '\\.')} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(readme);
  if (!m) throw new Error(`README.md has no code block marked <!-- consumer-test: ${file} -->`);
  return m[1]!;
}

interface CurlCommand {
  /** The command as the README writes it, continuation lines joined. */
  text: string;
  /** The `# {...}` output the README shows under it, if any. */
  shown?: string;
}

/** The curl commands of the README's "Try it with curl" section, with the lines that set shell variables before them. */
function readmeCurlCommands(): { setup: string[]; commands: CurlCommand[] } {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = /^## Try it with curl\n([\s\S]*?)^## /m.exec(readme)![1]!;
  const lines = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].flatMap((m) => m[1]!.replace(/\\\n\s*/g, '').split('\n'));
  const setup: string[] = [];
  const commands: CurlCommand[] = [];
  for (const line of lines) {
    if (line.startsWith('curl ')) commands.push({ text: line });
    else if (/^# \{/.test(line) && commands.length > 0) commands.at(-1)!.shown = line.slice(2);
    else if (/^[A-Z]+=/.test(line)) setup.push(line);
  }
  return { setup, commands };
}

/** What each README curl line must do; every line must match exactly one entry, so a new line needs one. */
const CURL_OUTCOMES: { line: string; status?: number; exit?: number; body?: RegExp }[] = [
  { line: '-d client_id=sandbox-pkjwt -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d client_assertion=$(npx', status: 200, body: /"token_type":"Bearer"/ },
  { line: 'https://localhost:4443/token', status: 200, body: /"access_token":"eyJ/ },
  { line: '/.well-known/openid-configuration', status: 200, body: /"token_endpoint":"http:\/\/127\.0\.0\.1:4010\/token"/ },
  { line: '/jwks', status: 200, body: /"keys":\[\{/ },
  { line: 'client_assertion=a.b.c', status: 400 },
  { line: "'Prefer: code=429'", status: 429, body: /retry-after: \d+/i },
  { line: "'Prefer: code=504'", status: 504 },
  { line: 'example=invalid_client', status: 400, body: /"error":"invalid_client"/ },
  { line: 'slow-down', status: 400, body: /"error":"slow_down"/ },
  { line: 'client_id=sandbox-throttled', status: 429 },
  { line: 'grant_type=password', status: 400 },
  { line: 'x-fapi-auth-date: yesterday', status: 400 },
  { line: "'x-sandbox-scenario: flaky'", status: 504 },
  { line: "'x-sandbox-scenario: slow'", status: 200 },
  { line: 'connection-reset', exit: 56 },
  { line: '/__sandbox/requests', status: 200, body: /"path":"\/token"/ },
  { line: '/__sandbox/reset', status: 204 },
  { line: "'Accept: text/html'", status: 406 },
  { line: '/oauth/token', status: 404, body: /"errors":\["Not found: GET \/oauth\/token"\]/ },
  { line: "'Host: evil.example'", status: 400, body: /"error":"invalid_request"/ },
];

const shownAsPattern = (shown: string) =>
  new RegExp(shown.split('...').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'));

const decodePayload = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

let work: string;
let consumer: string;
let tarball: string;
const bin = () => join(consumer, 'node_modules', '.bin', 'fapi-token-sandbox');
const installed = (path: string) => join(consumer, 'node_modules', 'fapi-token-sandbox', path);
const running: Started[] = [];

async function startInstalled(args: string[]): Promise<Started> {
  const s = await startCommand(bin(), args, {}, consumer);
  running.push(s);
  return s;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'fapi-packed-'));
  consumer = join(work, 'consumer');
  // npm test has just built dist/; packing must not rebuild it under the other test files' feet.
  const packed = await exec('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], { cwd: ROOT });
  tarball = join(work, packed.stdout.trim().split('\n').pop()!);
  await exec('mkdir', [consumer]);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await exec(
    'npm',
    [
      'install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball,
      `vitest@${devVersion('vitest')}`, `typescript@${devVersion('typescript')}`,
      `@types/node@${devVersion('@types/node')}`, `oauth4webapi@${devVersion('oauth4webapi')}`,
    ],
    { cwd: consumer, timeout: INSTALL_TIMEOUT_MS },
  );
}, INSTALL_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed package, installed into a fresh project', () => {
  it('is small and installs only its runtime dependencies', async () => {
    const size = statSync(tarball).size;
    // A tripwire for what should not ship (the executable, a folder of images): the code, its
    // bundle for the command and the documents are about 0.5 MB packed (maps are checked below).
    expect(size).toBeLessThan(750_000);
    // A project that installs only the tarball gets the package and its runtime dependencies, nothing else.
    const bare = join(work, 'bare');
    await exec('mkdir', [bare]);
    writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare', private: true }));
    await exec('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', tarball], { cwd: bare, timeout: INSTALL_TIMEOUT_MS });
    const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packages = readdirSync(join(bare, 'node_modules'))
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => (name.startsWith('@') ? readdirSync(join(bare, 'node_modules', name)).map((sub) => `${name}/${sub}`) : [name]));
    expect(packages.sort()).toEqual(['fapi-token-sandbox', ...Object.keys(own.dependencies)].sort());
    // Nothing of the checkout's tests, sources or tooling rides along.
    expect(readdirSync(installed('.')).sort()).toEqual(['README.md', 'demo', 'dist', 'openapi', 'package.json', 'scenarios']);
    expect(readdirSync(installed('dist'), { recursive: true }).filter((f) => String(f).endsWith('.map'))).toEqual([]);
  });

  it('the installed command starts on its defaults and answers Prefer: code=504', async () => {
    const s = await startInstalled(['--port', String(await freePort())]);
    const res = await fetch(tokenRequest(s.url, undefined, { prefer: 'code=504' }));
    expect(res.status).toBe(504);
    expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('the demo private_key_jwt client gets a token with an assertion from the installed assertion command', async () => {
    const s = await startInstalled(['--port', String(await freePort())]);
    const { stdout } = await exec(bin(), ['assertion', '--client-id', 'sandbox-pkjwt', '--aud', s.url], { cwd: consumer });
    const res = await fetch(tokenRequest(s.url, {
      grant_type: 'client_credentials', client_id: 'sandbox-pkjwt', client_assertion_type: JWT_BEARER, client_assertion: stdout.trim(),
    }));
    expect(res.status).toBe(200);
    expect(decodePayload(((await res.json()) as { access_token: string }).access_token)).toMatchObject({ client_id: 'sandbox-pkjwt' });
  });

  it('the demo mTLS client gets a certificate-bound token with the installed demo PKI', async () => {
    const s = await startInstalled(['--port', String(await freePort()), '--tls-port', String(await freePort())]);
    // The banner's lines follow the "listening on" line that startCommand waits for.
    await expect.poll(() => /mutual TLS: +POST https:/.test(s.output())).toBe(true);
    const mtls = /mutual TLS: +POST (https:\/\/\S+)\/token/.exec(s.output());
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`${mtls![1]}/token`.replace('127.0.0.1', 'localhost'), {
        method: 'POST',
        ca: readFileSync(installed('demo/pki/ca.pem')),
        cert: readFileSync(installed('demo/pki/client.pem')),
        key: readFileSync(installed('demo/pki/client.key')),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end('grant_type=client_credentials&client_id=sandbox-mtls');
    });
    const claims = decodePayload((JSON.parse(body) as { access_token: string }).access_token);
    expect(claims).toMatchObject({ client_id: 'sandbox-mtls', cnf: { 'x5t#S256': expect.stringMatching(/^[\w-]{43}$/) } });
  });

  it('a missing clients file is one line naming it, exit 2', async () => {
    const err = await exec(bin(), ['--port', '0', '--clients', 'nowhere.yaml'], { cwd: consumer }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(2);
    expect((err as { stderr: string }).stderr).toBe('fapi-token-sandbox: nowhere.yaml: cannot read the clients file (ENOENT)\n');
  });

  it('a consumer ESM script embeds startSandbox with its own clients, and oauth4webapi gets a token through discovery', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JsonWebKey), alg: 'ES256', use: 'sig' };
    writeFileSync(join(consumer, 'client.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(consumer, 'embed.mjs'), `
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { startSandbox, ConfigError } from 'fapi-token-sandbox';

const clientsYaml = ${JSON.stringify(`clients:\n  - client_id: consumer-app\n    token_endpoint_auth_method: private_key_jwt\n    scope: accounts\n    jwks: { keys: [${JSON.stringify(jwk)}] }\n`)};
const sandbox = await startSandbox({ port: 0, clientsYaml });
try {
  const issuer = new URL(sandbox.url);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }));
  const client = { client_id: 'consumer-app' };
  const key = await crypto.subtle.importKey('pkcs8', createPrivateKey(readFileSync('client.pem')).export({ type: 'pkcs8', format: 'der' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.PrivateKeyJwt({ key }), new URLSearchParams({ scope: 'accounts' }), { [oauth.allowInsecureRequests]: true });
  const token = await oauth.processClientCredentialsResponse(as, client, response);
  let refused = '';
  try { await startSandbox({ port: 0, clientsFile: 'missing.yaml' }); } catch (err) { refused = err instanceof ConfigError ? err.message : 'not a ConfigError: ' + err; }
  console.log(JSON.stringify({ issuer: as.issuer, tokenType: token.token_type, scope: token.scope, refused }));
} finally {
  await sandbox.close();
}
`);
    const { stdout } = await exec(process.execPath, ['embed.mjs'], { cwd: consumer });
    const result = JSON.parse(stdout) as Record<string, string>;
    expect(result).toEqual({ issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), tokenType: 'bearer', scope: 'accounts', refused: 'missing.yaml: cannot read the clients file (ENOENT)' });
  });

  it('a strict TypeScript consumer (module nodenext) that imports the API and fapi-token-sandbox/testing compiles', async () => {
    const dir = join(consumer, 'ts');
    await exec('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: ['node'] },
      include: ['*.ts'],
    }));
    writeFileSync(join(dir, 'consumer.ts'), `
import { startSandbox, createApp, createClientAssertion, type RunningSandbox, type SandboxOptions } from 'fapi-token-sandbox';
import { useSandbox, startTestSandbox, type TestSandbox } from 'fapi-token-sandbox/testing';

const options: SandboxOptions = { tokenLifetimeSeconds: 300 };
export async function run(): Promise<number> {
  const sandbox: RunningSandbox = await startSandbox({ ...options, port: 0 });
  const app = createApp(options);
  const test: TestSandbox = await startTestSandbox();
  const assertion: string = await test.clientAssertion('sandbox-pkjwt');
  await Promise.all([sandbox.close(), test.stop()]);
  void useSandbox;
  void createClientAssertion;
  return (await app.request('/jwks')).status + assertion.length;
}
`);
    // One compile of both files (tsc is the slow part): the deliberate type error in wrong.ts proves
    // the checker ran on the package's types, and consumer.ts must have none.
    writeFileSync(join(dir, 'wrong.ts'), `import { startSandbox } from 'fapi-token-sandbox';\nexport const n: number = startSandbox;\n`);
    const tsc = join(consumer, 'node_modules', '.bin', 'tsc');
    const { stdout } = (await exec(tsc, ['-p', dir], { cwd: dir }).catch((e: { stdout: string }) => e)) as { stdout: string };
    expect(stdout).toMatch(/wrong\.ts.*error TS2322/);
    expect(stdout.split('\n').filter((line) => line.includes('error TS') && !line.startsWith('wrong.ts'))).toEqual([]);
  }, 90_000);

  it("the README's vitest example passes there", async () => {
    writeFileSync(join(consumer, 'sandbox.vitest.test.ts'), readmeExample('sandbox.vitest.test.ts'));
    const { stdout } = await exec(join(consumer, 'node_modules', '.bin', 'vitest'), ['run', 'sandbox.vitest.test.ts', '--reporter=verbose'], {
      cwd: consumer, env: { ...process.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/Tests\s+2 passed \(2\)/);
  });

  it("the README's node:test example passes there", async () => {
    writeFileSync(join(consumer, 'sandbox.node.test.mjs'), readmeExample('sandbox.node.test.mjs'));
    const { stdout } = await exec(process.execPath, ['--test', '--test-reporter=tap', 'sandbox.node.test.mjs'], { cwd: consumer });
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });

  it('every curl line of the README works as written (from the installed package, in README order)', async () => {
    const port = await freePort();
    const tlsPort = await freePort();
    // The README's lines name the default ports; the fixed issuer keeps the default audience of
    // the assertion command (http://127.0.0.1:4010) right while the sandbox listens elsewhere.
    await startInstalled(['--port', String(port), '--tls-port', String(tlsPort), '--issuer', 'http://127.0.0.1:4010']);
    const { setup, commands } = readmeCurlCommands();
    expect(commands.length).toBeGreaterThanOrEqual(CURL_OUTCOMES.length);
    for (const command of commands) {
      const matching = CURL_OUTCOMES.filter((o) => command.text.includes(o.line));
      expect(matching, `README curl line needs exactly one expected outcome in CURL_OUTCOMES: ${command.text}`).toHaveLength(1);
      const outcome = matching[0]!;
      const script = [
        ...setup,
        // The status of the answer, after its body, so that -s and -si lines alike can be checked.
        "curl() { command curl -w '\\n__status__%{http_code}' --max-time 10 \"$@\"; }",
        command.text.replaceAll('127.0.0.1:4010', `127.0.0.1:${port}`).replaceAll('localhost:4443', `localhost:${tlsPort}`),
      ].join('\n');
      const run = await exec('bash', ['-c', script], { cwd: consumer }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
      const status = Number(/__status__(\d{3})$/.exec(run.stdout)?.[1] ?? 0);
      const context = `${command.text}\n${run.stdout}`;
      expect(run.code, context).toBe(outcome.exit ?? 0);
      if (outcome.status !== undefined) expect(status, context).toBe(outcome.status);
      if (outcome.body) expect(run.stdout, context).toMatch(outcome.body);
      if (command.shown) expect(run.stdout, context).toMatch(shownAsPattern(command.shown));
    }
  }, 60_000);
});
