/**
 * Every default of the sandbox's options, in one annotated table: settings/options.ts resolves
 * options against it, the CLI's help is rendered from it (cli/help.ts), and a test holds the
 * README's Command line section to it. Modules below settings/ take these values as arguments.
 */
export const DEFAULTS = {
  /** TCP port of the HTTP listener (0 picks a free one). */
  port: 4010,
  /** Loopback only: anything else exposes the sandbox to a network. */
  host: '127.0.0.1',
  /** Algorithm of the token signing key generated at start. */
  signingAlg: 'ES256',
  /** The FAPI profile enforced (oauth/profiles.ts): FAPI 1 Advanced, today's behaviour. */
  profile: 'fapi1-advanced',
  /** Lifetime of issued access tokens, in seconds (the provider's page shows 900). */
  tokenLifetimeSeconds: 900,
  /** Clock difference tolerated in client assertions, in seconds. */
  clockSkewSeconds: 30,
  /** How far ahead a client assertion's exp may be, in seconds. */
  maxAssertionLifetimeSeconds: 3600,
  /** Timeout for fetching a client's jwks_uri, in milliseconds. */
  jwksTimeoutMs: 5000,
  /** Largest request body read, in bytes; a larger one is 400 invalid_request. */
  maxBodyBytes: 65_536,
  /** Device grant: seconds a device must wait between polls (RFC 8628 §3.2 suggests 5). */
  deviceIntervalSeconds: 5,
  /** Device grant: lifetime of device and user codes, in seconds. */
  deviceCodeLifetimeSeconds: 600,
  /** PAR (RFC 9126): lifetime of a request_uri, in seconds (RFC 9126 §2.2 suggests under 600). */
  parLifetimeSeconds: 90,
  /** Lifetime of an authorization code, in seconds. */
  codeLifetimeSeconds: 60,
  /** The authorization endpoint: `page` shows the consent page, `auto` approves at once. */
  consent: 'page',
  /** Requests the journal keeps. */
  journalSize: 500,
  /** Used assertion jti values remembered at most. */
  replayCapacity: 100_000,
  /** Starts every key of the shared state in Redis. */
  redisPrefix: 'fapi-token-sandbox:',
  /** Longest wait for Redis, at start and for each command; a request that needs it then answers 500. */
  redisTimeoutMs: 2000,
  /** Processes serving one port (--workers); above 1 needs Redis. */
  workers: 1,
  /** The assertion command: seconds until the assertion's exp. */
  assertionLifetimeSeconds: 60,
  /** The init command's folder. */
  initDir: './sandbox',
} as const;
