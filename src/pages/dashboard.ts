/**
 * The dashboard at GET /__sandbox/ (issue 16): the live journal, the findings per client, the
 * scenario catalog, recent device authorizations and pending pushed requests (the code flow's
 * authorizations) with approve and deny buttons, and a reset. The
 * HTML carries no data: the script (served beside it, so that the CSP allows only scripts from
 * the sandbox itself) reads the control API and the journal's event stream. No build step. Rows
 * expand with a button (aria-expanded), every control has a label, and the layout folds to one
 * column at phone width.
 */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f3f5f9;color:#1b2330;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
header{display:flex;flex-wrap:wrap;align-items:center;gap:12px;padding:14px 20px;background:#0b3d73;color:#fff}
header h1{font-size:18px;margin:0;flex:1 1 auto}
header .muted{color:#dbe7f5}
.badge{font-size:12px;font-weight:600;color:#8a4b00;background:#fff4e0;border-radius:999px;padding:2px 8px}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(300px,1fr);gap:16px;padding:16px 20px;align-items:start}
@media (max-width:900px){main{grid-template-columns:minmax(0,1fr);padding:12px}}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(16,24,40,.1);padding:14px 16px;min-width:0}
section.wide{grid-row:span 3}
h2{font-size:16px;margin:0 0 10px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaecf0;vertical-align:top;white-space:nowrap}
p.muted{margin:0 0 6px}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#475467}
td.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;white-space:normal;word-break:break-all;min-width:13ch;max-width:19ch}
td .muted{font-size:12px;white-space:normal;word-break:break-word}
tr.detail td{white-space:normal;background:#f9fafb}
pre{margin:0;white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.s2{color:#067647}.s4{color:#b54708}.s5,.sx{color:#b42318}
button{font:inherit;font-weight:600;border-radius:6px;border:1px solid #98a2b3;background:#fff;color:#1b2330;padding:6px 12px;cursor:pointer;min-height:32px}
button.primary{background:#0b5cad;border-color:#0b5cad;color:#fff}
button.danger{background:#fff;border-color:#b42318;color:#b42318}
header button{border-color:#fff}
:focus-visible{outline:3px solid #f79009;outline-offset:2px}
ul{list-style:none;margin:0;padding:0}
li{padding:6px 0;border-bottom:1px solid #eaecf0}
li:last-child{border-bottom:0}
.sev{display:inline-block;min-width:62px;font-size:12px;font-weight:700;text-transform:uppercase}
.sev-error{color:#b42318}.sev-warning{color:#b54708}.sev-info{color:#475467}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted{color:#667085;font-size:13px}
.device{display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.device code{font-size:16px;font-weight:700;letter-spacing:.08em}
.device .who{flex:1 1 auto;min-width:0;overflow-wrap:anywhere}
#scenarios{max-height:320px;overflow-y:auto}
`;

export function dashboardPage(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dashboard · FAPI Token Sandbox</title>
<style>${STYLE}</style>
<script src="${base}/dashboard.js" defer></script>
</head>
<body data-base="${base}">
<header>
  <h1>FAPI Token Sandbox</h1>
  <span class="badge">Sandbox only</span>
  <span id="live" class="muted" role="status" aria-live="polite">connecting…</span>
  <button type="button" id="reset" class="danger">Reset all state</button>
</header>
<main>
  <section class="wide" aria-labelledby="journal-title">
    <h2 id="journal-title">Requests <span id="count" class="muted"></span></h2>
    <p class="muted" id="journal-hint">Newest first. Expand a row for its redacted form and headers.</p>
    <div class="scroll" tabindex="0" role="region" aria-labelledby="journal-title">
      <table aria-describedby="journal-hint">
        <thead><tr><th scope="col">Time</th><th scope="col">Interaction id</th><th scope="col">Client</th><th scope="col">Path</th><th scope="col">Scenario</th><th scope="col">Status</th><th scope="col">ms</th><th scope="col"><span class="muted">Details</span></th></tr></thead>
        <tbody id="requests"></tbody>
      </table>
    </div>
  </section>
  <section aria-labelledby="findings-title">
    <h2 id="findings-title">Findings</h2>
    <div id="findings"><p class="muted">No findings.</p></div>
  </section>
  <section aria-labelledby="devices-title">
    <h2 id="devices-title">Device authorizations</h2>
    <ul id="devices"><li class="muted">None yet.</li></ul>
  </section>
  <section aria-labelledby="authorizations-title">
    <h2 id="authorizations-title">Pending authorizations</h2>
    <p class="muted" id="authorizations-hint">Pushed requests not yet opened: an answer set here is the one GET /authorize gives, without the consent page.</p>
    <ul id="authorizations" aria-describedby="authorizations-hint"><li class="muted">None pending.</li></ul>
  </section>
  <section aria-labelledby="scenarios-title">
    <h2 id="scenarios-title">Scenarios</h2>
    <ul id="scenarios" tabindex="0" aria-label="Loaded scenarios (scrolls)"></ul>
  </section>
</main>
</body>
</html>
`;
}

/** The dashboard's script: plain DOM, text only (never innerHTML), so journal values cannot inject markup. */
export const DASHBOARD_SCRIPT = `'use strict';
(() => {
  const base = document.body.dataset.base;
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) node.append(c);
    return node;
  };
  const api = async (path, init) => {
    const res = await fetch(base + path, init);
    if (!res.ok && res.status !== 404) throw new Error(path + ' answered ' + res.status);
    return res;
  };
  const decided = new Map();
  let rows = 0;

  function addRequest(entry) {
    const detailId = 'detail-' + entry.id;
    const toggle = el('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': detailId, 'aria-label': 'Details of request ' + entry.interactionId }, 'Show');
    const status = entry.status === null ? 'none' : String(entry.status);
    const row = el('tr', { 'data-interaction-id': entry.interactionId },
      el('td', {}, new Date(entry.time).toLocaleTimeString()),
      el('td', { class: 'id' }, entry.interactionId),
      el('td', {}, entry.clientId || '–'),
      el('td', {}, entry.method + ' ' + entry.path),
      el('td', {}, entry.scenario || '–'),
      el('td', { class: 's' + (entry.status === null ? 'x' : status[0]) }, status, el('div', { class: 'muted' }, entry.refusal || entry.fault || '')),
      el('td', {}, String(entry.durationMs)),
      el('td', {}, toggle));
    const detail = el('tr', { id: detailId, class: 'detail', hidden: '' },
      el('td', { colspan: '8' }, el('pre', {}, JSON.stringify({ form: entry.form, headers: entry.headers, assertion: entry.assertion, token: entry.token }, null, 2))));
    toggle.addEventListener('click', () => {
      const open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? 'Hide' : 'Show';
      detail.hidden = !open;
    });
    $('requests').prepend(row, detail);
    rows += 1;
    $('count').textContent = '(' + rows + ')';
    if (entry.userCode) addDevice(entry);
  }

  function addDevice(entry) {
    if ($('devices').querySelector('.muted')) $('devices').replaceChildren();
    const controls = decisionControls('/devices/' + encodeURIComponent(entry.userCode), entry.userCode, decided, entry.userCode);
    $('devices').prepend(el('li', { class: 'device', 'data-user-code': entry.userCode }, el('code', {}, entry.userCode), el('span', { class: 'muted who' }, entry.clientId || ''), ...controls));
  }

  /** Approve, Deny and the outcome of a control API decision at \`path\`; \`outcomes\` remembers it by \`key\` across redraws. */
  function decisionControls(path, label, outcomes, key) {
    const result = el('span', { class: 'muted', role: 'status' }, outcomes.get(key) || 'pending');
    const decide = (decision) => async () => {
      const res = await api(path + '/' + decision, { method: 'POST' });
      const text = res.status === 204 ? (decision === 'approve' ? 'approved' : 'denied') : ((await res.json()).errors || []).join('; ');
      outcomes.set(key, text);
      result.textContent = text;
    };
    const approve = el('button', { type: 'button', class: 'primary', 'aria-label': 'Approve ' + label }, 'Approve');
    const deny = el('button', { type: 'button', 'aria-label': 'Deny ' + label }, 'Deny');
    approve.addEventListener('click', decide('approve'));
    deny.addEventListener('click', decide('deny'));
    return [approve, deny, result];
  }

  // A pending request is named by the start of its id, as the list shows it.
  const presets = new Map();
  let authorizationsTimer;
  function refreshAuthorizations() {
    clearTimeout(authorizationsTimer);
    authorizationsTimer = setTimeout(async () => {
      const { authorizations } = await (await api('/authorizations')).json();
      if (!authorizations.length) return $('authorizations').replaceChildren(el('li', { class: 'muted' }, 'None pending.'));
      $('authorizations').replaceChildren(...authorizations.map(addAuthorization));
    }, 200);
  }

  function addAuthorization(a) {
    const name = a.clientId + ' ' + a.id.slice(0, 8);
    const controls = decisionControls('/authorizations/' + encodeURIComponent(a.id), 'authorization ' + name, presets, a.id);
    return el('li', { class: 'device', 'data-authorization-id': a.id },
      el('code', {}, a.id.slice(0, 8)), el('span', { class: 'muted who' }, a.clientId + (a.scope ? ' · ' + a.scope : '') + ' → ' + a.redirectUri), ...controls);
  }

  let reportTimer;
  function refreshReport() {
    clearTimeout(reportTimer);
    reportTimer = setTimeout(async () => {
      const report = await (await api('/report')).json();
      const clients = report.clients.filter((c) => c.findings.length);
      if (!clients.length) return $('findings').replaceChildren(el('p', { class: 'muted' }, 'No findings.'));
      $('findings').replaceChildren(...clients.map((c) =>
        el('div', { 'data-client': c.clientId },
          el('h3', {}, c.clientId + (c.sequenceKey ? ' (' + c.sequenceKey + ')' : '')),
          el('ul', {}, ...c.findings.map((f) =>
            el('li', { 'data-code': f.code },
              el('span', { class: 'sev sev-' + f.severity }, f.severity), ' ', el('code', {}, f.code), ' ×' + f.count,
              el('div', { class: 'muted' }, f.message + ' ' + f.reference + '. First ' + f.firstInteractionId)))))));
    }, 200);
  }

  async function loadScenarios() {
    const { scenarios } = await (await api('/scenarios')).json();
    $('scenarios').replaceChildren(...scenarios.map((s) => el('li', {}, el('code', {}, s.name), el('div', { class: 'muted' }, s.description))));
  }

  function clearAll() {
    $('requests').replaceChildren();
    $('devices').replaceChildren(el('li', { class: 'muted' }, 'None yet.'));
    rows = 0;
    $('count').textContent = '';
    refreshReport();
    refreshAuthorizations();
  }

  $('reset').addEventListener('click', async () => {
    await api('/reset', { method: 'POST' });
    clearAll();
  });

  const events = new EventSource(base + '/events');
  events.addEventListener('open', () => { $('live').textContent = 'live'; });
  events.addEventListener('error', () => { $('live').textContent = 'reconnecting…'; });
  events.addEventListener('request', (e) => {
    addRequest(JSON.parse(e.data));
    refreshReport();
    refreshAuthorizations();
  });
  events.addEventListener('cleared', clearAll);
  loadScenarios();
  refreshReport();
  refreshAuthorizations();
})();
`;

/** The dashboard runs its own script, from the sandbox only, and calls only the sandbox. */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
