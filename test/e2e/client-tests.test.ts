/**
 * Client-test scenarios: answers a strict client must cope with, as the OpenID conformance suite
 * plays the authorization server to test one. In-process; the Prism judge checks those inside the
 * contract (test/contract/prism-judge.test.ts), and these are the ones outside it.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { parseScenarioFile } from '../../src/settings/scenario-files.js';
import { loadScenarioContracts, loadTokenContract } from '../../src/settings/contract-file.js';
import { contractProblems } from '../support/contract-validator.js';
import { pkjwtForm } from '../support/clients.js';
import { tokenRequest } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const app = createApp();

async function answer(scenario: string) {
  const res = await app.fetch(tokenRequest(BASE, await pkjwtForm(BASE, { scope: 'accounts' }), { 'x-sandbox-scenario': scenario }));
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown>, outside: contractProblems('POST', '/token', res.status, res.headers, text) };
}

describe('client-test scenarios', () => {
  it('token-without-expires-in: a real token without expires_in, outside the contract', async () => {
    const r = await answer('token-without-expires-in');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ access_token: expect.stringMatching(/^ey/), token_type: 'Bearer', scope: 'accounts' });
    expect(r.outside.join(' ')).toMatch(/expires_in/);
  });

  it('token-without-scope, token-type-lowercase, token-type-unknown: real tokens, inside the contract', async () => {
    const noScope = await answer('token-without-scope');
    expect(noScope.body).not.toHaveProperty('scope');
    expect(noScope.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect((await answer('token-type-lowercase')).body.token_type).toBe('bearer');
    expect((await answer('token-type-unknown')).body.token_type).toBe('N_A');
    for (const name of ['token-without-scope', 'token-type-lowercase', 'token-type-unknown']) expect((await answer(name)).outside, name).toEqual([]);
  });

  it('use-dpop-nonce: 400 use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §8), inside the contract (the sandbox extension)', async () => {
    const r = await answer('use-dpop-nonce');
    expect(r.status).toBe(400);
    expect(r.headers.get('dpop-nonce')).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
    expect(r.body.error).toBe('use_dpop_nonce');
    expect(r.outside).toEqual([]);
  });

  it('error-without-description and error-with-uri: 400s inside the contract', async () => {
    expect((await answer('error-without-description')).body).toEqual({ error: 'invalid_request' });
    const withUri = await answer('error-with-uri');
    expect(withUri.body).toMatchObject({ error: 'invalid_request', error_uri: 'https://sandbox.example/errors/invalid_request' });
    expect(withUri.outside).toEqual([]);
  });
});

describe('a scenario file', () => {
  const contract = loadTokenContract();
  const refusal = (response: string) => {
    try {
      parseScenarioFile('s.yaml', `name: x\ndescription: x\nresponse: ${response}\n`, loadScenarioContracts(contract));
    } catch (err) {
      return (err as Error).message;
    }
    return 'loaded';
  };

  it('needs outsideContract to break the contract with a token change or a body', () => {
    expect(refusal('{ status: 200, token: { omit: [expires_in] } }')).toMatch(/^s\.yaml: at response\.token: makes a token outside the contract: .*outsideContract: true/);
    expect(refusal('{ status: 400, body: { error: temporarily_unavailable } }')).toMatch(/^s\.yaml: at response\.body\.error: .*outsideContract: true/);
    expect(refusal('{ status: 200, token: { omit: [expires_in] }, outsideContract: true }')).toBe('loaded');
  });

  it('keeps literal error texts within RFC 6749 §5.2 (printable ASCII without " and \\)', () => {
    expect(refusal('{ status: 400, body: { error: invalid_request, error_description: "café" } }')).toMatch(/^s\.yaml: at response\.body\.error_description: holds a character RFC 6749/);
    expect(refusal(`{ status: 400, body: { error: invalid_request, error_description: 'say "no"' } }`)).toMatch(/at response\.body\.error_description: holds a character/);
  });

  it('changes only the token a 200 issues', () => {
    expect(refusal('{ status: 400, token: { omit: [scope] } }')).toMatch(/at response\.token: changes the token a 200 issues/);
    expect(refusal('{ status: 200, example: bearer, token: { omit: [scope] } }')).toMatch(/at response\.token: changes the token a 200 issues/);
    expect(refusal('{ status: 200, token: { omit: [refresh_token] } }')).toMatch(/^s\.yaml: at response\.token\.omit\[0\]: must be one of/);
  });
});
