/**
 * Turns the measurements into the ratios, the targets of issue 6, the soak's verdict and a Markdown report (the
 * same text goes to the terminal and to the README's Performance section).
 */
import { availableParallelism, cpus, totalmem } from 'node:os';
import { loadProblems, type LoadResult } from './load.js';
import type { ReplayMemoryReport } from './replay-memory.js';
import type { SoakReport } from './soak.js';
import { LOAD, STARTUP_SAMPLES } from './settings.js';
import { startupReport, type StartupRow } from './startup.js';

export type RunId = 'sandbox-success' | 'sandbox-forced' | 'prism' | 'bare-node' | 'floor' | 'scenarios-small' | 'scenarios-large';

export interface RunRecord {
  id: RunId;
  label: string;
  expectedStatus: number;
  startupMs: number;
  peakRssMb: number;
  load: LoadResult;
  /** Server CPU time per request in the measured period, in microseconds. */
  serverCpuUsPerRequest: number;
  /** CPU the load generator used in the measured period, in cores (1 = one core busy). */
  loadGeneratorCores: number;
  /** CPU the rest of the machine used meanwhile, in cores: high when something else competed. */
  otherCores: number;
  /** Single-use request bodies that had to be sent twice (the pool was too small). */
  reusedBodies: number;
}

export interface Target {
  what: string;
  value: string;
  goal: string;
  met: boolean;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  memoryGb: number;
}

export const machine = (): Machine => ({
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  node: process.version,
  memoryGb: Math.round(totalmem() / 1024 ** 3),
});

const fixed = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (n: number) => `${fixed(n, 2)}x`;

export function ratios(byId: (id: RunId) => RunRecord) {
  const rps = (id: RunId) => byId(id).load.rps;
  const cpu = (id: RunId) => byId(id).serverCpuUsPerRequest;
  return {
    // Issue 15: server CPU per request, which the load generator on the same cores does not bend as it does throughput.
    successCpuVsFloor: cpu('sandbox-success') / cpu('floor'),
    forcedCpuVsBareNode: cpu('sandbox-forced') / cpu('bare-node'),
    successVsBareNode: rps('sandbox-success') / rps('bare-node'),
    successVsPrism: rps('sandbox-success') / rps('prism'),
    forcedVsBareNode: rps('sandbox-forced') / rps('bare-node'),
    forcedVsPrism: rps('sandbox-forced') / rps('prism'),
    startupPrismVsSandbox: byId('prism').startupMs / byId('sandbox-success').startupMs,
    largeVsSmallScenarios: rps('scenarios-large') / rps('scenarios-small'),
  };
}
export type Ratios = ReturnType<typeof ratios>;

export function targets(byId: (id: RunId) => RunRecord, r: Ratios, replay: ReplayMemoryReport): Target[] {
  const success = byId('sandbox-success');
  // The sandbox as shipped; the scaling runs' memory is in the table.
  const peakRss = Math.max(success.peakRssMb, byId('sandbox-forced').peakRssMb);
  return [
    { what: 'success path server CPU / the floor (bare + verify + sign)', value: ratio(r.successCpuVsFloor), goal: '<= 1.35x', met: r.successCpuVsFloor <= 1.35 },
    { what: 'forced-scenario path server CPU / bare node:http', value: ratio(r.forcedCpuVsBareNode), goal: '<= 2.00x', met: r.forcedCpuVsBareNode <= 2 },
    { what: 'success path vs bare node:http', value: ratio(r.successVsBareNode), goal: '>= 0.40x', met: r.successVsBareNode >= 0.4 },
    { what: 'success path vs Prism (silent)', value: ratio(r.successVsPrism), goal: '>= 3.50x', met: r.successVsPrism >= 3.5 },
    { what: 'forced-scenario path vs bare node:http', value: ratio(r.forcedVsBareNode), goal: '>= 0.60x', met: r.forcedVsBareNode >= 0.6 },
    { what: 'success path p99 at 50 connections', value: `${fixed(success.load.p99Ms)} ms`, goal: '< 20 ms', met: success.load.p99Ms < 20 },
    { what: 'sandbox start-up to first token', value: `${fixed(success.startupMs)} ms`, goal: '< 300 ms', met: success.startupMs < 300 },
    { what: 'start-up: Prism / sandbox', value: ratio(r.startupPrismVsSandbox), goal: '>= 8x', met: r.startupPrismVsSandbox >= 8 },
    { what: 'sandbox peak RSS (success and forced runs)', value: `${fixed(peakRss)} MB`, goal: '< 120 MB', met: peakRss < 120 },
    {
      what: 'throughput with 10,000 scenarios vs 10',
      value: ratio(r.largeVsSmallScenarios),
      goal: '>= 0.90x',
      met: r.largeVsSmallScenarios >= 0.9,
    },
    {
      what: `replay store after ${fixed(replay.keys)} jti values`,
      value: `${fixed(replay.maxRetainedMb, 1)} MB`,
      goal: '< 64 MB',
      met: replay.maxRetainedMb < 64,
    },
  ];
}

