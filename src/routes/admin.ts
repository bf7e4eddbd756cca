/**
 * The control API under /__sandbox/ (openapi/sandbox.yaml): the request journal, the loaded
 * scenarios, decisions on device codes and pending pushed requests, and a reset of all state.
 * With a token configured, every call must bear it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import type { SandboxConfig } from '../oauth/services.js';
import type { components } from '../generated/sandbox.js';
import { acceptsJson } from '../http/accept.js';
import { errorList, INTERACTION_ID, jsonResponse, notAcceptable } from '../http/responses.js';
import { computeReport } from '../report/findings.js';
import { junitXml } from '../report/junit.js';
import type { Scenario } from '../scenarios/model.js';
import { DEFAULT_KEY } from '../scenarios/sequences.js';
import { ADMIN_BASE, type ObservedEnv } from './observe.js';
import { journalEvents } from './admin-events.js';
import { DASHBOARD_CSP, DASHBOARD_SCRIPT, dashboardPage } from '../pages/dashboard.js';
import { PAGE_HEADERS } from '../pages/html.js';

type ScenarioView = components['schemas']['Scenario'];
type ErrorList = components['schemas']['ErrorList'];

/** Decides a device authorization by its user code (routes/admin-devices.ts), or a pushed request by its id (routes/admin-authorizations.ts). */
type Decision = (id: string, interactionId: string) => Promise<Response>;

/** The pending pushed requests and their decisions (routes/admin-authorizations.ts). */
export interface AuthorizationControl {
  pending(): Promise<components['schemas']['PendingAuthorizationList']>;
  approve: Decision;
  deny: Decision;
}

export function adminRoutes(
  { state, catalog, ownScenarios, deviceCatalog, authorizationCatalog, report }: SandboxConfig,
  token: string | undefined,
  devices: { approve: Decision; deny: Decision },
  authorizations: AuthorizationControl,
): Hono<ObservedEnv> {
  const api = new Hono<ObservedEnv>();
  if (token !== undefined) api.use(requireBearer(token));

  type Body = components['schemas']['Journal'] | components['schemas']['ScenarioList'] | components['schemas']['Report'] | components['schemas']['PendingAuthorizationList'];
  const ok = (accept: string | undefined, body: Body, id: string) =>
    acceptsJson(accept) ? jsonResponse(200, body, id) : notAcceptable(id);
  const done = (id: string) => jsonResponse(204, undefined, id);

  api.get('/requests', async (c) => ok(c.req.header('accept'), { requests: await state.journal.list() }, c.get('interactionId')));
  api.delete('/requests', async (c) => {
    await state.journal.clear();
    return done(c.get('interactionId'));
  });
  // The dashboard: its page, its script (from here, so that the CSP allows no other), its live journal.
  const dashboard = dashboardPage(ADMIN_BASE);
  const page = (id: string) => new Response(dashboard, { headers: { ...PAGE_HEADERS, 'content-security-policy': DASHBOARD_CSP, [INTERACTION_ID]: id } });
  api.get('/', (c) => page(c.get('interactionId'))); // /__sandbox
  api.get('/:empty{^$}', (c) => page(c.get('interactionId'))); // /__sandbox/: its last segment is empty
  api.get('/dashboard.js', (c) =>
    new Response(DASHBOARD_SCRIPT, {
      headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', [INTERACTION_ID]: c.get('interactionId') },
    }),
  );
  api.get('/events', (c) => journalEvents(state.journal, c.req.header('last-event-id'), c.req.raw.signal, c.get('interactionId')));
  api.get('/report', async (c) => {
    const id = c.get('interactionId');
    const query = reportQuery(c.req.query());
    if ('errors' in query) {
      c.get('notes').refusal = 'report.query';
      return errorList(400, query.errors, id);
    }
    const found = computeReport(await state.journal.list(), { ...report, since: query.since, clientId: query.clientId });
    if (query.format === 'json') return ok(c.req.header('accept'), found, id);
    return new Response(junitXml(found), { headers: { 'content-type': 'application/xml; charset=utf-8', [INTERACTION_ID]: id } });
  });
  api.get('/scenarios', (c) =>
    ok(c.req.header('accept'), { scenarios: [...catalog.scenarios, ...Object.values(ownScenarios).flatMap((s) => s.catalog.scenarios), ...deviceCatalog.scenarios, ...authorizationCatalog.scenarios].map(view) }, c.get('interactionId')),
  );
  api.post('/devices/:userCode/approve', (c) => devices.approve(c.req.param('userCode'), c.get('interactionId')));
  api.post('/devices/:userCode/deny', (c) => devices.deny(c.req.param('userCode'), c.get('interactionId')));
  api.get('/authorizations', async (c) => ok(c.req.header('accept'), await authorizations.pending(), c.get('interactionId')));
  api.post('/authorizations/:id/approve', (c) => authorizations.approve(c.req.param('id'), c.get('interactionId')));
  api.post('/authorizations/:id/deny', (c) => authorizations.deny(c.req.param('id'), c.get('interactionId')));
  api.post('/reset', async (c) => {
    await state.reset();
    return done(c.get('interactionId'));
  });
  return api;
}

interface ReportQuery {
  format: 'json' | 'junit';
  since?: string;
  clientId?: string;
}

/** RFC 3339 date-time, as openapi/sandbox.yaml's format: date-time says. */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

function reportQuery(query: Record<string, string>): ReportQuery | { errors: string[] } {
  const { format = 'json', since, clientId } = query;
  const errors: string[] = [];
  if (format !== 'json' && format !== 'junit') errors.push(`format must be json or junit, got "${format}"`);
  if (since !== undefined && (!DATE_TIME.test(since) || Number.isNaN(Date.parse(since)))) {
    errors.push(`since must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z, got "${since}"`);
  }
  if (errors.length) return { errors };
  return { format: format as ReportQuery['format'], ...(since === undefined ? {} : { since }), ...(clientId === undefined ? {} : { clientId }) };
}

/** A scenario as its file states it, with the defaults spelled out. */
function view(s: Scenario): ScenarioView {
  const common = { name: s.name, description: s.description, source: s.source, match: s.match };
  if (s.device !== undefined) return { ...common, device: s.device };
  if (s.authorization !== undefined) return { ...common, authorization: s.authorization };
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
