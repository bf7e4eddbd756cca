/** Where things are, from the compiled bench (bench/dist/bench/*.js). */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What `fapi-token-sandbox` and `npm start` run. */
export const SANDBOX_CLI = `${ROOT}dist/bin.cjs`;
/** What `npm run build:exe` makes. */
export const EXE = `${ROOT}dist/fapi-token-sandbox-linux-x64`;
export const PRISM = `${ROOT}node_modules/.bin/prism`;
export const TOKEN_DOCUMENT = `${ROOT}openapi/token.yaml`;
export const DEMO_KEY_FILE = `${ROOT}demo/keys/sandbox-pkjwt.private.pem`;
export const BARE_NODE_SERVER = fileURLToPath(new URL('./bare-node.js', import.meta.url));
export const FLOOR_NODE_SERVER = fileURLToPath(new URL('./floor-node.js', import.meta.url));
export const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.js', import.meta.url));
export const REPLAY_MEMORY_SCRIPT = fileURLToPath(new URL('./replay-memory.js', import.meta.url));
export const RESULTS_FILE = `${ROOT}bench/results.json`;
export const PROFILES_DIR = `${ROOT}bench/profiles`;
