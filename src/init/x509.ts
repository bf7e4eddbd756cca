/**
 * Issues X.509 v3 certificates (RFC 5280) for a scaffolded sandbox: a CA, and the TLS client and
 * server certificates it signs. ECDSA P-256 keys, signed with ecdsa-with-SHA256 (RFC 5758 §3.2).
 * Written here rather than taken from a dependency: init needs only this small part of X.509.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import * as der from './der.js';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const ATTRIBUTE_OIDS = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;

/** A name as RDNs of one attribute each, most significant first (C, O, OU, CN), as DER orders them. */
export type Name = [keyof typeof ATTRIBUTE_OIDS, string][];

/** RFC 5280 §4.2.1.3 bit positions. */
const KEY_USAGE_BITS = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 } as const;
type KeyUsage = keyof typeof KEY_USAGE_BITS;

export interface Issuer {
  name: Name;
  privateKey: KeyObject;
  keyIdentifier: Buffer;
}

export interface CertificateSpec {
  subject: Name;
  publicKey: KeyObject;
  /** Omitted: self-signed, with `signingKey`. */
  issuer?: Issuer;
  /** The key that signs a self-signed certificate. */
  signingKey?: KeyObject;
  ca?: boolean;
  extendedKeyUsage?: 'serverAuth' | 'clientAuth';
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore: Date;
  notAfter: Date;
}

export interface Issued {
  der: Buffer;
  pem: string;
  keyIdentifier: Buffer;
}

function name(rdns: Name): Buffer {
  return der.sequence(
    ...rdns.map(([type, value]) =>
      // countryName is a PrintableString (RFC 5280 Appendix A); other attributes UTF8String (§4.1.2.4).
      der.set(der.sequence(der.oid(ATTRIBUTE_OIDS[type]), type === 'C' ? der.printableString(value) : der.utf8String(value))),
    ),
  );
}

/** RFC 5280 §4.2.1.2 method 1: the SHA-1 of the subjectPublicKey BIT STRING's value. */
export function keyIdentifier(publicKey: KeyObject): Buffer {
  const [, subjectPublicKey] = der.readElements(publicKey.export({ type: 'spki', format: 'der' }));
  if (!subjectPublicKey || subjectPublicKey.tag !== 0x03) throw new Error('not a SubjectPublicKeyInfo');
  return createHash('sha1').update(subjectPublicKey.contents.subarray(1)).digest();
}

/** A named-bit BIT STRING in DER: trailing zero bits dropped and counted as unused. */
function keyUsage(usages: KeyUsage[]): Buffer {
  const highest = Math.max(...usages.map((u) => KEY_USAGE_BITS[u]));
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const u of usages) {
    const bit = KEY_USAGE_BITS[u];
    bytes.writeUInt8(bytes.readUInt8(bit >> 3) | (0x80 >> (bit & 7)), bit >> 3);
  }
  return der.bitString(bytes, 7 - (highest & 7));
}

/** An iPAddress GeneralName's octets: 4 for IPv4, 16 for IPv6 (RFC 5280 §4.2.1.6). */
export function ipOctets(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  if (isIP(ip) !== 6 || ip.includes('.')) throw new Error(`"${ip}" is not an IPv4 or plain IPv6 address`);
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}

function extension(id: string, value: Buffer, critical = false): Buffer {
  // DER leaves out a BOOLEAN that equals its DEFAULT (critical DEFAULT FALSE).
  return der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function extensions(spec: CertificateSpec, subjectKeyId: Buffer, authorityKeyId: Buffer): Buffer {
  const list = [
    extension(OID.basicConstraints, der.sequence(...(spec.ca ? [der.boolean(true)] : [])), spec.ca),
    extension(OID.keyUsage, keyUsage(spec.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']), true),
    ...(spec.extendedKeyUsage ? [extension(OID.extKeyUsage, der.sequence(der.oid(OID[spec.extendedKeyUsage])))] : []),
    ...(spec.dnsNames?.length || spec.ipAddresses?.length
      ? [
          extension(
            OID.subjectAltName,
            der.sequence(
              ...(spec.dnsNames ?? []).map((dns) => der.implicit(2, Buffer.from(dns, 'ascii'))),
              ...(spec.ipAddresses ?? []).map((ip) => der.implicit(7, ipOctets(ip))),
            ),
          ),
        ]
      : []),
    extension(OID.subjectKeyIdentifier, der.octetString(subjectKeyId)),
    extension(OID.authorityKeyIdentifier, der.sequence(der.implicit(0, authorityKeyId))),
  ];
  return der.explicit(3, der.sequence(...list));
}

/** A positive serial of 16 random bytes (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function serialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40; // positive, and no leading zero byte to strip
  return der.unsignedInteger(bytes);
}

export function issueCertificate(spec: CertificateSpec): Issued {
  const subjectKeyId = keyIdentifier(spec.publicKey);
  const signer = spec.issuer?.privateKey ?? spec.signingKey;
  if (!signer) throw new Error('a self-signed certificate needs its signingKey');
  const signatureAlgorithm = der.sequence(der.oid(OID.ecdsaWithSha256)); // parameters absent (RFC 5758 §3.2)
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // v3
    serialNumber(),
    signatureAlgorithm,
    name(spec.issuer?.name ?? spec.subject),
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    name(spec.subject),
    spec.publicKey.export({ type: 'spki', format: 'der' }),
    extensions(spec, subjectKeyId, spec.issuer?.keyIdentifier ?? subjectKeyId),
  );
  const signature = sign('sha256', tbs, signer); // an ECDSA-Sig-Value in DER, node's default
  const certificate = der.sequence(tbs, signatureAlgorithm, der.bitString(signature));
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n');
  return { der: certificate, pem: `-----BEGIN CERTIFICATE-----\n${base64.replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`, keyIdentifier: subjectKeyId };
}

/** A fresh ECDSA P-256 key pair for a certificate. */
export const certificateKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
