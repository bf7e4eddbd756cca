/**
 * Pushed requests and their consents in Redis: each as JSON under its request_uri or consent id.
 * Opening a request and deciding a consent are the memory part's pure steps (openPushed,
 * decideConsent) applied by compare-and-set, the consent written in the same script as the
 * request it opens: a request_uri opens one consent, and a consent is decided once, across replicas.
 */
import { CONSENT_LIFETIME_MS, decideConsent, newPushed, openPushed, type Consent, type Pushed, type PushedRequestStore } from '../pushed-requests.js';
import type { RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, type KeySpace } from './keys.js';
import { updateRecord, writeRecord } from './records.js';

export function redisPushedRequestStore(client: RedisClient, keys: KeySpace): PushedRequestStore {
  const pushedKey = (requestUri: string) => keys.state('par', requestUri);
  const consentKey = (consentId: string) => keys.state('consent', consentId);
  return {
    async push(request, lifetimeSeconds, nowMs) {
      const { requestUri, pushed } = newPushed(request, lifetimeSeconds, nowMs);
      // Kept past its expiry, so that a late use is told expired, as in memory.
      await writeRecord(client, { key: pushedKey(requestUri), value: pushed, ttlMs: lifetimeSeconds * 1000 + EXPIRY_MARGIN_MS });
      return { requestUri };
    },
    open: (requestUri, clientId, nowMs) =>
      updateRecord<Pushed, Awaited<ReturnType<PushedRequestStore['open']>>>(client, pushedKey(requestUri), (entry) => {
        const { result, next, consent } = openPushed(entry, clientId, nowMs);
        const created = consent ? [{ key: consentKey(consent.consentId), value: consent, ttlMs: CONSENT_LIFETIME_MS + EXPIRY_MARGIN_MS }] : [];
        return { result, next, created };
      }),
    decide: (consentId, csrfToken, nowMs) => updateRecord<Consent, Awaited<ReturnType<PushedRequestStore['decide']>>>(client, consentKey(consentId), (consent) => decideConsent(consent, csrfToken, nowMs)),
  };
}
