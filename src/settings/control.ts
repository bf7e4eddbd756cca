/**
 * The options of what surrounds the endpoints (the rate limit, the control API and its journal,
 * logs) and the checks that keep them safe: the control API is never open beyond loopback without
 * a token.
 */
import { quietLogger, type Logger } from '../log/logger.js';
import type { SandboxConfig } from '../oauth/services.js';
import type { RateLimit } from '../state/index.js';
import { OptionError } from './errors.js';
import { wholeNumber } from './numbers.js';
import { isLoopback } from '../http/network.js';

export interface ControlOptions {
  /** A per-client rate limit (token bucket, keyed by client_id): e.g. { requests: 10, windowMs: 1000 }. Default none. */
  rateLimit?: RateLimit;
  /** The control API under /__sandbox/ (default true). */
  admin?: boolean;
  /** A bearer token the control API then requires; needed when listening beyond loopback. */
  adminToken?: string;
  /** How many requests the journal keeps (default 500). */
  journalSize?: number;
  /** Where log records go: one per request, and live reload's. Default: nowhere. */
  logger?: Logger;
}

/** The part of the services that resolveControl builds. */
export type ControlConfig = Pick<SandboxConfig, 'rateLimit' | 'admin' | 'logger'>;

// RFC 6750 §2.1 b64token; 16 characters at least so that the token is not guessable in practice.
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]{16,}=*$/;

export function resolveControl(options: ControlOptions): ControlConfig {
  const { rateLimit, adminToken } = options;
  if (rateLimit) {
    wholeNumber('rateLimit.requests', rateLimit.requests, 0, 1);
    wholeNumber('rateLimit.windowMs', rateLimit.windowMs, 0, 1);
  }
  if (adminToken !== undefined && !BEARER_TOKEN.test(adminToken)) {
    throw new OptionError('the admin token must be at least 16 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -hex 16)');
  }
  return {
    rateLimit,
    admin: options.admin === false ? undefined : { token: adminToken },
    logger: options.logger ?? quietLogger,
  };
}

/** Refuses to expose the control API beyond loopback without a token. */
export function checkAdminExposure(host: string, config: ControlConfig): void {
  if (config.admin && config.admin.token === undefined && !isLoopback(host)) {
    throw new OptionError(
      `the control API (/__sandbox/) would be open to the network on ${host}: set an admin token (--admin-token or SANDBOX_ADMIN_TOKEN; generate makes a random one, printed at start) or turn it off (--no-admin)`,
    );
  }
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Reads a rate limit written as REQUESTS/WINDOW: 10/1s, 100/1m, 5/500ms. */
export function parseRateLimit(text: string): RateLimit {
  const m = /^(\d{1,9})\/(\d{1,9})(ms|s|m|h)$/.exec(text.trim());
  const limit = m && { requests: Number(m[1]), windowMs: Number(m[2]) * UNIT_MS[m[3]!]! };
  if (!limit || limit.requests < 1 || limit.windowMs < 1) {
    throw new OptionError(`--rate-limit must be REQUESTS/WINDOW with a unit of ms, s, m or h, e.g. 10/1s; got "${text}"`);
  }
  return limit;
}
