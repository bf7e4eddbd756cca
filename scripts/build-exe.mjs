#!/usr/bin/env node
/**
 * `npm run build:exe` (after `npm run build`): the standalone executable
 * dist/fapi-token-sandbox-linux-x64, a copy of this machine's Node binary with the sandbox injected
 * as a single executable application (https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html):
 * 1. dist/exe/main.js and everything it imports bundled into one CommonJS file (Node 20 runs only
 *    CommonJS as the application, and its `require` sees only the built-in modules);
 * 2. the blob: that bundle, and the shipped files as assets with their manifest (src/exe/manifest.ts);
 * 3. the Node binary copied, stripped of its symbols (12 MB of its 99; only a native crash's
 *    stack trace would name them), the blob injected with postject, and the result run once
 *    (`--version`).
 * Skips steps 2-3 when their inputs (the bundle, the shipped files, this Node, this script) are
 * those of the executable already there, so that the exe test can call it every time.
 * Built here for linux-x64 only: the binary copied is the running Node's (and a Linux binary has
 * no code signature to remove before injecting and to redo after, as macOS and Windows ones do).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = join(ROOT, 'dist/exe/main.js');
const WORK = join(ROOT, 'dist/sea');
export const EXE = join(ROOT, 'dist/fapi-token-sandbox-linux-x64');
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const fail = (why) => {
  console.error(`build:exe: ${why}`);
  process.exit(1);
};
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`builds the linux-x64 executable from the running Node binary, and this is ${process.platform}-${process.arch}`);
}
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 12)) fail(`needs Node 20.12 or later (SEA assets), and this is ${process.version}`);
if (!existsSync(ENTRY)) fail('dist/exe/main.js is missing: run `npm run build` first');

const started = performance.now();
mkdirSync(WORK, { recursive: true });
const { build } = await import('rolldown');
const { shippedManifest, MANIFEST_ASSET } = await import(join(ROOT, 'dist/exe/manifest.js'));

const main = join(WORK, 'main.cjs');
await build({
  input: ENTRY,
  platform: 'node',
  logLevel: 'warn',
  output: { file: main, format: 'cjs', codeSplitting: false },
});

const { manifest, assets } = shippedManifest(ROOT);
const manifestFile = join(WORK, MANIFEST_ASSET);
writeFileSync(manifestFile, `${JSON.stringify(manifest)}\n`);
const blob = join(WORK, 'sea-prep.blob');
const seaConfig = {
  main,
  output: blob,
  // The warning says SEA is experimental; users should see only the sandbox's output.
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  assets: { [MANIFEST_ASSET]: manifestFile, ...assets },
};
const configFile = join(WORK, 'sea-config.json');
writeFileSync(configFile, `${JSON.stringify(seaConfig, null, 2)}\n`);

const stamp = createHash('sha256')
  .update(readFileSync(main))
  .update(manifest.hash)
  .update(`${process.execPath} ${statSync(process.execPath).mtimeMs} ${process.version}`)
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex');
const stampFile = join(WORK, 'inputs.sha256');
if (existsSync(EXE) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  console.log(`build:exe: ${EXE} is up to date`);
  process.exit(0);
}

execFileSync(process.execPath, ['--experimental-sea-config', configFile], { stdio: ['ignore', 'ignore', 'inherit'] });
const binary = join(WORK, 'fapi-token-sandbox');
rmSync(binary, { force: true });
copyFileSync(process.execPath, binary);
chmodSync(binary, 0o755);
const unstripped = statSync(binary).size;
execFileSync('strip', [binary], { stdio: 'inherit' });
const postject = spawnSync(process.execPath, [join(ROOT, 'node_modules/postject/dist/cli.js'), binary, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SENTINEL_FUSE], {
  encoding: 'utf8',
});
// Its ELF library warns about every one of Node's many note sections, which are left as they are.
process.stderr.write(postject.stderr.replace(/^warning: Can't find string offset for section name '\.note[.\d]*'\n/gm, ''));
if (postject.status !== 0) fail(`postject failed (exit ${postject.status})`);

// Run once with a cache folder of its own, so that the build leaves nothing in the user's cache.
const cache = join(WORK, 'cache');
const version = execFileSync(binary, ['--version'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', XDG_CACHE_HOME: cache } }).trim();
rmSync(cache, { recursive: true, force: true });
if (version !== manifest.version) fail(`the built executable says its version is "${version}", expected ${manifest.version}`);
renameSync(binary, EXE);
writeFileSync(stampFile, stamp);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`build:exe: ${EXE}: ${mb(statSync(EXE).size)} (the Node binary ${mb(unstripped)} unstripped), in ${seconds} s`);
