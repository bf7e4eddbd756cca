/**
 * Live reload: watches the scenarios folder and the contract document given with --contract and,
 * shortly after the last change (editors write a file in several steps), loads them again. The
 * scenarios are checked against the contract, so both are loaded together and swapped together:
 * a document or a set with any mistake is not taken, and neither is a document the scenarios no
 * longer fit; the last good pair stays, and the error is logged with its file, path and problem.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { answersAt, byOwnEndpoint, isAuthorizationScenario, isDeviceScenario, OWN_SCENARIO_ENDPOINTS, type Scenario } from '../scenarios/model.js';
import { ConfigError } from './errors.js';
import type { SandboxConfig } from '../oauth/services.js';
import { loadTokenContract } from './contract-file.js';
import { isScenarioFileName, loadScenarioDir } from './scenario-files.js';
import type { TokenContract } from '../contract/document.js';

export const RELOAD_DEBOUNCE_MS = 100;

export interface Watcher {
  close(): void;
}

const located = (err: unknown) =>
  err instanceof ConfigError ? { file: err.file, path: err.where, problem: err.problem } : { problem: String(err) };

/** Watches what `config` was loaded from: its scenarios folder, if any, and its --contract file, if any. */
export function watchConfigFiles(config: SandboxConfig): Watcher | undefined {
  const { contract: holder, scenariosDir: dir, catalog, ownScenarios, deviceCatalog, authorizationCatalog, logger } = config;
  const file = holder.file;
  if (dir === undefined && file === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  let contractChanged = false;
  let scenariosChanged = false;

  const reload = () => {
    const changed = { contract: contractChanged, scenarios: scenariosChanged };
    contractChanged = scenariosChanged = false;
    let contract: TokenContract;
    try {
      contract = changed.contract ? loadTokenContract(file) : holder.current;
    } catch (err) {
      logger({ level: 'error', msg: 'contract not reloaded; the last good document stays', ...located(err) });
      return;
    }
    let scenarios: Scenario[] | undefined;
    try {
      scenarios = dir === undefined ? undefined : loadScenarioDir(dir, { '/token': contract, ...byOwnEndpoint((e) => ownScenarios[e].contract) });
    } catch (err) {
      const msg = changed.contract
        ? 'contract not reloaded: the scenarios do not fit it; the last good document and scenarios stay'
        : 'scenarios not reloaded; the last good set stays';
      logger({ level: 'error', msg, ...located(err) });
      return;
    }
    // Both in the same step: no request sees a scenario of one contract with the other.
    holder.replace(contract);
    if (scenarios) {
      catalog.replace(scenarios.filter(answersAt('/token')));
      for (const e of OWN_SCENARIO_ENDPOINTS) ownScenarios[e].catalog.replace(scenarios.filter(answersAt(e)));
      deviceCatalog.replace(scenarios.filter(isDeviceScenario));
      authorizationCatalog.replace(scenarios.filter(isAuthorizationScenario));
    }
    if (changed.contract) logger({ level: 'info', msg: 'contract reloaded', file });
    if (scenarios && (changed.scenarios || changed.contract)) logger({ level: 'info', msg: 'scenarios reloaded', dir, count: scenarios.length });
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
  };

  const watchers: FSWatcher[] = [];
  // persistent: false, so that a forgotten watcher never keeps a test process alive.
  if (dir !== undefined) {
    const watcher = watch(dir, { persistent: false }, (_event, name) => {
      if (name !== null && !isScenarioFileName(name)) return; // editor swap and backup files
      scenariosChanged = true;
      soon();
    });
    watcher.on('error', (err) => logger({ level: 'error', msg: 'cannot watch the scenarios folder', dir, problem: err.message }));
    watchers.push(watcher);
  }
  if (file !== undefined) {
    // The folder, not the file: an editor that saves by renaming a new file over it ends a watch on the file.
    const name = basename(file);
    const watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed !== null && changed !== name) return;
      contractChanged = true;
      soon();
    });
    watcher.on('error', (err) => logger({ level: 'error', msg: 'cannot watch the contract document', file, problem: err.message }));
    watchers.push(watcher);
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
