/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1) for pushed requests only (RFC 9126 §4): GET
 * /authorize?client_id=…&request_uri=… takes the request_uri once and shows the consent page (or,
 * with --consent auto, approves at once); POST /authorize records the user's decision and sends
 * the browser to the redirect_uri with the code or access_denied, state and iss (RFC 9207). A
 * pushed request stored with an authorization scenario is answered at once, as the scenario says
 * (the decision or an error of RFC 6749 §4.1.2.1), whatever the consent mode.
 *
 * The decision grants access, so it is protected from cross-site requests: the form carries the
 * consent's CSRF token, and the browser that was shown the page holds it in a SameSite=Strict,
 * HttpOnly cookie; both must match the consent's. Errors that cannot be sent to the client (no
 * trusted redirect_uri yet: an unknown client, a bad request_uri) are pages, with the status that
 * says what went wrong.
 */
import type { SandboxConfig } from '../oauth/services.js';
import { endpointsFor } from '../oauth/endpoints.js';
import { readBody } from '../http/body.js';
import type { Transport } from '../http/exchange.js';
import { isFormContentType } from '../http/form.js';
import type { RefusalCode } from '../http/refusal.js';
import type { RequestNotes } from '../http/exchange.js';
import { errorText, INTERACTION_ID } from '../http/responses.js';
import { authorizationConsentPage, authorizationErrorPage } from '../pages/consent.js';
import { PAGE_HEADERS, pageHeadersRedirectingTo } from '../pages/html.js';
import { CONSENT_LIFETIME_MS, type AuthorizationAnswer, type PendingConsent, type PresetAuthorization, type PushedRequest } from '../state/pushed-requests.js';

/** The cookie that holds one consent's CSRF token in the browser it was shown to. */
const cookieName = (consentId: string) => `sandbox-consent-${consentId}`;

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

interface Failure {
  status: number;
  code: RefusalCode;
  problem: string;
}

const failure = (status: number, code: RefusalCode, problem: string): Failure => ({ status, code, problem });
const CSRF_FAILURE = failure(403, 'consent.csrf', 'This form was not sent from the consent page this browser was shown.');

/** The error and error_description of an answer that grants nothing, or undefined for an approval. */
function errorOf(answer: AuthorizationAnswer, preset: PresetAuthorization | undefined): { error: string; description: string } | undefined {
  if ('error' in answer) return { error: answer.error, description: answer.description ?? `the sandbox scenario ${preset?.scenario} answers ${answer.error}` };
  return answer.decision === 'deny' ? { error: 'access_denied', description: 'the user denied the request' } : undefined;
}

