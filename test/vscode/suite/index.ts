import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import { RESULT_MARKER, START_MARKER } from './suiteMarkers';

/**
 * The extensionTestsPath entry point: VS Code's extension host calls `run()` and treats a rejection
 * as failure. Works the same under code-server (payload query) and @vscode/test-electron.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    // The extension host's console is relayed line by line to the runner, which has no TTY.
    color: false,
    timeout: 30_000,
    // The runner's own filter, e.g. DAGSTREAM_VSCODE_GREP=newDag (test-electron passes env through).
    ...(process.env.DAGSTREAM_VSCODE_GREP ? { grep: process.env.DAGSTREAM_VSCODE_GREP } : {}),
  });
  // The activation checks in extension.test.js run first, before anything activates us; then the rest, sorted.
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => Number(b === 'extension.test.js') - Number(a === 'extension.test.js') || a.localeCompare(b));
  if (files.length === 0) return Promise.reject(new Error(`No *.test.js files next to ${__filename}; compile the suite.`));
  for (const file of files) mocha.addFile(join(__dirname, file));
  console.log(START_MARKER);

  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats;
        const passed = stats?.passes ?? 0;
        const failed = stats?.failures ?? failures;
        console.log(`${RESULT_MARKER} ${JSON.stringify({ passed, failed, pending: stats?.pending ?? 0 })}`);
        if (failures > 0) reject(new Error(`${failures} VS Code integration test(s) failed.`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
