/** connectSandbox: the same helpers for a sandbox started elsewhere (here by startSandbox, as a container would run it). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { connectSandbox, startTestSandbox, type JournalEntry } from '../../src/testing.js';
import { freePort } from '../support/ports.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const TOKEN = 'ci-admin-token-0123456789abcdef';

let elsewhere: RunningSandbox;
let closed: RunningSandbox;
beforeAll(async () => {
  [elsewhere, closed] = await Promise.all([startSandbox({ port: 0, adminToken: TOKEN }), startSandbox({ port: 0, admin: false })]);
});
afterAll(() => Promise.all([elsewhere?.close(), closed?.close()]));

describe('connectSandbox', () => {
  it('drives a sandbox with an admin token: tokens, the journal without its own requests, reset', async () => {
    const sandbox = await connectSandbox(`${elsewhere.url}/`, { adminToken: TOKEN });
    expect([sandbox.url, sandbox.issuer, sandbox.tokenEndpoint]).toEqual([elsewhere.url, elsewhere.url, `${elsewhere.url}/token`]);
    const fields = { client_id: 'sandbox-pkjwt', client_assertion_type: JWT_BEARER, client_assertion: await sandbox.clientAssertion('sandbox-pkjwt') };
    expect((await fetch(tokenRequest(sandbox.url, fields))).status).toBe(200);
    // Its own discovery request is journaled (this sandbox is fresh), but requests() leaves it out.
    const raw = (await (await fetch(`${elsewhere.url}/__sandbox/requests`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { requests: JournalEntry[] };
    expect(raw.requests.map((e) => e.path)).toEqual(['/.well-known/openid-configuration', '/token']);
    expect((await sandbox.requests()).map((e) => [e.path, e.status])).toEqual([['/token', 200]]);
    await sandbox.reset();
    expect(await sandbox.requests()).toEqual([]);
  });

  it('says to pass the admin token when the sandbox needs one', async () => {
    const sandbox = await connectSandbox(elsewhere.url);
    await expect(sandbox.requests()).rejects.toThrow(
      `fapi-token-sandbox/testing: GET ${elsewhere.url}/__sandbox/requests answered 401 (The control API needs Authorization: Bearer <admin token>): pass the sandbox's admin token as the adminToken option`,
    );
    const wrong = await connectSandbox(elsewhere.url, { adminToken: 'not-the-token-0123456789' });
    await expect(wrong.reset()).rejects.toThrow(`POST ${elsewhere.url}/__sandbox/reset answered 401 (The admin token is not valid)`);
  });

  it('says the control API is off when it is', async () => {
    const sandbox = await connectSandbox(closed.url);
    await expect(sandbox.reset()).rejects.toThrow(/POST http:\/\/127\.0\.0\.1:\d+\/__sandbox\/reset answered 404 .*: the control API is off \(--no-admin or admin: false\)/);
  });

  it('names the URL it cannot reach, or cannot use', async () => {
    const port = await freePort();
    await expect(connectSandbox(`http://127.0.0.1:${port}`)).rejects.toThrow(`fapi-token-sandbox/testing: cannot reach http://127.0.0.1:${port}: `);
    await expect(connectSandbox(`${elsewhere.url}/elsewhere`)).rejects.toThrow(
      `fapi-token-sandbox/testing: GET ${elsewhere.url}/elsewhere/.well-known/openid-configuration answered 404 (Not found: GET /elsewhere/.well-known/openid-configuration): is this URL a fapi-token-sandbox?`,
    );
    await expect(connectSandbox('127.0.0.1:4010')).rejects.toThrow('connectSandbox: the URL must be absolute, e.g. http://127.0.0.1:4010; got "127.0.0.1:4010"');
    await expect(connectSandbox('ftp://127.0.0.1:4010')).rejects.toThrow('connectSandbox: the URL must be http or https');
  });
});

describe('startTestSandbox with an admin token', () => {
  it('sends it to the control API itself', async () => {
    const sandbox = await startTestSandbox({ adminToken: TOKEN });
    try {
      expect((await fetch(`${sandbox.url}/__sandbox/requests`)).status).toBe(401);
      await fetch(`${sandbox.url}/jwks`);
      expect((await sandbox.requests()).map((e) => e.path)).toEqual(['/jwks']);
    } finally {
      await sandbox.stop();
    }
  });
});
