import { Socket } from 'node:net';
/** What the journal keeps: bounded, numbered, and without secrets. */
import { describe, expect, it } from 'vitest';
import type { Transport } from '../../src/http/exchange.js';
import { peerCertificate } from '../../src/clients/peer-certificate.js';
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

  it("redacts the code flow's secrets: the code, the PKCE verifier, refresh tokens and tokens introspected or revoked", () => {
    const secrets = { code: 'c', code_verifier: 'v', refresh_token: 'r', token: 't' };
    expect(journalForm({ ...secrets, code_challenge: 'public', redirect_uri: 'https://a.example/cb' })).toEqual({
      code: '[redacted]', code_verifier: '[redacted]', refresh_token: '[redacted]', token: '[redacted]', code_challenge: 'public', redirect_uri: 'https://a.example/cb',
    });
  });
});

describe('client certificate summary', () => {
  it('is null over plain TCP and in-process (over TLS: test/e2e/mtls.test.ts)', () => {
    const plain = { incoming: { socket: new Socket() }, outgoing: {} } as unknown as Transport;
    expect(peerCertificate(plain)).toBeNull();
    expect(peerCertificate(undefined)).toBeNull();
  });
});
