/**
 * A real client does the authorization code flow against the real server: openid-client pushes
 * the request (PAR), the authorization endpoint approves at once (--consent auto), the redirect
 * is followed into authorizationCodeGrant with PKCE, then refreshTokenGrant, tokenIntrospection
 * and tokenRevocation; the tokens verify against the JWKS. The same flow over mutual TLS binds
 * every token to the certificate. An authorization scenario pushed with the request makes the
 * redirect carry an error, which openid-client raises as the authorization response's error.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRemoteJWKSet, decodeJwt, importPKCS8, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { DEMO } from '../support/clients.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, consent: 'auto' });
});
afterAll(() => sandbox?.close());

async function codeClient(): Promise<client.Configuration> {
  const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-code.private.pem'), 'ES256');
  return client.discovery(new URL(sandbox.url), DEMO.code.clientId, undefined, client.PrivateKeyJwt(key), { execute: [client.allowInsecureRequests] });
}

/** PAR, then the authorization endpoint; resolves to where it redirects the browser. */
async function authorize(config: client.Configuration, verifier: string, state: string): Promise<URL> {
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: DEMO.code.redirectUri,
    scope: 'openid accounts',
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!);
}

describe('openid-client, the authorization code flow with PAR and PKCE', () => {
  it('pushes, is approved, redeems the code with its verifier and refreshes', async () => {
    const config = await codeClient();
    expect(config.serverMetadata()).toMatchObject({
      pushed_authorization_request_endpoint: `${sandbox.url}/par`,
      authorization_endpoint: `${sandbox.url}/authorize`,
      require_pushed_authorization_requests: true,
      authorization_response_iss_parameter_supported: true,
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const redirected = await authorize(config, verifier, state);
    expect(`${redirected.origin}${redirected.pathname}`).toBe(DEMO.code.redirectUri);
    expect(redirected.searchParams.get('iss')).toBe(sandbox.url);
    expect(redirected.searchParams.get('state')).toBe(state);

    const tokens = await client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid accounts', expires_in: 900 });
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const jwks = createRemoteJWKSet(new URL(`${sandbox.url}/jwks`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: sandbox.url, audience: sandbox.url });
    expect(payload).toMatchObject({ client_id: DEMO.code.clientId, scope: 'openid accounts' });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.scope).toBe('openid accounts');
    // No rotation (FAPI 2): the refresh token stays usable and none is issued.
    expect(refreshed.refresh_token).toBeUndefined();
    const again = await client.refreshTokenGrant(config, tokens.refresh_token!, { scope: 'accounts' });
    expect(again.scope).toBe('accounts');
  });

  it('surfaces the second use of a code as invalid_grant', async () => {
    const config = await codeClient();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const redirected = await authorize(config, verifier, state);
    await client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state });
    await expect(client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});

describe('openid-client, an authorization scenario selected on PAR', () => {
  /** The code client, its pushed requests sent with x-sandbox-scenario: `scenario`. */
  async function scenarioClient(scenario: string): Promise<client.Configuration> {
    const config = await codeClient();
    config[client.customFetch] = (url, options) => {
      const headers = new Headers(options.headers);
      if (new URL(url).pathname === '/par') headers.set('x-sandbox-scenario', scenario);
      return fetch(url, { ...options, headers } as RequestInit);
    };
    return config;
  }

  it.each([
    ['authorize-temporarily-unavailable', 'temporarily_unavailable', 'the authorization server is under maintenance'],
    ['authorize-deny', 'access_denied', 'the user denied the request'],
  ])('%s: authorizationCodeGrant raises the redirect error %s, its state and iss accepted', async (scenario, error, description) => {
    const config = await scenarioClient(scenario);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const redirected = await authorize(config, verifier, state);
    const raised = client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state });
    await expect(raised).rejects.toBeInstanceOf(client.AuthorizationResponseError);
    await expect(raised).rejects.toMatchObject({ error, error_description: description });
  });
});

