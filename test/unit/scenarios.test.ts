import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { ConfigError } from '../../src/settings/errors.js';
import { loadScenarioDir, parseScenarioFile } from '../../src/settings/scenario-files.js';
import { loadScenarioContracts, loadTokenContract } from '../../src/settings/contract-file.js';
import { ScenarioCatalog } from '../../src/scenarios/catalog.js';
import type { Scenario } from '../../src/scenarios/model.js';
import { refusalOf } from '../support/refusals.js';
import { tokenRequest } from '../support/requests.js';
import { shippedWithoutDelays } from '../support/scenarios.js';

const BASE = 'http://sandbox.test';
const contract = loadTokenContract();
const contracts = loadScenarioContracts(contract);
// Statuses and bodies are checked here; delays over HTTP (test/e2e).
const app = createApp({ scenarios: shippedWithoutDelays() });

async function call(headers: Record<string, string>, body: Record<string, string> | string = { client_id: 'c' }) {
  const res = await app.fetch(tokenRequest(BASE, body, headers));
  const text = await res.text();
  return { res, status: res.status, body: text ? JSON.parse(text) : undefined };
}

const REQUIRED_SCENARIOS: Record<string, number> = {
  'invalid-request': 400, 'invalid-client': 400, 'invalid-grant': 400, 'unauthorized-client': 400,
  'unsupported-grant-type': 400, 'invalid-scope': 400, 'authorization-pending': 400, 'slow-down': 400,
  'access-denied': 400, 'expired-token': 400, 'not-found': 404, 'not-acceptable': 406, throttled: 429,
  'server-error': 500, 'bad-gateway': 502, 'upstream-timeout': 504,
};

