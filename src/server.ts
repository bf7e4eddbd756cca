/** startSandbox(options): the app behind a real HTTP listener, for the CLI and other test suites. */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.js';
import type { SandboxOptions } from './config/options.js';

export const DEFAULT_PORT = 4010;
export const DEFAULT_HOST = '127.0.0.1';

export interface StartOptions extends SandboxOptions {
  /** TCP port; 0 picks a free one. Default 4010 (Prism's). */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4010 */
  url: string;
  port: number;
  /** Names of the loaded scenarios. */
  scenarios: string[];
  close(): Promise<void>;
}

export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const app = createApp(options);
  const host = options.host ?? DEFAULT_HOST;
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    scenarios: app.config.catalog.names,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
