/** What a scenario is, once loaded and checked against the contract. */
import type { AuthorizationAnswer } from '../state/index.js';

/** Milliseconds, or a range drawn from at random (repeatably when seeded). */
export type Delay = number | { min: number; max: number; seed?: number };

/** Faults that break the body of a documented response. */
export type BodyFault = 'malformed-json' | 'truncated-body';
/** Faults that send no response at all. */
export type ConnectionFault = 'connection-reset' | 'empty-reply';
/** Transport faults: deliberately outside the contract. */
export type Fault = BodyFault | ConnectionFault;

/**
 * A change to the real token a 200 issues, for testing how a client copes with a token response
 * that is unusual (no scope) or wrong (no expires_in, an unknown token_type).
 */
export interface TokenChange {
  /** Members left out of the token response. */
  omit?: readonly ('expires_in' | 'scope' | 'token_type')[];
  /** Members given another value. */
  set?: { token_type?: string };
}

export interface ScenarioResponse {
  status: number;
  /** A change to the token a 200 issues. */
  token?: TokenChange;
  /** Deliberately outside openapi/token.yaml (a client-test answer): the body is not held to the contract. */
  outsideContract?: boolean;
  /** A named example of the status in openapi/token.yaml. */
  example?: string;
  /** Lower-cased header name → value. */
  headers?: Record<string, string>;
  body?: unknown;
  delay?: Delay;
  fault?: BodyFault;
}

/** A step that answers with no response: the connection is reset or closed. */
export interface ConnectionFaultStep {
  fault: ConnectionFault;
  delay?: Delay;
}

export type ScenarioStep = ScenarioResponse | ConnectionFaultStep;

/** Which request field or header keys a sequence's position. */
export type SequenceKey = { form: string } | { header: string };

export interface ScenarioSequence {
  steps: readonly ScenarioStep[];
  /** After the last step, start again (default: the last step repeats). */
  loop?: boolean;
  /** Default: the client_id form field. */
  key?: SequenceKey;
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

/** The sandbox's own endpoints that take response scenarios (openapi/sandbox.yaml documents them). */
export const OWN_SCENARIO_ENDPOINTS = ['/par', '/introspect', '/revoke'] as const;
export type OwnScenarioEndpoint = (typeof OWN_SCENARIO_ENDPOINTS)[number];
/** One value for each of the sandbox's own scenario endpoints. */
export function byOwnEndpoint<T>(value: (endpoint: OwnScenarioEndpoint) => T): Record<OwnScenarioEndpoint, T> {
  return Object.fromEntries(OWN_SCENARIO_ENDPOINTS.map((e) => [e, value(e)])) as Record<OwnScenarioEndpoint, T>;
}

/** The endpoints response scenarios answer. */
export type ScenarioEndpoint = '/token' | OwnScenarioEndpoint;

interface ScenarioBase {
  name: string;
  description: string;
  /** The file it came from, for messages. */
  source: string;
  match?: ScenarioMatch;
}

/** The endpoint answers every request the same way (`response`), or step by step (`sequence`). */
export type ResponseScenario = ScenarioBase & {
  /** Default: POST /token. */
  endpoint?: ScenarioEndpoint;
} & (
    | { response: ScenarioStep; sequence?: undefined; device?: undefined; authorization?: undefined }
    | { sequence: ScenarioSequence; response?: undefined; device?: undefined; authorization?: undefined }
  );

/** POST /device/auth attaches `device` to the device code it issues. */
export type DeviceScenario = ScenarioBase & { device: DeviceBehaviour; response?: undefined; sequence?: undefined; authorization?: undefined };

/**
 * POST /par stores `authorization` with the pushed request, and GET /authorize for its
 * request_uri answers with it, without the consent page.
 */
export type AuthorizationScenario = ScenarioBase & { authorization: AuthorizationAnswer; response?: undefined; sequence?: undefined; device?: undefined };

export type Scenario = ResponseScenario | DeviceScenario | AuthorizationScenario;

export const isResponseScenario = (s: Scenario): s is ResponseScenario => s.device === undefined && s.authorization === undefined;
export const isDeviceScenario = (s: Scenario): s is DeviceScenario => s.device !== undefined;
export const isAuthorizationScenario = (s: Scenario): s is AuthorizationScenario => s.authorization !== undefined;
/** The response scenarios of `endpoint`. */
export const answersAt = (endpoint: ScenarioEndpoint) => (s: Scenario): s is ResponseScenario =>
  isResponseScenario(s) && (s.endpoint ?? '/token') === endpoint;

export function isConnectionFault(step: ScenarioStep): step is ConnectionFaultStep {
  return !('status' in step);
}
