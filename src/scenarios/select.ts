/**
 * Decides whether a request asks for a scenario, and which, for every endpoint: the
 * x-sandbox-scenario header first, then (for response scenarios) Prefer (code/example of the
 * contract), then the scenarios' match rules. The endpoint says which kind of scenario it takes;
 * a selection that names something that does not exist, or a scenario of the other kind, is
 * answered with the list of what does.
 */
import type { ResponsesContract } from '../contract/document.js';
import type { ScenarioCatalog } from './catalog.js';
import type { DeviceScenario, ResponseScenario } from './model.js';
import { parsePrefer } from './prefer.js';

export const SCENARIO_HEADER = 'x-sandbox-scenario';

/** response: answers a POST /token by itself; device: decides the code of a POST /device/auth. */
export type ScenarioKind = 'response' | 'device';
type ScenarioOf<K extends ScenarioKind> = K extends 'response' ? ResponseScenario : DeviceScenario;

export interface ScenarioCatalogs {
  response: ScenarioCatalog<ResponseScenario>;
  device: ScenarioCatalog<DeviceScenario>;
}

/** An endpoint's response scenarios, and what it documents (Prefer selects from it; answers render from it). */
export interface ResponseScenarios {
  catalog: ScenarioCatalog<ResponseScenario>;
  contract: ResponsesContract;
}

export type Selection<S = ResponseScenario> =
  | { kind: 'none' }
  | { kind: 'scenario'; scenario: S }
  | { kind: 'unknown'; errors: string[] };

/** How a name that is not of the endpoint's kind is explained. */
const MISNAMED: Record<ScenarioKind, { unknown: (name: string) => string; otherKind: (name: string) => string; known: string }> = {
  response: {
    unknown: (name) => `Unknown scenario "${name}" in header ${SCENARIO_HEADER}`,
    otherKind: (name) => `Scenario "${name}" decides device authorizations: send it with POST /device/auth, not POST /token`,
    known: 'Known scenarios',
  },
  device: {
    unknown: (name) => `Unknown device scenario "${name}" in header ${SCENARIO_HEADER}`,
    otherKind: (name) => `Scenario "${name}" answers POST /token; POST /device/auth takes device scenarios`,
    known: 'Device scenarios',
  },
};

export function selectScenario<K extends ScenarioKind>(
  kind: K,
  catalogs: ScenarioCatalogs,
  contract: ResponsesContract,
  headers: Headers,
  form: Readonly<Record<string, string>> | undefined,
): Selection<ScenarioOf<K>> {
  const catalog = catalogs[kind] as ScenarioCatalog<ScenarioOf<K>>;
  const requested = headers.get(SCENARIO_HEADER);
  if (requested !== null) {
    const scenario = catalog.byNameOf(requested.trim());
    if (scenario) return { kind: 'scenario', scenario };
    const other = catalogs[kind === 'response' ? 'device' : 'response'];
    const wording = MISNAMED[kind];
    return {
      kind: 'unknown',
      errors: [
        other.byNameOf(requested.trim()) ? wording.otherKind(requested) : wording.unknown(requested),
        `${wording.known}: ${catalog.names.join(', ') || '(none loaded)'}`,
      ],
    };
  }

  if (kind === 'response') {
    const prefer = parsePrefer(headers.get('prefer'));
    if (prefer.code !== undefined || prefer.example !== undefined) {
      return fromPrefer(contract, prefer.code, prefer.example) as Selection<ScenarioOf<K>>;
    }
  }

  const matched = catalog.match(headers, form);
  return matched ? { kind: 'scenario', scenario: matched } : { kind: 'none' };
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
