/**
 * The settings every load run shares, so that the servers are compared on equal terms, and the
 * bounds that keep `npm run bench` short and local.
 */
export const LOAD = {
  connections: 50,
  pipelining: 1,
  /** Not measured: lets the JIT and the connection pools settle. */
  warmupSeconds: 2,
  measuredSeconds: 10,
  timeoutSeconds: 10,
} as const;

/**
 * The soak of the hardening issue: many connections held for a while, half on the success path and
 * half on an error path, every answer checked against the contract; then the heap the server
 * retains after a full GC and a reset must be back near its measure before the load.
 */
export const SOAK = {
  connections: 500,
  seconds: 30,
  /**
   * What the retained heap may grow by without being called a leak: compiled code and inline
   * caches of the paths the load warmed, kept after the reset (seen here: +1.4 MB over 72,000 requests). A leak of
   * 100 bytes a request is about 8 MB over a soak's 80,000+ requests.
   */
  retainedHeapGrowthMb: 4,
} as const;

/** Only loopback is ever a target. */
export const HOST = '127.0.0.1';

/** The whole bench (after the build) stops with a failure past this. */
export const DEADLINE_MS = 180_000;

/** Where start-up is a target, it is the median of this many spawns (the last one then takes the load): one can be unlucky. */
export const STARTUP_SAMPLES = 3;

/** The start-up table (bench/startup.ts): rounds of the command and the standalone executable. */
export const STARTUP_ROUNDS = 7;

/** A server that has not answered by then failed to start. */
export const STARTUP_TIMEOUT_MS = 30_000;

/** Assertions outlive the whole run (the sandbox allows up to an hour ahead). */
export const ASSERTION_LIFETIME_SECONDS = 900;

export const REPLAY_KEYS = 1_000_000;
export const SCENARIO_COUNTS = { small: 10, large: 10_000 } as const;
