import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadClientsFile, parseClientsFile, demoClientsFile } from '../../src/settings/clients-file.js';
import { ConfigError } from '../../src/settings/errors.js';

const failure = (text: string) => {
  try {
    parseClientsFile('clients.yaml', text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).message;
  }
  throw new Error('expected the clients file to be rejected');
};
const ecJwk = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JsonWebKey;
const pk = (extra: string) => `clients:\n  - { client_id: a, token_endpoint_auth_method: private_key_jwt${extra} }\n`;

describe('the clients file', () => {
  it('loads the demo clients: each auth method, one for the device grant, one for the code flow', () => {
    const clients = loadClientsFile(demoClientsFile());
    expect(clients.map((c) => [c.clientId, c.authMethod])).toEqual([
      ['sandbox-pkjwt', 'private_key_jwt'],
      ['sandbox-pkjwt-ps256', 'private_key_jwt'],
      ['sandbox-mtls', 'tls_client_auth'],
      ['sandbox-device', 'private_key_jwt'],
      ['sandbox-code', 'private_key_jwt'],
    ]);
    expect(clients.at(-1)).toMatchObject({
      grantTypes: new Set(['authorization_code', 'refresh_token']),
      redirectUris: ['http://localhost:8080/callback'],
      requirePushedAuthorizationRequests: true,
      dpopBoundAccessTokens: false,
    });
  });

  it('names the place of a shape error', () => {
    expect(failure('clients:\n  - { client_id: a }\n')).toBe('clients.yaml: at clients[0]: must have the property "token_endpoint_auth_method"');
    expect(failure(pk(', grant_types: [password]'))).toMatch(/^clients\.yaml: at clients\[0\]\.grant_types\[0\]: must be one of/);
    expect(failure(pk(', token_endpoint_auth_signing_alg: RS256'))).toMatch(/at clients\[0\]\.token_endpoint_auth_signing_alg: must be one of: PS256, ES256/);
  });

  it('needs redirect_uris for the authorization_code grant, and authorization_code for refresh_token', () => {
    const jwks = `, jwks: { keys: [${JSON.stringify(ecJwk())}] }`;
    expect(failure(pk(`, grant_types: [authorization_code]${jwks}`))).toBe('clients.yaml: at clients[0]: a client of the authorization_code grant needs redirect_uris (RFC 7591 §2)');
    expect(failure(pk(`, grant_types: [refresh_token], redirect_uris: ["https://a.example/cb"]${jwks}`))).toBe(
      'clients.yaml: at clients[0].redirect_uris: applies to clients of the authorization_code grant only',
    );
    expect(failure(pk(`, grant_types: [client_credentials, refresh_token]${jwks}`))).toMatch(/at clients\[0\]\.grant_types: refresh_token needs authorization_code/);
    expect(failure(pk(`, grant_types: [authorization_code], redirect_uris: ["https://a.example/cb#frag"]${jwks}`))).toMatch(/at clients\[0\]\.redirect_uris\[0\]: must match the pattern/);
    expect(failure(pk(`, grant_types: [authorization_code], redirect_uris: ["/cb"]${jwks}`))).toMatch(/at clients\[0\]\.redirect_uris\[0\]: /);
  });

  it('needs exactly one of jwks and jwks_uri for private_key_jwt', () => {
    expect(failure(pk(''))).toBe('clients.yaml: at clients[0]: a private_key_jwt client needs exactly one of jwks and jwks_uri');
    expect(failure(pk(`, jwks_uri: "https://a.example/jwks", jwks: { keys: [${JSON.stringify(ecJwk())}] }`))).toMatch(/exactly one of jwks and jwks_uri/);
  });

  it('refuses private keys, weak RSA keys and non-FAPI algorithms in jwks', () => {
    const priv = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    expect(failure(pk(`, jwks: { keys: [${JSON.stringify(priv)}] }`))).toBe(
      'clients.yaml: at clients[0].jwks.keys[0]: holds private key material ("d"); publish only public keys',
    );
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    expect(failure(pk(`, jwks: { keys: [${JSON.stringify(weak)}] }`))).toBe(
      'clients.yaml: at clients[0].jwks.keys[0]: is an RSA key of 1024 bits; FAPI requires at least 2048',
    );
    expect(failure(pk(`, jwks: { keys: [${JSON.stringify({ ...ecJwk(), alg: 'RS256' })}] }`))).toMatch(/alg: must be one of: PS256, ES256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    expect(failure(pk(`, jwks: { keys: [${JSON.stringify(p384)}] }`))).toMatch(/uses curve P-384; ES256 needs P-256/);
  });

  it('needs exactly one certificate identity for tls_client_auth', () => {
    const tls = (extra: string) => `clients:\n  - { client_id: m, token_endpoint_auth_method: tls_client_auth${extra} }\n`;
    expect(failure(tls(''))).toMatch(/^clients\.yaml: at clients\[0\]: a tls_client_auth client needs exactly one of tls_client_auth_subject_dn, .* it has none$/);
    expect(failure(tls(', tls_client_auth_subject_dn: CN=a, tls_client_auth_san_dns: a.example'))).toMatch(/it has tls_client_auth_subject_dn, tls_client_auth_san_dns$/);
    expect(failure(tls(', tls_client_auth_subject_dn: "not a dn"'))).toMatch(/at clients\[0\]\.tls_client_auth_subject_dn: is not an RFC 4514 distinguished name/);
    expect(failure(tls(', tls_client_auth_san_dns: a.example, jwks_uri: "https://a.example/"'))).toBe('clients.yaml: at clients[0].jwks_uri: applies to private_key_jwt clients only');
  });

  it('refuses a client_id registered twice', () => {
    expect(failure(`clients:\n  - { client_id: m, token_endpoint_auth_method: tls_client_auth, tls_client_auth_san_dns: a }\n  - { client_id: m, token_endpoint_auth_method: tls_client_auth, tls_client_auth_san_dns: b }\n`)).toBe(
      'clients.yaml: at clients[1].client_id: "m" is registered twice',
    );
  });
});
