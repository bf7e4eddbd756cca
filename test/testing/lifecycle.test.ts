/** useSandbox's lifecycle with hooks run by hand, and startTestSandbox's stop(). */
import { describe, expect, it } from 'vitest';
import { startTestSandbox, useSandbox } from '../../src/testing.js';

/** Hooks that only collect what useSandbox registers, for the test to run when it likes. */
function manualHooks() {
  const registered: { before?: () => Promise<void>; after?: () => Promise<void> } = {};
  return { hooks: { before: (fn: () => Promise<void>) => (registered.before = fn), after: (fn: () => Promise<void>) => (registered.after = fn) }, registered };
}

const NOT_RUNNING = /useSandbox\(\) is not running: use it inside a test, or in a hook that runs after the before hook/;

describe('useSandbox', () => {
  it('throws a clear error when read before its before hook ran, and after its after hook', async () => {
    const { hooks, registered } = manualHooks();
    const sandbox = useSandbox(hooks);
    expect(() => sandbox.url).toThrow(NOT_RUNNING);
    expect(() => sandbox.issuer).toThrow(NOT_RUNNING);
    await expect(sandbox.requests()).rejects.toThrow(NOT_RUNNING);
    await expect(sandbox.reset()).rejects.toThrow(NOT_RUNNING);
    await expect(sandbox.clientAssertion('sandbox-pkjwt')).rejects.toThrow(NOT_RUNNING);

    await registered.before!();
    const url = sandbox.url;
    expect((await fetch(`${url}/jwks`)).status).toBe(200);

    await registered.after!();
    expect(() => sandbox.url).toThrow(NOT_RUNNING);
    await expect(fetch(`${url}/jwks`)).rejects.toThrow(/fetch failed/);
  });

  it('passes its options on, and fails the before hook on a bad one', async () => {
    const { hooks, registered } = manualHooks();
    useSandbox(hooks, { clientKeys: { 'my-tpp': '/nonexistent/my-tpp.private.pem' } });
    await expect(registered.before!()).rejects.toThrow("clientKeys['my-tpp']: /nonexistent/my-tpp.private.pem is not a readable private key: ENOENT");
  });
});

describe('startTestSandbox', () => {
  it('listens on a free loopback port each time, and stop() closes it (twice is harmless)', async () => {
    const [a, b] = await Promise.all([startTestSandbox(), startTestSandbox()]);
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.url).not.toBe(b.url);
    await Promise.all([a.stop(), b.stop()]);
    await a.stop();
    await expect(fetch(`${a.url}/jwks`)).rejects.toThrow(/fetch failed/);
  });

  it('takes a fixed issuer, which discovery advertises and assertions are addressed to', async () => {
    const sandbox = await startTestSandbox({ issuer: 'https://auth.sandbox.example' });
    try {
      expect([sandbox.issuer, sandbox.tokenEndpoint]).toEqual(['https://auth.sandbox.example', 'https://auth.sandbox.example/token']);
      const claims = JSON.parse(Buffer.from((await sandbox.clientAssertion('sandbox-pkjwt')).split('.')[1]!, 'base64url').toString());
      expect(claims.aud).toBe('https://auth.sandbox.example');
    } finally {
      await sandbox.stop();
    }
  });
});
