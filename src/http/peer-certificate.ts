/** A TLS client certificate as the journal shows it: subject and SHA-256 thumbprint (x5t#S256, RFC 8705 §3.1). */
import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Transport } from './exchange.js';

export interface CertificateSummary {
  subject: string;
  thumbprint: string;
}

export function peerCertificate(transport: Transport | undefined): CertificateSummary | null {
  const socket = transport?.incoming.socket as Partial<TLSSocket> | undefined;
  // Plain TCP sockets have no getPeerCertificate; TLS ones return {} when the client sent none.
  const cert = socket?.getPeerCertificate?.();
  if (!cert?.raw) return null;
  const subject = Object.entries(cert.subject ?? {})
    .map(([name, value]) => `${name}=${[value ?? ''].flat().join('+')}`)
    .join(', ');
  return { subject, thumbprint: createHash('sha256').update(cert.raw).digest('base64url') };
}
