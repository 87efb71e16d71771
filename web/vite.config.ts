import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run build:web` builds into web/dist, which Mender serves at `/`. For `vite` dev mode the
// API is proxied to a Mender on the default port.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be one more script; every browser the dashboard supports has modulepreload.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:7420', changeOrigin: false } } },
});
