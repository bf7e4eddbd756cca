/**
 * The client_credentials grant (RFC 6749 §4.4). The provider's page also lists the two client
 * authentication methods as grant values: they are client_credentials requests that use that
 * method, so this one handler serves all three.
 */
import { authenticateFor, type GrantHandler } from './grant.js';
import { grantedScope } from './scope.js';

export const CLIENT_CREDENTIALS = 'client_credentials';

export const clientCredentialsGrant: GrantHandler = {
  grantTypes: ['client_credentials', 'private_key_jwt', 'tls_client_auth'],
  async handle(input, ctx) {
    const auth = await authenticateFor(CLIENT_CREDENTIALS, input, ctx);
    if (!auth.ok) return auth;
    const { clientId, registration, certificateThumbprint } = auth.client;
    const scope = grantedScope(registration, input.scope);
    if ('error' in scope) return { ok: false, violation: scope };
    return { ok: true, grant: { clientId, scope: scope.scope, certificateThumbprint } };
  },
};
