/** useSandbox with vitest's hooks: a real token for a demo client, the journal as a query, reset(). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useSandbox } from '../../src/testing.js';
import { JWT_BEARER, tokenRequest, type Fields } from '../support/requests.js';

const sandbox = useSandbox({ before: beforeAll, after: afterAll });
beforeEach(() => sandbox.reset());

/** A private_key_jwt token request of a demo client, signed by the helper. */
async function pkjwt(clientId: string, assertion?: string, extra: Fields = {}) {
  return fetch(
    tokenRequest(sandbox.url, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: assertion ?? (await sandbox.clientAssertion(clientId)),
      ...extra,
    }),
  );
}

const flaky = (clientId: string) => fetch(tokenRequest(sandbox.url, { client_id: clientId }, { 'x-sandbox-scenario': 'flaky' }));

describe('the running sandbox', () => {
  it('advertises its issuer and token endpoint as discovery does', async () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metadata = (await (await fetch(`${sandbox.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect({ issuer: sandbox.issuer, tokenEndpoint: sandbox.tokenEndpoint }).toEqual({
      issuer: metadata.issuer,
      tokenEndpoint: metadata.token_endpoint,
    });
  });

  it.each(['sandbox-pkjwt', 'sandbox-pkjwt-ps256'])('signs an assertion for the demo client %s that gets a token', async (clientId) => {
    const res = await pkjwt(clientId);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string };
    expect(body.token_type).toBe('Bearer');
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, string>;
    expect(claims).toMatchObject({ iss: sandbox.issuer, client_id: clientId });
  });

  it('signs with the audience and lifetime asked for', async () => {
    const assertion = await sandbox.clientAssertion('sandbox-pkjwt', { audience: sandbox.tokenEndpoint, lifetimeSeconds: 30 });
    const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()) as { aud: string; iat: number; exp: number };
    expect(claims.aud).toBe(sandbox.tokenEndpoint);
    expect(claims.exp - claims.iat).toBe(30);
    expect((await pkjwt('sandbox-pkjwt', assertion)).status).toBe(200);
  });

  it('names the option to set for a client whose key it does not know', async () => {
    await expect(sandbox.clientAssertion('my-tpp')).rejects.toThrow(/no private key is known for client "my-tpp": set clientKeys: \{ 'my-tpp': /);
  });
});

describe('requests()', () => {
  beforeEach(async () => {
    await pkjwt('sandbox-pkjwt');                                                    // 200
    await fetch(tokenRequest(sandbox.url, { grant_type: 'password' }));               // 400, no client
    await fetch(tokenRequest(sandbox.url, { client_id: 'job-1' }, { 'x-sandbox-scenario': 'invalid-client' })); // 400
    await fetch(`${sandbox.url}/jwks?fresh=1`);                                       // 200
    await fetch(tokenRequest(sandbox.url, { client_id: 'job-1' }, { 'x-sandbox-scenario': 'empty-reply' })).catch(() => undefined); // no status
    // Named by the assertion's iss alone (RFC 7523 §3).
    const assertion = await sandbox.clientAssertion('sandbox-pkjwt-ps256');
    await fetch(tokenRequest(sandbox.url, { client_assertion_type: JWT_BEARER, client_assertion: assertion }));
  });

  const summary = (entries: { path: string; status: number | null; form: Record<string, string> | null }[]) =>
    entries.map((e) => [e.path, e.status, e.form?.client_id ?? null]);

  it('returns every request, oldest first, without a query (and not the helpers own)', async () => {
    expect(summary(await sandbox.requests())).toEqual([
      ['/token', 200, 'sandbox-pkjwt'],
      ['/token', 400, null],
      ['/token', 400, 'job-1'],
      ['/jwks?fresh=1', 200, null],
      ['/token', null, 'job-1'],
      ['/token', 200, null],
    ]);
  });

  it('filters by status exactly', async () => {
    expect(summary(await sandbox.requests({ status: 400 }))).toEqual([['/token', 400, null], ['/token', 400, 'job-1']]);
    expect(summary(await sandbox.requests({ status: null }))).toEqual([['/token', null, 'job-1']]);
    expect(await sandbox.requests({ status: 40 })).toEqual([]);
  });

  it('filters by client, by client_id or by the assertion that names it', async () => {
    expect(summary(await sandbox.requests({ clientId: 'job-1' }))).toEqual([['/token', 400, 'job-1'], ['/token', null, 'job-1']]);
    expect(summary(await sandbox.requests({ clientId: 'sandbox-pkjwt-ps256' }))).toEqual([['/token', 200, null]]);
    expect(await sandbox.requests({ clientId: 'job' })).toEqual([]);
  });

  it('filters by path, without the query string unless given one', async () => {
    expect(summary(await sandbox.requests({ path: '/jwks' }))).toEqual([['/jwks?fresh=1', 200, null]]);
    expect(summary(await sandbox.requests({ path: '/jwks?fresh=1' }))).toEqual([['/jwks?fresh=1', 200, null]]);
    expect(await sandbox.requests({ path: '/jwks?fresh=2' })).toEqual([]);
    expect(await sandbox.requests({ path: '/tok' })).toEqual([]);
  });

  it('combines the fields', async () => {
    expect(summary(await sandbox.requests({ path: '/token', status: 400, clientId: 'job-1' }))).toEqual([['/token', 400, 'job-1']]);
  });
});

describe('reset()', () => {
  it('empties the journal', async () => {
    await pkjwt('sandbox-pkjwt');
    expect(await sandbox.requests()).toHaveLength(1);
    await sandbox.reset();
    expect(await sandbox.requests()).toEqual([]);
  });

  it('starts sequences again', async () => {
    expect([(await flaky('job-7')).status, (await flaky('job-7')).status]).toEqual([504, 502]);
    await sandbox.reset();
    expect((await flaky('job-7')).status).toBe(504);
  });

  it('forgets used assertions: a reused one is accepted again', async () => {
    const assertion = await sandbox.clientAssertion('sandbox-pkjwt');
    expect((await pkjwt('sandbox-pkjwt', assertion)).status).toBe(200);
    const replayed = await pkjwt('sandbox-pkjwt', assertion);
    expect([replayed.status, ((await replayed.json()) as { error: string }).error]).toEqual([400, 'invalid_client']);
    await sandbox.reset();
    expect((await pkjwt('sandbox-pkjwt', assertion)).status).toBe(200);
  });
});