/** Why a run cannot be trusted, if it cannot. */
export const runProblems = (run: RunRecord): string[] => loadProblems(run.label, run.load, run.expectedStatus, run.reusedBodies);

/** Above this, something outside the bench competed for the CPUs during a run. */
const BUSY_MACHINE_CORES = 0.35;

/** Runs whose numbers were bent by other work on the machine. */
export function contendedRuns(runs: RunRecord[]): string[] {
  return runs
    .filter((run) => run.otherCores > BUSY_MACHINE_CORES)
    .map((run) => `${run.label} (${fixed(run.otherCores, 2)} cores used by others)`);
}

function soakLines(soak: SoakReport): string[] {
  const path = (name: string, p: SoakReport['success']) =>
    `${name} ${fixed(p.requests)} answers (${fixed(p.rps)} req/s, p99 ${fixed(p.p99Ms)} ms), ${p.errors} errors or timeouts, ` +
    `${p.unexpected} unexpected statuses, ${p.outsideContract} outside the contract`;
  return [
    `Soak: ${soak.connections} connections for ${soak.seconds} s. ${path('Success path:', soak.success)}; ${path('Prefer: code=429:', soak.errorPath)}. ` +
      `Server heap after a full GC ${soak.retainedHeapMb.before} MB before the load, ${soak.retainedHeapMb.after} MB after it and a reset; ` +
      `resident memory ${soak.rssMb.before} MB at the start, ${soak.rssMb.peak} MB at the peak, ${soak.rssMb.after} MB at the end. ` +
      `${soak.problems.length === 0 ? 'Passed.' : `**Failed:** ${soak.problems.join('; ')}.`}`,
  ];
}

export function markdownReport(runs: RunRecord[], r: Ratios, goals: Target[], replay: ReplayMemoryReport, soak: SoakReport, m: Machine, startups: StartupRow[]): string {
  const lines = [
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb} GB, Node.js ${m.node}. autocannon, ${LOAD.connections} connections, ` +
      `${LOAD.warmupSeconds} s warm-up, ${LOAD.measuredSeconds} s measured per run, load generator and server on the same machine.`,
    '',
    `| Run | Status | req/s | p50 ms | p99 ms | Errors | Unexpected | Peak RSS MB | Start-up ms (median of ${STARTUP_SAMPLES} for Prism and the success path) | Server CPU µs/req | Load gen. cores | Other cores |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map(
      (run) =>
        `| ${run.label} | ${run.expectedStatus} | ${fixed(run.load.rps)} | ${fixed(run.load.p50Ms)} | ${fixed(run.load.p99Ms)} | ` +
        `${run.load.errors} | ${run.load.unexpected} | ${fixed(run.peakRssMb)} | ${fixed(run.startupMs)} | ` +
        `${fixed(run.serverCpuUsPerRequest)} | ${fixed(run.loadGeneratorCores, 2)} | ${fixed(run.otherCores, 2)} |`,
    ),
    ...(contendedRuns(runs).length > 0
      ? ['', `**Other work competed for the CPUs during:** ${contendedRuns(runs).join('; ')}. Rerun on a quiet machine.`]
      : []),
    '',
    startupReport(startups),
    '',
    `Server CPU per request: success path / the floor ${ratio(r.successCpuVsFloor)}, forced scenario / bare node:http ${ratio(r.forcedCpuVsBareNode)}. ` +
      `Ratios: success path / bare node:http ${ratio(r.successVsBareNode)}, success path / Prism ${ratio(r.successVsPrism)}, ` +
      `forced scenario / bare node:http ${ratio(r.forcedVsBareNode)}, forced scenario / Prism ${ratio(r.forcedVsPrism)}, ` +
      `start-up Prism / sandbox ${ratio(r.startupPrismVsSandbox)}, 10,000 scenarios / 10 scenarios ${ratio(r.largeVsSmallScenarios)}.`,
    '',
    `Replay store: ${fixed(replay.keys)} distinct jti values in ${fixed(replay.seconds, 1)} s; it holds ${fixed(replay.entries)} ` +
      `(its capacity); heap retained after a full GC, checkpoint by checkpoint: ` +
      `${replay.retainedMb.map((c) => fixed(c.mb, 1)).join(', ')} MB; peak RSS growth with garbage ${fixed(replay.rssGrowthMb)} MB.`,
    '',
    ...soakLines(soak),
    '',
    '| Target | Measured | Goal | Met |',
    '| --- | ---: | ---: | :---: |',
    ...goals.map((t) => `| ${t.what} | ${t.value} | ${t.goal} | ${t.met ? 'yes' : '**no**'} |`),
  ];
  return lines.join('\n');
}
