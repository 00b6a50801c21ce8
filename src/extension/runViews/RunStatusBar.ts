import * as vscode from 'vscode';
import { UNTRUSTED_REASON, type EngineService } from '../engine/EngineService';

/**
 * The status bar item: whether this window runs the scheduler, watches one in another process, or
 * cannot run (Restricted Mode), and how many tasks run now. Hidden until an engine is open, so
 * that a workspace that never runs a DAG sees nothing. Click: the DAGs view.
 */
export class RunStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('dagstream.scheduler', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly service: EngineService) {
    this.item.name = 'Dagstream Scheduler';
    this.item.command = 'dagstream.dags.focus';
    // State changes arrive in bursts; one update per 250 ms is plenty for a status line.
    this.subscription = service.onDidChange(() => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.update();
      }, 250);
    });
    this.update();
  }

  private update(): void {
    const engines = this.service.openEngines();
    if (!vscode.workspace.isTrusted) {
      this.item.text = '$(workspace-untrusted) Dagstream: runs off';
      this.item.tooltip = UNTRUSTED_REASON;
      this.item.show();
      return;
    }
    if (engines.length === 0) {
      this.item.hide();
      return;
    }
    const running = engines.reduce((sum, e) => sum + e.runningCount, 0);
    const remote = engines.some((e) => e.mode === 'remote');
    const icon = running > 0 ? '$(sync~spin)' : remote ? '$(remote)' : '$(pulse)';
    this.item.text = `${icon} Dagstream: ${running > 0 ? `${running} running` : 'idle'}`;
    this.item.tooltip = [
      remote ? 'Scheduler: another process (this window sends it requests)' : 'Scheduler: running in this window',
      `Tasks running: ${running}`,
      ...engines.map((e) => e.detail),
    ].join('\n');
    this.item.accessibilityInformation = {
      label: `Dagstream scheduler ${remote ? 'in another process' : 'running'}, ${running} tasks running`,
    };
    this.item.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.item.dispose();
  }
}
