import { defineConfig } from 'vitest/config';

// Unit tests: beside the code, plain Node, no broker, no VS Code. Suites that need a real
// Kafka broker or a real VS Code live under test/ and have their own runners.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.ts', 'webview/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
