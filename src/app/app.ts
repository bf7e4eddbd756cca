/** createApp(options): the sandbox as a Hono app, usable in-process through app.fetch. */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { SandboxConfig } from '../oauth/services.js';
import { resolveConfig, type SandboxOptions } from '../settings/options.js';
import { allowedHosts } from '../http/allowed-hosts.js';
import { cors, routeMethods } from '../http/cors.js';
import { transportOf } from '../http/exchange.js';
import { interactionIdFor } from '../routes/interaction-id.js';
import { AUTHORIZATION_PATH, DEVICE_AUTHORIZATION_PATH, INTROSPECTION_PATH, PAR_PATH, REVOCATION_PATH, VERIFICATION_PATH, type Listeners } from '../oauth/endpoints.js';
import { errorList, INTERACTION_ID } from '../http/responses.js';
import { adminRoutes } from '../routes/admin.js';
import { deviceDecisionHandler } from '../routes/admin-devices.js';
import { authorizationHandlers } from '../routes/authorize.js';
import { deviceAuthorizationHandler } from '../routes/device-authorization.js';
import { ADMIN_BASE, observe, type ObservedEnv } from '../routes/observe.js';
import { parHandler } from '../routes/par.js';
import { tokenHandler } from '../routes/token.js';
import { tokenManagementHandlers } from '../routes/token-management.js';
import { verificationHandlers } from '../routes/verification.js';
import { jwksHandler, metadataHandler } from '../routes/wellknown.js';

export type SandboxApp = Hono<ObservedEnv> & { readonly config: SandboxConfig };

/**
 * `listeners` is where startSandbox says the ports it listens on, once it does: the issuer and
 * endpoint URLs follow them. In-process (app.fetch) there are none.
 */
export function createApp(options: SandboxOptions = {}, listeners: Readonly<Listeners> = {}): SandboxApp {
  const config: SandboxConfig = Object.freeze({ ...resolveConfig(options), listeners });
  const idRule = config.contract.headers.find((h) => h.name === INTERACTION_ID)!.check;
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
    c.set('interactionId', interactionIdFor(c.req.raw.headers, idRule));
    await next();
  });
  app.use(observe(config));
  app.use(allowedHosts(config.allowedHosts));
  if (config.cors) {
    let methodsAt: ((path: string) => readonly string[] | undefined) | undefined;
    // The route table is complete by the first request.
    app.use(cors(config.cors, (path) => (methodsAt ??= routeMethods(app.routes))(path)));
  }
  if (config.admin) {
    app.route(ADMIN_BASE, adminRoutes(config, config.admin.token, {
      approve: deviceDecisionHandler(config, 'approved'),
      deny: deviceDecisionHandler(config, 'denied'),
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
    console.error(`[fapi-token-sandbox] unexpected error: ${err instanceof Error ? err.stack : String(err)}`);
    return errorList(500, ['Internal Server Error'], c.get('interactionId') ?? randomUUID());
  });
  return Object.assign(app, { config });
}
