/** The public API of fapi-token-sandbox. */
export { createApp, createSharedApp, type SandboxApp } from './app/app.js';
export { startSandbox, type RunningSandbox, type StartOptions } from './server/server.js';
export { DEFAULTS } from './settings/defaults.js';
export type { SandboxOptions } from './settings/options.js';
export type { SandboxConfig } from './oauth/services.js';
export { ConfigError, OptionError } from './settings/errors.js';
export type { ControlOptions } from './settings/control.js';
export type {
  Scenario, ScenarioMatch, ScenarioResponse, ScenarioSequence, ScenarioStep, SequenceKey, Delay, Fault, DeviceBehaviour,
} from './scenarios/model.js';
export { consoleLogger, quietLogger, type Logger, type LogRecord } from './log/logger.js';
export type { SandboxState, Clock, RateLimit, JournalEntry } from './state/index.js';
export type { ClientAuthenticator, Authentication, AuthenticatedClient, RequestCredentials } from './clients/authenticate.js';
export type { TokenIssuer, TokenGrant, IssueContext } from './tokens/access-token.js';
export { createClientAssertion, readPrivateKey, type AssertionOptions } from './tokens/client-assertion.js';
export type { TokenInput } from './contract/request.js';
// A custom ClientAuthenticator refuses with these, so its refusals carry codes like the sandbox's own.
export { REFUSAL_CODES, CONTRACT_RULES, invalidClient, invalidRequest, type Refusal, type RefusalCode } from './http/refusal.js';
export type { paths, components } from './generated/token.js';
