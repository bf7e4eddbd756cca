/**
 * The X.509 writer of init: its DER encodings, and certificates that node:crypto and OpenSSL read,
 * verify and chain as RFC 5280 says.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as der from '../../src/init/der.js';
import { certificateKeyPair, ipOctets, issueCertificate, keyIdentifier, type Name } from '../../src/init/x509.js';
import { requireTool } from '../support/tools.js';

const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 3600_000);
const notAfter = new Date(notBefore.getTime() + 730 * 86400_000);

function makeCa(cn: string) {
  const keys = certificateKeyPair();
  const name: Name = [['C', 'BR'], ['O', 'test'], ['CN', cn]];
  const cert = issueCertificate({ subject: name, publicKey: keys.publicKey, signingKey: keys.privateKey, ca: true, notBefore, notAfter });
  return { cert, issuer: { name, privateKey: keys.privateKey, keyIdentifier: cert.keyIdentifier } };
}

const ca = makeCa('test CA');
const otherCa = makeCa('test CA'); // the same name, another key
const server = issueCertificate({
  subject: [['O', 'test'], ['CN', 'localhost']],
  publicKey: certificateKeyPair().publicKey,
  issuer: ca.issuer,
  extendedKeyUsage: 'serverAuth',
  dnsNames: ['localhost'],
  ipAddresses: ['127.0.0.1', '::1'],
  notBefore,
  notAfter,
});
const clientKeys = certificateKeyPair();
const client = issueCertificate({
  subject: [['O', 'test'], ['OU', 'clients'], ['CN', 'my client']],
  publicKey: clientKeys.publicKey,
  issuer: ca.issuer,
  extendedKeyUsage: 'clientAuth',
  notBefore,
  notAfter,
});
const x509 = { ca: new X509Certificate(ca.cert.pem), server: new X509Certificate(server.pem), client: new X509Certificate(client.pem) };

const dir = mkdtempSync(join(tmpdir(), 'x509-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function pemFile(name: string, pem: string): string {
  const path = join(dir, `${name}.pem`);
  writeFileSync(path, pem);
  return path;
}
const openssl = (...args: string[]) => execFileSync(requireTool('openssl'), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const hexColons = (b: Buffer) => b.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');

describe('DER encodings', () => {
  it('encodes OIDs, lengths, integers and times as X.690 says', () => {
    expect(der.oid('1.2.840.10045.4.3.2').toString('hex')).toBe('06082a8648ce3d040302');
    expect(der.oid('2.5.29.19').toString('hex')).toBe('0603551d13');
    expect(der.tlv(0x04, Buffer.alloc(5)).subarray(0, 2).toString('hex')).toBe('0405');
    expect(der.tlv(0x04, Buffer.alloc(200)).subarray(0, 3).toString('hex')).toBe('0481c8');
    expect(der.tlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString('hex')).toBe('0482012c');
    expect(der.unsignedInteger(Buffer.from([0x80, 1])).toString('hex')).toBe('0203008001');
    expect(der.unsignedInteger(Buffer.from([0, 0, 0x7f])).toString('hex')).toBe('02017f');
    expect(der.smallInteger(2).toString('hex')).toBe('020102');
    expect(der.time(new Date('2049-12-31T23:59:59.900Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(der.time(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(() => der.printableString('café')).toThrow(/not a PrintableString/);
  });

  it('reads the elements of a SEQUENCE, long lengths included', () => {
    const seq = der.sequence(der.boolean(true), der.octetString(Buffer.alloc(300, 7)));
    expect(der.readElements(seq).map((e) => [e.tag, e.contents.length])).toEqual([
      [0x01, 1],
      [0x04, 300],
    ]);
    expect(() => der.readElements(seq.subarray(0, 20))).toThrow(/truncated/);
  });

  it('writes IP addresses as 4 or 16 octets', () => {
    expect(ipOctets('127.0.0.1').toString('hex')).toBe('7f000001');
    expect(ipOctets('::1').toString('hex')).toBe('00000000000000000000000000000001');
    expect(ipOctets('2001:db8::8:800:200c:417a').toString('hex')).toBe('20010db80000000000080800200c417a');
    expect(ipOctets('fe80:1:2:3:4:5:6:7').toString('hex')).toBe('fe800001000200030004000500060007');
    expect(() => ipOctets('localhost')).toThrow(/not an IPv4 or plain IPv6/);
  });

  it('takes the key identifier from the public key bits (RFC 5280 §4.2.1.2 method 1)', () => {
    const jwk = clientKeys.publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    expect(keyIdentifier(clientKeys.publicKey)).toEqual(createHash('sha1').update(point).digest());
  });
});

describe('certificates', () => {
  it('parse with node:crypto, verify with the CA key and chain to the CA', () => {
    expect(x509.ca.ca).toBe(true);
    expect(x509.ca.verify(x509.ca.publicKey)).toBe(true); // self-signed
    for (const cert of [x509.server, x509.client]) {
      expect(cert.ca).toBe(false);
      expect(cert.verify(x509.ca.publicKey)).toBe(true);
      expect(cert.checkIssued(x509.ca)).toBe(true);
      // A CA of the same name with another key did not issue it: the authority key identifier differs.
      expect(cert.verify(new X509Certificate(otherCa.cert.pem).publicKey)).toBe(false);
      expect(cert.checkIssued(new X509Certificate(otherCa.cert.pem))).toBe(false);
      expect(cert.issuer).toBe('C=BR\nO=test\nCN=test CA');
      expect(new Date(cert.validFrom)).toEqual(notBefore);
      expect(new Date(cert.validTo)).toEqual(notAfter);
    }
    expect(x509.client.subject).toBe('O=test\nOU=clients\nCN=my client');
    expect(x509.client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(x509.server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('names localhost, 127.0.0.1 and ::1 in the server certificate', () => {
    expect(x509.server.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(x509.server.checkHost('localhost')).toBe('localhost');
    expect(x509.server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x509.server.checkIP('::1')).toBe('::1');
    expect(x509.server.checkHost('example.com')).toBeUndefined();
    expect(x509.client.subjectAltName).toBeUndefined();
  });

  it('have positive random 16-byte serials', () => {
    const serials = [x509.ca, x509.server, x509.client].map((c) => c.serialNumber);
    for (const serial of serials) {
      expect(serial).toMatch(/^[0-9A-F]{32}$/);
      expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
    }
    expect(new Set(serials).size).toBe(3);
  });

  it('read with OpenSSL: CA:TRUE and key usages on the CA, the key identifiers, the extended key usages', () => {
    const text = {
      ca: openssl('x509', '-noout', '-text', '-in', pemFile('ca', ca.cert.pem)),
      server: openssl('x509', '-noout', '-text', '-in', pemFile('server', server.pem)),
      client: openssl('x509', '-noout', '-text', '-in', pemFile('client', client.pem)),
    };
    expect(text.ca).toMatch(/Version: 3 \(0x2\)/);
    expect(text.ca).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
    expect(text.ca).toMatch(/X509v3 Basic Constraints: critical\n\s+CA:TRUE\n/);
    expect(text.ca).toMatch(/X509v3 Key Usage: critical\n\s+Certificate Sign, CRL Sign\n/);
    expect(text.ca).toMatch(/Subject: C = BR, O = test, CN = test CA/);
    expect(text.server).toMatch(/X509v3 Basic Constraints: \n\s+CA:FALSE\n/);
    expect(text.server).toMatch(/X509v3 Key Usage: critical\n\s+Digital Signature\n/);
    expect(text.server).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    expect(text.server).toMatch(/X509v3 Subject Alternative Name: \n\s+DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1\n/);
    expect(text.client).toMatch(/X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    expect(text.client).toMatch(/Subject: O = test, OU = clients, CN = my client/);
    expect(text.server).toContain(`X509v3 Subject Key Identifier: \n                ${hexColons(server.keyIdentifier)}\n`);
    expect(text.server).toContain(`X509v3 Authority Key Identifier: \n                ${hexColons(ca.cert.keyIdentifier)}\n`);
    expect(text.ca).toContain(`X509v3 Subject Key Identifier: \n                ${hexColons(ca.cert.keyIdentifier)}\n`);
  });

  it('verify with OpenSSL strictly, each only for its purpose', () => {
    const caFile = pemFile('ca', ca.cert.pem);
    const verify = (purpose: string, file: string) => openssl('verify', '-x509_strict', '-purpose', purpose, '-CAfile', caFile, file);
    expect(verify('sslserver', pemFile('server', server.pem))).toMatch(/: OK\n$/);
    expect(verify('sslclient', pemFile('client', client.pem))).toMatch(/: OK\n$/);
    expect(() => verify('sslclient', pemFile('server', server.pem))).toThrow(/unsuitable certificate purpose/);
    expect(() => verify('sslserver', pemFile('client', client.pem))).toThrow(/unsuitable certificate purpose/);
    expect(() => openssl('verify', '-CAfile', pemFile('other', otherCa.cert.pem), pemFile('server', server.pem))).toThrow(/unable to get local issuer certificate|certificate signature failure/);
  });

  it('take GeneralizedTime from 2050 on', () => {
    const keys = certificateKeyPair();
    const late = new Date('2051-06-01T12:00:00Z');
    const cert = issueCertificate({ subject: [['CN', 'late']], publicKey: keys.publicKey, signingKey: keys.privateKey, ca: true, notBefore, notAfter: late });
    expect(new Date(new X509Certificate(cert.pem).validTo)).toEqual(late);
    expect(openssl('x509', '-noout', '-enddate', '-in', pemFile('late', cert.pem))).toBe('notAfter=Jun  1 12:00:00 2051 GMT\n');
  });
});
