#!/usr/bin/env node
/** fapi-token-sandbox: flags and environment → options → startSandbox(). */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, OptionError } from './config/errors.js';
import { isLoopback } from './config/network.js';
import { parseRateLimit } from './config/resilience.js';
import { SHIPPED_SCENARIOS_DIR } from './config/scenario-files.js';
import { consoleLogger } from './log/logger.js';
import { DEFAULT_HOST, DEFAULT_PORT, startSandbox } from './server.js';

const HELP = `fapi-token-sandbox: a local stand-in for the Raidiam Connect FAPI token endpoint (POST /token)

Usage: fapi-token-sandbox [options]

Options:
  --port N          TCP port to listen on (0 picks a free one)       [env PORT, default ${DEFAULT_PORT}]
  --host ADDR       interface to bind; anything but loopback exposes
                    the sandbox to your network                      [env HOST, default ${DEFAULT_HOST}]
  --scenarios DIR   folder of scenario files (*.yaml, *.yml), reloaded
                    when they change                                 [default: the shipped scenarios/]
  --rate-limit N/T  per-client_id limit, e.g. 10/1s or 100/1m (unit
                    ms, s, m or h): beyond it 429 with Retry-After   [default: no limit]
  --admin-token T   bearer token the control API (/__sandbox/) then
                    requires; needed beyond loopback. Prefer the env
                    (command lines are visible to other users)       [env SANDBOX_ADMIN_TOKEN]
  --no-admin        turn the control API off
  -h, --help        show this help
  -v, --version     show the version

Select an outcome per request with the header x-sandbox-scenario: NAME, or Prism-style with
Prefer: code=429 / Prefer: code=400, example=invalid_client. One log line per request goes to
stdout (JSON unless stdout is a terminal). See README.md.
`;

class UsageError extends Error {}

function parsePort(raw: string, source: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(`${source} must be a whole number from 0 to 65535, got "${raw}"`);
  }
  return Number(raw);
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        scenarios: { type: 'string' },
        'rate-limit': { type: 'string' },
        'admin-token': { type: 'string' },
        'no-admin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }

  const env = process.env;
  const port =
    values.port !== undefined ? parsePort(values.port, '--port') : env.PORT ? parsePort(env.PORT, 'PORT') : DEFAULT_PORT;
  const host = values.host ?? (env.HOST || DEFAULT_HOST);
  if (host.trim() === '') throw new UsageError('--host must not be empty');

  let sandbox;
  try {
    sandbox = await startSandbox({
      port,
      host,
      scenariosDir: values.scenarios ?? SHIPPED_SCENARIOS_DIR,
      rateLimit: values['rate-limit'] === undefined ? undefined : parseRateLimit(values['rate-limit']),
      admin: !values['no-admin'],
      adminToken: values['admin-token'] ?? (env.SANDBOX_ADMIN_TOKEN || undefined),
      logger: consoleLogger(),
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} on ${host} is already in use; choose another with --port`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new UsageError(`cannot bind to host "${host}": no such local address`);
    }
    if (code === 'EACCES') throw new UsageError(`no permission to listen on port ${port}; use a port above 1023`);
    throw err;
  }

  if (!isLoopback(host)) {
    console.warn(`warning: listening on ${host}, not loopback: anyone who can reach this machine can use the sandbox`);
  }
  console.log(`fapi-token-sandbox listening on ${sandbox.url}`);
  console.log(`  token endpoint: POST ${sandbox.url}/token`);
  if (!values['no-admin']) console.log(`  control API:    ${sandbox.url}/__sandbox/ (requests, scenarios, reset)`);
  console.log(`  scenarios (${sandbox.scenarios.length}): ${sandbox.scenarios.join(', ') || '(none)'}`);

  const stop = () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1; // keep running
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof OptionError) {
      console.error(`fapi-token-sandbox: ${err.message}`);
      if (err instanceof UsageError) console.error('Run fapi-token-sandbox --help for the options.');
      process.exitCode = 2;
      return;
    }
    console.error(`fapi-token-sandbox: unexpected failure: ${err instanceof Error ? err.stack : String(err)}`);
    process.exitCode = 1;
  },
);
