/**
 * The connection to Redis (node-redis's @redis/client): connects at start or fails, then stays
 * bounded in time while it runs. No offline queue (a command while disconnected fails at once)
 * and a timeout on every command, sent or not, so that a lost or frozen Redis makes a request
 * fail within commandTimeoutMs rather than hang; the client reconnects by itself. Its 'error'
 * events are handled (an unhandled one would crash the process) and reported once per outage.
 */
import { createHash } from 'node:crypto';
import type { createClient, ErrorReply as ErrorReplyClass } from '@redis/client';
import { StateUnavailableError } from '../unavailable.js';

export type RedisClient = ReturnType<typeof createClient>;

/**
 * The client library, loaded on the first connection: a sandbox in memory never loads it (it is
 * twice the size of the rest of the command, and the bundle leaves it out: package.json build).
 */
let ErrorReply: typeof ErrorReplyClass | undefined;

export interface RedisConnectOptions {
  url: string;
  /** Longest wait for a command's reply, and for the connection at start. */
  commandTimeoutMs: number;
  /** Told when the connection is lost (with why) and when it is back. */
  onStatus(status: 'lost' | 'back', detail?: string): void;
}

/** Longest pause between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 1000;

export async function connectRedis({ url, commandTimeoutMs, onStatus }: RedisConnectOptions): Promise<RedisClient> {
  const library = await import('@redis/client');
  ErrorReply = library.ErrorReply;
  let connected = false;
  let lost = false;
  const client = library.createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: commandTimeoutMs,
      // Before the first connection a failure ends the start; after it, retry for ever.
      reconnectStrategy: (retries: number, cause: Error) => (connected ? Math.min(retries * 100, MAX_RECONNECT_DELAY_MS) : cause),
    },
  });
  client.on('error', (err: Error) => {
    if (!connected || lost) return;
    lost = true;
    onStatus('lost', err.message);
  });
  client.on('ready', () => {
    if (lost) onStatus('back');
    lost = false;
  });
  try {
    await client.connect();
  } catch (err) {
    client.destroy();
    throw new StateUnavailableError(`cannot connect: ${(err as Error).message || (err as Error).name}`);
  }
  connected = true;
  return client.withCommandOptions({ timeout: commandTimeoutMs, rejectInFlight: true }) as unknown as RedisClient;
}

/** An error Redis replied with (only a connected client, which loaded the library, has those). */
const isReply = (err: unknown): err is Error => ErrorReply !== undefined && err instanceof ErrorReply;

/**
 * Turns a failure of the connection into StateUnavailableError; an error the server replied
 * with (a script's bug, a wrong type) stays what it is.
 */
export function unavailable(err: unknown): never {
  if (isReply(err) || err instanceof StateUnavailableError) throw err;
  throw new StateUnavailableError((err as Error).message || String(err));
}

/** A Lua script, run by its SHA1 (EVALSHA), sent whole (EVAL, which caches it) only when Redis does not know it. */
export interface Script {
  run(client: RedisClient, keys: string[], args: string[]): Promise<unknown>;
}

export function luaScript(source: string): Script {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalSha(sha, { keys, arguments: args });
      } catch (err) {
        if (!isReply(err) || !err.message.startsWith('NOSCRIPT')) unavailable(err);
        // First use, or Redis lost its script cache (a restart, SCRIPT FLUSH).
        return client.eval(source, { keys, arguments: args }).catch(unavailable);
      }
    },
  };
}
