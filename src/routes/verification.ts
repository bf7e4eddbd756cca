/**
 * The verification page at verification_uri (RFC 8628 §3.3): GET shows the code entry form, or,
 * with ?user_code=, the request to approve; POST records the decision. Errors are pages too,
 * with the status that says what went wrong.
 */
import type { SandboxConfig } from '../oauth/services.js';
import { readBody } from '../http/body.js';
import type { Transport } from '../http/exchange.js';
import type { RefusalCode, RefusalNotes } from '../http/refusal.js';
import { isFormContentType } from '../http/form.js';
import { PAGE_HEADERS } from '../pages/html.js';
import { codeEntryPage, consentPage, decisionPage } from '../pages/verification.js';
import { displayUserCode, isUserCodeShape, normaliseUserCode, type DeviceAuthorization } from '../state/device-codes.js';

const page = (status: number, html: string, interactionId: string) =>
  new Response(html, { status, headers: { ...PAGE_HEADERS, 'x-fapi-interaction-id': interactionId } });

type Lookup = { ok: true; authorization: DeviceAuthorization } | { ok: false; status: number; code: RefusalCode; error: string };

/** An error page, the code of the check that refused noted for the journal and the log line. */
function refused(notes: RefusalNotes, code: RefusalCode, status: number, html: string, interactionId: string): Response {
  notes.refusal = code;
  return page(status, html, interactionId);
}

export function verificationHandlers(config: SandboxConfig, path: string) {
  const { state: { devices }, clock } = config;

  async function lookup(typed: string): Promise<Lookup> {
    const code = normaliseUserCode(typed);
    if (code === '') return { ok: false, status: 400, code: 'user_code.missing', error: 'Enter the code shown on your device.' };
    if (!isUserCodeShape(code)) return { ok: false, status: 400, code: 'user_code.format', error: 'That is not a device code: it has 8 letters, like WDJB-MJHT.' };
    const authorization = await devices.byUserCode(code);
    if (!authorization) return { ok: false, status: 404, code: 'user_code.unknown', error: 'No device is waiting for that code. Check the code on your device and try again.' };
    if (clock.now() >= authorization.expiresAtMs) {
      return { ok: false, status: 404, code: 'user_code.expired', error: 'That code has expired. Start again on your device to get a new code.' };
    }
    if (authorization.status !== 'pending') return { ok: false, status: 404, code: 'user_code.used', error: 'That code was already used. Start again on your device if you need to.' };
    return { ok: true, authorization };
  }

  function consent(a: DeviceAuthorization) {
    const client = config.clients.get(a.clientId);
    return consentPage(path, {
      userCode: displayUserCode(a.userCode),
      clientId: a.clientId,
      clientName: client?.clientName,
      scopes: a.scope ? a.scope.split(' ') : [],
    });
  }

  return {
    async show(request: Request, interactionId: string, notes: RefusalNotes): Promise<Response> {
      const typed = new URL(request.url).searchParams.get('user_code');
      if (typed === null) return page(200, codeEntryPage(path), interactionId);
      const found = await lookup(typed);
      if (!found.ok) return refused(notes, found.code, found.status, codeEntryPage(path, found.error, typed), interactionId);
      return page(200, consent(found.authorization), interactionId);
    },

    async decide(request: Request, interactionId: string, notes: RefusalNotes, transport: Transport | undefined): Promise<Response> {
      const body = await readBody(request, config.maxBodyBytes, transport);
      if (!body.ok) return refused(notes, body.code, 400, codeEntryPage(path, `The form could not be read: ${body.description}.`), interactionId);
      const fields = new URLSearchParams(isFormContentType(request.headers.get('content-type')) ? body.text : '');
      const typed = fields.get('user_code') ?? '';
      const found = await lookup(typed);
      if (!found.ok) return refused(notes, found.code, found.status, codeEntryPage(path, found.error, typed), interactionId);
      const choice = fields.get('decision');
      if (choice !== 'approve' && choice !== 'deny') return refused(notes, 'user_code.decision', 400, consent(found.authorization), interactionId);
      const decision = choice === 'approve' ? 'approved' : 'denied';
      await devices.decide(found.authorization.userCode, decision, clock.now());
      const client = config.clients.get(found.authorization.clientId);
      return page(200, decisionPage(decision, client?.clientName ?? found.authorization.clientId), interactionId);
    },
  };
}
