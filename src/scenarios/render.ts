/** Turns a selected scenario's response into the HTTP response, filled in from the contract. */
import type { ResponsesContract } from '../contract/document.js';
import { jsonResponse, type AccessTokenBody } from '../http/responses.js';
import type { ScenarioResponse, TokenChange } from './model.js';

/** The token response with a scenario's change applied. */
export function changeToken(token: AccessTokenBody, change: TokenChange | undefined): Record<string, unknown> {
  if (!change) return token;
  const changed: Record<string, unknown> = { ...token, ...change.set };
  for (const member of change.omit ?? []) delete changed[member];
  return changed;
}

export async function renderScenario(
  spec: ScenarioResponse,
  contract: ResponsesContract,
  interactionId: string,
  /** How a 200 issues a real token; absent on an endpoint whose 200 is no token (it sends its first example). */
  issueToken: (() => Promise<AccessTokenBody>) | undefined,
): Promise<Response> {
  const documented = contract.responses.get(spec.status)!;
  let body: unknown;
  if (spec.body !== undefined) body = spec.body;
  else if (spec.example !== undefined) body = documented.examples.get(spec.example);
  else if (spec.status === 200 && issueToken) body = changeToken(await issueToken(), spec.token);
  else body = documented.sample;
  return jsonResponse(spec.status, body, interactionId, { ...documented.headerValues, ...spec.headers });
}
