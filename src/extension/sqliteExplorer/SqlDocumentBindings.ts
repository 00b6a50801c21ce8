import * as vscode from 'vscode';

const BINDINGS_KEY = 'dagstream.sqlite.queryBindings';

/** Which database each .sql document runs on, remembered per document in the workspace's state. */
export class SqlDocumentBindings implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  get(document: vscode.Uri): string | undefined {
    return this.all()[document.toString()];
  }

  async set(document: vscode.Uri, databaseFile: string): Promise<void> {
    await this.state.update(BINDINGS_KEY, { ...this.all(), [document.toString()]: databaseFile });
    this.changed.fire(document);
  }

  /** Forgets the documents bound to a database that left the list. */
  async forgetDatabase(databaseFile: string): Promise<void> {
    const kept = Object.fromEntries(Object.entries(this.all()).filter(([, file]) => file !== databaseFile));
    await this.state.update(BINDINGS_KEY, kept);
    this.changed.fire(vscode.Uri.file(databaseFile));
  }

  private all(): Record<string, string> {
    return this.state.get<Record<string, string>>(BINDINGS_KEY, {});
  }

  dispose(): void {
    this.changed.dispose();
  }
}
