/**
 * The host names the sandbox answers to, against DNS rebinding: a web page whose name an attacker
 * points at 127.0.0.1 is same-origin with the sandbox for the browser, and could read the journal
 * or approve device codes, so a request over a listener is answered only when its host (the Host
 * header, or an absolute request target) is a loopback name or one the operator allowed. The port
 * does not matter. `app.fetch` calls from the same process are no network request and are exempt.
 * settings/allowed-hosts.ts reads the operator's list.
 */
import type { MiddlewareHandler } from 'hono';
import { isLoopback } from './network.js';
import { transportOf, type RequestNotes } from './exchange.js';
import { invalidRequest, refusalResponse } from './refusal.js';
import type { AnswerStyle } from './responses.js';

/** Every host, or loopback names and these host names (lower case, no trailing dot). */
export type AllowedHosts = { any: true } | { any: false; names: Set<string> };

/** A URL's hostname as compared here: IPv6 without brackets, without the root's trailing dot. */
export const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

function allowsHost(allowed: AllowedHosts, hostname: string): boolean {
  const host = bare(hostname);
  return allowed.any || isLoopback(host) || allowed.names.has(host);
}

/** What the refusal may repeat of the host: RFC 6749 §5.2 limits error_description to printable ASCII without " and \. */
const quotable = (host: string) => (/^[a-z0-9.\-_:[\]]{1,253}$/.test(host) ? host : undefined);

/** `styleFor`: how the refusal looks at a path (the token contract's 400 on POST /token). */
export function allowedHosts(allowed: AllowedHosts, styleFor: (path: string) => AnswerStyle): MiddlewareHandler<{ Variables: { interactionId: string; notes: RequestNotes } }> {
  return async (c, next) => {
    const incoming = transportOf(c.env)?.incoming;
    if (allowed.any || !incoming) return next();
    // Without a Host header (HTTP/1.0) the URL names the bound address, which no client chose.
    const hostname = incoming.headers.host === undefined ? undefined : new URL(c.req.url).hostname;
    if (hostname !== undefined && allowsHost(allowed, hostname)) return next();

    const notes = c.get('notes');
    notes.refusedHost = hostname?.slice(0, 253) ?? null;
    const shown = hostname === undefined ? undefined : quotable(hostname);
    const description =
      hostname === undefined
        ? 'the request has no Host header; this sandbox answers only requests that name a host it serves (localhost, 127.0.0.1, [::1] or one allowed with --allowed-hosts)'
        : `the Host ${shown ?? 'of this request'} is not one this sandbox answers to (localhost, 127.0.0.1, [::1] and the hosts allowed with --allowed-hosts or SANDBOX_ALLOWED_HOSTS); start it with --allowed-hosts ${shown ?? 'NAME'} to serve this name`;
    return refusalResponse(invalidRequest('host.not_allowed', description), notes, c.get('interactionId'), styleFor(c.req.path));
  };
}
