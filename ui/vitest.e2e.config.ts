import { defineConfig } from 'vitest/config'

// The browser tests (`npm run e2e`): e2e/app.html built by Vite, opened in Debian's Chromium.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    reporters: ['verbose'],
  },
})
