/**
 * The standalone executable (npm run build:exe) as a user without Node runs it: an environment of
 * PATH and HOME only, a PATH with no `node` on it (only bash and curl, for the commands init
 * prints), from a temporary folder. It starts on its defaults with the demo clients, its
 * `assertion` and `init` work, what init prints works as printed with the executable's own name,
 * and it unpacks its shipped files once, safely when two start at once.
 *
 * The exe is built (or found up to date) before the tests: `npm test` has just built dist/, and
 * scripts/build-exe.mjs only bundles and injects from it, into dist/sea/ and the exe.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCommand, startCommand, type Started } from '../support/cli.js';
import { printedCommands, runCurl, withPorts } from '../support/init-output.js';
import { freePort } from '../support/ports.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';
import { requireTool } from '../support/tools.js';

const EXE = join(ROOT, 'dist/fapi-token-sandbox-linux-x64');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const BUILD_TIMEOUT_MS = 170_000;

const temps: string[] = [];
const tempFolder = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
const running: Started[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** PATH and HOME only (no NODE_OPTIONS, no npm variables); on PATH a folder with bash and curl, no node. */
function withoutNode(): { env: NodeJS.ProcessEnv; home: string } {
  const bin = tempFolder('exe-bin-');
  for (const tool of ['bash', 'curl']) symlinkSync(requireTool(tool), join(bin, tool));
  const home = tempFolder('exe-home-');
  return { env: { PATH: bin, HOME: home }, home };
}

const run = (args: string[], env: NodeJS.ProcessEnv, cwd: string) => runCommand(EXE, args, {}, cwd, env);
const start = async (args: string[], env: NodeJS.ProcessEnv, cwd: string) => {
  const s = await startCommand(EXE, args, {}, cwd, env);
  running.push(s);
  return s;
};

/** The unpacked copies under the cache folder (HOME/.cache, as no XDG_CACHE_HOME is set). */
const cacheEntries = (home: string) => readdirSync(join(home, '.cache/fapi-token-sandbox'));
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts/build-exe.mjs')], { cwd: ROOT, timeout: BUILD_TIMEOUT_MS });
}, BUILD_TIMEOUT_MS + 10_000);

