import { defineConfig } from 'vitest/config';

// The browser end-to-end test (`npm run e2e`): real SMTP server, relay binary, CLI and
// Chromium, started by the test itself. One file, run in order.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['verbose'],
  },
});
