import * as vscode from 'vscode';
import { DAG_FILE_SUFFIX } from '../../core/dag/dagFile';
import { readSchedulerLock } from '../../core/store/schedulerLock';
import { loadExtensionServices } from '../services/loadExtensionServices';
import type { WorkspaceEngine } from './WorkspaceEngine';

export const UNTRUSTED_REASON =
  'Runs are disabled in Restricted Mode: trust this workspace (Manage Workspace Trust) to run its DAGs. Task code runs on this machine.';

/** An engine, or why there is none. */
export type EngineLookup = { ok: true; engine: WorkspaceEngine } | { ok: false; reason: string };

/**
 * The workspace's engine inside the extension host. Nothing opens at activation: the first view
 * or command that needs runs opens it (taking the scheduler lock, or attaching to the process that
 * holds it). In Restricted Mode nothing opens at all. Disposing stops the scheduler and releases
 * the lock.
 */
export class EngineService implements vscode.Disposable {
  private readonly engines = new Map<string, Promise<WorkspaceEngine>>();
  private readonly opened = new Map<string, WorkspaceEngine>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** An engine opened, closed or changed state (pause flags, DAG files, running count). */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  private signalTimer: NodeJS.Timeout | undefined;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/*${DAG_FILE_SUFFIX}`);
    const reload = (uri: vscode.Uri): void => {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      const engine = folder && this.opened.get(folder.uri.fsPath);
      if (engine) void engine.reloadDagFile(uri.fsPath);
    };
    this.subscriptions.push(
      watcher,
      watcher.onDidChange(reload),
      watcher.onDidCreate(reload),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      this.changed,
    );
  }

  /** The engine of `uri`'s workspace folder, opened now if needed. */
  async engineFor(uri: vscode.Uri | undefined): Promise<EngineLookup> {
    if (this.disposed) return { ok: false, reason: 'Dagstream is shutting down.' };
    if (!vscode.workspace.isTrusted) return { ok: false, reason: UNTRUSTED_REASON };
    const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
    if (!folder || folder.uri.scheme !== 'file')
      return { ok: false, reason: 'Runs need a workspace folder on disk: open the folder that holds your DAG files (File > Open Folder).' };
    const dir = folder.uri.fsPath;
    const current = this.opened.get(dir);
    if (current?.mode === 'remote' && (current.holderGone || readSchedulerLock(dir) === undefined)) {
      // The process this window was watching has stopped: run the scheduler here from now on.
      this.opened.delete(dir);
      this.engines.delete(dir);
      await current.close();
    }
    let pending = this.engines.get(dir);
    if (!pending) {
      // The engine's code (scheduler, store, operators) loads with the first engine, not at activation.
      pending = loadExtensionServices().then((services) => services.WorkspaceEngine.open(dir));
      this.engines.set(dir, pending);
      pending.then(
        (engine) => {
          if (this.disposed) {
            void engine.close();
            return;
          }
          this.opened.set(dir, engine);
          engine.on('changed', () => this.changed.fire());
          engine.on('run', () => this.changed.fire());
          engine.on('taskInstance', (ti) => {
            if (ti.state === 'running' || ti.state === 'success' || ti.state === 'failed' || ti.state === 'up_for_retry')
              this.changed.fire();
          });
          this.changed.fire();
        },
        () => this.engines.delete(dir),
      );
    }
    try {
      return { ok: true, engine: await pending };
    } catch (error) {
      return {
        ok: false,
        reason: `Could not start the Dagstream scheduler for ${dir}: ${error instanceof Error ? error.message : String(error)}. Check the Dagstream output and the .dagstream folder, then reopen the DAG.`,
      };
    }
  }

  /**
   * Tells the status bar, the DAGs view and the run controls that something changed, at most
   * every 200 ms: a thousand task state changes a second must not become a thousand refreshes.
   */
  private signal(): void {
    this.signalTimer ??= setTimeout(() => {
      this.signalTimer = undefined;
      if (!this.disposed) this.changed.fire();
    }, 200);
  }

  /** Engines already open (never opens one): for the status bar and the DAGs view. */
  openEngines(): WorkspaceEngine[] {
    return [...this.opened.values()];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.signalTimer);
    vscode.Disposable.from(...this.subscriptions).dispose();
    // Running tasks get a short grace period; the scheduler records the ones it had to kill.
    for (const engine of this.opened.values()) void engine.close(2_000);
    this.opened.clear();
    this.engines.clear();
  }
}
