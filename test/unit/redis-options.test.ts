/** The redis option's URL and the shared signing key's sealing, without a Redis. */
import { describe, expect, it } from 'vitest';
import { parseRedisUrl, shownUrl } from '../../src/settings/redis.js';
import { openKey, sealKey } from '../../src/settings/shared-signing-key.js';
import { OptionError } from '../../src/settings/errors.js';

describe('the redis URL', () => {
  it.each(['redis://localhost:6379', 'rediss://user:pass@cache.internal:6380/2', 'redis://[::1]:6379'])('takes %s', (url) => {
    expect(parseRedisUrl(url).href).toBe(new URL(url).href);
  });

  it.each([
    ['http://localhost:6379', /got "http:\/\/localhost:6379\/"$/],
    ['localhost:6379', /got "localhost:6379"$/],
    ['not a url', /got "not a url"$/],
    ['redis://:hunter2@ho st', /got "redis:\/\/\*\*\*@ho st"$/],
    ['rediss://:hunter2@', /./],
  ])('refuses %s in one line, never with its password', (url, message) => {
    const refusal = (() => {
      try {
        parseRedisUrl(url);
      } catch (err) {
        return err as Error;
      }
    })();
    expect(refusal).toBeInstanceOf(OptionError);
    expect(refusal!.message).toMatch(/^options: at redis: /);
    expect(refusal!.message).toMatch(message);
    expect(refusal!.message).not.toContain('hunter2');
  });

  it('is shown without its password', () => {
    expect(shownUrl(new URL('redis://user:secret@host:6379/1'))).toBe('redis://user:***@host:6379/1');
  });
});

describe('the shared signing key at rest', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
  const token = 'an-admin-token-of-the-team-0123';

  it('is sealed with the admin token: no trace of the key, a fresh salt and nonce each time, opened with the same token only', () => {
    const sealed = sealKey(pem, token);
    expect(sealed).toMatch(/^aes-256-gcm:/);
    expect(sealed).not.toContain('PRIVATE KEY');
    expect(sealKey(pem, token)).not.toBe(sealed);
    expect(openKey(sealed, token)).toBe(pem);
    expect(() => openKey(sealed, 'another-admin-token-0123456')).toThrow(/options: at adminToken: is not the one the signing key in Redis was encrypted with/);
    expect(() => openKey(sealed, undefined)).toThrow(/encrypted with an admin token/);
  });

  it('refuses a sealed key that was changed', () => {
    const sealed = sealKey(pem, token);
    // Flip one bit of the ciphertext's first byte (changing the last base64url character may change only its unused bits).
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[3]!, 'base64url');
    ciphertext[0]! ^= 1;
    const tampered = [...parts.slice(0, 3), ciphertext.toString('base64url')].join('.');
    expect(() => openKey(tampered, token)).toThrow(OptionError);
  });

  it('is stored as is without an admin token (documented), and read so by any replica', () => {
    expect(sealKey(pem, undefined)).toBe(`plain:${pem}`);
    expect(openKey(`plain:${pem}`, token)).toBe(pem);
    expect(() => openKey('v9:whatever', token)).toThrow(/in a form this version cannot read/);
  });
});
