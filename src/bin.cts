#!/usr/bin/env node
/**
 * The fapi-token-sandbox command, built for a quick start and many tokens a second:
 * - it runs dist/bundle/cli.js, cli.js and its dependencies bundled into one file at build time
 *   (npm run build): one file loads about 130 ms faster than the modules one by one. The Redis
 *   client stays out (twice the rest in size), loaded from node_modules only with --redis;
 * - with a libuv thread pool of one thread unless UV_THREADPOOL_SIZE says otherwise. Every token
 *   request verifies an assertion and signs a token on that pool; with its default four threads
 *   on a small machine (CI, or a laptop that also runs the client's load test) the crypto threads
 *   crowd out the one thread that serves HTTP, and one thread measured about a fifth more tokens
 *   a second on two cores. libuv reads the size once, at the first pooled job, which for an ES
 *   module entry point has already run (the module loader reads files on the pool): hence this
 *   CommonJS launcher.
 * See README, Performance.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

process.env.UV_THREADPOOL_SIZE ??= '1';
void import(pathToFileURL(join(__dirname, 'bundle', 'cli.js')).href);
