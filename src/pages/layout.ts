/**
 * The frame and style every page of the sandbox shares (the device verification page, the consent
 * page, their error pages): self-contained (no script, no external resource), readable at phone
 * and desktop widths, a visible focus ring.
 */
import { escapeHtml as e } from './html.js';

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#f3f5f9;
  font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b2330}
main{width:min(440px,100% - 32px);background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,24,40,.1),0 8px 24px rgba(16,24,40,.08);padding:32px}
.brand{display:flex;align-items:center;gap:10px;font-weight:600;color:#0b5cad;margin-bottom:24px}
.brand svg{flex:none}
.badge{margin-left:auto;font-size:12px;font-weight:600;color:#8a4b00;background:#fff4e0;border:1px solid #f3c98b;border-radius:999px;padding:2px 8px}
h1{font-size:22px;line-height:1.3;margin:0 0 8px}
p{margin:0 0 16px;color:#475467}
label{display:block;font-weight:600;margin-bottom:6px}
input[type=text]{width:100%;font:600 22px/1.2 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.12em;text-transform:uppercase;
  padding:12px 14px;border:1px solid #98a2b3;border-radius:8px;color:#1b2330}
input[aria-invalid=true]{border-color:#c4320a}
.hint{font-size:14px;color:#667085;margin:6px 0 0}
.error{display:flex;gap:8px;background:#fef3f2;border:1px solid #fda29b;color:#912018;border-radius:8px;padding:10px 12px;margin:0 0 16px;font-size:15px}
.actions{display:flex;gap:12px;margin-top:24px}
button{flex:1;font-family:inherit;font-weight:600;font-size:16px;line-height:1;padding:14px 16px;border-radius:8px;border:1px solid transparent;cursor:pointer}
.primary{background:#0b5cad;color:#fff}.primary:hover{background:#094b8e}
.secondary{background:#fff;color:#1b2330;border-color:#d0d5dd}.secondary:hover{background:#f9fafb}
:focus-visible{outline:3px solid #f79009;outline-offset:2px}
h1[tabindex]:focus{outline:none}
dl{margin:0;border:1px solid #eaecf0;border-radius:8px;padding:12px 16px}
dt{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#667085}
dd{margin:0 0 10px;font-weight:600}dd:last-child{margin-bottom:0}
dd.uri{font:500 14px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
ul.scopes{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:6px}
ul.scopes li{font:500 14px/1.2 ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef4fb;color:#0b5cad;border-radius:6px;padding:4px 8px}
.done{font-size:40px;line-height:1;margin-bottom:12px}
footer{margin-top:24px;font-size:13px;color:#98a2b3}
`;

const LOGO = `<svg width="28" height="28" viewBox="0 0 28 28" aria-hidden="true"><rect width="28" height="28" rx="7" fill="#0b5cad"/><path d="M8 14.5l4 4 8-9" stroke="#fff" stroke-width="2.6" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;

export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} · FAPI Token Sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand">${LOGO}<span>FAPI Token Sandbox</span><span class="badge">Sandbox</span></div>
${body}
<footer>A test double of an Open Finance authorisation server. Never enter real credentials here.</footer>
</main>
</body>
</html>
`;
}


/** Who asks for what, as both consent pages show it: the application (its name, else its client_id) and the scopes. */
export function requestRows(who: { clientId: string; clientName?: string }, scopes: readonly string[]): string {
  const list = scopes.length ? `<ul class="scopes">${scopes.map((s) => `<li>${e(s)}</li>`).join('')}</ul>` : '<span>No specific scope</span>';
  return `<dt>Application</dt><dd>${e(who.clientName ?? who.clientId)}${who.clientName ? ` <span class="hint">(${e(who.clientId)})</span>` : ''}</dd>
<dt>Access requested</dt><dd>${list}</dd>`;
}

/** Deny and Approve, the `decision` of both consent forms (Deny first: the safe choice comes before the primary one). */
export const DECISION_BUTTONS = `<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary">Approve</button>
</div>`;
