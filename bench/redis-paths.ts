/**
 * `npm run bench:redis`: the token's cost with the state in Redis (issue 15), on a local
 * redis-server the bench starts (Debian's, as the tests use). One run after another with the same
 * load settings as `npm run bench`: the floor (bench/floor-node.ts), the success path in memory, the success path
 * on Redis, the forced-scenario path on Redis, and the success path on Redis with --workers 2.
 * For each, the CPU per request of the sandbox's processes and of redis-server, the scripts each
 * request ran (one round trip each: every state operation on the token path is one script) and
 * the commands they and any others cost (INFO's commandstats and total_commands_processed). Prints a Markdown table and writes
 * bench/results-redis.json; exits non-zero when a run had errors or unexpected statuses.
 */
import { writeFileSync } from 'node:fs';
import { createClient } from '@redis/client';
import { freePort } from '../test/support/ports.js';
import { startRedis } from '../test/support/redis.js';
import { loadProblems, measureLoad, type LoadRequest, type LoadResult } from './load.js';
import { FLOOR_NODE_SERVER, ROOT, SANDBOX_CLI } from './paths.js';
import { cpuSeconds, treeCpuSeconds, treePeakRssMb } from './proc.js';
import { machine } from './report.js';
import { AssertionBodies } from './request-bodies.js';
import { startServer } from './server-process.js';
import { HOST, LOAD } from './settings.js';

const RESULTS = `${ROOT}bench/results-redis.json`;
const POOL_MARGIN = 1.5;
const started = performance.now();
const log = (line: string) => process.stderr.write(`bench:redis [${Math.round((performance.now() - started) / 1000)} s]: ${line}\n`);
const fixed = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

interface RedisRun {
  label: string;
  expectedStatus: number;
  load: LoadResult;
  /** CPU of the sandbox's processes (the primary and its workers) per request, µs. */
  serverCpuUsPerRequest: number;
  /** CPU of redis-server per request, µs. */
  redisCpuUsPerRequest: number;
  /** Redis commands per request, those run inside scripts included. */
  redisCommandsPerRequest: number;
  /** Scripts (EVALSHA) per request. */
  redisScriptsPerRequest: number;
  peakRssMb: number;
}

