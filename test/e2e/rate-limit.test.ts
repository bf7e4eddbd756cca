/**
 * The optional per-client rate limit: 429 with a Retry-After that is honest, then recovery. One
 * test waits for the refill in real time over HTTP; the others move an injected clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '../../src/settings/errors.js';
import { parseRateLimit } from '../../src/settings/control.js';
import { createApp } from '../../src/app/app.js';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { memoryRateBuckets } from '../../src/state/rate-buckets.js';
import { fakeClock } from '../support/clock.js';
import { DEMO, pkjwtForm, ps256Form } from '../support/clients.js';
import { tokenRequest } from '../support/requests.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimit: { requests: 2, windowMs: 1000 } });
});
afterAll(() => sandbox?.close());

/** A request that passes client authentication, so that only the rate limit can refuse it. */
const send = async (clientId: string) =>
  fetch(tokenRequest(sandbox.url, clientId === DEMO.pkjwt.clientId ? await pkjwtForm(sandbox.url) : await ps256Form(sandbox.url)));

describe('rate limit', () => {
  it('answers 429 with Retry-After beyond the limit, and serves again once that time has passed', async () => {
    expect((await send(DEMO.pkjwt.clientId)).status).toBe(200);
    expect((await send(DEMO.pkjwt.clientId)).status).toBe(200);
    const limited = await send(DEMO.pkjwt.clientId);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBe(1);
    expect(await limited.json()).toEqual({ errors: [expect.stringMatching(/limit is 2 per 1000 ms for each client_id/)] });

    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    expect((await send(DEMO.pkjwt.clientId)).status).toBe(200);
  });

  it('keeps one bucket per client_id', async () => {
    await send(DEMO.pkjwtPs256.clientId);
    await send(DEMO.pkjwtPs256.clientId);
    expect((await send(DEMO.pkjwtPs256.clientId)).status).toBe(429);
    expect((await send(DEMO.pkjwt.clientId)).status).toBe(200);
  });

  it('is off by default', async () => {
    const app = createApp();
    for (let i = 0; i < 50; i++) expect((await app.fetch(tokenRequest('http://sandbox.test', await pkjwtForm('http://sandbox.test')))).status).toBe(200);
  });

  it('refills at the configured rate (token bucket)', async () => {
    const buckets = memoryRateBuckets();
    const limit = { requests: 4, windowMs: 1000 };
    for (let i = 0; i < 4; i++) expect(await buckets.take('c', limit, 0)).toBeUndefined();
    expect(await buckets.take('c', limit, 0)).toBe(250); // one token per 250 ms
    expect(await buckets.take('c', limit, 100)).toBe(150);
    expect(await buckets.take('c', limit, 250)).toBeUndefined();
    expect(await buckets.take('c', limit, 250)).toBe(250);
  });

  it('serves again once Retry-After has passed on the sandbox clock, and not a moment before', async () => {
    const clock = fakeClock();
    const app = createApp({ rateLimit: { requests: 2, windowMs: 10_000 }, clock });
    const BASE = 'http://sandbox.test';
    const call = async () => app.fetch(tokenRequest(BASE, await pkjwtForm(BASE)));
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5'); // a token per 5 s
    clock.advance(4_999);
    expect((await call()).status).toBe(429);
    clock.advance(1);
    expect((await call()).status).toBe(200);
  });
});

describe('parseRateLimit', () => {
  it.each([
    ['10/1s', { requests: 10, windowMs: 1000 }],
    ['100/1m', { requests: 100, windowMs: 60_000 }],
    ['5/500ms', { requests: 5, windowMs: 500 }],
    ['1000/1h', { requests: 1000, windowMs: 3_600_000 }],
  ])('reads %s', (text, limit) => {
    expect(parseRateLimit(text)).toEqual(limit);
  });

  it.each(['10', '10/s', '0/1s', '10/0s', '10/1d', 'ten/1s'])('refuses %s', (text) => {
    expect(() => parseRateLimit(text)).toThrow(OptionError);
  });
});
