/**
 * Reads the Prism-compatible preferences of a Prefer header (RFC 7240 syntax):
 * `code=429`, `code=400, example=invalid_client`. Preferences other than these are ignored,
 * as RFC 7240 §2 asks of a server that does not support them.
 */
export interface Preferences {
  code?: string;
  example?: string;
}

export function parsePrefer(header: string | null): Preferences {
  const prefs: Preferences = {};
  if (header === null) return prefs;
  for (const item of header.split(',')) {
    const token = item.split(';')[0]!;
    const eq = token.indexOf('=');
    if (eq === -1) continue;
    const name = token.slice(0, eq).trim().toLowerCase();
    let value = token.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if ((name === 'code' || name === 'example') && prefs[name] === undefined) prefs[name] = value;
  }
  return prefs;
}
