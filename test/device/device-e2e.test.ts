/**
 * The device flow end to end with real software: openid-client v6 initiates and polls over HTTP,
 * and a person approves or denies on the verification page in headless Chromium.
 */
import { importPKCS8 } from 'jose';
import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { launchChromium } from '../support/browser.js';
import { DEMO } from '../support/clients.js';

let sandbox: RunningSandbox;
let browser: Browser;
let config: client.Configuration;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, deviceIntervalSeconds: 1 });
  browser = await launchChromium();
  const key = await importPKCS8(DEMO.pem('demo/keys/sandbox-device.private.pem'), 'ES256');
  config = await client.discovery(new URL(sandbox.url), DEMO.device.clientId, undefined, client.PrivateKeyJwt(key), {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(async () => {
  await browser?.close();
  await sandbox?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return context.newPage();
}

/** What a person does: open the verification URI, type the code as they read it, continue. */
async function enterCode(page: Page, verificationUri: string, typed: string) {
  await page.goto(verificationUri);
  await expect(page.getByRole('heading', { name: 'Connect a device' }).isVisible()).resolves.toBe(true);
  await page.getByLabel('Device code').fill(typed);
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('openid-client and a person in Chromium', () => {
  it('approve: the person types the code, sees who asks for what, approves, and the device gets its token', async () => {
    const authorization = await client.initiateDeviceAuthorization(config, { scope: 'openid accounts' });
    const polling = client.pollDeviceAuthorizationGrant(config, authorization);
    const page = await newPage();
    // People type codes in lower case and without the dash: both must work.
    await enterCode(page, authorization.verification_uri, authorization.user_code.toLowerCase().replace('-', ''));
    await expect(page.getByRole('heading', { name: 'Allow Sandbox TV (demo) to connect?' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('ul.scopes li').allTextContents()).toEqual(['openid', 'accounts']);
    await page.screenshot({ path: 'test-results/device-consent.png' });
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: 'Device connected' }).isVisible()).resolves.toBe(true);

    const tokens = await polling;
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('openid accounts');
    await page.context().close();
  });

  it('deny: the device gets access_denied', async () => {
    const authorization = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    // Settled at once, so that the refusal is never an unhandled rejection while the page works.
    const refusal = client.pollDeviceAuthorizationGrant(config, authorization).then(
      () => undefined,
      (err: unknown) => err,
    );
    const page = await newPage();
    // verification_uri_complete fills the code in.
    await page.goto(authorization.verification_uri_complete!);
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page.getByRole('heading', { name: 'Request denied' }).isVisible()).resolves.toBe(true);
    expect(await refusal).toMatchObject({ error: 'access_denied' });
    await page.context().close();
  });

  it('a wrong code shows an error tied to the field, and keeps what was typed', async () => {
    const page = await newPage();
    await enterCode(page, `${sandbox.url}/device`, 'BCDF-GHJK');
    const alert = page.getByRole('alert');
    await expect(alert.textContent()).resolves.toBe('No device is waiting for that code. Check the code on your device and try again.');
    const field = page.getByLabel('Device code');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toContain('code-error');
    expect(await field.inputValue()).toBe('BCDF-GHJK');
    await page.screenshot({ path: 'test-results/device-wrong-code.png' });

    await enterCode(page, `${sandbox.url}/device`, 'hello');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^That is not a device code/);
    await page.context().close();
  });

  it('a code cannot be used twice', async () => {
    const authorization = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    const polling = client.pollDeviceAuthorizationGrant(config, authorization);
    const page = await newPage();
    await page.goto(authorization.verification_uri_complete!);
    await page.getByRole('button', { name: 'Approve' }).click();
    await polling;
    await page.goto(authorization.verification_uri_complete!);
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/^That code was already used/);
    await page.context().close();
  });
});