describe('the standalone executable', () => {
  it('has no node on the PATH it is given', () => {
    const { env } = withoutNode();
    expect(() => execFileSync('bash', ['-c', 'command -v node'], { env })).toThrow();
  });

  it('starts on its defaults with the demo clients (twice at once, one unpacked copy), answers Prefer: code=504, and its assertion gets a token', async () => {
    const { env, home } = withoutNode();
    const cwd = tempFolder('exe-cwd-');
    const [a, b] = await Promise.all([start(['--port', '0'], env, cwd), start(['--port', '0'], env, cwd)]);
    for (const s of [a!, b!]) {
      expect((await fetch(tokenRequest(s.url, undefined, { prefer: 'code=504' }))).status).toBe(504);
      expect(s.errors()).toBe(''); // no ExperimentalWarning, nothing but the sandbox's own output
    }
    expect(a!.output()).toMatch(/^ {2}scenarios \(\d+\): .*flaky/m);

    const copies = cacheEntries(home);
    expect(copies).toEqual([expect.stringMatching(new RegExp(`^${VERSION.replace(/\./g, '\\.')}-[0-9a-f]{16}$`))]);
    const copy = join(home, '.cache/fapi-token-sandbox', copies[0]!);
    expect(mode(join(home, '.cache/fapi-token-sandbox'))).toBe('700');
    for (const key of ['demo/keys/sandbox-pkjwt.private.pem', 'demo/pki/client.key', 'demo/pki/server.key']) expect(mode(join(copy, key)), key).toBe('600');
    expect(mode(join(copy, 'demo/clients.yaml'))).toBe('644');
    expect(readFileSync(join(copy, 'demo/clients.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, 'demo/clients.yaml'), 'utf8'));

    const assertion = await run(['assertion', '--client-id', 'sandbox-pkjwt', '--aud', a!.url], env, cwd);
    expect(assertion.stderr).toBe('');
    expect(assertion.code).toBe(0);
    const res = await fetch(
      tokenRequest(a!.url, { grant_type: 'client_credentials', client_id: 'sandbox-pkjwt', client_assertion_type: JWT_BEARER, client_assertion: assertion.stdout.trim() }),
    );
    expect(res.status).toBe(200);
    expect(decodeJwt(((await res.json()) as { access_token: string }).access_token)).toMatchObject({ client_id: 'sandbox-pkjwt' });
    expect(readdirSync(cwd)).toEqual([]); // nothing written where it runs
  });

  it('puts back a file missing from its unpacked copy', async () => {
    const { env, home } = withoutNode();
    const cwd = tempFolder('exe-cwd-');
    expect((await run(['--version'], env, cwd)).code).toBe(0);
    const copy = join(home, '.cache/fapi-token-sandbox', cacheEntries(home)[0]!);
    rmSync(join(copy, 'demo/keys'), { recursive: true });
    const s = await start(['--port', '0'], env, cwd);
    expect(mode(join(copy, 'demo/keys/sandbox-pkjwt.private.pem'))).toBe('600');
    const assertion = await run(['assertion', '--client-id', 'sandbox-pkjwt', '--aud', s.url], env, cwd);
    expect(assertion.code).toBe(0);
    expect(cacheEntries(home)).toEqual([basename(copy)]);
  });

  it('init scaffolds, and what it prints works as printed with the executable\'s name: both scaffolded clients get tokens', async () => {
    const { env } = withoutNode();
    const cwd = tempFolder('exe-cwd-');
    symlinkSync(EXE, join(cwd, 'fapi-token-sandbox-linux-x64'));
    const command = './fapi-token-sandbox-linux-x64';
    const init = await runCommand(command, ['init', 'my sandbox'], {}, cwd, env);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    const printed = printedCommands(init.stdout, command);
    expect(printed.start).toMatch(/^\.\/fapi-token-sandbox-linux-x64 --port 4010 --clients 'my sandbox\/clients\.yaml' --scenarios 'my sandbox\/scenarios' --tls-port 4443 /);
    expect(printed.pkjwt).toContain("client_assertion=$(./fapi-token-sandbox-linux-x64 assertion --client-id my-pkjwt-client --key 'my sandbox/keys/my-pkjwt-client.private.pem'");

    const [port, tlsPort] = [await freePort(), await freePort()];
    const s = await startCommand('bash', ['-c', `exec ${withPorts(printed.start, port, tlsPort)}`], {}, cwd, env);
    running.push(s);
    await expect.poll(() => s.output()).toContain('scenarios (2): retry-then-token, my-throttled-client\n');
    const pkjwt = await runCurl(withPorts(printed.pkjwt, port, tlsPort), cwd, env);
    expect(pkjwt.status).toBe(200);
    expect(decodeJwt(pkjwt.body.access_token!)).toMatchObject({ client_id: 'my-pkjwt-client' });
    const mtls = await runCurl(withPorts(printed.mtls, port, tlsPort), cwd, env);
    expect(mtls.status).toBe(200);
    expect(decodeJwt(mtls.body.access_token!)).toMatchObject({ client_id: 'my-mtls-client', cnf: { 'x5t#S256': expect.any(String) } });
  });

  it('prints the version of its package.json', async () => {
    const { env } = withoutNode();
    expect(await run(['--version'], env, tempFolder('exe-cwd-'))).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('refuses a bad flag with exit 2 and one line, then the help hint with its own name', async () => {
    const { env } = withoutNode();
    const r = await runCommand('./fapi-token-sandbox-linux-x64', ['--colour'], {}, join(ROOT, 'dist'), env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^fapi-token-sandbox: Unknown option '--colour'/), 'Run ./fapi-token-sandbox-linux-x64 --help for the options.', '']);
  });

  it('says in one line, exit 2, when it cannot unpack its files', async () => {
    const { env } = withoutNode();
    const cwd = tempFolder('exe-cwd-');
    // A home and a temporary folder that are files: nowhere to unpack, even for root.
    writeFileSync(join(cwd, 'home'), '');
    writeFileSync(join(cwd, 'tmp'), '');
    const r = await run(['--version'], { ...env, HOME: join(cwd, 'home'), TMPDIR: join(cwd, 'tmp') }, cwd);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: `fapi-token-sandbox: ${join(cwd, 'tmp')}/fapi-token-sandbox-${process.getuid!()}: cannot unpack the shipped files here (ENOTDIR): set XDG_CACHE_HOME to a writable folder\n`,
    });
  });
});
