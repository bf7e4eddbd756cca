/**
 * Where the files the package ships are: the contract (openapi/), the scenarios and their schema,
 * the demo clients with their keys and PKI (demo/), package.json. Every default that names one of
 * them resolves here, so that the sandbox works wherever it is installed and never from the
 * layout of a checkout or the working directory.
 *
 * By default the package's root is found relative to this module, two folders down in dist/
 * (dist/shipped/files.js) and in the bundled command (dist/bundle/cli.js) alike. The standalone
 * executable unpacks its embedded copy of these files and names that folder instead.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** Makes `dir` the folder shipped files are read from (the standalone executable's unpacked copy). */
export function useShippedRoot(dir: string): void {
  root = dir;
}

/** The path of a shipped file or folder, e.g. shippedFile('demo/clients.yaml'). */
export function shippedFile(relative: string): string {
  root ??= fileURLToPath(new URL('../../', import.meta.url));
  return join(root, relative);
}

/** The shipped files the sandbox reads at run time: what the package and the executable must carry. */
export const SHIPPED_PATHS = ['package.json', 'openapi', 'scenarios', 'demo'] as const;
