/** tls_client_auth (RFC 8705 §2.1): does the presented certificate belong to the client? */
import { isIP } from 'node:net';
import { certificateSubjectString, parseCertificateSubject, sameDn } from './dn.js';
import type { ClientCertificate } from './certificate.js';
import { subjectAltNames } from './certificate.js';
import type { CertificateIdentity } from './registry.js';
import { invalidClient, type Refusal, type RefusalCode } from '../http/refusal.js';

/** The refusal code of each subjectAltName identity. */
const SAN_CODES = {
  san_dns: 'mtls.san_dns',
  san_ip: 'mtls.san_ip',
  san_uri: 'mtls.san_uri',
  san_email: 'mtls.san_email',
} as const satisfies Record<Exclude<CertificateIdentity['kind'], 'subject_dn'>, RefusalCode>;

/** Both are IP addresses: the clients file's schema checks the registered one, X.509 the other. */
function sameIp(a: string, b: string): boolean {
  // Normalise IPv6 spellings (e.g. ::1 and 0:0:0:0:0:0:0:1) through the URL parser.
  const norm = (ip: string) => (isIP(ip) === 6 ? new URL(`http://[${ip}]/`).hostname : ip);
  return norm(a) === norm(b);
}

/** Returns null when the certificate matches the registered identity, else the refusal (its code names the identity's kind). */
export function certificateMismatch(identity: CertificateIdentity, cert: ClientCertificate): Refusal | null {
  if (identity.kind === 'subject_dn') {
    let subject;
    try {
      subject = parseCertificateSubject(cert.x509.subject);
    } catch {
      return invalidClient('mtls.subject_unreadable', 'the client certificate subject cannot be read as a distinguished name');
    }
    return sameDn(subject, identity.dn)
      ? null
      : invalidClient(
          'mtls.subject_dn',
          `the client certificate subject "${certificateSubjectString(cert.x509.subject)}" is not the registered tls_client_auth_subject_dn "${identity.text}"`,
        );
  }
  const sans = subjectAltNames(cert.x509);
  const found =
    identity.kind === 'san_dns'
      ? sans.dns.some((d) => d.toLowerCase() === identity.value.toLowerCase())
      : identity.kind === 'san_ip'
        ? sans.ip.some((ip) => sameIp(ip, identity.value))
        : identity.kind === 'san_uri'
          ? sans.uri.includes(identity.value)
          : sans.email.some((e) => e.toLowerCase() === identity.value.toLowerCase());
  return found
    ? null
    : invalidClient(SAN_CODES[identity.kind], `the client certificate has no subjectAltName matching the registered tls_client_auth_${identity.kind} "${identity.value}"`);
}
