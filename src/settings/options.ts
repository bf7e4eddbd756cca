/** The sandbox's options, and the checked configuration built from them. */
import { randomBytes, type X509Certificate } from 'node:crypto';
import { dpopNonces } from '../clients/dpop-nonce.js';
import { registeredClientAuthenticator, type ClientAuthenticator } from '../clients/authenticate.js';
import { parseCaBundle } from '../clients/certificate.js';
import type { AssertionPolicy } from '../clients/private-key-jwt.js';
import { ClientRegistry } from '../clients/registry.js';
import type { SigningAlg } from '../tokens/algorithms.js';
import { ContractHolder } from '../contract/holder.js';
import { loadScenarioContracts, loadTokenContract } from './contract-file.js';
import { parseAllowedHosts } from './allowed-hosts.js';
import { parseCorsOrigins } from './cors-origins.js';
import { ScenarioCatalog } from '../scenarios/catalog.js';
import { answersAt, byOwnEndpoint, isAuthorizationScenario, isDeviceScenario, type Scenario } from '../scenarios/model.js';
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
import type { RedisOptions, SharedResources } from './redis.js';
import { wholeNumber } from './numbers.js';
import { loadScenarioDir, shippedScenariosDir } from './scenario-files.js';
import { loadReportRules } from './report-rules-file.js';
import { reportRules } from '../report/rules.js';
import { readConfigFile } from './yaml-file.js';
import { resolveProfile, tokenSigningAlgFor, withinProfile } from './profile.js';
import type { Profile, ProfileName } from '../oauth/profiles.js';

/** The demo PKI's files: the defaults of --tls-client-ca, --tls-cert and --tls-key. */
export const demoPki = () => ({
  ca: shippedFile('demo/pki/ca.pem'),
  serverCert: shippedFile('demo/pki/server.pem'),
  serverKey: shippedFile('demo/pki/server.key'),
});

