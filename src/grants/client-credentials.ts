/**
 * The client_credentials grant (RFC 6749 §4.4). The provider's page also lists the two client
 * authentication methods as grant values: they are client_credentials requests that use that
 * method, so this one handler serves all three.
 */
import type { GrantHandler } from './grant.js';

export const clientCredentialsGrant: GrantHandler = {
  grantTypes: ['client_credentials', 'private_key_jwt', 'tls_client_auth'],
  async handle(input, ctx) {
    const auth = await ctx.authenticator.authenticate(input);
    if (!auth.ok) return auth;
    return { ok: true, grant: { clientId: auth.client.clientId, scope: input.scope } };
  },
};
