import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Argon2id vectors run the real KDF in pure JavaScript: about a second each.
    testTimeout: 60_000,
  },
});
