/**
 * The container image, built from the repository's Dockerfile and run as `docker run` would run
 * it. What stands in for what (see test/support/image.ts and README, In a container): the base
 * image a Docker build pulls from a registry is a local stand-in of the same name; `docker run` is
 * the entrypoint run from the image's mounted root file system with chroot, as the image's user,
 * with its Env and WorkingDir, on this machine's loopback with free ports in place of 4010/4443.
 */
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type Started } from '../support/cli.js';
import { DEMO, pkjwtForm } from '../support/clients.js';
import {
  buildImage, ensureStandInBase, imageUser, inspectImage, mountImage, runInImage, startImage, unmountImage, type ImageInfo,
} from '../support/image.js';
import { freePort } from '../support/ports.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const TAG = 'localhost/fapi-token-sandbox:test';
const BASE = 'docker.io/library/node:20-bookworm-slim';
const PACKAGE = 'usr/local/lib/node_modules/fapi-token-sandbox';
const SETUP_TIMEOUT_MS = 900_000;

let root: string;
let info: ImageInfo;
let base: ImageInfo;
const running: Started[] = [];
const temps: string[] = [];
const agents: Agent[] = [];

beforeAll(async () => {
  const started = Date.now();
  await ensureStandInBase();
  await buildImage(TAG);
  [info, base] = await Promise.all([inspectImage(TAG), inspectImage(BASE)]);
  root = await mountImage(TAG);
  console.log(`image ${TAG}: ${(info.Size / 1e6).toFixed(1)} MB (base stand-in ${(base.Size / 1e6).toFixed(1)} MB), ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop()));
  await Promise.all(agents.map((a) => a.close()));
  if (root) await unmountImage(TAG);
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

const image = (extra: { env?: Record<string, string>; binds?: Record<string, string> } = {}) => ({ root, info, ...extra });

async function start(args: string[], extra: { env?: Record<string, string>; binds?: Record<string, string> } = {}) {
  const port = await freePort();
  const s = await startImage(image(extra), port, args);
  running.push(s);
  return s;
}

/** The image's Cmd with its mutual-TLS port moved to a free one (this machine's network is shared). */
const cmdWithTlsPort = (tlsPort: number) => info.Config.Cmd.map((arg) => (arg === '4443' ? String(tlsPort) : arg));

/** POST /token over mutual TLS with a client certificate, verifying the server against `ca`. */
function mtlsToken(url: string, pki: { ca: string | Buffer; cert: string | Buffer; key: string | Buffer }, clientId: string) {
  const agent = new Agent({ connect: { ...pki, rejectUnauthorized: true } });
  agents.push(agent);
  return undiciFetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${clientId}`,
    dispatcher: agent,
  });
}

