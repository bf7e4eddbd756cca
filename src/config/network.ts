/** Addresses that only this machine can reach, and the unspecified ones that mean every interface. */
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** 0.0.0.0 or :: (in any spelling): listen on every interface, but no address to open. */
export function isUnspecified(host: string): boolean {
  return host === '0.0.0.0' || (isIP(host) === 6 && new URL(`http://[${host}]/`).hostname === '[::]');
}
