import * as path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints snippets as if they sat at the given paths, with the project's own eslint.config.mjs,
// so the layering rules of DESIGN.md are proven to bite, not just written down.
const eslint = new ESLint({ cwd: path.resolve(__dirname, '..') });

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint rules', () => {
  it('fail a file under src/core, src/protocol or src/cli that imports vscode', async () => {
    for (const file of ['src/core/dag/bad.ts', 'src/protocol/bad.ts', 'src/cli/bad.ts']) {
      expect(await restrictedImportMessages(file, "import * as vscode from 'vscode';\nexport const x = vscode;\n"), file).toHaveLength(1);
    }
  });

  it('let src/extension import vscode', async () => {
    expect(await restrictedImportMessages('src/extension/ok.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n")).toEqual(
      [],
    );
  });

  it('keep the core independent of the extension', async () => {
    expect(
      await restrictedImportMessages(
        'src/core/dag/bad.ts',
        "import { activate } from '../../extension/extension';\nexport const x = activate;\n",
      ),
    ).toHaveLength(1);
  });

  it('let a webview import src/protocol and nothing else from src/', async () => {
    expect(
      await restrictedImportMessages(
        'webview/canvas/ok.ts',
        "import { isCanvasCommand } from '../../src/protocol/dagCanvasProtocol';\nexport const x = isCanvasCommand;\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImportMessages(
        'webview/canvas/bad.ts',
        "import { parseDagText } from '../../src/core/dag/parseDagText';\nexport const x = parseDagText;\n",
      ),
    ).toHaveLength(1);
  });
});
