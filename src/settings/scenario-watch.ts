/**
 * Live reload: watches the scenarios folder and, shortly after the last change (editors write a
 * file in several steps), loads it again. A set with any mistake is not taken: the last good set
 * stays, and the error is logged with its file, path and problem.
 */
import { watch } from 'node:fs';
import { answersAt, byOwnEndpoint, isDeviceScenario, OWN_SCENARIO_ENDPOINTS } from '../scenarios/model.js';
import { ConfigError } from './errors.js';
import type { SandboxConfig } from '../oauth/services.js';
import { isScenarioFileName, loadScenarioDir } from './scenario-files.js';

export const RELOAD_DEBOUNCE_MS = 100;

export interface Watcher {
  close(): void;
}

export function watchScenarioDir(dir: string, { contract, catalog, ownScenarios, deviceCatalog, logger }: SandboxConfig): Watcher {
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    try {
      const scenarios = loadScenarioDir(dir, { '/token': contract, ...byOwnEndpoint((e) => ownScenarios[e].contract) });
      catalog.replace(scenarios.filter(answersAt('/token')));
      for (const e of OWN_SCENARIO_ENDPOINTS) ownScenarios[e].catalog.replace(scenarios.filter(answersAt(e)));
      deviceCatalog.replace(scenarios.filter(isDeviceScenario));
      logger({ level: 'info', msg: 'scenarios reloaded', dir, count: scenarios.length });
    } catch (err) {
      const where = err instanceof ConfigError ? { file: err.file, path: err.where, problem: err.problem } : { problem: String(err) };
      logger({ level: 'error', msg: 'scenarios not reloaded; the last good set stays', ...where });
    }
  };
  // persistent: false, so that a forgotten watcher never keeps a test process alive.
  const watcher = watch(dir, { persistent: false }, (_event, name) => {
    if (name !== null && !isScenarioFileName(name)) return; // editor swap and backup files
    clearTimeout(timer);
    timer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
  });
  watcher.on('error', (err) => logger({ level: 'error', msg: 'cannot watch the scenarios folder', dir, problem: err.message }));
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
