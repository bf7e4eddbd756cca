/**
 * Control API for the code flow without a browser's click: the pushed requests not yet opened
 * (GET /__sandbox/authorizations), and an answer set on one of them ahead of the browser
 * (POST /__sandbox/authorizations/{id}/approve | /deny), so that GET /authorize redirects at once.
 * The id is the request_uri's random part. 204 when set; 404 unknown, 409 already opened (its
 * consent page decides it), 410 expired, each with an errors list.
 */
import type { SandboxConfig } from '../oauth/services.js';
import type { components } from '../generated/sandbox.js';
import { errorList, jsonResponse } from '../http/responses.js';
import { REQUEST_URI_PREFIX, type PresetResult } from '../state/pushed-requests.js';

type PendingView = components['schemas']['PendingAuthorization'];

const REFUSED: Record<Exclude<PresetResult, 'set'>, { status: number; why: string }> = {
  unknown: { status: 404, why: 'No pushed authorization request has the id' },
  used: { status: 409, why: 'The pushed authorization request was already opened at the authorization endpoint, id' },
  expired: { status: 410, why: 'The pushed authorization request has expired, id' },
};

export function pendingAuthorizations(config: SandboxConfig) {
  return async (): Promise<{ authorizations: PendingView[] }> => {
    const pending = await config.state.pushedRequests.pending(config.clock.now());
    return {
      authorizations: pending.map(({ requestUri, expiresAtMs, ...rest }) => ({ id: requestUri.slice(REQUEST_URI_PREFIX.length), requestUri, ...rest, expiresAt: new Date(expiresAtMs).toISOString() })),
    };
  };
}

export function authorizationDecisionHandler(config: SandboxConfig, decision: 'approve' | 'deny') {
  return async (id: string, interactionId: string): Promise<Response> => {
    const result = await config.state.pushedRequests.preset(`${REQUEST_URI_PREFIX}${id}`, { answer: { decision } }, config.clock.now());
    if (result === 'set') return jsonResponse(204, undefined, interactionId);
    const { status, why } = REFUSED[result];
    return errorList(status, [`${why} "${id}"`], interactionId);
  };
}
