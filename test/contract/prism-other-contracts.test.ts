/**
 * The judge over other versions of the provider's document (--contract): Prism's proxy runs over
 * the same modified document the sandbox serves, one with a 503 that has a schema and no named
 * example, one whose 400 is the older public copy's {"errors": [...]}. Built from the shipped
 * document at test time (test/fixtures/contracts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenContract } from '../../src/contract/document.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { loadTokenContract } from '../../src/settings/contract-file.js';
import { with503, withErrorList400, writeContract } from '../fixtures/contracts/index.js';
import { pkjwtForm } from '../support/clients.js';
import { startPrismProxy, violations, type PrismJudge } from '../support/prism.js';
import { JWT_BEARER, tokenRequest, type Fields } from '../support/requests.js';
import { shippedWithoutDelays } from '../support/scenarios.js';

interface Judged {
  sandbox: RunningSandbox;
  judge: PrismJudge;
  contract: TokenContract;
}

async function judgedSandbox(file: string, withShippedScenarios: boolean): Promise<Judged> {
  const sandbox = await startSandbox({ port: 0, contract: file, scenarios: withShippedScenarios ? shippedWithoutDelays() : [], deviceIntervalSeconds: 0 });
  return { sandbox, judge: await startPrismProxy(sandbox.url, file), contract: loadTokenContract(file) };
}

async function judged(on: Judged, body: Fields | string | undefined, headers: Record<string, string>, expected: number) {
  const res = await fetch(tokenRequest(on.judge.url, body, headers));
  const text = await res.text();
  expect(violations(res), `${res.status} ${text}`).toEqual([]);
  expect(res.status, text).toBe(expected);
  return { res, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

const pkjwt: Fields = { grant_type: 'private_key_jwt', client_id: 'c', client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' };
const invalidRequests: [string, Fields | string | undefined, Record<string, string>][] = [
  ['an unknown client', pkjwt, {}],
  ['a malformed interaction id', undefined, { 'x-fapi-interaction-id': 'nope' }],
  ['a bad x-fapi-auth-date', undefined, { 'x-fapi-auth-date': 'today' }],
  ['an empty body', '', {}],
  ['an unknown grant', { grant_type: 'password' }, {}],
  ['no client identification', { scope: 'openid' }, {}],
];

describe('Prism over a document that adds a 503 (schema, no named example)', () => {
  let on: Judged;
  beforeAll(async () => {
    on = await judgedSandbox(writeContract(with503()), true);
  });
  afterAll(async () => {
    await on?.judge.close();
    await on?.sandbox.close();
  });

  it('finds no violation in Prefer: code=503, which answers a body of its schema and its documented headers, the same every time', async () => {
    const first = await judged(on, undefined, { prefer: 'code=503' }, 503);
    expect(on.contract.responses.get(503)!.body!(first.body)).toBeUndefined();
    expect(first.res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(first.res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
    const second = await judged(on, undefined, { prefer: 'code=503' }, 503);
    expect(second.body).toEqual(first.body);
  });

  it('finds no violation in any other documented status', async () => {
    for (const status of on.contract.responses.keys()) await judged(on, undefined, { prefer: `code=${status}` }, status);
  });

  it('finds no violation in a token issued, and in the RFC 6749 errors its 400 still declares', async () => {
    await judged(on, await pkjwtForm(on.sandbox.url, { scope: 'openid' }), {}, 200);
    for (const [label, body, headers] of invalidRequests) {
      const answer = await judged(on, body, headers, 400);
      expect(answer.body, label).toEqual({ error: expect.any(String), error_description: expect.any(String) });
    }
  });
});

describe('Prism over a document whose 400 is {"errors": [...]}', () => {
  let on: Judged;
  beforeAll(async () => {
    on = await judgedSandbox(writeContract(withErrorList400()), false);
  });
  afterAll(async () => {
    await on?.judge.close();
    await on?.sandbox.close();
  });

  it.each(invalidRequests)('answers %s with the errors[] shape, and Prism finds no violation', async (_label, body, headers) => {
    const answer = await judged(on, body, headers, 400);
    expect(Object.keys(answer.body!)).toEqual(['errors']);
    expect((answer.body!.errors as string[])[0]).toMatch(/^(invalid_request|invalid_client|unsupported_grant_type): /);
  });

  it('finds no violation in a refused client authentication, a token issued, and every documented status', async () => {
    const form = await pkjwtForm(on.sandbox.url);
    await judged(on, form, {}, 200);
    expect((await judged(on, form, {}, 400)).body!.errors).toEqual([expect.stringMatching(/^invalid_client: /)]);
    for (const status of on.contract.responses.keys()) await judged(on, undefined, { prefer: `code=${status}` }, status);
  });
});

describe('the judge over another document', () => {
  it('catches a sandbox that answers the RFC 6749 shape where the document declares errors[]', async () => {
    const shipped = await startSandbox({ port: 0, scenarios: [] });
    const judge = await startPrismProxy(shipped.url, writeContract(withErrorList400()));
    try {
      const res = await fetch(tokenRequest(judge.url, { grant_type: 'password' }));
      expect((violations(res) as { message: string }[]).map((v) => v.message)).toContain("Response body must have required property 'errors'");
    } finally {
      await judge.close();
      await shipped.close();
    }
  });
});
