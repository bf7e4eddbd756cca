/**
 * The control API under /__sandbox/ (openapi/sandbox.yaml): the request journal, the loaded
 * scenarios and a reset of all state. With a token configured, every call must bear it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { SandboxConfig } from '../oauth/services.js';
import type { components } from '../generated/sandbox.js';
import { acceptsJson } from '../http/accept.js';
import { jsonResponse, notAcceptable } from '../http/responses.js';
import type { Scenario } from '../scenarios/model.js';
import { DEFAULT_KEY } from '../scenarios/sequences.js';
import type { ObservedEnv } from './observe.js';

type ScenarioView = components['schemas']['Scenario'];
type ErrorList = components['schemas']['ErrorList'];

/** Decides a device authorization by its user code (routes/admin-devices.ts). */
type DeviceDecision = (userCode: string, interactionId: string) => Promise<Response>;

export function adminRoutes(
  { state, catalog, ownScenarios, deviceCatalog }: SandboxConfig,
  token: string | undefined,
  devices: { approve: DeviceDecision; deny: DeviceDecision },
): Hono<ObservedEnv> {
  const api = new Hono<ObservedEnv>();
  if (token !== undefined) api.use(requireBearer(token));

  const ok = (accept: string | undefined, body: components['schemas']['Journal'] | components['schemas']['ScenarioList'], id: string) =>
    acceptsJson(accept) ? jsonResponse(200, body, id) : notAcceptable(id);
  const done = (id: string) => jsonResponse(204, undefined, id);

  api.get('/requests', async (c) => ok(c.req.header('accept'), { requests: await state.journal.list() }, c.get('interactionId')));
  api.delete('/requests', async (c) => {
    await state.journal.clear();
    return done(c.get('interactionId'));
  });
  api.get('/scenarios', (c) =>
    ok(c.req.header('accept'), { scenarios: [...catalog.scenarios, ...Object.values(ownScenarios).flatMap((s) => s.catalog.scenarios), ...deviceCatalog.scenarios].map(view) }, c.get('interactionId')),
  );
  api.post('/devices/:userCode/approve', (c) => devices.approve(c.req.param('userCode'), c.get('interactionId')));
  api.post('/devices/:userCode/deny', (c) => devices.deny(c.req.param('userCode'), c.get('interactionId')));
  api.post('/reset', async (c) => {
    await state.reset();
    return done(c.get('interactionId'));
  });
  return api;
}

/** A scenario as its file states it, with the defaults spelled out. */
function view(s: Scenario): ScenarioView {
  const common = { name: s.name, description: s.description, source: s.source, match: s.match };
  if (s.device !== undefined) return { ...common, device: s.device };
  const answering = s.endpoint === undefined || s.endpoint === '/token' ? common : { ...common, endpoint: s.endpoint };
  if (s.sequence === undefined) return { ...answering, response: s.response };
  const { steps, loop = false, key = DEFAULT_KEY } = s.sequence;
  return { ...answering, sequence: { steps: [...steps], loop, key } };
}

/** RFC 6750 bearer token check; compares digests in constant time so the token cannot be timed out of us. */
function requireBearer(token: string): MiddlewareHandler<ObservedEnv> {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(token);
  return async (c, next) => {
    const presented = /^Bearer +(\S+) *$/i.exec(c.req.header('authorization') ?? '')?.[1];
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) return next();
    const body: ErrorList = {
      errors: [presented === undefined ? 'The control API needs Authorization: Bearer <admin token>' : 'The admin token is not valid'],
    };
    const challenge = `Bearer realm="fapi-token-sandbox"${presented === undefined ? '' : ', error="invalid_token"'}`;
    c.get('notes').refusal = 'control.unauthorized';
    return jsonResponse(401, body, c.get('interactionId'), { 'www-authenticate': challenge });
  };
}
