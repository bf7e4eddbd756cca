/**
 * A device authorization, and what one poll of the token endpoint does to it (RFC 8628 §3.4,
 * §3.5) as a pure function: the outcome, and the authorization as it is afterwards. A store applies it
 * atomically (in memory: read and write with nothing in between; a shared store: a transaction),
 * so two polls of one code cannot both redeem it. Checks, in order: the code (unknown, another
 * client's, already redeemed, expired), the polling pace (slow_down, and the interval grows by
 * 5 seconds), then the decision, a device scenario's automatic one included.
 */
export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'redeemed';
export type DeviceDecision = 'approved' | 'denied';

export interface DeviceAuthorization {
  readonly deviceCode: string;
  /** Normalised: eight characters, no separator. */
  readonly userCode: string;
  readonly clientId: string;
  readonly scope?: string;
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
  /** Seconds a client must wait between polls; grows by 5 on each slow_down (RFC 8628 §3.5). */
  readonly intervalSeconds: number;
  readonly lastPollMs?: number;
  /** Polls answered with something other than slow_down. */
  readonly polls: number;
  readonly status: DeviceStatus;
  /** Set by a device scenario: decide automatically once this many polls were answered pending. */
  readonly auto?: { readonly decision: DeviceDecision; readonly afterPolls: number };
}

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the polling interval. */
export const SLOW_DOWN_STEP_SECONDS = 5;

export type DevicePoll =
  | { readonly result: 'unknown' | 'other-client' | 'redeemed' | 'expired' | 'denied' | 'pending' }
  | { readonly result: 'slow_down'; readonly previousIntervalSeconds: number; readonly intervalSeconds: number }
  | { readonly result: 'approved'; readonly scope?: string };

export interface PollStep {
  poll: DevicePoll;
  /** The authorization after the poll; absent when the poll changes nothing. */
  next?: DeviceAuthorization;
}

const UNKNOWN: PollStep = { poll: { result: 'unknown' } };
const OTHER_CLIENT: PollStep = { poll: { result: 'other-client' } };
const REDEEMED: PollStep = { poll: { result: 'redeemed' } };
const EXPIRED: PollStep = { poll: { result: 'expired' } };

export function pollDevice(a: DeviceAuthorization | undefined, clientId: string, nowMs: number): PollStep {
  if (!a) return UNKNOWN;
  if (a.clientId !== clientId) return OTHER_CLIENT;
  if (a.status === 'redeemed') return REDEEMED;
  if (nowMs >= a.expiresAtMs) return EXPIRED;

  const since = a.lastPollMs ?? a.issuedAtMs;
  if (nowMs - since < a.intervalSeconds * 1000) {
    const intervalSeconds = a.intervalSeconds + SLOW_DOWN_STEP_SECONDS;
    return {
      poll: { result: 'slow_down', previousIntervalSeconds: a.intervalSeconds, intervalSeconds },
      next: { ...a, lastPollMs: nowMs, intervalSeconds },
    };
  }
  const polls = a.polls + 1;
  // A device scenario decides by itself once enough polls were answered pending.
  const status = a.status === 'pending' && a.auto && polls > a.auto.afterPolls ? a.auto.decision : a.status;
  const polled = { ...a, lastPollMs: nowMs, polls, status };
  if (status === 'denied') return { poll: { result: 'denied' }, next: polled };
  if (status === 'pending') return { poll: { result: 'pending' }, next: polled };
  return { poll: { result: 'approved', scope: a.scope }, next: { ...polled, status: 'redeemed' } };
}
