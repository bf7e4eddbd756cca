/**
 * What travels with one request besides the Request itself: the Node connection (when it came
 * over a real listener, not app.fetch) and the notes its handling leaves for the journal and the
 * log line.
 */
import type { HttpBindings } from '@hono/node-server';
import type { components } from '../generated/sandbox.js';

/** The Node request and response of a real listener; transport faults need the socket. */
export type Transport = HttpBindings;

export interface RequestNotes {
  /** The form fields, when the body was a form. */
  form?: Readonly<Record<string, string>>;
  /** The scenario that answered. */
  scenario?: string;
  /** The transport fault performed. */
  fault?: NonNullable<components['schemas']['JournalEntry']['fault']>;
  /** The status the client saw, when the Response does not tell (transport faults); null for none. */
  status?: number | null;
  /** A check that refused the request before any route ran, and the host it was refused for (null: none sent). */
  refused?: { check: string; host: string | null };
}

export interface Exchange {
  notes: RequestNotes;
  transport?: Transport;
}

/** The transport of a framework env, which app.fetch callers leave empty. */
export function transportOf(env: unknown): Transport | undefined {
  const bindings = env as Partial<Transport> | undefined;
  return bindings?.incoming && bindings.outgoing ? (bindings as Transport) : undefined;
}
