/**
 * Prism's proxy as the independent contract judge: it forwards each request to our server and
 * reports every way the answer departs from the OpenAPI document in the sl-violations header.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

const PRISM = fileURLToPath(new URL('../../node_modules/.bin/prism', import.meta.url));
export const TOKEN_DOCUMENT = fileURLToPath(new URL('../../openapi/token.yaml', import.meta.url));
export const SANDBOX_DOCUMENT = fileURLToPath(new URL('../../openapi/sandbox.yaml', import.meta.url));

export interface PrismJudge {
  url: string;
  close(): Promise<void>;
}

export async function startPrismProxy(upstream: string, document = TOKEN_DOCUMENT): Promise<PrismJudge> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    PRISM,
    ['proxy', document, upstream, '--errors', '--validate-request=false', '-h', '127.0.0.1', '-p', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prism exited (${child.exitCode}):\n${output}`);
    if (/Prism is listening/.test(output)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prism did not start in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The violations Prism reported for a response (empty when it conforms). */
export function violations(response: Response): unknown[] {
  const header = response.headers.get('sl-violations');
  return header === null ? [] : (JSON.parse(header) as unknown[]);
}
