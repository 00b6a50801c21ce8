import * as path from 'node:path';
import * as vscode from 'vscode';
import { renderWebviewHtml, webviewAssetsRoot } from '../webviews/renderWebviewHtml';
import { DashboardSession } from './DashboardSession';

/**
 * The dashboard editor: a custom *text* editor on `*.dashboard.json`, so the file stays the model
 * (undo, dirty state, save, git are VS Code's) and the webview draws the charts and reports the
 * user's choices of chart type and columns, which become edits of the JSON text.
 */
export class DashboardEditorProvider implements vscode.CustomTextEditorProvider {
  static readonly viewType = 'dagstream.dashboardEditor';

  private readonly sessions = new Set<DashboardSession>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [webviewAssetsRoot(this.extensionUri)] };
    webview.html = renderWebviewHtml(webview, this.extensionUri, 'dashboard', `Dashboard ${path.basename(document.fileName)}`);
    const session = new DashboardSession(document, panel);
    this.sessions.add(session);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
  }

  /** The session of the active dashboard tab, for "Refresh Dashboard" from the editor's title bar. */
  activeSession(): DashboardSession | undefined {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    if (!(input instanceof vscode.TabInputCustom) || input.viewType !== DashboardEditorProvider.viewType) return undefined;
    return [...this.sessions].find((s) => s.document.uri.toString() === input.uri.toString());
  }
}
