/**
 * Cross-origin access: none unless --cors names the origins, and then what a browser needs. The
 * rules in-process, every answer checked against the OpenAPI documents; then the real thing, a
 * page on another origin calling the sandbox from headless Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { OptionError } from '../../src/settings/errors.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { launchChromium } from '../support/browser.js';
import { contractProblems } from '../support/contract-validator.js';

const PAGE_ORIGIN = 'http://app.example.test:3000';
const BASE = 'http://127.0.0.1:4010';

async function call(app: ReturnType<typeof createApp>, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const res = await app.fetch(new Request(`${BASE}${path}`, { method, headers, body }));
  const text = await res.text();
  expect(contractProblems(method, path, res.status, res.headers, text), `${method} ${path} ${res.status}`).toEqual([]);
  return { res, text };
}

const preflight = (method: string, extra: Record<string, string> = {}) => ({
  origin: PAGE_ORIGIN,
  'access-control-request-method': method,
  ...extra,
});

describe('without --cors', () => {
  const app = createApp();

  it('sends no CORS header, even to a request with an Origin', async () => {
    const { res } = await call(app, 'POST', '/token', { origin: PAGE_ORIGIN, prefer: 'code=429', 'content-type': 'application/x-www-form-urlencoded' }, 'client_id=x');
    expect(res.status).toBe(429);
    expect([...res.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('answers a preflight 404, like any undocumented method', async () => {
    const { res } = await call(app, 'OPTIONS', '/token', preflight('POST'));
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('with --cors naming origins', () => {
  const app = createApp({ cors: `${PAGE_ORIGIN}, http://other.example.test`, adminToken: 'a'.repeat(32) });

  it('answers a preflight from an allowed origin with what the actual request may use', async () => {
    const { res } = await call(app, 'OPTIONS', '/token', preflight('POST', { 'access-control-request-headers': 'content-type, prefer, x-fapi-interaction-id' }));
    expect(res.status).toBe(204);
    expect(Object.fromEntries([...res.headers].filter(([h]) => h.startsWith('access-control-') || h === 'vary' || h === 'allow'))).toEqual({
      'access-control-allow-origin': PAGE_ORIGIN,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, prefer, x-fapi-interaction-id',
      'access-control-max-age': '600',
      allow: 'POST',
      vary: 'Origin',
    });
    expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists the methods of each path, path parameters included', async () => {
    expect((await call(app, 'OPTIONS', '/jwks', preflight('GET'))).res.headers.get('access-control-allow-methods')).toBe('GET');
    expect((await call(app, 'OPTIONS', '/device', preflight('POST'))).res.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect((await call(app, 'OPTIONS', '/__sandbox/requests', preflight('DELETE'))).res.headers.get('access-control-allow-methods')).toBe('GET, DELETE');
    expect((await call(app, 'OPTIONS', '/__sandbox/devices/ABCD-EFGH/approve', preflight('POST'))).res.status).toBe(204);
  });

  it('answers a preflight to the control API without its bearer token, which a browser never sends on a preflight', async () => {
    const { res } = await call(app, 'OPTIONS', '/__sandbox/scenarios', preflight('GET', { 'access-control-request-headers': 'authorization' }));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization');
    // The actual request still needs the token.
    expect((await call(app, 'GET', '/__sandbox/scenarios', { origin: PAGE_ORIGIN })).res.status).toBe(401);
  });

  it('refuses a preflight from another origin with a 403 that names the flag to use', async () => {
    const { res, text } = await call(app, 'OPTIONS', '/token', { origin: 'http://evil.example.test', 'access-control-request-method': 'POST' });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(JSON.parse(text).errors[0]).toMatch(/origin http:\/\/evil\.example\.test is not allowed .*--cors http:\/\/evil\.example\.test/);
  });

  it('answers a plain OPTIONS with the methods, and an unknown path 404', async () => {
    const plain = await call(app, 'OPTIONS', '/.well-known/openid-configuration');
    expect(plain.res.status).toBe(204);
    expect(plain.res.headers.get('allow')).toBe('GET');
    expect(plain.res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await call(app, 'OPTIONS', '/nowhere', preflight('GET'))).res.status).toBe(404);
  });

  it('adds the origin and the readable headers to every answer to an allowed origin, errors included', async () => {
    const refused = await call(app, 'POST', '/token', { origin: PAGE_ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=client_credentials');
    expect(refused.res.status).toBe(400);
    const notFound = await call(app, 'GET', '/nowhere', { origin: PAGE_ORIGIN });
    for (const { res } of [refused, notFound]) {
      expect(res.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
      expect(res.headers.get('access-control-expose-headers')).toBe('x-fapi-interaction-id, retry-after, www-authenticate');
      expect(res.headers.get('vary')).toBe('Origin');
    }
    const other = await call(app, 'GET', '/jwks', { origin: 'http://evil.example.test' });
    expect(other.res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('does not offer the control API when it is off', async () => {
    const noAdmin = createApp({ cors: PAGE_ORIGIN, admin: false });
    expect((await call(noAdmin, 'OPTIONS', '/__sandbox/requests', preflight('GET'))).res.status).toBe(404);
  });
});

describe('with --cors *', () => {
  it('allows every origin with a literal *', async () => {
    const app = createApp({ cors: '*' });
    const { res } = await call(app, 'OPTIONS', '/token', preflight('POST'));
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('vary')).toBeNull();
  });
});

describe('bad --cors values', () => {
  it.each([
    ['', /names no origin/],
    ['http://localhost:3000/', /not an origin/],
    ['localhost:3000', /not an origin/],
    ['ftp://files.example.test', /not an origin/],
    ['*, http://localhost:3000', /cannot be combined/],
  ])('refuses %j', (value, problem) => {
    expect(() => createApp({ cors: value })).toThrow(OptionError);
    expect(() => createApp({ cors: value })).toThrow(problem);
  });
});

describe('a page on another origin, in Chromium', () => {
  let browser: Browser;
  let pages: Server;
  let pageOrigin: string;
  let open: RunningSandbox;
  let closed: RunningSandbox;
  const adminToken = 'b'.repeat(32);

  beforeAll(async () => {
    // The page's own origin: another port is another origin.
    pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>client</title>'));
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    open = await startSandbox({ port: 0, cors: pageOrigin, adminToken });
    closed = await startSandbox({ port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await open?.close();
    await closed?.close();
    await new Promise((resolve) => pages?.close(resolve));
  });

  async function page(): Promise<Page> {
    const p = await (await browser.newContext()).newPage();
    await p.goto(pageOrigin);
    return p;
  }

  /** What a browser client does: a forced 429, reading the headers the contract gives meaning to. */
  const askForToken = (p: Page, sandboxUrl: string) =>
    p.evaluate(async (url) => {
      try {
        const res = await fetch(`${url}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', prefer: 'code=429', 'x-fapi-interaction-id': '9f2c7c1e-5b1a-4c3e-8d2f-0a1b2c3d4e5f' },
          body: 'client_id=browser',
        });
        return { status: res.status, interactionId: res.headers.get('x-fapi-interaction-id'), retryAfter: res.headers.get('retry-after'), body: await res.json() };
      } catch (err) {
        return { failed: String(err) };
      }
    }, sandboxUrl);

  it('calls the token endpoint and reads the interaction id and Retry-After, after a preflight', async () => {
    const result = await askForToken(await page(), open.url);
    expect(result).toMatchObject({ status: 429, interactionId: '9f2c7c1e-5b1a-4c3e-8d2f-0a1b2c3d4e5f', retryAfter: expect.stringMatching(/^\d+$/) });
    const journal = (await (await fetch(`${open.url}/__sandbox/requests`, { headers: { authorization: `Bearer ${adminToken}` } })).json()) as {
      requests: { method: string; path: string; status: number }[];
    };
    expect(journal.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      expect.arrayContaining(['OPTIONS /token 204', 'POST /token 429']),
    );
  });

  it('reads the control API with its bearer token', async () => {
    const p = await page();
    const names = await p.evaluate(
      async ({ url, token }) => {
        const res = await fetch(`${url}/__sandbox/scenarios`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name);
      },
      { url: open.url, token: adminToken },
    );
    expect(names).toContain('device-approve');
  });

  it('is blocked by the browser when the sandbox runs without --cors', async () => {
    const result = await askForToken(await page(), closed.url);
    expect(result).toEqual({ failed: expect.stringMatching(/TypeError: Failed to fetch/) });
  });
});
