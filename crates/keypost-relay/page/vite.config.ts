import { defineConfig } from 'vite';

// Built once into dist/ and embedded in the relay binary (crates/keypost-relay/build.rs).
// The relay serves index.html at /p/{id} and the hashed files at /p/assets/…; the page's CSP
// allows no inline script or style, so nothing is inlined.
export default defineConfig({
  base: '/p/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { fs: { allow: ['..', '../../../icons'] } },
});
