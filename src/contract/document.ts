/**
 * Compiles the provider's document (the shipped openapi/token.yaml, or the one given with
 * --contract) into what the server needs from it: the request's header and body rules, and for
 * each documented status its headers, body schema, named examples, the body and header values
 * answered when no example is named (synthesized from the schemas), and the shape of the
 * sandbox's own 400s; and the responses of the sandbox's own operations that scenarios answer
 * (openapi/sandbox.yaml's POST /par, /introspect, /revoke). Done once when the files are read
 * (settings/contract-file.ts); anything the sandbox cannot serve is a ContractError naming the
 * place in the document.
 */
import { INTERACTION_ID, type AnswerStyle } from '../http/responses.js';
import { shippedFile } from '../shipped/files.js';
import { compileSchema, ContractError, deref, SchemaError, type Check } from './schema.js';
import { synthesize } from './synthesize.js';

/** The shipped contract, openapi/token.yaml. */
export const tokenDocumentPath = () => shippedFile('openapi/token.yaml');
/** The sandbox's own endpoints, openapi/sandbox.yaml. */
export const sandboxDocumentPath = () => shippedFile('openapi/sandbox.yaml');

export interface FieldRule {
  name: string;
  check: Check;
  /** The enum the field takes, if any (used to tell an unknown value from a malformed one). */
  enum?: readonly string[];
  /** The document's example of a value, if it gives one (a refusal of a pattern shows it). */
  example?: string;
}

export interface ResponseContract {
  status: number;
  /** Lower-cased documented header name → check of its value. */
  headers: Map<string, Check>;
  /** Checks a JSON body; undefined when the response has no body. */
  body?: Check;
  /** Named examples of the JSON body, in document order. */
  examples: Map<string, unknown>;
  /** The body when no example is named: the first example, else one made from the schema; undefined without a body. */
  sample?: unknown;
  /** A value of every documented header (lower-cased) but the interaction id, which is the request's. */
  headerValues: Readonly<Record<string, string>>;
}

/** What an operation documents it answers: each status, its headers, body and named examples. */
export interface ResponsesContract {
  /** How the operation is named in messages, e.g. POST /token. */
  label: string;
  responses: Map<number, ResponseContract>;
}

export interface TokenContract extends ResponsesContract, AnswerStyle {
  /** Header parameters of POST /token, lower-cased, the sandbox's own selectors excluded. */
  headers: FieldRule[];
  /** The x-fapi-interaction-id request header's rule (a malformed one is refused, a fresh id answered). */
  interactionId: Check;
  /** Form fields of the request body, in document order. */
  fields: FieldRule[];
  /** Default value of grant_type; undefined when the document gives none (then it is required). */
  defaultGrantType?: string;
}

/** Request headers that select scenarios: the scenario layer interprets them, not the validator. */
const SELECTOR_HEADERS = new Set(['x-sandbox-scenario', 'prefer']);

/** The grant_type values the sandbox has a grant for (grants/). */
export const SERVED_GRANTS: readonly string[] = [
  'client_credentials', 'private_key_jwt', 'tls_client_auth', 'urn:ietf:params:oauth:grant-type:device_code', 'authorization_code', 'refresh_token',
];

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Runs a step of the reading, turning a schema problem into one at `place`. */
function at<T>(place: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof SchemaError) throw new ContractError(place, err.message);
    throw err;
  }
}

/** The object at `place` (following $refs), or a ContractError saying what is missing there. */
function objectAt(doc: Doc, place: string, node: unknown, missing: string): Doc {
  const found = at(place, () => deref<unknown>(doc, node));
  if (!isObject(found)) throw new ContractError(place, missing);
  return found;
}

const exampleOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

