/**
 * Pushed authorization requests (RFC 9126) and the consents they lead to, bounded in memory. A
 * request_uri is taken once, by the authorization endpoint (open): it becomes a pending consent
 * with its own id and CSRF token, which the user's decision takes once (decide). Every change is
 * one atomic operation, and a stored entry is replaced, never modified: the steps are pure
 * functions (openPushed, decideConsent, presetPushed), which the Redis twin applies by compare-and-set.
 */
import { randomBytes } from 'node:crypto';
import { setBounded } from './bounded.js';

/** What the client pushed, once checked: everything the authorization code will be bound to. */
export interface PushedRequest {
  clientId: string;
  redirectUri: string;
  scope?: string;
  state?: string;
  /** RFC 7636 S256 code_challenge. */
  codeChallenge: string;
  /** RFC 9449 §10: the RFC 7638 thumbprint of the DPoP key the code is bound to (dpop_jkt, or the key of a proof sent to /par). */
  dpopJkt?: string;
  /** The authorization endpoint's answer, fixed when an authorization scenario selected it: no consent is asked. */
  preset?: PresetAuthorization;
}

/** RFC 6749 §4.1.2.1: the error codes of an authorization response. */
export const AUTHORIZATION_ERRORS = [
  'invalid_request', 'unauthorized_client', 'access_denied', 'unsupported_response_type', 'invalid_scope', 'server_error', 'temporarily_unavailable',
] as const;
export type AuthorizationError = (typeof AUTHORIZATION_ERRORS)[number];

/** How the authorization endpoint answers by itself: the user's decision, or an error. */
export type AuthorizationAnswer = { decision: 'approve' | 'deny' } | { error: AuthorizationError; description?: string };

export interface PresetAuthorization {
  /** The scenario that fixed it, for the journal; absent when the control API decided (preset). */
  scenario?: string;
  answer: AuthorizationAnswer;
}

/** RFC 9126 §2.2: the request_uri is a URN of this prefix and an unguessable reference. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** How long the user has to decide once the consent page is shown. */
export const CONSENT_LIFETIME_MS = 10 * 60 * 1000;
const DEFAULT_CAPACITY = 10_000;

export interface PendingConsent {
  /** Names the consent in the page's form. */
  consentId: string;
  /** Sent back by the page's form and in the browser's cookie; both must match on decision. */
  csrfToken: string;
  request: PushedRequest;
  expiresAtMs: number;
}

export type OpenResult =
  | { result: 'opened'; consent: PendingConsent }
  | { result: 'unknown' | 'expired' | 'used' | 'other-client' };

export type DecideResult = { result: 'decided'; request: PushedRequest } | { result: 'unknown' | 'expired' | 'used' | 'csrf' };

/** A pushed request not yet taken by the authorization endpoint, for the control API and the dashboard. */
export interface PendingAuthorization {
  requestUri: string;
  clientId: string;
  scope?: string;
  redirectUri: string;
  expiresAtMs: number;
}

export type PresetResult = 'set' | 'unknown' | 'expired' | 'used';

export interface PushedRequestStore {
  /** Stores a checked request under a new request_uri. */
  push(request: PushedRequest, lifetimeSeconds: number, nowMs: number): Promise<{ requestUri: string }>;
  /** The authorization endpoint takes `requestUri` for `clientId`: once; a request of another client is left as it is. */
  open(requestUri: string, clientId: string, nowMs: number): Promise<OpenResult>;
  /** The user's decision on a pending consent, once, when `csrfToken` is the consent's. */
  decide(consentId: string, csrfToken: string, nowMs: number): Promise<DecideResult>;
  /** The requests not yet opened nor expired, soonest expiry first. */
  pending(nowMs: number): Promise<PendingAuthorization[]>;
  /** Fixes the answer of a request not yet opened (the last one set wins), once atomically with open. */
  preset(requestUri: string, preset: PresetAuthorization, nowMs: number): Promise<PresetResult>;
}

/** A pushed request as stored: replaced, once opened, by a copy marked used. */
export interface Pushed {
  request: PushedRequest;
  expiresAtMs: number;
  used: boolean;
}

/** A pending consent as stored: replaced, once decided, by a copy marked decided. */
export interface Consent extends PendingConsent {
  decided: boolean;
}

const reference = () => randomBytes(32).toString('base64url');

