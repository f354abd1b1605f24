// Builds the three Electron bundles from the product's folders (electron-vite's
// defaults assume src/main etc.).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: { build: { lib: { entry: resolve('electron/main/index.ts') } } },
  preload: {
    build: {
      lib: { entry: resolve('electron/preload/index.ts') },
      rolldownOptions: { output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve('renderer'),
    build: { rolldownOptions: { input: resolve('renderer/index.html') } },
  },
});
