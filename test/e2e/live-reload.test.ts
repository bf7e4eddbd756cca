/** Live reload: scenario files edited, added or removed while the sandbox runs; a broken edit changes nothing. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { captureLogs } from '../support/logs.js';
import { tokenRequest } from '../support/requests.js';

const dir = mkdtempSync(join(tmpdir(), 'live-scenarios-'));
const file = join(dir, 'outage.yaml');
const logs = captureLogs();
let sandbox: RunningSandbox;

beforeAll(async () => {
  writeFileSync(file, 'name: outage\ndescription: d\nresponse: {status: 502}\n');
  sandbox = await startSandbox({ port: 0, scenariosDir: dir, logger: logs.logger });
});
afterAll(() => sandbox?.close());

const statusOf = async (scenario: string) =>
  (await fetch(tokenRequest(sandbox.url, { client_id: 'c' }, { 'x-sandbox-scenario': scenario }))).status;

/** Writes (or removes) a file and waits for the reload it causes to be logged. */
async function change(write: () => void, level: 'info' | 'error') {
  const logged = logs.next((r) => r.msg.startsWith('scenarios') && r.level === level);
  write();
  return logged;
}

describe('live reload', () => {
  it('an edited file changes the outcome without a restart', async () => {
    expect(await statusOf('outage')).toBe(502);
    await change(() => writeFileSync(file, 'name: outage\ndescription: d\nresponse: {status: 500}\n'), 'info');
    expect(await statusOf('outage')).toBe(500);
  });

  it('a broken edit keeps the last good set and logs the file, the path and the problem', async () => {
    const error = await change(() => writeFileSync(file, 'name: outage\ndescription: d\nresponse: {status: 418}\n'), 'error');
    expect(error).toMatchObject({
      msg: 'scenarios not reloaded; the last good set stays',
      file,
      path: 'response.status',
      problem: expect.stringMatching(/^must be one of: 200, 201, 400/),
    });
    expect(await statusOf('outage')).toBe(500);
  });

  it('a new file adds its scenarios, and removing it takes them away', async () => {
    const extra = join(dir, 'extra.yml');
    await change(() => writeFileSync(extra, 'name: extra\ndescription: d\nresponse: {status: 504}\n'), 'error'); // outage.yaml is still broken
    expect(await statusOf('extra')).toBe(404);

    await change(() => writeFileSync(file, 'name: outage\ndescription: d\nresponse: {status: 502}\n'), 'info');
    expect(await statusOf('extra')).toBe(504);
    expect(await statusOf('outage')).toBe(502);

    await change(() => rmSync(extra), 'info');
    expect(await statusOf('extra')).toBe(404);
  });
});
