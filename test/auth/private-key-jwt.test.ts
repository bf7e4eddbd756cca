/**
 * private_key_jwt (RFC 7523 §3, OIDC Core §9, FAPI): one test per check, each with an assertion
 * that differs from a valid one in that one respect.
 */
import { createServer, type Server } from 'node:http';
import { constants, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { CompactSign, decodeJwt, SignJWT, type JWTPayload, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { fakeClock } from '../support/clock.js';
import { DEMO, demoKey, demoKeyPs256 } from '../support/clients.js';
import { refusalOf } from '../support/refusals.js';
import { DEVICE_CODE_GRANT, JWT_BEARER, tokenRequest, type Fields } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const app = createApp();
const KID = JSON.parse(JSON.stringify((await import('yaml')).parse(DEMO.pem('demo/clients.yaml')))).clients[0].jwks.keys[0].kid as string;
const now = () => Math.floor(Date.now() / 1000);

interface Sign {
  claims?: JWTPayload;
  drop?: (keyof JWTPayload)[];
  header?: Record<string, unknown>;
  key?: KeyObject | Uint8Array;
  alg?: string;
}

/** A valid ES256 assertion of the demo client, changed as `change` says. */
async function assertion(change: Sign = {}): Promise<string> {
  const claims: JWTPayload = {
    iss: DEMO.pkjwt.clientId,
    sub: DEMO.pkjwt.clientId,
    aud: BASE,
    iat: now(),
    exp: now() + 60,
    jti: randomUUID(),
    ...change.claims,
  };
  for (const name of change.drop ?? []) delete claims[name];
  const alg = change.alg ?? 'ES256';
  return new SignJWT(claims).setProtectedHeader({ alg, kid: KID, ...change.header }).sign(change.key ?? demoKey);
}

async function token(clientAssertion: string, extra: Fields = {}, application = app) {
  const res = await application.fetch(
    tokenRequest(BASE, {
      grant_type: 'client_credentials',
      client_id: DEMO.pkjwt.clientId,
      client_assertion_type: JWT_BEARER,
      client_assertion: clientAssertion,
      ...extra,
    }),
  );
  return { status: res.status, body: (await res.json()) as Record<string, string>, refusal: await refusalOf(application, res) };
}

/** Refused as invalid_client by the check `code` names; `description`, where the words matter to a user. */
async function expectRefused(clientAssertion: string, code: string, extra: Fields = {}, description?: RegExp) {
  const r = await token(clientAssertion, extra);
  expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: code });
  if (description) expect(r.body.error_description).toMatch(description);
}

describe('a valid assertion', () => {
  it('gets a token', async () => {
    const r = await token(await assertion());
    expect(r.status).toBe(200);
    expect(r.body.scope).toBe('openid accounts payments consents');
  });

  it('names the client by iss when client_id is not sent (RFC 7523 §3)', async () => {
    const res = await app.fetch(tokenRequest(BASE, { client_assertion_type: JWT_BEARER, client_assertion: await assertion() }));
    expect(res.status).toBe(200);
  });

  it('may carry the token endpoint URL, or an array with it, as aud', async () => {
    expect((await token(await assertion({ claims: { aud: `${BASE}/token` } }))).status).toBe(200);
    expect((await token(await assertion({ claims: { aud: ['https://elsewhere.example', `${BASE}/token`] } }))).status).toBe(200);
  });

  it('works with PS256 for a PS256 client', async () => {
    const a = await new SignJWT({ iss: DEMO.pkjwtPs256.clientId, sub: DEMO.pkjwtPs256.clientId, aud: BASE, exp: now() + 60, jti: randomUUID() })
      .setProtectedHeader({ alg: 'PS256' })
      .sign(demoKeyPs256);
    const r = await token(a, { client_id: DEMO.pkjwtPs256.clientId });
    expect(r.status).toBe(200);
  });
});

