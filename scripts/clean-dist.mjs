#!/usr/bin/env node
/**
 * Empties dist/ before `npm run build`, so that a module moved or removed in src/ leaves no stale
 * copy to be packed and published. The standalone executable and its work folder stay: they are
 * rebuilt only when their inputs change (scripts/build-exe.mjs).
 */
import { readdirSync, rmSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const KEEP = new Set(['fapi-token-sandbox-linux-x64', 'sea']);
let entries = [];
try {
  entries = readdirSync(dist);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}
for (const name of entries) if (!KEEP.has(name)) rmSync(new URL(name, dist), { recursive: true, force: true });
