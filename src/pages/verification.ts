/**
 * The device verification page (RFC 8628 §3.3): the user types the code shown on the device (or
 * arrives with it filled in), sees which client asks for which scopes, and approves or denies.
 * Plain HTML forms, so it works without JavaScript (pages/layout.ts: a visible focus ring, errors
 * announced with role="alert" and tied to the field).
 */
import { escapeHtml as e } from './html.js';
import { DECISION_BUTTONS, layout, requestRows } from './layout.js';

/** The page that asks for the user code, optionally with an error about what was typed. */
export function codeEntryPage(action: string, error?: string, typed = ''): string {
  const invalid = error !== undefined;
  return layout(
    invalid ? 'Check the code' : 'Connect a device',
    `<h1>Connect a device</h1>
<p>Enter the code shown on your device to review its request.</p>
${invalid ? `<div class="error" role="alert" id="code-error">${e(error)}</div>` : ''}
<form method="get" action="${e(action)}" novalidate>
<label for="user_code">Device code</label>
<input type="text" id="user_code" name="user_code" value="${e(typed)}" autocomplete="one-time-code" autocapitalize="characters"
 spellcheck="false" maxlength="20" required autofocus aria-describedby="${invalid ? 'code-error ' : ''}code-hint"${invalid ? ' aria-invalid="true"' : ''}>
<p class="hint" id="code-hint">8 letters, for example WDJB-MJHT. Dashes and case do not matter.</p>
<div class="actions"><button type="submit" class="primary">Continue</button></div>
</form>`,
  );
}

export interface ConsentDetails {
  userCode: string;
  clientId: string;
  clientName?: string;
  scopes: string[];
}

/** The page that shows who asks for what, with Approve and Deny. */
export function consentPage(action: string, d: ConsentDetails): string {
  const who = d.clientName ?? d.clientId;
  return layout(
    `Allow ${who}?`,
    `<h1 tabindex="-1" autofocus>Allow ${e(who)} to connect?</h1>
<p>Only continue if your device shows the code <strong>${e(d.userCode)}</strong>.</p>
<dl>
${requestRows(d, d.scopes)}
</dl>
<form method="post" action="${e(action)}">
<input type="hidden" name="user_code" value="${e(d.userCode)}">
${DECISION_BUTTONS}
</form>`,
  );
}

/** The page after a decision. */
export function decisionPage(decision: 'approved' | 'denied', who: string): string {
  const approved = decision === 'approved';
  return layout(
    approved ? 'Device connected' : 'Request denied',
    `<div class="done" aria-hidden="true">${approved ? '✅' : '🚫'}</div>
<h1 tabindex="-1" autofocus>${approved ? 'Device connected' : 'Request denied'}</h1>
<p role="status">${approved ? `${e(who)} can now continue. You can return to your device.` : `${e(who)} was not given access. You can close this page.`}</p>`,
  );
}
