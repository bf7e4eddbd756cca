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

/** How a device authorization selected with the scenario is decided (RFC 8628). */
export interface DeviceBehaviour {
  decision: 'approve' | 'deny';
  /** Polls answered authorization_pending before the decision applies. */
  afterPolls: number;
}

interface ScenarioBase {
  name: string;
  description: string;
  /** The file it came from, for messages. */
  source: string;
  match?: ScenarioMatch;
}

/** POST /token answers with `response`. */
export interface ResponseScenario extends ScenarioBase {
  response: ScenarioResponse;
  device?: never;
}

/** POST /device/auth attaches `device` to the device code it issues. */
export interface DeviceScenario extends ScenarioBase {
  device: DeviceBehaviour;
  response?: never;
}

export type Scenario = ResponseScenario | DeviceScenario;

export const isResponseScenario = (s: Scenario): s is ResponseScenario => s.response !== undefined;
export const isDeviceScenario = (s: Scenario): s is DeviceScenario => s.device !== undefined;
