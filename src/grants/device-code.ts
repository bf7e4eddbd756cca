/**
 * The device authorization grant's token request (RFC 8628 §3.4, §3.5): a device polls with its
 * device_code until the user decides. The store applies the poll (state/device-authorization.ts:
 * the code, unknown, another client's, already redeemed, expired; the polling pace, slow_down with
 * the interval grown by 5 seconds; then the user's decision); this handler says what each outcome
 * answers the authenticated client.
 */
import { DEVICE_CODE_GRANT } from '../contract/request.js';
import { accessDenied, authorizationPending, expiredToken, invalidGrant, slowDown, type Refusal } from '../http/refusal.js';
import type { Clock } from '../state/clock.js';
import type { DevicePoll } from '../state/device-authorization.js';
import type { DeviceCodeStore } from '../state/device-codes.js';
import type { GrantHandler, GrantOutcome } from './grant.js';

const refuse = (refusal: Refusal): GrantOutcome => ({ ok: false, refusal });

function refusal(poll: Exclude<DevicePoll, { result: 'approved' }>): GrantOutcome {
  switch (poll.result) {
    case 'unknown':
      return refuse(invalidGrant('device_code.unknown', 'the device_code is unknown to this server'));
    case 'other-client':
      return refuse(invalidGrant('device_code.other_client', 'the device_code was issued to another client'));
    case 'redeemed':
      return refuse(invalidGrant('device_code.redeemed', 'the device_code was already redeemed'));
    case 'expired':
      return refuse(expiredToken('device_code.expired', 'the device_code has expired; start a new device authorization'));
    case 'slow_down':
      return refuse(slowDown('device_code.slow_down', `polling faster than every ${poll.previousIntervalSeconds} s; the interval is now ${poll.intervalSeconds} s`));
    case 'denied':
      return refuse(accessDenied('device_code.denied', 'the user denied the device authorization'));
    case 'pending':
      return refuse(authorizationPending('device_code.pending', 'the user has not yet approved or denied the request'));
  }
}

export function deviceCodeGrant(devices: DeviceCodeStore, clock: Clock): GrantHandler {
  return {
    grantTypes: [DEVICE_CODE_GRANT],
    registeredGrant: DEVICE_CODE_GRANT,
    async handle(input, { clientId, certificateThumbprint, dpopJkt }) {
      const poll = await devices.poll(input.deviceCode!, clientId, clock.now());
      return poll.result === 'approved' ? { ok: true, grant: { clientId, scope: poll.scope, certificateThumbprint, dpopJkt } } : refusal(poll);
    },
  };
}