describe('openid-client, introspection and revocation', () => {
  it('introspects the access and refresh tokens, revokes the refresh token, and both are then inactive and refused', async () => {
    const config = await codeClient();
    expect(config.serverMetadata()).toMatchObject({ introspection_endpoint: `${sandbox.url}/introspect`, revocation_endpoint: `${sandbox.url}/revoke` });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const tokens = await client.authorizationCodeGrant(config, await authorize(config, verifier, state), { pkceCodeVerifier: verifier, expectedState: state });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);

    const access = await client.tokenIntrospection(config, refreshed.access_token);
    expect(access).toMatchObject({ active: true, client_id: DEMO.code.clientId, sub: DEMO.code.clientId, scope: 'openid accounts', token_type: 'Bearer', iss: sandbox.url });
    expect(access.exp! - access.iat!).toBe(900);
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toMatchObject({ active: true, token_type: 'refresh_token', client_id: DEMO.code.clientId });
    expect(await client.tokenIntrospection(config, 'not-a-token')).toEqual({ active: false });

    await client.tokenRevocation(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    // The access tokens of the grant went with it: the one from the code and the refreshed one.
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
    // Revoking what is already revoked is fine (RFC 7009 §2.2).
    await client.tokenRevocation(config, tokens.refresh_token!);
  });
});

describe('openid-client, the same flow over mutual TLS', () => {
  let mtls: RunningSandbox;
  let agent: Agent;
  beforeAll(async () => {
    // The demo mTLS client, registered for the code flow too.
    const clientsYaml = readFileSync('demo/clients.yaml', 'utf8').replace(
      /(- client_id: sandbox-mtls\n(?:    .*\n)*?)    grant_types: \[client_credentials\]\n/,
      `$1    grant_types: [client_credentials, authorization_code, refresh_token]\n    redirect_uris: [${DEMO.code.redirectUri}]\n`,
    );
    expect(clientsYaml).toContain('grant_types: [client_credentials, authorization_code, refresh_token]');
    mtls = await startSandbox({ port: 0, tlsPort: 0, consent: 'auto', clientsYaml });
    agent = new Agent({ connect: { cert: DEMO.mtls.cert, key: DEMO.mtls.key, ca: DEMO.ca } });
  });
  afterAll(async () => {
    await agent?.close();
    await mtls?.close();
  });

  it('pushes, redeems and refreshes over the mTLS aliases: every token is bound to the certificate (cnf x5t#S256)', async () => {
    const config = await client.discovery(new URL(mtls.url), DEMO.mtls.clientId, { use_mtls_endpoint_aliases: true }, client.TlsClientAuth(), {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().mtls_endpoint_aliases).toMatchObject({
      pushed_authorization_request_endpoint: `${mtls.mtlsUrl}/par`,
      introspection_endpoint: `${mtls.mtlsUrl}/introspect`,
      revocation_endpoint: `${mtls.mtlsUrl}/revoke`,
    });
    config[client.customFetch] = (url, options) => undiciFetch(url, { ...(options as object), dispatcher: agent }) as unknown as Promise<Response>;
    const thumbprint = createHash('sha256').update(new X509Certificate(DEMO.mtls.cert).raw).digest('base64url');

    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: DEMO.code.redirectUri,
      scope: 'accounts',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const redirect = await fetch(url, { redirect: 'manual' });
    const tokens = await client.authorizationCodeGrant(config, new URL(redirect.headers.get('location')!), { pkceCodeVerifier: verifier, expectedState: state });
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ 'x5t#S256': thumbprint });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(decodeJwt(refreshed.access_token).cnf).toEqual({ 'x5t#S256': thumbprint });

    expect(await client.tokenIntrospection(config, refreshed.access_token)).toMatchObject({ active: true, cnf: { 'x5t#S256': thumbprint } });
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toMatchObject({ active: true, cnf: { 'x5t#S256': thumbprint } });
    await client.tokenRevocation(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
  });
});
