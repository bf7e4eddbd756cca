/** The --cors / `cors` option: which origins' browser scripts may call the sandbox. */
import type { CorsOrigins } from '../http/cors.js';
import { OptionError } from './errors.js';

/** Checks the allowed origins: `*`, or origins such as http://localhost:3000 (and `null`). */
export function parseCorsOrigins(value: string | readonly string[]): CorsOrigins {
  const entries = (typeof value === 'string' ? value.split(',') : [...value]).map((e) => e.trim()).filter((e) => e !== '');
  if (entries.length === 0) throw OptionError.at('cors', 'names no origin: give * or origins such as http://localhost:3000');
  if (entries.includes('*')) {
    if (entries.length > 1) throw OptionError.at('cors', '* allows every origin and cannot be combined with others');
    return '*';
  }
  for (const entry of entries) {
    if (entry === 'null') continue;
    let origin: string | undefined;
    try {
      origin = new URL(entry).origin;
    } catch {
      origin = undefined;
    }
    if (origin !== entry || !/^https?:/.test(entry)) {
      throw OptionError.at('cors', `"${entry}" is not an origin: give the scheme, host and port only, such as http://localhost:3000`);
    }
  }
  return new Set(entries);
}
