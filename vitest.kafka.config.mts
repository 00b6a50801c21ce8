import { defineConfig } from 'vitest/config';

// Integration tests against a real Apache Kafka broker (`npm run test:kafka`). The global setup
// starts one broker for the whole run, or uses DAGSTREAM_KAFKA_BROKERS when it is set (for
// example the broker of `npm run kafka:start`). Not part of the default unit run.
export default defineConfig({
  test: {
    include: ['test/kafka/**/*.test.ts'],
    globalSetup: ['test/kafka/kafkaGlobalSetup.ts'],
    environment: 'node',
    // A cold run resolves the broker's jars with Maven and starts a JVM before the first test.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // One more try for a test that fails: these share one real broker with the other files
    // running in parallel on a 2-core machine, and a lookup that times out under load is not
    // the behaviour under test. A test that fails twice fails the run (and vitest reports the retry).
    retry: 1,
  },
});
