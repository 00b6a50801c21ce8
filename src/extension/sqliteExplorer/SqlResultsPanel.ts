import * as path from 'node:path';
import * as vscode from 'vscode';
import { isSqlResultsCommand, type SqlResultsCommand, type SqlResultsNotification } from '../../protocol/sqlResultsProtocol';
import { renderWebviewHtml, webviewAssetsRoot } from '../webviews/renderWebviewHtml';
import { SqlResultsRun, type SqlRunRequest } from './SqlResultsRun';

/** Where a run's SQL came from, so that an error can be revealed in it. */
export interface SqlRunSource {
  /** The document the SQL was run from, if any. */
  document?: vscode.Uri;
}

let nextRunId = 1;

/**
 * A results panel: the `sqlResults` webview, the run it shows and the rows it holds. One panel per
 * source (a .sql file, a table), reused by later runs from the same source. The webview keeps
 * nothing across being hidden (no retainContextWhenHidden): when it loads again it says `ready`
 * and the run is streamed to it again from the rows kept here.
 */
export class SqlResultsPanel implements vscode.Disposable {
  static readonly viewType = 'dagstream.sqlResults';
  private static readonly panels = new Map<string, SqlResultsPanel>();
  private run: SqlResultsRun | undefined;
  private cancel: AbortController | undefined;
  private source: SqlRunSource = {};
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onRan: (run: SqlResultsRun) => void;

  /** The panel for `key`, created (beside the editor) if there is none. */
  static forKey(extensionUri: vscode.Uri, key: string, title: string, onRan: (run: SqlResultsRun) => void): SqlResultsPanel {
    const existing = SqlResultsPanel.panels.get(key);
    if (existing) {
      existing.panel.title = title;
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      SqlResultsPanel.viewType,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [webviewAssetsRoot(extensionUri)] },
    );
    const created = new SqlResultsPanel(panel, extensionUri, key, onRan);
    SqlResultsPanel.panels.set(key, created);
    return created;
  }

  /** Every open panel (for tests and for closing them with their database). */
  static all(): SqlResultsPanel[] {
    return [...SqlResultsPanel.panels.values()];
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly key: string,
    onRan: (run: SqlResultsRun) => void,
  ) {
    this.onRan = onRan;
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, 'sqlResults', panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isSqlResultsCommand(message)) void this.receive(message);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get currentRun(): SqlResultsRun | undefined {
    return this.run;
  }

  /** Runs `request`, shows the panel and streams the rows to it. Resolves when the run is over. */
  async start(request: SqlRunRequest, source: SqlRunSource): Promise<SqlResultsRun> {
    this.cancel?.abort();
    const cancel = new AbortController();
    this.cancel = cancel;
    const run = new SqlResultsRun(nextRunId++, { ...request, signal: cancel.signal });
    // The previous run's rows are released in the database's thread.
    void this.run?.dispose();
    this.run = run;
    this.source = source;
    this.panel.reveal(undefined, true);
    void run.stream((message) => this.post(message));
    await run.finished;
    this.onRan(run);
    return run;
  }

  private post(message: SqlResultsNotification): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private async receive(command: SqlResultsCommand): Promise<void> {
    switch (command.type) {
      case 'sqlResults/ready':
        if (this.run) await this.run.stream((message) => this.post(message));
        return;
      case 'sqlResults/copy':
        await vscode.env.clipboard.writeText(command.text);
        await this.post({ type: 'sqlResults/didReport', severity: 'info', text: `Copied ${command.what}.` });
        return;
      case 'sqlResults/export':
        await this.exportRows(command.format);
        return;
      case 'sqlResults/revealError':
        await this.revealError(command.runId);
        return;
      case 'sqlResults/rerun':
        if (this.run) await this.start({ ...this.run.request }, this.source);
        return;
      case 'sqlResults/cancel':
        if (this.run?.runId === command.runId) this.cancel?.abort();
        return;
    }
  }

  private async exportRows(format: 'csv' | 'json'): Promise<void> {
    const run = this.run;
    const result = run?.result;
    if (!run || !result) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const base = path.basename(run.request.databaseLabel).replace(/\.[^.]+$/, '');
    const target = await vscode.window.showSaveDialog({
      title: `Export ${result.keptRows.toLocaleString('en')} rows as ${format.toUpperCase()}`,
      saveLabel: 'Export',
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `${base}-results.${format}`) } : {}),
    });
    if (!target) return;
    try {
      const written = await run.exportRows(format, target.fsPath);
      await this.post({
        type: 'sqlResults/didReport',
        severity: 'info',
        text: `Exported ${written.rows.toLocaleString('en')} rows to ${vscode.workspace.asRelativePath(target, false)}.`,
      });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      await this.post({ type: 'sqlResults/didReport', severity: 'error', text });
      void vscode.window.showErrorMessage(text);
    }
  }

  private async revealError(runId: number): Promise<void> {
    const position = this.run?.runId === runId ? this.run.error?.position : undefined;
    const uri = this.source.document;
    if (!position || !uri) return;
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    const at = new vscode.Position(position.line - 1, position.column - 1);
    editor.selection = new vscode.Selection(at, at);
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    if (SqlResultsPanel.panels.get(this.key) === this) SqlResultsPanel.panels.delete(this.key);
    void this.run?.dispose();
    this.run = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
