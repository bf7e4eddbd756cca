/**
 * The request queue that keeps a saturated server accepting connections: handlers start a batch
 * per turn of the event loop, first come first served, and a request whose client has gone is
 * never handled.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { queuedListener } from '../../src/server/request-queue.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function request(id: number, destroyed = false) {
  return [{ id, socket: { destroyed } } as unknown as IncomingMessage, {} as ServerResponse] as const;
}

describe('queuedListener', () => {
  it('starts at most a batch of handlers per turn, in arrival order', async () => {
    const started: number[] = [];
    const listener = queuedListener((req) => void started.push((req as unknown as { id: number }).id), 8);
    for (let id = 0; id < 20; id++) listener(...request(id));
    expect(started).toEqual([]);
    await nextTurn();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await nextTurn();
    expect(started).toHaveLength(16);
    await nextTurn();
    expect(started).toEqual(Array.from({ length: 20 }, (_, id) => id));
  });

  it('serves requests that arrive after the queue ran dry', async () => {
    const started: number[] = [];
    const listener = queuedListener((req) => void started.push((req as unknown as { id: number }).id), 2);
    listener(...request(1));
    await nextTurn();
    listener(...request(2));
    listener(...request(3));
    listener(...request(4));
    await nextTurn();
    await nextTurn();
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('keeps order across the compaction of a long queue', async () => {
    const started: number[] = [];
    const listener = queuedListener((req) => void started.push((req as unknown as { id: number }).id), 64);
    for (let id = 0; id < 3000; id++) listener(...request(id));
    while (started.length < 3000) await nextTurn();
    expect(started).toEqual(Array.from({ length: 3000 }, (_, id) => id));
  });

  it('skips a request whose client disconnected while it waited', async () => {
    const started: number[] = [];
    const listener = queuedListener((req) => void started.push((req as unknown as { id: number }).id));
    listener(...request(1));
    listener(...request(2, true));
    listener(...request(3));
    await nextTurn();
    expect(started).toEqual([1, 3]);
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => queuedListener(() => {}, 0)).toThrow(/positive integer/);
    expect(() => queuedListener(() => {}, 1.5)).toThrow(/positive integer/);
  });
});
