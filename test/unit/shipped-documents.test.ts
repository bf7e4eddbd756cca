import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { shippedDocument } from '../../src/config/shipped-documents.js';
import { loadTokenContract } from '../../src/contract/document.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const shipped = [
  'openapi/token.yaml',
  ...readdirSync(`${root}scenarios`).filter((n) => /\.ya?ml$/i.test(n)).map((n) => `scenarios/${n}`),
  'demo/clients.yaml',
];

describe('the shipped YAML files', () => {
  it.each(shipped)('%s is in the committed generated documents, as it parses', (file) => {
    const text = readFileSync(`${root}${file}`, 'utf8');
    expect(shippedDocument(text), 'run npm run generate and commit the result').toEqual(parseDocument(text, { uniqueKeys: true }).toJS());
  });

  it('gives nothing for any other text, which is then parsed', () => {
    const text = readFileSync(`${root}demo/clients.yaml`, 'utf8');
    expect(shippedDocument(`${text}\n# changed`)).toBeUndefined();
  });

  it('gives a fresh copy each time', () => {
    const text = readFileSync(`${root}openapi/token.yaml`, 'utf8');
    expect(shippedDocument(text)).not.toBe(shippedDocument(text));
  });

  it('a contract document that is not valid YAML is a ConfigError with its line (one loader for every YAML file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    try {
      const file = join(dir, 'token.yaml');
      writeFileSync(file, 'openapi: 3.1.0\npaths: {\n');
      expect(() => loadTokenContract(file)).toThrow(ConfigError);
      expect(() => loadTokenContract(file)).toThrow(new RegExp(`^${file}: at line \\d+, column \\d+: `));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
