/**
 * An independent, in-process check that a response is one the OpenAPI documents allow: a
 * documented status for the path and method, the documented media type, a body that the schema
 * accepts (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it), and the required headers with valid
 * values. Unknown paths and methods must answer the documented 404 ErrorList.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Doc = Record<string, any>;
/** The repository's openapi/ folder, seen from test/support/ or from the bench's compiled copy of it. */
function openapiDir(): URL {
  for (let dir = new URL('../', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    if (existsSync(new URL('openapi/token.yaml', dir))) return new URL('openapi/', dir);
  }
  throw new Error(`no openapi/token.yaml above ${fileURLToPath(import.meta.url)}`);
}
const OPENAPI = openapiDir();
const load = (name: string): Doc => parse(readFileSync(new URL(name, OPENAPI), 'utf8'));
const token = load('token.yaml');
const sandbox = load('sandbox.yaml');

/** Inlines references into token.yaml, so that each document is self-contained. */
function inlineExternal(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inlineExternal);
  if (node === null || typeof node !== 'object') return node;
  const ref = (node as { $ref?: string }).$ref;
  if (typeof ref === 'string' && ref.startsWith('./token.yaml#/')) {
    return inlineExternal(ref.slice('./token.yaml#/'.length).split('/').reduce((n: any, k) => n[k], token));
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineExternal(v)]));
}

const documents = [token, inlineExternal(sandbox) as Doc];
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: false });
(addFormats as unknown as typeof addFormats.default)(ajv);

function deref(doc: Doc, node: any): any {
  while (node && typeof node.$ref === 'string') node = node.$ref.slice(2).split('/').reduce((n: any, k: string) => n[k], doc);
  return node;
}

/** Compiles a schema with its document's components beside it, so that "#/components/..." refs resolve. */
const compiled = new Map<unknown, ReturnType<typeof ajv.compile>>();
function validatorFor(doc: Doc, schema: unknown) {
  let v = compiled.get(schema);
  if (!v) {
    v = ajv.compile({ ...(schema as object), components: doc.components });
    compiled.set(schema, v);
  }
  return v;
}

/** Path templates as regular expressions, built once (the soak checks every one of its answers). */
const templates = documents.flatMap((doc) =>
  Object.entries(doc.paths as Doc).map(([template, item]) => ({
    doc,
    item: item as Doc,
    re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })),
);

function findOperation(path: string, method: string): { doc: Doc; operation: Doc } | undefined {
  for (const { doc, item, re } of templates) {
    if (!re.test(path)) continue;
    const operation = item[method.toLowerCase()];
    if (operation) return { doc, operation };
  }
  return undefined;
}

/** Problems with a response, empty when the documents allow it. */
export function contractProblems(method: string, path: string, status: number, headers: Headers, body: string): string[] {
  const found = findOperation(path, method);
  if (!found) {
    const problems: string[] = [];
    if (status !== 404) problems.push(`${method} ${path} is not documented, so it must answer 404, not ${status}`);
    return problems.concat(checkResponse(token, token.components.responses.NotFound, headers, body));
  }
  const response = found.operation.responses[String(status)];
  if (!response) return [`${method} ${path} does not document status ${status}`];
  return checkResponse(found.doc, deref(found.doc, response), headers, body);
}

function checkResponse(doc: Doc, response: Doc, headers: Headers, body: string): string[] {
  const problems: string[] = [];
  for (const [name, h] of Object.entries((response.headers ?? {}) as Doc)) {
    const header = deref(doc, h);
    const value = headers.get(name);
    if (value === null) {
      if (header.required) problems.push(`missing required header ${name}`);
      continue;
    }
    const v = validatorFor(doc, header.schema);
    if (!v(value)) problems.push(`header ${name}: ${ajv.errorsText(v.errors)}`);
  }
  const content = response.content as Doc | undefined;
  const type = (headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!content) {
    if (body.length > 0) problems.push(`a body where none is documented: ${body.slice(0, 80)}`);
    return problems;
  }
  const media = content[type];
  if (!media) return [...problems, `content type "${type}" is not one of ${Object.keys(content).join(', ')}`];
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [...problems, `body is not JSON: ${body.slice(0, 80)}`];
    }
    const v = validatorFor(doc, media.schema);
    if (!v(parsed)) problems.push(`body: ${ajv.errorsText(v.errors)} in ${body.slice(0, 200)}`);
  }
  return problems;
}
