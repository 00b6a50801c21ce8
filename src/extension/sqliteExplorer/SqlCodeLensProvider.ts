import * as path from 'node:path';
import * as vscode from 'vscode';
import { sqlStatementRanges } from '../../core/sqlite/scanSqlText';
import type { SqlDocumentBindings } from './SqlDocumentBindings';

/**
 * "Run on <database>" above each statement of a .sql document (statements as the core's SQL
 * scanner splits them), and "Change database" above the first. A document not bound yet gets
 * "Run…", which asks for the database first.
 */
export class SqlCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly bindings: SqlDocumentBindings) {
    bindings.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const database = this.bindings.get(document.uri);
    const name = database ? path.basename(database) : undefined;
    const lenses: vscode.CodeLens[] = [];
    const text = document.getText();
    for (const [index, statement] of sqlStatementRanges(text).entries()) {
      const range = new vscode.Range(document.positionAt(statement.start), document.positionAt(statement.start));
      lenses.push(
        new vscode.CodeLens(range, {
          title: name ? `$(play) Run on ${name}` : '$(play) Run… (choose a database)',
          tooltip: name ? `Run this statement on ${database}` : 'Choose the database for this file, then run this statement',
          command: 'dagstream.sqlite.runStatement',
          arguments: [document.uri, statement.start, statement.end],
        }),
      );
      if (index === 0)
        lenses.push(
          new vscode.CodeLens(range, {
            title: name ? '$(database) Change database' : '$(database) Choose database',
            tooltip: 'Pick the SQLite database this file runs on',
            command: 'dagstream.sqlite.changeDatabase',
            arguments: [document.uri],
          }),
        );
    }
    return lenses;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
