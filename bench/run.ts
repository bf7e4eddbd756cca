/**
 * `npm run bench`: one run, one server after another with the same load settings, the soak
 * (bench/soak.ts) and the scaling checks; prints a Markdown report, writes
 * bench/results.json, and exits non-zero when any run had errors or unexpected statuses or the
 * soak failed (or, with --strict, when a target is missed).
 * `--profile` runs every sandbox under node --cpu-prof (profiles in bench/profiles/; its numbers
 * are then slower than normal and only good for finding where the time goes).
 */
import { execFile } from 'node:child_process';
import { realpathSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from '../test/support/ports.js';
import { measureLoad, type LoadRequest, type LoadResult } from './load.js';
import { BARE_NODE_SERVER, FLOOR_NODE_SERVER, PRISM, PROFILES_DIR, REPLAY_MEMORY_SCRIPT, RESULTS_FILE, SANDBOX_CLI, TOKEN_DOCUMENT } from './paths.js';
import type { ReplayMemoryReport } from './replay-memory.js';
import { machineBusySeconds } from './proc.js';
import { contendedRuns, machine, markdownReport, ratios, runProblems, targets, type RunId, type RunRecord } from './report.js';
import { AssertionBodies } from './request-bodies.js';
import { writeScenarioDir } from './scenario-files.js';
import { soak, soakAssertionsNeeded } from './soak.js';
import { startServer, stopAllServers } from './server-process.js';
import { measureStartups } from './startup.js';
import { DEADLINE_MS, HOST, LOAD, REPLAY_KEYS, SCENARIO_COUNTS, STARTUP_SAMPLES } from './settings.js';

const NODE = process.execPath;
/** Margin on the assertions a measured run is expected to use. */
const POOL_MARGIN = 1.5;

interface RunPlan {
  id: RunId;
  label: string;
  args: string[];
  port: number;
  request: LoadRequest;
  /** Called after the warm-up, while the server is idle. */
  beforeMeasure?: (warmup: LoadResult) => Promise<void>;
  /** Called with the measured period's numbers. */
  afterMeasure?: (load: LoadResult) => void;
  /** Start-ups timed (the median counts): STARTUP_SAMPLES where start-up is a target, else one. */
  startups?: number;
}

const started = performance.now();
const log = (line: string) => process.stderr.write(`bench [${Math.round((performance.now() - started) / 1000)} s]: ${line}\n`);

/**
 * Collects the driver's garbage (signing assertions leaves plenty) before a measured period, so
 * that the load generator's own GC does not compete with the server (npm run bench passes
 * --expose-gc).
 */
const settleDriverHeap = () => (globalThis as { gc?: () => void }).gc?.();

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function measure(plan: RunPlan): Promise<RunRecord> {
  log(`${plan.label}: starting`);
  const start = () => startServer({ label: plan.label, command: NODE, args: plan.args, port: plan.port, probe: plan.request });
  const startups: number[] = [];
  for (let i = 1; i < (plan.startups ?? 1); i++) {
    const once = await start();
    startups.push(once.startupMs);
    await once.stop();
  }
  const server = await start();
  startups.push(server.startupMs);
  const startupMs = median(startups);
  try {
    let serverCpu = 0;
    let machineBusy = 0;
    let driverCpu = process.cpuUsage();
    const load = await measureLoad(server.url, plan.request, async (warmup) => {
      await plan.beforeMeasure?.(warmup);
      settleDriverHeap();
      serverCpu = server.cpuSeconds();
      machineBusy = machineBusySeconds();
      driverCpu = process.cpuUsage();
    });
    plan.afterMeasure?.(load);
    const driver = process.cpuUsage(driverCpu);
    const driverSeconds = (driver.user + driver.system) / 1e6;
    const serverSeconds = server.cpuSeconds() - serverCpu;
    const run: RunRecord = {
      id: plan.id,
      label: plan.label,
      expectedStatus: plan.request.expectedStatus,
      startupMs,
      peakRssMb: server.peakRssMb(),
      load,
      serverCpuUsPerRequest: (serverSeconds * 1e6) / load.requests,
      // The driver process is the load generator: it does nothing else while a run is measured.
      loadGeneratorCores: driverSeconds / LOAD.measuredSeconds,
      // The kernel's network work that no process is charged for, and anything else running.
      otherCores: (machineBusySeconds() - machineBusy - serverSeconds - driverSeconds) / LOAD.measuredSeconds,
      reusedBodies: plan.request.body.reused,
    };
    log(`${plan.label}: ${Math.round(load.rps)} req/s, p99 ${load.p99Ms} ms, started in ${Math.round(startupMs)} ms`);
    return run;
  } finally {
    await server.stop();
  }
}

async function replayStoreCheck(): Promise<ReplayMemoryReport> {
  log(`replay store: ${REPLAY_KEYS} distinct jti values`);
  const { stdout } = await promisify(execFile)(NODE, ['--expose-gc', REPLAY_MEMORY_SCRIPT, String(REPLAY_KEYS)], { timeout: 60_000 });
  return JSON.parse(stdout) as ReplayMemoryReport;
}

async function main(): Promise<number> {
  const strict = process.argv.includes('--strict');
  const profile = process.argv.includes('--profile') ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`] : [];
  const sandboxPort = await freePort(); // every sandbox run uses it: it is in the assertions' aud
  const bodies = new AssertionBodies(`http://${HOST}:${sandboxPort}`);
  await bodies.ensure(2_000);

  const sandbox = (extra: string[] = []) => [...profile, SANDBOX_CLI, '--port', String(sandboxPort), ...extra];
  /**
   * The fastest second of the success path so far: of the measured runs once there is one, else
   * twice the first warm-up's (one cold second), so that the assertions signed never run out.
   */
  let fastestSuccessSecond = 0;
  /** The success path on a fresh sandbox: its own single-use bodies, topped up after the warm-up. */
  const successPlan = (id: RunId, label: string, extra: string[] = []): RunPlan => {
    const body = bodies.source(true);
    return {
      id,
      label,
      args: sandbox(extra),
      port: sandboxPort,
      request: { headers: {}, body, expectedStatus: 200 },
      beforeMeasure: (warmup) => {
        fastestSuccessSecond = Math.max(fastestSuccessSecond, fastestSuccessSecond === 0 ? 2 * warmup.peakRps : warmup.peakRps);
        return bodies.ensure(body.used + Math.ceil(fastestSuccessSecond * LOAD.measuredSeconds * POOL_MARGIN) + 1_000);
      },
      afterMeasure: (load) => {
        fastestSuccessSecond = Math.max(fastestSuccessSecond, load.peakRps);
      },
    };
  };
  const sameRequest = (expectedStatus = 200, headers: Record<string, string> = {}): LoadRequest => ({
    headers,
    body: bodies.source(false),
    expectedStatus,
  });

  log('start-up: the command and the standalone executable');
  const commandStartups = await measureStartups();

  const runs: RunRecord[] = [];
  const barePort = await freePort();
  runs.push(await measure({ id: 'bare-node', label: 'bare node:http (ceiling)', args: [BARE_NODE_SERVER, String(barePort)], port: barePort, request: sameRequest() }));
  const floorPort = await freePort();
  runs.push(
    await measure({ id: 'floor', label: 'node:http + ES256 verify + sign (floor)', args: [FLOOR_NODE_SERVER, String(floorPort)], port: floorPort, request: sameRequest() }),
  );

  const prismPort = await freePort();
  const prismArgs = [realpathSync(PRISM), 'mock', TOKEN_DOCUMENT, '-v', 'silent', '-h', HOST, '-p', String(prismPort)];
  runs.push(await measure({ id: 'prism', label: 'prism mock -v silent', args: prismArgs, port: prismPort, request: sameRequest(), startups: STARTUP_SAMPLES }));

  // Enough assertions for a warm-up as fast as the ceiling; each run tops up for its measured period.
  await bodies.ensure(Math.ceil(runs[0]!.load.rps * LOAD.warmupSeconds * POOL_MARGIN) + 1_000);
  runs.push(await measure({ ...successPlan('sandbox-success', 'sandbox: private_key_jwt → signed token'), startups: STARTUP_SAMPLES }));

  // The soak, on a port of its own with the issuer the assertions name; its server is stopped
  // right after it, before the runs below are measured.
  await bodies.ensure(soakAssertionsNeeded(fastestSuccessSecond));
  const soakResult = await soak(bodies, await freePort(), `http://${HOST}:${sandboxPort}`, log);
  runs.push(
    await measure({
      id: 'sandbox-forced',
      label: 'sandbox: Prefer: code=429',
      args: sandbox(),
      port: sandboxPort,
      request: sameRequest(429, { prefer: 'code=429' }),
    }),
  );

  const small = writeScenarioDir(SCENARIO_COUNTS.small);
  const large = writeScenarioDir(SCENARIO_COUNTS.large);
  try {
    runs.push(await measure(successPlan('scenarios-small', `sandbox: success, ${SCENARIO_COUNTS.small} scenarios`, ['--scenarios', small])));
    runs.push(await measure(successPlan('scenarios-large', `sandbox: success, ${SCENARIO_COUNTS.large.toLocaleString('en-US')} scenarios`, ['--scenarios', large])));
  } finally {
    rmSync(small, { recursive: true, force: true });
    rmSync(large, { recursive: true, force: true });
  }

  const replay = await replayStoreCheck();

  const byId = (id: RunId) => runs.find((run) => run.id === id)!;
  const r = ratios(byId);
  const goals = targets(byId, r, replay);
  const problems = [...runs.flatMap(runProblems), ...soakResult.problems.map((p) => `soak: ${p}`)];
  const m = machine();
  const report = markdownReport(runs, r, goals, replay, soakResult, m, commandStartups);
  process.stdout.write(`\n${report}\n\n`);
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ date: new Date().toISOString(), machine: m, settings: LOAD, runs, startups: commandStartups, ratios: r, targets: goals, replayStore: replay, soak: soakResult, problems, report }, null, 2)}\n`,
  );
  log(`results written to ${RESULTS_FILE}`);

  const contended = contendedRuns(runs);
  if (contended.length > 0) log(`WARNING: other work competed for the CPUs during ${contended.join('; ')}: the numbers are not comparable`);
  const missed = goals.filter((t) => !t.met);
  if (missed.length > 0) log(`TARGETS MISSED: ${missed.map((t) => `${t.what} (${t.value}, goal ${t.goal})`).join('; ')}`);
  if (problems.length > 0) {
    log(`FAILED: runs with errors, unexpected statuses or a failed soak:\n  ${problems.join('\n  ')}`);
    return 1;
  }
  return strict && missed.length > 0 ? 1 : 0;
}

const deadline = setTimeout(() => {
  log(`FAILED: the bench ran longer than ${DEADLINE_MS / 1000} s`);
  void stopAllServers().finally(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();

main().then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    log(`FAILED: ${err instanceof Error ? err.stack : String(err)}`);
    await stopAllServers();
    process.exitCode = 1;
  },
);
