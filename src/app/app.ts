/**
 * createApp(options): the sandbox as a Hono app, usable in-process through app.fetch.
 * createSharedApp(options): the same, connected first to the shared state when `redis` is given.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { SandboxConfig } from '../oauth/services.js';
import { resolveConfig, type SandboxOptions } from '../settings/options.js';
import { connectShared } from '../settings/redis.js';
import { StateUnavailableError } from '../state/index.js';
import { allowedHosts } from '../http/allowed-hosts.js';
import { cors, routeMethods } from '../http/cors.js';
import { transportOf } from '../http/exchange.js';
import { interactionIdFor } from '../routes/interaction-id.js';
import { AUTHORIZATION_PATH, DEVICE_AUTHORIZATION_PATH, INTROSPECTION_PATH, PAR_PATH, REVOCATION_PATH, VERIFICATION_PATH, type Listeners } from '../oauth/endpoints.js';
import { errorList, SANDBOX_STYLE } from '../http/responses.js';
import { adminRoutes } from '../routes/admin.js';
import { deviceDecisionHandler } from '../routes/admin-devices.js';
import { authorizationDecisionHandler, pendingAuthorizations } from '../routes/admin-authorizations.js';
import { authorizationHandlers } from '../routes/authorize.js';
import { deviceAuthorizationHandler } from '../routes/device-authorization.js';
import { ADMIN_BASE, observe, type ObservedEnv } from '../routes/observe.js';
import { parHandler } from '../routes/par.js';
import { tokenHandler } from '../routes/token.js';
import { tokenManagementHandlers } from '../routes/token-management.js';
import { verificationHandlers } from '../routes/verification.js';
import { jwksHandler, metadataHandler } from '../routes/wellknown.js';

const STATE_UNAVAILABLE = "The sandbox's shared state (Redis) is unavailable; try again";

export type SandboxApp = Hono<ObservedEnv> & { readonly config: SandboxConfig };

/**
 * `listeners` is where startSandbox says the ports it listens on, once it does: the issuer and
 * endpoint URLs follow them. In-process (app.fetch) there are none.
 */
export function createApp(options: SandboxOptions = {}, listeners: Readonly<Listeners> = {}): SandboxApp {
  return appOf(Object.freeze({ ...resolveConfig(options), listeners }));
}

/**
 * createApp, after connecting to Redis when `redis` is given (an OptionError when it cannot):
 * its state is shared, and so is its signing key unless `signingKeyFile` is given. Close the
 * connection with `app.config.state.close()` (startSandbox's close() does).
 */
export async function createSharedApp(options: SandboxOptions = {}, listeners: Readonly<Listeners> = {}): Promise<SandboxApp> {
  const shared = await connectShared(options);
  try {
    return appOf(Object.freeze({ ...resolveConfig(options, shared), listeners }));
  } catch (err) {
    await shared?.state.close();
    throw err;
  }
}

function appOf(config: SandboxConfig): SandboxApp {
  const token = tokenHandler(config);
  const metadata = metadataHandler(config);
  const jwks = jwksHandler(config);
  const deviceAuthorization = deviceAuthorizationHandler(config);
  const verification = verificationHandlers(config, VERIFICATION_PATH);
  const par = parHandler(config);
  const authorization = authorizationHandlers(config, AUTHORIZATION_PATH);
  const management = tokenManagementHandlers(config);

  const app = new Hono<ObservedEnv>();
  app.use(async (c, next) => {
    c.set('interactionId', interactionIdFor(c.req.raw.headers, config.contract.current.interactionId));
    await next();
  });
  app.use(observe(config));
  // A refused host on POST /token is answered in the token contract's style, elsewhere in the sandbox's own.
  app.use(allowedHosts(config.allowedHosts, (path) => (path === '/token' ? config.contract.current : SANDBOX_STYLE)));
  if (config.cors) {
    let methodsAt: ((path: string) => readonly string[] | undefined) | undefined;
    // The route table is complete by the first request.
    app.use(cors(config.cors, (path) => (methodsAt ??= routeMethods(app.routes))(path)));
  }
  if (config.admin) {
    app.route(ADMIN_BASE, adminRoutes(config, config.admin.token, {
      approve: deviceDecisionHandler(config, 'approved'),
      deny: deviceDecisionHandler(config, 'denied'),
    }, {
      pending: pendingAuthorizations(config),
      approve: authorizationDecisionHandler(config, 'approve'),
      deny: authorizationDecisionHandler(config, 'deny'),
    }));
  }
  const exchange = (c: { get(k: 'notes'): ObservedEnv['Variables']['notes']; env: unknown }) => ({ notes: c.get('notes'), transport: transportOf(c.env) });
  app.post('/token', (c) => token(c.req.raw, c.get('interactionId'), exchange(c)));
  app.get('/.well-known/openid-configuration', (c) => metadata(c.req.raw, c.get('interactionId'), c.get('notes')));
  app.get('/.well-known/oauth-authorization-server', (c) => metadata(c.req.raw, c.get('interactionId'), c.get('notes')));
  app.get('/jwks', (c) => jwks(c.req.raw, c.get('interactionId'), c.get('notes')));
  app.post(DEVICE_AUTHORIZATION_PATH, (c) => deviceAuthorization(c.req.raw, c.get('interactionId'), exchange(c)));
  app.get(VERIFICATION_PATH, (c) => verification.show(c.req.raw, c.get('interactionId'), c.get('notes')));
  app.post(VERIFICATION_PATH, (c) => verification.decide(c.req.raw, c.get('interactionId'), c.get('notes'), transportOf(c.env)));
  app.post(PAR_PATH, (c) => par(c.req.raw, c.get('interactionId'), exchange(c)));
  app.get(AUTHORIZATION_PATH, (c) => authorization.show(c.req.raw, c.get('interactionId'), c.get('notes')));
  app.post(AUTHORIZATION_PATH, (c) => authorization.decide(c.req.raw, c.get('interactionId'), c.get('notes'), transportOf(c.env)));
  app.post(INTROSPECTION_PATH, (c) => management.introspect(c.req.raw, c.get('interactionId'), exchange(c)));
  app.post(REVOCATION_PATH, (c) => management.revoke(c.req.raw, c.get('interactionId'), exchange(c)));
  app.notFound((c) => {
    c.get('notes').refusal = 'route.not_found';
    return errorList(404, [`Not found: ${c.req.method} ${new URL(c.req.url).pathname}`], c.get('interactionId'));
  });
  app.onError((err, c) => {
    const interactionId = c.get('interactionId') ?? randomUUID();
    // Documented (openapi: InternalServerError, StateUnavailable); the log line carries the code.
    if (err instanceof StateUnavailableError) {
      c.get('notes').refusal = 'state.unavailable';
      return errorList(500, [STATE_UNAVAILABLE], interactionId);
    }
    console.error(`[fapi-token-sandbox] unexpected error: ${err instanceof Error ? err.stack : String(err)}`);
    return errorList(500, ['Internal Server Error'], interactionId);
  });
  return Object.assign(app, { config });
}
