/** Scope rules shared by the grants (RFC 6749 §3.3). */
import type { RegisteredClient } from '../clients/registry.js';
import { invalidScope, type Refusal } from '../http/refusal.js';

/** The scope to grant: the requested one when the client may have all of it, else the refusal. */
export function grantedScope(client: RegisteredClient, requested: string | undefined): { scope?: string } | Refusal {
  if (client.scopes === undefined) return { scope: requested };
  // Without a scope parameter the client gets its registered scope (RFC 6749 §3.3 allows a default).
  if (requested === undefined) return { scope: [...client.scopes].join(' ') || undefined };
  const refused = requested.split(' ').filter((s) => !client.scopes!.has(s));
  if (refused.length === 0) return { scope: requested };
  return invalidScope(
    'scope.not_registered',
    `scope ${refused.join(' ')} is not registered for client "${client.clientId}" (registered: ${[...client.scopes].join(' ') || 'none'})`,
  );
}
