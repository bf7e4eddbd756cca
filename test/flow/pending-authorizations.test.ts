/**
 * The control API's pending authorizations, in-process: GET /__sandbox/authorizations lists a
 * pushed request until the authorization endpoint takes it, and approve or deny sets its answer
 * ahead, so that GET /authorize redirects at once (no consent page) with a code that redeems, or
 * with access_denied; an unknown id is 404, an opened request 409, an expired one 410.
 */
import { describe, expect, it } from 'vitest';
import { createApp, type SandboxApp } from '../../src/app/app.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { codeClientAuth, DEMO } from '../support/clients.js';
import { fakeClock } from '../support/clock.js';
import { form, type Fields } from '../support/requests.js';

const BASE = 'http://sandbox.test';
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const REDIRECT = DEMO.code.redirectUri;

const post = (app: SandboxApp, path: string, fields?: Fields) =>
  app.fetch(new Request(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields && form(fields) }));

async function pushed(app: SandboxApp): Promise<{ requestUri: string; id: string }> {
  const res = await post(app, '/par', {
    ...(await codeClientAuth(BASE)),
    response_type: 'code', redirect_uri: REDIRECT, scope: 'openid accounts', state: 'st-1', code_challenge: s256Challenge(VERIFIER), code_challenge_method: 'S256',
  });
  expect(res.status).toBe(201);
  const { request_uri: requestUri } = (await res.json()) as { request_uri: string };
  return { requestUri, id: requestUri.slice('urn:ietf:params:oauth:request_uri:'.length) };
}

const authorize = (app: SandboxApp, requestUri: string) =>
  app.fetch(new Request(`${BASE}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: requestUri })}`));

const listed = async (app: SandboxApp) => ((await (await app.fetch(new Request(`${BASE}/__sandbox/authorizations`))).json()) as { authorizations: { id: string }[] }).authorizations;

describe('the pending authorizations of the control API', () => {
  it('lists a pushed request, with its id, client, scope, redirect and expiry, until it is opened', async () => {
    const clock = fakeClock();
    const app = createApp({ clock });
    const { requestUri, id } = await pushed(app);
    const expiresAt = new Date(clock.now() + 90_000).toISOString();
    expect(await listed(app)).toEqual([{ id, requestUri, clientId: DEMO.code.clientId, scope: 'openid accounts', redirectUri: REDIRECT, expiresAt }]);
    expect((await authorize(app, requestUri)).status).toBe(200); // the consent page
    expect(await listed(app)).toEqual([]);
  });

  it('approve: GET /authorize redirects (303) at once with a code that redeems', async () => {
    const app = createApp({ clock: fakeClock() });
    const { requestUri, id } = await pushed(app);
    const approved = await post(app, `/__sandbox/authorizations/${id}/approve`);
    expect(approved.status).toBe(204);
    const res = await authorize(app, requestUri);
    expect(res.status).toBe(303);
    const query = new URL(res.headers.get('location')!).searchParams;
    expect(query.get('state')).toBe('st-1');
    const token = await post(app, '/token', { grant_type: 'authorization_code', ...(await codeClientAuth(BASE)), code: query.get('code')!, redirect_uri: REDIRECT, code_verifier: VERIFIER });
    expect(token.status, await token.clone().text()).toBe(200);
    expect(((await token.json()) as { access_token?: string }).access_token).toBeTruthy();
    const journal = ((await (await app.fetch(new Request(`${BASE}/__sandbox/requests`))).json()) as { requests: { path: string; scenario: string | null }[] }).requests;
    expect(journal.find((e) => e.path.startsWith('/authorize?'))?.scenario).toBeNull(); // no scenario decided it
  });

  it('deny: GET /authorize redirects (303) at once with access_denied; the last decision before the open wins', async () => {
    const app = createApp({ clock: fakeClock() });
    const { requestUri, id } = await pushed(app);
    expect((await post(app, `/__sandbox/authorizations/${id}/approve`)).status).toBe(204);
    expect((await post(app, `/__sandbox/authorizations/${id}/deny`)).status).toBe(204);
    const res = await authorize(app, requestUri);
    expect(res.status).toBe(303);
    const query = new URL(res.headers.get('location')!).searchParams;
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('code')).toBeNull();
  });

  it('answers 404 for an unknown id, 409 once opened, 410 once expired, with an errors list', async () => {
    const clock = fakeClock();
    const app = createApp({ clock });
    const unknown = await post(app, '/__sandbox/authorizations/never-pushed/approve');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { errors: string[] }).errors).toEqual(['No pushed authorization request has the id "never-pushed"']);
    const opened = await pushed(app);
    await authorize(app, opened.requestUri);
    expect((await post(app, `/__sandbox/authorizations/${opened.id}/deny`)).status).toBe(409);
    const expired = await pushed(app);
    clock.advance(90_000);
    expect((await post(app, `/__sandbox/authorizations/${expired.id}/approve`)).status).toBe(410);
    expect(await listed(app)).toEqual([]);
  });
});
