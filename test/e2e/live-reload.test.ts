/** Live reload: scenario files edited, added or removed while the sandbox runs; a broken edit changes nothing. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { captureLogs } from '../support/logs.js';
import { tokenRequest } from '../support/requests.js';
import { stringify } from 'yaml';
import { shippedDoc, with503, writeContract } from '../fixtures/contracts/index.js';

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

describe('live reload of the contract (--contract)', () => {
  const contractLogs = captureLogs();
  const scenarios = mkdtempSync(join(tmpdir(), 'live-contract-scenarios-'));
  const contractFile = writeContract(with503());
  const shippedText = stringify(shippedDoc());
  let served: RunningSandbox;

  beforeAll(async () => {
    writeFileSync(join(scenarios, 'maintenance.yaml'), 'name: maintenance\ndescription: d\nresponse: {status: 503}\n');
    served = await startSandbox({ port: 0, scenariosDir: scenarios, contract: contractFile, logger: contractLogs.logger });
  });
  afterAll(() => served?.close());

  const preferred = async (code: number) => (await fetch(tokenRequest(served.url, undefined, { prefer: `code=${code}` }))).status;
  const edited = async (text: string, msg: string) => {
    const logged = contractLogs.next((r) => r.msg === msg);
    writeFileSync(contractFile, text);
    return logged;
  };

  it('a broken edit keeps the last good document and logs the file, the place and the problem', async () => {
    expect(await preferred(503)).toBe(503);
    const broken = with503();
    broken.paths['/token'].post.responses['503'] = { $ref: '#/components/responses/Nope' };
    const error = await edited(stringify(broken), 'contract not reloaded; the last good document stays');
    expect(error).toMatchObject({ level: 'error', file: contractFile, path: 'paths./token.post.responses.503', problem: '$ref does not resolve: #/components/responses/Nope' });
    expect(await preferred(503)).toBe(503);
  });

  it('a document the scenarios no longer fit is not taken: the last good pair stays, and the log says so', async () => {
    const error = await edited(shippedText, 'contract not reloaded: the scenarios do not fit it; the last good document and scenarios stay');
    expect(error).toMatchObject({ level: 'error', file: join(scenarios, 'maintenance.yaml'), path: 'response.status' });
    expect(await preferred(503)).toBe(503);
    expect((await fetch(tokenRequest(served.url, undefined, { 'x-sandbox-scenario': 'maintenance' }))).status).toBe(503);
  });

  it('a good edit is taken, with the scenarios checked against it', async () => {
    rmSync(join(scenarios, 'maintenance.yaml'));
    await contractLogs.next((r) => r.msg.startsWith('contract not reloaded') || r.msg === 'contract reloaded' || r.msg === 'scenarios reloaded');
    const reloaded = await edited(shippedText, 'contract reloaded');
    expect(reloaded).toMatchObject({ level: 'info', file: contractFile });
    expect(await preferred(503)).toBe(404);
    expect(await preferred(502)).toBe(502);
  });
});
