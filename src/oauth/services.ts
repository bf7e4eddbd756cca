/**
 * What the routes are served from: the running services and the settings they read, built once
 * from the options by settings/options.ts for app/app.ts.
 */
import type { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import type { ClientAuthenticator } from '../clients/authenticate.js';
import type { ClientRegistry } from '../clients/registry.js';
import type { ContractHolder } from '../contract/holder.js';
import type { AllowedHosts } from '../http/allowed-hosts.js';
import type { CorsOrigins } from '../http/cors.js';
import type { Logger } from '../log/logger.js';
import type { Listeners } from './endpoints.js';
import type { Profile } from './profiles.js';
import type { DpopRules } from '../clients/dpop.js';
import type { ScenarioCatalog } from '../scenarios/catalog.js';
import type { ResponseScenarios } from '../scenarios/select.js';
import type { AuthorizationScenario, DeviceScenario, OwnScenarioEndpoint, ResponseScenario } from '../scenarios/model.js';
import type { Clock, RateLimit, SandboxState } from '../state/index.js';
import type { TokenIssuer } from '../tokens/access-token.js';
import type { ReportRules } from '../report/rules.js';

export interface FlowSettings {
  /** `page`: the user approves on the consent page; `auto`: approved at once (CI). */
  consent: 'auto' | 'page';
  parLifetimeSeconds: number;
  codeLifetimeSeconds: number;
  rotateRefreshTokens: boolean;
}

export interface SandboxConfig {
  /** The FAPI profile whose rules apply. */
  profile: Profile;
  /** How DPoP proofs are checked: the profile's algorithms, the clock skew, nonces when demanded. */
  dpop: DpopRules;
  /** Every mutable thing: used jti values, sequences, rate buckets, device codes, the journal. */
  state: SandboxState;
  /** Protocol time. */
  clock: Clock;
  rateLimit?: RateLimit;
  /** The control API, or undefined when it is off. */
  admin?: { token?: string };
  logger: Logger;
  /** The token contract in force (replaced by live reload together with the scenarios). */
  contract: ContractHolder;
  /** The folder the scenarios were loaded from; undefined when they were given directly. */
  scenariosDir?: string;
  /** Scenarios that answer POST /token. */
  catalog: ScenarioCatalog<ResponseScenario>;
  /** Scenarios that answer the sandbox's own endpoints (POST /par, /introspect, /revoke), and what each documents (openapi/sandbox.yaml). */
  ownScenarios: Readonly<Record<OwnScenarioEndpoint, ResponseScenarios>>;
  /** Scenarios that decide device authorizations. */
  deviceCatalog: ScenarioCatalog<DeviceScenario>;
  /** Scenarios that POST /par stores with the pushed request, to decide the authorization endpoint's answer. */
  authorizationCatalog: ScenarioCatalog<AuthorizationScenario>;
  device: { intervalSeconds: number; lifetimeSeconds: number };
  /** The authorization code flow: PAR, consent, codes, refresh tokens. */
  flow: FlowSettings;
  clients: ClientRegistry;
  authenticator: ClientAuthenticator;
  issuer: TokenIssuer;
  /** The public half of the token signing key, published at /jwks; the private half stays inside `issuer`. */
  tokenSigningJwk: JWK;
  fixedIssuer?: string;
  /** The hosts requests over a listener may name. */
  allowedHosts: AllowedHosts;
  clientCas: readonly X509Certificate[];
  trustClientCertHeader: boolean;
  /** The ports startSandbox listens on, told by server/ once it does (none in-process). */
  listeners: Readonly<Listeners>;
  maxBodyBytes: number;
  /** What GET /__sandbox/report judges by: the rules, the profile in force, the longest assertion accepted. */
  report: { rules: ReportRules; profile: string; maxAssertionLifetimeSeconds: number };
  /** Origins allowed cross-origin access; undefined: no CORS at all. */
  cors?: CorsOrigins;
}
