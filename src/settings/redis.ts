/**
 * The shared state: `redis` (a redis:// or rediss:// URL) puts every piece of state in Redis, under
 * `redisPrefix`, so that replicas of the sandbox answer as one. Connecting is asynchronous, so it
 * happens before the configuration is resolved (app/ createSharedApp), and what it yields (the
 * connected state, the shared signing key) is handed to resolveConfig.
 */
import type { RedisState } from '../state/redis/index.js';
import { connectRedisState, StateUnavailableError } from '../state/redis/index.js';
import type { Logger } from '../log/logger.js';
import type { SigningAlg } from '../tokens/algorithms.js';
import type { SigningKey } from '../tokens/keys.js';
import { DEFAULTS } from './defaults.js';
import { OptionError } from './errors.js';
import { wholeNumber } from './numbers.js';
import { sharedDpopNonceSecret, sharedSigningKey } from './shared-signing-key.js';
import { tokenSigningAlgFor } from './profile.js';

export interface RedisOptions {
  /** Keep the state in Redis at this URL (redis:// or rediss://, e.g. redis://localhost:6379), shared by every sandbox that uses it. Default: in memory. */
  redis?: string;
  /** Starts every Redis key, so that several sandboxes can share one Redis (default fapi-token-sandbox:). */
  redisPrefix?: string;
}

/** What connecting gave: the state, the signing key every replica shares unless one is given, the DPoP nonce secret. */
export interface SharedResources {
  state: RedisState;
  signingKey?: SigningKey;
  /** The secret DPoP nonces are made with (--dpop-nonce), so that every replica takes every other's. */
  dpopNonceSecret: Buffer;
}

/** The URL without its password, to show in messages. */
export function shownUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  return shown.href;
}

export function parseRedisUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw OptionError.at('redis', `must be a redis:// or rediss:// URL, e.g. redis://localhost:6379, got "${value.replace(/\/\/[^@/]*@/, '//***@')}"`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw OptionError.at('redis', `must be a redis:// or rediss:// URL, e.g. redis://localhost:6379, got "${shownUrl(url)}"`);
  }
  if (url.hostname === '') throw OptionError.at('redis', `names no host: ${shownUrl(url)}`);
  return url;
}

function checkPrefix(prefix: string): string {
  if (prefix === '' || /[\s\u0000-\u001f]/.test(prefix)) throw OptionError.at('redisPrefix', `must be non-empty, without spaces or control characters, got "${prefix}"`);
  return prefix;
}

export interface SharedStateSettings extends RedisOptions {
  journalSize?: number;
  adminToken?: string;
  signingKeyFile?: string;
  signingAlg?: SigningAlg;
  profile?: string;
  logger?: Logger;
}

/** Connects to Redis when `redis` is given (else undefined); an unreachable Redis is an OptionError. */
export async function connectShared(options: SharedStateSettings): Promise<SharedResources | undefined> {
  if (options.redis === undefined) return undefined;
  const url = parseRedisUrl(options.redis);
  const logger = options.logger;
  let state: RedisState;
  try {
    state = await connectRedisState({
      url: url.href,
      prefix: checkPrefix(options.redisPrefix ?? DEFAULTS.redisPrefix),
      journalSize: wholeNumber('journalSize', options.journalSize, DEFAULTS.journalSize, 1),
      commandTimeoutMs: DEFAULTS.redisTimeoutMs,
      onStatus: (status, detail) =>
        logger?.(status === 'lost'
          ? { level: 'error', msg: 'shared state lost: requests that need it answer 500 until Redis is back', refusal: 'state.unavailable', detail }
          : { level: 'info', msg: 'shared state back' }),
    });
  } catch (err) {
    if (!(err instanceof StateUnavailableError)) throw err;
    throw OptionError.at('redis', `cannot reach ${shownUrl(url)}: ${err.reason}`);
  }
  try {
    const signingKey = options.signingKeyFile === undefined ? await sharedSigningKey(state, tokenSigningAlgFor(options), options.adminToken) : undefined;
    return { state, signingKey, dpopNonceSecret: await sharedDpopNonceSecret(state, options.adminToken) };
  } catch (err) {
    await state.close();
    if (err instanceof StateUnavailableError) throw OptionError.at('redis', `lost ${shownUrl(url)} at start: ${err.reason}`);
    throw err;
  }
}
