/** tls_client_auth by subjectAltName (RFC 8705 §2.1.2): which certificates belong to a registered identity. */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thumbprintOf } from '../../src/clients/certificate.js';
import { certificateMismatch } from '../../src/clients/mtls.js';
import { parseClientsFile } from '../../src/settings/clients-file.js';
import { certificateKeyPair, issueCertificate } from '../../src/init/x509.js';

const { publicKey, privateKey } = certificateKeyPair();
const x509 = new X509Certificate(
  issueCertificate({
    subject: [['CN', 'san-client']],
    publicKey,
    signingKey: privateKey,
    extendedKeyUsage: 'clientAuth',
    ipAddresses: ['10.0.0.7', '::1'],
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
  }).der,
);
const cert = { x509, thumbprint: thumbprintOf(x509), untrustedReason: null };
const registeredIp = (ip: string) => {
  const [client] = parseClientsFile('clients.yaml', `clients:\n  - { client_id: by-ip, token_endpoint_auth_method: tls_client_auth, tls_client_auth_san_ip: "${ip}" }\n`);
  return client!.certificate!;
};

describe('tls_client_auth_san_ip', () => {
  it('matches an IP address of the certificate, IPv6 in any spelling', () => {
    expect(certificateMismatch(registeredIp('10.0.0.7'), cert)).toBeNull();
    expect(certificateMismatch(registeredIp('0:0:0:0:0:0:0:1'), cert)).toBeNull();
  });

  it('refuses a certificate without the registered address', () => {
    expect(certificateMismatch(registeredIp('10.0.0.8'), cert)).toEqual({
      error: 'invalid_client',
      code: 'mtls.san_ip',
      description: 'the client certificate has no subjectAltName matching the registered tls_client_auth_san_ip "10.0.0.8"',
    });
  });

  it('must be an IP address in the clients file', () => {
    expect(() => registeredIp('san-client.example')).toThrow(/^clients\.yaml: at clients\[0\]\.tls_client_auth_san_ip: /);
  });
});

describe('the other subjectAltName kinds', () => {
  it.each([
    ['tls_client_auth_san_dns', 'san-client.example', 'mtls.san_dns'],
    ['tls_client_auth_san_uri', 'https://san-client.example/', 'mtls.san_uri'],
    ['tls_client_auth_san_email', 'ops@san-client.example', 'mtls.san_email'],
  ])('refuses a certificate without the registered %s, naming that kind', (field, value, code) => {
    const [client] = parseClientsFile('clients.yaml', `clients:\n  - { client_id: by-san, token_endpoint_auth_method: tls_client_auth, ${field}: "${value}" }\n`);
    expect(certificateMismatch(client!.certificate!, cert)).toMatchObject({ error: 'invalid_client', code });
  });
});
