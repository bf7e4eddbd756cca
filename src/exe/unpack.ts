/**
 * Unpacks the executable's embedded shipped files (./manifest.ts) into a folder named by their
 * hash, once: later starts find it complete and only check that every file is there with its size.
 * Starts may run at once (a CI job that starts two), so nothing is ever seen half-written: a first
 * unpack goes to a fresh folder renamed into place in one step (the loser of a race uses the
 * winner's), and a copy some cleaner has thinned out is repaired file by file, each written beside
 * its place and renamed over it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MANIFEST_ASSET, type ShippedManifest } from './manifest.js';

export type ReadAsset = (key: string) => ArrayBuffer;
type ManifestFile = ShippedManifest['files'][number];

const sizeOf = (path: string) => statSync(path, { throwIfNoEntry: false })?.size;

function writeFile(readAsset: ReadAsset, root: string, file: ManifestFile, path = join(root, file.path)): void {
  mkdirSync(dirname(join(root, file.path)), { recursive: true, mode: 0o700 });
  writeFileSync(path, new Uint8Array(readAsset(file.path)), { mode: file.mode, flag: 'wx' });
}

/** Unpacks into `parent` unless done before; returns the folder that holds the shipped files. */
export function unpackShipped(readAsset: ReadAsset, parent: string): string {
  const manifest = JSON.parse(Buffer.from(readAsset(MANIFEST_ASSET)).toString('utf8')) as ShippedManifest;
  const dir = join(parent, `${manifest.version}-${manifest.hash}`);
  if (sizeOf(dir) === undefined) {
    const fresh = mkdtempSync(join(parent, '.unpacking-'));
    try {
      for (const file of manifest.files) writeFile(readAsset, fresh, file);
      renameSync(fresh, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err; // else another start renamed its copy first
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }
  for (const file of manifest.files) {
    const path = join(dir, file.path);
    if (sizeOf(path) === file.size) continue;
    const beside = `${path}.${randomBytes(6).toString('hex')}`;
    writeFile(readAsset, dir, file, beside);
    renameSync(beside, path);
  }
  return dir;
}