function requestHeaders(doc: Doc, operation: Doc, place: string): { headers: FieldRule[]; interactionId: Check } {
  const headers: FieldRule[] = [];
  let interactionId: Check | undefined;
  const parameters = operation.parameters === undefined ? [] : operation.parameters;
  if (!Array.isArray(parameters)) throw new ContractError(`${place}.parameters`, 'must be a list');
  parameters.forEach((p, i) => {
    const where = `${place}.parameters[${i}]`;
    const param = objectAt(doc, where, p, 'is not a parameter object');
    const name = String(param.name).toLowerCase();
    if (param.in !== 'header' || SELECTOR_HEADERS.has(name)) return;
    const check = at(`${where}.schema`, () => compileSchema(param.schema, doc));
    headers.push({ name, check, example: exampleOf(param.example ?? (isObject(param.schema) ? param.schema.example : undefined)) });
    if (name === INTERACTION_ID) interactionId = check;
  });
  if (!interactionId) throw new ContractError(`${place}.parameters`, `documents no ${INTERACTION_ID} header, which the sandbox echoes on every answer`);
  return { headers, interactionId };
}

function formRules(doc: Doc, operation: Doc, place: string): { fields: FieldRule[]; defaultGrantType?: string } {
  const body = objectAt(doc, `${place}.requestBody`, operation.requestBody, 'is missing: the sandbox needs the form body schema');
  const where = `${place}.requestBody.content.application/x-www-form-urlencoded.schema`;
  const media = isObject(body.content) ? body.content['application/x-www-form-urlencoded'] : undefined;
  const formSchema = objectAt(doc, where, isObject(media) ? media.schema : undefined, 'is missing: the sandbox reads the form fields from it');
  if (!isObject(formSchema.properties)) throw new ContractError(`${where}.properties`, 'is missing: the sandbox reads the form fields from it');
  const fields: FieldRule[] = Object.entries(formSchema.properties).map(([name, sub]) => {
    const s = objectAt(doc, `${where}.properties.${name}`, sub, 'is not a schema');
    return { name, check: at(`${where}.properties.${name}`, () => compileSchema(s, doc)), enum: s.enum as string[] | undefined, example: exampleOf(s.example) };
  });
  const grantWhere = `${where}.properties.grant_type`;
  const grantType = objectAt(doc, grantWhere, formSchema.properties.grant_type, 'is missing: the sandbox serves a grant by its grant_type');
  if (!Array.isArray(grantType.enum)) throw new ContractError(`${grantWhere}.enum`, `is missing: the sandbox serves the grants ${SERVED_GRANTS.join(', ')}`);
  const unserved = grantType.enum.find((g) => !SERVED_GRANTS.includes(g as string));
  if (unserved !== undefined) throw new ContractError(`${grantWhere}.enum`, `lists ${String(unserved)}, a grant the sandbox does not serve (it serves ${SERVED_GRANTS.join(', ')})`);
  const fallback = grantType.default;
  if (fallback !== undefined && !grantType.enum.includes(fallback)) throw new ContractError(`${grantWhere}.default`, 'is not one of the enum values');
  return { fields, defaultGrantType: fallback as string | undefined };
}

function responseContract(doc: Doc, status: number, node: unknown, place: string): ResponseContract {
  const response = objectAt(doc, place, node, 'is not a response object');
  const values: Record<string, string> = {};
  const contract: ResponseContract = { status, headers: new Map(), examples: new Map(), headerValues: values };
  for (const [name, h] of Object.entries(isObject(response.headers) ? response.headers : {})) {
    const where = `${place}.headers.${name}`;
    const header = objectAt(doc, where, h, 'is not a header object');
    const lower = name.toLowerCase();
    const check = at(`${where}.schema`, () => compileSchema(header.schema, doc));
    contract.headers.set(lower, check);
    // The interaction id is the request's; an extension's header (DPoP-Nonce) is sent only by the feature that owns it.
    if (lower === INTERACTION_ID || header['x-sandbox-extension'] === true) continue;
    const value = at(where, () => ('example' in header ? header.example : synthesize(header.schema, doc)));
    const problem = check(String(value));
    if (problem) throw new ContractError(where, `its example ${problem.message}`);
    values[lower] = String(value);
  }

  const content = isObject(response.content) ? response.content : undefined;
  const json = content?.['application/json'];
  if (content && !isObject(json)) {
    throw new ContractError(`${place}.content`, `documents ${Object.keys(content).join(', ') || 'no media type'}; the sandbox answers application/json`);
  }
  if (isObject(json) && json.schema !== undefined) {
    const where = `${place}.content.application/json`;
    const body = at(`${where}.schema`, () => compileSchema(json.schema, doc));
    contract.body = body;
    for (const [name, ex] of Object.entries(isObject(json.examples) ? json.examples : {})) {
      const example = objectAt(doc, `${where}.examples.${name}`, ex, 'is not an example object');
      const problem = body(example.value);
      if (problem) throw new ContractError(`${where}.examples.${name}.value${problem.path}`, `${problem.message} (the schema of status ${status})`);
      contract.examples.set(name, example.value);
    }
    const first = contract.examples.values().next();
    contract.sample = first.done ? at(`${where}.schema`, () => synthesize(json.schema, doc)) : first.value;
  }
  return contract;
}

