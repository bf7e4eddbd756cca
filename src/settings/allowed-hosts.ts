/** The --allowed-hosts / `allowedHosts` option: host names served besides the loopback ones. */
import { isIP } from 'node:net';
import { bare, type AllowedHosts } from '../http/allowed-hosts.js';
import { OptionError } from './errors.js';

/** Checks the allowed hosts (`*`, or names and addresses without scheme or port) and adds the issuer's. */
export function parseAllowedHosts(entries: readonly string[], issuer: string | undefined): AllowedHosts {
  const trimmed = entries.map((e) => e.trim()).filter((e) => e !== '');
  if (trimmed.includes('*')) {
    if (trimmed.length > 1) throw OptionError.at('allowedHosts', '* allows every host and cannot be combined with others');
    return { any: true };
  }
  const names = new Set(trimmed.map(hostName));
  if (issuer !== undefined) names.add(bare(new URL(issuer).hostname));
  return { any: false, names };
}

function hostName(entry: string): string {
  let url: URL | undefined;
  try {
    url = new URL(`http://${isIP(entry) === 6 ? `[${entry}]` : entry}/`);
  } catch {
    url = undefined;
  }
  if (!url || url.host !== url.hostname || url.pathname !== '/' || url.username !== '' || url.search !== '' || url.hash !== '') {
    throw OptionError.at('allowedHosts', `"${entry}" is not a host name: give names or addresses such as sandbox or my-host.example, without scheme or port`);
  }
  return bare(url.hostname);
}

/** Adds a host, such as the address the sandbox was bound to. */
export function allowHost(allowed: AllowedHosts, host: string): void {
  if (!allowed.any) allowed.names.add(hostName(host));
}
