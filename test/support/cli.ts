/** Runs the built command (dist/bin.cjs, built by `npm test` before vitest starts) as a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion, in the checkout unless `cwd` is given, with `env` added to
 * `baseEnv` (this process's environment unless given: the standalone executable's test gives one
 * without Node).
 */
export function runCommand(command: string, args: string[], env: Record<string, string> = {}, cwd = ROOT, baseEnv: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...baseEnv, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs the CLI to completion (for commands that should exit), in the checkout unless `cwd` is given. */
export const runCli = (args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<Finished> => runCommand(process.execPath, [CLI, ...args], env, cwd);

export interface Started {
  child: ChildProcess;
  url: string;
  /** stdout and stderr as they came. */
  output: () => string;
  /** stderr alone. */
  errors: () => string;
  stop(): Promise<number | null>;
}

/** Starts a long-running command and waits for its "listening on URL" line; `env` and `baseEnv` as for runCommand. */
export function startCommand(command: string, args: string[], env: Record<string, string> = {}, cwd = ROOT, baseEnv: NodeJS.ProcessEnv = process.env): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...baseEnv, ...env }, detached: true });
    let out = '';
    let err = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          url: m[1]!,
          output: () => out,
          errors: () => err,
          stop: () =>
            new Promise((done) => {
              child.once('exit', (code) => done(code));
              process.kill(-child.pid!, 'SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      onData(d);
    });
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`no "listening on" line within 20 s:\n${out}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${out}`));
    });
  });
}
