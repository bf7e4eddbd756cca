#!/usr/bin/env node
/** fapi-token-sandbox: flags and environment → options → startSandbox(); the assertion helper; init. */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, OptionError } from '../settings/errors.js';
import { isLoopback } from '../http/network.js';
import { parseRateLimit } from '../settings/control.js';
import { parseRedisUrl, shownUrl } from '../settings/redis.js';
import { packageVersion } from '../settings/package-version.js';
import { initSandbox } from '../init/scaffold.js';
import { consoleLogger, type LogRecord } from '../log/logger.js';
import { startSandbox, type StartOptions } from '../server/server.js';
import { checkWorkers, isWorker, programArguments, reportToPrimary, startWorkers, workerId, WorkerStartError } from '../server/workers.js';
import { DEFAULTS } from '../settings/defaults.js';
import { helpText } from './help.js';
import { createClientAssertion, readPrivateKey } from '../tokens/client-assertion.js';
import { demoClientKey } from '../settings/demo-keys.js';
import { printReport, ReportUsageError } from './report.js';

class UsageError extends Error {}

function whole(raw: string | undefined, flag: string, max?: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw) || (max !== undefined && Number(raw) > max)) {
    throw new UsageError(`${flag} must be a whole number${max === undefined ? '' : ` from 0 to ${max}`}, got "${raw}"`);
  }
  return Number(raw);
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        scenarios: { type: 'string' },
        clients: { type: 'string' },
        contract: { type: 'string' },
        issuer: { type: 'string' },
        'tls-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-client-ca': { type: 'string' },
        'trust-client-cert-header': { type: 'boolean' },
        'signing-key': { type: 'string' },
        'signing-alg': { type: 'string' },
        profile: { type: 'string' },
        'dpop-nonce': { type: 'boolean' },
        'token-lifetime': { type: 'string' },
        'clock-skew': { type: 'string' },
        'max-assertion-lifetime': { type: 'string' },
        'device-interval': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'device-code-lifetime': { type: 'string' },
        consent: { type: 'string' },
        'par-lifetime': { type: 'string' },
        'rotate-refresh-tokens': { type: 'boolean' },
        'client-id': { type: 'string' },
        key: { type: 'string' },
        aud: { type: 'string' },
        lifetime: { type: 'string' },
        'rate-limit': { type: 'string' },
        'admin-token': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'no-admin': { type: 'boolean' },
        cors: { type: 'string' },
        'report-rules': { type: 'string' },
        url: { type: 'string' },
        format: { type: 'string' },
        'fail-on': { type: 'string' },
        redis: { type: 'string' },
        'redis-prefix': { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
type Values = ReturnType<typeof parse>['values'];

async function printAssertion(values: Values): Promise<number> {
  if (!values['client-id']) throw new UsageError('assertion needs --client-id');
  const demo = values.key === undefined ? demoClientKey(values['client-id']) : undefined;
  if (!values.key && !demo) throw new UsageError('assertion needs --key FILE (only the demo clients sign with their shipped key without it)');
  let key;
  try {
    key = demo?.key ?? readPrivateKey(values.key!);
  } catch (err) {
    throw new ConfigError(values.key!, '', `is not a readable private key: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const assertion = await createClientAssertion({
    clientId: values['client-id'],
    audience: values.aud ?? `http://${DEFAULTS.host}:${DEFAULTS.port}`,
    key,
    lifetimeSeconds: whole(values.lifetime, '--lifetime'),
  }).catch((err: Error) => {
    throw new ConfigError(values.key ?? 'the demo key', '', `cannot sign with this key: ${err.message}`);
  });
  process.stdout.write(`${assertion}\n`);
  return 0;
}

/** How users run this program, for the commands it prints; the standalone executable sets its own name. */
const printedCommand = (fallback: string) => process.env.FAPI_SANDBOX_COMMAND || fallback;

function printInit(dir: string): number {
  process.stdout.write(initSandbox(dir, printedCommand('npx fapi-token-sandbox')));
  return 0;
}

/** Where the primary of --workers gives its workers the admin token it generated, so that all have the one it printed. */
const WORKER_TOKEN_ENV = 'FAPI_SANDBOX_GENERATED_ADMIN_TOKEN';

/** The admin token `generate` asks for a fresh random one, shown once at start (e.g. in `docker logs`). */
const generateToken = (value: string | undefined) =>
  value === 'generate' ? (process.env[WORKER_TOKEN_ENV] || randomBytes(32).toString('base64url')) : undefined;

/** The options, how many worker processes, and the admin token to show when it was generated. */
function startOptions(values: Values): { options: StartOptions; workers: number; generatedToken?: string } {
  const env = process.env;
  const host = values.host ?? (env.HOST || DEFAULTS.host);
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  const alg = values['signing-alg'];
  if (alg !== undefined && alg !== 'ES256' && alg !== 'PS256') throw new UsageError(`--signing-alg must be ES256 or PS256, got "${alg}"`);
  const lifetime = whole(values['token-lifetime'], '--token-lifetime');
  if (lifetime === 0) throw new UsageError('--token-lifetime must be at least 1');
  const deviceLifetime = whole(values['device-code-lifetime'], '--device-code-lifetime');
  if (deviceLifetime === 0) throw new UsageError('--device-code-lifetime must be at least 1');
  const token = values['admin-token'] ?? (env.SANDBOX_ADMIN_TOKEN || undefined);
  const generatedToken = generateToken(token);
  const options: StartOptions = {
    port: whole(values.port, '--port', 65535) ?? whole(env.PORT || undefined, 'PORT', 65535) ?? DEFAULTS.port,
    host,
    scenariosDir: values.scenarios,
    clientsFile: values.clients,
    contract: values.contract ?? (env.SANDBOX_CONTRACT || undefined),
    issuer: values.issuer,
    tlsPort: whole(values['tls-port'], '--tls-port', 65535),
    tlsCertFile: values['tls-cert'],
    tlsKeyFile: values['tls-key'],
    clientCaFile: values['tls-client-ca'],
    trustClientCertHeader: values['trust-client-cert-header'] ?? false,
    signingKeyFile: values['signing-key'],
    signingAlg: alg,
    // Checked with the other options (settings/profile.ts), so that the JS API refuses the same names.
    profile: values.profile as StartOptions['profile'],
    dpopNonce: values['dpop-nonce'] ?? false,
    tokenLifetimeSeconds: lifetime,
    clockSkewSeconds: whole(values['clock-skew'], '--clock-skew'),
    maxAssertionLifetimeSeconds: whole(values['max-assertion-lifetime'], '--max-assertion-lifetime'),
    deviceIntervalSeconds: whole(values['device-interval'], '--device-interval'),
    maxBodyBytes: whole(values['max-body-bytes'], '--max-body-bytes'),
    deviceCodeLifetimeSeconds: deviceLifetime,
    consent: values.consent as StartOptions['consent'],
    parLifetimeSeconds: whole(values['par-lifetime'], '--par-lifetime'),
    rotateRefreshTokens: values['rotate-refresh-tokens'] ?? false,
    rateLimit: values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit']),
    admin: !values['no-admin'],
    adminToken: generatedToken ?? token,
    allowedHosts: (values['allowed-hosts'] ?? env.SANDBOX_ALLOWED_HOSTS)?.split(','),
    cors: values.cors,
    reportRulesFile: values['report-rules'],
    redis: values.redis ?? (env.SANDBOX_REDIS_URL || undefined),
    redisPrefix: values['redis-prefix'],
    logger: workerLogger(),
  };
  return { options, workers: whole(values.workers, '--workers') ?? DEFAULTS.workers, generatedToken };
}

/** The console logger; a worker's records say which worker wrote them. */
function workerLogger() {
  const logger = consoleLogger();
  const worker = workerId();
  return worker === undefined ? logger : (record: LogRecord) => logger({ ...record, worker });
}

/** The line and exit code a failure ends the program with: one line for a mistake of the user's. */
function explain(err: unknown): { message: string; exitCode: number } {
  if (err instanceof WorkerStartError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof UsageError || err instanceof ReportUsageError || err instanceof ConfigError || err instanceof OptionError) return { message: err.message, exitCode: 2 };
  return { message: `unexpected failure: ${err instanceof Error ? err.stack : String(err)}`, exitCode: 1 };
}

/** A worker of --workers: starts, tells the primary how that went, and serves until told to stop. */
async function runWorker(options: StartOptions): Promise<number> {
  let sandbox;
  try {
    sandbox = await startExplained(options);
  } catch (err) {
    const { message, exitCode } = explain(err);
    await reportToPrimary({ kind: 'failed', message, exitCode });
    return exitCode;
  }
  await reportToPrimary({ kind: 'ready', url: sandbox.url, mtlsUrl: sandbox.mtlsUrl, scenarios: sandbox.scenarios });
  stopOnSignals(sandbox);
  return -1;
}

function stopOnSignals(sandbox: { close(): Promise<void> }) {
  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function run({ options, workers, generatedToken }: ReturnType<typeof startOptions>): Promise<number> {
  checkWorkers(workers, options.redis);
  if (isWorker()) return runWorker(options);
  const sandbox =
    workers === 1
      ? await startExplained(options)
      : await startWorkers(workers, generatedToken === undefined ? {} : { [WORKER_TOKEN_ENV]: generatedToken }, (why) =>
          console.error(`fapi-token-sandbox: ${why}`),
        ).then(({ ready, close }) => ({ ...ready, close }));
  printStart(sandbox, options, workers, generatedToken);
  stopOnSignals(sandbox);
  return -1; // keep running
}

/** startSandbox, its listening errors said in the user's terms. */
async function startExplained(options: StartOptions) {
  try {
    return await startSandbox(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const port = (err as { port?: number }).port ?? options.port;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${options.host} is already in use; choose another port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UsageError(`cannot bind to host "${options.host}": no such local address`);
    }
    if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}; use a port above 1023`);
    throw err;
  }
}

interface Started {
  url: string;
  mtlsUrl?: string;
  scenarios: string[];
}

/** The start-up lines, printed once (by the primary of --workers). */
function printStart(sandbox: Started, options: StartOptions, workers: number, generatedToken: string | undefined) {
  if (!isLoopback(options.host!)) {
    console.warn(`warning: listening on ${options.host}, not loopback: anyone who can reach this machine can use the sandbox`);
  }
  console.log(`fapi-token-sandbox listening on ${sandbox.url}`);
  console.log(`  token endpoint: POST ${sandbox.url}/token`);
  if (sandbox.mtlsUrl) console.log(`  mutual TLS:     POST ${sandbox.mtlsUrl}/token`);
  console.log(`  discovery:      ${sandbox.url}/.well-known/openid-configuration`);
  console.log(`  device flow:    POST ${sandbox.url}/device/auth, users approve at ${sandbox.url}/device`);
  if (options.admin !== false) {
    const token = generatedToken === undefined ? '' : `; bearer token: ${generatedToken}`;
    console.log(`  control API:    ${sandbox.url}/__sandbox/ (the dashboard; requests, events, report, scenarios, reset, devices${token})`);
  }
  if (options.cors !== undefined) console.log(`  CORS allowed:   ${options.cors}`);
  if (options.contract !== undefined) console.log(`  contract:       ${options.contract} (reloaded when it changes)`);
  if (options.redis !== undefined) {
    console.log(`  shared state:   ${shownUrl(parseRedisUrl(options.redis))} (key prefix ${options.redisPrefix ?? DEFAULTS.redisPrefix})`);
  }
  const hosts = options.allowedHosts?.map((h) => h.trim()).filter((h) => h !== '') ?? [];
  if (hosts.length > 0) console.log(`  hosts served:   ${hosts.includes('*') ? 'any' : `${hosts.join(', ')} and loopback names`}`);
  if (workers > 1) console.log(`  workers:        ${workers} processes on one port`);
  console.log(`  scenarios (${sandbox.scenarios.length}): ${sandbox.scenarios.join(', ') || '(none)'}`);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [command, ...extra] = positionals;
  if (command === 'init' && extra.length <= 1) return printInit(extra[0] ?? DEFAULTS.initDir);
  if (extra.length > 0 || (command !== undefined && command !== 'assertion' && command !== 'report')) {
    throw new UsageError(`unknown command "${positionals.join(' ')}"`);
  }
  if (command === 'report') {
    const adminToken = values['admin-token'] ?? (process.env.SANDBOX_ADMIN_TOKEN || undefined);
    return printReport({ url: values.url, format: values.format, failOn: values['fail-on'], adminToken }, (text) => process.stdout.write(text));
  }
  return command === 'assertion' ? printAssertion(values) : run(startOptions(values));
}

main(programArguments()).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  async (err: unknown) => {
    const { message, exitCode } = explain(err);
    // A worker's failure is the primary's to say, once.
    if (isWorker()) await reportToPrimary({ kind: 'failed', message, exitCode });
    else console.error(`fapi-token-sandbox: ${message}`);
    if (err instanceof UsageError && !isWorker()) console.error(`Run ${printedCommand('fapi-token-sandbox')} --help for the options.`);
    process.exitCode = exitCode;
  },
);
