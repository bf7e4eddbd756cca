/**
 * A small validator for the subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that our
 * OpenAPI documents use. The contract is read at start-up and compiled once; every request is
 * then checked with plain closures. A keyword outside the subset throws at compile time, so a
 * contract change can never be silently ignored by the server.
 */
import { isIP } from 'node:net';
import type { ContractRule } from '../http/refusal.js';

export type Schema = Record<string, unknown>;
/** Where in the value a rule failed (".response.status", "[2]", "" for the value itself), which rule, and why. */
export interface Problem {
  path: string;
  rule: ContractRule;
  message: string;
}
/** Returns undefined when the value is valid, else the first problem found. */
export type Check = (value: unknown) => Problem | undefined;

const problem = (rule: ContractRule, message: string): Problem => ({ path: '', rule, message });
const nested = (segment: string, inner: Problem): Problem => ({ ...inner, path: segment + inner.path });

const ANNOTATIONS = new Set([
  'title', 'description', 'example', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$comment',
  '$schema', '$id', '$defs', 'markdownDescription',
]);

const FORMATS: Record<string, (s: string) => boolean> = {
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  uri: (s) => URL.canParse(s),
};

export class SchemaError extends Error {}

/** A contract document the sandbox cannot serve: where in it (a dotted path) and why. */
export class ContractError extends Error {
  constructor(
    readonly place: string,
    readonly problem: string,
  ) {
    super(place ? `at ${place}: ${problem}` : problem);
  }
}

