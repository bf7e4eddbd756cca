/**
 * Loads scenario files (YAML) from a folder and checks each one twice: against the published
 * JSON Schema (shape), and against its endpoint's document (openapi/token.yaml for POST /token,
 * openapi/sandbox.yaml for POST /par: the status is documented, the example exists, headers and
 * body conform). Any mistake stops the load with the file, the path inside
 * it and what is wrong: the sandbox never starts half-configured.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ResponseContract, ResponsesContract } from '../contract/document.js';
import { compileSchema, type Check } from '../contract/schema.js';
import { ERROR_TEXT, INTERACTION_ID, type AccessTokenBody } from '../http/responses.js';
import { changeToken } from '../scenarios/render.js';
import type { AuthorizationAnswer } from '../state/index.js';
import type { Delay, Fault, Scenario, ScenarioEndpoint, ScenarioResponse, ScenarioStep, SequenceKey } from '../scenarios/model.js';
import { ConfigError } from './errors.js';
import { shippedFile } from '../shipped/files.js';
import { assertShape, readConfigFile, yamlData } from './yaml-file.js';

/** What each endpoint documents it answers, which its scenarios are checked against. */
export type ScenarioContracts = Readonly<Record<ScenarioEndpoint, ResponsesContract>>;

/** The shipped scenarios folder, the default of --scenarios. */
export const shippedScenariosDir = () => shippedFile('scenarios');

/** Headers the server owns: a scenario setting them would break framing or correlation. */
const RESERVED_HEADERS = new Set([INTERACTION_ID, 'content-type', 'content-length', 'transfer-encoding', 'connection']);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

interface SchemaChecks {
  single: Check;
  list: Check;
}

let published: { $defs: { response: { properties: { status: { enum: number[] } } } } } | undefined;
const schemaChecks = new WeakMap<ResponsesContract, SchemaChecks>();
/**
 * The published schema's checks, its status enum (the shipped documents' statuses, for editors)
 * replaced by the statuses the endpoints' contracts in force document (--contract may change
 * POST /token's; toStep then holds each scenario to its own endpoint's).
 */
function scenarioSchema(contracts: ScenarioContracts): SchemaChecks {
  const token = contracts['/token'];
  let checks = schemaChecks.get(token);
  if (!checks) {
    published ??= JSON.parse(readConfigFile(shippedFile('scenarios/scenario.schema.json'), 'JSON Schema'));
    const schema = structuredClone(published!);
    const statuses = new Set(Object.values(contracts).flatMap((c) => [...c.responses.keys()]));
    schema.$defs.response.properties.status.enum = [...statuses].sort((a, b) => a - b);
    checks = { single: compileSchema({ $ref: '#/$defs/scenario' }, schema), list: compileSchema({ $ref: '#/$defs/scenarioList' }, schema) };
    schemaChecks.set(token, checks);
  }
  return checks;
}

/** The names of scenario files: *.yaml and *.yml. */
export const isScenarioFileName = (name: string) => /\.ya?ml$/i.test(name);

