/** What createApp() hands its caller (app.config, in the public SandboxApp type) holds no private key. */
import { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';

/** Every value reachable from `root` through properties, array items and Map or Set entries. */
function reachable(root: unknown): unknown[] {
  const seen = new Set<unknown>();
  const queue = [root];
  while (queue.length > 0) {
    const value = queue.pop();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof KeyObject) continue;
    if (value instanceof Map) queue.push(...value.keys(), ...value.values());
    else if (value instanceof Set) queue.push(...value);
    queue.push(...Object.values(value as object));
  }
  return [...seen];
}

describe('the public SandboxApp', () => {
  it('reaches no private key from app.config: the token signing key stays inside the issuer', () => {
    const values = reachable(createApp().config);
    expect(values.length).toBeGreaterThan(50);
    expect(values.filter((v) => v instanceof KeyObject && v.type === 'private')).toEqual([]);
    expect(values.filter((v) => typeof v === 'object' && v !== null && 'kty' in v && 'd' in v)).toEqual([]);
  });

  it('still publishes the public half at /jwks', async () => {
    const app = createApp();
    const jwks = (await (await app.request('/jwks')).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toEqual([app.config.tokenSigningJwk]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('has frozen settings: the listeners are told by startSandbox through their own object, never written in', () => {
    const listeners = { httpPort: 4010 };
    const app = createApp({}, listeners);
    expect(Object.isFrozen(app.config)).toBe(true);
    expect(app.config.listeners).toBe(listeners);
    expect(() => Object.assign(app.config, { fixedIssuer: 'http://elsewhere.example' })).toThrow(TypeError);
  });
});
