/** The refusal code the journal recorded for a response, read as a test would assert it. */
import type { SandboxApp } from '../../src/app/app.js';

/** The `refusal` of the journal entry with the response's interaction id (null: not refused). */
export async function refusalOf(app: SandboxApp, res: Response): Promise<string | null> {
  const id = res.headers.get('x-fapi-interaction-id');
  const entries = await app.config.state.journal.list();
  const entry = entries.findLast((e) => e.interactionId === id);
  if (!entry) throw new Error(`no journal entry has the interaction id ${String(id)}`);
  return entry.refusal;
}

/** The same, for a sandbox behind a listener: read from its control API at `baseUrl`. */
export async function journaledRefusal(baseUrl: string, interactionId: string | null): Promise<string | null> {
  const { requests } = (await (await fetch(`${baseUrl}/__sandbox/requests`)).json()) as { requests: { interactionId: string; refusal: string | null }[] };
  const entry = requests.findLast((e) => e.interactionId === interactionId);
  if (!entry) throw new Error(`no journal entry has the interaction id ${String(interactionId)}`);
  return entry.refusal;
}
