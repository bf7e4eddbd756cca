import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DnSyntaxError, parseCertificateSubject, parseDn, sameDn } from '../../src/clients/dn.js';
import { DEMO } from '../support/clients.js';

const same = (a: string, b: string) => sameDn(parseDn(a), parseDn(b));

describe('distinguished names (RFC 4514)', () => {
  it('compare attribute types by OID and case-insensitively', () => {
    expect(same('CN=client,O=Org,C=BR', '2.5.4.3=client,o=Org,countryName=BR')).toBe(true);
  });

  it('compare values with caseIgnoreMatch and folded spaces', () => {
    expect(same('CN=My  Client ,O=ORG', 'cn=my client,o=org')).toBe(true);
    expect(same('CN=a,O=Org', 'CN=b,O=Org')).toBe(false);
  });

  it('resolve escapes and hex pairs', () => {
    expect(same('O=Acme\\, Inc.,C=BR', 'O="Acme, Inc.",C=BR')).toBe(true);
    expect(same('CN=A\\C3\\A7\\C3\\A3o', 'CN=Ação')).toBe(true);
  });

  it('respect RDN order and treat multi-valued RDNs as sets', () => {
    expect(same('CN=a,O=b', 'O=b,CN=a')).toBe(false);
    expect(same('CN=a+UID=1,O=b', 'UID=1+CN=a,O=b')).toBe(true);
  });

  it('refuse what is not a DN', () => {
    expect(() => parseDn('just text')).toThrow(DnSyntaxError);
    expect(() => parseDn('')).toThrow(DnSyntaxError);
    expect(() => parseDn('CN="open')).toThrow(DnSyntaxError);
  });

  it("read a certificate's subject in RFC 4514 order", () => {
    const subject = parseCertificateSubject(new X509Certificate(DEMO.mtls.cert).subject);
    expect(sameDn(subject, parseDn('CN=sandbox-mtls,OU=demo clients,O=fapi-token-sandbox DEMO ONLY,C=BR'))).toBe(true);
    expect(sameDn(subject, parseDn('C=BR,O=fapi-token-sandbox DEMO ONLY,OU=demo clients,CN=sandbox-mtls'))).toBe(false);
  });
});
