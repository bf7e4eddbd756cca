/**
 * Bodies and header values made from schemas (contract/synthesize.ts), for documented statuses
 * without a named example: each one is checked by the project's own compiled schema check, and
 * made the same way every time. And what a document the sandbox cannot serve is told.
 */
import { describe, expect, it } from 'vitest';
import { tokenContractFrom } from '../../src/contract/document.js';
import { checkTokenForm } from '../../src/contract/request.js';
import { stringMatching } from '../../src/contract/pattern.js';
import { compileSchema, ContractError, SchemaError } from '../../src/contract/schema.js';
import { synthesize } from '../../src/contract/synthesize.js';
import { shippedDoc, with503, withErrorList400, type Doc } from '../fixtures/contracts/index.js';

const doc = shippedDoc();
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const SCHEMAS: [string, unknown][] = [
  ['a plain string', { type: 'string' }],
  ['a long string', { type: 'string', minLength: 40 }],
  ['a short string', { type: 'string', maxLength: 2 }],
  ['an exact length', { type: 'string', minLength: 3, maxLength: 3 }],
  ['an example', { type: 'string', example: 'given', minLength: 1 }],
  ['a default', { type: 'integer', default: 7, minimum: 1 }],
  ['an enum', { type: 'string', enum: ['b', 'a'] }],
  ['an ipv4 address', { type: 'string', format: 'ipv4' }],
  ['an ipv6 address', { type: 'string', format: 'ipv6' }],
  ['a uri', { type: 'string', format: 'uri' }],
  ['either address', { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] }],
  ['a later alternative', { type: 'string', minLength: 12, anyOf: [{ maxLength: 3 }, { pattern: '^x+$' }] }],
  ['a UUID', ref('InteractionId')],
  ['a scope', { type: 'string', minLength: 1, pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+( [\\x21\\x23-\\x5B\\x5D-\\x7E]+)*$' }],
  ['a pattern and a minLength', { type: 'string', minLength: 10, pattern: '^[A-Z]{2}[0-9]+$' }],
  ['an unanchored pattern', { type: 'string', pattern: '[0-9]{4}' }],
  ['a negated class', { type: 'string', pattern: '^[^a-z0-9]{3}$' }],
  ['escapes', { type: 'string', pattern: '^\\d\\w\\s\\.\\x41\\u00e9(?:a|b)?c*$' }],
  ['a literal brace', { type: 'string', pattern: '^\\{[a-z]+\\}$' }],
  ['a Retry-After', { type: 'string', pattern: '^(\\d{1,9}|(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT)$' }],
  ['an HTTP date', { type: 'string', pattern: '^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} (GMT|UTC)$' }],
  ['an integer in bounds', { type: 'integer', minimum: 10, maximum: 20 }],
  ['a negative number', { type: 'number', maximum: -2.5 }],
  ['a boolean', { type: 'boolean' }],
  ['null', { type: 'null' }],
  ['an array', { type: 'array', minItems: 3, items: { type: 'string', minLength: 2 } }],
  ['an object with required properties', { type: 'object', required: ['a', 'b'], properties: { a: { type: 'integer' }, b: { type: 'string', pattern: '^b-[a-f]{2}$' } } }],
  ['an open object', { type: 'object', additionalProperties: true, required: ['any'] }],
  ['a closed object', { type: 'object', additionalProperties: false, required: ['x'], properties: { x: { type: 'boolean' } } }],
  ['a map', { type: 'object', required: ['k'], additionalProperties: { type: 'integer', minimum: 3 } }],
  ['an object with few properties', { type: 'object', minProperties: 1, properties: { only: { type: 'string' } } }],
  ['nested objects', { type: 'object', required: ['outer'], properties: { outer: { type: 'object', required: ['inner'], properties: { inner: { type: 'array', minItems: 1, items: ref('InteractionId') } } } } }],
  ['the access token', ref('AccessToken')],
  ['the RFC 6749 error', ref('TokenError')],
  ['the error list', ref('ErrorList')],
  ['the token request', ref('TokenRequest')],
];

describe('a body made from a schema', () => {
  it.each(SCHEMAS)('%s: the compiled check accepts it, and it is the same every time', (_label, schema) => {
    const value = synthesize(schema, doc);
    expect(compileSchema(schema, doc)(value)).toBeUndefined();
    expect(synthesize(schema, doc)).toEqual(value);
  });

  it('takes what the schema gives first: example, then default, then the first enum value', () => {
    expect(synthesize({ type: 'string', example: 'e', default: 'd', enum: ['e', 'd'] }, doc)).toBe('e');
    expect(synthesize({ type: 'string', default: 'd', enum: ['x', 'd'] }, doc)).toBe('d');
    expect(synthesize({ type: 'string', enum: ['x', 'y'] }, doc)).toBe('x');
  });

  it('reads as a value: a UUID of the documented form, a scope of letters', () => {
    expect(synthesize(ref('InteractionId'), doc)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stringMatching('^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$')).toBe('a');
  });

  it('refuses, with a SchemaError, a schema no value can satisfy or a pattern it cannot read', () => {
    expect(() => synthesize({ type: 'string', minLength: 5, maxLength: 2 }, doc)).toThrow(SchemaError);
    expect(() => synthesize({ type: 'string', pattern: '^(?=a)b$' }, doc)).toThrow(/look-arounds/);
    expect(() => synthesize({ type: 'string', pattern: '^(a)\\1$' }, doc)).toThrow(SchemaError);
    expect(() => synthesize({ type: 'string', format: 'date-time' }, doc)).toThrow(/format date-time/);
  });
});

describe('a contract read from another document', () => {
  it('answers a status without a named example with a body and headers made from its schemas', () => {
    const contract = tokenContractFrom(with503());
    const unavailable = contract.responses.get(503)!;
    expect(unavailable.examples.size).toBe(0);
    expect(unavailable.body!(unavailable.sample)).toBeUndefined();
    expect(unavailable.sample).toMatchObject({ code: 'SVC-111', retryAfterSeconds: 1, region: 'sa-east-1' });
    expect(unavailable.headerValues).toEqual({ 'retry-after': '1' });
    expect(unavailable.headers.get('retry-after')!(unavailable.headerValues['retry-after'])).toBeUndefined();
    expect(tokenContractFrom(with503()).responses.get(503)!.sample).toEqual(unavailable.sample);
  });

  it('keeps the shipped headers and the first example where there is one', () => {
    const contract = tokenContractFrom(shippedDoc());
    expect(contract.headersOf(200)).toEqual({ 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(contract.headersOf(400)).toEqual({ 'cache-control': 'no-store' });
    expect(contract.responses.get(406)!.sample).toBeUndefined();
    expect(contract.responses.get(400)!.sample).toEqual(contract.responses.get(400)!.examples.get('invalid_request'));
  });

  it("decides the shape of the sandbox's own 400s from the document's 400 schema", () => {
    expect(tokenContractFrom(shippedDoc()).errorShape).toBe('oauth');
    expect(tokenContractFrom(withErrorList400()).errorShape).toBe('errors');
  });

  it('requires grant_type when the document gives it no default', () => {
    const d = shippedDoc();
    delete d.components.schemas.TokenRequest.properties.grant_type.default;
    const checked = checkTokenForm(tokenContractFrom(d), { client_id: 'sandbox-mtls' });
    expect(checked.ok || checked.refusal.code).toBe('form.grant_type.required');
    expect(checkTokenForm(tokenContractFrom(shippedDoc()), { client_id: 'sandbox-mtls' }).ok).toBe(true);
  });

  const broken: [string, (d: Doc) => unknown, string, RegExp][] = [
    ['a $ref that does not resolve', (d) => (d.paths['/token'].post.responses['400'] = { $ref: '#/components/responses/Nope' }), 'paths./token.post.responses.400', /\$ref does not resolve: #\/components\/responses\/Nope/],
    ['no POST /token', (d) => delete d.paths['/token'].post, 'paths./token.post', /is missing/],
    ['no /token', (d) => (d.paths = { '/other': {} }), 'paths./token', /is missing/],
    ['no form body schema', (d) => delete d.paths['/token'].post.requestBody, 'paths./token.post.requestBody', /form body schema/],
    ['no 200', (d) => delete d.paths['/token'].post.responses['200'], 'paths./token.post.responses.200', /is missing/],
    ['no 400', (d) => delete d.paths['/token'].post.responses['400'], 'paths./token.post.responses.400', /is missing/],
    ['no interaction id header', (d) => d.paths['/token'].post.parameters.splice(2, 1), 'paths./token.post.parameters', /x-fapi-interaction-id/],
    ['a 400 of neither shape', (d) => (d.components.responses.BadRequest.content['application/json'] = { schema: { type: 'object', required: ['message'] } }), 'paths./token.post.responses.400.content.application/json.schema', /neither/],
    ['a grant it does not serve', (d) => d.components.schemas.TokenRequest.properties.grant_type.enum.push('password'), 'paths./token.post.requestBody.content.application/x-www-form-urlencoded.schema.properties.grant_type.enum', /password/],
    ['an example outside its schema', (d) => (d.components.responses.BadRequest.content['application/json'].examples.invalid_client.value = { error: 'nope' }), 'paths./token.post.responses.400.content.application/json.examples.invalid_client.value.error', /must be one of/],
    ['a keyword the sandbox cannot check', (d) => (d.components.schemas.AccessToken.oneOf = []), 'paths./token.post.responses.200.content.application/json.schema', /unsupported schema keyword: oneOf/],
    ['a pattern that is not a regular expression', (d) => (d.components.schemas.TokenRequest.properties.scope.pattern = '^[a-'), 'paths./token.post.requestBody.content.application/x-www-form-urlencoded.schema.properties.scope', /not a regular expression/],
    ['a keyword with a malformed argument', (d) => (d.components.schemas.AccessToken.required = 'access_token'), 'paths./token.post.responses.200.content.application/json.schema', /required must be a list/],
    ['a status without an example whose schema gives no value', (d) => (d.paths['/token'].post.responses['503'] = { description: 'x', content: { 'application/json': { schema: { type: 'string', pattern: '^(?!x)' } } } }), 'paths./token.post.responses.503.content.application/json.schema', /cannot make a value/],
  ];
  it.each(broken)('refuses %s, naming the place', (_label, change, place, problem) => {
    const d = shippedDoc();
    change(d);
    let thrown: unknown;
    try {
      tokenContractFrom(d);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ContractError);
    expect((thrown as ContractError).place).toBe(place);
    expect((thrown as ContractError).problem).toMatch(problem);
  });
});
