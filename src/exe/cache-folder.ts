/**
 * Where the standalone executable unpacks its shipped files: the user's cache folder
 * ($XDG_CACHE_HOME, else ~/.cache), or when that cannot be made (a service user without a
 * writable home), a folder of the user's own in the temporary folder, which must then be theirs
 * alone: in a shared /tmp another user could have made it first and put their own clients in.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../config/errors.js';

const NAME = 'fapi-token-sandbox';

function userCache(): string | undefined {
  const xdg = process.env.XDG_CACHE_HOME;
  try {
    const folder = join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), NAME);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    return folder;
  } catch {
    return undefined;
  }
}

function privateTempFolder(): string {
  const uid = process.getuid!();
  const folder = join(tmpdir(), `${NAME}-${uid}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const stat = lstatSync(folder);
  if (!stat.isDirectory() || stat.uid !== uid || (stat.mode & 0o077) !== 0) {
    throw new ConfigError(folder, '', "is not a folder of this user's alone: set XDG_CACHE_HOME to a writable folder");
  }
  return folder;
}

export const cacheFolder = (): string => userCache() ?? privateTempFolder();
