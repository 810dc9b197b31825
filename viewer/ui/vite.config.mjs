// Builds the viewer into dist/ui, which `hindsight serve` serves on the UI port.
import { defineConfig } from 'vite';
import { svelte, vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [svelte({ preprocess: vitePreprocess() })],
  build: {
    outDir: fileURLToPath(new URL('../../dist/ui', import.meta.url)),
    emptyOutDir: true,
  },
  server: {
    // `npx vite --config viewer/ui/vite.config.mjs` during development, against a running `npm start`.
    proxy: { '/api': 'http://127.0.0.1:16686' },
  },
});
