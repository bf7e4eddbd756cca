/** One structured line per request; JSON for machines, aligned text for people; never a secret. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { consoleLogger } from '../../src/log/logger.js';
import { pkjwtForm } from '../support/clients.js';
import { captureLogs } from '../support/logs.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const ID = 'd3a9e2b4-6c1f-4c53-9b0e-8f3f1a2b7c10';

function output(isTTY: boolean) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (line: string) => lines.push(line) } };
}

describe('request log lines', () => {
  it('one record per request: interaction id, client, scenario, status and time', async () => {
    const logs = captureLogs();
    const app = createApp({ logger: logs.logger });
    await app.fetch(tokenRequest('http://sandbox.test', await pkjwtForm('http://sandbox.test'), { 'x-fapi-interaction-id': ID }));
    await app.fetch(tokenRequest('http://sandbox.test', { client_id: 'acme' }, { 'x-sandbox-scenario': 'bad-gateway' }));
    expect(logs.records).toEqual([
      { level: 'info', msg: 'request', interactionId: ID, method: 'POST', path: '/token', client: 'sandbox-pkjwt', scenario: undefined, fault: undefined, status: 200, ms: expect.any(Number) },
      expect.objectContaining({ client: 'acme', scenario: 'bad-gateway', status: 502 }),
    ]);
  });

  it('never carries assertions or credentials', async () => {
    const logs = captureLogs();
    const app = createApp({ logger: logs.logger, adminToken: 'admin-token-0123456789abcdef' });
    const assertion = 'eyJhbGciOiJQUzI1NiJ9.eyJpc3MiOiJhY21lIn0.c2lnbmF0dXJl';
    await app.fetch(
      tokenRequest(
        'http://sandbox.test',
        { grant_type: 'private_key_jwt', client_id: 'acme', client_assertion_type: JWT_BEARER, client_assertion: assertion },
        { authorization: 'Basic c2VjcmV0' },
      ),
    );
    await app.fetch(new Request('http://sandbox.test/__sandbox/requests', { headers: { authorization: 'Bearer admin-token-0123456789abcdef' } }));
    const text = JSON.stringify(logs.records);
    expect(logs.records).toHaveLength(2);
    for (const secret of ['eyJhbGciOiJQUzI1NiJ9', 'c2lnbmF0dXJl', 'c2VjcmV0', 'admin-token-0123456789abcdef']) expect(text).not.toContain(secret);
  });
});

describe('consoleLogger', () => {
  const record = { level: 'info', msg: 'request', client: 'acme corp', status: 200, scenario: undefined } as const;
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

  it('writes one JSON object per line when the output is not a terminal', async () => {
    const { lines, stream } = output(false);
    consoleLogger(stream)(record);
    await nextTurn();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({ time: expect.stringMatching(/Z$/), level: 'info', msg: 'request', client: 'acme corp', status: 200 });
  });

  it('writes aligned key=value text on a terminal', async () => {
    const { lines, stream } = output(true);
    consoleLogger(stream)(record);
    await nextTurn();
    expect(lines).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} info  request client="acme corp" status=200\n$/)]);
  });

  it('writes the lines of one turn of the event loop at once, in order', async () => {
    const { lines, stream } = output(false);
    const log = consoleLogger(stream);
    for (const status of [200, 400, 429]) log({ ...record, status });
    expect(lines).toEqual([]);
    await nextTurn();
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd().split('\n').map((l) => JSON.parse(l).status)).toEqual([200, 400, 429]);
    log({ ...record, status: 504 });
    await nextTurn();
    expect(lines).toHaveLength(2);
  });

  it('writes what is pending when the process exits at once', async () => {
    // The built module (npm test builds first): a plain node process runs it.
    const logger = new URL('../../dist/log/logger.js', import.meta.url).href;
    const script = `import { consoleLogger } from '${logger}'; consoleLogger()({ level: 'info', msg: 'last words' }); process.exit(0);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
    expect(JSON.parse(stdout)).toMatchObject({ msg: 'last words' });
  });

  it('does not hold more than 64 KiB back', () => {
    const { lines, stream } = output(false);
    const log = consoleLogger(stream);
    for (let i = 0; i < 1000; i++) log({ ...record, client: 'c'.repeat(100) });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((chunk) => chunk.length <= 64 * 1024 + 300)).toBe(true);
  });
});
