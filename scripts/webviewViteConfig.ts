import react from '@vitejs/plugin-react';
import type { InlineConfig } from 'vite';

/**
 * Builds one webview surface into dist/webview/<surface>.js and <surface>.css with fixed names,
 * so the extension host can address them without a manifest. One IIFE bundle per surface: the
 * webview's CSP allows only the nonce'd script, so there must be no extra chunks to load.
 */
export function webviewViteConfig(surface: string, watch = false): InlineConfig {
  return {
    configFile: false,
    root: `webview/${surface}`,
    plugins: [react()],
    logLevel: 'warn',
    build: {
      outDir: '../../dist/webview',
      emptyOutDir: false,
      sourcemap: true,
      target: 'es2022',
      cssCodeSplit: false,
      watch: watch ? {} : null,
      rollupOptions: {
        input: `webview/${surface}/main.tsx`,
        output: {
          format: 'iife',
          entryFileNames: `${surface}.js`,
          assetFileNames: (asset) => (asset.names.some((n) => n.endsWith('.css')) ? `${surface}.css` : '[name][extname]'),
        },
      },
    },
  };
}
