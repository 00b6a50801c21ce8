// @vscode/test-cli configuration: `npm run test:electron` runs the same in-editor suite as
// `npm run test:vscode`, but in a VS Code desktop that @vscode/test-electron downloads. Use it
// where Microsoft's update server is reachable; on machines without it, `npm run test:vscode`
// runs the suite in code-server instead (see test/vscode/runVscodeTests.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@vscode/test-cli';

const repoRoot = dirname(fileURLToPath(import.meta.url));

// The extension host runs JavaScript: compile test/vscode/suite/*.ts to out/test/vscode/suite/
// first (the lead's `npm run build` builds the extension, not the tests).
execFileSync(join(repoRoot, 'node_modules', '.bin', 'tsx'), [join(repoRoot, 'test', 'vscode', 'buildSuite.ts')], {
  stdio: 'inherit',
});

// A fresh, empty folder per run (under the git-ignored .vscode-test/, beside the downloaded VS Code):
// the suite checks that nothing activates the extension before a trigger (a *.dag.json in the
// folder would, through workspaceContains) and writes DAGs into it.
const workspaceFolder = join(repoRoot, '.vscode-test', 'workspace');
rmSync(workspaceFolder, { recursive: true, force: true });
mkdirSync(workspaceFolder, { recursive: true });

export default defineConfig({
  label: 'integration',
  files: 'out/test/vscode/suite/**/*.test.js',
  extensionDevelopmentPath: repoRoot,
  workspaceFolder,
  // Trusted (restricted mode makes the canvas read-only) and alone (no other extensions).
  launchArgs: ['--disable-workspace-trust', '--disable-extensions'],
  mocha: { ui: 'tdd', timeout: 30_000 },
});
