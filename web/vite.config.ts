import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * The dashboard is served by the server at `/` (web/dist). In development, `vite` proxies the API
 * (HTTP and the graphql-ws WebSocket on the same path) to a local `containerops serve`.
 */
export default defineConfig({
  plugins: [vue()],
  server: {
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8080', ws: true, changeOrigin: true },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
