import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tokenDocumentPath } from '../../src/contract/document.js';
import { loadScenarioContracts, loadTokenContract } from '../../src/settings/contract-file.js';
import { yamlData } from '../../src/settings/yaml-file.js';
import { compileSchema, SchemaError } from '../../src/contract/schema.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);

const DOCUMENTS = ['token', 'sandbox'];

describe('the OpenAPI documents', () => {
  it.each(DOCUMENTS)('%s.yaml lints clean with Redocly', async (name) => {
    const { stdout } = await run(bin('redocly'), ['lint', `openapi/${name}.yaml`, '--format=json'], {
      cwd: root,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' },
    });
    const report = JSON.parse(stdout) as { totals: Record<string, number>; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it.each(DOCUMENTS)('%s.yaml matches its committed generated types', async (name) => {
    const out = join(mkdtempSync(join(tmpdir(), 'types-')), `${name}.ts`);
    await run(bin('openapi-typescript'), [`openapi/${name}.yaml`, '-o', out], { cwd: root });
    expect(readFileSync(join(root, `src/generated/${name}.ts`), 'utf8'), 'run npm run generate and commit the result').toBe(
      readFileSync(out, 'utf8'),
    );
  });
});

describe('openapi/token.yaml', () => {
  it('is parsed from the file when the file is not the text the JSON was generated from', () => {
    const changed = join(mkdtempSync(join(tmpdir(), 'contract-')), 'token.yaml');
    writeFileSync(changed, readFileSync(tokenDocumentPath(), 'utf8').replace('maxLength: 255', 'maxLength: 254'));
    const tooLong = 'c'.repeat(255);
    expect(loadTokenContract().fields.find((f) => f.name === 'client_id')!.check(tooLong)).toBeUndefined();
    expect(loadTokenContract(changed).fields.find((f) => f.name === 'client_id')!.check(tooLong)).toBeDefined();
  });
  it('documents the provider statuses and every RFC 6749 §5.2 and RFC 8628 §3.5 error', () => {
    const contract = loadTokenContract();
    expect([...contract.responses.keys()]).toEqual([200, 400, 404, 406, 429, 500, 502, 504]);
    expect([...contract.responses.get(400)!.examples.keys()].sort()).toEqual(
      [
        'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type',
        'invalid_scope', 'authorization_pending', 'slow_down', 'access_denied', 'expired_token',
        // RFC 9449's, as the sandbox's extension
        'invalid_dpop_proof', 'use_dpop_nonce',
      ].sort(),
    );
    expect(contract.responses.get(400)!.headers.has('dpop-nonce')).toBe(true);
    for (const response of contract.responses.values()) {
      expect(response.headers.has('x-fapi-interaction-id'), String(response.status)).toBe(true);
      for (const [name, example] of response.examples) {
        expect(response.body!(example), `${response.status} ${name}`).toBeUndefined();
      }
    }
    expect(contract.responses.get(429)!.headers.has('retry-after')).toBe(true);
    expect(contract.responses.get(200)!.headers.has('cache-control')).toBe(true);
    expect(contract.fields.map((f) => f.name)).toEqual([
      'grant_type', 'client_id', 'client_assertion_type', 'client_assertion', 'assertion', 'scope', 'device_code',
      'code', 'redirect_uri', 'code_verifier', 'refresh_token',
    ]);
    expect(contract.defaultGrantType).toBe('client_credentials');
  });

  it('the scenario schema offers exactly the statuses the endpoints of scenarios document', () => {
    const schema = JSON.parse(readFileSync(join(root, 'scenarios/scenario.schema.json'), 'utf8'));
    const contracts = Object.values(loadScenarioContracts());
    const statuses = [...new Set(contracts.flatMap((c) => [...c.responses.keys()]))].sort((a, b) => a - b);
    expect(schema.$defs.response.properties.status.enum).toEqual(statuses);
    expect(schema.$defs.scenario.properties.endpoint.enum).toEqual(['/token', '/par', '/introspect', '/revoke']);
  });

  it('marks the authorization code flow as the sandbox extension, keeping the provider page values', () => {
    const doc = yamlData(tokenDocumentPath(), readFileSync(tokenDocumentPath(), 'utf8')) as {
      components: { schemas: { TokenRequest: { properties: Record<string, { enum?: string[]; 'x-sandbox-extension'?: boolean; 'x-sandbox-extension-values'?: string[] }> } } };
    };
    const fields = doc.components.schemas.TokenRequest.properties;
    expect(fields.grant_type!['x-sandbox-extension-values']).toEqual(['authorization_code', 'refresh_token']);
    const pageValues = fields.grant_type!.enum!.filter((v) => !fields.grant_type!['x-sandbox-extension-values']!.includes(v));
    expect(pageValues).toEqual(['client_credentials', 'private_key_jwt', 'tls_client_auth', 'urn:ietf:params:oauth:grant-type:device_code']);
    for (const field of ['code', 'redirect_uri', 'code_verifier', 'refresh_token']) expect(fields[field]!['x-sandbox-extension'], field).toBe(true);
  });
});

describe('the schema compiler', () => {
  it('refuses a keyword it does not implement rather than ignore it', () => {
    expect(() => compileSchema({ type: 'string', oneOf: [] }, {})).toThrow(SchemaError);
    expect(() => compileSchema({ type: 'string', format: 'email' }, {})).toThrow('unsupported format: email');
  });

  it('reports the path of a nested problem', () => {
    const check = compileSchema({ type: 'object', properties: { list: { type: 'array', items: { type: 'string', maxLength: 2 } } } }, {});
    expect(check({ list: ['ab', 'abc'] })).toEqual({ path: '.list[1]', rule: 'length', message: 'must be at most 2 characters' });
  });
});
