/**
 * The device authorization grant's token request (RFC 8628 §3.4, §3.5): a device polls with its
 * device_code until the user decides. Checks, in order, for the authenticated client: the code
 * (unknown, another client's, already redeemed, expired), the polling pace (slow_down, and the
 * interval grows by 5 seconds), then the user's decision.
 */
import { DEVICE_CODE_GRANT } from '../contract/request.js';
import { accessDenied, authorizationPending, expiredToken, invalidGrant, slowDown, type Refusal } from '../http/refusal.js';
import type { DeviceAuthorization, DeviceCodeStore } from '../state/device-codes.js';
import type { GrantHandler, GrantOutcome } from './grant.js';

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the polling interval. */
const SLOW_DOWN_STEP_SECONDS = 5;

const refuse = (refusal: Refusal): GrantOutcome => ({ ok: false, refusal });

/** Applies a device scenario's automatic decision once enough polls were answered pending. */
function applyAutomaticDecision(a: DeviceAuthorization): void {
  if (a.status === 'pending' && a.auto && a.polls > a.auto.afterPolls) a.status = a.auto.decision;
}

export function pollDevice(a: DeviceAuthorization | undefined, clientId: string, nowMs: number): GrantOutcome {
  if (!a) return refuse(invalidGrant('device_code.unknown', 'the device_code is unknown to this server'));
  if (a.clientId !== clientId) return refuse(invalidGrant('device_code.other_client', 'the device_code was issued to another client'));
  if (a.status === 'redeemed') return refuse(invalidGrant('device_code.redeemed', 'the device_code was already redeemed'));
  if (nowMs >= a.expiresAtMs) return refuse(expiredToken('device_code.expired', 'the device_code has expired; start a new device authorization'));

  const since = a.lastPollMs ?? a.issuedAtMs;
  a.lastPollMs = nowMs;
  if (nowMs - since < a.intervalSeconds * 1000) {
    a.intervalSeconds += SLOW_DOWN_STEP_SECONDS;
    return refuse(
      slowDown('device_code.slow_down', `polling faster than every ${a.intervalSeconds - SLOW_DOWN_STEP_SECONDS} s; the interval is now ${a.intervalSeconds} s`),
    );
  }
  a.polls += 1;
  applyAutomaticDecision(a);

  if (a.status === 'denied') return refuse(accessDenied('device_code.denied', 'the user denied the device authorization'));
  if (a.status === 'pending') return refuse(authorizationPending('device_code.pending', 'the user has not yet approved or denied the request'));
  a.status = 'redeemed';
  return { ok: true, grant: { clientId, scope: a.scope } };
}

export function deviceCodeGrant(devices: DeviceCodeStore): GrantHandler {
  return {
    grantTypes: [DEVICE_CODE_GRANT],
    registeredGrant: DEVICE_CODE_GRANT,
    async handle(input, { clientId, certificateThumbprint }) {
      const authorization = devices.byDeviceCode(input.deviceCode!);
      const outcome = pollDevice(authorization, clientId, Date.now());
      if (authorization) devices.save(authorization);
      return outcome.ok ? { ok: true, grant: { ...outcome.grant, certificateThumbprint } } : outcome;
    },
  };
}
