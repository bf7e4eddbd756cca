/** What `init` prints, taken apart and run as printed: by the init test (npm's command) and the executable's test. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);

/** The printed commands, continuation lines joined: the start command and the two curl lines. */
export function printedCommands(stdout: string, command: string) {
  const lines = stdout
    .replace(/ \\\n\s+/g, ' ')
    .split('\n')
    .map((l) => l.trim());
  const start = lines.filter((l) => l.startsWith(`${command} --port`));
  const curls = lines.filter((l) => l.startsWith('curl '));
  expect(start).toHaveLength(1);
  expect(curls).toHaveLength(2);
  return { start: start[0]!, pkjwt: curls.find((c) => c.includes('assertion'))!, mtls: curls.find((c) => c.includes('--cert'))! };
}

/** The printed line with free ports for the printed 4010 and 4443; nothing else changes. */
export const withPorts = (line: string, port: number, tlsPort: number): string =>
  line.replace(/(?<=:|--port |--tls-port )(4010|4443)\b/g, (p) => String(p === '4010' ? port : tlsPort));

/** Runs a printed curl line with bash in `cwd`; returns the status and the JSON body. */
export async function runCurl(line: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ status: number; body: Record<string, string> }> {
  const { stdout } = await run('bash', ['-c', `${line} -w '\\n%{http_code}'`], { cwd, env });
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: JSON.parse(stdout.slice(0, cut)) as Record<string, string> };
}
