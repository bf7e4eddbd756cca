/**
 * Which step a request gets. A scenario with one response always gives it; a sequence gives its
 * steps in order, keeping one position per key (client_id by default) so that parallel test
 * runs do not disturb each other. After the last step, the last step repeats, or with `loop`
 * the sequence starts again.
 */
import type { Sequences } from '../state/index.js';
import type { ResponseScenario, ScenarioStep, SequenceKey } from './model.js';

export const DEFAULT_KEY: SequenceKey = { form: 'client_id' };

export interface StepChoice {
  step: ScenarioStep;
  /** The value of the sequence's own key, when the scenario sets one (the report groups by it). */
  key?: string;
}

export async function stepFor(
  scenario: ResponseScenario,
  sequences: Sequences,
  headers: Headers,
  form: Readonly<Record<string, string>> | undefined,
): Promise<StepChoice> {
  if (scenario.sequence === undefined) return { step: scenario.response };
  const { steps, loop, key = DEFAULT_KEY } = scenario.sequence;
  const value = 'form' in key ? form?.[key.form] : headers.get(key.header);
  const n = await sequences.next(`sequence\u0000${scenario.name}\u0000${value ?? ''}`);
  const step = steps[loop ? n % steps.length : Math.min(n, steps.length - 1)]!;
  return scenario.sequence.key !== undefined && value !== undefined && value !== null ? { step, key: value } : { step };
}
