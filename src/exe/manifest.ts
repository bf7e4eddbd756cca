/**
 * The standalone executable's copy of the shipped files (src/shipped/files.ts): the build
 * (scripts/build-exe.mjs) embeds every file as an SEA asset named by its relative path, with this
 * manifest beside them; the executable reads it to unpack them (./unpack.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SHIPPED_PATHS } from '../shipped/files.js';

export const MANIFEST_ASSET = 'manifest.json';

export interface ShippedManifest {
  version: string;
  /** Of every path, mode and byte: names the unpacked folder, so a new build never reuses an old copy. */
  hash: string;
  files: { path: string; size: number; mode: number }[];
}

/**
 * Private keys are readable by their owner only once unpacked. Git and npm carry no such mode (the
 * checkout has 0644), so the contents decide.
 */
const modeFor = (contents: Buffer) => (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(contents.toString('latin1')) ? 0o600 : 0o644);

function filesUnder(root: string, path: string): string[] {
  const absolute = join(root, path);
  if (!statSync(absolute).isDirectory()) return [path];
  return readdirSync(absolute, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** The manifest of the shipped files under `root` (the checkout), and each file's absolute path by asset name. */
export function shippedManifest(root: string): { manifest: ShippedManifest; assets: Record<string, string> } {
  const paths = SHIPPED_PATHS.flatMap((path) => filesUnder(root, path)).sort();
  const hash = createHash('sha256');
  const files = paths.map((path) => {
    const contents = readFileSync(join(root, path));
    const mode = modeFor(contents);
    hash.update(`${path}\0${mode}\0${contents.length}\0`).update(contents);
    return { path, size: contents.length, mode };
  });
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    manifest: { version, hash: hash.digest('hex').slice(0, 16), files },
    assets: Object.fromEntries(paths.map((path) => [path, join(root, path)])),
  };
}
