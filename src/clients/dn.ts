/**
 * Distinguished names compared as RFC 4514 / RFC 4517 say, not as raw strings: attribute types by
 * OID (CN and 2.5.4.3 are the same), values by caseIgnoreMatch with insignificant spaces folded,
 * escapes resolved, and multi-valued RDNs as sets.
 */

/** Short names (as RFC 4514 and OpenSSL print them) → OID. */
const TYPE_OIDS: Record<string, string> = {
  cn: '2.5.4.3', commonname: '2.5.4.3',
  sn: '2.5.4.4', surname: '2.5.4.4',
  serialnumber: '2.5.4.5',
  c: '2.5.4.6', countryname: '2.5.4.6',
  l: '2.5.4.7', localityname: '2.5.4.7',
  st: '2.5.4.8', stateorprovincename: '2.5.4.8',
  street: '2.5.4.9', streetaddress: '2.5.4.9',
  o: '2.5.4.10', organizationname: '2.5.4.10',
  ou: '2.5.4.11', organizationalunitname: '2.5.4.11',
  title: '2.5.4.12',
  businesscategory: '2.5.4.15',
  postalcode: '2.5.4.17',
  givenname: '2.5.4.42',
  organizationidentifier: '2.5.4.97',
  dc: '0.9.2342.19200300.100.1.25', domaincomponent: '0.9.2342.19200300.100.1.25',
  uid: '0.9.2342.19200300.100.1.1', userid: '0.9.2342.19200300.100.1.1',
  emailaddress: '1.2.840.113549.1.9.1',
  jurisdictionc: '1.3.6.1.4.1.311.60.2.1.3', jurisdictioncountryname: '1.3.6.1.4.1.311.60.2.1.3',
  jurisdictionst: '1.3.6.1.4.1.311.60.2.1.2', jurisdictionstateorprovincename: '1.3.6.1.4.1.311.60.2.1.2',
  jurisdictionl: '1.3.6.1.4.1.311.60.2.1.1', jurisdictionlocalityname: '1.3.6.1.4.1.311.60.2.1.1',
};

export interface Ava {
  type: string; // OID, or the lower-cased name when no OID is known
  value: string; // normalised for comparison
}
/** RDNs in RFC 4514 order (the least significant first: CN=...,O=...,C=...). */
export type DistinguishedName = Ava[][];

export class DnSyntaxError extends Error {}

function canonicalType(raw: string): string {
  const name = raw.trim();
  if (/^\d+(\.\d+)+$/.test(name)) return name;
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name)) throw new DnSyntaxError(`"${name}" is not an attribute type`);
  return TYPE_OIDS[name.toLowerCase()] ?? name.toLowerCase();
}

/** caseIgnoreMatch with insignificant space handling (RFC 4518, simplified to what certificates carry). */
function normaliseValue(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Splits on an unescaped separator; quoted strings (RFC 2253) are kept whole. */
function splitUnescaped(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (!quoted && separators.includes(ch)) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (quoted) throw new DnSyntaxError('unterminated quoted value');
  parts.push(current);
  return parts;
}

function unescapeValue(raw: string): string {
  const value = raw.trim();
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch !== '\\') {
      bytes.push(...encoder.encode(ch));
      continue;
    }
    const pair = value.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else if (i + 1 < value.length) {
      bytes.push(...encoder.encode(value[++i]!));
    } else {
      throw new DnSyntaxError('a value ends with an unfinished escape');
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

function parseAva(text: string): Ava {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new DnSyntaxError(`"${text.trim()}" is not of the form type=value`);
  return { type: canonicalType(text.slice(0, eq)), value: normaliseValue(unescapeValue(text.slice(eq + 1))) };
}

function parseRdn(text: string): Ava[] {
  return splitUnescaped(text, '+')
    .map(parseAva)
    .sort((a, b) => (a.type + '=' + a.value < b.type + '=' + b.value ? -1 : 1));
}

/** Parses an RFC 4514 string such as "CN=client,O=Org,C=BR". */
export function parseDn(text: string): DistinguishedName {
  if (text.trim() === '') throw new DnSyntaxError('the distinguished name is empty');
  return splitUnescaped(text, ',;').map(parseRdn);
}

/**
 * Parses Node's X509Certificate#subject: one attribute per line, most significant first, escaped
 * as RFC 2253 does. Returned in RFC 4514 order.
 */
export function parseCertificateSubject(subject: string): DistinguishedName {
  return subjectRdns(subject).map(parseRdn);
}

/** The RDNs of Node's X509Certificate#subject, one per line, in RFC 4514 order. */
function subjectRdns(subject: string): string[] {
  return subject
    .split('\n')
    .filter((line) => line.length > 0)
    .reverse();
}

export function sameDn(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a.length !== b.length) return false;
  return a.every((rdn, i) => {
    const other = b[i]!;
    return rdn.length === other.length && rdn.every((ava, j) => ava.type === other[j]!.type && ava.value === other[j]!.value);
  });
}

/** An RFC 4514 rendering of a certificate subject, for messages and the journal. */
export function certificateSubjectString(subject: string): string {
  return subjectRdns(subject).join(',');
}
