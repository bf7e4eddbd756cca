/**
 * The client certificate of a request: from the TLS handshake of the mutual-TLS listener, or,
 * behind a TLS-terminating proxy, from the RFC 9440 Client-Cert header when the operator trusts
 * it. Either way it must chain to a configured client CA.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';

export interface ClientCertificate {
  x509: X509Certificate;
  /** base64url SHA-256 of the DER: the RFC 8705 x5t#S256 confirmation. */
  thumbprint: string;
  /** null when the certificate is trusted; else why not. */
  untrustedReason: string | null;
}

export type CertificateLookup =
  | { kind: 'none' }
  | { kind: 'present'; certificate: ClientCertificate }
  | { kind: 'malformed'; reason: string };

export function thumbprintOf(x509: X509Certificate): string {
  return createHash('sha256').update(x509.raw).digest('base64url');
}

/** Reads a PEM bundle of CA certificates. */
export function parseCaBundle(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/** Checks what a TLS stack would: validity dates, and a signature by one of the CAs. */
export function chainProblem(cert: X509Certificate, cas: readonly X509Certificate[], now = new Date()): string | null {
  if (now < new Date(cert.validFrom)) return 'the certificate is not yet valid';
  if (now > new Date(cert.validTo)) return 'the certificate has expired';
  const issuer = cas.find((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
  return issuer ? null : 'the certificate is not issued by a trusted client CA';
}

/** The certificate the TLS handshake verified (or not: the listener asks but does not require). */
export function fromTlsSocket(socket: TLSSocket): CertificateLookup {
  const x509 = socket.getPeerX509Certificate();
  if (!x509) return { kind: 'none' };
  const untrustedReason = socket.authorized ? null : `the TLS handshake did not verify it (${String(socket.authorizationError)})`;
  return { kind: 'present', certificate: { x509, thumbprint: thumbprintOf(x509), untrustedReason } };
}

/** RFC 9440 §2.1: Client-Cert is a structured-field byte sequence, `:base64(DER):`. */
export function fromClientCertHeader(value: string, cas: readonly X509Certificate[]): CertificateLookup {
  const match = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(value.trim());
  if (!match) return { kind: 'malformed', reason: 'Client-Cert must be a byte sequence, :base64(DER): (RFC 9440 §2.1)' };
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(match[1]!, 'base64'));
  } catch {
    return { kind: 'malformed', reason: 'Client-Cert does not hold a DER certificate' };
  }
  return { kind: 'present', certificate: { x509, thumbprint: thumbprintOf(x509), untrustedReason: chainProblem(x509, cas) } };
}

/** Subject alternative names by kind, from Node's "DNS:a, IP Address:1.2.3.4, URI:u, email:e". */
export function subjectAltNames(x509: X509Certificate): { dns: string[]; uri: string[]; ip: string[]; email: string[] } {
  const names = { dns: [] as string[], uri: [] as string[], ip: [] as string[], email: [] as string[] };
  for (const entry of (x509.subjectAltName ?? '').split(/,\s*/)) {
    const colon = entry.indexOf(':');
    if (colon === -1) continue;
    const kind = entry.slice(0, colon);
    const value = entry.slice(colon + 1);
    if (kind === 'DNS') names.dns.push(value);
    else if (kind === 'URI') names.uri.push(value);
    else if (kind === 'IP Address') names.ip.push(value);
    else if (kind === 'email') names.email.push(value);
  }
  return names;
}
