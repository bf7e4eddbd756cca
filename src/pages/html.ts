/** Safe HTML building: every interpolated value goes through escapeHtml. */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const csp = (formAction: string) => `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`;

/** Pages of the sandbox are self-contained: no script, no external resources. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': csp("'self'"),
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

/**
 * The headers of a page whose form is answered with a redirect to `redirectUri`: browsers hold
 * the redirect to form-action too, so its origin (or, for a private-use scheme, the scheme) is
 * allowed beside 'self'.
 */
export function pageHeadersRedirectingTo(redirectUri: string): Record<string, string> {
  const url = new URL(redirectUri);
  const target = url.origin === 'null' ? url.protocol : url.origin;
  return { ...PAGE_HEADERS, 'content-security-policy': csp(`'self' ${target}`) };
}