describe('the signature', () => {
  it('must verify with a registered key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expectRefused(await assertion({ key: privateKey }), 'assertion.signature');
  });

  it('covers the payload: a changed claim breaks it', async () => {
    const [h, p, s] = (await assertion()).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    claims.exp += 3000;
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    await expectRefused(tampered, 'assertion.signature');
  });

  it('must use a key the client registered (kid)', async () => {
    await expectRefused(await assertion({ header: { kid: 'someone-elses-key' } }), 'client.key.no_match');
  });

  it('rejects RS256', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectRefused(await assertion({ alg: 'RS256', key: privateKey }), 'assertion.alg');
  });

  it('rejects HS256 keyed with the public key (key confusion)', async () => {
    const publicPem = createPublicKey(demoKey).export({ format: 'pem', type: 'spki' }) as string;
    await expectRefused(await assertion({ alg: 'HS256', key: new TextEncoder().encode(publicPem) }), 'assertion.alg');
  });

  it('rejects alg none', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsecured = `${b64({ alg: 'none' })}.${b64({ iss: DEMO.pkjwt.clientId, sub: DEMO.pkjwt.clientId, aud: BASE, exp: now() + 60, jti: randomUUID() })}.`;
    await expectRefused(unsecured, 'assertion.alg');
  });

  it("rejects an algorithm other than the client's registered one", async () => {
    await expectRefused(await assertion({ alg: 'PS256', key: demoKeyPs256 }), 'assertion.alg.registered');
  });

  it('refuses two registered keys that both match an assertion without kid', async () => {
    const pair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const [first, second] = [pair(), pair()];
    const jwks = { keys: [first, second].map(({ publicKey }) => publicKey.export({ format: 'jwk' })) };
    const clientsYaml = JSON.stringify({ clients: [{ client_id: 'two-keys', token_endpoint_auth_method: 'private_key_jwt', jwks }] });
    const signed = await new SignJWT({ iss: 'two-keys', sub: 'two-keys', aud: BASE, exp: now() + 60, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(first.privateKey);
    const r = await token(signed, { client_id: 'two-keys' }, createApp({ clientsYaml }));
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'client.key.ambiguous' });
  });

  it('rejects what is not a signed JWT', async () => {
    await expectRefused('abc.def', 'assertion.format');
    await expectRefused('a.b.c.d.e', 'assertion.format');
    await expectRefused('%%%.e30.sig', 'assertion.header');
  });
});

describe('the claims', () => {
  it('iss must be the client_id', async () => {
    await expectRefused(await assertion({ claims: { iss: 'sandbox-other' } }), 'assertion.iss');
  });

  it('sub must be the client_id', async () => {
    await expectRefused(await assertion({ claims: { sub: 'someone' } }), 'assertion.sub');
  });

  it('the body client_id must be the assertion issuer', async () => {
    // Signed by sandbox-pkjwt's own key, so only the names disagree.
    const other = DEMO.pkjwtPs256.clientId;
    await expectRefused(await assertion({ claims: { iss: other, sub: other } }), 'assertion.iss');
  });

  it('aud must be the issuer or the token endpoint', async () => {
    await expectRefused(await assertion({ claims: { aud: 'https://other-as.example/token' } }), 'assertion.aud', {}, /^client_assertion aud must be the issuer or the token endpoint URL \(http:\/\/sandbox\.test, http:\/\/sandbox\.test\/token\), got 'https:\/\/other-as\.example\/token'$/);
    await expectRefused(await assertion({ drop: ['aud'] }), 'assertion.aud.missing');
  });

  it('exp is required', async () => {
    await expectRefused(await assertion({ drop: ['exp'] }), 'assertion.exp.missing');
  });

  it('exp must be in the future, within the clock skew', async () => {
    await expectRefused(await assertion({ claims: { exp: now() - 31, iat: now() - 90 } }), 'assertion.exp.expired');
    expect((await token(await assertion({ claims: { exp: now() - 20, iat: now() - 80 } }))).status).toBe(200);
  });

  it('exp must not be more than an hour ahead', async () => {
    await expectRefused(await assertion({ claims: { exp: now() + 3700 } }), 'assertion.exp.too_far');
    expect((await token(await assertion({ claims: { exp: now() + 3500 } }))).status).toBe(200);
  });

  it('iat 8 s ahead is accepted, 60 s ahead is refused (FAPI conformance)', async () => {
    expect((await token(await assertion({ claims: { iat: now() + 8 } }))).status).toBe(200);
    await expectRefused(await assertion({ claims: { iat: now() + 60 } }), 'assertion.iat.future');
  });

  it('nbf more than the skew ahead is refused', async () => {
    await expectRefused(await assertion({ claims: { nbf: now() + 60 } }), 'assertion.nbf.future');
  });

  it('iat and nbf, when present, must be NumericDates', async () => {
    await expectRefused(await assertion({ claims: { nbf: 'yesterday' as unknown as number } }), 'assertion.nbf.type');
    await expectRefused(await assertion({ claims: { iat: String(now()) as unknown as number } }), 'assertion.iat.type');
  });

  it('the payload must be a JSON object (RFC 7519 §7.2)', async () => {
    for (const payload of ['[1]', '"claims"', 'null', '42']) {
      const signed = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'ES256', kid: KID }).sign(demoKey);
      await expectRefused(signed, 'assertion.payload.object');
    }
    const notJson = await new CompactSign(new TextEncoder().encode('{not json')).setProtectedHeader({ alg: 'ES256', kid: KID }).sign(demoKey);
    await expectRefused(notJson, 'assertion.payload.json');
  });

  it('jti is required', async () => {
    await expectRefused(await assertion({ drop: ['jti'] }), 'assertion.jti.missing');
  });

  it('jti is single-use: a replay is refused', async () => {
    const once = await assertion();
    expect((await token(once)).status).toBe(200);
    await expectRefused(once, 'assertion.jti.replayed');
  });

  it('a refused assertion does not use up its jti', async () => {
    const jti = randomUUID();
    await expectRefused(await assertion({ claims: { jti, aud: 'https://wrong.example' } }), 'assertion.aud');
    expect((await token(await assertion({ claims: { jti } }))).status).toBe(200);
  });
});

