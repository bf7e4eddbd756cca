/** Numeric options follow one rule (settings/numbers.ts): a safe whole number, at least a minimum. */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { OptionError } from '../../src/settings/errors.js';
import type { SandboxOptions } from '../../src/settings/options.js';

describe('numeric options', () => {
  it.each<[SandboxOptions, string]>([
    [{ tokenLifetimeSeconds: 0 }, 'options: at tokenLifetimeSeconds: must be a whole number of at least 1, got 0'],
    [{ deviceCodeLifetimeSeconds: 0 }, 'options: at deviceCodeLifetimeSeconds: must be a whole number of at least 1, got 0'],
    [{ clockSkewSeconds: -1 }, 'options: at clockSkewSeconds: must be a whole number of at least 0, got -1'],
    [{ maxBodyBytes: 1.5 }, 'options: at maxBodyBytes: must be a whole number of at least 0, got 1.5'],
    [{ journalSize: 2 ** 53 }, 'options: at journalSize: must be a whole number of at least 1, got 9007199254740992'],
    [{ rateLimit: { requests: 10, windowMs: 0 } }, 'options: at rateLimit.windowMs: must be a whole number of at least 1, got 0'],
  ])('%j is refused with an OptionError naming it', (options, message) => {
    expect(() => createApp(options)).toThrow(OptionError);
    expect(() => createApp(options)).toThrow(message);
  });

  it('take 0 where 0 means something: no clock skew, no polling interval', () => {
    expect(() => createApp({ clockSkewSeconds: 0, deviceIntervalSeconds: 0 })).not.toThrow();
  });
});
