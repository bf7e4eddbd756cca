/**
 * The device authorization grant's token request (RFC 8628 §3.4). No device codes are issued
 * yet (the device authorization endpoint does not exist), so every code is unknown.
 */
import { DEVICE_CODE_GRANT } from '../contract/request.js';
import { grantNotRegistered, type GrantHandler } from './grant.js';

export const deviceCodeGrant: GrantHandler = {
  grantTypes: [DEVICE_CODE_GRANT],
  async handle(input, { authenticator, credentials }) {
    const auth = await authenticator.authenticate(input, credentials);
    if (!auth.ok) return auth;
    const unregistered = grantNotRegistered(auth.client.clientId, auth.client.registration.grantTypes, DEVICE_CODE_GRANT);
    if (unregistered) return unregistered;
    return {
      ok: false,
      violation: { error: 'invalid_grant', description: 'the device_code is unknown to this server' },
    };
  },
};
