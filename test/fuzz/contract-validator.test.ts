/** The fuzzing oracle must be able to fail: it flags responses the documents do not allow. */
import { describe, expect, it } from 'vitest';
import { contractProblems } from '../support/contract-validator.js';

const ID = 'd3a9e2b4-6c1f-4c53-9b0e-8f3f1a2b7c10';
const json = (extra: Record<string, string> = {}) => new Headers({ 'content-type': 'application/json', 'x-fapi-interaction-id': ID, 'cache-control': 'no-store', ...extra });

describe('the contract validator', () => {
  it('accepts a documented answer', () => {
    expect(contractProblems('POST', '/token', 200, json(), '{"access_token":"a","expires_in":1,"token_type":"Bearer"}')).toEqual([]);
    expect(contractProblems('GET', '/nowhere', 404, json(), '{"errors":["x"]}')).toEqual([]);
  });

  it('flags a body outside the schema', () => {
    expect(contractProblems('POST', '/token', 200, json(), '{"access_token":1}')).not.toEqual([]);
    expect(contractProblems('POST', '/token', 400, json(), '{"error":"teapot"}')).not.toEqual([]);
  });

  it('flags a missing or malformed required header', () => {
    expect(contractProblems('POST', '/token', 404, new Headers({ 'content-type': 'application/json' }), '{"errors":["x"]}')).toEqual([
      'missing required header x-fapi-interaction-id',
    ]);
    expect(contractProblems('POST', '/token', 404, json({ 'x-fapi-interaction-id': 'nope' }), '{"errors":["x"]}')[0]).toMatch(/^header x-fapi-interaction-id/);
  });

  it('flags an undocumented status, media type or path answer', () => {
    expect(contractProblems('POST', '/token', 401, json(), '{}')).toEqual(['POST /token does not document status 401']);
    expect(contractProblems('POST', '/token', 400, json({ 'content-type': 'text/plain' }), 'bad')[0]).toMatch(/content type "text\/plain"/);
    expect(contractProblems('GET', '/nowhere', 200, json(), '{"errors":["x"]}')[0]).toMatch(/must answer 404/);
    expect(contractProblems('POST', '/token', 406, json(), 'unexpected')[0]).toMatch(/a body where none is documented/);
  });

  it('knows the sandbox document, including its reference into token.yaml', () => {
    expect(contractProblems('POST', '/device/auth', 400, json(), '{"error":"invalid_client"}')).toEqual([]);
    expect(contractProblems('POST', '/device/auth', 400, json(), '{"error":"nope"}')).not.toEqual([]);
    expect(contractProblems('POST', '/__sandbox/devices/ABCD/approve', 204, json(), '')).toEqual([]);
  });
});