/** Resolves a local JSON pointer such as "#/components/schemas/TokenError" against the document. */
export function resolveRef(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new SchemaError(`only local $ref values are supported: ${ref}`);
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) {
      throw new SchemaError(`$ref does not resolve: ${ref}`);
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Follows $ref chains until a node that is not a reference. */
export function deref<T = Record<string, unknown>>(doc: unknown, node: unknown): T {
  let current = node;
  for (let hops = 0; isRef(current); hops++) {
    if (hops > 32) throw new SchemaError('$ref chain too long');
    current = resolveRef(doc, current.$ref);
  }
  return current as T;
}

function isRef(node: unknown): node is { $ref: string } {
  return node !== null && typeof node === 'object' && typeof (node as { $ref?: unknown }).$ref === 'string';
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function quote(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Compiles a schema (which may contain local $refs into `doc`) into a Check. */
export function compileSchema(schemaOrRef: unknown, doc: unknown): Check {
  const schema = deref<Schema>(doc, schemaOrRef);
  if (schema === null || typeof schema !== 'object') throw new SchemaError('a schema must be an object');
  const checks: Check[] = [];
  for (const [keyword, arg] of Object.entries(schema)) {
    // OpenAPI specification extensions (x-…) annotate, as the keywords above do.
    if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
    checks.push(compileKeyword(keyword, arg, schema, doc));
  }
  return (value) => {
    for (const check of checks) {
      const found = check(value);
      if (found !== undefined) return found;
    }
    return undefined;
  };
}

/** What each keyword's argument must be, so that a malformed one is named when compiled, not met at a request. */
const ARGUMENTS: Record<string, 'string' | 'number' | 'list'> = {
  type: 'string', pattern: 'string', format: 'string', enum: 'list', required: 'list', anyOf: 'list',
  minLength: 'number', maxLength: 'number', minimum: 'number', maximum: 'number', minItems: 'number', minProperties: 'number',
};

function compileKeyword(keyword: string, arg: unknown, schema: Schema, doc: unknown): Check {
  const expected = ARGUMENTS[keyword];
  if (expected && (expected === 'list' ? !Array.isArray(arg) : typeof arg !== expected)) {
    throw new SchemaError(`${keyword} must be ${expected === 'list' ? 'a list' : `a ${expected}`}`);
  }
  switch (keyword) {
    case 'type': {
      const expected = arg as string;
      const found = problem('type', `must be of type ${expected}`);
      return (v) => {
        const actual = typeOf(v);
        return actual === expected || (expected === 'number' && actual === 'integer') ? undefined : found;
      };
    }
    case 'enum': {
      const allowed = arg as unknown[];
      const list = allowed.map(quote).join(', ');
      const found = problem('enum', allowed.length === 1 ? `must be ${list}` : `must be one of: ${list}`);
      return (v) => (allowed.includes(v) ? undefined : found);
    }
    case 'minLength': {
      const min = arg as number;
      const found = problem('length', min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
      return (v) => (typeof v === 'string' && v.length < min * 2 && codePoints(v) < min ? found : undefined);
    }
    case 'maxLength': {
      const max = arg as number;
      const found = problem('length', `must be at most ${max} characters`);
      return (v) => (typeof v === 'string' && v.length > max && codePoints(v) > max ? found : undefined);
    }
    case 'pattern': {
      let re: RegExp;
      try {
        re = new RegExp(arg as string, 'u');
      } catch {
        throw new SchemaError(`the pattern ${arg as string} is not a regular expression`);
      }
      const found = problem('pattern', `must match the pattern ${arg as string}`);
      return (v) => (typeof v === 'string' && !re.test(v) ? found : undefined);
    }
    case 'format': {
      const test = FORMATS[arg as string];
      if (!test) throw new SchemaError(`unsupported format: ${String(arg)}`);
      const found = problem('format', `must be a valid ${arg as string} address`);
      return (v) => (typeof v === 'string' && !test(v) ? found : undefined);
    }
    case 'minimum':
    case 'maximum': {
      const bound = arg as number;
      const isMin = keyword === 'minimum';
      const found = problem('range', `must be at ${isMin ? 'least' : 'most'} ${bound}`);
      return (v) => (typeof v === 'number' && (isMin ? v < bound : v > bound) ? found : undefined);
    }
    case 'minItems':
    case 'minProperties': {
      const min = arg as number;
      const what = keyword === 'minItems' ? 'item' : 'property';
      const found = problem('count', `must have at least ${min} ${what}${min === 1 ? '' : 's'}`);
      return (v) => {
        const size = Array.isArray(v) ? v.length : typeOf(v) === 'object' ? Object.keys(v as object).length : min;
        return size < min ? found : undefined;
      };
    }
    case 'items': {
      const item = compileSchema(arg, doc);
      return (v) => {
        if (!Array.isArray(v)) return undefined;
        for (let i = 0; i < v.length; i++) {
          const found = item(v[i]);
          if (found !== undefined) return nested(`[${i}]`, found);
        }
        return undefined;
      };
    }
    case 'required': {
      const names = arg as string[];
      return (v) => {
        if (typeOf(v) !== 'object') return undefined;
        const missing = names.find((n) => !Object.hasOwn(v as object, n));
        return missing === undefined ? undefined : problem('required', `must have the property "${missing}"`);
      };
    }
    case 'properties': {
      const props = Object.entries(arg as Record<string, unknown>).map(
        ([name, sub]) => [name, compileSchema(sub, doc)] as const,
      );
      return (v) => {
        if (typeOf(v) !== 'object') return undefined;
        const obj = v as Record<string, unknown>;
        for (const [name, check] of props) {
          if (!Object.hasOwn(obj, name)) continue;
          const found = check(obj[name]);
          if (found !== undefined) return nested(`.${name}`, found);
        }
        return undefined;
      };
    }
    case 'additionalProperties': {
      if (arg === true) return () => undefined;
      const known = new Set(Object.keys((schema.properties as object | undefined) ?? {}));
      const extraCheck: Check =
        arg === false ? () => problem('property', 'is not a known property') : compileSchema(arg, doc);
      return (v) => {
        if (typeOf(v) !== 'object') return undefined;
        for (const [key, value] of Object.entries(v as object)) {
          if (known.has(key)) continue;
          const found = extraCheck(value);
          if (found !== undefined) return nested(`.${key}`, found);
        }
        return undefined;
      };
    }
    case 'anyOf': {
      const options = (arg as unknown[]).map((sub) => compileSchema(sub, doc));
      return (v) => {
        const found: Problem[] = [];
        for (const option of options) {
          const one = option(v);
          if (one === undefined) return undefined;
          found.push(one);
        }
        // Alternatives that all broke the same rule (ipv4 or ipv6: format) broke that rule.
        const rule = found.every((f) => f.rule === found[0]!.rule) ? found[0]!.rule : 'any_of';
        return problem(rule, found.map((f) => (f.path ? `${f.path.slice(1)} ${f.message}` : f.message)).join(', or '));
      };
    }
    default:
      throw new SchemaError(`unsupported schema keyword: ${keyword}`);
  }
}
