/**
 * RFC 6749 §5.2: `error` and `error_description` use %x20-21 / %x23-5B / %x5D-7E only (the
 * conformance suite's ValidateErrorDescriptionFromResponseError), whatever a refusal quotes from
 * the request: here a client assertion's iss, sub and aud of any characters at all.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { ERROR_TEXT, errorText } from '../../src/http/responses.js';
import { DEMO, demoKey } from '../support/clients.js';
import { JWT_BEARER, tokenRequest } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const app = createApp();
const anything = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('"quoted"', 'back\\slash', 'tab\there', 'nul\u0000', 'é', '🙂'));

describe('error texts (RFC 6749 §5.2)', () => {
  it('errorText keeps the allowed characters and replaces the others readably', () => {
    expect(errorText('client "a\\b" é\n')).toBe("client 'a/b' ??");
    expect(errorText('plain text, 100% ASCII: ok')).toBe('plain text, 100% ASCII: ok');
  });

  it('holds for refusals that quote whatever the client put in its assertion', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('iss', 'sub', 'aud'), anything, async (claim, value) => {
        const claims = { iss: DEMO.pkjwt.clientId, sub: DEMO.pkjwt.clientId, aud: BASE, exp: Math.floor(Date.now() / 1000) + 60, jti: randomUUID(), [claim]: value };
        const assertion = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256' }).sign(demoKey);
        const res = await app.fetch(tokenRequest(BASE, { grant_type: 'client_credentials', client_id: DEMO.pkjwt.clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion }));
        const body = (await res.json()) as Record<string, string>;
        if (res.status === 200) return; // a value that happens to be the right one
        expect(body.error).toMatch(ERROR_TEXT);
        expect(body.error_description).toMatch(ERROR_TEXT);
      }),
      { numRuns: 150 },
    );
  });
});
