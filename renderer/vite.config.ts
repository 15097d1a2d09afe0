import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The renderer is built once and served both by Electron (file://) and by the headless
// server, so asset paths are relative and nothing is loaded from outside.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's own /* @__PURE__ */ comments sit where Rollup cannot use them; Rollup drops
        // them harmlessly, and a warning per comment on every build hides real ones.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
