/**
 * The few ASN.1 DER encodings (X.690) an X.509 certificate needs, and a reader for the one place
 * init must look inside DER (the key bits of a SubjectPublicKeyInfo).
 */

/** A tag, its length (short form below 128 bytes, else long form) and the contents. */
export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  if (n < 0x80) return Buffer.concat([Buffer.from([tag, n]), body]);
  const length: number[] = [];
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) length.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | length.length, ...length]), body]);
}

export const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
export const set = (...items: Buffer[]) => tlv(0x31, ...items);
export const octetString = (bytes: Buffer) => tlv(0x04, bytes);
export const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));
export const printableString = (text: string) => {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text)) throw new Error(`"${text}" is not a PrintableString`);
  return tlv(0x13, Buffer.from(text, 'ascii'));
};
/** A BIT STRING of whole bytes, or with `unusedBits` trailing bits of the last byte unused. */
export const bitString = (bytes: Buffer, unusedBits = 0) => tlv(0x03, Buffer.from([unusedBits]), bytes);
/** [n] EXPLICIT: a constructed context-specific tag around a whole encoding. */
export const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);
/** [n] IMPLICIT for a primitive type: the contents under a context-specific tag. */
export const implicit = (n: number, contents: Buffer) => tlv(0x80 | n, contents);

/** A non-negative INTEGER from its big-endian magnitude (minimal, with a 0x00 when the top bit is set). */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  return tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}
export const smallInteger = (value: number) => unsignedInteger(Buffer.from([value]));

/** An OBJECT IDENTIFIER from dotted text: 40 * first + second, then base-128 arcs. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new Error(`"${dotted}" is not an OID`);
  const bytes: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const chunk = [arc % 128];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift(0x80 | rest % 128);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; in seconds, in UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new Error(`${iso} cannot be a certificate time`);
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** The elements of a DER SEQUENCE (or SET), each as its tag and contents. */
export function readElements(der: Buffer): { tag: number; contents: Buffer }[] {
  const outer = readOne(der, 0);
  const elements = [];
  for (let at = 0; at < outer.contents.length; ) {
    const element = readOne(outer.contents, at);
    elements.push(element);
    at = element.end;
  }
  return elements;
}

function readOne(der: Buffer, at: number): { tag: number; contents: Buffer; end: number } {
  const tag = der[at]!;
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  if (start + length > der.length) throw new Error('truncated DER');
  return { tag, contents: der.subarray(start, start + length), end: start + length };
}
