/**
 * The standalone executable's entry (Node's single executable applications; scripts/build-exe.mjs
 * bundles it as CommonJS): unpacks the embedded shipped files, points the sandbox at them, names
 * itself for the commands `init` prints, then runs the CLI as dist/bin.cjs would.
 */
import { getAsset } from 'node:sea';
import { ConfigError } from '../config/errors.js';
import { useShippedRoot } from '../shipped/files.js';
import { shellWord } from '../init/shell-word.js';
import { cacheFolder } from './cache-folder.js';
import { unpackShipped } from './unpack.js';

// Before any work goes to libuv's pool, as in src/bin.cts (which says why).
process.env.UV_THREADPOOL_SIZE ??= '1';

try {
  useShippedRoot(unpackShipped((key) => getAsset(key), cacheFolder()));
} catch (err) {
  const { code, path } = err as NodeJS.ErrnoException;
  if (!(err instanceof ConfigError) && !(code && path)) throw err; // not the file system's: a bug, with its stack
  console.error(`fapi-token-sandbox: ${err instanceof ConfigError ? err.message : `${path}: cannot unpack the shipped files here (${code}): set XDG_CACHE_HOME to a writable folder`}`);
  process.exit(2);
}
// argv0 is the command as it was typed (a name found on PATH, or a path from this folder), so the
// printed commands work as printed.
process.env.FAPI_SANDBOX_COMMAND ||= shellWord(process.argv0);

void import('../cli.js');
