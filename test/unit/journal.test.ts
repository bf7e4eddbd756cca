/** What the journal keeps: bounded, numbered, and without secrets. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../src/http/exchange.js';
import { peerCertificate } from '../../src/http/peer-certificate.js';
import { journalForm, journalHeaders } from '../../src/http/redact.js';

describe('journal redaction', () => {
  it('keeps an assertion without its signature, and nothing of a value that is not a compact JWS', () => {
    expect(journalForm({ client_assertion: 'h.p.sig', assertion: 'opaque-secret', scope: 'openid' })).toEqual({
      client_assertion: 'h.p',
      assertion: '[redacted]',
      scope: 'openid',
    });
  });

  it('redacts credentials and cuts long values', () => {
    expect(journalForm({ client_secret: 's3cret', client_id: 'x'.repeat(5000) })).toEqual({
      client_secret: '[redacted]',
      client_id: `${'x'.repeat(4096)}…`,
    });
    expect(journalHeaders(new Headers({ authorization: 'Basic abc', cookie: 'a=b', 'x-test-run': 'r1' }))).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-test-run': 'r1',
    });
    expect(journalForm(undefined)).toBeNull();
  });
});

describe('client certificate summary', () => {
  const over = (socket: object) => ({ incoming: { socket }, outgoing: {} }) as unknown as Transport;

  it('names the subject and the SHA-256 thumbprint of the DER certificate, base64url', () => {
    const raw = Buffer.from('not really DER, but bytes');
    const socket = { getPeerCertificate: () => ({ subject: { CN: 'client-1', OU: ['a', 'b'] }, raw }) };
    expect(peerCertificate(over(socket))).toEqual({
      subject: 'CN=client-1, OU=a+b',
      thumbprint: createHash('sha256').update(raw).digest('base64url'),
    });
  });

  it('is null over plain TCP, over TLS without a client certificate, and in-process', () => {
    expect(peerCertificate(over({}))).toBeNull();
    expect(peerCertificate(over({ getPeerCertificate: () => ({}) }))).toBeNull();
    expect(peerCertificate(undefined)).toBeNull();
  });
});
