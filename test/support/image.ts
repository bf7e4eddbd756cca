/**
 * The container image without a container engine. No Docker engine runs on these machines and
 * `podman run` cannot (crun refuses cgroups in hybrid mode), and no image registry is reachable.
 * So, as root with podman (scripts/ensure-podman.sh installs it before `npm test`):
 * - the base image that `docker build` pulls, node:20-bookworm-slim, is replaced by a local
 *   stand-in under the same name (scripts/stand-in-base.sh: Debian bookworm minbase, this
 *   machine's Node 20 in /usr/local, a `node` user with uid 1000);
 * - the repository's own Dockerfile is built unchanged with `podman build --isolation chroot`;
 * - `docker run` is replaced by the image's entrypoint run from its mounted, read-only root file
 *   system with chroot, as the image's user, with its environment and working directory, in a
 *   private mount namespace (for /proc, /dev and the user's bind mounts) on this machine's network.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startCommand, type Started } from './cli.js';
import { requireTool } from './tools.js';

const exec = promisify(execFile);
const BUILD_TIMEOUT_MS = 600_000;

export interface ImageConfig {
  User: string;
  Env: string[];
  Entrypoint: string[];
  Cmd: string[];
  WorkingDir: string;
  ExposedPorts: Record<string, object>;
  Volumes: Record<string, object>;
}

export interface ImageInfo {
  Size: number;
  RootFS: { Layers: string[] };
  Config: ImageConfig;
  Healthcheck?: { Test: string[] };
}

/** Imports the stand-in for the Dockerfile's base image (once per machine; see the script). */
export async function ensureStandInBase(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the image test needs root (podman storage, podman image mount, mount, chroot): run npm test as root');
  for (const tool of ['podman', 'debootstrap']) requireTool(tool);
  requireTool('unshare', 'util-linux');
  await exec('bash', [join(ROOT, 'scripts/stand-in-base.sh')], { timeout: BUILD_TIMEOUT_MS });
}

/**
 * The CA bundle npm uses on this machine, if it sets one (a TLS-inspecting egress proxy): the build
 * then gets it through podman's build-time mounts, so that the Dockerfile stays as a Docker user
 * builds it and the image keeps nothing of it (its runtime stage runs no command).
 */
async function hostNpmCaFile(): Promise<string | undefined> {
  const { stdout } = await exec('npm', ['config', 'get', 'cafile'], { cwd: ROOT });
  const cafile = stdout.trim();
  return cafile && cafile !== 'null' && cafile !== 'undefined' ? cafile : process.env.NODE_EXTRA_CA_CERTS || undefined;
}

/** `podman build` of the repository's Dockerfile, tagged `tag`. */
export async function buildImage(tag: string): Promise<void> {
  const mounts: string[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'fapi-image-build-'));
  try {
    const ca = await hostNpmCaFile();
    if (ca) {
      // The node image's npm reads its global config from /usr/local/etc/npmrc.
      writeFileSync(join(scratch, 'npmrc'), `cafile=${ca}\n`);
      mounts.push('--volume', `${ca}:${ca}:ro`, '--volume', `${join(scratch, 'npmrc')}:/usr/local/etc/npmrc:ro`);
    }
    // --format docker: the OCI image format has no HEALTHCHECK; --pull=never: the stand-in base.
    await exec('podman', ['build', '--isolation', 'chroot', '--format', 'docker', '--pull=never', ...mounts, '--tag', tag, ROOT], {
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function inspectImage(ref: string): Promise<ImageInfo> {
  const { stdout } = await exec('podman', ['image', 'inspect', ref]);
  return (JSON.parse(stdout) as ImageInfo[])[0]!;
}

/** Mounts the image's root file system (read-only) and returns its path. */
export async function mountImage(ref: string): Promise<string> {
  return (await exec('podman', ['image', 'mount', ref])).stdout.trim();
}

export async function unmountImage(ref: string): Promise<void> {
  await exec('podman', ['image', 'unmount', ref]);
}

/** uid and gid of a user name in the image's /etc/passwd. */
export function imageUser(root: string, name: string): { uid: number; gid: number } {
  const line = readFileSync(join(root, 'etc/passwd'), 'utf8').split('\n').find((l) => l.split(':')[0] === name);
  if (!line) throw new Error(`the image has no user "${name}" in /etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

const shellWord = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export interface InImage {
  root: string;
  info: ImageInfo;
  /** Added to or replacing the image's Env. */
  env?: Record<string, string>;
  /** Host folders bound into the image's file system: container path → host path. */
  binds?: Record<string, string>;
}

/**
 * The command line that runs `argv` as `docker run` would in the image: its user, Env and
 * WorkingDir, a private mount namespace with /proc, /dev and the binds, and a chroot.
 */
export function inImageCommand({ root, info, env = {}, binds = {} }: InImage, argv: string[]): string[] {
  const { uid, gid } = imageUser(root, info.Config.User);
  const vars = new Map(info.Config.Env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  for (const [k, v] of Object.entries(env)) vars.set(k, v);
  const mounts = [
    `mount -t proc proc ${shellWord(join(root, 'proc'))}`,
    `mount --rbind /dev ${shellWord(join(root, 'dev'))}`,
    ...Object.entries(binds).map(([inside, host]) => `mount --bind ${shellWord(host)} ${shellWord(join(root, inside))}`),
  ];
  const run = [
    'exec', 'chroot', `--userspec=${uid}:${gid}`, root,
    '/usr/bin/env', '-i', `--chdir=${info.Config.WorkingDir || '/'}`, ...[...vars].map(([k, v]) => `${k}=${v}`), ...argv,
  ];
  return ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', [...mounts, run.map(shellWord).join(' ')].join(' && ')];
}

/** Runs a command in the image to completion. */
export async function runInImage(image: InImage, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...args] = inImageCommand(image, argv);
  return exec(command!, args, { timeout: 30_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
  );
}

/**
 * Starts the image's entrypoint with `args` (its Cmd when not given), as `docker run IMAGE args`
 * would, on `port` (the PORT variable), and waits for its "listening on" line.
 */
export function startImage(image: InImage, port: number, args = image.info.Config.Cmd): Promise<Started> {
  const [command, ...rest] = inImageCommand({ ...image, env: { PORT: String(port), ...image.env } }, [...image.info.Config.Entrypoint, ...args]);
  return startCommand(command!, rest);
}
