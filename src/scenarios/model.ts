/** What a scenario is, once loaded and checked against the contract. */
export interface ScenarioResponse {
  status: number;
  /** A named example of the status in openapi/token.yaml. */
  example?: string;
  /** Lower-cased header name → value. */
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ScenarioMatch {
  form?: Record<string, string>;
  /** Lower-cased header name → value. */
  headers?: Record<string, string>;
}

export interface Scenario {
  name: string;
  description: string;
  /** The file it came from, for messages. */
  source: string;
  match?: ScenarioMatch;
  response: ScenarioResponse;
}
