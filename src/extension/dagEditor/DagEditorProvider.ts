import * as path from 'node:path';
import * as vscode from 'vscode';
import { isDagEdit } from '../../protocol/dagEditDto';
import type { CanvasFormSchemasDto } from '../../protocol/dagFormSchemaDto';
import { renderWebviewHtml, webviewAssetsRoot } from '../webviews/renderWebviewHtml';
import { applyDagEditToDocument, type DagEditOutcome } from './applyDagEditToDocument';
import { DagCanvasSession } from './DagCanvasSession';
import { DagDiagnostics } from './DagDiagnostics';
import { DagDocumentDescriptions } from './DagDocumentDescriptions';
import { openTaskCode } from './openTaskCode';
import { TaskCodeFileSystem } from './TaskCodeFileSystem';
import { TASK_CODE_SCHEME } from './taskCodeLocation';
import { toCanvasFormSchemas } from './toCanvasFormSchemas';

/**
 * Commands for the VS Code integration tests: they run the canvas's own code paths (the gesture
 * queue, the WorkspaceEdit, "Edit code") on an open DAG document without a webview to click in.
 * Not contributed in package.json, so users never see them.
 */
export const CANVAS_TEST_COMMANDS = {
  applyEdit: '_dagstream.canvas.applyEdit',
  openTaskCode: '_dagstream.canvas.openTaskCode',
  lastPosted: '_dagstream.canvas.lastPosted',
} as const;

/**
 * The DAG canvas: a custom *text* editor, so the `.dag.json` document stays the model and undo,
 * dirty state, save, revert, hot exit and git all come from VS Code. The webview only renders what
 * the host sends and reports what the user did. Also owns what serves the canvas: the Problems
 * panel entries of DAG files and the documents that hold a task's inline code.
 */
export class DagEditorProvider implements vscode.CustomTextEditorProvider {
  static readonly viewType = 'dagstream.dagEditor';
  private static readonly resolvedCanvas = new vscode.EventEmitter<{ document: vscode.TextDocument; panel: vscode.WebviewPanel }>();
  /** A canvas opened: the run controls attach to it (src/extension/runViews). */
  static readonly onDidResolveCanvas = DagEditorProvider.resolvedCanvas.event;

  static register(extensionUri: vscode.Uri): vscode.Disposable {
    const descriptions = new DagDocumentDescriptions();
    const provider = new DagEditorProvider(extensionUri, descriptions);
    const taskCode = new TaskCodeFileSystem();
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(DagEditorProvider.viewType, provider, { supportsMultipleEditorsPerDocument: true }),
      new DagDiagnostics(descriptions),
      taskCode,
      vscode.workspace.registerFileSystemProvider(TASK_CODE_SCHEME, taskCode, { isCaseSensitive: true }),
      vscode.commands.registerCommand(CANVAS_TEST_COMMANDS.applyEdit, (uri: vscode.Uri, edit: unknown) =>
        provider.applyEditFromCommand(uri, edit),
      ),
      vscode.commands.registerCommand(CANVAS_TEST_COMMANDS.openTaskCode, (uri: vscode.Uri, taskId: string, field: string) =>
        provider.openTaskCodeFromCommand(uri, taskId, field),
      ),
      vscode.commands.registerCommand(CANVAS_TEST_COMMANDS.lastPosted, (uri: vscode.Uri) => provider.sessionFor(uri)?.lastPosted),
    );
  }

  private readonly sessions = new Set<DagCanvasSession>();
  private formSchemas: CanvasFormSchemasDto | undefined;

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly descriptions: DagDocumentDescriptions,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [webviewAssetsRoot(this.extensionUri)] };
    webview.html = renderWebviewHtml(webview, this.extensionUri, 'canvas', `DAG ${path.basename(document.fileName)}`);
    const session = new DagCanvasSession(document, panel, this.descriptions, () => (this.formSchemas ??= toCanvasFormSchemas()));
    this.sessions.add(session);
    panel.onDidDispose(() => {
      this.sessions.delete(session);
      session.dispose();
    });
    DagEditorProvider.resolvedCanvas.fire({ document, panel });
  }

  sessionFor(uri: vscode.Uri): DagCanvasSession | undefined {
    return [...this.sessions].find((s) => s.document.uri.toString() === uri.toString());
  }

  private applyEditFromCommand(uri: vscode.Uri, edit: unknown): Promise<DagEditOutcome> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!document) return Promise.resolve({ ok: false, reason: `${uri.toString()} is not open; open it first.` });
    if (!isDagEdit(edit)) return Promise.resolve({ ok: false, reason: `Not a canvas gesture: ${JSON.stringify(edit)}` });
    return applyDagEditToDocument(document, edit);
  }

  private async openTaskCodeFromCommand(uri: vscode.Uri, taskId: string, field: string): Promise<void> {
    const document = await vscode.workspace.openTextDocument(uri);
    const task = this.descriptions.describe(document).graph?.tasks.find((t) => t.taskId === taskId);
    await openTaskCode(document, task?.values, taskId, field);
  }
}
