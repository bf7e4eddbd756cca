import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Contract tests start Prism (about 2-3 s) and real listeners; the machine has 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
