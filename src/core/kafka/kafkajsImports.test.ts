import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('the Kafka client library stays behind the core interface', () => {
  it('is imported by src/core/kafka/kafkajsClient.ts only', () => {
    const importers = sourceFiles(SRC)
      .filter((file) => /from\s+['"]kafkajs['"]|require\(\s*['"]kafkajs['"]\s*\)/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(SRC, file).split('\\').join('/'));
    expect(importers).toEqual(['core/kafka/kafkajsClient.ts']);
  });
});
