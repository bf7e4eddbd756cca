/** startSandbox(options): the app behind a real HTTP listener, for the CLI and other test suites. */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.js';
import type { SandboxOptions } from './config/options.js';
import { checkAdminExposure } from './config/resilience.js';
import { SHIPPED_SCENARIOS_DIR } from './config/scenario-files.js';
import { watchScenarioDir } from './config/scenario-watch.js';

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export interface StartOptions extends SandboxOptions {
  /** TCP port; 0 picks a free one. Default 4010 (Prism's). */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Reload the scenarios folder when its files change (default true; not with `scenarios`). */
  watch?: boolean;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  /** Names of the scenarios loaded at start. */
  scenarios: string[];
  close(): Promise<void>;
}

export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const app = createApp(options);
  const host = options.host ?? DEFAULT_HOST;
  checkAdminExposure(host, app.config);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const watcher =
    options.scenarios || options.watch === false
      ? undefined
      : watchScenarioDir(options.scenariosDir ?? SHIPPED_SCENARIOS_DIR, app.config);
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    scenarios: app.config.catalog.names,
    close: () =>
      new Promise<void>((resolve, reject) => {
        watcher?.close();
        server.close((err) => (err ? reject(err) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
