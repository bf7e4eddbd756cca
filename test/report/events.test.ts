/**
 * GET /__sandbox/events over real HTTP: the journal as server-sent events, every entry then each
 * new one, resumed after Last-Event-ID, `cleared` after a reset; closing the stream ends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../src/testing.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.stop());

interface ServerEvent {
  id?: string;
  event?: string;
  data?: string;
}

/** An event stream read as a client would, event by event. */
async function openEvents(headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${sandbox.url}/__sandbox/events`, { headers, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<ServerEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: ServerEvent = {};
        for (const line of block.split('\n')) {
          const [field, ...rest] = line.split(': ');
          if (field === 'id' || field === 'event' || field === 'data') event[field] = rest.join(': ');
        }
        if (event.event) return event;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  };
  return { res, next, close: () => controller.abort() };
}

const send = (clientId: string) =>
  fetch(`${sandbox.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=${clientId}` });

describe('the journal event stream', () => {
  it('sends every entry, then each new one within a second, and resumes after Last-Event-ID', async () => {
    await sandbox.reset(); // the helpers' own discovery request goes
    await send('first');
    const events = await openEvents();
    expect(events.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(events.res.headers.get('x-fapi-interaction-id')).toMatch(/^[0-9a-f-]{36}$/);
    const first = await events.next();
    expect(first.event).toBe('request');
    expect(JSON.parse(first.data!)).toMatchObject({ id: Number(first.id), clientId: 'first', path: '/token' });

    const started = Date.now();
    await send('second');
    const second = await events.next();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(JSON.parse(second.data!).clientId).toBe('second');
    events.close();

    const resumed = await openEvents({ 'last-event-id': first.id! });
    expect(JSON.parse((await resumed.next()).data!).clientId).toBe('second');
    resumed.close();
  });

  it('says cleared after a reset, then goes on with new entries', async () => {
    await send('before');
    const events = await openEvents();
    let event = await events.next();
    while (JSON.parse(event.data!).clientId !== 'before') event = await events.next();
    await sandbox.reset();
    expect((await events.next()).event).toBe('cleared');
    await send('after');
    expect(JSON.parse((await events.next()).data!).clientId).toBe('after');
    events.close();
  });
});
