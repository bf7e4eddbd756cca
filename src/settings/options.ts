/** The sandbox's options, and the checked configuration built from them. */
import type { X509Certificate } from 'node:crypto';
import { registeredClientAuthenticator, type ClientAuthenticator } from '../clients/authenticate.js';
import { parseCaBundle } from '../clients/certificate.js';
import type { AssertionPolicy } from '../clients/private-key-jwt.js';
import { ClientRegistry } from '../clients/registry.js';
import type { SigningAlg } from '../tokens/algorithms.js';
import { loadScenarioContracts, loadTokenContract } from './contract-file.js';
import { parseAllowedHosts } from './allowed-hosts.js';
import { parseCorsOrigins } from './cors-origins.js';
import { ScenarioCatalog } from '../scenarios/catalog.js';
import { answersAt, byOwnEndpoint, isDeviceScenario, type Scenario } from '../scenarios/model.js';
import { systemClock, type Clock } from '../state/clock.js';
import { memoryState } from '../state/index.js';
import { jwtTokenIssuer, type TokenIssuer } from '../tokens/access-token.js';
import { generateSigningKey, signingKeyFromPem, type SigningKey } from '../tokens/keys.js';
import { shippedFile } from '../shipped/files.js';
import { demoClientsFile, loadClientsFile, parseClientsFile } from './clients-file.js';
import { DEFAULTS } from './defaults.js';
import { ConfigError, OptionError } from './errors.js';
import type { SandboxConfig } from '../oauth/services.js';
import { resolveControl, type ControlOptions } from './control.js';
import { wholeNumber } from './numbers.js';
import { loadScenarioDir, shippedScenariosDir } from './scenario-files.js';
import { readConfigFile } from './yaml-file.js';

/** The demo PKI's files: the defaults of --tls-client-ca, --tls-cert and --tls-key. */
export const demoPki = () => ({
  ca: shippedFile('demo/pki/ca.pem'),
  serverCert: shippedFile('demo/pki/server.pem'),
  serverKey: shippedFile('demo/pki/server.key'),
});

export interface SandboxOptions extends ControlOptions {
  /** Folder of scenario files; default: the shipped scenarios/. Ignored when `scenarios` is given. */
  scenariosDir?: string;
  /** Scenarios given directly (e.g. by a test suite), instead of a folder. */
  scenarios?: readonly Scenario[];
  /** Clients file (YAML); default: the demo clients in demo/clients.yaml. */
  clientsFile?: string;
  /** The clients file's text, instead of a file (checked the same way). */
  clientsYaml?: string;
  /** Fixed issuer URL, for use behind a proxy; default: the URL the sandbox is reached at. */
  issuer?: string;
  /**
   * Host names served besides loopback ones (localhost, 127.0.0.1, [::1]) and the issuer's, e.g.
   * a CI service name; `['*']` serves every host. Others are refused (DNS rebinding). Default none.
   */
  allowedHosts?: readonly string[];
  /** Lifetime of issued access tokens, in seconds (default 900). */
  tokenLifetimeSeconds?: number;
  /** Clock skew tolerated in client assertions, in seconds (default 30). */
  clockSkewSeconds?: number;
  /** How far ahead a client assertion's exp may be, in seconds (default 3600). */
  maxAssertionLifetimeSeconds?: number;
  /** Timeout for fetching a client's jwks_uri, in milliseconds (default 5000). */
  jwksTimeoutMs?: number;
  /** PEM file of the key that signs access tokens; default: a key generated at start. */
  signingKeyFile?: string;
  /** Algorithm of a generated signing key (default ES256). */
  signingAlg?: SigningAlg;
  /** PEM bundle of the CAs client certificates must chain to; default: the demo CA. */
  clientCaFile?: string;
  /** Trust the RFC 9440 Client-Cert header (set by a TLS-terminating proxy). Default false. */
  trustClientCertHeader?: boolean;
  /** Device authorization grant: seconds a device must wait between polls (default 5). */
  deviceIntervalSeconds?: number;
  /** Device authorization grant: lifetime of device and user codes, in seconds (default 600). */
  deviceCodeLifetimeSeconds?: number;
  /** The authorization endpoint: `page` (default) shows the consent page; `auto` approves at once and redirects (CI). */
  consent?: 'auto' | 'page';
  /** PAR: lifetime of a request_uri, in seconds (default 90; under 600). */
  parLifetimeSeconds?: number;
  /** A new refresh token at each refresh, the used one no longer valid (default false: FAPI 2 keeps it). */
  rotateRefreshTokens?: boolean;
  /** Largest request body read, in bytes (default 65536); a larger one is answered 400 invalid_request. */
  maxBodyBytes?: number;
  /** How many used assertion jti values to remember at most (default 100,000). */
  replayCapacity?: number;
  /** Origins whose browser scripts may call the sandbox (CORS): `*`, or a list such as http://localhost:3000. Default: none. */
  cors?: string | readonly string[];
  /** Replaces how clients are authenticated (advanced). */
  authenticator?: ClientAuthenticator;
  /** Replaces how access tokens are issued (advanced). */
  tokenIssuer?: TokenIssuer;
  /**
   * Protocol time, in milliseconds since the epoch: assertion exp/iat/nbf checks, jti expiry,
   * device code expiry and polling pace, rate limit refills, access token iat/exp, the journal's
   * times. Default: the system clock. A test gives one it can move, instead of waiting.
   */
  clock?: Clock;
}

