import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// demoClientKey caches the list of demo clients: each case loads fresh modules (so fresh classes too) on its own root.
async function demoKeysIn(root: string) {
  vi.resetModules();
  const { useShippedRoot } = await import('../../src/shipped/files.js');
  useShippedRoot(root);
  const { ConfigError } = await import('../../src/config/errors.js');
  return { ConfigError, demoClientKey: (await import('../../src/tokens/demo-keys.js')).demoClientKey };
}

describe('demoClientKey on a damaged installation', () => {
  let root: string;
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a missing demo/keys folder is a ConfigError naming it', async () => {
    root = mkdtempSync(join(tmpdir(), 'demo-keys-'));
    const { ConfigError, demoClientKey } = await demoKeysIn(root);
    expect(() => demoClientKey('sandbox-pkjwt')).toThrow(ConfigError);
    expect(() => demoClientKey('sandbox-pkjwt')).toThrow(`${join(root, 'demo/keys')}: cannot read the shipped demo key (ENOENT)`);
  });

  it('an unreadable key file is a ConfigError naming it; other client ids are not demo clients', async () => {
    root = mkdtempSync(join(tmpdir(), 'demo-keys-'));
    mkdirSync(join(root, 'demo/keys'), { recursive: true });
    writeFileSync(join(root, 'demo/keys/sandbox-pkjwt.private.pem'), 'not a key');
    const { ConfigError, demoClientKey } = await demoKeysIn(root);
    expect(demoClientKey('someone-else')).toBeUndefined();
    expect(() => demoClientKey('sandbox-pkjwt')).toThrow(ConfigError);
    expect(() => demoClientKey('sandbox-pkjwt')).toThrow(`${join(root, 'demo/keys/sandbox-pkjwt.private.pem')}: cannot read the shipped demo key`);
  });
});
