import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDagText } from '../../core/dag/parseDagText';
import { isCanvasCommand, type CanvasCommand, type DidChangeDocumentNotification } from '../../protocol/dagCanvasProtocol';
import { renderWebviewHtml, webviewAssetsRoot } from '../webviews/renderWebviewHtml';
import { toDagGraphDto, toProblemDto } from './toDagGraphDto';

/**
 * The DAG canvas: a custom *text* editor, so the `.dag.json` document stays the model and undo,
 * dirty state, save, hot exit and git all come from VS Code. The webview only renders what the
 * host sends and reports what the user did.
 */
export class DagEditorProvider implements vscode.CustomTextEditorProvider {
  static readonly viewType = 'dagstream.dagEditor';

  static register(extensionUri: vscode.Uri): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(DagEditorProvider.viewType, new DagEditorProvider(extensionUri), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  private constructor(private readonly extensionUri: vscode.Uri) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [webviewAssetsRoot(this.extensionUri)] };
    webview.html = renderWebviewHtml(webview, this.extensionUri, 'canvas', `DAG ${path.basename(document.fileName)}`);

    const postDocument = (): void => {
      void webview.postMessage(describeDocument(document));
    };
    const subscriptions: vscode.Disposable[] = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document.uri.toString() === document.uri.toString() && event.contentChanges.length > 0) postDocument();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(postDocument),
      webview.onDidReceiveMessage((message: unknown) => {
        if (isCanvasCommand(message)) void this.handleCommand(message, document, postDocument);
      }),
    ];
    panel.onDidDispose(() => vscode.Disposable.from(...subscriptions).dispose());
  }

  private async handleCommand(command: CanvasCommand, document: vscode.TextDocument, postDocument: () => void): Promise<void> {
    switch (command.type) {
      case 'canvas/ready':
        postDocument();
        return;
      case 'canvas/openAsText':
        await vscode.commands.executeCommand('vscode.openWith', document.uri, 'default', vscode.ViewColumn.Beside);
        return;
      case 'canvas/revealTask': {
        const range = parseDagText(document.getText()).taskRanges.get(command.taskId);
        if (!range) return;
        const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
        const start = document.positionAt(range.offset);
        editor.selection = new vscode.Selection(start, start);
        editor.revealRange(new vscode.Range(start, document.positionAt(range.offset + range.length)), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        return;
      }
    }
  }
}

function describeDocument(document: vscode.TextDocument): DidChangeDocumentNotification {
  const parsed = parseDagText(document.getText());
  return {
    type: 'canvas/didChangeDocument',
    version: document.version,
    fileName: path.basename(document.fileName),
    graph: toDagGraphDto(parsed),
    problems: parsed.problems.map(toProblemDto),
    editable: vscode.workspace.isTrusted,
  };
}
