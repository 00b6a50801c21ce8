import * as vscode from 'vscode';
import { isRunViewsCommand, type DidChangeRunViewsNotification, type GanttTryDto, type GridRunDto } from '../../protocol/runViewsProtocol';
import { renderWebviewHtml, webviewAssetsRoot } from '../webviews/renderWebviewHtml';
import type { EngineService } from '../engine/EngineService';
import { toRunSummary } from './CanvasRunController';

const GRID_RUNS = 25;
const REFRESH_MS = 250;

/**
 * The run views panel: Airflow's Grid (runs by tasks, a colour per state) and a Gantt chart of the
 * selected run. One panel, retargeted to whichever DAG asked last; clicking a run in the grid
 * also selects it on that DAG's canvas.
 */
export class RunViewsPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { dagId: string; runId: string | undefined; uri: vscode.Uri } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: EngineService,
    private readonly onSelectRun: (dagId: string, runId: string) => void,
  ) {
    this.subscription = service.onDidChange(() => this.schedule());
  }

  show(dagId: string, runId: string | undefined, uri: vscode.Uri): void {
    this.target = { dagId, runId, uri };
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel('dagstream.runViews', `Runs: ${dagId}`, vscode.ViewColumn.Beside, {
        enableScripts: true,
        localResourceRoots: [webviewAssetsRoot(this.extensionUri)],
      });
      panel.webview.html = renderWebviewHtml(panel.webview, this.extensionUri, 'runViews', `Runs of ${dagId}`);
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (!isRunViewsCommand(message)) return;
        if (message.type === 'runViews/ready') void this.post();
        else if (this.target) {
          this.target.runId = message.runId;
          this.onSelectRun(this.target.dagId, message.runId);
          void this.post();
        }
      });
      panel.onDidDispose(() => {
        this.panel = undefined;
      });
      this.panel = panel;
    } else {
      this.panel.title = `Runs: ${dagId}`;
      this.panel.reveal(undefined, true);
      void this.post();
    }
  }

  private schedule(): void {
    if (!this.panel) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.post();
    }, REFRESH_MS);
  }

  private async post(): Promise<void> {
    const panel = this.panel;
    const target = this.target;
    if (!panel || !target) return;
    const lookup = await this.service.engineFor(target.uri);
    if (!lookup.ok) {
      void panel.webview.postMessage({
        type: 'runViews/didChange',
        dagId: target.dagId,
        taskIds: [],
        runs: [],
        gantt: [],
        now: new Date().toISOString(),
      });
      return;
    }
    const { store } = lookup.engine;
    const dag = lookup.engine.getDag(target.dagId);
    const records = store.listRuns(target.dagId, { limit: GRID_RUNS }).reverse();
    const runs: GridRunDto[] = records.map((run) => ({
      run: toRunSummary(run),
      cells: Object.fromEntries(
        store.listTaskInstances(run.dagId, run.runId).map((ti) => [ti.taskId, { state: ti.state, tryNumber: ti.tryNumber }]),
      ),
    }));
    // The DAG's order first, then tasks that only old runs have (removed since).
    const taskIds = [...new Set([...(dag?.tasks.map((t) => t.taskId) ?? []), ...runs.flatMap((run) => Object.keys(run.cells))])];
    const selected = target.runId && records.some((r) => r.runId === target.runId) ? target.runId : records.at(-1)?.runId;
    const gantt: GanttTryDto[] = [];
    if (selected) {
      for (const ti of store.listTaskInstances(target.dagId, selected)) {
        const tries = store.listTries(target.dagId, selected, ti.taskId);
        for (const attempt of tries) {
          const last = attempt.tryNumber === ti.tryNumber;
          gantt.push({
            taskId: ti.taskId,
            tryNumber: attempt.tryNumber,
            state: last ? ti.state : attempt.state,
            ...(last && ti.queuedAt ? { queuedAt: ti.queuedAt } : {}),
            startDate: attempt.startDate,
            ...(attempt.endDate ? { endDate: attempt.endDate } : {}),
          });
        }
      }
    }
    const message: DidChangeRunViewsNotification = {
      type: 'runViews/didChange',
      dagId: target.dagId,
      taskIds,
      runs,
      ...(selected ? { selectedRunId: selected } : {}),
      gantt,
      now: new Date().toISOString(),
    };
    void panel.webview.postMessage(message);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
