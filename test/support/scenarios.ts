/** The shipped scenarios without their delays, for tests that check what is sent rather than when. */
import { loadScenarioDir, shippedScenariosDir } from '../../src/settings/scenario-files.js';
import { loadScenarioContracts } from '../../src/settings/contract-file.js';
import { isResponseScenario, type ResponseScenario, type Scenario, type ScenarioStep } from '../../src/scenarios/model.js';

const undelayed = (step: ScenarioStep): ScenarioStep => ({ ...step, delay: undefined });

export function shippedWithoutDelays(): Scenario[] {
  return loadScenarioDir(shippedScenariosDir(), loadScenarioContracts()).map((s): Scenario => {
    if (!isResponseScenario(s)) return s;
    return s.sequence ? { ...s, sequence: { ...s.sequence, steps: s.sequence.steps.map(undelayed) } } : { ...s, response: undelayed(s.response) };
  });
}

/** The answers a scenario gives in turn: its response, or its sequence's steps. */
export const stepsOf = (s: ResponseScenario): readonly ScenarioStep[] => (s.sequence ? s.sequence.steps : [s.response]);
