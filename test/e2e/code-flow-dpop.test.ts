/**
 * The authorization code flow with DPoP (RFC 9449) over real HTTP, as the "Done when" has
 * it: openid-client pushes the request with a DPoP handle (the proof at PAR binds the code to the
 * key, §10.1), the authorization endpoint approves at once (--consent auto), the code is redeemed
 * with PKCE and the same handle, the token refreshed with it; introspection shows cnf.jkt, and
 * once the refresh token is revoked it is invalid_grant and inactive. Under the default profile,
 * and under fapi2 with nonces, where DPoP is what makes the tokens sender-constrained.
 */
import { calculateJwkThumbprint, decodeJwt, exportJWK, importPKCS8 } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox, type StartOptions } from '../../src/server/server.js';
import { DEMO } from '../support/clients.js';
import { journaledRefusal } from '../support/refusals.js';

async function codeClient(sandbox: RunningSandbox): Promise<client.Configuration> {
  const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-code.private.pem'), 'ES256');
  return client.discovery(new URL(sandbox.url), DEMO.code.clientId, undefined, client.PrivateKeyJwt(key), { execute: [client.allowInsecureRequests] });
}

/** The grant call fails with `error`, and the journal says which check refused it. */
async function refused(sandbox: RunningSandbox, call: Promise<unknown>, error: string, code: string): Promise<void> {
  const failure = await call.then(
    () => expect.unreachable('the call succeeded'),
    (e: unknown) => e as client.ResponseBodyError,
  );
  expect(failure).toMatchObject({ error });
  expect(await journaledRefusal(sandbox.url, failure.response.headers.get('x-fapi-interaction-id'))).toBe(code);
}

/** PAR with the DPoP handle, then the authorization endpoint; resolves to where it redirects the browser. */
async function authorize(config: client.Configuration, DPoP: client.DPoPHandle, verifier: string, state: string): Promise<URL> {
  const url = await client.buildAuthorizationUrlWithPAR(
    config,
    {
      redirect_uri: DEMO.code.redirectUri,
      scope: 'openid accounts',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    },
    { DPoP },
  );
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(303);
  return new URL(res.headers.get('location')!);
}

describe.each<[string, StartOptions]>([
  ['the default profile', {}],
  ['--profile fapi2 with --dpop-nonce (DPoP is the sender constraint)', { profile: 'fapi2', dpopNonce: true }],
])('openid-client, the code flow with DPoP, under %s', (_name, options) => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, consent: 'auto', ...options });
  });
  afterAll(() => sandbox?.close());

  it('PAR, consent, code, token, refresh, introspect, revoke: every token bound to the DPoP key', async () => {
    const config = await codeClient(sandbox);
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(config, keyPair);
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey), 'sha256');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();

    const redirected = await authorize(config, DPoP, verifier, state);
    const tokens = await client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt });
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    expect(refreshed.token_type).toBe('dpop');
    expect(decodeJwt(refreshed.access_token).cnf).toEqual({ jkt });

    expect(await client.tokenIntrospection(config, refreshed.access_token)).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt } });
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toMatchObject({ active: true, token_type: 'refresh_token', cnf: { jkt } });

    await client.tokenRevocation(config, tokens.refresh_token!);
    await refused(sandbox, client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP }), 'invalid_grant', 'refresh_token.revoked');
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, refreshed.access_token)).toEqual({ active: false });
  });

  it('refuses the code redeemed with another DPoP key than the one at PAR, and the refresh with another key', async () => {
    const config = await codeClient(sandbox);
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const other = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const redirected = await authorize(config, DPoP, verifier, state);
    const redeemed = client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP: other });
    await refused(sandbox, redeemed, 'invalid_grant', 'code.dpop_jkt_mismatch');

    const again = client.randomPKCECodeVerifier();
    const tokens = await client.authorizationCodeGrant(config, await authorize(config, DPoP, again, state), { pkceCodeVerifier: again, expectedState: state }, undefined, { DPoP });
    await refused(sandbox, client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: other }), 'invalid_grant', 'refresh_token.dpop_mismatch');
  });
});
