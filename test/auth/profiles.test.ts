/**
 * The FAPI profiles (--profile): each rule of README's Profiles table, on the in-process app, with
 * the FAPI conformance suite's test name where the test does what that suite test does.
 */
import { generateKeyPairSync, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { decodeJwt, decodeProtectedHeader, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import type { SandboxOptions } from '../../src/settings/options.js';
import { fakeClock } from '../support/clock.js';
import { DEMO, demoKey, demoKeyPs256, deviceClientAuth } from '../support/clients.js';
import { refusalOf } from '../support/refusals.js';
import { form, JWT_BEARER, tokenRequest } from '../support/requests.js';

const BASE = 'http://sandbox.test';
/** The mutual-TLS listener's token endpoint, as endpointsFor names it for these listeners. */
const MTLS_TOKEN_ENDPOINT = 'https://sandbox.test:4443/token';
const LISTENERS = { httpPort: 80, tlsPort: 4443 };
const clock = fakeClock(Date.UTC(2030, 5, 1));
const now = () => Math.floor(clock.now() / 1000);

const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwkOf = (key: KeyObject, kid: string): JWK => ({ ...(key.export({ format: 'jwk' }) as JWK), kid, use: 'sig' });
/** The demo clients, and an Ed25519 one and an RS256-capable one of our own. */
const CLIENTS = JSON.stringify({
  clients: [
    ...(parse(DEMO.pem('demo/clients.yaml')) as { clients: object[] }).clients,
    { client_id: 'ed-client', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwkOf(ed25519.publicKey, 'ed')] } },
    { client_id: 'rsa-client', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwkOf(rsa.publicKey, 'rsa')] } },
  ],
});

const appFor = (options: SandboxOptions) => createApp({ clientsYaml: CLIENTS, clock, trustClientCertHeader: true, ...options }, LISTENERS);
const fapi1 = appFor({});
const fapi2 = appFor({ profile: 'fapi2' });
const brasil = appFor({ profile: 'open-finance-brasil' });

interface Signer {
  clientId: string;
  key: KeyObject;
  alg: string;
}
const ES256: Signer = { clientId: DEMO.pkjwt.clientId, key: demoKey, alg: 'ES256' };
const PS256: Signer = { clientId: DEMO.pkjwtPs256.clientId, key: demoKeyPs256, alg: 'PS256' };
const EDDSA: Signer = { clientId: 'ed-client', key: ed25519.privateKey, alg: 'EdDSA' };
const RS256: Signer = { clientId: 'rsa-client', key: rsa.privateKey, alg: 'RS256' };

function assertion(signer: Signer, claims: JWTPayload = {}): Promise<string> {
  return new SignJWT({ iss: signer.clientId, sub: signer.clientId, aud: BASE, iat: now(), exp: now() + 60, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: signer.alg })
    .sign(signer.key);
}

/** A client certificate as a proxy's RFC 9440 Client-Cert header: `unregistered` chains to the demo CA, `rogue-client` does not. */
const certificateHeader = (name: 'unregistered' | 'rogue-client') => ({
  'client-cert': `:${new X509Certificate(DEMO.pem(`test/fixtures/pki/${name}.pem`)).raw.toString('base64')}:`,
});
const MTLS = certificateHeader('unregistered');

async function token(app: SandboxApp, signer: Signer, claims: JWTPayload = {}, headers: Record<string, string> = {}) {
  const res = await app.fetch(
    tokenRequest(BASE, { grant_type: 'client_credentials', client_id: signer.clientId, client_assertion_type: JWT_BEARER, client_assertion: await assertion(signer, claims) }, headers),
  );
  return { status: res.status, body: (await res.json()) as Record<string, string>, refusal: await refusalOf(app, res) };
}

async function discovery(app: SandboxApp) {
  return (await (await app.fetch(new Request(`${BASE}/.well-known/openid-configuration`))).json()) as Record<string, unknown>;
}

describe('--profile', () => {
  it('defaults to fapi1-advanced, and refuses an unknown name, naming the known ones', () => {
    expect(createApp().config.profile.name).toBe('fapi1-advanced');
    expect(() => createApp({ profile: 'fapi3' as never })).toThrow(
      'options: at profile: must be one of fapi1-advanced, fapi2, open-finance-brasil, got "fapi3"',
    );
  });
});