/** What the document's 400 body is: RFC 6749's {error, error_description}, or {errors: [...]}. */
function errorShapeOf(responses: Map<number, ResponseContract>, place: string): AnswerStyle['errorShape'] {
  const badRequest = responses.get(400);
  if (!badRequest?.body) throw new ContractError(`${place}.400`, 'is missing or has no JSON body schema: the sandbox answers refused requests with it');
  const oauth = badRequest.body({ error: 'invalid_request', error_description: 'a description' });
  if (oauth === undefined) return 'oauth';
  const list = badRequest.body({ errors: ['invalid_request: a description'] });
  if (list === undefined) return 'errors';
  throw new ContractError(`${place}.400.content.application/json.schema`, `takes neither {error, error_description} (it ${oauth.path ? `${oauth.path.slice(1)} ` : ''}${oauth.message}) nor {errors: [...]} (it ${list.path ? `${list.path.slice(1)} ` : ''}${list.message})`);
}

/** The contract of the document's POST /token (`data`: the parsed document). */
export function tokenContractFrom(data: unknown): TokenContract {
  if (!isObject(data) || !isObject(data.paths)) throw new ContractError('paths', 'is missing: this is not an OpenAPI document');
  const doc = data;
  const pathItem = objectAt(doc, 'paths./token', (data.paths as Doc)['/token'], 'is missing: the sandbox serves POST /token');
  const place = 'paths./token.post';
  const operation = objectAt(doc, place, pathItem.post, 'is missing: the sandbox serves POST /token');

  const { headers, interactionId } = requestHeaders(doc, operation, place);
  const { fields, defaultGrantType } = formRules(doc, operation, place);

  const responses = responsesOf(doc, operation, place);
  if (!responses.get(200)?.body) throw new ContractError(`${place}.responses.200`, 'is missing or has no JSON body schema: the sandbox issues tokens with it');
  const errorShape = errorShapeOf(responses, `${place}.responses`);
  return {
    label: 'POST /token', headers, interactionId, fields, defaultGrantType, responses, errorShape,
    headersOf: (status) => responses.get(status)?.headerValues ?? {},
  };
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
  const place = `paths.${path}.post`;
  const operation = objectAt(doc, place, deref<Doc>(doc, (doc.paths as Doc)[path]).post, `is missing: the sandbox serves POST ${path}`);
  return { label: `POST ${path}`, responses: responsesOf(doc, operation, place) };
}

function responsesOf(doc: Doc, operation: Doc, place: string): Map<number, ResponseContract> {
  const responses = new Map<number, ResponseContract>();
  if (!isObject(operation.responses)) throw new ContractError(`${place}.responses`, 'is missing');
  for (const [code, r] of Object.entries(operation.responses)) {
    const where = `${place}.responses.${code}`;
    if (!/^[1-5]\d\d$/.test(code)) throw new ContractError(where, 'the sandbox answers documented statuses, not ranges or default');
    responses.set(Number(code), responseContract(doc, Number(code), r, where));
  }
  return responses;
}
