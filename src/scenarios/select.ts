/**
 * Decides whether a request asks for a scenario, and which: the x-sandbox-scenario header first,
 * then Prefer (code/example of the contract), then the scenarios' match rules. A selection that
 * names something that does not exist is answered with the list of what does.
 */
import type { TokenContract } from '../contract/document.js';
import type { ScenarioCatalog } from './catalog.js';
import type { DeviceScenario, ResponseScenario } from './model.js';
import { parsePrefer } from './prefer.js';

export const SCENARIO_HEADER = 'x-sandbox-scenario';

export type Selection =
  | { kind: 'none' }
  | { kind: 'scenario'; scenario: ResponseScenario }
  | { kind: 'unknown'; errors: string[] };

/** Prefer: code=429 alone gets a Retry-After, so a client's back-off has something to read. */
const PREFER_DEFAULT_HEADERS: Record<number, Record<string, string>> = { 429: { 'retry-after': '1' } };

export function selectScenario(
  catalog: ScenarioCatalog<ResponseScenario>,
  contract: TokenContract,
  headers: Headers,
  form: Readonly<Record<string, string>> | undefined,
  deviceCatalog?: ScenarioCatalog<DeviceScenario>,
): Selection {
  const requested = headers.get(SCENARIO_HEADER);
  if (requested !== null) {
    const scenario = catalog.byNameOf(requested.trim());
    if (scenario) return { kind: 'scenario', scenario };
    const known = `Known scenarios: ${catalog.names.join(', ') || '(none loaded)'}`;
    return {
      kind: 'unknown',
      errors: deviceCatalog?.byNameOf(requested.trim())
        ? [`Scenario "${requested}" decides device authorizations: send it with POST /device/auth, not POST /token`, known]
        : [`Unknown scenario "${requested}" in header ${SCENARIO_HEADER}`, known],
    };
  }

  const prefer = parsePrefer(headers.get('prefer'));
  if (prefer.code !== undefined || prefer.example !== undefined) return fromPrefer(contract, prefer.code, prefer.example);

  const matched = catalog.match(headers, form);
  return matched ? { kind: 'scenario', scenario: matched } : { kind: 'none' };
}

function fromPrefer(contract: TokenContract, code: string | undefined, example: string | undefined): Selection {
  const documented = [...contract.responses.keys()];
  let status: number | undefined;
  if (code !== undefined) {
    status = /^\d{3}$/.test(code) ? Number(code) : undefined;
    if (status === undefined || !contract.responses.has(status)) {
      return {
        kind: 'unknown',
        errors: [`Prefer: code=${code} is not a status POST /token documents`, `Documented statuses: ${documented.join(', ')}`],
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
        `Prefer: example=${example} is not a named example of ${response ? `status ${status}` : 'POST /token'}`,
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
      response: { status: status!, example, headers: PREFER_DEFAULT_HEADERS[status!] },
    },
  };
}
