/**
 * x-fapi-interaction-id: echoed when the request carries a valid one, generated (UUID v4) when it
 * does not. A malformed one is reported by the header rules; its response still gets a fresh id.
 */
import { randomUUID } from 'node:crypto';
import type { Check } from '../contract/schema.js';
import { INTERACTION_ID } from '../http/responses.js';

export function interactionIdFor(headers: Headers, isValid: Check): string {
  const supplied = headers.get(INTERACTION_ID);
  return supplied !== null && isValid(supplied) === undefined ? supplied : randomUUID();
}
