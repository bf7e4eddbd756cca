/** createApp(options): the sandbox as a Hono app, usable in-process through app.fetch. */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { resolveConfig, type SandboxConfig, type SandboxOptions } from './config/options.js';
import { transportOf } from './http/exchange.js';
import { interactionIdFor } from './http/interaction-id.js';
import { errorList, INTERACTION_ID } from './http/responses.js';
import { adminRoutes } from './routes/admin.js';
import { ADMIN_BASE, observe, type ObservedEnv } from './routes/observe.js';
import { tokenHandler } from './routes/token.js';

type Env = ObservedEnv;

export type SandboxApp = Hono<Env> & { readonly config: SandboxConfig };

export function createApp(options: SandboxOptions = {}): SandboxApp {
  const config = resolveConfig(options);
  const idRule = config.contract.headers.find((h) => h.name === INTERACTION_ID)!.check;
  const token = tokenHandler(config);

  const app = new Hono<Env>();
  app.use(async (c, next) => {
    c.set('interactionId', interactionIdFor(c.req.raw.headers, idRule));
    await next();
  });
  app.use(observe(config));
  if (config.admin) app.route(ADMIN_BASE, adminRoutes(config, config.admin.token));
  app.post('/token', (c) => token(c.req.raw, c.get('interactionId'), { notes: c.get('notes'), transport: transportOf(c.env) }));
  app.notFound((c) =>
    errorList(404, [`Not found: ${c.req.method} ${new URL(c.req.url).pathname}`], c.get('interactionId')),
  );
  app.onError((err, c) => {
    console.error(`[fapi-token-sandbox] unexpected error: ${err instanceof Error ? err.stack : String(err)}`);
    return errorList(500, ['Internal Server Error'], c.get('interactionId') ?? randomUUID());
  });
  return Object.assign(app, { config });
}
