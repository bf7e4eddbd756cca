/**
 * Answers a request with a selected scenario: picks the step (sequences), waits (delays), then
 * renders the response, or breaks it (transport faults).
 */
import type { TokenContract } from '../contract/document.js';
import type { Exchange } from '../http/exchange.js';
import { errorList, type AccessTokenBody } from '../http/responses.js';
import type { Counters } from '../state/index.js';
import { delayMs, sleep } from './delays.js';
import { breakConnection, malformJson, truncateBody } from './faults.js';
import { isConnectionFault, type Scenario } from './model.js';
import { renderScenario } from './render.js';
import { stepFor } from './sequences.js';

export interface AnswerContext {
  contract: TokenContract;
  counters: Counters;
  request: Request;
  form: Readonly<Record<string, string>> | undefined;
  interactionId: string;
  exchange: Exchange;
  issueToken: () => Promise<AccessTokenBody>;
}

export async function answerScenario(scenario: Scenario, ctx: AnswerContext): Promise<Response> {
  const { notes, transport } = ctx.exchange;
  const step = stepFor(scenario, ctx.counters, ctx.request.headers, ctx.form);
  notes.scenario = scenario.name;
  if (step.delay !== undefined) await sleep(delayMs(step.delay, scenario.name, ctx.counters), ctx.request.signal);

  if (step.fault === undefined) return renderScenario(step, ctx.contract, ctx.interactionId, ctx.issueToken);
  // Faults other than malformed-json act on the socket, which app.fetch has none of.
  if (step.fault !== 'malformed-json' && transport === undefined) {
    return errorList(500, [`the ${step.fault} fault needs a real connection: start the sandbox with startSandbox()`], ctx.interactionId);
  }
  notes.fault = step.fault;
  if (isConnectionFault(step)) {
    notes.status = null;
    return breakConnection(step.fault, transport!);
  }
  const response = await renderScenario(step, ctx.contract, ctx.interactionId, ctx.issueToken);
  if (step.fault === 'malformed-json') return malformJson(response);
  notes.status = step.status;
  return truncateBody(response, transport!);
}
