/**
 * Reading a configuration file: YAML syntax, then its shape against a published JSON Schema.
 * Mistakes become ConfigErrors that name the file and the place in it.
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { compileSchema, type Check } from '../contract/schema.js';
import { ConfigError } from './errors.js';
import { shippedDocument } from './shipped-documents.js';

export function readConfigFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, '', `cannot read the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * The data of a YAML file's text: a shipped file's comes pre-parsed (npm run generate, most of
 * the start-up's YAML work); any other text is parsed with parseYaml.
 */
export function yamlData(file: string, text: string): unknown {
  return shippedDocument(text) ?? parseYaml(file, text);
}

/** Parses YAML text, refusing syntax errors and duplicate keys with their line and column. */
export function parseYaml(file: string, text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    throw new ConfigError(file, pos ? `line ${pos.line}, column ${pos.col}` : '', yamlError.message.split('\n')[0]!);
  }
  return doc.toJS();
}

/** Compiles a definition of a JSON Schema file ("#" for its root) into a Check. */
export function loadSchemaCheck(schemaFile: string, pointer: string): Check {
  const schema = JSON.parse(readConfigFile(schemaFile, 'JSON Schema')) as Record<string, unknown>;
  return compileSchema(pointer === '#' ? schema : { $ref: pointer }, schema);
}

/** Throws a ConfigError for the first place where `data` breaks the schema. */
export function assertShape(file: string, check: Check, data: unknown): void {
  const problem = check(data);
  if (problem) throw new ConfigError(file, problem.path.replace(/^\./, '') || '(top level)', problem.message);
}