/** Lists the scenario files of a folder, sorted so that load order is stable. */
export function scenarioFiles(dir: string): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new ConfigError(dir, '', 'is not a folder');
    names = readdirSync(dir);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(dir, '', `cannot read the scenarios folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return names
    .filter(isScenarioFileName)
    .sort()
    .map((n) => join(dir, n));
}

/** Parses and checks one scenario file's text. */
export function parseScenarioFile(file: string, text: string, contracts: ScenarioContracts): Scenario[] {
  const data = yamlData(file, text);
  const isList = data !== null && typeof data === 'object' && 'scenarios' in data;
  assertShape(file, isList ? scenarioSchema(contracts).list : scenarioSchema(contracts).single, data);

  const raw = (isList ? (data as { scenarios: unknown[] }).scenarios : [data]) as RawScenario[];
  return raw.map((s, i) => toScenario(file, isList ? `scenarios[${i}]` : '', s, contracts));
}

type RawStep = Partial<Omit<ScenarioResponse, 'fault'>> & { fault?: Fault };

interface RawScenario {
  name: string;
  description: string;
  match?: { form?: Record<string, string>; headers?: Record<string, string> };
  endpoint?: ScenarioEndpoint;
  response?: RawStep;
  sequence?: { steps: RawStep[]; loop?: boolean; key?: { form?: string; header?: string } };
  device?: { decision: 'approve' | 'deny'; afterPolls?: number };
  authorization?: AuthorizationAnswer;
}

function lowerKeys(map: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!map) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
}

function toScenario(file: string, base: string, raw: RawScenario, contracts: ScenarioContracts): Scenario {
  const at = (path: string) => (base ? `${base}.${path}` : path);
  const common = {
    name: raw.name,
    description: raw.description,
    source: file,
    match: raw.match && { form: raw.match.form, headers: lowerKeys(raw.match.headers) },
  };
  if (raw.authorization !== undefined) return { ...common, authorization: toAuthorization(file, at, raw) };
  const given = (['response', 'sequence', 'device'] as const).filter((k) => raw[k] !== undefined);
  if (given.length > 1) throw new ConfigError(file, base || '(top level)', `give one of response, sequence and device, not ${given.join(' and ')}`);
  if (raw.device !== undefined) {
    if (raw.endpoint !== undefined) throw new ConfigError(file, at('endpoint'), 'a device scenario is for POST /device/auth and takes no endpoint');
    return { ...common, device: { decision: raw.device.decision, afterPolls: raw.device.afterPolls ?? 0 } };
  }
  const endpoint = raw.endpoint ?? '/token';
  const contract = contracts[endpoint];
  const answering = { ...common, ...(raw.endpoint === undefined ? {} : { endpoint }) };
  if (raw.sequence === undefined) return { ...answering, response: toStep(file, at('response'), raw.response!, contract, endpoint) };
  const { steps, loop, key } = raw.sequence;
  return {
    ...answering,
    sequence: {
      steps: steps.map((step, i) => toStep(file, at(`sequence.steps[${i}]`), step, contract, endpoint)),
      loop,
      key: toSequenceKey(file, at('sequence.key'), key),
    },
  };
}

/** An authorization scenario is selected on POST /par and answers at GET /authorize: it has no answer of its own. */
function toAuthorization(file: string, at: (path: string) => string, raw: RawScenario): AuthorizationAnswer {
  const extra = (['endpoint', 'response', 'sequence', 'device'] as const).find((k) => raw[k] !== undefined);
  if (extra) {
    throw new ConfigError(file, at(extra), `an authorization scenario is selected on POST /par and decides GET /authorize's answer, so it takes no ${extra}`);
  }
  const answer = raw.authorization!;
  if ('decision' in answer) {
    const extra = (['error', 'description'] as const).find((k) => k in answer);
    if (extra) throw new ConfigError(file, at(`authorization.${extra}`), 'give either decision or error, not both');
  }
  if ('error' in answer && answer.description !== undefined && !ERROR_TEXT.test(answer.description)) {
    throw new ConfigError(file, at('authorization.description'), 'holds a character RFC 6749 §5.2 does not allow in error_description (only printable ASCII without " and \\)');
  }
  return answer;
}

function toSequenceKey(file: string, where: string, key: { form?: string; header?: string } | undefined): SequenceKey | undefined {
  if (key === undefined) return undefined;
  if (key.form !== undefined && key.header !== undefined) throw new ConfigError(file, where, 'give either form or header, not both');
  return key.form !== undefined ? { form: key.form } : { header: key.header!.toLowerCase() };
}

function checkDelay(file: string, where: string, delay: Delay | undefined): void {
  if (typeof delay === 'object' && delay.min > delay.max) {
    throw new ConfigError(file, where, `min (${delay.min}) must not be greater than max (${delay.max})`);
  }
}

