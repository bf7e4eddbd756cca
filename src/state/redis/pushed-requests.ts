/**
 * Pushed requests and their consents in Redis: each as JSON under its request_uri or consent id.
 * Opening a request and deciding a consent are the memory part's pure steps (openPushed,
 * decideConsent) applied by compare-and-set, the consent written in the same script as the
 * request it opens: a request_uri opens one consent, and a consent is decided once, across replicas.
 * A preset (presetPushed) is a compare-and-set too, so that it lands before an open or not at all;
 * the pending requests are read by SCAN over the part's keys.
 */
import { byExpiry, CONSENT_LIFETIME_MS, decideConsent, newPushed, openPushed, pendingOf, presetPushed, type Consent, type PendingAuthorization, type Pushed, type PushedRequestStore } from '../pushed-requests.js';
import { unavailable, type RedisClient } from './client.js';
import { EXPIRY_MARGIN_MS, SCAN_COUNT, type KeySpace } from './keys.js';
import { parseRecord, updateRecord, writeRecord } from './records.js';

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
    async pending(nowMs) {
      const found: PendingAuthorization[] = [];
      const start = pushedKey('').length;
      try {
        for await (const batch of client.scanIterator({ MATCH: keys.partPattern('par'), COUNT: SCAN_COUNT })) {
          if (batch.length === 0) continue;
          const values = await client.mGet(batch);
          batch.forEach((key, i) => {
            const entry = parseRecord<Pushed>(values[i] ?? null);
            const pending = entry && pendingOf(key.slice(start), entry, nowMs);
            if (pending) found.push(pending);
          });
        }
      } catch (err) {
        unavailable(err);
      }
      return found.sort(byExpiry);
    },
    preset: (requestUri, preset, nowMs) => updateRecord<Pushed, Awaited<ReturnType<PushedRequestStore['preset']>>>(client, pushedKey(requestUri), (entry) => presetPushed(entry, preset, nowMs)),
    decide: (consentId, csrfToken, nowMs) => updateRecord<Consent, Awaited<ReturnType<PushedRequestStore['decide']>>>(client, consentKey(consentId), (consent) => decideConsent(consent, csrfToken, nowMs)),
  };
}
