/**
 * Watches every request: one log line each (interaction id, client, scenario, status, time, the
 * code of the check that refused it; a warning for a refused host name) and a journal entry for
 * each request except the control API's own. Both happen after the answer, from the notes the
 * handlers left; neither ever holds a secret.
 */
import type { MiddlewareHandler } from 'hono';
import type { SandboxConfig } from '../oauth/services.js';
import { transportOf, type RequestNotes } from '../http/exchange.js';
import { peerCertificate } from '../clients/peer-certificate.js';
import { journalForm, journalHeaders } from '../http/redact.js';
import { StateUnavailableError } from '../state/index.js';

export const ADMIN_BASE = '/__sandbox';

/** Retry-After in seconds (RFC 9110 §10.2.3: delay-seconds, or an HTTP-date from now); null when absent or unreadable. */
function retryAfterSeconds(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  if (/^\d{1,9}$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - nowMs) / 1000));
}

export type ObservedEnv = { Variables: { interactionId: string; notes: RequestNotes } };

export function observe({ state, logger, clock }: SandboxConfig): MiddlewareHandler<ObservedEnv> {
  return async (c, next) => {
    // The journal tells protocol time (that of tokens and codes), so an injected clock moves it too.
    const time = new Date(clock.now()).toISOString();
    const started = performance.now();
    const notes: RequestNotes = {};
    c.set('notes', notes);
    await next();

    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    const interactionId = c.get('interactionId');
    const { pathname, search } = new URL(c.req.url);
    const status = notes.status !== undefined ? notes.status : c.res.status;
    logger({
      level: notes.refusedHost !== undefined ? 'warn' : 'info', msg: 'request', interactionId, method: c.req.method, path: pathname,
      client: notes.clientId ?? notes.form?.client_id, scenario: notes.scenario, fault: notes.fault, status, ms: durationMs,
      refusal: notes.refusal, host: notes.refusedHost,
    });
    // The control API's own requests are not journaled; nor is an answer that the state is unavailable (the journal is that state).
    if (pathname.startsWith(`${ADMIN_BASE}/`) || notes.refusal === 'state.unavailable') return;
    try {
      await state.journal.record({
        time, interactionId, method: c.req.method, path: pathname + search,
        headers: journalHeaders(c.req.raw.headers), form: journalForm(notes.form),
        scenario: notes.scenario ?? null, status, refusal: notes.refusal ?? null, fault: notes.fault ?? null, durationMs,
        clientCertificate: peerCertificate(transportOf(c.env)),
        clientId: notes.clientId ?? notes.form?.client_id ?? null, error: notes.error ?? null,
        retryAfter: retryAfterSeconds(c.res.headers.get('retry-after'), clock.now()),
        assertion: notes.assertion ?? null, token: notes.token ?? null, sequenceKey: notes.sequenceKey ?? null,
        userCode: notes.userCode ?? null,
      });
    } catch (err) {
      // The answer stands: a journal that cannot be written (shared state lost) is the operator's problem, not the client's.
      if (!(err instanceof StateUnavailableError)) throw err;
      logger({ level: 'warn', msg: 'journal entry lost', interactionId, refusal: 'state.unavailable' });
    }
  };
}
