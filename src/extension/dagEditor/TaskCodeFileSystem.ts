import { findNodeAtLocation, getNodeValue } from 'jsonc-parser';
import * as vscode from 'vscode';
import { applyDagEditToDocument, RESTRICTED_MODE_REASON } from './applyDagEditToDocument';
import { readTaskLocations } from './readTaskLocations';
import { JsonTextEditor } from './JsonTextEditor';
import { parseTaskCodeQuery, TASK_CODE_SCHEME, type TaskCodeLocation } from './taskCodeLocation';

/**
 * A virtual file per inline code field (`code`, `bash_command`, `sql`...) of a task, so that the
 * code opens in a real editor tab with its language's support. Reading gives the field's current
 * value in the DAG document (saved or not); saving writes it back into the DAG document as a
 * WorkspaceEdit, undoable from the canvas. When the DAG document had no unsaved changes, it is
 * saved too, so that saving the code saves it into the DAG file; otherwise the user's other
 * unsaved changes are left for them to save.
 */
export class TaskCodeFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changes.event;
  /** Open task code URIs by DAG document URI, with the value last read, to report changes made elsewhere. */
  private readonly watched = new Map<string, Map<string, { uri: vscode.Uri; value: string }>>();
  private readonly mtimes = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.changes,
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.contentChanges.length > 0) this.reportChangesIn(event.document);
      }),
    ];
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  watch(uri: vscode.Uri): vscode.Disposable {
    const location = this.locate(uri);
    const byDag = this.watched.get(location.dagUri) ?? new Map<string, { uri: vscode.Uri; value: string }>();
    this.watched.set(location.dagUri, byDag);
    byDag.set(uri.toString(), { uri, value: byDag.get(uri.toString())?.value ?? '' });
    return new vscode.Disposable(() => byDag.delete(uri.toString()));
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const value = await this.readValue(uri);
    const mtime = this.mtimes.get(uri.toString()) ?? Date.now();
    this.mtimes.set(uri.toString(), mtime);
    return { type: vscode.FileType.File, ctime: 0, mtime, size: Buffer.byteLength(value, 'utf8') };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const value = await this.readValue(uri);
    const entry = this.watched.get(this.locate(uri).dagUri)?.get(uri.toString());
    if (entry) entry.value = value;
    return Buffer.from(value, 'utf8');
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const location = this.locate(uri);
    if (!vscode.workspace.isTrusted) throw vscode.FileSystemError.NoPermissions(RESTRICTED_MODE_REASON);
    const document = await this.dagDocument(location);
    const wasDirty = document.isDirty;
    const value = Buffer.from(content).toString('utf8');
    const outcome = await applyDagEditToDocument(document, {
      kind: 'setTaskField',
      taskId: location.taskId,
      path: [location.field],
      value,
    });
    if (!outcome.ok) throw vscode.FileSystemError.Unavailable(`Could not save into ${document.fileName}: ${outcome.reason}`);
    const entry = this.watched.get(location.dagUri)?.get(uri.toString());
    if (entry) entry.value = value;
    this.mtimes.set(uri.toString(), Date.now());
    if (!wasDirty) await document.save();
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Task code documents live inside DAG files; there are no folders to create.');
  }

  delete(): void {
    throw vscode.FileSystemError.NoPermissions("To remove a task's code, clear the field in the canvas inspector or delete the task.");
  }

  rename(): void {
    throw vscode.FileSystemError.NoPermissions('To rename a task, change its id in the canvas inspector.');
  }

  private locate(uri: vscode.Uri): TaskCodeLocation {
    const location = uri.scheme === TASK_CODE_SCHEME ? parseTaskCodeQuery(uri.query) : undefined;
    if (!location) throw vscode.FileSystemError.FileNotFound(uri);
    return location;
  }

  private async dagDocument(location: TaskCodeLocation): Promise<vscode.TextDocument> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === location.dagUri);
    return open ?? (await vscode.workspace.openTextDocument(vscode.Uri.parse(location.dagUri)));
  }

  private async readValue(uri: vscode.Uri): Promise<string> {
    const location = this.locate(uri);
    const document = await this.dagDocument(location);
    const value = fieldValue(document.getText(), location);
    if (value === undefined) {
      throw vscode.FileSystemError.FileNotFound(
        `Task "${location.taskId}" is no longer in ${document.fileName}; it may have been renamed or deleted. Open its code again from the canvas.`,
      );
    }
    return value;
  }

  private reportChangesIn(document: vscode.TextDocument): void {
    const byDag = this.watched.get(document.uri.toString());
    if (!byDag || byDag.size === 0) return;
    const text = document.getText();
    const changed: vscode.FileChangeEvent[] = [];
    for (const entry of byDag.values()) {
      const location = parseTaskCodeQuery(entry.uri.query);
      const value = location ? fieldValue(text, location) : undefined;
      if (value === entry.value) continue;
      entry.value = value ?? '';
      this.mtimes.set(entry.uri.toString(), Date.now());
      changed.push({ type: value === undefined ? vscode.FileChangeType.Deleted : vscode.FileChangeType.Changed, uri: entry.uri });
    }
    if (changed.length > 0) this.changes.fire(changed);
  }
}

/** The string value of a task's field in a DAG text: "" when the task exists without it, undefined when the task does not. */
function fieldValue(text: string, location: TaskCodeLocation): string | undefined {
  const editor = new JsonTextEditor(text);
  const located = readTaskLocations(editor);
  if ('problem' in located) return undefined;
  const task = located.tasks.find((t) => t.taskId === location.taskId);
  if (!task || !editor.tree) return undefined;
  const node = findNodeAtLocation(editor.tree, ['tasks', task.index, location.field]);
  if (!node) return '';
  const value: unknown = getNodeValue(node);
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
