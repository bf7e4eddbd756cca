/**
 * The device authorization grant's token request (RFC 8628 §3.4). No device codes are issued
 * yet (the device authorization endpoint does not exist), so every code is unknown.
 */
import type { GrantHandler } from './grant.js';

export const deviceCodeGrant: GrantHandler = {
  grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
  async handle(input, ctx) {
    const auth = await ctx.authenticator.authenticate(input);
    if (!auth.ok) return auth;
    return {
      ok: false,
      violation: { error: 'invalid_grant', description: 'the device_code is unknown to this server' },
    };
  },
};
