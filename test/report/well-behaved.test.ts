/**
 * A well-behaved client gets no error or warning: openid-client v6 with its defaults (a fresh
 * 60-second assertion addressed to the issuer per request, a device poll only after the interval
 * it was told), over real HTTP. openid-client sends no x-fapi-interaction-id, which the report
 * notes as an info only, which no --fail-on counts.
 */
import { importPKCS8 } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoFindings, startTestSandbox, type TestSandbox } from '../../src/testing.js';
import { DEMO } from '../support/clients.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ deviceIntervalSeconds: 1 });
});
afterAll(() => sandbox?.stop());

const configFor = async (clientId: string, keyFile: string) =>
  client.discovery(new URL(sandbox.url), clientId, undefined, client.PrivateKeyJwt(await importPKCS8(DEMO.pem(keyFile), 'ES256')), {
    execute: [client.allowInsecureRequests],
  });

describe('openid-client with its defaults', () => {
  it('gets a token and a device token, and no error or warning', async () => {
    const tokens = await client.clientCredentialsGrant(await configFor(DEMO.pkjwt.clientId, 'demo/keys/sandbox-pkjwt.private.pem'), { scope: 'openid accounts' });
    expect(tokens.expires_in).toBe(900);

    const device = await configFor(DEMO.device.clientId, 'demo/keys/sandbox-device.private.pem');
    const authorization = await client.initiateDeviceAuthorization(device, { scope: 'openid' });
    const approved = await fetch(`${sandbox.url}/__sandbox/devices/${authorization.user_code}/approve`, { method: 'POST' });
    expect(approved.status).toBe(204);
    // openid-client waits the interval (1 s here) before it polls.
    expect((await client.pollDeviceAuthorizationGrant(device, authorization)).token_type).toBe('bearer');

    const report = await sandbox.report();
    expect(report.clients.map((c) => c.clientId)).toEqual([DEMO.pkjwt.clientId, DEMO.device.clientId]);
    expectNoFindings(report, { failOn: 'warning' });
    expect(report.counts).toEqual({ error: 0, warning: 0, info: 2 });
    expect(report.clients.flatMap((c) => c.findings.map((f) => f.code))).toEqual(['interaction-id-missing', 'interaction-id-missing']);
  });
});

describe('expectNoFindings', () => {
  it('throws with the findings listed, at the severity asked; infos never', async () => {
    const fields = { grant_type: 'client_credentials', client_id: 'careless' };
    const send = (headers: Record<string, string> = {}) =>
      fetch(`${sandbox.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
    const id = '5c1e6a7b-2d3f-4a8b-9c0d-1e2f3a4b5c6d';
    await send({ 'x-fapi-interaction-id': id });
    await send({ 'x-fapi-interaction-id': id }); // a warning (reused) and an error (invalid_client repeated unchanged)
    const report = await sandbox.report({ clientId: 'careless' });

    expect(() => expectNoFindings(report, { failOn: 'error' })).toThrow(/the client did this wrong \(failOn: error\):\n {2}error error-not-handled ×1 \(client careless; first [0-9a-f-]{36}/);
    let message = '';
    try {
      expectNoFindings(report);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('(failOn: warning)');
    expect(message).toContain(`warning interaction-id-reused ×1 (client careless; first ${id}, last ${id})`);
    expect(message).toContain('RFC 6749 §5.2');
  });
});
