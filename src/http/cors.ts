/**
 * Cross-origin access (CORS, in the Fetch standard), off unless the operator names the origins
 * allowed (`--cors`): then browser-based tools, such as an API portal's "try it" or a single-page
 * test client, can call the sandbox. Off, the sandbox sends no Access-Control-* header and answers
 * OPTIONS with 404, as for any undocumented method. Documented in openapi/sandbox.yaml.
 */
import type { MiddlewareHandler } from 'hono';
import { errorList, INTERACTION_ID } from './responses.js';
import type { RefusalNotes } from './refusal.js';

/** Every origin, or these serialized origins (`null` included only when listed). */
export type CorsOrigins = '*' | ReadonlySet<string>;

/** Response headers a browser script may read: the ones the contract gives meaning to. */
const EXPOSED_HEADERS = `${INTERACTION_ID}, retry-after, www-authenticate`;
/** How long a browser may reuse a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = '600';
/** A list of header names (RFC 9110 tokens), as a browser sends it in Access-Control-Request-Headers. */
const HEADER_NAMES = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

const allows = (origins: CorsOrigins, origin: string) => origins === '*' || origins.has(origin);

/**
 * Answers preflights itself (before any other route, so that the control API's bearer check,
 * which a preflight can never pass, does not refuse them) and adds the CORS headers to every other
 * answer to an allowed origin. `methodsAt` gives the methods a path is served with, or undefined
 * for an unknown path (answered 404 like any other).
 */
export function cors(origins: CorsOrigins, methodsAt: (path: string) => readonly string[] | undefined): MiddlewareHandler<{ Variables: { interactionId: string; notes: RefusalNotes } }> {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const methods = c.req.method === 'OPTIONS' ? methodsAt(c.req.path) : undefined;
    if (!methods) {
      await next();
      if (origin !== undefined && allows(origins, origin)) allowOrigin(c.res.headers, origins, origin).set('access-control-expose-headers', EXPOSED_HEADERS);
      return;
    }
    const interactionId = c.get('interactionId');
    const requestedMethod = c.req.header('access-control-request-method');
    const headers = new Headers({ allow: methods.join(', '), [INTERACTION_ID]: interactionId });
    // A plain OPTIONS (not a browser's preflight) learns the methods, RFC 9110 §9.3.7.
    if (origin === undefined || requestedMethod === undefined) return new Response(null, { status: 204, headers });
    if (!allows(origins, origin)) {
      const allowed = origins === '*' ? '*' : [...origins].join(', ');
      c.get('notes').refusal = 'cors.origin';
      return errorList(403, [`CORS: origin ${origin} is not allowed (allowed: ${allowed}); start the sandbox with --cors ${origin} to allow it`], interactionId);
    }
    allowOrigin(headers, origins, origin);
    // The browser compares the requested method with this list and reports a mismatch itself.
    headers.set('access-control-allow-methods', methods.join(', '));
    const requestedHeaders = c.req.header('access-control-request-headers');
    if (requestedHeaders !== undefined && HEADER_NAMES.test(requestedHeaders)) headers.set('access-control-allow-headers', requestedHeaders);
    headers.set('access-control-max-age', PREFLIGHT_MAX_AGE);
    return new Response(null, { status: 204, headers });
  };
}

function allowOrigin(headers: Headers, origins: CorsOrigins, origin: string): Headers {
  if (origins === '*') {
    headers.set('access-control-allow-origin', '*');
    return headers;
  }
  headers.set('access-control-allow-origin', origin);
  // The answer depends on the Origin: caches must keep one per origin.
  const vary = headers.get('vary');
  if (!vary?.toLowerCase().split(/\s*,\s*/).includes('origin')) headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
  return headers;
}

/** The methods of each route of a Hono app (its `routes`), by path, for `cors`. */
export function routeMethods(routes: readonly { method: string; path: string }[]): (path: string) => readonly string[] | undefined {
  const table = new Map<string, { pattern: RegExp; methods: string[] }>();
  for (const { method, path } of routes) {
    // Middleware ('ALL') and catch-all paths are not routes a client calls.
    if (method === 'ALL' || method === 'OPTIONS' || path.includes('*')) continue;
    let entry = table.get(path);
    if (!entry) {
      const pattern = new RegExp(`^${path.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`);
      entry = { pattern, methods: [] };
      table.set(path, entry);
    }
    if (!entry.methods.includes(method)) entry.methods.push(method);
  }
  const entries = [...table.values()];
  return (path) => entries.find((e) => e.pattern.test(path))?.methods;
}
