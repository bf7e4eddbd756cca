/**
 * connectSandbox(url): the testing helpers for a sandbox that is already running (started by
 * startTestSandbox, or elsewhere: a container in CI). Everything goes through its HTTP
 * interfaces (discovery and the control API, openapi/sandbox.yaml), so that both cases work alike.
 */
import { randomUUID } from 'node:crypto';
import { OptionError } from '../settings/errors.js';
import type { components } from '../generated/sandbox.js';
import { ADMIN_BASE } from '../routes/observe.js';
import type { JournalEntry } from '../state/index.js';
import { createClientAssertion, type AssertionOptions } from '../tokens/client-assertion.js';
import { demoClientKey } from '../settings/demo-keys.js';
import { readClientKeys, toPrivateKey, type ClientKey, type SignerKey } from './client-keys.js';
import { matches, type RequestsQuery } from './journal-query.js';
import type { Report } from '../report/findings.js';

/** Which requests the report judges. */
export interface ReportQuery {
  /** Only requests at or after this time (a Date or an RFC 3339 date-time). */
  since?: Date | string;
  clientId?: string;
}

export interface ConnectOptions {
  /** The sandbox's admin token (--admin-token), when it has one. */
  adminToken?: string;
  /** Private keys of your clients by client_id; the demo clients sign with the shipped demo keys. */
  clientKeys?: Readonly<Record<string, ClientKey>>;
}

export interface ClientAssertionOptions extends Partial<Omit<AssertionOptions, 'clientId' | 'key'>> {
  /** Signs with this key instead of the client's known one. */
  key?: ClientKey;
}

export interface ConnectedSandbox {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The issuer, as discovery advertises it: the default audience of client assertions. */
  readonly issuer: string;
  /** The token endpoint, as discovery advertises it. */
  readonly tokenEndpoint: string;
  /** Resets all state (POST /__sandbox/reset): sequences, rate limits, used jti values, device codes, the journal. */
  reset(): Promise<void>;
  /** The journaled requests, oldest first, that match every field of `query`. */
  requests(query?: RequestsQuery): Promise<JournalEntry[]>;
  /** A freshly signed private_key_jwt assertion of a client (aud: the issuer unless given). */
  clientAssertion(clientId: string, options?: ClientAssertionOptions): Promise<string>;
  /** What the clients did wrong (GET /__sandbox/report); expectNoFindings turns it into a test failure. */
  report(query?: ReportQuery): Promise<Report>;
}

type ErrorList = components['schemas']['ErrorList'];

/** Why a call to the sandbox failed, and what to do about it. */
async function controlError(call: string, res: Response): Promise<Error> {
  const errors = ((await res.json().catch(() => undefined)) as ErrorList | undefined)?.errors?.join('; ');
  const control = call.includes(ADMIN_BASE);
  const hint =
    !control ? ': is this URL a fapi-token-sandbox?'
    : res.status === 401 ? ': pass the sandbox\'s admin token as the adminToken option'
    : res.status === 404 ? ': the control API is off (--no-admin or admin: false), and the testing helpers need it'
    : '';
  return new Error(`fapi-token-sandbox/testing: ${call} answered ${res.status}${errors ? ` (${errors})` : ''}${hint}`);
}

function baseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OptionError(`connectSandbox: the URL must be absolute, e.g. http://127.0.0.1:4010; got "${url}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OptionError(`connectSandbox: the URL must be http or https; got "${url}"`);
  return parsed.href.replace(/\/$/, '');
}

export async function connectSandbox(url: string, options: ConnectOptions = {}): Promise<ConnectedSandbox> {
  const base = baseUrl(url);
  const clientKeys = readClientKeys(options.clientKeys);
  // The helpers' own requests carry this interaction id, and requests() leaves them out.
  const ownId = randomUUID();
  const own = { 'x-fapi-interaction-id': ownId };
  const admin = { ...own, ...(options.adminToken === undefined ? {} : { authorization: `Bearer ${options.adminToken}` }) };

  const call = async (method: string, path: string, headers = admin): Promise<Response> => {
    const res = await fetch(`${base}${path}`, { method, headers }).catch((err: Error) => {
      throw new Error(`fapi-token-sandbox/testing: cannot reach ${base}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
    });
    if (!res.ok) throw await controlError(`${method} ${base}${path}`, res);
    return res;
  };

  const discovery = (await (await call('GET', '/.well-known/openid-configuration', own)).json()) as components['schemas']['Metadata'];
  const { issuer, token_endpoint: tokenEndpoint } = discovery;

  const keyOf = (clientId: string, key: ClientKey | undefined): SignerKey => {
    if (key !== undefined) return toPrivateKey(key, `clientAssertion('${clientId}', { key })`);
    const known = clientKeys.get(clientId) ?? demoClientKey(clientId);
    if (known) return known;
    throw new OptionError(
      `fapi-token-sandbox/testing: no private key is known for client "${clientId}": set clientKeys: { '${clientId}': <PEM or JWK file or text, KeyObject or private JWK> } where the sandbox is started or connected, or pass { key } to clientAssertion`,
    );
  };

  return {
    url: base,
    issuer,
    tokenEndpoint,
    reset: async () => {
      await call('POST', `${ADMIN_BASE}/reset`);
    },
    requests: async (query = {}) => {
      const { requests } = (await (await call('GET', `${ADMIN_BASE}/requests`)).json()) as components['schemas']['Journal'];
      return requests.filter((entry) => entry.interactionId !== ownId && matches(entry, query));
    },
    clientAssertion: async (clientId, { key, ...rest } = {}) =>
      createClientAssertion({ audience: issuer, ...keyOf(clientId, key), ...rest, clientId }),
    report: async ({ since, clientId } = {}) => {
      const params = new URLSearchParams();
      if (since !== undefined) params.set('since', since instanceof Date ? since.toISOString() : since);
      if (clientId !== undefined) params.set('clientId', clientId);
      const search = params.size ? `?${params}` : '';
      return (await (await call('GET', `${ADMIN_BASE}/report${search}`)).json()) as Report;
    },
  };
}
