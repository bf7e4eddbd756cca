/**
 * Answers a request with a selected scenario: picks the step (sequences), waits (delays), then
 * renders the response, or breaks it (transport faults). The caller notes the scenario's name.
 */
import type { ResponsesContract } from '../contract/document.js';
import type { Exchange } from '../http/exchange.js';
import { errorList, type AccessTokenBody } from '../http/responses.js';
import type { Sequences } from '../state/index.js';
import { delayMs, sleep } from './delays.js';
import { breakConnection, malformJson, truncateBody } from './faults.js';
import { isConnectionFault, type ResponseScenario, type ScenarioResponse } from './model.js';
import { renderScenario } from './render.js';
import { stepFor } from './sequences.js';

export interface AnswerContext {
  contract: ResponsesContract;
  sequences: Sequences;
  request: Request;
  form: Readonly<Record<string, string>> | undefined;
  interactionId: string;
  exchange: Exchange;
  /** How a 200 issues a real token, at the token endpoint. */
  issueToken?: () => Promise<AccessTokenBody>;
}

export async function answerScenario(scenario: ResponseScenario, ctx: AnswerContext): Promise<Response> {
  const { notes, transport } = ctx.exchange;
  const { step, key } = await stepFor(scenario, ctx.sequences, ctx.request.headers, ctx.form);
  if (key !== undefined) notes.sequenceKey = key;
  if (step.delay !== undefined) await sleep(await delayMs(step.delay, scenario.name, ctx.sequences), ctx.request.signal);

  const render = (spec: ScenarioResponse) => renderScenario(spec, ctx.contract, ctx.interactionId, ctx.issueToken);
  if (step.fault === undefined) return render(step);
  if (step.fault === 'malformed-json') {
    notes.fault = step.fault;
    return malformJson(await render(step));
  }
  // The other faults act on the socket, which app.fetch has none of.
  if (transport === undefined) {
    notes.refusal = 'scenario.fault_needs_connection';
    return errorList(500, [`the ${step.fault} fault needs a real connection: start the sandbox with startSandbox()`], ctx.interactionId);
  }
  notes.fault = step.fault;
  if (isConnectionFault(step)) {
    notes.status = null;
    return breakConnection(step.fault, transport);
  }
  notes.status = step.status;
  return truncateBody(await render(step), transport);
}
