import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { jwkThumbprint } from '../../src/tokens/keys.js';
import { DEMO, pkjwtForm } from '../support/clients.js';
import { tokenRequest } from '../support/requests.js';
import { shippedDoc, writeContract } from '../fixtures/contracts/index.js';

const get = async (app: ReturnType<typeof createApp>, url: string, headers: Record<string, string> = {}) => {
  const res = await app.fetch(new Request(url, { headers }));
  return { res, body: (res.status === 200 ? await res.json() : undefined) as any };
};

describe('discovery', () => {
  const app = createApp();

  it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])('%s follows the URL the sandbox is reached at', async (path) => {
    const { body, res } = await get(app, `http://localhost:4010${path}`);
    expect(res.headers.get('x-fapi-interaction-id')).toBeTruthy();
    expect(body).toMatchObject({
      issuer: 'http://localhost:4010',
      token_endpoint: 'http://localhost:4010/token',
      jwks_uri: 'http://localhost:4010/jwks',
      token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
      token_endpoint_auth_signing_alg_values_supported: ['PS256', 'ES256'],
      tls_client_certificate_bound_access_tokens: true,
    });
    expect(body.mtls_endpoint_aliases).toBeUndefined();
    expect((await get(app, `http://127.0.0.1:9999${path}`)).body.issuer).toBe('http://127.0.0.1:9999');
  });

  it('uses a configured issuer behind a proxy', async () => {
    const proxied = createApp({ issuer: 'https://auth.example.test/' });
    const { body } = await get(proxied, 'http://127.0.0.1:4010/.well-known/openid-configuration');
    expect(body.issuer).toBe('https://auth.example.test');
    expect(body.token_endpoint).toBe('https://auth.example.test/token');
    const form = await pkjwtForm('https://auth.example.test/token');
    expect((await proxied.fetch(tokenRequest('http://127.0.0.1:4010', form))).status).toBe(200);
  });

  it('answers 406 to an Accept without JSON', async () => {
    expect((await get(app, 'http://localhost/jwks', { accept: 'text/html' })).res.status).toBe(406);
  });
});

describe('the JWKS', () => {
  it('publishes the public signing key, which verifies issued tokens', async () => {
    const app = createApp();
    const { body } = await get(app, 'http://sandbox.test/jwks');
    expect(body.keys).toHaveLength(1);
    const [jwk] = body.keys;
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk.d).toBeUndefined();
    const res = await app.fetch(tokenRequest('http://sandbox.test', await pkjwtForm('http://sandbox.test')));
    const { access_token } = (await res.json()) as { access_token: string };
    expect(decodeProtectedHeader(access_token).kid).toBe(jwk.kid);
    await expect(jwtVerify(access_token, await importJWK(jwk, 'ES256'))).resolves.toBeTruthy();
  });

  it('uses a given signing key, and refuses one FAPI does not allow', async () => {
    const { body } = await get(createApp({ signingKeyFile: DEMO.pkjwtPs256.keyFile }), 'http://sandbox.test/jwks');
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'PS256', kid: jwkThumbprint(body.keys[0]) });
    expect(() => createApp({ signingKeyFile: 'README.md' })).toThrow(/^.*README\.md: is not a usable signing key/);
  });

  it('publishes a PS256 key when asked', async () => {
    const { body } = await get(createApp({ signingAlg: 'PS256' }), 'http://sandbox.test/jwks');
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'PS256' });
  });
});

describe('grant_types_supported', () => {
  it('lists the grants the contract lets through: all of them for the shipped document', async () => {
    const { body } = await get(createApp(), 'http://localhost:4010/.well-known/openid-configuration');
    expect(body.grant_types_supported).toEqual(['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'authorization_code', 'refresh_token']);
  });

  it('lists fewer for a --contract document whose grant_type enum has fewer (private_key_jwt is its name for client credentials)', async () => {
    const doc = shippedDoc();
    doc.components.schemas.TokenRequest.properties.grant_type.enum = ['private_key_jwt', 'urn:ietf:params:oauth:grant-type:device_code'];
    doc.components.schemas.TokenRequest.properties.grant_type.default = 'private_key_jwt';
    const { body } = await get(createApp({ contract: writeContract(doc) }), 'http://localhost:4010/.well-known/openid-configuration');
    expect(body.grant_types_supported).toEqual(['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']);
  });
});
