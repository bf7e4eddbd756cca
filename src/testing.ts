/**
 * fapi-token-sandbox/testing: the sandbox in a test suite. It imports no test framework: vitest,
 * jest and node:test all pass their own before/after hooks to useSandbox, or call
 * startTestSandbox and stop() themselves.
 */
import { startSandbox, type StartOptions } from './server/server.js';
import { connectSandbox, type ConnectOptions, type ConnectedSandbox } from './testing/connect.js';

export { connectSandbox, type ConnectOptions, type ConnectedSandbox, type ClientAssertionOptions } from './testing/connect.js';
export type { ClientKey } from './testing/client-keys.js';
export type { RequestsQuery } from './testing/journal-query.js';
export type { RefusalCode } from './http/refusal.js';
export type { JournalEntry } from './state/index.js';
export type { ReportQuery } from './testing/connect.js';
export type { ClientReport, Finding, Report } from './report/findings.js';
export type { FindingCode } from './report/rules.js';
export { expectNoFindings, type FindingsOptions } from './testing/findings.js';

/** startSandbox's options, less what the helpers decide (a free port, the control API on). */
export interface TestSandboxOptions extends Omit<StartOptions, 'port' | 'admin'>, Pick<ConnectOptions, 'clientKeys'> {}

export interface TestSandbox extends ConnectedSandbox {
  /** Closes the listeners; calling it again does nothing. */
  stop(): Promise<void>;
}

/** Registers a function to run before (or after) the tests: beforeAll/afterAll, or node:test's before/after. */
export type Hook = (fn: () => Promise<void>) => unknown;

export interface LifecycleHooks {
  before: Hook;
  after: Hook;
}

/** Starts a sandbox on a free loopback port; stop() closes it. */
export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const { clientKeys, ...start } = options;
  const running = await startSandbox({ ...start, port: 0 });
  let connected: ConnectedSandbox;
  try {
    connected = await connectSandbox(running.url, { adminToken: options.adminToken, clientKeys });
  } catch (err) {
    await running.close();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return { ...connected, stop: () => (stopped ??= running.close()) };
}

const NOT_RUNNING =
  'fapi-token-sandbox/testing: the sandbox of useSandbox() is not running: use it inside a test, or in a hook that runs after ' +
  'the before hook it registered (it starts in hooks.before and stops in hooks.after)';

/**
 * A sandbox for the tests of one file (or suite): started in `hooks.before`, stopped in
 * `hooks.after`. Its properties throw until the before hook has run.
 */
export function useSandbox(hooks: LifecycleHooks, options?: TestSandboxOptions): TestSandbox {
  let running: TestSandbox | undefined;
  const current = (): TestSandbox => {
    if (running === undefined) throw new Error(NOT_RUNNING);
    return running;
  };
  const stop = async () => {
    const sandbox = running;
    running = undefined;
    await sandbox?.stop();
  };
  hooks.before(async () => {
    running = await startTestSandbox(options);
  });
  hooks.after(stop);
  return {
    get url() {
      return current().url;
    },
    get issuer() {
      return current().issuer;
    },
    get tokenEndpoint() {
      return current().tokenEndpoint;
    },
    reset: async () => current().reset(),
    requests: async (query) => current().requests(query),
    clientAssertion: async (clientId, assertionOptions) => current().clientAssertion(clientId, assertionOptions),
    report: async (query) => current().report(query),
    stop,
  };
}
