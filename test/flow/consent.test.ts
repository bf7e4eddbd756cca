/**
 * The consent page of the authorization endpoint (--consent page, the default), in-process: what
 * it shows and sends, approval and denial as redirects with state and iss, and every refusal of
 * its form: a cross-site post (no cookie, or a token that is not the consent's), a second
 * decision, an expired consent, no decision.
 */
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { codeClientAuth, DEMO } from '../support/clients.js';
import { fakeClock } from '../support/clock.js';
import { refusalOf } from '../support/refusals.js';
import { form, type Fields } from '../support/requests.js';

const BASE = 'http://sandbox.test';

async function pageApp() {
  const clock = fakeClock();
  const app = createApp({ clock });
  const res = await app.fetch(
    new Request(`${BASE}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({
        ...(await codeClientAuth(BASE)),
        response_type: 'code',
        redirect_uri: DEMO.code.redirectUri,
        scope: 'openid accounts',
        state: 'xyz',
        code_challenge: s256Challenge('v'.repeat(43)),
        code_challenge_method: 'S256',
      }),
    }),
  );
  const { request_uri: requestUri } = (await res.json()) as { request_uri: string };
  const page = await app.fetch(new Request(`${BASE}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: requestUri })}`));
  const html = await page.text();
  const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  return { app, clock, page, html, consent: hidden('consent'), csrf: hidden('csrf'), cookie };
}

const decide = (app: SandboxApp, fields: Fields, cookie?: string) =>
  app.fetch(
    new Request(`${BASE}/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: form(fields),
    }),
  );

async function refused(app: SandboxApp, res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(res.headers.get('location')).toBeNull();
  expect(await refusalOf(app, res)).toBe(code);
}

describe('the consent page', () => {
  it('shows the client, the scopes and where the answer goes, under a strict policy, with its CSRF cookie', async () => {
    const { page, html, consent, csrf } = await pageApp();
    expect(page.status).toBe(200);
    expect(html).toContain('Sandbox Budget App (demo)');
    expect(html).toContain('<li>openid</li><li>accounts</li>');
    expect(html).toContain('http://localhost:8080');
    expect(html).not.toMatch(/<script/i);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://localhost:8080; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toBe(`sandbox-consent-${consent}=${csrf}; Path=/authorize; Max-Age=600; HttpOnly; SameSite=Strict`);
  });

  it('approval redirects (303) with the code, state and iss, and clears the cookie', async () => {
    const { app, consent, csrf, cookie } = await pageApp();
    const res = await decide(app, { consent, csrf, decision: 'approve' }, cookie);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(DEMO.code.redirectUri);
    expect([...location.searchParams.keys()]).toEqual(['code', 'state', 'iss']);
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(BASE);
    expect(res.headers.get('set-cookie')).toBe(`sandbox-consent-${consent}=; Path=/authorize; Max-Age=0; HttpOnly; SameSite=Strict`);
    expect(await refusalOf(app, res)).toBeNull();
  });

  it('denial redirects with error=access_denied, state and iss, and no code', async () => {
    const { app, consent, csrf, cookie } = await pageApp();
    const location = new URL((await decide(app, { consent, csrf, decision: 'deny' }, cookie)).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('iss')).toBe(BASE);
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('refuses a form without the cookie of the browser it was shown to (a cross-site post): consent.csrf', async () => {
    const { app, consent, csrf } = await pageApp();
    await refused(app, await decide(app, { consent, csrf, decision: 'approve' }), 403, 'consent.csrf');
    await refused(app, await decide(app, { consent, csrf: 'forged', decision: 'approve' }, `sandbox-consent-${consent}=forged`), 403, 'consent.csrf');
    await refused(app, await decide(app, { consent, decision: 'approve' }, `sandbox-consent-${consent}=`), 403, 'consent.csrf');
  });

  it('refuses a second decision, an unknown consent, no decision and an expired consent', async () => {
    const first = await pageApp();
    await refused(first.app, await decide(first.app, { consent: first.consent, csrf: first.csrf }, first.cookie), 400, 'consent.decision');
    expect((await decide(first.app, { consent: first.consent, csrf: first.csrf, decision: 'approve' }, first.cookie)).status).toBe(303);
    await refused(first.app, await decide(first.app, { consent: first.consent, csrf: first.csrf, decision: 'deny' }, first.cookie), 410, 'consent.used');
    await refused(first.app, await decide(first.app, { consent: 'nope', csrf: 'c', decision: 'deny' }, 'sandbox-consent-nope=c'), 404, 'consent.unknown');

    const late = await pageApp();
    late.clock.advance(10 * 60 * 1000);
    await refused(late.app, await decide(late.app, { consent: late.consent, csrf: late.csrf, decision: 'approve' }, late.cookie), 410, 'consent.expired');
  });
});
