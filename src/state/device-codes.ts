/**
 * Outstanding device authorizations (RFC 8628), by device code and by user code, bounded in
 * memory. Codes are generated here so that uniqueness is the store's concern. The store hands out
 * no object to change: every change is an operation (issue, poll, decide), and a stored
 * authorization is replaced, never modified, so what it hands out is a snapshot.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { pollDevice, type DeviceAuthorization, type DeviceDecision, type DevicePoll } from './device-authorization.js';
import { EXPIRED_KEPT_MS } from './expiry.js';

export type { DeviceAuthorization, DeviceDecision, DeviceStatus } from './device-authorization.js';

export type DeviceRequest = Pick<DeviceAuthorization, 'clientId' | 'scope' | 'intervalSeconds' | 'auto'>;

export type DecideResult = 'decided' | 'unknown' | 'expired' | 'already-decided';

export interface DeviceCodeStore {
  /** Starts an authorization with new codes; resolves to it as issued. */
  issue(request: DeviceRequest, lifetimeSeconds: number, nowMs: number): Promise<DeviceAuthorization>;
  /** One poll of the token endpoint with `deviceCode` by `clientId` (pollDevice in device-authorization.ts), applied atomically. */
  poll(deviceCode: string, clientId: string, nowMs: number): Promise<DevicePoll>;
  /** The user's (or the control API's) decision on a pending authorization. */
  decide(userCode: string, decision: DeviceDecision, nowMs: number): Promise<DecideResult>;
  /** The authorization as it is now, for the verification page; the user code in any spelling. */
  byUserCode(userCode: string): Promise<DeviceAuthorization | undefined>;
}

/** RFC 8628 §6.1: consonants only, so that codes are easy to read and spell no words. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE_LENGTH = 8;
export const DEFAULT_DEVICE_CAPACITY = 10_000;

/** Upper-cases and drops separators, so that "wdjb-mjht" and "WDJB MJHT" are the same code. */
export function normaliseUserCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/** Shows a user code as XXXX-XXXX. */
export function displayUserCode(userCode: string): string {
  return `${userCode.slice(0, 4)}-${userCode.slice(4)}`;
}

export function isUserCodeShape(normalised: string): boolean {
  return normalised.length === USER_CODE_LENGTH && [...normalised].every((c) => USER_CODE_ALPHABET.includes(c));
}

/** One draw of a user code; the store makes sure it is not in use. */
export function randomUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

/** A new pending authorization, with a fresh device code and the given user code. */
export function newAuthorization(request: DeviceRequest, userCode: string, lifetimeSeconds: number, nowMs: number): DeviceAuthorization {
  return {
    ...request,
    deviceCode: randomBytes(32).toString('base64url'),
    userCode,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + lifetimeSeconds * 1000,
    polls: 0,
    status: 'pending',
  };
}

/** The outcome of a decision on `a` as it is at `nowMs`, and the authorization afterwards when decided. */
export function decideDevice(a: DeviceAuthorization | undefined, decision: DeviceDecision, nowMs: number): { result: DecideResult; next?: DeviceAuthorization } {
  if (!a) return { result: 'unknown' };
  if (nowMs >= a.expiresAtMs) return { result: 'expired' };
  if (a.status !== 'pending') return { result: 'already-decided' };
  return { result: 'decided', next: { ...a, status: decision } };
}

export function memoryDeviceCodeStore(capacity = DEFAULT_DEVICE_CAPACITY): DeviceCodeStore & { clear(): void } {
  const byDevice = new Map<string, DeviceAuthorization>();
  const byUser = new Map<string, DeviceAuthorization>();

  const remove = (a: DeviceAuthorization) => {
    byDevice.delete(a.deviceCode);
    byUser.delete(a.userCode);
  };
  /** Replaces the stored authorization (its insertion order, which makeRoom relies on, stays). */
  const store = (a: DeviceAuthorization) => {
    byDevice.set(a.deviceCode, a);
    byUser.set(a.userCode, a);
  };

  function makeRoom(now: number) {
    for (const a of byDevice.values()) {
      // Insertion order is expiry order for a fixed lifetime; an expired one stays a while, answered as expired.
      if (a.expiresAtMs + EXPIRED_KEPT_MS > now) break;
      remove(a);
    }
    if (byDevice.size >= capacity) remove(byDevice.values().next().value!);
  }

  function newUserCode(): string {
    for (;;) {
      const code = randomUserCode();
      if (!byUser.has(code)) return code;
    }
  }

  return {
    async issue(request, lifetimeSeconds, nowMs) {
      makeRoom(nowMs);
      const authorization = newAuthorization(request, newUserCode(), lifetimeSeconds, nowMs);
      store(authorization);
      return authorization;
    },
    async poll(deviceCode, clientId, nowMs) {
      const { poll, next } = pollDevice(byDevice.get(deviceCode), clientId, nowMs);
      if (next) store(next);
      return poll;
    },
    async decide(userCode, decision, nowMs) {
      const { result, next } = decideDevice(byUser.get(normaliseUserCode(userCode)), decision, nowMs);
      if (next) store(next);
      return result;
    },
    byUserCode: async (userCode) => byUser.get(normaliseUserCode(userCode)),
    clear() {
      byDevice.clear();
      byUser.clear();
    },
  };
}