describe('on the sandbox clock', () => {
  // A moved clock, years from the real one: only the sandbox's own time can make these pass.
  const clock = fakeClock(Date.UTC(2031, 0, 1));
  const moved = createApp({ clock });
  const at = () => Math.floor(clock.now() / 1000);

  it('checks exp against the injected clock, and issues tokens on it', async () => {
    const issued = await token(await assertion({ claims: { iat: at(), exp: at() + 60 } }), {}, moved);
    expect(issued.status).toBe(200);
    const claims = decodeJwt(issued.body.access_token!);
    expect(claims.iat).toBe(at());
    expect(claims.exp).toBe(at() + 900);

    const valid = await assertion({ claims: { iat: at(), exp: at() + 60 } });
    clock.advance((60 + 30) * 1000); // past exp and the clock skew
    expect(await token(valid, {}, moved)).toMatchObject({ status: 400, body: { error: 'invalid_client' }, refusal: 'assertion.exp.expired' });
  });

  it('refuses an assertion made on the real clock as expired', async () => {
    expect((await token(await assertion(), {}, moved)).refusal).toBe('assertion.exp.expired');
  });
});

describe('the client', () => {
  it('an unknown client_id is invalid_client', async () => {
    await expectRefused(await assertion({ claims: { iss: 'ghost', sub: 'ghost' } }), 'client.unknown', { client_id: 'ghost' });
  });

  it('a client registered for tls_client_auth cannot use an assertion', async () => {
    await expectRefused(await assertion(), 'client.auth_method', { client_id: DEMO.mtls.clientId });
  });

  it('a scope outside the client registration is invalid_scope', async () => {
    const r = await token(await assertion(), { scope: 'openid admin' });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_scope' }, refusal: 'scope.not_registered' });
  });

  it('a grant the client is not registered for is unauthorized_client', async () => {
    const r = await token(await assertion(), { grant_type: DEVICE_CODE_GRANT, device_code: 'x' });
    expect(r).toMatchObject({ body: { error: 'unauthorized_client' }, refusal: 'client.grant_not_registered' });
  });
});

describe('keys from jwks_uri', () => {
  let server: Server;
  let base: string;
  const strong = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = (k: KeyObject, kid: string, alg: string): JWK => ({ ...(k.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": "none"}');
      const keys = req.url === '/weak' ? [jwk(weak.publicKey, 'weak', 'PS256')] : [jwk(strong.publicKey, 'strong', 'ES256')];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const remoteApp = () =>
    createApp({
      jwksTimeoutMs: 300,
      clientsYaml: `clients:
  - { client_id: remote, token_endpoint_auth_method: private_key_jwt, jwks_uri: "${base}/good" }
  - { client_id: remote-weak, token_endpoint_auth_method: private_key_jwt, jwks_uri: "${base}/weak" }
  - { client_id: remote-slow, token_endpoint_auth_method: private_key_jwt, jwks_uri: "${base}/slow" }
  - { client_id: remote-garbage, token_endpoint_auth_method: private_key_jwt, jwks_uri: "${base}/garbage" }
`,
    });

  const signed = (clientId: string, key: KeyObject, alg: string, kid: string) =>
    new SignJWT({ iss: clientId, sub: clientId, aud: BASE, exp: now() + 60, jti: randomUUID() }).setProtectedHeader({ alg, kid }).sign(key);

  it('verifies with a fetched key', async () => {
    const r = await token(await signed('remote', strong.privateKey, 'ES256', 'strong'), { client_id: 'remote' }, remoteApp());
    expect(r.status).toBe(200);
  });

  it('refuses an RSA key under 2048 bits', async () => {
    // jose refuses to sign PS256 with a weak key, so sign by hand as a careless client would.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64({ alg: 'PS256', kid: 'weak' })}.${b64({ iss: 'remote-weak', sub: 'remote-weak', aud: BASE, exp: now() + 60, jti: randomUUID() })}`;
    const signature = sign('sha256', Buffer.from(input), { key: weak.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const r = await token(`${input}.${signature.toString('base64url')}`, { client_id: 'remote-weak' }, remoteApp());
    expect(r).toMatchObject({ body: { error: 'invalid_client' }, refusal: 'client.key.weak' });
  });

  it('answers invalid_client when the jwks_uri does not answer in time', async () => {
    const r = await token(await signed('remote-slow', strong.privateKey, 'ES256', 'strong'), { client_id: 'remote-slow' }, remoteApp());
    expect(r).toMatchObject({ body: { error: 'invalid_client' }, refusal: 'client.jwks.timeout' });
  });

  it('answers invalid_client when the jwks_uri holds no JWK Set', async () => {
    const r = await token(await signed('remote-garbage', strong.privateKey, 'ES256', 'strong'), { client_id: 'remote-garbage' }, remoteApp());
    expect(r).toMatchObject({ body: { error: 'invalid_client' }, refusal: 'client.jwks.unreadable' });
  });
});
