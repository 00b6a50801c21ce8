import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, workspaceFolder } from './workspaceHelpers';

/** What the SQLite commands return to a caller in the same extension host (the panel's run). */
interface RunLike {
  readonly finished: Promise<void>;
  readonly result: { columns: string[]; totalRows: number; keptRows: number } | undefined;
  readonly error: { message: string; position?: { line: number; column: number } } | undefined;
}

suite('SQLite explorer: commands, CodeLens and runs on a database made by sqlite3', () => {
  let file: string;
  suiteSetup(() => {
    file = join(workspaceFolder().fsPath, 'suite-weather.db');
    execFileSync('sqlite3', [
      file,
      `DROP TABLE IF EXISTS readings; CREATE TABLE readings(id INTEGER PRIMARY KEY, city TEXT NOT NULL, temp REAL);
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO readings SELECT i, 'city-' || (i % 7), i / 100.0 FROM n;`,
    ]);
  });
  suiteTeardown(closeAllEditors);

  const tableNode = () => ({
    kind: 'table',
    database: { kind: 'database', entry: { file, label: 'suite-weather.db', added: false } },
    table: { name: 'readings', type: 'table', rowCount: 2500, sql: null },
  });

  test('"Show First Rows" on a table runs SELECT * ... LIMIT 1000 in the database worker', async () => {
    const run = (await vscode.commands.executeCommand('dagstream.sqlite.showFirstRows', tableNode())) as RunLike | undefined;
    assert.ok(run, 'showFirstRows returned no run');
    await run.finished;
    assert.equal(run.error, undefined);
    assert.deepEqual(run.result?.columns, ['id', 'city', 'temp']);
    assert.equal(run.result?.keptRows, 1000);
  });

  test('"New SQL Query" on a table opens a .sql document bound to its database, with a "Run on" lens per statement', async () => {
    await vscode.commands.executeCommand('dagstream.sqlite.newQuery', tableNode());
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor opened');
    assert.equal(editor.document.languageId, 'sql');
    assert.match(editor.document.getText(), /SELECT \*\nFROM "readings"\nLIMIT 100;/);
    await editor.edit((edit) =>
      edit.insert(editor.document.positionAt(editor.document.getText().length), '\nSELECT *\n  FORM readings;\n'),
    );
    const lenses = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', editor.document.uri)) as vscode.CodeLens[];
    const runs = lenses.filter((lens) => lens.command?.command === 'dagstream.sqlite.runStatement');
    assert.deepEqual(
      runs.map((lens) => [lens.range.start.line, lens.command?.title]),
      [
        [0, '$(play) Run on suite-weather.db'],
        [4, '$(play) Run on suite-weather.db'],
      ],
    );

    const first = (await vscode.commands.executeCommand('dagstream.sqlite.runStatement', ...runs[0]!.command!.arguments!)) as RunLike;
    assert.equal(first.result?.keptRows, 100);
    assert.equal(first.result?.totalRows, 100);

    const failing = (await vscode.commands.executeCommand('dagstream.sqlite.runStatement', ...runs[1]!.command!.arguments!)) as RunLike;
    assert.equal(failing.result, undefined);
    assert.deepEqual(failing.error?.position && { line: failing.error.position.line, column: failing.error.position.column }, {
      line: 6,
      column: 3,
    });
  });
});
