/** A TLS client certificate as the journal shows it: subject and SHA-256 thumbprint (x5t#S256, RFC 8705 §3.1). */
import { TLSSocket } from 'node:tls';
import { thumbprintOf } from './certificate.js';
import { certificateSubjectString } from './dn.js';
import type { Transport } from '../http/exchange.js';

export interface CertificateSummary {
  subject: string;
  thumbprint: string;
}

export function peerCertificate(transport: Transport | undefined): CertificateSummary | null {
  const socket = transport?.incoming.socket;
  const x509 = socket instanceof TLSSocket ? socket.getPeerX509Certificate() : undefined;
  return x509 ? { subject: certificateSubjectString(x509.subject), thumbprint: thumbprintOf(x509) } : null;
}
