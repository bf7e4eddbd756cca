/**
 * What travels with one request besides the Request itself: the Node connection (when it came
 * over a real listener, not app.fetch) and the notes its handling leaves for the journal and the
 * log line.
 */
import type { HttpBindings } from '@hono/node-server';
import type { components } from '../generated/sandbox.js';
import type { RefusalNotes } from './refusal.js';

/** The Node request and response of a real listener; transport faults need the socket. */
export type Transport = HttpBindings;

type Schemas = components['schemas'];

export interface RequestNotes extends RefusalNotes {
  /** The form fields, when the body was a form. */
  form?: Readonly<Record<string, string>>;
  /** The scenario that answered. */
  scenario?: string;
  /** The transport fault performed. */
  fault?: NonNullable<Schemas['JournalEntry']['fault']>;
  /** The status the client saw, when the Response does not tell (transport faults); null for none. */
  status?: number | null;
  /** The host a request refused as host.not_allowed named (null: it sent no Host header). */
  refusedHost?: string | null;
  /** The client the request was made as: the authenticated one, else the form's client_id. */
  clientId?: string;
  /** The claims of a client assertion whose signature verified, as the verifier read them. */
  assertion?: Schemas['AssertionSummary'];
  /** The access token a 200 issued. */
  token?: Schemas['TokenSummary'];
  /** The value of an answering sequence scenario's own key. */
  sequenceKey?: string;
  /** The user code a device authorization issued. */
  userCode?: string;
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
