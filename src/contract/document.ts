/**
 * Compiles openapi/token.yaml, the single source of truth, into what the server needs from it:
 * the request's header and body rules, and for each documented status its headers, body schema
 * and named examples; and the responses of the sandbox's own operations that scenarios answer
 * (openapi/sandbox.yaml's POST /par). Done once at start-up (settings/contract-file.ts reads the files).
 */
import { shippedFile } from '../shipped/files.js';
import { compileSchema, deref, type Check, type Schema } from './schema.js';

/** The shipped contract, openapi/token.yaml. */
export const tokenDocumentPath = () => shippedFile('openapi/token.yaml');
/** The sandbox's own endpoints, openapi/sandbox.yaml. */
export const sandboxDocumentPath = () => shippedFile('openapi/sandbox.yaml');

export interface FieldRule {
  name: string;
  check: Check;
  /** The enum the field takes, if any (used to tell an unknown value from a malformed one). */
  enum?: readonly string[];
}

export interface ResponseContract {
  status: number;
  /** Lower-cased documented header name → check of its value. */
  headers: Map<string, Check>;
  /** Checks a JSON body; undefined when the response has no body. */
  body?: Check;
  /** Named examples of the JSON body, in document order. */
  examples: Map<string, unknown>;
}

/** What an operation documents it answers: each status, its headers, body and named examples. */
export interface ResponsesContract {
  /** How the operation is named in messages, e.g. POST /token. */
  label: string;
  responses: Map<number, ResponseContract>;
}

export interface TokenContract extends ResponsesContract {
  /** Header parameters of POST /token, lower-cased, the sandbox's own selectors excluded. */
  headers: FieldRule[];
  /** Form fields of the request body, in document order. */
  fields: FieldRule[];
  /** Default value of grant_type. */
  defaultGrantType: string;
}

/** Request headers that select scenarios: the scenario layer interprets them, not the validator. */
const SELECTOR_HEADERS = new Set(['x-sandbox-scenario', 'prefer']);

type Doc = Record<string, unknown>;

/** The contract of the document's POST /token (`data`: the parsed document). */
export function tokenContractFrom(data: unknown): TokenContract {
  const doc = data as Doc;
  const paths = doc.paths as Doc;
  const operation = deref<Doc>(doc, (deref<Doc>(doc, paths['/token'])).post);

  const headers: FieldRule[] = [];
  for (const p of (operation.parameters as unknown[]) ?? []) {
    const param = deref<Doc>(doc, p);
    const name = String(param.name).toLowerCase();
    if (param.in !== 'header' || SELECTOR_HEADERS.has(name)) continue;
    headers.push({ name, check: compileSchema(param.schema, doc) });
  }

  const body = deref<Doc>(doc, operation.requestBody);
  const media = (body.content as Doc)['application/x-www-form-urlencoded'] as Doc;
  const formSchema = deref<Schema>(doc, media.schema);
  const fields: FieldRule[] = Object.entries(formSchema.properties as Doc).map(([name, sub]) => {
    const s = deref<Schema>(doc, sub);
    return { name, check: compileSchema(s, doc), enum: s.enum as string[] | undefined };
  });
  const grantType = deref<Schema>(doc, (formSchema.properties as Doc).grant_type);

  return { label: 'POST /token', headers, fields, defaultGrantType: String(grantType.default), responses: responsesOf(doc, operation) };
}

/** Where a document that refers to token.yaml (as sandbox.yaml does) keeps it once bundled. */
const TOKEN_DOCUMENT_REF = './token.yaml#';
const BUNDLED_AT = 'x-bundled-token-document';

/** Every $ref of `node` with `from` as its prefix rewritten to `to`, as a copy. */
function rewriteRefs(node: unknown, from: string, to: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, from, to));
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith(from) ? `${to}${v.slice(from.length)}` : rewriteRefs(v, from, to)]),
  );
}

/**
 * The responses a document's POST `path` documents (`data`: the parsed document). Its references
 * to token.yaml are resolved in `tokenDocument`, bundled into it.
 */
export function responsesContractFrom(data: unknown, path: string, tokenDocument: unknown): ResponsesContract {
  const doc: Doc = {
    ...(rewriteRefs(data, TOKEN_DOCUMENT_REF, `#/${BUNDLED_AT}`) as Doc),
    [BUNDLED_AT]: rewriteRefs(tokenDocument, '#/', `#/${BUNDLED_AT}/`),
  };
  const operation = deref<Doc>(doc, (deref<Doc>(doc, (doc.paths as Doc)[path])).post);
  return { label: `POST ${path}`, responses: responsesOf(doc, operation) };
}

function responsesOf(doc: Doc, operation: Doc): Map<number, ResponseContract> {
  const responses = new Map<number, ResponseContract>();
  for (const [code, r] of Object.entries(operation.responses as Doc)) {
    const response = deref<Doc>(doc, r);
    const contract: ResponseContract = { status: Number(code), headers: new Map(), examples: new Map() };
    for (const [name, h] of Object.entries((response.headers as Doc) ?? {})) {
      contract.headers.set(name.toLowerCase(), compileSchema(deref<Doc>(doc, h).schema, doc));
    }
    const json = (response.content as Doc | undefined)?.['application/json'] as Doc | undefined;
    if (json) {
      contract.body = compileSchema(json.schema, doc);
      for (const [name, ex] of Object.entries((json.examples as Doc) ?? {})) {
        contract.examples.set(name, deref<Doc>(doc, ex).value);
      }
    }
    responses.set(contract.status, contract);
  }

  return responses;
}