describe('fapi1-advanced (the default)', () => {
  it('fapi1-advanced-final-ensure-signed-client-assertion-with-RS256-fails', async () => {
    expect(await token(fapi1, RS256)).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.alg' });
  });

  it('refuses EdDSA, which FAPI 1 does not list', async () => {
    const r = await token(fapi1, EDDSA);
    expect(r.refusal).toBe('assertion.alg');
    expect(r.body.error_description).toBe('client_assertion alg EdDSA is not allowed; the fapi1-advanced profile allows PS256 and ES256');
  });

  it('takes the issuer or the token endpoint URL of either listener as aud, as a string or in an array', async () => {
    for (const aud of [BASE, `${BASE}/token`, MTLS_TOKEN_ENDPOINT, ['https://elsewhere.example', MTLS_TOKEN_ENDPOINT]]) {
      expect((await token(fapi1, ES256, { aud })).status, JSON.stringify(aud)).toBe(200);
    }
  });

  it('issues tokens without sender constraint, and binds them to a trusted certificate when one is presented', async () => {
    expect(decodeJwt((await token(fapi1, ES256)).body.access_token!).cnf).toBeUndefined();
    expect(decodeJwt((await token(fapi1, ES256, {}, MTLS)).body.access_token!).cnf).toHaveProperty(['x5t#S256']);
    expect(decodeJwt((await token(fapi1, ES256, {}, certificateHeader('rogue-client'))).body.access_token!).cnf).toBeUndefined();
  });

  it('advertises PS256 and ES256', async () => {
    expect((await discovery(fapi1)).token_endpoint_auth_signing_alg_values_supported).toEqual(['PS256', 'ES256']);
  });
});

describe('fapi2 (FAPI 2.0 Security Profile)', () => {
  // Over mutual TLS, so that the sender-constraint rule holds and only the rule under test refuses.
  const fapi2Token = (signer: Signer, claims: JWTPayload = {}) => token(fapi2, signer, claims, MTLS);

  it('accepts the issuer as a string, and binds the token to the certificate', async () => {
    const r = await fapi2Token(ES256);
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token!).cnf).toHaveProperty(['x5t#S256']);
  });

  it('fapi2-security-profile-final-par-test-array-as-audience-fails', async () => {
    const r = await fapi2Token(ES256, { aud: [BASE] });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.aud.array' });
  });

  it('fapi2-security-profile-final-par-test-token-endpoint-url-as-audience-fails (either listener)', async () => {
    for (const aud of [`${BASE}/token`, MTLS_TOKEN_ENDPOINT]) {
      expect(await fapi2Token(ES256, { aud })).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.aud.endpoint' });
    }
    expect((await fapi2Token(ES256, { aud: 'https://other-as.example' })).refusal).toBe('assertion.aud');
  });

  it('fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-8-seconds-in-the-future-is-accepted', async () => {
    expect((await fapi2Token(ES256, { nbf: now() + 8 })).status).toBe(200);
    expect((await fapi2Token(ES256, { iat: now() + 8 })).status).toBe(200);
  });

  it('fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-over-60-seconds-in-the-future-fails', async () => {
    expect((await fapi2Token(ES256, { nbf: now() + 70 })).refusal).toBe('assertion.nbf.future');
    expect((await fapi2Token(ES256, { nbf: now() + 61 })).refusal).toBe('assertion.nbf.future');
    expect((await fapi2Token(ES256, { iat: now() + 70 })).refusal).toBe('assertion.iat.future');
  });

  it('holds --clock-skew between 10 and 60 s, so that both of the above hold', () => {
    expect(() => createApp({ profile: 'fapi2', clockSkewSeconds: 5 })).toThrow(/^options: at clockSkewSeconds: must be from 10 to 60 seconds under the fapi2 profile/);
    expect(() => createApp({ profile: 'fapi2', clockSkewSeconds: 61 })).toThrow(/clockSkewSeconds/);
    expect(createApp({ profile: 'fapi2', clockSkewSeconds: 10 }).config.profile.name).toBe('fapi2');
    expect(createApp({ clockSkewSeconds: 5 }).config.profile.name).toBe('fapi1-advanced');
  });

  it('fapi2-security-profile-final-ensure-signed-client-assertion-with-RS256-fails', async () => {
    expect(await fapi2Token(RS256)).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.alg' });
  });

  it('accepts EdDSA (or Ed25519) with an Ed25519 key from the clients file, and PS256', async () => {
    expect((await fapi2Token(EDDSA)).status).toBe(200);
    expect((await fapi2Token({ ...EDDSA, alg: 'Ed25519' })).status).toBe(200); // its RFC 9864 name
    expect((await fapi2Token(PS256)).status).toBe(200);
    const forged = { ...EDDSA, key: generateKeyPairSync('ed25519').privateKey };
    expect((await fapi2Token(forged)).refusal).toBe('assertion.signature');
  });

  it('refuses a token that would not be sender-constrained, saying so', async () => {
    const r = await token(fapi2, ES256);
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_request' }, refusal: 'profile.sender_constraint.missing' });
    expect(r.body.error_description).toMatch(/sender-constrained tokens only: use mutual TLS with a trusted client certificate, or send a DPoP proof/);
    expect((await token(fapi2, ES256, {}, certificateHeader('rogue-client'))).refusal).toBe('profile.sender_constraint.missing');
  });

  it('holds only where tokens are issued: POST /device/auth needs no sender constraint', async () => {
    const app = createApp({ profile: 'fapi2' });
    const res = await app.fetch(
      new Request(`${BASE}/device/auth`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(await deviceClientAuth(BASE)) }),
    );
    expect(res.status).toBe(200);
  });

  it('advertises PS256, ES256, EdDSA and Ed25519', async () => {
    expect((await discovery(fapi2)).token_endpoint_auth_signing_alg_values_supported).toEqual(['PS256', 'ES256', 'EdDSA', 'Ed25519']);
  });

  describe('keys from jwks_uri', () => {
    let server: Server;
    let jwksUri: string;
    beforeAll(async () => {
      server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwkOf(ed25519.publicKey, 'ed')] })));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      jwksUri = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });

    it('verifies EdDSA with an Ed25519 key fetched from the jwks_uri', async () => {
      const remote = createApp(
        { profile: 'fapi2', clock, trustClientCertHeader: true, clientsYaml: `clients:\n  - { client_id: ed-remote, token_endpoint_auth_method: private_key_jwt, jwks_uri: "${jwksUri}" }\n` },
        LISTENERS,
      );
      expect((await token(remote, { ...EDDSA, clientId: 'ed-remote' }, {}, MTLS)).status).toBe(200);
    });
  });
});

