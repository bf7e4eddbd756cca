/**
 * startSandbox(options): the app behind real listeners, for the CLI and other test suites. The
 * plain HTTP listener always runs; the HTTPS listener for mutual-TLS clients runs when a TLS port
 * is given. It asks for a client certificate but does not require one, so that a missing or
 * untrusted certificate is answered with a documented invalid_client rather than a TLS alert.
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { createServer as createHttpServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createSharedApp, type SandboxApp } from '../app/app.js';
import type { Listeners } from '../oauth/endpoints.js';
import { allowHost } from '../settings/allowed-hosts.js';
import { DEFAULT_CONNECTION_LIMITS, guardClientErrors, invalidRequestResponse, serverOptions, type ConnectionLimits } from './connection-limits.js';
import { queuedListener } from './request-queue.js';
import { DEFAULTS } from '../settings/defaults.js';
import { ConfigError } from '../settings/errors.js';
import { demoPki, type SandboxOptions } from '../settings/options.js';
import { isUnspecified } from '../http/network.js';
import { checkAdminExposure } from '../settings/control.js';
import { watchConfigFiles } from '../settings/scenario-watch.js';
import { readConfigFile } from '../settings/yaml-file.js';


export interface StartOptions extends SandboxOptions {
  /** TCP port; 0 picks a free one. Default 4010 (Prism's). */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port of the HTTPS listener for mutual TLS; off unless given (0 picks a free one). */
  tlsPort?: number;
  /** PEM certificate of the HTTPS listener; default: the demo server certificate. */
  tlsCertFile?: string;
  /** PEM private key of the HTTPS listener; default: the demo server key. */
  tlsKeyFile?: string;
  /** Timeouts and sizes that protect the listeners from slow and hostile clients. */
  limits?: Partial<ConnectionLimits>;
  /** Reload the scenarios folder and the `contract` document when they change (default true; no folder with `scenarios`). */
  watch?: boolean;
}

export interface RunningSandbox {
  /** Base URL, e.g. http://127.0.0.1:4010 (on loopback when bound to 0.0.0.0 or ::). */
  url: string;
  port: number;
  /** Base URL of the mutual-TLS listener, when it runs. */
  mtlsUrl?: string;
  tlsPort?: number;
  /** Names of the scenarios loaded at start. */
  scenarios: string[];
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  guardClientErrors(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

function tlsOptions(options: StartOptions) {
  const demo = demoPki();
  const certFile = options.tlsCertFile ?? demo.serverCert;
  const keyFile = options.tlsKeyFile ?? demo.serverKey;
  const caFile = options.clientCaFile ?? demo.ca;
  const settings = {
    cert: readConfigFile(certFile, 'TLS certificate'),
    key: readConfigFile(keyFile, 'TLS key'),
    ca: readConfigFile(caFile, 'client CA bundle'),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
  };
  try {
    createSecureContext(settings);
  } catch (err) {
    throw new ConfigError(`${certFile}, ${keyFile}`, '', `cannot be used for TLS: ${(err as Error).message}`);
  }
  return settings;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function startSandbox(options: StartOptions = {}): Promise<RunningSandbox> {
  const listeners: Listeners = {};
  const host = options.host ?? DEFAULTS.host;
  const app = await createSharedApp(options, listeners);
  try {
    return await serve(app, listeners, host, options);
  } catch (err) {
    await app.config.state.close();
    throw err;
  }
}

async function serve(app: SandboxApp, listeners: Listeners, host: string, options: StartOptions): Promise<RunningSandbox> {
  checkAdminExposure(host, app.config);
  const tls = options.tlsPort === undefined ? undefined : tlsOptions(options);

  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...options.limits };
  const listener = queuedListener(getRequestListener(app.fetch, { hostname: host, errorHandler: invalidRequestResponse }));
  const http = await listen(createHttpServer(serverOptions(limits), listener), options.port ?? DEFAULTS.port, host);
  const port = (http.address() as AddressInfo).port;
  listeners.httpPort = port;
  // A specific address is one the user chose to reach it at; 0.0.0.0 or :: names no host.
  if (!isUnspecified(host)) allowHost(app.config.allowedHosts, host);

  let https: Server | undefined;
  if (tls) {
    try {
      https = await listen(createHttpsServer({ ...serverOptions(limits), ...tls }, listener), options.tlsPort!, host);
    } catch (err) {
      await closeServer(http);
      throw err;
    }
    listeners.tlsPort = (https.address() as AddressInfo).port;
  }
  const watcher = options.watch === false ? undefined : watchConfigFiles(app.config);

  const { tlsPort } = listeners;
  // Bound to every interface, the URLs name loopback: an address a user can open.
  const shown = urlHost(isUnspecified(host) ? '127.0.0.1' : host);
  return {
    url: `http://${shown}:${port}`,
    port,
    ...(tlsPort === undefined ? {} : { mtlsUrl: `https://${shown}:${tlsPort}`, tlsPort }),
    scenarios: [...app.config.catalog.names, ...Object.values(app.config.ownScenarios).flatMap((s) => s.catalog.names), ...app.config.deviceCatalog.names, ...app.config.authorizationCatalog.names],
    close: async () => {
      watcher?.close();
      await Promise.all([closeServer(http), ...(https ? [closeServer(https)] : [])]);
      await app.config.state.close();
    },
  };
}