export function authorizationHandlers(config: SandboxConfig, path: string) {
  const { state: { pushedRequests, codes }, clock, clients } = config;
  const { consent: mode, codeLifetimeSeconds } = config.flow;

  function errorPage(notes: RequestNotes, f: Failure, interactionId: string): Response {
    notes.refusal = f.code;
    return new Response(authorizationErrorPage(f.problem), { status: f.status, headers: { ...PAGE_HEADERS, [INTERACTION_ID]: interactionId } });
  }

  /** 303 to the redirect_uri with the answer (RFC 6749 §4.1.2, §4.1.2.1), state and iss (RFC 9207). */
  async function answer(request: Request, pushed: PushedRequest, given: AuthorizationAnswer, interactionId: string, extra: Record<string, string> = {}): Promise<Response> {
    const target = new URL(pushed.redirectUri);
    const refused = errorOf(given, pushed.preset);
    if (refused === undefined) {
      const { code } = await codes.issue(
        { clientId: pushed.clientId, redirectUri: pushed.redirectUri, scope: pushed.scope, codeChallenge: pushed.codeChallenge, dpopJkt: pushed.dpopJkt },
        codeLifetimeSeconds,
        clock.now(),
      );
      target.searchParams.set('code', code);
    } else {
      target.searchParams.set('error', refused.error);
      target.searchParams.set('error_description', errorText(refused.description));
    }
    if (pushed.state !== undefined) target.searchParams.set('state', pushed.state);
    target.searchParams.set('iss', endpointsFor(request.url, config).issuer);
    return new Response(null, { status: 303, headers: { location: target.href, 'cache-control': 'no-store', [INTERACTION_ID]: interactionId, ...extra } });
  }

  function consentPage(consent: PendingConsent, interactionId: string): Response {
    const { request } = consent;
    const html = authorizationConsentPage(path, {
      clientId: request.clientId,
      clientName: clients.get(request.clientId)?.clientName,
      scopes: request.scope ? request.scope.split(' ') : [],
      redirectUri: request.redirectUri,
      consentId: consent.consentId,
      csrfToken: consent.csrfToken,
    });
    const cookie = `${cookieName(consent.consentId)}=${consent.csrfToken}; Path=${path}; Max-Age=${CONSENT_LIFETIME_MS / 1000}; HttpOnly; SameSite=Strict`;
    return new Response(html, { status: 200, headers: { ...pageHeadersRedirectingTo(request.redirectUri), 'set-cookie': cookie, [INTERACTION_ID]: interactionId } });
  }

  /** The pushed request behind client_id and request_uri, taken once, or why not. */
  async function open(query: URLSearchParams): Promise<{ ok: true; consent: PendingConsent } | ({ ok: false } & Failure)> {
    const clientId = query.get('client_id');
    const requestUri = query.get('request_uri');
    if (clientId === null || clientId === '') return { ok: false, ...failure(400, 'authorize.client_id.missing', 'The request names no application (client_id is missing).') };
    if (!clients.get(clientId)) return { ok: false, ...failure(400, 'authorize.client.unknown', `No application is registered as "${clientId}".`) };
    if (requestUri === null || requestUri === '') {
      return { ok: false, ...failure(400, 'authorize.request_uri.missing', 'The request has no request_uri: this server takes only pushed authorization requests (RFC 9126).') };
    }
    const opened = await pushedRequests.open(requestUri, clientId, clock.now());
    switch (opened.result) {
      case 'opened':
        return { ok: true, consent: opened.consent };
      case 'unknown':
        return { ok: false, ...failure(404, 'authorize.request_uri.unknown', 'This request is unknown to the server.') };
      case 'other-client':
        return { ok: false, ...failure(400, 'authorize.request_uri.other_client', `This request was not made by "${clientId}".`) };
      case 'expired':
        return { ok: false, ...failure(410, 'authorize.request_uri.expired', 'This request has expired.') };
      case 'used':
        return { ok: false, ...failure(410, 'authorize.request_uri.used', 'This request was already used.') };
    }
  }

  /** The user's decision taken on the consent, once, or why not. */
  async function take(consentId: string, csrf: string): Promise<PushedRequest | Failure> {
    const decided = await pushedRequests.decide(consentId, csrf, clock.now());
    switch (decided.result) {
      case 'decided':
        return decided.request;
      case 'unknown':
        return failure(404, 'consent.unknown', 'This consent is unknown to the server.');
      case 'csrf':
        return CSRF_FAILURE;
      case 'used':
        return failure(410, 'consent.used', 'You already answered this request.');
      case 'expired':
        return failure(410, 'consent.expired', 'This consent has expired.');
    }
  }

  return {
    async show(request: Request, interactionId: string, notes: RequestNotes): Promise<Response> {
      const opened = await open(new URL(request.url).searchParams);
      if (!opened.ok) return errorPage(notes, opened, interactionId);
      const { preset } = opened.consent.request;
      if (preset?.scenario !== undefined) notes.scenario = preset.scenario; // none when the control API decided
      if (!preset && mode === 'page') return consentPage(opened.consent, interactionId);
      const taken = await take(opened.consent.consentId, opened.consent.csrfToken);
      if ('code' in taken) return errorPage(notes, taken, interactionId);
      return answer(request, taken, preset?.answer ?? { decision: 'approve' }, interactionId);
    },

    async decide(request: Request, interactionId: string, notes: RequestNotes, transport: Transport | undefined): Promise<Response> {
      const body = await readBody(request, config.maxBodyBytes, transport);
      if (!body.ok) return errorPage(notes, failure(400, body.code, `The form could not be read: ${body.description}.`), interactionId);
      const fields = new URLSearchParams(isFormContentType(request.headers.get('content-type')) ? body.text : '');
      const consentId = fields.get('consent') ?? '';
      const csrf = fields.get('csrf') ?? '';
      if (csrf === '' || cookieValue(request.headers.get('cookie'), cookieName(consentId)) !== csrf) return errorPage(notes, CSRF_FAILURE, interactionId);
      const choice = fields.get('decision');
      if (choice !== 'approve' && choice !== 'deny') return errorPage(notes, failure(400, 'consent.decision', 'Choose Approve or Deny.'), interactionId);
      const taken = await take(consentId, csrf);
      if ('code' in taken) return errorPage(notes, taken, interactionId);
      const clearCookie = `${cookieName(consentId)}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Strict`;
      return answer(request, taken, { decision: choice }, interactionId, { 'set-cookie': clearCookie });
    },
  };
}
