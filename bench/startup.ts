/**
 * Start-up of the command as users get it: from spawn to its "listening on" line, the median of
 * STARTUP_ROUNDS. The installed command (`node dist/bin.cjs`) and the standalone executable
 * (npm run build:exe) with its files already unpacked, and the executable's first start, which
 * unpacks them into an empty cache folder. Rounds interleave the three, so that a slow minute of
 * the machine hits them alike. Part of `npm run bench`; `npm run bench:startup` runs it alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXE, SANDBOX_CLI } from './paths.js';
import { STARTUP_ROUNDS, STARTUP_TIMEOUT_MS } from './settings.js';

export interface StartupRow {
  label: string;
  medianMs: number;
  samplesMs: number[];
}

/** Milliseconds from spawn to the "listening on" line; the process is then stopped. */
function timeToListening(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, [...args, '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let listening = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), STARTUP_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (listening === 0 && output.includes('listening on ')) {
        listening = performance.now() - started;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (listening > 0) resolve(listening);
      else reject(new Error(`${command} exited with ${code} before listening:\n${output}`));
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function measureStartups(rounds = STARTUP_ROUNDS): Promise<StartupRow[]> {
  const warmCache = mkdtempSync(join(tmpdir(), 'bench-exe-cache-'));
  const freshCaches: string[] = [];
  try {
    const variants: { label: string; start: () => Promise<number> }[] = [
      { label: '`node dist/bin.cjs` (the installed command)', start: () => timeToListening(process.execPath, [SANDBOX_CLI], process.env) },
      {
        label: 'standalone executable, files unpacked before',
        start: () => timeToListening(EXE, [], { ...process.env, XDG_CACHE_HOME: warmCache }),
      },
      {
        label: 'standalone executable, first start (unpacks)',
        start: () => {
          const cache = mkdtempSync(join(tmpdir(), 'bench-exe-cache-'));
          freshCaches.push(cache);
          return timeToListening(EXE, [], { ...process.env, XDG_CACHE_HOME: cache });
        },
      },
    ];
    await variants[1]!.start(); // unpacks into the warm cache
    const samples = variants.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) {
      for (const [i, variant] of variants.entries()) samples[i]!.push(await variant.start());
    }
    return variants.map((variant, i) => ({ label: variant.label, medianMs: median(samples[i]!), samplesMs: samples[i]! }));
  } finally {
    for (const dir of [warmCache, ...freshCaches]) rmSync(dir, { recursive: true, force: true });
  }
}

export function startupReport(rows: StartupRow[]): string {
  const ms = (n: number) => Math.round(n).toLocaleString('en-US');
  return [
    `| Start-up: spawn to "listening on" (median of ${rows[0]?.samplesMs.length ?? 0}) | ms | Every run, ms |`,
    '| --- | ---: | ---: |',
    ...rows.map((row) => `| ${row.label} | ${ms(row.medianMs)} | ${row.samplesMs.map(ms).join(', ')} |`),
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  measureStartups().then(
    (rows) => process.stdout.write(`${startupReport(rows)}\n`),
    (err: unknown) => {
      process.stderr.write(`bench:startup: FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
