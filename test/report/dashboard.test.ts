/**
 * The dashboard (GET /__sandbox/) in headless Chromium: it loads under its CSP with no error, a
 * request made after load appears within a second (server-sent events), a device approved from
 * its button lets the device's poll succeed, a pushed request appears among the pending
 * authorizations and its Approve button makes GET /authorize redirect with a code, findings show
 * per client, reset empties it; and
 * screenshots at desktop and phone widths (written to docs/ when UPDATE_SCREENSHOTS=1).
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../src/testing.js';
import { launchChromium } from '../support/browser.js';
import { fakeClock } from '../support/clock.js';
import { clockAssertion, misbehaveThrice, misbehavingClient } from '../support/report.js';
import { codeKey, DEMO } from '../support/clients.js';
import { s256Challenge } from '../../src/grants/pkce.js';
import { form, JWT_BEARER } from '../support/requests.js';

const clock = fakeClock();
let sandbox: TestSandbox;
let browser: Browser;
let client: ReturnType<typeof misbehavingClient>;
const shots = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs' : mkdtempSync(join(tmpdir(), 'dashboard-'));

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock, deviceIntervalSeconds: 5 });
  client = misbehavingClient(sandbox.url, clock);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
});
beforeEach(() => sandbox.reset());

/** The dashboard loaded in a fresh page, with every console error and CSP violation collected. */
async function dashboard(width = 1280, height = 800): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${sandbox.url}/__sandbox/`);
  await page.getByRole('status').filter({ hasText: 'live' }).waitFor({ timeout: 5000 });
  return { page, problems };
}

const row = (page: Page, interactionId: string) => page.locator(`tr[data-interaction-id="${interactionId}"]`);

describe('the dashboard', () => {
  it('loads with its CSP, and shows a request made after load within a second, expandable to its redacted form', async () => {
    const { page, problems } = await dashboard();
    expect((await page.request.get(`${sandbox.url}/__sandbox`)).headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page.getByRole('heading', { name: 'Scenarios' }).isVisible()).resolves.toBe(true);
    await page.locator('#scenarios li').filter({ hasText: 'throttled' }).first().waitFor({ timeout: 2000 });

    const sent = await client.token(await client.pkjwt({ scope: 'openid' }));
    const started = Date.now();
    await row(page, sent.id).waitFor({ timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1000);
    const cells = await row(page, sent.id).locator('td').allTextContents();
    expect(cells.slice(1, 6)).toEqual([sent.id, DEMO.pkjwt.clientId, 'POST /token', '–', '200']);

    const toggle = page.getByRole('button', { name: `Details of request ${sent.id}` });
    await toggle.press('Enter'); // keyboard works
    await expect(toggle.getAttribute('aria-expanded')).resolves.toBe('true');
    const detail = await page.locator('tr.detail:not([hidden]) pre').textContent();
    expect(detail).toContain('"client_assertion_type"');
    expect(detail).toContain('"scope": "openid"');
    expect(detail).not.toMatch(/"client_assertion": "[^"]*\.[^"]*\.[^"]*"/); // no signature: header.payload only
    expect(problems).toEqual([]);
    await page.close();
  });

  it('approves a device from its button, and the device poll then gets its token', async () => {
    const { page, problems } = await dashboard();
    const { body } = await client.authorizeDevice();
    const approve = page.getByRole('button', { name: `Approve ${body.user_code}` });
    await approve.waitFor({ timeout: 1000 });
    await approve.click();
    await page.locator(`li[data-user-code="${body.user_code}"] [role=status]`).filter({ hasText: 'approved' }).waitFor({ timeout: 2000 });
    clock.advance(5000);
    const poll = await client.pollDevice(body.device_code);
    expect([poll.status, poll.body.token_type]).toEqual([200, 'Bearer']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lists a pushed request among the pending authorizations; its Approve button makes GET /authorize redirect with a code', async () => {
    const { page, problems } = await dashboard();
    const assertion = await clockAssertion(clock, sandbox.url, { clientId: DEMO.code.clientId, key: codeKey });
    const pushed = await fetch(`${sandbox.url}/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({
        client_id: DEMO.code.clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion,
        response_type: 'code', redirect_uri: DEMO.code.redirectUri, scope: 'openid', state: 'st', code_challenge: s256Challenge('v'.repeat(43)), code_challenge_method: 'S256',
      }),
    });
    expect(pushed.status).toBe(201);
    const { request_uri: requestUri } = (await pushed.json()) as { request_uri: string };
    const id = requestUri.split(':').at(-1)!;
    const item = page.locator(`#authorizations li[data-authorization-id="${id}"]`);
    await item.waitFor({ timeout: 2000 });
    await item.getByRole('button', { name: /^Approve authorization / }).click();
    await item.locator('[role=status]').filter({ hasText: 'approved' }).waitFor({ timeout: 2000 });
    const res = await fetch(`${sandbox.url}/authorize?${new URLSearchParams({ client_id: DEMO.code.clientId, request_uri: requestUri })}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    await page.getByText('None pending.').waitFor({ timeout: 2000 }); // opened, so no longer pending
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the findings per client, and reset empties it', async () => {
    const { page, problems } = await dashboard();
    await misbehaveThrice(sandbox.url, clock);
    const findings = page.locator('#findings');
    await findings.locator(`[data-client="${DEMO.pkjwt.clientId}"] [data-code="jti-replayed"]`).waitFor({ timeout: 2000 });
    await findings.locator(`[data-client="${DEMO.device.clientId}"] [data-code="device-poll-too-fast"]`).waitFor({ timeout: 2000 });
    expect(await findings.locator('[data-code]').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual([
      'retry-after-ignored',
      'jti-replayed',
      'device-poll-too-fast',
    ]);
    await page.screenshot({ path: join(shots, 'dashboard-desktop.png') });

    await page.getByRole('button', { name: 'Reset all state' }).click();
    await page.getByText('No findings.').waitFor({ timeout: 2000 });
    await expect(page.locator('#requests tr').count()).resolves.toBe(0);
    expect(await sandbox.requests()).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('fits a phone: one column, no page-wide horizontal scroll', async () => {
    const { page } = await dashboard(390, 844);
    await misbehaveThrice(sandbox.url, clock);
    await page.locator('#findings [data-code]').first().waitFor({ timeout: 2000 });
    const width = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(shots, 'dashboard-phone.png'), fullPage: true });
    expect(statSync(join(shots, 'dashboard-phone.png')).size).toBeGreaterThan(10_000);
    await page.close();
  });
});
