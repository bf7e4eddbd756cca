/**
 * The host names the sandbox answers to, against DNS rebinding: a web page whose name an attacker
 * points at 127.0.0.1 is same-origin with the sandbox for the browser, and could read the journal
 * or approve device codes, so a request over a listener is answered only when its host (the Host
 * header, or an absolute request target) is a loopback name or one the operator allowed. The port
 * does not matter. `app.fetch` calls from the same process are no network request and are exempt.
 */
import { isIP } from 'node:net';
import type { MiddlewareHandler } from 'hono';
import { ConfigError } from '../config/errors.js';
import { isLoopback } from '../config/network.js';
import { transportOf, type RequestNotes } from './exchange.js';
import { tokenError } from './responses.js';

/** Every host, or loopback names and these host names (lower case, no trailing dot). */
export type AllowedHosts = { any: true } | { any: false; names: Set<string> };

/** The check this refusal names in the log line. */
const HOST_NOT_ALLOWED = 'host_not_allowed';

/** A URL's hostname as compared here: IPv6 without brackets, without the root's trailing dot. */
const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');

/** Checks the allowed hosts (`*`, or names and addresses without scheme or port) and adds the issuer's. */
export function parseAllowedHosts(entries: readonly string[], issuer: string | undefined): AllowedHosts {
  const trimmed = entries.map((e) => e.trim()).filter((e) => e !== '');
  if (trimmed.includes('*')) {
    if (trimmed.length > 1) throw new ConfigError('options', 'allowedHosts', '* allows every host and cannot be combined with others');
    return { any: true };
  }
  const names = new Set(trimmed.map(hostName));
  if (issuer !== undefined) names.add(bare(new URL(issuer).hostname));
  return { any: false, names };
}

function hostName(entry: string): string {
  let url: URL | undefined;
  try {
    url = new URL(`http://${isIP(entry) === 6 ? `[${entry}]` : entry}/`);
  } catch {
    url = undefined;
  }
  if (!url || url.host !== url.hostname || url.pathname !== '/' || url.username !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigError('options', 'allowedHosts', `"${entry}" is not a host name: give names or addresses such as sandbox or my-host.example, without scheme or port`);
  }
  return bare(url.hostname);
}

/** Adds a host, such as the address the sandbox was bound to. */
export function allowHost(allowed: AllowedHosts, host: string): void {
  if (!allowed.any) allowed.names.add(hostName(host));
}

function allowsHost(allowed: AllowedHosts, hostname: string): boolean {
  const host = bare(hostname);
  return allowed.any || isLoopback(host) || allowed.names.has(host);
}

/** What the refusal may repeat of the host: RFC 6749 §5.2 limits error_description to printable ASCII without " and \. */
const quotable = (host: string) => (/^[a-z0-9.\-_:[\]]{1,253}$/.test(host) ? host : undefined);

export function allowedHosts(allowed: AllowedHosts): MiddlewareHandler<{ Variables: { interactionId: string; notes: RequestNotes } }> {
  return async (c, next) => {
    const incoming = transportOf(c.env)?.incoming;
    if (allowed.any || !incoming) return next();
    // Without a Host header (HTTP/1.0) the URL names the bound address, which no client chose.
    const hostname = incoming.headers.host === undefined ? undefined : new URL(c.req.url).hostname;
    if (hostname !== undefined && allowsHost(allowed, hostname)) return next();

    c.get('notes').refused = { check: HOST_NOT_ALLOWED, host: hostname?.slice(0, 253) ?? null };
    const shown = hostname === undefined ? undefined : quotable(hostname);
    const description =
      hostname === undefined
        ? 'the request has no Host header; this sandbox answers only requests that name a host it serves (localhost, 127.0.0.1, [::1] or one allowed with --allowed-hosts)'
        : `the Host ${shown ?? 'of this request'} is not one this sandbox answers to (localhost, 127.0.0.1, [::1] and the hosts allowed with --allowed-hosts or SANDBOX_ALLOWED_HOSTS); start it with --allowed-hosts ${shown ?? 'NAME'} to serve this name`;
    return tokenError('invalid_request', description, c.get('interactionId'));
  };
}
