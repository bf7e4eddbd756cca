/** clientAssertion for the user's own clients: keys given as a file, PEM text, a KeyObject or a private JWK. */
import { createPublicKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { jwkThumbprint } from '../../src/tokens/keys.js';
import { startTestSandbox, type ClientKey, type TestSandbox } from '../../src/testing.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const keys = { file: ec(), pem: ec(), object: ec(), jwk: ec(), rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, other: ec() };
const publicJwk = (key: KeyObject) => createPublicKey(key).export({ format: 'jwk' }) as JWK;
const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }) as string;
const JWK_KID = 'tpp-jwk-2026';
const OTHER_KID = 'tpp-other-2026';
const kidOf = (name: string, key: KeyObject) => (name === 'jwk' ? JWK_KID : name === 'other' ? OTHER_KID : jwkThumbprint(publicJwk(key)));

// One client per key form, registered with the kid its assertions carry: a JWK's own, else the thumbprint.
const clientsYaml = `clients:\n${Object.entries(keys)
  .map(([name, key]) => {
    const jwks = JSON.stringify({ keys: [{ ...publicJwk(key), kid: kidOf(name, key) }] });
    return `  - { client_id: tpp-${name}, token_endpoint_auth_method: private_key_jwt, scope: accounts, jwks: ${jwks} }`;
  })
  .join('\n')}\n`;

const dir = mkdtempSync(join(tmpdir(), 'testing-keys-'));
const keyFile = join(dir, 'tpp-file.private.pem');
writeFileSync(keyFile, pem(keys.file));
const clientKeys: Record<string, ClientKey> = {
  'tpp-file': keyFile,
  'tpp-pem': pem(keys.pem),
  'tpp-object': keys.object,
  'tpp-jwk': { ...(keys.jwk.export({ format: 'jwk' }) as JsonWebKey), kid: JWK_KID },
  'tpp-rsa': pem(keys.rsa),
};

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ clientsYaml, clientKeys });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const token = async (clientId: string, assertion: string) =>
  (await fetch(tokenRequest(sandbox.url, { client_id: clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion }))).status;

describe('a registered client of your own', () => {
  it.each(Object.keys(clientKeys))('%s gets a token with its key from clientKeys', async (clientId) => {
    expect(await token(clientId, await sandbox.clientAssertion(clientId))).toBe(200);
  });

  it('signs PS256 with an RSA key', async () => {
    const header = JSON.parse(Buffer.from((await sandbox.clientAssertion('tpp-rsa')).split('.')[0]!, 'base64url').toString());
    expect(header.alg).toBe('PS256');
  });

  it('sends the kid of a JWK, and the key thumbprint otherwise', async () => {
    const kid = async (clientId: string) => JSON.parse(Buffer.from((await sandbox.clientAssertion(clientId)).split('.')[0]!, 'base64url').toString()).kid;
    expect(await kid('tpp-jwk')).toBe(JWK_KID);
    expect(await kid('tpp-pem')).toBe(jwkThumbprint(publicJwk(keys.pem)));
  });

  it('takes a key and a kid per call', async () => {
    expect(await token('tpp-other', await sandbox.clientAssertion('tpp-other', { key: pem(keys.other), kid: OTHER_KID }))).toBe(200);
    expect(await token('tpp-other', await sandbox.clientAssertion('tpp-other', { key: JSON.stringify({ ...(keys.other.export({ format: 'jwk' }) as JsonWebKey), kid: OTHER_KID }) }))).toBe(200);
    // The wrong key makes a real assertion that the sandbox refuses.
    expect(await token('tpp-pem', await sandbox.clientAssertion('tpp-pem', { key: keys.other }))).toBe(400);
  });

  it('names the option to set when no key is known', async () => {
    await expect(sandbox.clientAssertion('tpp-other')).rejects.toThrow(
      /^fapi-token-sandbox\/testing: no private key is known for client "tpp-other": set clientKeys: \{ 'tpp-other': .*, or pass \{ key \} to clientAssertion$/,
    );
  });

  it('does not give the demo keys to demo client ids that have no key file', async () => {
    await expect(sandbox.clientAssertion('sandbox-mtls')).rejects.toThrow(/no private key is known for client "sandbox-mtls"/);
    await expect(sandbox.clientAssertion('../pki/client')).rejects.toThrow(/no private key is known for client "\.\.\/pki\/client"/);
  });
});

describe('a key that cannot sign', () => {
  it.each<[string, ClientKey, RegExp]>([
    ['a missing file', join(dir, 'missing.pem'), /^clientKeys\['x'\]: \S+missing\.pem is not a readable private key: ENOENT$/],
    ['PEM text that is no key', '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n', /^clientKeys\['x'\]: is not a readable private key: /],
    ['a public JWK', publicJwk(keys.pem) as JsonWebKey, /^clientKeys\['x'\]: is not a readable private key: /],
    ['a public KeyObject', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, /^clientKeys\['x'\]: is a public key; a client assertion needs the private key$/],
  ])('%s is refused at start, naming the client', async (_, key, message) => {
    await expect(startTestSandbox({ clientKeys: { x: key } })).rejects.toThrow(message);
  });

  it('given per call, is refused naming the call', async () => {
    await expect(sandbox.clientAssertion('tpp-pem', { key: join(dir, 'missing.pem') })).rejects.toThrow(
      /^clientAssertion\('tpp-pem', \{ key \}\): \S+missing\.pem is not a readable private key: ENOENT$/,
    );
  });
});
