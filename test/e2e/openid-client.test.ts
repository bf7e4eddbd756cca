/**
 * Real OAuth clients against the real server: openid-client v6 discovers the sandbox and runs the
 * client_credentials grant, with private_key_jwt over HTTP and with tls_client_auth over a real
 * mutual-TLS handshake; the tokens verify against the published JWKS with jose.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createRemoteJWKSet, importPKCS8, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { DEMO } from '../support/clients.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tlsPort: 0 });
});
afterAll(() => sandbox?.close());

const thumbprint = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');

async function verifyAccessToken(accessToken: string, issuer: string) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
  return jwtVerify(accessToken, jwks, { issuer, audience: issuer, algorithms: ['ES256'] });
}

describe('openid-client with private_key_jwt', () => {
  it('discovers the sandbox and gets a token that verifies against the JWKS', async () => {
    const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-pkjwt.private.pem'), 'ES256');
    const config = await client.discovery(new URL(sandbox.url), DEMO.pkjwt.clientId, undefined, client.PrivateKeyJwt(key), {
      execute: [client.allowInsecureRequests],
    });
    expect(config.serverMetadata().issuer).toBe(sandbox.url);

    const tokens = await client.clientCredentialsGrant(config, { scope: 'openid accounts' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('openid accounts');
    expect(tokens.expires_in).toBe(900);

    const { payload, protectedHeader } = await verifyAccessToken(tokens.access_token, sandbox.url);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ iss: sandbox.url, sub: DEMO.pkjwt.clientId, client_id: DEMO.pkjwt.clientId, scope: 'openid accounts' });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload.cnf).toBeUndefined();
  });

  it('gets a token every time: each grant sends a fresh jti', async () => {
    const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-pkjwt.private.pem'), 'ES256');
    const config = await client.discovery(new URL(sandbox.url), DEMO.pkjwt.clientId, undefined, client.PrivateKeyJwt(key), {
      execute: [client.allowInsecureRequests],
    });
    const tokens = await Promise.all([1, 2, 3].map(() => client.clientCredentialsGrant(config)));
    expect(new Set(tokens.map((t) => t.access_token)).size).toBe(3);
  });

  it('surfaces the invalid_client of a key the server does not know', async () => {
    const wrong = await importPKCS8(DEMO.pem('demo/pki/client.key'), 'ES256');
    const config = await client.discovery(new URL(sandbox.url), DEMO.pkjwt.clientId, undefined, client.PrivateKeyJwt(wrong), {
      execute: [client.allowInsecureRequests],
    });
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({
      error: 'invalid_client',
      error_description: expect.stringMatching(/signature does not verify|no registered key/),
    });
  });
});

describe('openid-client with tls_client_auth over mutual TLS', () => {
  it('uses the mtls_endpoint_aliases token endpoint and gets a certificate-bound token', async () => {
    const agent = new Agent({ connect: { cert: DEMO.mtls.cert, key: DEMO.mtls.key, ca: DEMO.ca } });
    try {
      const config = await client.discovery(
        new URL(sandbox.url),
        DEMO.mtls.clientId,
        { use_mtls_endpoint_aliases: true },
        client.TlsClientAuth(),
        { execute: [client.allowInsecureRequests] },
      );
      expect(config.serverMetadata().mtls_endpoint_aliases?.token_endpoint).toBe(`${sandbox.mtlsUrl}/token`);
      config[client.customFetch] = (url, options) =>
        undiciFetch(url, { ...(options as object), dispatcher: agent }) as unknown as Promise<Response>;

      const tokens = await client.clientCredentialsGrant(config, { scope: 'accounts' });
      const { payload } = await verifyAccessToken(tokens.access_token, sandbox.url);
      expect(payload.sub).toBe(DEMO.mtls.clientId);
      expect(payload.cnf).toEqual({ 'x5t#S256': thumbprint(DEMO.mtls.cert) });
    } finally {
      await agent.close();
    }
  });
});