/** A newly pushed request and its new request_uri. */
export function newPushed(request: PushedRequest, lifetimeSeconds: number, nowMs: number): { requestUri: string; pushed: Pushed } {
  return { requestUri: `${REQUEST_URI_PREFIX}${reference()}`, pushed: { request, expiresAtMs: nowMs + lifetimeSeconds * 1000, used: false } };
}

/**
 * What opening `entry` for `clientId` at `nowMs` does: the outcome, and when opened, the entry
 * afterwards and the new consent to store (a store writes both at once, or neither).
 */
export function openPushed(entry: Pushed | undefined, clientId: string, nowMs: number): { result: OpenResult; next?: Pushed; consent?: Consent } {
  if (!entry) return { result: { result: 'unknown' } };
  if (entry.request.clientId !== clientId) return { result: { result: 'other-client' } };
  if (entry.used) return { result: { result: 'used' } };
  if (nowMs >= entry.expiresAtMs) return { result: { result: 'expired' } };
  const consent: Consent = { consentId: reference(), csrfToken: reference(), request: entry.request, expiresAtMs: nowMs + CONSENT_LIFETIME_MS, decided: false };
  const { decided: _, ...pending } = consent;
  return { result: { result: 'opened', consent: pending }, next: { ...entry, used: true }, consent };
}

/** `entry` as a pending authorization at `nowMs`, or undefined when it was opened or has expired. */
export function pendingOf(requestUri: string, entry: Pushed, nowMs: number): PendingAuthorization | undefined {
  if (entry.used || nowMs >= entry.expiresAtMs) return undefined;
  const { clientId, scope, redirectUri } = entry.request;
  return { requestUri, clientId, ...(scope === undefined ? {} : { scope }), redirectUri, expiresAtMs: entry.expiresAtMs };
}

/** One order for every store, so that memory and Redis list alike. */
export const byExpiry = (a: PendingAuthorization, b: PendingAuthorization) => a.expiresAtMs - b.expiresAtMs || (a.requestUri < b.requestUri ? -1 : a.requestUri > b.requestUri ? 1 : 0);

/** What presetting `entry` at `nowMs` does: the outcome, and the entry afterwards when set. */
export function presetPushed(entry: Pushed | undefined, preset: PresetAuthorization, nowMs: number): { result: PresetResult; next?: Pushed } {
  if (!entry) return { result: 'unknown' };
  if (entry.used) return { result: 'used' };
  if (nowMs >= entry.expiresAtMs) return { result: 'expired' };
  return { result: 'set', next: { ...entry, request: { ...entry.request, preset } } };
}

/** What the decision with `csrfToken` at `nowMs` does to `consent`: the outcome, and the consent afterwards when decided. */
export function decideConsent(consent: Consent | undefined, csrfToken: string, nowMs: number): { result: DecideResult; next?: Consent } {
  if (!consent) return { result: { result: 'unknown' } };
  if (consent.csrfToken !== csrfToken) return { result: { result: 'csrf' } };
  if (consent.decided) return { result: { result: 'used' } };
  if (nowMs >= consent.expiresAtMs) return { result: { result: 'expired' } };
  return { result: { result: 'decided', request: consent.request }, next: { ...consent, decided: true } };
}

export function memoryPushedRequestStore(capacity = DEFAULT_CAPACITY): PushedRequestStore & { clear(): void } {
  const pushed = new Map<string, Pushed>();
  const consents = new Map<string, Consent>();
  return {
    async push(request, lifetimeSeconds, nowMs) {
      const { requestUri, pushed: entry } = newPushed(request, lifetimeSeconds, nowMs);
      setBounded(pushed, requestUri, entry, capacity);
      return { requestUri };
    },
    async open(requestUri, clientId, nowMs) {
      const { result, next, consent } = openPushed(pushed.get(requestUri), clientId, nowMs);
      if (next) pushed.set(requestUri, next);
      if (consent) setBounded(consents, consent.consentId, consent, capacity);
      return result;
    },
    async decide(consentId, csrfToken, nowMs) {
      const { result, next } = decideConsent(consents.get(consentId), csrfToken, nowMs);
      if (next) consents.set(consentId, next);
      return result;
    },
    async pending(nowMs) {
      return [...pushed].flatMap(([requestUri, entry]) => pendingOf(requestUri, entry, nowMs) ?? []).sort(byExpiry);
    },
    async preset(requestUri, preset, nowMs) {
      const { result, next } = presetPushed(pushed.get(requestUri), preset, nowMs);
      if (next) pushed.set(requestUri, next);
      return result;
    },
    clear() {
      pushed.clear();
      consents.clear();
    },
  };
}
