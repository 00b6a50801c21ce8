import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDagText } from '../../core/dag/parseDagText';
import type { TextRange } from '../../core/dag/textRange';
import {
  isCanvasCommand,
  type CanvasCommand,
  type CanvasNotification,
  type DidChangeDocumentNotification,
} from '../../protocol/dagCanvasProtocol';
import type { CanvasFormSchemasDto } from '../../protocol/dagFormSchemaDto';
import type { RangeDto } from '../../protocol/dagGraphDto';
import { applyDagEditToDocument, RESTRICTED_MODE_REASON } from './applyDagEditToDocument';
import type { DagDocumentDescriptions } from './DagDocumentDescriptions';
import { openTaskCode } from './openTaskCode';

/**
 * One canvas webview showing one DAG document: sends it the document as it changes and turns the
 * webview's commands into edits of the document (never of a copy), so that the text stays the
 * model and every other editor of the file sees the same thing.
 */
export class DagCanvasSession implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private pendingPost: NodeJS.Timeout | undefined;
  /** What the webview was last told about the document; read by the integration tests. */
  lastPosted: DidChangeDocumentNotification | undefined;

  constructor(
    readonly document: vscode.TextDocument,
    private readonly panel: vscode.WebviewPanel,
    private readonly descriptions: DagDocumentDescriptions,
    private readonly formSchemas: () => CanvasFormSchemasDto,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document && event.contentChanges.length > 0) this.schedulePost();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.postDocument()),
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isCanvasCommand(message)) void this.handle(message);
      }),
    ];
  }

  dispose(): void {
    clearTimeout(this.pendingPost);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  /** Coalesces a burst of changes (typing in a text editor beside the canvas) into one update. */
  private schedulePost(): void {
    if (this.pendingPost) return;
    this.pendingPost = setTimeout(() => {
      this.pendingPost = undefined;
      this.postDocument();
    }, 0);
  }

  postDocument(): void {
    clearTimeout(this.pendingPost);
    this.pendingPost = undefined;
    const description = this.descriptions.describe(this.document);
    const editable = vscode.workspace.isTrusted;
    const notification: DidChangeDocumentNotification = {
      type: 'canvas/didChangeDocument',
      version: description.version,
      fileName: path.basename(this.document.fileName),
      graph: description.graph,
      problems: description.problems,
      editable,
      ...(editable ? {} : { readOnlyReason: RESTRICTED_MODE_REASON }),
    };
    this.lastPosted = notification;
    this.post(notification);
  }

  private post(message: CanvasNotification): void {
    void this.panel.webview.postMessage(message);
  }

  private async handle(command: CanvasCommand): Promise<void> {
    switch (command.type) {
      case 'canvas/ready':
        this.post({ type: 'canvas/didLoadFormSchemas', schemas: this.formSchemas() });
        this.postDocument();
        return;
      case 'canvas/openAsText':
        await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', vscode.ViewColumn.Beside);
        return;
      case 'canvas/revealTask': {
        const range = parseDagText(this.document.getText()).taskRanges.get(command.taskId);
        if (range)
          await this.reveal(
            {
              startLine: range.start.line,
              startCharacter: range.start.character,
              endLine: range.start.line,
              endCharacter: range.start.character,
            },
            range,
          );
        return;
      }
      case 'canvas/revealRange':
        await this.reveal(command.range);
        return;
      case 'canvas/openTaskCode': {
        const task = this.descriptions.describe(this.document).graph?.tasks.find((t) => t.taskId === command.taskId);
        await openTaskCode(this.document, task?.values, command.taskId, command.field);
        return;
      }
      case 'canvas/edit': {
        const outcome = await applyDagEditToDocument(this.document, command.edit);
        // The echo of the edit must reach the webview before its answer, so it never shows a stale graph.
        if (outcome.ok) this.postDocument();
        this.post({ type: 'canvas/didApplyEdit', requestId: command.requestId, ...outcome });
        return;
      }
    }
  }

  /** Shows the text beside the canvas with `selection` selected and `around` (the selection by default) in view. */
  private async reveal(selection: RangeDto, around?: TextRange): Promise<void> {
    const editor = await vscode.window.showTextDocument(this.document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    const range = new vscode.Range(selection.startLine, selection.startCharacter, selection.endLine, selection.endCharacter);
    editor.selection = new vscode.Selection(range.start, range.end);
    const visible = around ? new vscode.Range(around.start.line, around.start.character, around.end.line, around.end.character) : range;
    editor.revealRange(visible, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
