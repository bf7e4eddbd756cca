/**
 * The host names the sandbox answers to (DNS rebinding): over real listeners, with the Host
 * header set by hand (fetch cannot), and in Chromium with a name resolved to 127.0.0.1 as a
 * rebinding attacker's would be.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { OptionError } from '../../src/settings/errors.js';
import { startSandbox, type RunningSandbox, type StartOptions } from '../../src/server/server.js';
import { launchChromium } from '../support/browser.js';
import { DEMO, deviceClientAuth } from '../support/clients.js';
import { contractProblems } from '../support/contract-validator.js';
import { captureLogs } from '../support/logs.js';
import { DEVICE_CODE_GRANT, form, UUID_V4 } from '../support/requests.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: any;
}

/** One request to a listener with the Host header given. */
function send(base: string, path: string, host: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const url = new URL(path, base);
  const headers = { host, ...(init.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }), ...init.headers };
  // Node checks the server certificate against the Host header; the certificate is the address's.
  const tls = { ca: DEMO.ca, cert: DEMO.mtls.cert, key: DEMO.mtls.key, checkServerIdentity: (_: string, cert: any) => checkServerIdentity(url.hostname, cert) };
  const options = { method: init.method ?? 'GET', headers, ...tls };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text, body: /json/.test(res.headers['content-type'] ?? '') ? JSON.parse(text) : text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** RFC 6749 §5.2: error_description is printable ASCII without '"' and '\'. */
const ERROR_DESCRIPTION = /^[\x20\x21\x23-\x5B\x5D-\x7E]+$/;

/** The documented refusal: 400, invalid_request, no-store and an interaction id. */
function expectRefused(answer: Answer, interactionId: RegExp | string = UUID_V4) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(ERROR_DESCRIPTION) });
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(answer.headers['x-fapi-interaction-id']).toMatch(interactionId);
}

const started: RunningSandbox[] = [];
async function start(options: StartOptions = {}): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ port: 0, deviceIntervalSeconds: 0, ...options });
  started.push(sandbox);
  return sandbox;
}
afterAll(() => Promise.all(started.map((s) => s.close())));

const DISCOVERY = '/.well-known/openid-configuration';

describe('on its defaults', () => {
  const logs = captureLogs();
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await start({ tlsPort: 0, logger: logs.logger });
  });

  it('answers loopback names, with and without a port, in any case, and names them as issuer', async () => {
    const { port } = sandbox;
    for (const host of ['localhost', `localhost:${port}`, 'LocalHost', 'localhost.', '127.0.0.1', `127.0.0.1:${port}`, '127.1.2.3:80', '[::1]', `[::1]:${port}`]) {
      const answer = await send(sandbox.url, DISCOVERY, host);
      expect(answer.status, host).toBe(200);
      expect(answer.body.issuer, host).toBe(new URL(`http://${host}`).origin);
    }
  });

  it('refuses another host on every kind of route, before the route runs', async () => {
    const local = `127.0.0.1:${sandbox.port}`;
    const auth = await send(sandbox.url, '/device/auth', local, { method: 'POST', body: form({ ...(await deviceClientAuth(sandbox.url)), scope: 'openid' }) });
    expect(auth.status).toBe(200);
    const userCode: string = auth.body.user_code;
    const cases: [string, string, string?][] = [
      ['POST', '/token', 'prefer=code%3D200'],
      ['GET', DISCOVERY],
      ['GET', '/.well-known/oauth-authorization-server'],
      ['GET', '/jwks'],
      ['GET', '/__sandbox/requests'],
      ['GET', '/__sandbox/scenarios'],
      ['POST', '/__sandbox/reset'],
      ['POST', `/__sandbox/devices/${userCode}/approve`],
      ['GET', `/device?user_code=${userCode}`],
      ['POST', '/device', form({ user_code: userCode, decision: 'approve' })],
      ['POST', '/device/auth', form({ ...(await deviceClientAuth(sandbox.url)), scope: 'openid' })],
    ];
    for (const [method, path, body] of cases) {
      // POST /token carries Prefer: code=200, which would otherwise be answered 200.
      const headers: Record<string, string> = path === '/token' ? { prefer: 'code=200' } : {};
      const answer = await send(sandbox.url, path, `evil.example:${sandbox.port}`, { method, body: path === '/token' ? '' : body, headers });
      expectRefused(answer);
      // Documented for every operation (openapi/sandbox.yaml, and token.yaml for POST /token).
      const headersOf = new Headers(Object.entries(answer.headers).map(([k, v]) => [k, String(v)]));
      expect(contractProblems(method, new URL(path, sandbox.url).pathname, answer.status, headersOf, answer.text), `${method} ${path}`).toEqual([]);
    }
    // And on a path that does not exist, the host is refused before the 404.
    expectRefused(await send(sandbox.url, '/no/such/path', 'evil.example'));
    // Neither approval reached the device code: its next poll is still pending.
    const poll = await send(sandbox.url, '/token', local, { method: 'POST', body: form({ grant_type: DEVICE_CODE_GRANT, device_code: auth.body.device_code, ...(await deviceClientAuth(sandbox.url)) }) });
    expect(poll.body.error).toBe('authorization_pending');
  });

  it('echoes a valid interaction id and logs the refusal with the check and the host', async () => {
    const id = 'b1f0e8c2-3d4a-4e5f-8a6b-7c8d9e0f1a2b';
    const logged = logs.next((r) => r.interactionId === id);
    expectRefused(await send(sandbox.url, '/__sandbox/requests', 'Evil.Example', { headers: { 'x-fapi-interaction-id': id } }), id);
    expect(await logged).toMatchObject({ level: 'warn', msg: 'request', path: '/__sandbox/requests', status: 400, refusal: 'host.not_allowed', host: 'evil.example' });
  });

  it('does not repeat a host it cannot quote within RFC 6749 §5.2', async () => {
    const answer = await send(sandbox.url, DISCOVERY, 'a"b.example');
    expectRefused(answer);
    expect(answer.body.error_description).not.toContain('a"b');
  });

  it('refuses a request without a Host header (HTTP/1.0)', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(sandbox.port, '127.0.0.1', () => socket.end('GET /__sandbox/requests HTTP/1.0\r\n\r\n'));
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toMatch(/^x-fapi-interaction-id: [0-9a-f-]{36}\r$/m);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/no Host header/) });
  });

  it('applies the same rule on the mutual-TLS listener', async () => {
    const mtls = sandbox.mtlsUrl!;
    const tokenForm = form({ grant_type: 'client_credentials', client_id: DEMO.mtls.clientId });
    const ok = await send(mtls, '/token', `localhost:${sandbox.tlsPort}`, { method: 'POST', body: tokenForm });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expectRefused(await send(mtls, '/token', `evil.example:${sandbox.tlsPort}`, { method: 'POST', body: tokenForm }));
    expectRefused(await send(mtls, DISCOVERY, 'evil.example'));
  });

  it('leaves in-process app.fetch calls alone: they are no network request', async () => {
    const res = await createApp().fetch(new Request(`http://sandbox.test${DISCOVERY}`));
    expect(res.status).toBe(200);
  });
});

