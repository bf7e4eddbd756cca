/**
 * DPoP (RFC 9449) over real HTTP: openid-client's DPoP handle gets a DPoP-bound token by
 * client_credentials from a sandbox under --profile fapi2 that demands nonces (the client retries
 * on use_dpop_nonce, as RFC 9449 §8 expects), and the refusals the wire can carry.
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, decodeJwt, exportJWK, importPKCS8 } from 'jose';
import * as client from 'openid-client';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { DEMO, pkjwtForm } from '../support/clients.js';
import { dpopProof, proofKey } from '../support/dpop.js';
import { journaledRefusal } from '../support/refusals.js';
import { form } from '../support/requests.js';

let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, profile: 'fapi2', dpopNonce: true });
});
afterAll(() => sandbox?.close());

async function discovered() {
  const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-pkjwt.private.pem'), 'ES256');
  return client.discovery(new URL(sandbox.url), DEMO.pkjwt.clientId, undefined, client.PrivateKeyJwt(key), { execute: [client.allowInsecureRequests] });
}

describe('openid-client with DPoP, client_credentials', () => {
  it.each(['ES256', 'EdDSA'] as const)('gets a DPoP-bound token with an %s proof key, retrying on use_dpop_nonce', async (alg) => {
    const config = await discovered();
    expect(config.serverMetadata().dpop_signing_alg_values_supported).toEqual(['PS256', 'ES256', 'EdDSA', 'Ed25519']);
    const keyPair = await client.randomDPoPKeyPair(alg);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'openid accounts' }, { DPoP: client.getDPoPHandle(config, keyPair) });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256') });
  });

  it('without DPoP (and without mutual TLS) is refused under fapi2, saying why', async () => {
    const config = await discovered();
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringMatching(/sender-constrained tokens only/),
    });
  });
});

describe('over the wire', () => {
  /** POST /token with node:http, which sends a header given as an array once per value. */
  function post(headers: Record<string, string | string[]>, body: string): Promise<{ status: number; body: Record<string, string>; headers: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${sandbox.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('fapi2-security-profile-final-dpop-negative-tests: more than one DPoP header is invalid_dpop_proof', async () => {
    const key = proofKey();
    const now = Math.floor(Date.now() / 1000);
    const proofs = await Promise.all([1, 2].map(() => dpopProof(key, `${sandbox.url}/token`, now)));
    const id = randomUUID();
    const r = await post({ dpop: proofs, 'x-fapi-interaction-id': id }, form(await pkjwtForm(sandbox.url)));
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_dpop_proof' } });
    expect(await journaledRefusal(sandbox.url, id)).toBe('dpop.multiple');
  });

  it('use_dpop_nonce carries the DPoP-Nonce header, and the nonce it gives is taken', async () => {
    const key = proofKey();
    const now = Math.floor(Date.now() / 1000);
    const first = await post({ dpop: await dpopProof(key, `${sandbox.url}/token`, now) }, form(await pkjwtForm(sandbox.url)));
    expect(first).toMatchObject({ status: 400, body: { error: 'use_dpop_nonce' } });
    const nonce = first.headers['dpop-nonce'] as string;
    const retry = await post({ dpop: await dpopProof(key, `${sandbox.url}/token`, now, { claims: { nonce } }) }, form(await pkjwtForm(sandbox.url)));
    expect(retry).toMatchObject({ status: 200, body: { token_type: 'DPoP' } });
  });
});
