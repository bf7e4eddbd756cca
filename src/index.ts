/** The public API of fapi-token-sandbox. */
export { createApp, type SandboxApp } from './app.js';
export { startSandbox, DEFAULT_HOST, DEFAULT_PORT, type RunningSandbox, type StartOptions } from './server.js';
export type { SandboxOptions, SandboxConfig } from './config/options.js';
export { ConfigError } from './config/errors.js';
export type { Scenario, ScenarioMatch, ScenarioResponse } from './scenarios/model.js';
export type { ClientAuthenticator, Authentication, AuthenticatedClient } from './clients/authenticate.js';
export type { TokenIssuer, TokenGrant } from './tokens/issuer.js';
export type { TokenInput } from './contract/request.js';
export type { paths, components } from './generated/token.js';