describe('shipped scenarios', () => {
  it.each(Object.entries(REQUIRED_SCENARIOS))('%s answers %i', async (name, status) => {
    const r = await call({ 'x-sandbox-scenario': name });
    expect(r.status).toBe(status);
    if (status === 400) expect(r.body.error).toBe(name.replace(/-/g, '_'));
    // A forced answer is the scenario's, not a check's refusal.
    expect(await refusalOf(app, r.res)).toBeNull();
  });

  it('throttled carries Retry-After', async () => {
    const r = await call({ 'x-sandbox-scenario': 'throttled' });
    expect(r.res.headers.get('retry-after')).toBe('1');
    expect(r.body).toEqual({ errors: [expect.stringMatching(/throttled/)] });
  });

  it('not-acceptable has no body', async () => {
    const r = await call({ 'x-sandbox-scenario': 'not-acceptable' });
    expect(r.body).toBeUndefined();
  });

  it('success issues a fresh token each time', async () => {
    const a = await call({ 'x-sandbox-scenario': 'success' });
    const b = await call({ 'x-sandbox-scenario': 'success' });
    expect(a.status).toBe(200);
    expect(a.body.access_token).not.toBe(b.body.access_token);
    expect(a.res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('selection', () => {
  it('a selected scenario wins over a bad body, bad headers and Accept', async () => {
    const r = await call(
      { 'x-sandbox-scenario': 'bad-gateway', accept: 'text/html', 'x-fapi-auth-date': 'nope', 'content-type': 'text/plain' },
      'not a form',
    );
    expect(r.status).toBe(502);
  });

  it('an unknown scenario name gets 404 listing the known ones', async () => {
    const r = await call({ 'x-sandbox-scenario': 'no-such-thing' });
    expect(r.status).toBe(404);
    expect(await refusalOf(app, r.res)).toBe('scenario.unknown');
    expect(r.body.errors[0]).toBe('Unknown scenario "no-such-thing" in header x-sandbox-scenario');
    expect(r.body.errors[1]).toMatch(/^Known scenarios: .*throttled/);
  });

  it('a device scenario named at the token endpoint gets 404 saying where it belongs', async () => {
    const r = await call({ 'x-sandbox-scenario': 'device-approve' });
    expect(r.status).toBe(404);
    expect(r.body.errors[0]).toBe('Scenario "device-approve" decides device authorizations: send it with POST /device/auth, not POST /token');
    expect(r.body.errors[1]).not.toMatch(/device-approve/);
  });

  it.each([200, 400, 404, 406, 429, 500, 502, 504])('Prefer: code=%i returns that status', async (status) => {
    const r = await call({ prefer: `code=${status}` });
    expect(r.status).toBe(status);
  });

  it('Prefer: code=429 carries a Retry-After', async () => {
    expect((await call({ prefer: 'code=429' })).res.headers.get('retry-after')).toBe('1');
  });

  it('Prefer selects a named example', async () => {
    const r = await call({ prefer: 'code=400, example=invalid_client' });
    expect(r.body).toEqual(contract.responses.get(400)!.examples.get('invalid_client'));
    const quoted = await call({ prefer: 'example="slow_down"; foo=bar, code=400' });
    expect(quoted.body.error).toBe('slow_down');
  });

  it('Prefer: example alone finds the status that has it', async () => {
    const r = await call({ prefer: 'example=expired_token' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('expired_token');
  });

  it('an undocumented Prefer code gets 404 listing the documented ones', async () => {
    const r = await call({ prefer: 'code=418' });
    expect(r.status).toBe(404);
    expect(r.body.errors).toEqual([
      'Prefer: code=418 is not a status POST /token documents',
      'Documented statuses: 200, 400, 404, 406, 429, 500, 502, 504',
    ]);
  });

  it('an unknown Prefer example gets 404 listing the examples of that status', async () => {
    const r = await call({ prefer: 'code=400, example=nope' });
    expect(r.status).toBe(404);
    expect(r.body.errors[1]).toMatch(/^Named examples: invalid_request, invalid_client/);
  });

  it('ignores preferences it does not know (RFC 7240)', async () => {
    // No scenario: the request is processed normally, and it carries no client authentication.
    const r = await call({ prefer: 'return=minimal, respond-async, dynamic=true' });
    expect(r.body).toMatchObject({ error: 'invalid_client' });
    expect(await refusalOf(app, r.res)).toBe('client.no_authentication');
  });

  it('the scenario header wins over Prefer', async () => {
    expect((await call({ 'x-sandbox-scenario': 'server-error', prefer: 'code=429' })).status).toBe(500);
  });

  it('match rules select by form field, without any header', async () => {
    const r = await call({}, { grant_type: 'client_credentials', client_id: 'sandbox-throttled' });
    expect(r.status).toBe(429);
    expect(r.res.headers.get('retry-after')).toBe('1');
    expect((await call({}, { client_id: 'sandbox-unavailable' })).status).toBe(504);
  });

  it('Prefer wins over match rules', async () => {
    expect((await call({ prefer: 'code=200' }, { client_id: 'sandbox-throttled' })).status).toBe(200);
  });
});

describe('match rules and the index', () => {
  const scenario = (name: string, match: Scenario['match'], status = 500): Scenario => ({
    name, description: name, source: 'test', match, response: { status },
  });

  it('requires every condition, and takes the first rule in load order', () => {
    const catalog = new ScenarioCatalog([
      scenario('both', { form: { client_id: 'a', scope: 'x' }, headers: { 'x-run': '1' } }),
      scenario('header-only', { headers: { 'x-run': '1' } }),
      scenario('client-a', { form: { client_id: 'a' } }),
    ]);
    const h = (init: Record<string, string>) => new Headers(init);
    expect(catalog.match(h({ 'x-run': '1' }), { client_id: 'a', scope: 'x' })?.name).toBe('both');
    expect(catalog.match(h({ 'x-run': '1' }), { client_id: 'a' })?.name).toBe('header-only');
    expect(catalog.match(h({}), { client_id: 'a', scope: 'x' })?.name).toBe('client-a');
    expect(catalog.match(h({ 'x-run': '2' }), { client_id: 'b' })).toBeUndefined();
  });

  it('finds the right one among 10,000 rules', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => scenario(`s${i}`, { form: { client_id: `client-${i}` } }));
    const catalog = new ScenarioCatalog(many);
    expect(catalog.match(new Headers(), { client_id: 'client-9876' })?.name).toBe('s9876');
    expect(catalog.match(new Headers(), { client_id: 'client-10000' })).toBeUndefined();
  });

  it('finds the right one when thousands of rules share a condition, whichever comes first', () => {
    const many = Array.from({ length: 3_000 }, (_, i) =>
      i % 2 === 0
        ? scenario(`form${i}`, { form: { grant_type: 'client_credentials', client_id: `client-${i}` } })
        : scenario(`header${i}`, { form: { grant_type: 'client_credentials' }, headers: { 'x-run': `run-${i}` } }),
    );
    const catalog = new ScenarioCatalog([...many, scenario('any-client-credentials', { form: { grant_type: 'client_credentials' } })]);
    const cc = (client_id: string) => ({ grant_type: 'client_credentials', client_id });
    expect(catalog.match(new Headers(), cc('client-2468'))?.name).toBe('form2468');
    expect(catalog.match(new Headers({ 'x-run': 'run-1357' }), cc('client-2468'))?.name).toBe('header1357');
    expect(catalog.match(new Headers({ 'x-run': 'run-1357' }), { client_id: 'client-2468' })).toBeUndefined();
    expect(catalog.match(new Headers(), cc('client-1'))?.name).toBe('any-client-credentials');
  });
});

describe('scenario files', () => {
  const parse = (text: string) => parseScenarioFile('test.yaml', text, contracts);
  const failure = (text: string) => {
    try {
      parse(text);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as ConfigError).message;
    }
    throw new Error('expected the file to be rejected');
  };

  it('accepts a single scenario or a list', () => {
    expect(parse('name: a\ndescription: d\nresponse: {status: 500}').map((s) => s.name)).toEqual(['a']);
    expect(parse('scenarios:\n  - {name: a, description: d, response: {status: 500}}\n  - {name: b, description: d, response: {status: 502}}').map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('reports YAML syntax errors with the line', () => {
    expect(failure('name: a\n  description: [unclosed')).toMatch(/^test\.yaml: at line \d+, column \d+: /);
  });

  it('reports duplicate keys', () => {
    expect(failure('name: a\nname: b\ndescription: d\nresponse: {status: 500}')).toMatch(/^test\.yaml: at line 2/);
  });

  it("holds a scenario of another endpoint to that endpoint's document", () => {
    expect(parse('name: a\ndescription: d\nendpoint: /par\nresponse: {status: 201}')).toMatchObject([{ name: 'a', endpoint: '/par', response: { status: 201 } }]);
    expect(parse('name: a\ndescription: d\nresponse: {status: 500}')[0]).not.toHaveProperty('endpoint');
    expect(failure('name: a\ndescription: d\nendpoint: /par\nresponse: {status: 200}')).toBe('test.yaml: at response.status: POST /par does not document status 200');
    expect(failure('name: a\ndescription: d\nresponse: {status: 201}')).toBe('test.yaml: at response.status: POST /token does not document status 201');
    expect(failure('name: a\ndescription: d\nendpoint: /introspect\nresponse: {status: 400, example: unauthorized_client}')).toMatch(/^test\.yaml: at response\.example: status 400 has no example "unauthorized_client"/);
    expect(failure('name: a\ndescription: d\nendpoint: /introspect\nresponse: {status: 200, token: {omit: [scope]}}')).toBe(
      'test.yaml: at response.token: changes the token a 200 issues, which only POST /token does (not POST /introspect)',
    );
    expect(failure('name: a\ndescription: d\nendpoint: /par\ndevice: {decision: approve}')).toBe('test.yaml: at endpoint: a device scenario is for POST /device/auth and takes no endpoint');
    expect(failure('name: a\ndescription: d\nendpoint: /authorize\nresponse: {status: 500}')).toMatch(/^test\.yaml: at endpoint: must be one of/);
  });

  it('reads authorization scenarios, which take no endpoint, response or sequence', () => {
    expect(parse('name: a\ndescription: d\nauthorization: {error: server_error, description: down}')).toEqual([
      { name: 'a', description: 'd', source: 'test.yaml', authorization: { error: 'server_error', description: 'down' } },
    ]);
    expect(failure('scenarios:\n  - {name: a, description: d, authorization: {decision: deny}, response: {status: 500}}')).toBe(
      "test.yaml: at scenarios[0].response: an authorization scenario is selected on POST /par and decides GET /authorize's answer, so it takes no response",
    );
    expect(failure('name: a\ndescription: d\nendpoint: /par\nauthorization: {decision: approve}')).toBe(
      "test.yaml: at endpoint: an authorization scenario is selected on POST /par and decides GET /authorize's answer, so it takes no endpoint",
    );
    expect(failure('name: a\ndescription: d\nauthorization: {decision: approve, error: server_error}')).toBe('test.yaml: at authorization.error: give either decision or error, not both');
    expect(failure('name: a\ndescription: d\nauthorization: {error: login_required}')).toMatch(/^test\.yaml: at authorization\.error: must be one of/);
    expect(failure('name: a\ndescription: d\nauthorization: {error: server_error, description: "say \\"no\\""}')).toMatch(
      /^test\.yaml: at authorization\.description: holds a character RFC 6749 §5\.2 does not allow/,
    );
  });

  it('names the path of a shape error', () => {
    expect(failure('scenarios:\n  - {name: a, description: d, response: {status: 500}}\n  - {name: B!, description: d, response: {status: 500}}')).toBe(
      'test.yaml: at scenarios[1].name: must match the pattern ^[a-z0-9][a-z0-9-]{0,63}$',
    );
    expect(failure('name: a\ndescription: d\nresponse: {status: 418}')).toMatch(/^test\.yaml: at response\.status: must be one of: 200, 201, 400/);
    expect(failure('name: a\ndescription: d\nresponse: {status: 500}\ncolour: red')).toBe('test.yaml: at colour: is not a known property');
    expect(failure('name: a\nresponse: {status: 500}')).toBe('test.yaml: at (top level): must have the property "description"');
  });

  it('checks examples against the contract', () => {
    expect(failure('name: a\ndescription: d\nresponse: {status: 400, example: invalid_token}')).toMatch(
      /^test\.yaml: at response\.example: status 400 has no example "invalid_token"; it has: invalid_request, invalid_client/,
    );
  });

  it('checks literal bodies against the contract', () => {
    expect(failure('name: a\ndescription: d\nresponse: {status: 400, body: {error: teapot}}')).toMatch(
      /^test\.yaml: at response\.body\.error: must be one of: invalid_request/,
    );
    expect(failure('name: a\ndescription: d\nresponse: {status: 406, body: {errors: [x]}}')).toBe(
      'test.yaml: at response.body: status 406 is documented without a body',
    );
    expect(parse('name: a\ndescription: d\nresponse: {status: 400, body: {error: invalid_scope, error_description: nope}}')[0]!.response).toMatchObject({
      body: { error: 'invalid_scope', error_description: 'nope' },
    });
  });

  it('checks headers against the contract and keeps the ones the sandbox owns', () => {
    expect(failure('name: a\ndescription: d\nresponse: {status: 429, headers: {Retry-After: soon}}')).toMatch(
      /^test\.yaml: at response\.headers\.retry-after: must match the pattern/,
    );
    expect(failure('name: a\ndescription: d\nresponse: {status: 500, headers: {X-FAPI-Interaction-Id: x}}')).toMatch(/is set by the sandbox itself/);
    expect(failure('name: a\ndescription: d\nresponse: {status: 500, headers: {"bad header": x}}')).toMatch(/not a valid HTTP header name/);
  });

  it('rejects example and body together', () => {
    expect(failure('name: a\ndescription: d\nresponse: {status: 400, example: invalid_client, body: {error: invalid_client}}')).toBe(
      'test.yaml: at response: give either example or body, not both',
    );
  });

  it('reads sequences, delays and faults', () => {
    const [flaky] = parse(
      'name: f\ndescription: d\nsequence:\n  loop: true\n  key: {header: X-Test-Run}\n  steps:\n    - {status: 504, delay: {min: 10, max: 20, seed: 1}}\n    - {fault: connection-reset}\n    - {status: 200, fault: truncated-body}',
    );
    expect(flaky!.sequence).toEqual({
      loop: true,
      key: { header: 'x-test-run' },
      steps: [{ status: 504, delay: { min: 10, max: 20, seed: 1 } }, { fault: 'connection-reset' }, expect.objectContaining({ status: 200, fault: 'truncated-body' })],
    });
  });

  it('checks sequences, delays and faults', () => {
    expect(failure('name: a\ndescription: d')).toBe('test.yaml: at (top level): must have the property "response", or must have the property "sequence", or must have the property "device", or must have the property "authorization"');
    expect(failure('name: a\ndescription: d\nresponse: {status: 500}\nsequence: {steps: [{status: 500}]}')).toBe(
      'test.yaml: at (top level): give one of response, sequence and device, not response and sequence',
    );
    expect(failure('name: a\ndescription: d\nsequence: {steps: []}')).toBe('test.yaml: at sequence.steps: must have at least 1 item');
    expect(failure('name: a\ndescription: d\nsequence: {steps: [{status: 500}, {status: 418}]}')).toMatch(/^test\.yaml: at sequence\.steps\[1\]\.status: must be one of/);
    expect(failure('name: a\ndescription: d\nsequence: {key: {form: client_id, header: x-run}, steps: [{status: 500}]}')).toBe(
      'test.yaml: at sequence.key: give either form or header, not both',
    );
    expect(failure('name: a\ndescription: d\nresponse: {}')).toBe('test.yaml: at response: must have the property "status", or must have the property "fault"');
    expect(failure('name: a\ndescription: d\nresponse: {status: 500, delay: -1}')).toMatch(/^test\.yaml: at response\.delay: must be at least 0, or/);
    expect(failure('name: a\ndescription: d\nresponse: {status: 500, delay: 600001}')).toMatch(/^test\.yaml: at response\.delay: must be at most 600000, or/);
    expect(failure('name: a\ndescription: d\nresponse: {status: 500, delay: {min: 20, max: 10}}')).toBe(
      'test.yaml: at response.delay: min (20) must not be greater than max (10)',
    );
    expect(failure('name: a\ndescription: d\nresponse: {fault: connection-reset, status: 200}')).toBe(
      'test.yaml: at response.status: a connection-reset sends no response, so it takes no status',
    );
    expect(failure('name: a\ndescription: d\nresponse: {fault: truncated-body}')).toBe('test.yaml: at response: the truncated-body fault needs the status whose body it breaks');
    expect(failure('name: a\ndescription: d\nresponse: {status: 406, fault: malformed-json}')).toBe(
      'test.yaml: at response.fault: status 406 is documented without a body, so malformed-json has nothing to break',
    );
    expect(failure('name: a\ndescription: d\nresponse: {status: 200, fault: timeout}')).toMatch(/^test\.yaml: at response\.fault: must be one of: connection-reset/);
  });

  it('rejects a name used twice across files, naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(join(dir, 'a.yaml'), 'name: twin\ndescription: d\nresponse: {status: 500}');
    writeFileSync(join(dir, 'b.yml'), 'name: twin\ndescription: d\nresponse: {status: 502}');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    expect(() => loadScenarioDir(dir, contracts)).toThrow(`${join(dir, 'b.yml')}: at twin: the scenario name is already used in ${join(dir, 'a.yaml')}`);
  });

  it('reports a missing folder', () => {
    expect(() => loadScenarioDir('/no/such/dir', contracts)).toThrow(/^\/no\/such\/dir: cannot read the scenarios folder \(ENOENT\)$/);
  });

  it('serves scenarios from a folder given to createApp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenarios-'));
    writeFileSync(join(dir, 'mine.yaml'), 'name: teapot-ish\ndescription: d\nmatch: {headers: {X-Test-Run: r1}}\nresponse: {status: 502}');
    const custom = createApp({ scenariosDir: dir });
    expect(custom.config.catalog.names).toEqual(['teapot-ish']);
    const res = await custom.fetch(tokenRequest(BASE, { client_id: 'c' }, { 'x-test-run': 'r1' }));
    expect(res.status).toBe(502);
    expect((await custom.fetch(tokenRequest(BASE, { client_id: 'c' }, { 'x-test-run': 'r2' }))).status).toBe(400);
  });
});
