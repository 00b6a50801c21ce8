import * as vscode from 'vscode';
import { DAG_FILE_SUFFIX } from '../../core/dag/dagFile';
import { DagEditorProvider } from '../dagEditor/DagEditorProvider';

const DAG_GLOB = `**/*${DAG_FILE_SUFFIX}`;
const EXCLUDE_GLOB = '**/{node_modules,.git,.dagstream}/**';

/** What the run side knows about a DAG file, or undefined before the engine is open. */
export type DagRunInfoSource = (uri: vscode.Uri) => { description: string; tooltip: string; paused: boolean } | undefined;

/**
 * The "DAGs" view: every `*.dag.json` file in the workspace, opened on the canvas when clicked.
 * An empty workspace shows the view's welcome content (a "New DAG" button) instead.
 */
export class DagsTreeProvider implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  static readonly viewId = 'dagstream.dags';

  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly watcher = vscode.workspace.createFileSystemWatcher(DAG_GLOB, false, true, false);
  private runInfo: DagRunInfoSource | undefined;

  constructor() {
    this.watcher.onDidCreate(() => this.refresh());
    this.watcher.onDidDelete(() => this.refresh());
  }

  /** Pause state, schedule, last and next run per file, once the engine is open (src/extension/runViews). */
  setRunInfo(source: DagRunInfoSource): void {
    this.runInfo = source;
    this.refresh();
  }

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: vscode.Uri): Promise<vscode.Uri[]> {
    if (element) return [];
    const files = await vscode.workspace.findFiles(DAG_GLOB, EXCLUDE_GLOB);
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const fileName = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const item = new vscode.TreeItem(fileName.slice(0, -DAG_FILE_SUFFIX.length), vscode.TreeItemCollapsibleState.None);
    item.resourceUri = uri;
    item.description = vscode.workspace.asRelativePath(uri, false);
    item.tooltip = uri.fsPath;
    item.iconPath = new vscode.ThemeIcon('type-hierarchy');
    item.contextValue = 'dagFile';
    const runs = this.runInfo?.(uri);
    if (runs) {
      item.description = runs.description;
      item.tooltip = `${uri.fsPath}\n${runs.tooltip}`;
      item.contextValue = runs.paused ? 'dagFile.paused' : 'dagFile.active';
    }
    item.command = { title: 'Open DAG', command: 'vscode.openWith', arguments: [uri, DagEditorProvider.viewType] };
    return item;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
