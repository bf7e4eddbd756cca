/**
 * The client_credentials grant (RFC 6749 §4.4). The provider's page also lists the two client
 * authentication methods as grant values: they are client_credentials requests that use that
 * method, so this one handler serves all three.
 */
import type { GrantHandler } from './grant.js';
import { grantedScope } from './scope.js';

export const CLIENT_CREDENTIALS = 'client_credentials';

export const clientCredentialsGrant: GrantHandler = {
  grantTypes: ['client_credentials', 'private_key_jwt', 'tls_client_auth'],
  registeredGrant: CLIENT_CREDENTIALS,
  async handle(input, { clientId, registration, certificateThumbprint, dpopJkt }) {
    const scope = grantedScope(registration, input.scope);
    if ('error' in scope) return { ok: false, refusal: scope };
    return { ok: true, grant: { clientId, scope: scope.scope, certificateThumbprint, dpopJkt } };
  },
};
