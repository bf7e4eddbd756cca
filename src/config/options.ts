/** The sandbox's options, and the checked configuration built from them. */
import { loadTokenContract, type TokenContract } from '../contract/document.js';
import { declaredClientAuthenticator, type ClientAuthenticator } from '../clients/authenticate.js';
import { ScenarioCatalog } from '../scenarios/catalog.js';
import type { Scenario } from '../scenarios/model.js';
import { DEFAULT_TOKEN_LIFETIME_SECONDS, opaqueTokenIssuer, type TokenIssuer } from '../tokens/issuer.js';
import { resolveResilience, type ResilienceConfig, type ResilienceOptions } from './resilience.js';
import { loadScenarioDir, SHIPPED_SCENARIOS_DIR } from './scenario-files.js';

export interface SandboxOptions extends ResilienceOptions {
  /** Folder of scenario files; default: the shipped scenarios/. Ignored when `scenarios` is given. */
  scenariosDir?: string;
  /** Scenarios given directly (e.g. by a test suite), instead of a folder. */
  scenarios?: readonly Scenario[];
  /** Lifetime of issued access tokens, in seconds (default 900). */
  tokenLifetimeSeconds?: number;
  /** Replaces how clients are authenticated. */
  authenticator?: ClientAuthenticator;
  /** Replaces how access tokens are issued. */
  tokenIssuer?: TokenIssuer;
}

export interface SandboxConfig extends ResilienceConfig {
  contract: TokenContract;
  catalog: ScenarioCatalog;
  authenticator: ClientAuthenticator;
  issuer: TokenIssuer;
}

/** Builds the configuration, throwing a ConfigError for any mistake in the inputs. */
export function resolveConfig(options: SandboxOptions = {}): SandboxConfig {
  const contract = loadTokenContract();
  const scenarios = options.scenarios ?? loadScenarioDir(options.scenariosDir ?? SHIPPED_SCENARIOS_DIR, contract);
  const lifetime = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1) {
    throw new RangeError(`tokenLifetimeSeconds must be a positive whole number, got ${String(lifetime)}`);
  }
  return {
    ...resolveResilience(options),
    contract,
    catalog: new ScenarioCatalog(scenarios),
    authenticator: options.authenticator ?? declaredClientAuthenticator,
    issuer: options.tokenIssuer ?? opaqueTokenIssuer(lifetime),
  };
}
