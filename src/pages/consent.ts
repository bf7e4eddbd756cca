/**
 * The consent page of the authorization endpoint: which application asks for which access, and
 * where the answer goes, with Deny and Approve. A plain HTML form (no JavaScript needed), its
 * consent id and CSRF token hidden in it; the heading takes the focus so that a screen reader
 * starts there and Tab reaches the buttons next.
 */
import { escapeHtml as e } from './html.js';
import { DECISION_BUTTONS, layout, requestRows } from './layout.js';

export interface ConsentView {
  clientId: string;
  clientName?: string;
  scopes: readonly string[];
  /** Where the browser is sent with the answer. */
  redirectUri: string;
  consentId: string;
  csrfToken: string;
}

export function authorizationConsentPage(action: string, v: ConsentView): string {
  const who = v.clientName ?? v.clientId;
  const target = new URL(v.redirectUri);
  // A private-use scheme (com.example.app:/cb) has no origin: the whole URI says where.
  const returnTo = target.origin === 'null' ? v.redirectUri : target.origin;
  return layout(
    `Allow ${who}?`,
    `<h1 tabindex="-1" autofocus>Allow ${e(who)} to access your account?</h1>
<p>Approve only if you started this in ${e(who)}. If you deny, it gets nothing.</p>
<dl>
${requestRows(v, v.scopes)}
<dt>You will return to</dt><dd class="uri">${e(returnTo)}</dd>
</dl>
<form method="post" action="${e(action)}">
<input type="hidden" name="consent" value="${e(v.consentId)}">
<input type="hidden" name="csrf" value="${e(v.csrfToken)}">
${DECISION_BUTTONS}
</form>`,
  );
}

/** An error the authorization endpoint cannot send to the client (RFC 6749 §4.1.2.1): it is shown to the user. */
export function authorizationErrorPage(problem: string): string {
  return layout(
    'Cannot continue',
    `<div class="done" aria-hidden="true">⚠️</div>
<h1 tabindex="-1" autofocus>This request cannot continue</h1>
<div class="error" role="alert">${e(problem)}</div>
<p>Go back to the application and start again.</p>`,
  );
}