describe('with allowed hosts', () => {
  it('answers the hosts of allowedHosts (any case, IPv6 too) and of the issuer, and still refuses others', async () => {
    const sandbox = await start({ allowedHosts: ['sandbox', 'My-Host.Example.', 'fd00::1'], issuer: 'https://auth.example.test/' });
    for (const host of ['sandbox:4010', 'sandbox', 'my-host.example', 'MY-HOST.EXAMPLE:8080', '[fd00::1]:4010', 'auth.example.test', 'localhost']) {
      expect((await send(sandbox.url, DISCOVERY, host)).status, host).toBe(200);
    }
    expectRefused(await send(sandbox.url, DISCOVERY, 'evil.example'));
    expectRefused(await send(sandbox.url, DISCOVERY, 'sandbox.evil.example'));
  });

  it('names the service host as issuer, so that a CI job reaches it by its service name', async () => {
    const sandbox = await start({ allowedHosts: ['sandbox'] });
    expect((await send(sandbox.url, DISCOVERY, 'sandbox:4010')).body.issuer).toBe('http://sandbox:4010');
  });

  it('answers every host with *', async () => {
    const sandbox = await start({ allowedHosts: ['*'], tlsPort: 0 });
    expect((await send(sandbox.url, '/__sandbox/requests', 'evil.example')).status).toBe(200);
    expect((await send(sandbox.mtlsUrl!, DISCOVERY, 'evil.example')).status).toBe(200);
  });

  it.each([
    [['http://sandbox'], /"http:\/\/sandbox" is not a host name/],
    [['sandbox:4010'], /"sandbox:4010" is not a host name/],
    [['a/b'], /"a\/b" is not a host name/],
    [['*', 'sandbox'], /\* allows every host and cannot be combined with others/],
  ])('refuses allowedHosts %j with an OptionError', (allowedHosts, message) => {
    expect(() => createApp({ allowedHosts })).toThrow(OptionError);
    expect(() => createApp({ allowedHosts })).toThrow(message);
  });
});

describe('a page whose name rebinds to 127.0.0.1, in Chromium', () => {
  it('cannot read the journal or open the verification page; the same pages on localhost can', async () => {
    const sandbox = await start();
    const browser = await launchChromium([`--host-resolver-rules=MAP rebound.example 127.0.0.1`]);
    try {
      const page = await browser.newPage();
      const rebound = await page.goto(`http://rebound.example:${sandbox.port}/__sandbox/requests`);
      expect(rebound!.status()).toBe(400);
      expect(await rebound!.json()).toMatchObject({ error: 'invalid_request' });
      expect((await page.goto(`http://rebound.example:${sandbox.port}/device`))!.status()).toBe(400);
      expect((await page.goto(`http://localhost:${sandbox.port}/device`))!.status()).toBe(200);
      expect((await page.goto(`http://localhost:${sandbox.port}/__sandbox/requests`))!.status()).toBe(200);
    } finally {
      await browser.close();
    }
  });
});