export interface SandboxOptions extends ControlOptions, RedisOptions {
  /**
   * The provider's document (OpenAPI 3.1, YAML or JSON) POST /token is served from: its request
   * rules, statuses, examples and headers; default: the shipped openapi/token.yaml.
   */
  contract?: string;
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
  /**
   * The FAPI profile whose rules the token endpoint enforces: fapi1-advanced, fapi2 or
   * open-finance-brasil (default fapi1-advanced). README "Profiles" lists the rules.
   */
  profile?: ProfileName;
  /**
   * Demand DPoP nonces (RFC 9449 §8): a proof without the current nonce is answered 400
   * use_dpop_nonce with a DPoP-Nonce header. Default false.
   */
  dpopNonce?: boolean;
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
  /** Algorithm of a generated signing key (default ES256; PS256 under open-finance-brasil). */
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
  /** How many used assertion jti values to remember at most (default 100,000); in Redis each is kept until it expires. */
  replayCapacity?: number;
  /** Origins whose browser scripts may call the sandbox (CORS): `*`, or a list such as http://localhost:3000. Default: none. */
  cors?: string | readonly string[];
  /** YAML file that changes the report's rules (severities, thresholds); default: the table in report/rules.ts. */
  reportRulesFile?: string;
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

/**
 * The key that signs access tokens: the given one, else the one the replicas share (`sharedKey`,
 * when the state is in Redis), else one generated (settings/profile.ts tokenSigningAlgFor says its
 * algorithm). Whichever it is, the profile's algorithms bound it.
 */
function tokenSigningKey(options: SandboxOptions, profile: Profile, sharedKey: SigningKey | undefined): SigningKey {
  const algs = profile.tokenSigningAlgs;
  const key = options.signingKeyFile ? readSigningKey(options.signingKeyFile) : (sharedKey ?? generateSigningKey(tokenSigningAlgFor(options)));
  if (algs && !algs.includes(key.alg)) {
    const option = options.signingKeyFile ? 'signingKeyFile' : sharedKey ? 'redis' : 'signingAlg';
    const whose = sharedKey ? "gives the replicas' shared signing key, which " : '';
    throw OptionError.at(option, `${whose}signs ${key.alg}; the ${profile.name} profile allows ${algs.join(', ')} only`);
  }
  return key;
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

/**
 * The services and settings of `options`, checked (a ConfigError or OptionError for any mistake);
 * app/ adds the listeners. With `redis`, `shared` is what connecting to it gave (settings/redis.ts
 * connectShared, run first because it is asynchronous).
 */
export function resolveConfig(options: SandboxOptions = {}, shared?: SharedResources): Omit<SandboxConfig, 'listeners'> {
  if (options.redis !== undefined && shared === undefined) {
    throw OptionError.at('redis', 'is connected to before the app is built: use startSandbox or createSharedApp (createApp is synchronous)');
  }
  const contract = loadTokenContract(options.contract);
  const contracts = loadScenarioContracts(contract);
  const scenariosDir = options.scenarios ? undefined : (options.scenariosDir ?? shippedScenariosDir());
  const scenarios = options.scenarios ?? loadScenarioDir(scenariosDir!, contracts);
  const clients = new ClientRegistry(
    options.clientsYaml !== undefined
      ? parseClientsFile('(clients YAML)', options.clientsYaml)
      : loadClientsFile(options.clientsFile ?? demoClientsFile()),
  );
  const profile = resolveProfile(options.profile ?? DEFAULTS.profile);
  const policy: AssertionPolicy = {
    rules: profile.assertion,
    clockSkewSeconds: withinProfile(profile, 'clockSkewSeconds', wholeNumber('clockSkewSeconds', options.clockSkewSeconds, DEFAULTS.clockSkewSeconds)),
    maxLifetimeSeconds: wholeNumber('maxAssertionLifetimeSeconds', options.maxAssertionLifetimeSeconds, DEFAULTS.maxAssertionLifetimeSeconds),
    jwksTimeoutMs: wholeNumber('jwksTimeoutMs', options.jwksTimeoutMs, DEFAULTS.jwksTimeoutMs),
  };
  const lifetime = withinProfile(profile, 'tokenLifetimeSeconds', wholeNumber('tokenLifetimeSeconds', options.tokenLifetimeSeconds, DEFAULTS.tokenLifetimeSeconds, 1));
  const signingKey = tokenSigningKey(options, profile, shared?.signingKey);
  const fixedIssuer = options.issuer === undefined ? undefined : normaliseIssuer(options.issuer);
  const control = resolveControl(options);
  const state = shared?.state ?? memoryState({
    journalSize: wholeNumber('journalSize', options.journalSize, DEFAULTS.journalSize, 1),
    replayCapacity: wholeNumber('replayCapacity', options.replayCapacity, DEFAULTS.replayCapacity, 1),
  });
  const clock = options.clock ?? systemClock;
  return {
    ...control,
    profile,
    dpop: {
      algs: profile.dpopAlgs,
      clockSkewSeconds: policy.clockSkewSeconds,
      ...(options.dpopNonce ? { nonces: dpopNonces(shared?.dpopNonceSecret ?? randomBytes(32)) } : {}),
    },
    state,
    clock,
    contract: new ContractHolder(contract, options.contract),
    scenariosDir,
    catalog: new ScenarioCatalog(scenarios.filter(answersAt('/token'))),
    ownScenarios: byOwnEndpoint((e) => ({ catalog: new ScenarioCatalog(scenarios.filter(answersAt(e))), contract: contracts[e] })),
    deviceCatalog: new ScenarioCatalog(scenarios.filter(isDeviceScenario)),
    authorizationCatalog: new ScenarioCatalog(scenarios.filter(isAuthorizationScenario)),
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
    report: {
      rules: options.reportRulesFile === undefined ? reportRules() : loadReportRules(options.reportRulesFile),
      profile: profile.name,
      maxAssertionLifetimeSeconds: policy.maxLifetimeSeconds,
    },
    fixedIssuer,
    allowedHosts: parseAllowedHosts(options.allowedHosts ?? [], fixedIssuer),
    clientCas: readCaBundle(options.clientCaFile ?? demoPki().ca),
    trustClientCertHeader: options.trustClientCertHeader ?? false,
    maxBodyBytes: wholeNumber('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes),
    ...(options.cors === undefined ? {} : { cors: parseCorsOrigins(options.cors) }),
  };
}
