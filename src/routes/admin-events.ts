/**
 * GET /__sandbox/events: the journal as server-sent events (the dashboard's live table). Each new
 * entry is one `request` event (id: the entry's id, data: the entry as GET /__sandbox/requests has
 * it), oldest first, starting after Last-Event-ID when the browser reconnects; `cleared` when the
 * journal was emptied. It reads the journal through its interface every POLL_MS, so that it works
 * the same over any journal store, and stops when the client goes.
 */
import type { Journal } from '../state/index.js';
import { INTERACTION_ID } from '../http/responses.js';

const POLL_MS = 250;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

export function journalEvents(journal: Journal, lastEventId: string | undefined, signal: AbortSignal, interactionId: string): Response {
  const encoder = new TextEncoder();
  let last = /^\d+$/.test(lastEventId ?? '') ? Number(lastEventId) : 0;
  let shown = 0;
  let quietMs = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };
  signal.addEventListener('abort', stop, { once: true });

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => controller.enqueue(encoder.encode(text));
      const tick = async () => {
        const entries = await journal.list();
        if (stopped) return;
        // Everything shown is gone (a reset or DELETE; new entries may have come since).
        if (shown > 0 && (entries.length === 0 || entries[0]!.id > last)) {
          shown = 0;
          send('event: cleared\ndata: {}\n\n');
        }
        let sent = false;
        for (const entry of entries) {
          if (entry.id <= last) continue;
          send(`id: ${entry.id}\nevent: request\ndata: ${JSON.stringify(entry)}\n\n`);
          last = entry.id;
          shown += 1;
          sent = true;
        }
        quietMs = sent ? 0 : quietMs + POLL_MS;
        if (quietMs >= KEEP_ALIVE_MS) {
          quietMs = 0;
          send(': keep-alive\n\n');
        }
      };
      const loop = () => {
        if (stopped) return;
        tick().then(
          () => {
            if (!stopped) timer = setTimeout(loop, POLL_MS);
          },
          () => {
            if (stopped) return;
            stop();
            controller.error(new Error('the journal could not be read'));
          },
        );
      };
      send('retry: 1000\n\n');
      loop();
    },
    cancel: stop,
  });
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', [INTERACTION_ID]: interactionId },
  });
}