function readSigningKey(file: string): SigningKey {
  try {
    return signingKeyFromPem(readConfigFile(file, 'signing key'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, '', `is not a usable signing key: ${(err as Error).message}`);
  }
}

function readCaBundle(file: string): X509Certificate[] {
  let cas: X509Certificate[];
  try {
    cas = parseCaBundle(readConfigFile(file, 'client CA bundle'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(file, '', `holds a certificate that cannot be read: ${(err as Error).message}`);
  }
  if (cas.length === 0) throw new ConfigError(file, '', 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
  return cas;
}

function normaliseIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw OptionError.at('issuer', `must be an absolute URL, got "${issuer}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw OptionError.at('issuer', 'must be an http or https URL');
  if (url.search || url.hash) throw OptionError.at('issuer', 'must have no query or fragment (RFC 8414 §2)');
  return url.href.replace(/\/$/, '');
}

function consentMode(consent: string | undefined): 'auto' | 'page' {
  if (consent === undefined) return DEFAULTS.consent;
  if (consent !== 'auto' && consent !== 'page') throw OptionError.at('consent', `must be auto or page, got "${consent}"`);
  return consent;
}

/** RFC 9126 §2.2: a request_uri lives briefly; the RFC's example is 60 s, and FAPI 2 says under 600. */
function parLifetime(seconds: number | undefined): number {
  const lifetime = wholeNumber('parLifetimeSeconds', seconds, DEFAULTS.parLifetimeSeconds, 1);
  if (lifetime >= 600) throw OptionError.at('parLifetimeSeconds', `must be under 600 seconds (FAPI 2), got ${lifetime}`);
  return lifetime;
}

/** Builds the configuration, throwing a ConfigError for any mistake in the inputs. */
/** The services and settings of `options`, checked; app/ adds the listeners. */
export function resolveConfig(options: SandboxOptions = {}): Omit<SandboxConfig, 'listeners'> {
  const contract = loadTokenContract();
  const contracts = loadScenarioContracts(contract);
  const scenariosDir = options.scenarios ? undefined : (options.scenariosDir ?? shippedScenariosDir());
  const scenarios = options.scenarios ?? loadScenarioDir(scenariosDir!, contracts);
  const clients = new ClientRegistry(
    options.clientsYaml !== undefined
      ? parseClientsFile('(clients YAML)', options.clientsYaml)
      : loadClientsFile(options.clientsFile ?? demoClientsFile()),
  );
  const policy: AssertionPolicy = {
    clockSkewSeconds: wholeNumber('clockSkewSeconds', options.clockSkewSeconds, DEFAULTS.clockSkewSeconds),
    maxLifetimeSeconds: wholeNumber('maxAssertionLifetimeSeconds', options.maxAssertionLifetimeSeconds, DEFAULTS.maxAssertionLifetimeSeconds),
    jwksTimeoutMs: wholeNumber('jwksTimeoutMs', options.jwksTimeoutMs, DEFAULTS.jwksTimeoutMs),
  };
  const lifetime = wholeNumber('tokenLifetimeSeconds', options.tokenLifetimeSeconds, DEFAULTS.tokenLifetimeSeconds, 1);
  const signingKey = options.signingKeyFile ? readSigningKey(options.signingKeyFile) : generateSigningKey(options.signingAlg ?? 'ES256');
  const fixedIssuer = options.issuer === undefined ? undefined : normaliseIssuer(options.issuer);
  const control = resolveControl(options);
  const state = memoryState({
    journalSize: wholeNumber('journalSize', options.journalSize, DEFAULTS.journalSize, 1),
    replayCapacity: wholeNumber('replayCapacity', options.replayCapacity, DEFAULTS.replayCapacity, 1),
  });
  const clock = options.clock ?? systemClock;
  return {
    ...control,
    state,
    clock,
    contract,
    scenariosDir,
    catalog: new ScenarioCatalog(scenarios.filter(answersAt('/token'))),
    ownScenarios: byOwnEndpoint((e) => ({ catalog: new ScenarioCatalog(scenarios.filter(answersAt(e))), contract: contracts[e] })),
    deviceCatalog: new ScenarioCatalog(scenarios.filter(isDeviceScenario)),
    device: {
      intervalSeconds: wholeNumber('deviceIntervalSeconds', options.deviceIntervalSeconds, DEFAULTS.deviceIntervalSeconds),
      lifetimeSeconds: wholeNumber('deviceCodeLifetimeSeconds', options.deviceCodeLifetimeSeconds, DEFAULTS.deviceCodeLifetimeSeconds, 1),
    },
    flow: {
      consent: consentMode(options.consent),
      parLifetimeSeconds: parLifetime(options.parLifetimeSeconds),
      codeLifetimeSeconds: DEFAULTS.codeLifetimeSeconds,
      rotateRefreshTokens: options.rotateRefreshTokens ?? false,
    },
    clients,
    authenticator: options.authenticator ?? registeredClientAuthenticator(clients, state.replay, policy, clock),
    issuer: options.tokenIssuer ?? jwtTokenIssuer(signingKey, lifetime, clock),
    tokenSigningJwk: signingKey.publicJwk,
    fixedIssuer,
    allowedHosts: parseAllowedHosts(options.allowedHosts ?? [], fixedIssuer),
    clientCas: readCaBundle(options.clientCaFile ?? demoPki().ca),
    trustClientCertHeader: options.trustClientCertHeader ?? false,
    maxBodyBytes: wholeNumber('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes),
    ...(options.cors === undefined ? {} : { cors: parseCorsOrigins(options.cors) }),
  };
}
