/**
 * The built module under node:test: a test file that passes node:test's before/after to
 * useSandbox runs in `node --test`, and the sandbox stops after it (else the child would not exit).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { ROOT, type Finished } from '../support/cli.js';

const BUILT = join(ROOT, 'dist/testing.js');
const dir = mkdtempSync(join(tmpdir(), 'testing-node-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const testFile = `
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { useSandbox } from ${JSON.stringify(pathToFileURL(BUILT).href)};

const sandbox = useSandbox({ before, after });
assert.throws(() => sandbox.url, /is not running: use it inside a test/);

const post = (fields, headers = {}) =>
  fetch(sandbox.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
const flaky = () => post({ client_id: 'job-1' }, { 'x-sandbox-scenario': 'flaky' });

describe('the sandbox under node:test', () => {
  it('issues a token to a demo client', async () => {
    const res = await post({
      grant_type: 'client_credentials',
      client_id: 'sandbox-pkjwt',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await sandbox.clientAssertion('sandbox-pkjwt'),
    });
    assert.equal(res.status, 200);
  });
  it('journals it', async () => {
    const entries = await sandbox.requests({ clientId: 'sandbox-pkjwt', status: 200 });
    assert.deepEqual(entries.map((e) => e.path), ['/token']);
  });
  it('starts a sequence again after reset()', async () => {
    assert.deepEqual([(await flaky()).status, (await flaky()).status], [504, 502]);
    await sandbox.reset();
    assert.equal((await flaky()).status, 504);
    assert.equal((await sandbox.requests()).length, 1);
  });
});
`;

function nodeTest(file: string): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=tap', file], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // A sandbox left running would keep the child alive: it is killed, and the test fails on its code.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

it('runs under node --test with before/after, and exits when done', async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
  const file = join(dir, 'sandbox.node.test.mjs');
  writeFileSync(file, testFile);
  const run = await nodeTest(file);
  expect(run.stderr).toBe('');
  const counts = Object.fromEntries([...run.stdout.matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  expect({ code: run.code, counts }, run.stdout).toEqual({
    code: 0,
    counts: { tests: 3, suites: 1, pass: 3, fail: 0, cancelled: 0, skipped: 0, todo: 0 },
  });
});
