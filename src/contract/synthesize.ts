/**
 * A value made from a schema, for a documented status without a named example: the same value
 * every time (it is made once, when the document is read), and one the schema's own compiled
 * check accepts, or a SchemaError saying why none could be made. The schema's example, default,
 * const or first enum value comes first; otherwise a value is built from the type, honouring
 * format, pattern, lengths, bounds and required properties.
 */
import { stringMatching } from './pattern.js';
import { compileSchema, deref, SchemaError, type Schema } from './schema.js';

const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object';

const FORMAT_VALUES: Record<string, string> = { ipv4: '192.0.2.1', ipv6: '2001:db8::1', uri: 'https://example.com/' };

/** How many more repetitions a pattern's quantifiers may take to reach a minLength. */
const MAX_EXTRA = 64;

function given(schema: Schema): { value: unknown } | undefined {
  if ('example' in schema) return { value: schema.example };
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return { value: schema.examples[0] };
  if ('default' in schema) return { value: schema.default };
  if ('const' in schema) return { value: schema.const };
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return { value: schema.enum[0] };
  return undefined;
}

function typeOf(schema: Schema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.properties !== undefined || schema.required !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  if (schema.pattern !== undefined || schema.format !== undefined || schema.minLength !== undefined) return 'string';
  return undefined;
}

function text(schema: Schema): string {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = (schema.maxLength as number | undefined) ?? Infinity;
  const format = schema.format as string | undefined;
  if (format !== undefined) {
    const value = FORMAT_VALUES[format];
    if (value === undefined) throw new SchemaError(`cannot make a value of format ${format}`);
    return value;
  }
  if (typeof schema.pattern === 'string') {
    for (let extra = 0; extra <= MAX_EXTRA; extra++) {
      const value = stringMatching(schema.pattern, extra);
      if ([...value].length >= min) return value;
    }
    return stringMatching(schema.pattern);
  }
  const length = Math.max(min, Math.min(6, max));
  return 'string'.padEnd(length, 'x').slice(0, length);
}

function made(schema: Schema, doc: unknown, depth: number): unknown {
  if (depth > 32) throw new SchemaError('the schema nests too deep to make a value');
  const example = given(schema);
  if (example) return example.value;
  if (Array.isArray(schema.anyOf)) {
    const { anyOf, ...rest } = schema;
    // The first alternative that, with the rest of the schema, gives a value the whole accepts.
    for (const option of anyOf) {
      const merged = { ...rest, ...deref<Schema>(doc, option) };
      try {
        return checked(merged, doc, depth + 1, schema);
      } catch (err) {
        if (!(err instanceof SchemaError)) throw err;
      }
    }
    throw new SchemaError('no alternative of anyOf gives a value');
  }
  switch (typeOf(schema)) {
    case 'object': {
      const properties = Object.entries((schema.properties as Record<string, unknown> | undefined) ?? {});
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const value: Record<string, unknown> = {};
      for (const [name, sub] of properties) {
        try {
          value[name] = synthesize(sub, doc, depth + 1);
        } catch (err) {
          if (required.has(name) || !(err instanceof SchemaError)) throw err; // an optional property is left out
        }
      }
      for (const name of required) {
        if (!(name in value)) {
          const extra = schema.additionalProperties;
          value[name] = isSchema(extra) ? synthesize(extra, doc, depth + 1) : 'string';
        }
      }
      return value;
    }
    case 'array': {
      const count = Math.max((schema.minItems as number | undefined) ?? 1, 1);
      const item = schema.items === undefined ? 'string' : synthesize(schema.items, doc, depth + 1);
      return Array.from({ length: count }, () => item);
    }
    case 'string':
      return text(schema);
    case 'integer':
    case 'number': {
      const min = schema.minimum as number | undefined;
      const max = schema.maximum as number | undefined;
      return min !== undefined ? Math.ceil(min) : max !== undefined && max < 0 ? Math.floor(max) : 0;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

function checked(schema: Schema, doc: unknown, depth: number, whole: Schema = schema): unknown {
  const value = made(schema, doc, depth);
  const problem = compileSchema(whole, doc)(value);
  if (problem) throw new SchemaError(`cannot make a value the schema accepts: ${problem.path ? `${problem.path.slice(1)} ` : ''}${problem.message}`);
  return value;
}

/** A value the schema (which may hold local $refs into `doc`) accepts, the same one every time. */
export function synthesize(schemaOrRef: unknown, doc: unknown, depth = 0): unknown {
  const schema = deref<Schema>(doc, schemaOrRef);
  if (schema === null || typeof schema !== 'object') throw new SchemaError('a schema must be an object');
  return checked(schema, doc, depth);
}