/** A GET with a Host header of our choosing (fetch does not allow one). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }).on('error', reject).end();
  });
}

const controlToken = (s: Started) => /control API: .*; bearer token: ([\w-]+)\)$/m.exec(s.output())?.[1];

describe('the container image', () => {
  it('runs as the non-root node user, exposes both ports, has a healthcheck, and runs the installed command with mTLS on', () => {
    const { Config } = info;
    expect(Config.User).toBe('node');
    expect(imageUser(root, Config.User)).toEqual({ uid: 1000, gid: 1000 });
    expect(Object.keys(Config.ExposedPorts).sort()).toEqual(['4010/tcp', '4443/tcp']);
    // All interfaces inside a container; the control API behind a token generated at start.
    expect(Config.Env).toEqual(expect.arrayContaining(['HOST=0.0.0.0', 'PORT=4010', 'SANDBOX_ADMIN_TOKEN=generate']));
    expect(Config.Entrypoint).toEqual(['fapi-token-sandbox']);
    expect(Config.Cmd).toEqual(['--tls-port', '4443']);
    expect(Object.keys(Config.Volumes)).toEqual(['/sandbox']);
    expect(Config.WorkingDir).toBe('/sandbox');
    expect(info.Healthcheck?.Test[0]).toBe('CMD');
  });

  it('holds the package as npm packs it, with its runtime dependencies only, its command on PATH, and little besides the base', () => {
    const pkg = (path = '') => join(root, PACKAGE, path);
    const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; dependencies: Record<string, string> };
    expect(readdirSync(pkg()).sort()).toEqual(['README.md', 'demo', 'dist', 'node_modules', 'openapi', 'package.json', 'scenarios']);
    const installed = readdirSync(pkg('node_modules'))
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => (name.startsWith('@') ? readdirSync(pkg(`node_modules/${name}`)).map((sub) => `${name}/${sub}`) : [name]));
    expect(installed.sort()).toEqual(Object.keys(own.dependencies).sort());
    expect(existsSync(pkg('node_modules/vitest'))).toBe(false);
    expect(readdirSync(pkg('dist'), { recursive: true }).filter((f) => String(f).endsWith('.map'))).toEqual([]);
    // The shipped scenarios, the default of --scenarios.
    expect(readdirSync(pkg('scenarios')).sort()).toEqual(readdirSync(join(ROOT, 'scenarios')).sort());
    // The command where `npm install -g` links it, executable; the package is root's, read-only to the user.
    const bin = join(root, 'usr/local/bin/fapi-token-sandbox');
    expect(readlinkSync(bin)).toBe(`../lib/node_modules/fapi-token-sandbox/${own.bin['fapi-token-sandbox']!.replace(/^\.\//, '')}`);
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    expect(statSync(pkg('dist')).uid).toBe(0);
    // One layer on top of the base: the package. No sources, no build tools, no npm cache.
    expect(info.RootFS.Layers.length).toBe(base.RootFS.Layers.length + 1);
    expect(info.Size - base.Size).toBeLessThan(15_000_000);
  });

  it('on its defaults (the demo clients, mTLS on): tokens for the demo private_key_jwt and mTLS clients, Prefer: code=504, healthy', async () => {
    const tlsPort = await freePort();
    const s = await start(cmdWithTlsPort(tlsPort));
    // Bound to all interfaces, it prints URLs one can open.
    expect(s.errors()).toContain('listening on 0.0.0.0, not loopback');
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(tokenRequest(s.url, await pkjwtForm(s.url)));
    expect(res.status).toBe(200);
    expect(decodeJwt(((await res.json()) as { access_token: string }).access_token)).toMatchObject({ client_id: DEMO.pkjwt.clientId });

    // The shipped demo server certificate is for localhost: what `docker run -p 4443:4443` is reached at.
    const mtls = await mtlsToken(`https://localhost:${tlsPort}`, { ca: DEMO.ca, cert: DEMO.mtls.cert, key: DEMO.mtls.key }, DEMO.mtls.clientId);
    expect(mtls.status).toBe(200);
    expect(decodeJwt(((await mtls.json()) as { access_token: string }).access_token)).toMatchObject({
      client_id: DEMO.mtls.clientId, cnf: { 'x5t#S256': expect.stringMatching(/^[\w-]{43}$/) },
    });

    expect((await fetch(tokenRequest(s.url, undefined, { prefer: 'code=504' }))).status).toBe(504);

    // The image's HEALTHCHECK, run inside the image like the engine runs it.
    const healthcheck = info.Healthcheck!.Test.slice(1);
    expect((await runInImage(image({ env: { PORT: String(s.url.split(':').pop()) } }), healthcheck)).code).toBe(0);
    expect((await runInImage(image({ env: { PORT: String(await freePort()) } }), healthcheck)).code).not.toBe(0);
  });

  it('keeps the control API behind the token it generated and printed at start', async () => {
    const s = await start(cmdWithTlsPort(await freePort()));
    // The banner's lines follow the "listening on" line that startImage waits for.
    await expect.poll(() => controlToken(s)).toMatch(/^[\w-]{32,}$/);
    const token = controlToken(s);
    expect((await fetch(`${s.url}/__sandbox/requests`)).status).toBe(401);
    expect((await fetch(`${s.url}/__sandbox/requests`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('answers the CI service name set in SANDBOX_ALLOWED_HOSTS, and refuses other host names', async () => {
    const s = await start(cmdWithTlsPort(await freePort()), { env: { SANDBOX_ALLOWED_HOSTS: 'sandbox' } });
    const port = s.url.split(':').pop();
    const discovery = await getWithHost(`${s.url}/.well-known/openid-configuration`, `sandbox:${port}`);
    expect(discovery.status).toBe(200);
    expect(JSON.parse(discovery.body)).toMatchObject({ issuer: `http://sandbox:${port}` });
    expect((await getWithHost(`${s.url}/.well-known/openid-configuration`, 'evil.example')).status).toBe(400);
  });

  it("serves the user's own clients, scenarios and PKI mounted at /sandbox, made by the image's init, with the user's admin token", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fapi-image-sandbox-'));
    temps.push(dir);
    // A host folder owned by the image's user, as a user with uid 1000 has it.
    chownSync(dir, 1000, 1000);
    const binds = { '/sandbox': dir };
    const init = await runInImage(image({ binds }), [...info.Config.Entrypoint, 'init', '.']);
    expect(init).toMatchObject({ code: 0, stderr: '' });

    const adminToken = randomBytes(24).toString('base64url');
    const tlsPort = await freePort();
    // README, In a container: the paths are relative to the working directory, /sandbox.
    const s = await start(
      ['--clients', 'clients.yaml', '--scenarios', 'scenarios', '--tls-port', String(tlsPort),
        '--tls-cert', 'pki/server.pem', '--tls-key', 'pki/server.key', '--tls-client-ca', 'pki/ca.pem'],
      { binds, env: { SANDBOX_ADMIN_TOKEN: adminToken } },
    );

    const assertion = await runInImage(image({ binds }), [
      ...info.Config.Entrypoint, 'assertion', '--client-id', 'my-pkjwt-client', '--key', 'keys/my-pkjwt-client.private.pem', '--aud', s.url,
    ]);
    expect(assertion).toMatchObject({ code: 0, stderr: '' });
    const res = await fetch(tokenRequest(s.url, {
      grant_type: 'client_credentials', client_id: 'my-pkjwt-client', client_assertion_type: JWT_BEARER, client_assertion: assertion.stdout.trim(),
    }));
    expect(res.status).toBe(200);
    // The demo clients are not registered beside the user's.
    const demo = await fetch(tokenRequest(s.url, await pkjwtForm(s.url)));
    expect(demo.status).toBe(400);
    expect(await demo.json()).toMatchObject({ error: 'invalid_client' });

    const at = (file: string) => readFileSync(join(dir, file));
    const mtls = await mtlsToken(`https://localhost:${tlsPort}`, { ca: at('pki/ca.pem'), cert: at('pki/client.pem'), key: at('pki/client.key') }, 'my-mtls-client');
    expect(mtls.status).toBe(200);

    // Only the user's scenarios are loaded, and the control API takes the user's token only.
    expect((await fetch(tokenRequest(s.url, { client_id: 'job-1' }, { 'x-sandbox-scenario': 'retry-then-token' }))).status).toBe(504);
    expect((await fetch(`${s.url}/__sandbox/scenarios`)).status).toBe(401);
    const listed = await fetch(`${s.url}/__sandbox/scenarios`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(listed.status).toBe(200);
    const { scenarios } = (await listed.json()) as { scenarios: { name: string }[] };
    expect(scenarios.map((sc) => sc.name).sort()).toEqual(['my-throttled-client', 'retry-then-token']);
  });
});
