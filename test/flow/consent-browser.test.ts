/**
 * The consent page in Chromium, JavaScript off: a person approves with the keyboard alone, the
 * browser follows the redirect to the client's redirect_uri, and openid-client redeems the code;
 * a form posted from another page (cross-site) is refused. Screenshots at desktop and phone widths
 * go to /tmp/flow-shots/ for a person to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importPKCS8 } from 'jose';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { launchChromium } from '../support/browser.js';
import { DEMO } from '../support/clients.js';

const SHOTS = '/tmp/flow-shots';
let sandbox: RunningSandbox;
let browser: Browser;
let config: client.Configuration;
/** The client's own web server, where the browser lands with the answer. */
let callback: Server;
let redirectUri: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  callback = createServer((_req, res) => res.end('back at the client')).listen(0, '127.0.0.1');
  await new Promise((resolve) => callback.once('listening', resolve));
  redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  const clientsYaml = readFileSync('demo/clients.yaml', 'utf8').replace(`redirect_uris: [${DEMO.code.redirectUri}]`, `redirect_uris: [${redirectUri}]`);
  sandbox = await startSandbox({ port: 0, clientsYaml });
  browser = await launchChromium();
  const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-code.private.pem'), 'ES256');
  config = await client.discovery(new URL(sandbox.url), DEMO.code.clientId, undefined, client.PrivateKeyJwt(key), { execute: [client.allowInsecureRequests] });
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
  callback?.close();
});

/** A browser without JavaScript. */
async function person(viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport });
  return { context, page: await context.newPage() };
}

const atCallback = (url: URL) => url.href.startsWith(`${redirectUri}?`);

async function pushed(): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = await client.buildAuthorizationUrlWithPAR(config, {
    redirect_uri: redirectUri,
    scope: 'openid accounts payments',
    state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url, verifier, state };
}

describe('the consent page in Chromium', () => {
  it('a person approves with the keyboard only, and openid-client redeems the code', async () => {
    const { url, verifier, state } = await pushed();
    const { context, page } = await person();
    try {
      await page.goto(url.href);
      await expect(page.getByRole('heading', { name: 'Allow Sandbox Budget App (demo) to access your account?' }).isVisible()).resolves.toBe(true);
      await page.screenshot({ path: `${SHOTS}/consent-desktop-1280x800.png` });
      // The heading has the focus; Tab reaches Deny, then Approve.
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Deny');
      await page.keyboard.press('Tab');
      expect(await page.locator(':focus').textContent()).toBe('Approve');
      await page.screenshot({ path: `${SHOTS}/consent-desktop-approve-focused.png` });
      await Promise.all([page.waitForURL(atCallback), page.keyboard.press('Enter')]);

      const redirected = new URL(page.url());
      expect(redirected.searchParams.get('iss')).toBe(sandbox.url);
      const tokens = await client.authorizationCodeGrant(config, redirected, { pkceCodeVerifier: verifier, expectedState: state });
      expect(tokens.scope).toBe('openid accounts payments');
      expect(tokens.refresh_token).toBeDefined();
    } finally {
      await context.close();
    }
  });

  it('fits a phone: nothing wider than the screen, both buttons visible', async () => {
    const { url } = await pushed();
    const { context, page } = await person({ width: 390, height: 844 });
    try {
      await page.goto(url.href);
      await page.screenshot({ path: `${SHOTS}/consent-phone-390x844.png`, fullPage: true });
      for (const name of ['Deny', 'Approve']) {
        const box = (await page.getByRole('button', { name }).boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(390);
      }
      const width = await page.locator('main').boundingBox();
      expect(width!.width).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
  });

  it('denial sends the person back with access_denied', async () => {
    const { url, state } = await pushed();
    const { context, page } = await person();
    try {
      await page.goto(url.href);
      await Promise.all([page.waitForURL(atCallback), page.getByRole('button', { name: 'Deny' }).click()]);
      const redirected = new URL(page.url());
      expect(redirected.searchParams.get('error')).toBe('access_denied');
      expect(redirected.searchParams.get('state')).toBe(state);
    } finally {
      await context.close();
    }
  });

  it('refuses the consent form posted from another page (CSRF), and shows why', async () => {
    const { url } = await pushed();
    const { context, page } = await person();
    try {
      await page.goto(url.href);
      const consent = await page.locator('input[name=consent]').getAttribute('value');
      const csrf = await page.locator('input[name=csrf]').getAttribute('value');
      // Another site's page, in the same browser, posts the very form the person was shown.
      const attacker = await context.newPage();
      await attacker.setContent(
        `<form method="post" action="${sandbox.url}/authorize"><input type="hidden" name="consent" value="${consent}"><input type="hidden" name="csrf" value="${csrf}"><button name="decision" value="approve">Win a prize</button></form>`,
      );
      const [response] = await Promise.all([attacker.waitForNavigation(), attacker.getByRole('button', { name: 'Win a prize' }).click()]);
      expect(response!.status()).toBe(403);
      await expect(attacker.getByRole('alert').textContent()).resolves.toContain('not sent from the consent page');
      await attacker.screenshot({ path: `${SHOTS}/consent-csrf-refused-1280x800.png` });
      // The person's own page still works afterwards: the refused post decided nothing.
      await Promise.all([page.waitForURL(atCallback), page.getByRole('button', { name: 'Approve' }).click()]);
    } finally {
      await context.close();
    }
  });

  it('shows an error page, not a redirect, for a request_uri used twice', async () => {
    const { url } = await pushed();
    const { context, page } = await person({ width: 390, height: 844 });
    try {
      await page.goto(url.href);
      const again = await page.goto(url.href);
      expect(again!.status()).toBe(410);
      await expect(page.getByRole('alert').textContent()).resolves.toBe('This request was already used.');
      await page.screenshot({ path: `${SHOTS}/authorize-error-phone-390x844.png` });
    } finally {
      await context.close();
    }
  });
});
