/**
 * The grant handlers apply only their grant's own rules to a client the client-request pipeline
 * already authenticated: given one, they issue without any credentials in the request.
 */
import { describe, expect, it } from 'vitest';
import type { AuthenticatedClient } from '../../src/clients/authenticate.js';
import type { RegisteredClient } from '../../src/clients/registry.js';
import { clientCredentialsGrant } from '../../src/grants/client-credentials.js';
import { deviceCodeGrant } from '../../src/grants/device-code.js';
import { grantHandlers } from '../../src/grants/index.js';
import { SERVED_GRANTS } from '../../src/contract/document.js';
import { memoryDeviceCodeStore } from '../../src/state/device-codes.js';
import { memoryState } from '../../src/state/index.js';
import { DEVICE_CODE_GRANT } from '../support/requests.js';

const registration: RegisteredClient = {
  clientId: 'already-authenticated',
  authMethod: 'private_key_jwt',
  scopes: new Set(['openid', 'accounts']),
  grantTypes: new Set(['client_credentials', DEVICE_CODE_GRANT]),
  redirectUris: [],
  dpopBoundAccessTokens: false,
  requirePushedAuthorizationRequests: false,
};
const client: AuthenticatedClient = { clientId: registration.clientId, registration, certificateThumbprint: 'thumb' };

describe('a grant handler given an authenticated client', () => {
  it('client_credentials issues from a form with no credentials at all', async () => {
    const input = { grantType: 'client_credentials' as const, scope: 'openid', fields: { scope: 'openid' } };
    expect(await clientCredentialsGrant.handle(input, client, { 'x5t#S256': 'thumb' })).toEqual({
      ok: true,
      grant: { clientId: 'already-authenticated', scope: 'openid', certificateThumbprint: 'thumb' },
    });
    expect(clientCredentialsGrant.registeredGrant).toBe('client_credentials');
  });

  it('client_credentials still applies its own rule, the registered scopes', async () => {
    const outcome = await clientCredentialsGrant.handle({ grantType: 'client_credentials', scope: 'payments', fields: {} }, client, {});
    expect(outcome).toMatchObject({ ok: false, refusal: { error: 'invalid_scope', code: 'scope.not_registered' } });
  });

  it('the device code grant redeems an approved code with no client assertion', async () => {
    const devices = memoryDeviceCodeStore();
    const clock = { now: () => 1_000_000 };
    const issued = await devices.issue({ clientId: client.clientId, scope: 'openid', intervalSeconds: 0 }, 600, clock.now());
    expect(await devices.decide(issued.userCode, 'approved', clock.now())).toBe('decided');
    const grant = deviceCodeGrant(devices, clock);
    const input = { grantType: DEVICE_CODE_GRANT, deviceCode: issued.deviceCode, fields: { device_code: issued.deviceCode } } as const;
    expect(await grant.handle(input, client, { 'x5t#S256': 'thumb' })).toEqual({
      ok: true,
      grant: { clientId: 'already-authenticated', scope: 'openid', certificateThumbprint: 'thumb' },
    });
    expect(grant.registeredGrant).toBe(DEVICE_CODE_GRANT);
  });
});

describe('the grants a contract may list', () => {
  it('are exactly those a handler serves, so that any grant_type a document lets through has its handler', () => {
    const served = grantHandlers(memoryState({ journalSize: 10, replayCapacity: 10 }), { now: () => 0 }, { rotateRefreshTokens: false });
    expect([...served.keys()].sort()).toEqual([...SERVED_GRANTS].sort());
  });
});
