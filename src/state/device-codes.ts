/**
 * Outstanding device authorizations (RFC 8628), by device code and by user code, bounded in
 * memory. Codes are generated here so that uniqueness is the store's concern.
 */
import { randomBytes, randomInt } from 'node:crypto';

export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'redeemed';
export type DeviceDecision = 'approved' | 'denied';

export interface DeviceAuthorization {
  deviceCode: string;
  /** Normalised: eight characters, no separator. */
  userCode: string;
  clientId: string;
  scope?: string;
  issuedAtMs: number;
  expiresAtMs: number;
  /** Seconds a client must wait between polls; grows by 5 on each slow_down (RFC 8628 §3.5). */
  intervalSeconds: number;
  lastPollMs?: number;
  /** Polls answered with something other than slow_down. */
  polls: number;
  status: DeviceStatus;
  /** Set by a device scenario: decide automatically once this many polls were answered pending. */
  auto?: { decision: DeviceDecision; afterPolls: number };
}

export type DecideResult = 'decided' | 'unknown' | 'expired' | 'already-decided';

export interface DeviceCodeStore {
  issue(request: Pick<DeviceAuthorization, 'clientId' | 'scope' | 'intervalSeconds' | 'auto'>, lifetimeSeconds: number, nowMs?: number): DeviceAuthorization;
  byDeviceCode(deviceCode: string): DeviceAuthorization | undefined;
  byUserCode(userCode: string): DeviceAuthorization | undefined;
  /** Records a poll's effect (interval, last poll, status). */
  save(authorization: DeviceAuthorization): void;
  /** The user's (or the control API's) decision on a pending authorization. */
  decide(userCode: string, decision: DeviceDecision, nowMs?: number): DecideResult;
  clear(): void;
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

export function memoryDeviceCodeStore(capacity = DEFAULT_DEVICE_CAPACITY): DeviceCodeStore {
  const byDevice = new Map<string, DeviceAuthorization>();
  const byUser = new Map<string, DeviceAuthorization>();

  const remove = (a: DeviceAuthorization) => {
    byDevice.delete(a.deviceCode);
    byUser.delete(a.userCode);
  };

  function makeRoom(now: number) {
    for (const a of byDevice.values()) {
      if (a.expiresAtMs > now) break; // insertion order is expiry order for a fixed lifetime
      remove(a);
    }
    if (byDevice.size >= capacity) remove(byDevice.values().next().value!);
  }

  function newUserCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < USER_CODE_LENGTH; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
      if (!byUser.has(code)) return code;
    }
  }

  return {
    issue(request, lifetimeSeconds, nowMs = Date.now()) {
      makeRoom(nowMs);
      const authorization: DeviceAuthorization = {
        ...request,
        deviceCode: randomBytes(32).toString('base64url'),
        userCode: newUserCode(),
        issuedAtMs: nowMs,
        expiresAtMs: nowMs + lifetimeSeconds * 1000,
        polls: 0,
        status: 'pending',
      };
      byDevice.set(authorization.deviceCode, authorization);
      byUser.set(authorization.userCode, authorization);
      return authorization;
    },
    byDeviceCode: (deviceCode) => byDevice.get(deviceCode),
    byUserCode: (userCode) => byUser.get(normaliseUserCode(userCode)),
    save(authorization) {
      if (byDevice.has(authorization.deviceCode)) byDevice.set(authorization.deviceCode, authorization);
    },
    decide(userCode, decision, nowMs = Date.now()) {
      const a = byUser.get(normaliseUserCode(userCode));
      if (!a) return 'unknown';
      if (nowMs >= a.expiresAtMs) return 'expired';
      if (a.status !== 'pending') return 'already-decided';
      a.status = decision;
      return 'decided';
    },
    clear() {
      byDevice.clear();
      byUser.clear();
    },
  };
}
