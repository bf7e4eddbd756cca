/**
 * Property-based fuzzing (fast-check): whatever a buggy client sends, every answer is one the
 * OpenAPI documents allow, no answer is a 5xx unless a scenario asked for it, and the server
 * stays up. In-process over app.fetch (fast, thousands of cases) and over real HTTP, both judged
 * by the ajv validator; and a sample of token requests through Prism's proxy, the independent
 * judge. Set FUZZ_RUNS to run more.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { ERROR_TEXT } from '../../src/http/responses.js';
import { contractProblems } from '../support/contract-validator.js';
import { demoAssertion } from '../support/clients.js';
import { startPrismProxy, violations, type PrismJudge } from '../support/prism.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const BASE = 'http://sandbox.test';
const app = createApp({ deviceIntervalSeconds: 0 });
const VALID_ASSERTION = await demoAssertion(BASE, { lifetimeSeconds: 3000 });

const FIELDS = ['grant_type', 'client_id', 'client_assertion_type', 'client_assertion', 'assertion', 'scope', 'device_code', 'extra'];
const GRANTS = ['client_credentials', 'private_key_jwt', 'tls_client_auth', 'urn:ietf:params:oauth:grant-type:device_code', '', 'password'];

/** Strings a careless or hostile client sends: random, unicode, huge, JWT-ish, JSON-ish. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '%', '%zz', '%C3%28', '\u0000', 'a'.repeat(300), 'x'.repeat(9000), '{"a":', '[]', 'null', 'eyJhbGciOiJub25lIn0.e30.', 'a.b.c', 'a..c', VALID_ASSERTION, 'sandbox-pkjwt', 'sandbox-throttled'),
  fc.constantFrom(...GRANTS),
  fc.constantFrom('urn:ietf:params:oauth:client-assertion-type:jwt-bearer', 'openid accounts', 'openid  x'),
);

/** A form body: fields in random order, some repeated, raw-encoded or percent-garbage. */
const formBody = fc.oneof(
  fc.array(fc.tuple(fc.constantFrom(...FIELDS), nasty), { maxLength: 8 }).map((pairs) => new URLSearchParams(pairs).toString()),
  fc.array(fc.tuple(fc.constantFrom(...FIELDS), fc.string({ maxLength: 12 })), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const headerValue = fc.oneof(
  fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
  fc.constantFrom('d3a9e2b4-6c1f-4c53-9b0e-8f3f1a2b7c10', 'Sun, 10 Sep 2017 19:43:31 UTC', '203.0.113.9', '::1', 'x'.repeat(2000), 'code=400, example=slow_down', 'code=999', 'example=nope', 'code=', 'throttled', 'device-approve', '*/*', 'text/html', 'application/json;q=0'),
);
const HEADERS = ['x-fapi-interaction-id', 'x-fapi-auth-date', 'x-fapi-customer-ip-address', 'x-customer-user-agent', 'x-sandbox-scenario', 'prefer', 'accept', 'content-type', 'client-cert'];
const headers = fc.dictionary(fc.constantFrom(...HEADERS), headerValue, { maxKeys: 5 });
const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', ''];

const PATHS = ['/token', '/token', '/token', '/device/auth', '/device', '/jwks', '/.well-known/openid-configuration', '/__sandbox/devices/BBBB-BBBB/approve', '/token/', '/', '/%2e%2e/etc', '/device?user_code=%ZZ'];
const METHODS = ['POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

const request = fc.record({
  method: fc.constantFrom(...METHODS),
  path: fc.constantFrom(...PATHS),
  contentType: fc.constantFrom(...CONTENT_TYPES),
  headers,
  body: formBody,
});
type Fuzzed = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** A 5xx is only acceptable when a scenario or Prefer asked for it. */
function askedFor5xx(r: Fuzzed): boolean {
  return r.headers['x-sandbox-scenario'] !== undefined || r.headers.prefer !== undefined || r.body.includes('sandbox-unavailable');
}

function toRequest(base: string, r: Fuzzed): Request {
  const init: RequestInit & { headers: Record<string, string> } = { method: r.method, headers: { ...r.headers } };
  if (r.contentType) init.headers['content-type'] = r.contentType;
  if (r.method !== 'GET' && r.method !== 'HEAD') init.body = r.body;
  return new Request(`${base}${r.path}`, init);
}

async function checkAnswer(r: Fuzzed, res: Response) {
  const body = r.method === 'HEAD' ? '' : await res.text();
  const path = new URL(`http://x${r.path}`).pathname;
  const problems = r.method === 'HEAD' ? [] : contractProblems(r.method, path, res.status, res.headers, body);
  expect(problems, `${r.method} ${r.path} → ${res.status} ${body.slice(0, 300)}`).toEqual([]);
  if (res.status >= 500) expect(askedFor5xx(r), `unasked ${res.status} for ${JSON.stringify(r).slice(0, 300)}`).toBe(true);
  // RFC 6749 §5.2 (the conformance suite's ValidateErrorDescriptionFromResponseError): whatever the request quoted.
  if (body !== '' && res.headers.get('content-type')?.startsWith('application/json')) {
    const json = JSON.parse(body) as Record<string, unknown>;
    for (const member of ['error', 'error_description', 'error_uri']) {
      if (typeof json[member] === 'string') expect(json[member], `${member} of ${body.slice(0, 300)}`).toMatch(ERROR_TEXT);
    }
  }
  expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/i);
}

describe('fuzzing against the contract', () => {
  it(`in-process: ${RUNS} random requests all get documented answers`, async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        await checkAnswer(r, await app.fetch(toRequest(BASE, r)));
      }),
      { numRuns: RUNS },
    );
  });

  describe('over real HTTP', () => {
    let sandbox: RunningSandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, deviceIntervalSeconds: 0 });
    });
    afterAll(() => sandbox?.close());

    it(`${Math.ceil(RUNS / 4)} random requests all get documented answers, and the server stays up`, async () => {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          await checkAnswer(r, await fetch(toRequest(sandbox.url, r)));
        }),
        { numRuns: Math.ceil(RUNS / 4) },
      );
      const health = await fetch(`${sandbox.url}/jwks`);
      expect(health.status).toBe(200);
    });

    describe("through Prism's proxy", () => {
      let judge: PrismJudge;
      beforeAll(async () => {
        judge = await startPrismProxy(sandbox.url);
      });
      afterAll(() => judge?.close());

      // Prism answers a content type it cannot parse the body of (JSON, multipart, nonsense)
      // itself, never asking the sandbox: those stay with the ajv judge above.
      const tokenRequests = fc
        .tuple(request, fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'text/plain', ''))
        .map(([{ headers: { 'content-type': _, ...headers }, ...r }, contentType]) => ({ ...r, headers, method: 'POST', path: '/token', contentType }));
      it(`${Math.ceil(RUNS / 20)} random token requests: Prism reports no violation in any answer`, async () => {
        const runs = Math.ceil(RUNS / 20);
        let judged = 0;
        await fc.assert(
          fc.asyncProperty(tokenRequests, async (r) => {
            const res = await fetch(toRequest(judge.url, r));
            const body = await res.text();
            // Prism refuses a Prefer it cannot parse (code=, example=) itself: nothing to judge.
            if (res.status === 422 && body.includes('stoplight.io/prism/errors')) return;
            judged++;
            expect(violations(res), `${res.status} ${body.slice(0, 300)} for ${JSON.stringify(r).slice(0, 300)}`).toEqual([]);
            expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/i);
          }),
          { numRuns: runs },
        );
        expect(judged, 'most samples must reach the sandbox').toBeGreaterThan(runs * 0.8);
      });
    });
  });
});
