/**
 * Decides whether a request asks for a scenario, and which, for every endpoint: the
 * x-sandbox-scenario header first, then (where response scenarios are taken) Prefer (code/example
 * of the contract), then the scenarios' match rules. The endpoint says which kinds of scenario it
 * takes; a selection that names something that does not exist, or a scenario of another kind, is
 * answered with the list of what does.
 */
import type { ResponsesContract } from '../contract/document.js';
import type { ScenarioCatalog } from './catalog.js';
import type { AuthorizationScenario, DeviceScenario, ResponseScenario, Scenario } from './model.js';
import { parsePrefer } from './prefer.js';

export const SCENARIO_HEADER = 'x-sandbox-scenario';

/**
 * What an endpoint takes. response: response scenarios, which answer the request by themselves;
 * device: device scenarios, which decide the code of a POST /device/auth; authorization (POST
 * /par): response scenarios, and authorization scenarios, which decide the authorization
 * endpoint's answer to the pushed request.
 */
export type ScenarioKind = 'response' | 'device' | 'authorization';
interface KindScenarios {
  response: ResponseScenario;
  device: DeviceScenario;
  authorization: ResponseScenario | AuthorizationScenario;
}
type ScenarioOf<K extends ScenarioKind> = KindScenarios[K];

export interface ScenarioCatalogs {
  response: ScenarioCatalog<ResponseScenario>;
  device: ScenarioCatalog<DeviceScenario>;
  authorization: ScenarioCatalog<AuthorizationScenario>;
}
type CatalogName = keyof ScenarioCatalogs;

/** The catalogs an endpoint of each kind selects from, in the order they are tried. */
const TAKES: Record<ScenarioKind, readonly CatalogName[]> = {
  response: ['response'],
  device: ['device'],
  authorization: ['response', 'authorization'],
};

/** An endpoint's response scenarios, and what it documents (Prefer selects from it; answers render from it). */
export interface ResponseScenarios {
  catalog: ScenarioCatalog<ResponseScenario>;
  contract: ResponsesContract;
}

export type Selection<S = ResponseScenario> =
  | { kind: 'none' }
  | { kind: 'scenario'; scenario: S }
  | { kind: 'unknown'; errors: string[] };

/** Where a scenario that is not for this endpoint is sent instead. */
const SENT_WITH: Record<'device' | 'authorization', string> = {
  device: 'decides device authorizations: send it with POST /device/auth',
  authorization: "decides the authorization endpoint's answer: send it with POST /par",
};

/** How a name that is not of the endpoint's kind is explained; `found` is the catalog that has it. */
const MISNAMED: Record<ScenarioKind, { unknown: (name: string) => string; otherKind: (name: string, found: CatalogName) => string; known: string }> = {
  response: {
    unknown: (name) => `Unknown scenario "${name}" in header ${SCENARIO_HEADER}`,
    otherKind: (name, found) => `Scenario "${name}" ${SENT_WITH[found as 'device' | 'authorization']}, not POST /token`,
    known: 'Known scenarios',
  },
  device: {
    unknown: (name) => `Unknown device scenario "${name}" in header ${SCENARIO_HEADER}`,
    otherKind: (name, found) => `Scenario "${name}" ${found === 'authorization' ? SENT_WITH.authorization : 'answers POST /token'}; POST /device/auth takes device scenarios`,
    known: 'Device scenarios',
  },
  authorization: {
    unknown: (name) => `Unknown scenario "${name}" in header ${SCENARIO_HEADER}`,
    otherKind: (name) => `Scenario "${name}" ${SENT_WITH.device}, not POST /par`,
    known: 'Known scenarios',
  },
};

export function selectScenario<K extends ScenarioKind>(
  kind: K,
  catalogs: ScenarioCatalogs,
  contract: ResponsesContract,
  headers: Headers,
  form: Readonly<Record<string, string>> | undefined,
): Selection<ScenarioOf<K>> {
  const taken = TAKES[kind].map((name) => catalogs[name] as ScenarioCatalog<Scenario>);
  const requested = headers.get(SCENARIO_HEADER);
  if (requested !== null) {
    const name = requested.trim();
    const scenario = firstOf(taken, (c) => c.byNameOf(name));
    if (scenario) return { kind: 'scenario', scenario: scenario as ScenarioOf<K> };
    const found = (Object.keys(catalogs) as CatalogName[]).find((c) => !TAKES[kind].includes(c) && catalogs[c].byNameOf(name));
    const wording = MISNAMED[kind];
    return {
      kind: 'unknown',
      errors: [
        found ? wording.otherKind(requested, found) : wording.unknown(requested),
        `${wording.known}: ${taken.flatMap((c) => c.names).join(', ') || '(none loaded)'}`,
      ],
    };
  }

  if (kind !== 'device') {
    const prefer = parsePrefer(headers.get('prefer'));
    if (prefer.code !== undefined || prefer.example !== undefined) {
      return fromPrefer(contract, prefer.code, prefer.example) as Selection<ScenarioOf<K>>;
    }
  }

  const matched = firstOf(taken, (c) => c.match(headers, form));
  return matched ? { kind: 'scenario', scenario: matched as ScenarioOf<K> } : { kind: 'none' };
}

function firstOf<T, R>(items: readonly T[], pick: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const picked = pick(item);
    if (picked !== undefined) return picked;
  }
  return undefined;
}

function fromPrefer(contract: ResponsesContract, code: string | undefined, example: string | undefined): Selection {
  const documented = [...contract.responses.keys()];
  let status: number | undefined;
  if (code !== undefined) {
    status = /^\d{3}$/.test(code) ? Number(code) : undefined;
    if (status === undefined || !contract.responses.has(status)) {
      return {
        kind: 'unknown',
        errors: [`Prefer: code=${code} is not a status ${contract.label} documents`, `Documented statuses: ${documented.join(', ')}`],
      };
    }
  } else {
    status = documented.find((s) => contract.responses.get(s)!.examples.has(example!));
  }
  const response = status === undefined ? undefined : contract.responses.get(status);
  if (response === undefined || (example !== undefined && !response.examples.has(example))) {
    const pool = response ? [response] : [...contract.responses.values()];
    const names = pool.flatMap((r) => [...r.examples.keys()].map((n) => (response ? n : `${n} (${r.status})`)));
    return {
      kind: 'unknown',
      errors: [
        `Prefer: example=${example} is not a named example of ${response ? `status ${status}` : contract.label}`,
        `Named examples: ${names.join(', ') || '(none)'}`,
      ],
    };
  }
  return {
    kind: 'scenario',
    scenario: {
      name: example === undefined ? `prefer:code=${status}` : `prefer:code=${status},example=${example}`,
      description: 'Selected by the Prefer header',
      source: 'Prefer',
      // Its headers are the status's documented ones (a 429's Retry-After included): render.ts adds them.
      response: { status: status!, example },
    },
  };
}