/** One answer (a scenario's response, or a step of its sequence), checked against the contract. */
function toStep(file: string, where: string, raw: RawStep, contract: ResponsesContract, endpoint: ScenarioEndpoint): ScenarioStep {
  checkDelay(file, `${where}.delay`, raw.delay);
  const { status, example, body, fault, delay, token, outsideContract } = raw;
  if (fault === 'connection-reset' || fault === 'empty-reply') {
    const extra = (['status', 'example', 'headers', 'body'] as const).find((k) => raw[k] !== undefined);
    if (extra) throw new ConfigError(file, `${where}.${extra}`, `a ${fault} sends no response, so it takes no ${extra}`);
    return { fault, delay };
  }
  if (status === undefined) throw new ConfigError(file, where, `the ${fault} fault needs the status whose body it breaks`);
  const documented = contract.responses.get(status);
  if (!documented) throw new ConfigError(file, `${where}.status`, `${contract.label} does not document status ${status}`);
  if (fault !== undefined && !documented.body) {
    throw new ConfigError(file, `${where}.fault`, `status ${status} is documented without a body, so ${fault} has nothing to break`);
  }

  if (example !== undefined && body !== undefined) {
    throw new ConfigError(file, where, 'give either example or body, not both');
  }
  if (example !== undefined && !documented.examples.has(example)) {
    const known = [...documented.examples.keys()];
    throw new ConfigError(
      file,
      `${where}.example`,
      `status ${status} has no example "${example}"; it has: ${known.length ? known.join(', ') : 'none'}`,
    );
  }
  if (body !== undefined) {
    if (!documented.body) throw new ConfigError(file, `${where}.body`, `status ${status} is documented without a body`);
    const bad = outsideContract ? undefined : documented.body(body);
    if (bad) {
      throw new ConfigError(file, `${where}.body${bad.path}`, `${bad.message} (the schema of status ${status}; mark the response outsideContract: true if that is the point)`);
    }
  }
  if (body !== undefined && !outsideContract) checkErrorText(file, `${where}.body`, body);
  if (token !== undefined && endpoint !== '/token') throw new ConfigError(file, `${where}.token`, `changes the token a 200 issues, which only POST /token does (not ${contract.label})`);
  if (token !== undefined) checkTokenChange(file, `${where}.token`, raw, documented, outsideContract === true);

  const headers = lowerKeys(raw.headers);
  for (const [name, value] of Object.entries(headers ?? {})) {
    const at = `${where}.headers.${name}`;
    if (!HEADER_NAME.test(name)) throw new ConfigError(file, at, 'is not a valid HTTP header name');
    if (RESERVED_HEADERS.has(name)) throw new ConfigError(file, at, 'is set by the sandbox itself and cannot be overridden');
    if (!HEADER_VALUE.test(value)) throw new ConfigError(file, at, 'contains characters an HTTP header value cannot carry');
    const bad = documented.headers.get(name)?.(value);
    if (bad) throw new ConfigError(file, at, `${bad.message} (as ${contract.label} documents it for status ${status})`);
  }

  return { status, example, body, headers, delay, fault, token, outsideContract };
}

/** RFC 6749 §5.2's characters in a literal error body (outsideContract lifts it, as for any other rule). */
function checkErrorText(file: string, where: string, body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  for (const member of ['error', 'error_description', 'error_uri'] as const) {
    const value = (body as Record<string, unknown>)[member];
    if (typeof value === 'string' && !ERROR_TEXT.test(value)) {
      throw new ConfigError(file, `${where}.${member}`, 'holds a character RFC 6749 §5.2 does not allow there (only printable ASCII without " and \\)');
    }
  }
}

/** A token change applies to the token a 200 issues, and keeps it inside the contract unless marked. */
function checkTokenChange(file: string, where: string, raw: RawStep, documented: ResponseContract, outside: boolean): void {
  if (raw.status !== 200 || raw.body !== undefined || raw.example !== undefined) {
    throw new ConfigError(file, where, 'changes the token a 200 issues, so it needs status 200 and no body or example');
  }
  const sample = documented.sample as AccessTokenBody | undefined;
  const bad = sample && !outside ? documented.body?.(changeToken(sample, raw.token)) : undefined;
  if (bad) throw new ConfigError(file, where, `makes a token outside the contract: ${bad.message}; mark the response outsideContract: true if that is the point`);
}

/** Loads every scenario file of a folder; names must be unique across files. */
export function loadScenarioDir(dir: string, contracts: ScenarioContracts): Scenario[] {
  const all: Scenario[] = [];
  const seen = new Map<string, string>();
  for (const file of scenarioFiles(dir)) {
    for (const scenario of parseScenarioFile(file, readConfigFile(file, 'scenario file'), contracts)) {
      const first = seen.get(scenario.name);
      if (first) throw new ConfigError(file, scenario.name, `the scenario name is already used in ${first}`);
      seen.set(scenario.name, file);
      all.push(scenario);
    }
  }
  return all;
}
