/** The public API of fapi-token-sandbox. */
export { createApp, type SandboxApp } from './app.js';
export { startSandbox, DEFAULT_HOST, DEFAULT_PORT, type RunningSandbox, type StartOptions } from './server.js';
export type { SandboxOptions, SandboxConfig } from './config/options.js';
export { ConfigError } from './config/errors.js';
export type { Scenario, ScenarioMatch, ScenarioResponse } from './scenarios/model.js';
export type { ClientAuthenticator, Authentication, AuthenticatedClient, RequestCredentials } from './clients/authenticate.js';
export type { TokenIssuer, TokenGrant, IssueContext } from './tokens/access-token.js';
export { createClientAssertion, readPrivateKey, type AssertionOptions } from './tokens/client-assertion.js';
export type { TokenInput } from './contract/request.js';
export type { paths, components } from './generated/token.js';
