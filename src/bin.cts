#!/usr/bin/env node
/**
 * The fapi-token-sandbox command: runs cli.js with a libuv thread pool of one thread unless
 * UV_THREADPOOL_SIZE says otherwise. Every token request verifies an assertion and signs a token
 * on that pool; with its default four threads on a small machine (CI, or a laptop that also runs
 * the client's load test) the crypto threads crowd out the one thread that serves HTTP, and one
 * thread measured about a fifth more tokens per second on two cores (see README, Performance).
 * libuv reads the size once, at the first pooled job, which for an ES module entry point has
 * already run (the module loader reads files on the pool): hence this CommonJS launcher.
 */
process.env.UV_THREADPOOL_SIZE ??= '1';
void import('./cli.js');
