/**
 * What the connection tells about a request: the client certificate of the mutual-TLS listener,
 * or the RFC 9440 Client-Cert header when the operator trusts the proxy that sets it.
 */
import { TLSSocket } from 'node:tls';
import { fromClientCertHeader, fromTlsSocket, type CertificateLookup } from '../clients/certificate.js';
import type { SandboxConfig } from '../config/options.js';
import type { Transport } from './exchange.js';

/** `transport` is absent when app.fetch is called in-process. */
export function clientCertificate(headers: Headers, transport: Transport | undefined, config: SandboxConfig): CertificateLookup {
  const socket = transport?.incoming.socket;
  if (socket instanceof TLSSocket) {
    const fromHandshake = fromTlsSocket(socket);
    if (fromHandshake.kind !== 'none') return fromHandshake;
  }
  const header = config.trustClientCertHeader ? headers.get('client-cert') : null;
  return header === null ? { kind: 'none' } : fromClientCertHeader(header, config.clientCas);
}
