/**
 * What the connection tells about a request: the client certificate of the mutual-TLS listener,
 * or the RFC 9440 Client-Cert header when the operator trusts the proxy that sets it.
 */
import { TLSSocket } from 'node:tls';
import { fromClientCertHeader, fromTlsSocket, type CertificateLookup } from './certificate.js';
import type { X509Certificate } from 'node:crypto';
import type { Transport } from '../http/exchange.js';

/** Whether the operator trusts a proxy's Client-Cert header, and the CAs a certificate must chain to. */
export interface CertificateSettings {
  trustClientCertHeader: boolean;
  clientCas: readonly X509Certificate[];
}

/** `transport` is absent when app.fetch is called in-process. */
export function clientCertificate(headers: Headers, transport: Transport | undefined, config: CertificateSettings): CertificateLookup {
  const socket = transport?.incoming.socket;
  if (socket instanceof TLSSocket) {
    const fromHandshake = fromTlsSocket(socket);
    if (fromHandshake.kind !== 'none') return fromHandshake;
  }
  const header = config.trustClientCertHeader ? headers.get('client-cert') : null;
  return header === null ? { kind: 'none' } : fromClientCertHeader(header, config.clientCas);
}