describe('open-finance-brasil', () => {
  it('accepts PS256', async () => {
    expect((await token(brasil, PS256)).status).toBe(200);
  });

  it('refuses ES256, saying why', async () => {
    const r = await token(brasil, ES256);
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.alg.profile' });
    expect(r.body.error_description).toMatch(/^client_assertion alg ES256 is not allowed under the open-finance-brasil profile: Open Finance Brasil allows PS256 only/);
    expect((await token(brasil, RS256)).refusal).toBe('assertion.alg');
  });

  it('refuses a token lifetime outside 300 to 900 s at start', () => {
    expect(() => createApp({ profile: 'open-finance-brasil', tokenLifetimeSeconds: 1200 })).toThrow(
      /^options: at tokenLifetimeSeconds: must be from 300 to 900 seconds under the open-finance-brasil profile/,
    );
    expect(() => createApp({ profile: 'open-finance-brasil', tokenLifetimeSeconds: 299 })).toThrow(/tokenLifetimeSeconds/);
    expect(createApp({ profile: 'open-finance-brasil', tokenLifetimeSeconds: 300 }).config.profile.name).toBe('open-finance-brasil');
    expect(createApp({ tokenLifetimeSeconds: 1200 }).config.profile.name).toBe('fapi1-advanced');
  });

  it('binds the token to the certificate of a mutual-TLS request, and refuses one it cannot bind', async () => {
    const bound = await token(brasil, PS256, {}, MTLS);
    expect(decodeJwt(bound.body.access_token!).cnf).toHaveProperty(['x5t#S256']);
    const untrusted = await token(brasil, PS256, {}, certificateHeader('rogue-client'));
    expect(untrusted).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'profile.certificate.unbound' });
  });

  it('signs access tokens with PS256, and refuses an ES256 signing key at start', async () => {
    expect(decodeProtectedHeader((await token(brasil, PS256)).body.access_token!).alg).toBe('PS256');
    expect(() => createApp({ profile: 'open-finance-brasil', signingAlg: 'ES256' })).toThrow(
      'options: at signingAlg: signs ES256; the open-finance-brasil profile allows PS256 only',
    );
    expect(() => createApp({ profile: 'open-finance-brasil', signingKeyFile: 'demo/keys/sandbox-pkjwt.private.pem' })).toThrow(/^options: at signingKeyFile: signs ES256/);
    expect(decodeProtectedHeader((await token(fapi1, ES256)).body.access_token!).alg).toBe('ES256');
  });

  it('advertises PS256 only', async () => {
    expect((await discovery(brasil)).token_endpoint_auth_signing_alg_values_supported).toEqual(['PS256']);
  });
});
