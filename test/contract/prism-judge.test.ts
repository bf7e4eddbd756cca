/**
 * The independent judge: every answer of the real server, over HTTP, through Prism's proxy.
 * Any sl-violations header (an Error, or a Warning such as an undeclared status) fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioContracts, loadTokenContract } from '../../src/settings/contract-file.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { SANDBOX_DOCUMENT, startPrismProxy, violations, type PrismJudge } from '../support/prism.js';
import { codeClientAuth, DEMO, deviceClientAuth, pkjwtForm } from '../support/clients.js';
import { dpopProof, proofKey } from '../support/dpop.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { DEVICE_CODE_GRANT, form, JWT_BEARER, tokenRequest, type Fields } from '../support/requests.js';
import { answersAt, OWN_SCENARIO_ENDPOINTS } from '../../src/scenarios/model.js';
import { shippedWithoutDelays, stepsOf } from '../support/scenarios.js';

const contract = loadTokenContract();
// Delays change when bytes are sent, not which: leaving them out keeps the suite fast.
const shipped = shippedWithoutDelays();
let sandbox: RunningSandbox;
let judge: PrismJudge;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, scenarios: shipped, deviceIntervalSeconds: 0 });
  judge = await startPrismProxy(sandbox.url);
});
afterAll(async () => {
  await judge?.close();
  await sandbox?.close();
});

async function judged(body: Fields | string | undefined, headers: Record<string, string>, expected: number) {
  const res = await fetch(tokenRequest(judge.url, body, headers));
  const text = await res.text();
  expect(violations(res), `${res.status} ${text}`).toEqual([]);
  expect(res.status, text).toBe(expected);
  expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
  return text;
}

describe('Prism finds no violation', () => {
  const statuses = [...contract.responses.keys()];

  it.each(statuses)('for Prefer: code=%i', async (status) => {
    await judged(undefined, { prefer: `code=${status}` }, status);
  });

  const examples = [...contract.responses.values()].flatMap((r) => [...r.examples.keys()].map((e) => [r.status, e] as const));
  it.each(examples)('for Prefer: code=%i, example=%s', async (status, example) => {
    await judged(undefined, { prefer: `code=${status}, example=${example}` }, status);
  });

  it('for every step of every shipped scenario but the transport faults and the client tests outside the contract (by design)', async () => {
    const judgedScenarios = shipped
      .filter(answersAt('/token'))
      .filter((s) => stepsOf(s).every((step) => step.fault === undefined && !('outsideContract' in step && step.outsideContract)));
    expect(judgedScenarios.length).toBeGreaterThanOrEqual(18);
    for (const scenario of judgedScenarios) {
      for (const step of stepsOf(scenario)) {
        const res = await fetch(tokenRequest(judge.url, undefined, { 'x-sandbox-scenario': scenario.name }));
        expect(violations(res), scenario.name).toEqual([]);
        expect(res.status, scenario.name).toBe('status' in step ? step.status : undefined);
      }
    }
  });

  it('for a token issued to an authenticated client', async () => {
    await judged(await pkjwtForm(sandbox.url, { scope: 'openid' }), {}, 200);
    await judged(await pkjwtForm(sandbox.url, { grant_type: 'private_key_jwt' }), { 'x-fapi-interaction-id': 'd3a9e2b4-6c1f-4c53-9b0e-8f3f1a2b7c10' }, 200);
  });

  it('for refused client authentication and scope', async () => {
    const form = await pkjwtForm(sandbox.url);
    await judged(form, {}, 200);
    await judged(form, {}, 400); // replayed
    await judged(await pkjwtForm(sandbox.url, { scope: 'admin' }), {}, 400);
    await judged(await pkjwtForm('https://elsewhere.example'), {}, 400);
  });

  it('for a DPoP-bound token and an invalid DPoP proof (the sandbox extension)', async () => {
    const key = proofKey();
    const now = Math.floor(Date.now() / 1000);
    const bound = JSON.parse(await judged(await pkjwtForm(sandbox.url), { dpop: await dpopProof(key, `${sandbox.url}/token`, now) }, 200));
    expect(bound.token_type).toBe('DPoP');
    const refused = JSON.parse(await judged(await pkjwtForm(sandbox.url), { dpop: await dpopProof(key, `${sandbox.url}/elsewhere`, now) }, 400));
    expect(refused.error).toBe('invalid_dpop_proof');
  });

  const pkjwt: Fields = { grant_type: 'private_key_jwt', client_id: 'c', client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' };
  it.each<[string, Fields | string | undefined, Record<string, string>, number]>([
    ['an unknown client', pkjwt, {}, 400],
    ['a malformed interaction id', undefined, { 'x-fapi-interaction-id': 'nope' }, 400],
    ['a bad x-fapi-auth-date', undefined, { 'x-fapi-auth-date': 'today' }, 400],
    ['a bad customer IP', undefined, { 'x-fapi-customer-ip-address': 'localhost' }, 400],
    ['an empty body', '', {}, 400],
    ['a JSON body', '{}', { 'content-type': 'application/json' }, 400],
    ['a repeated field', 'client_id=a&client_id=b', {}, 400],
    ['an unknown grant', { grant_type: 'password' }, {}, 400],
    ['a missing assertion', { ...pkjwt, client_assertion: '' }, {}, 400],
    ['an unknown device code', { grant_type: DEVICE_CODE_GRANT, client_id: 'c', device_code: 'x' }, {}, 400],
    ['no client identification', { scope: 'openid' }, {}, 400],
    ['an Accept without JSON', undefined, { accept: 'text/html' }, 406],
    ['an unknown scenario', undefined, { 'x-sandbox-scenario': 'nope' }, 404],
    ['an undocumented Prefer code', undefined, { prefer: 'code=418' }, 404],
    ['a match rule', { client_id: 'sandbox-throttled' }, {}, 429],
  ])('for %s', async (_label, body, headers, expected) => {
    await judged(body, headers, expected);
  });
});

describe('Prism finds no violation in the sandbox endpoints (openapi/sandbox.yaml)', () => {
  let sandboxJudge: PrismJudge;
  beforeAll(async () => {
    sandboxJudge = await startPrismProxy(sandbox.url, SANDBOX_DOCUMENT);
  });
  afterAll(() => sandboxJudge?.close());

  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks'])('for GET %s', async (path) => {
    for (const [accept, expected] of [[undefined, 200], ['application/json', 200], ['text/html', 406]] as const) {
      const res = await fetch(`${sandboxJudge.url}${path}`, { headers: accept ? { accept } : {} });
      expect(violations(res), `${path} ${accept}`).toEqual([]);
      expect(res.status).toBe(expected);
      await res.arrayBuffer();
    }
  });
});

describe('Prism finds no violation in the device flow', () => {
  let sandboxJudge: PrismJudge;
  beforeAll(async () => {
    sandboxJudge = await startPrismProxy(sandbox.url, SANDBOX_DOCUMENT);
  });
  afterAll(() => sandboxJudge?.close());

  async function judgedOn(judgeUrl: string, path: string, init: RequestInit, expected: number) {
    const res = await fetch(`${judgeUrl}${path}`, init);
    const text = await res.text();
    expect(violations(res), `${path} ${res.status} ${text.slice(0, 200)}`).toEqual([]);
    expect(res.status, text.slice(0, 200)).toBe(expected);
    return text;
  }
  const formPost = (fields: Fields, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
  });
  const authorize = async (headers: Record<string, string> = {}, expected = 200) =>
    judgedOn(sandboxJudge.url, '/device/auth', formPost({ ...(await deviceClientAuth(sandbox.url)), scope: 'openid' }, headers), expected);
  const pollJudged = async (deviceCode: string, expected: number) =>
    judgedOn(judge.url, '/token', formPost({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, ...(await deviceClientAuth(sandbox.url)) }), expected);

  it('for the device authorization endpoint', async () => {
    await authorize();
    await authorize({ accept: 'text/html' }, 406);
    await authorize({ 'x-fapi-auth-date': 'today' }, 400);
    await authorize({ 'x-sandbox-scenario': 'nope' }, 404);
    await judgedOn(sandboxJudge.url, '/device/auth', formPost({ client_id: 'sandbox-device', scope: 'openid' }), 400);
  });

  it('for every polling outcome, the verification page and the control API', async () => {
    const pending = JSON.parse(await authorize()) as { device_code: string; user_code: string };
    expect(JSON.parse(await pollJudged(pending.device_code, 400)).error).toBe('authorization_pending');
    await judgedOn(sandboxJudge.url, '/device', {}, 200);
    await judgedOn(sandboxJudge.url, `/device?user_code=${pending.user_code}`, {}, 200);
    await judgedOn(sandboxJudge.url, '/device?user_code=nope', {}, 400);
    await judgedOn(sandboxJudge.url, '/device?user_code=BBBB-BBBB', {}, 404);
    await judgedOn(sandboxJudge.url, '/device', formPost({ user_code: pending.user_code, decision: 'approve' }), 200);
    expect(JSON.parse(await pollJudged(pending.device_code, 200)).token_type).toBe('Bearer');
    expect(JSON.parse(await pollJudged(pending.device_code, 400)).error).toBe('invalid_grant');

    const denied = JSON.parse(await authorize()) as { device_code: string; user_code: string };
    await judgedOn(sandboxJudge.url, `/__sandbox/devices/${denied.user_code}/deny`, { method: 'POST' }, 204);
    await judgedOn(sandboxJudge.url, `/__sandbox/devices/${denied.user_code}/approve`, { method: 'POST' }, 404);
    expect(JSON.parse(await pollJudged(denied.device_code, 400)).error).toBe('access_denied');
  });
});

describe('the judge', () => {
  it('catches a response that breaks the contract', async () => {
    // A token issuer that breaks the AccessToken schema: Prism must report it.
    const broken = await startSandbox({
      port: 0,
      tokenIssuer: { issue: async () => ({ access_token: '', token_type: 'Bearer' }) as never },
    });
    const brokenJudge = await startPrismProxy(broken.url);
    try {
      const res = await fetch(tokenRequest(brokenJudge.url, await pkjwtForm(broken.url)));
      const found = violations(res) as { message: string }[];
      expect(found.map((v) => v.message)).toEqual(
        expect.arrayContaining([
          "Response body must have required property 'expires_in'",
          'Response body property access_token must NOT have fewer than 1 characters',
        ]),
      );
    } finally {
      await brokenJudge.close();
      await broken.close();
    }
  });
});

describe('Prism finds no violation in the authorization code flow', () => {
  let sandboxJudge: PrismJudge;
  beforeAll(async () => {
    sandboxJudge = await startPrismProxy(sandbox.url, SANDBOX_DOCUMENT);
  });
  afterAll(() => sandboxJudge?.close());

  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  async function judgedOn(judgeUrl: string, path: string, init: RequestInit, expected: number): Promise<Response> {
    const res = await fetch(`${judgeUrl}${path}`, { redirect: 'manual', ...init });
    const text = await res.clone().text();
    expect(violations(res), `${path} ${expected} ${JSON.stringify(init.headers)} ${text.slice(0, 600)}`).toEqual([]);
    expect(res.status, text.slice(0, 200)).toBe(expected);
    return res;
  }
  const formPost = (fields: Fields, headers: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
  });
  const pushed = async (extra: Fields = {}, headers: Record<string, string> = {}, expected = 201) =>
    judgedOn(
      sandboxJudge.url,
      '/par',
      formPost(
        {
          ...(await codeClientAuth(sandbox.url)),
          response_type: 'code',
          redirect_uri: DEMO.code.redirectUri,
          scope: 'openid',
          state: 's',
          code_challenge: s256Challenge(verifier),
          code_challenge_method: 'S256',
          ...extra,
        },
        headers,
      ),
      expected,
    );
  const contracts = loadScenarioContracts();

  it.each(OWN_SCENARIO_ENDPOINTS)('for POST %s: every documented status and example, and every scenario of the endpoint', async (path) => {
    for (const [status, response] of contracts[path].responses) {
      await judgedOn(sandboxJudge.url, path, formPost({}, { prefer: `code=${status}` }), status);
      for (const example of response.examples.keys()) await judgedOn(sandboxJudge.url, path, formPost({}, { prefer: `code=${status}, example=${example}` }), status);
    }
    const scenarios = shipped.filter(answersAt(path));
    expect(scenarios.length).toBeGreaterThanOrEqual(2);
    for (const scenario of scenarios) {
      await judgedOn(sandboxJudge.url, path, formPost({}, { 'x-sandbox-scenario': scenario.name }), (scenario.response as { status: number }).status);
    }
  });

  it('for POST /par: a request_uri, and the refusals', async () => {
    await pushed();
    await pushed({ code_challenge_method: 'plain' }, {}, 400);
    await pushed({ scope: 'admin' }, {}, 400);
    await pushed({}, { accept: 'text/html' }, 406);
    await pushed({}, { 'x-sandbox-scenario': 'nope' }, 404);
    await judgedOn(sandboxJudge.url, '/par', formPost({ client_id: 'nobody', response_type: 'code' }), 400);
  });

  it('for the consent page, the redirect, the code and the refresh token', async () => {
    const { request_uri: uri } = (await (await pushed()).json()) as { request_uri: string };
    const query = (clientId: string, requestUri: string) => `/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;
    const page = await judgedOn(sandboxJudge.url, query(DEMO.code.clientId, uri), {}, 200);
    await judgedOn(sandboxJudge.url, query(DEMO.code.clientId, uri), {}, 410);
    await judgedOn(sandboxJudge.url, query('nobody', uri), {}, 400);
    await judgedOn(sandboxJudge.url, query(DEMO.code.clientId, 'urn:ietf:params:oauth:request_uri:nope'), {}, 404);
    const html = await page.text();
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
    const fields = { consent: hidden('consent'), csrf: hidden('csrf'), decision: 'approve' };
    await judgedOn(sandboxJudge.url, '/authorize', formPost(fields), 403);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    // Prism follows redirects, to a redirect_uri nobody listens on: the approval goes to the sandbox itself.
    const approved = await fetch(`${sandbox.url}/authorize`, { ...formPost(fields, { cookie }), redirect: 'manual' });
    expect(approved.status).toBe(303);
    await judgedOn(sandboxJudge.url, '/authorize', formPost(fields, { cookie }), 410);

    const code = new URL(approved.headers.get('location')!).searchParams.get('code')!;
    const redeem = async () =>
      judgedOn(judge.url, '/token', formPost({ grant_type: 'authorization_code', ...(await codeClientAuth(sandbox.url)), code, redirect_uri: DEMO.code.redirectUri, code_verifier: verifier }), 200);
    const tokens = (await (await redeem()).json()) as { refresh_token: string };
    await judgedOn(judge.url, '/token', formPost({ grant_type: 'authorization_code', ...(await codeClientAuth(sandbox.url)), code, redirect_uri: DEMO.code.redirectUri, code_verifier: verifier }), 400);
    await judgedOn(judge.url, '/token', formPost({ grant_type: 'refresh_token', ...(await codeClientAuth(sandbox.url)), refresh_token: tokens.refresh_token }), 400);
  });

  it('for introspection and revocation', async () => {
    const auth = () => codeClientAuth(sandbox.url);
    const token = JSON.parse(await judged(await pkjwtForm(sandbox.url), {}, 200)).access_token as string;
    const active = await judgedOn(sandboxJudge.url, '/introspect', formPost({ ...(await auth()), token }), 200);
    expect(await active.json()).toMatchObject({ active: true });
    await judgedOn(sandboxJudge.url, '/introspect', formPost({ ...(await auth()), token: 'nope' }), 200);
    await judgedOn(sandboxJudge.url, '/introspect', formPost(await auth()), 400);
    await judgedOn(sandboxJudge.url, '/introspect', formPost({ token }, { accept: 'text/html' }), 406);
    await judgedOn(sandboxJudge.url, '/revoke', formPost({ ...(await auth()), token }), 400); // another client's
    await judgedOn(sandboxJudge.url, '/revoke', formPost({ ...(await auth()), token: 'nope' }), 200);
    await judgedOn(sandboxJudge.url, '/revoke', formPost({ token }), 400);
  });
});