async function main(): Promise<number> {
  const redis = await startRedis();
  const admin = createClient({ url: redis.url });
  await admin.connect();
  const redisPid = Number(/process_id:(\d+)/.exec(await admin.info('server'))![1]);
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await admin.info('stats'))![1]);
  // Scripts run (EVALSHA): each is one round trip; the commands inside them count in total_commands_processed too.
  const scripts = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await admin.info('commandstats'))?.[1] ?? 0);
  const port = await freePort();
  const bodies = new AssertionBodies(`http://${HOST}:${port}`);
  await bodies.ensure(5_000);
  let fastest = 0;

  /** `args`: the sandbox's, after its --port; `script`: another server than the sandbox, given the port. */
  const measure = async (label: string, args: string[], request: LoadRequest, topUp: boolean, script?: string): Promise<RedisRun> => {
    await admin.flushAll(); // the replay store of the run before would refuse this run's bodies
    log(`${label}: starting`);
    const command = script === undefined ? [SANDBOX_CLI, '--port', String(port), ...args] : [script, String(port)];
    const server = await startServer({ label, command: process.execPath, args: command, port, probe: request });
    try {
      let serverCpu = 0;
      let redisCpu = 0;
      let redisCommands = 0;
      let redisScripts = 0;
      const load = await measureLoad(server.url, request, async (warmup) => {
        if (topUp) {
          fastest = Math.max(fastest, 2 * warmup.peakRps);
          await bodies.ensure(request.body.used + Math.ceil(fastest * LOAD.measuredSeconds * POOL_MARGIN) + 1_000);
        }
        (globalThis as { gc?: () => void }).gc?.();
        serverCpu = treeCpuSeconds(server.pid);
        redisCpu = cpuSeconds(redisPid);
        redisScripts = await scripts();
        redisCommands = await commands();
      });
      const run: RedisRun = {
        label,
        expectedStatus: request.expectedStatus,
        load,
        serverCpuUsPerRequest: ((treeCpuSeconds(server.pid) - serverCpu) * 1e6) / load.requests,
        redisCpuUsPerRequest: ((cpuSeconds(redisPid) - redisCpu) * 1e6) / load.requests,
        // Less the INFO that reads the count.
        redisCommandsPerRequest: ((await commands()) - redisCommands - 1) / load.requests,
        redisScriptsPerRequest: ((await scripts()) - redisScripts) / load.requests,
        peakRssMb: treePeakRssMb(server.pid),
      };
      if (topUp) fastest = Math.max(fastest, load.peakRps);
      log(`${label}: ${Math.round(load.rps)} req/s, ${fixed(run.serverCpuUsPerRequest)} µs server CPU/req`);
      return run;
    } finally {
      await server.stop();
    }
  };
  const success = (): LoadRequest => ({ headers: {}, body: bodies.source(true), expectedStatus: 200 });
  const onRedis = ['--redis', redis.url];

  const runs: RedisRun[] = [];
  const problems: string[] = [];
  try {
    runs.push(await measure('node:http + ES256 verify + sign (floor)', [], { headers: {}, body: bodies.source(false), expectedStatus: 200 }, false, FLOOR_NODE_SERVER));
    runs.push(await measure('in memory: private_key_jwt → signed token', [], success(), true));
    runs.push(await measure('on Redis: private_key_jwt → signed token', onRedis, success(), true));
    runs.push(await measure('on Redis: Prefer: code=429', onRedis, { headers: { prefer: 'code=429' }, body: bodies.source(false), expectedStatus: 429 }, false));
    runs.push(await measure('on Redis, --workers 2: private_key_jwt → signed token', [...onRedis, '--workers', '2'], success(), true));
    for (const run of runs) problems.push(...loadProblems(run.label, run.load, run.expectedStatus, 0));
  } finally {
    await admin.close();
    await redis.close();
  }

  const m = machine();
  const report = [
    `Machine: ${m.cpus} CPUs (${m.cpuModel}), Node.js ${m.node}; redis-server on loopback. autocannon, ${LOAD.connections} connections, ` +
      `${LOAD.warmupSeconds} s warm-up, ${LOAD.measuredSeconds} s measured per run, all on the same machine.`,
    '',
    '| Run | Status | req/s | p50 ms | p99 ms | Sandbox CPU µs/req | redis-server CPU µs/req | Redis scripts/req | Redis commands/req (in scripts too) | Peak RSS MB (all processes) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map(
      (r) =>
        `| ${r.label} | ${r.expectedStatus} | ${fixed(r.load.rps)} | ${fixed(r.load.p50Ms)} | ${fixed(r.load.p99Ms)} | ${fixed(r.serverCpuUsPerRequest)} | ` +
        `${fixed(r.redisCpuUsPerRequest)} | ${fixed(r.redisScriptsPerRequest, 2)} | ${fixed(r.redisCommandsPerRequest, 2)} | ${fixed(r.peakRssMb)} |`,
    ),
    '',
    `Sandbox CPU per token / the floor's: in memory ${fixed(runs[1]!.serverCpuUsPerRequest / runs[0]!.serverCpuUsPerRequest, 2)}x, ` +
      `on Redis ${fixed(runs[2]!.serverCpuUsPerRequest / runs[0]!.serverCpuUsPerRequest, 2)}x ` +
      `(and redis-server's ${fixed(runs[2]!.redisCpuUsPerRequest)} µs for its ${fixed(runs[2]!.redisScriptsPerRequest, 2)} scripts).`,
  ].join('\n');
  process.stdout.write(`\n${report}\n\n`);
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), machine: m, settings: LOAD, runs, problems, report }, null, 2)}\n`);
  if (problems.length > 0) log(`FAILED:\n  ${problems.join('\n  ')}`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    log(`FAILED: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  },
);
