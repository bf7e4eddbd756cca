/**
 * Runs request handlers a few at a time, one batch per turn of the event loop, so that a server
 * at full CPU keeps accepting connections. libuv accepts one new connection per turn, and a turn
 * otherwise runs the handlers of every request that arrived since the last one: with 500 busy
 * connections a turn took about 150 ms, new connections waited in the kernel's accept queue for
 * tens of seconds, and clients timed out (see bench/soak.ts). In batches, a turn stays a few
 * milliseconds long, and waiting requests are served first come, first served.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Handlers started per turn: about 2 ms of work on the success path, little per-turn overhead. */
export const DEFAULT_REQUESTS_PER_TURN = 8;

export function queuedListener(listener: RequestListener, requestsPerTurn = DEFAULT_REQUESTS_PER_TURN): RequestListener {
  if (!Number.isInteger(requestsPerTurn) || requestsPerTurn < 1) throw new RangeError(`requestsPerTurn must be a positive integer, not ${requestsPerTurn}`);
  const waiting: Array<[IncomingMessage, ServerResponse] | undefined> = [];
  let next = 0;
  let scheduled = false;

  const runBatch = () => {
    const end = Math.min(next + requestsPerTurn, waiting.length);
    for (; next < end; next++) {
      const [req, res] = waiting[next]!;
      waiting[next] = undefined;
      // A client that gave up while its request waited gets no work done for it.
      if (!req.socket.destroyed) void listener(req, res);
    }
    // Under steady load the queue may never run dry: drop the served entries now and then.
    if (next >= 1024) {
      waiting.splice(0, next);
      next = 0;
    }
    if (next < waiting.length) {
      setImmediate(runBatch);
      return;
    }
    waiting.length = 0;
    next = 0;
    scheduled = false;
  };

  return (req, res) => {
    waiting.push([req, res]);
    if (!scheduled) {
      scheduled = true;
      setImmediate(runBatch);
    }
  };
}
