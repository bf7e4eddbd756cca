/** Transport faults can only be seen over a real connection: a client meets each one as it would in production. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { pkjwtForm } from '../support/clients.js';
import { tokenRequest } from '../support/requests.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox?.close());

const send = (scenario: string) => fetch(tokenRequest(sandbox.url, { client_id: 'c' }, { 'x-sandbox-scenario': scenario }));

/** What fetch rejected with: the low-level cause (code and message). */
async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  const err = (await promise.then(() => expect.unreachable('expected a failure'), (e: unknown) => e)) as Error & { cause?: Error & { code?: string } };
  return { code: err.cause?.code, message: err.cause?.message ?? err.message };
}

describe('transport faults', () => {
  it('connection-reset: the client sees ECONNRESET and no response', async () => {
    expect(await failure(send('connection-reset'))).toMatchObject({ code: 'ECONNRESET' });
  });

  it('empty-reply: the connection closes before any response', async () => {
    expect(await failure(send('empty-reply'))).toEqual({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
  });

  it('truncated-body: status and headers arrive, the body breaks off short of its Content-Length', async () => {
    const res = await send('truncated-body');
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(40);
    expect(res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await failure(res.text())).toEqual({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
  });

  it('malformed-json: a complete, correctly framed response whose JSON does not parse', async () => {
    const res = await send('malformed-json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(text).toMatch(/^\{"access_token":".+,$/);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('the server keeps serving after every fault', async () => {
    expect((await fetch(tokenRequest(sandbox.url, await pkjwtForm(sandbox.url)))).status).toBe(200);
  });

  it('in-process (app.fetch has no socket), a connection fault is a 500 that says why', async () => {
    const res = await createApp().fetch(tokenRequest('http://sandbox.test', { client_id: 'c' }, { 'x-sandbox-scenario': 'connection-reset' }));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ errors: [expect.stringMatching(/connection-reset fault needs a real connection/)] });
  });
});
