import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseDashboardText } from '../../core/dashboard/parseDashboardText';
import { describeRefreshInterval } from '../../core/dashboard/parseRefreshInterval';
import type { PanelQuery } from '../../core/dashboard/runPanelQuery';
import { loadExtensionServices } from '../services/loadExtensionServices';
import { suggestChart } from '../../core/dashboard/suggestChart';
import {
  isDashboardCommand,
  panelQueryKey,
  type AddPanelRequest,
  type DashboardCommand,
  type DashboardNotification,
  type DidChangeDashboardNotification,
  type PanelResultDto,
} from '../../protocol/dashboardProtocol';
import { applyDashboardEdit, DASHBOARD_RESTRICTED_REASON } from './applyDashboardEdit';
import { findWorkspaceDatabases, workspaceRootOf } from './findWorkspaceDatabases';
import { toDashboardDto } from './toDashboardDto';

/** How long the text must be still before a changed panel query runs. */
const QUERY_DEBOUNCE_MS = 400;

/**
 * One dashboard webview on one `*.dashboard.json` document. Sends the webview the document as it
 * changes, runs the panels' queries (on open, on the refresh interval, on demand, and for a panel
 * whose query changed), and turns the webview's gestures into edits of the document.
 *
 * Results are kept by query (database + SQL), so changing a chart's type or columns redraws from
 * the rows already fetched, and only a changed query runs again.
 */
export class DashboardSession implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private readonly results = new Map<string, PanelResultDto>();
  private ranAt: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The file's refresh interval, and the period of the running timer. */
  private timerMs: number | undefined;
  private timerRunsEvery: number | undefined;
  private running: Promise<void> | undefined;
  private pendingPost: NodeJS.Timeout | undefined;
  private pendingRun: NodeJS.Timeout | undefined;
  private databases: string[] = [];
  private disposed = false;
  /** What the webview was last told about the document (for diagnosis and tests). */
  lastPosted: DidChangeDashboardNotification | undefined;

  constructor(
    readonly document: vscode.TextDocument,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (event.document === document && event.contentChanges.length > 0) this.schedulePost();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.postDocument();
        void this.refresh();
      }),
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (isDashboardCommand(message)) void this.handle(message);
      }),
      panel.onDidChangeViewState(() => this.updateTimer()),
    ];
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.pendingPost);
    clearTimeout(this.pendingRun);
    clearInterval(this.timer);
    vscode.Disposable.from(...this.subscriptions).dispose();
  }

  /** Runs every panel's query again and sends the results. */
  async refresh(): Promise<void> {
    await this.run(true);
  }

  private schedulePost(): void {
    if (this.pendingPost) return;
    this.pendingPost = setTimeout(() => {
      this.pendingPost = undefined;
      this.postDocument();
      this.scheduleNewQueries();
    }, 0);
  }

  /**
   * A panel whose query changed (or a new panel) runs once the text has been still for a moment,
   * so that typing SQL in the text editor beside the dashboard does not run every half-typed query.
   * The other panels keep their rows.
   */
  private scheduleNewQueries(): void {
    clearTimeout(this.pendingRun);
    this.pendingRun = setTimeout(() => void this.run(false), QUERY_DEBOUNCE_MS);
  }

  private parse(): ReturnType<typeof parseDashboardText> {
    return parseDashboardText(this.document.getText());
  }

  postDocument(): void {
    const parsed = this.parse();
    const { panels, problems } = toDashboardDto(parsed);
    const editable = vscode.workspace.isTrusted;
    const notification: DidChangeDashboardNotification = {
      type: 'dashboard/didChangeDocument',
      version: this.document.version,
      fileName: path.basename(this.document.fileName),
      title: parsed.title,
      refreshDescription: describeRefreshInterval(parsed.refreshIntervalMs),
      panels,
      problems,
      editable,
      ...(editable ? {} : { readOnlyReason: DASHBOARD_RESTRICTED_REASON }),
      databases: this.databases,
    };
    this.lastPosted = notification;
    this.post(notification);
    this.timerMs = parsed.refreshIntervalMs;
    this.updateTimer();
  }

  /** The refresh timer runs while the dashboard is visible; a dashboard in a background tab costs nothing. */
  private updateTimer(): void {
    const wanted = this.panel.visible && !this.disposed ? this.timerMs : undefined;
    if (this.timer && this.timerRunsEvery !== wanted) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (wanted !== undefined && !this.timer) {
      // A tick that finds the previous refresh still running is skipped, so slow queries never pile up.
      this.timer = setInterval(() => {
        if (!this.running) void this.run(true);
      }, wanted);
      this.timerRunsEvery = wanted;
    }
  }

  /**
   * Runs the panels' queries: all of them (`all`), or those without a result yet. One run at a
   * time; a run asked for meanwhile follows it.
   */
  private async run(all: boolean): Promise<void> {
    while (this.running) await this.running;
    if (this.disposed) return;
    const queries = new Map<string, PanelQuery>();
    const current = new Set<string>();
    for (const { panel } of this.parse().panels) {
      if (!panel) continue;
      const key = panelQueryKey(panel.database, panel.sql);
      current.add(key);
      if (all || !this.results.has(key)) queries.set(key, { database: panel.database, sql: panel.sql });
    }
    // Rows of queries no panel has any more (edited, removed) are let go.
    for (const key of this.results.keys()) if (!current.has(key)) this.results.delete(key);
    if (queries.size === 0) return;
    this.running = (async () => {
      this.post({ type: 'dashboard/didStartRefresh' });
      const outcomes = vscode.workspace.isTrusted
        ? await (await loadExtensionServices()).runPanelQueries(workspaceRootOf(this.document.uri), [...queries.values()])
        : [...queries.values()].map(() => ({ ok: false as const, error: DASHBOARD_RESTRICTED_REASON }));
      [...queries.keys()].forEach((key, i) => this.results.set(key, outcomes[i] ?? { ok: false, error: 'Not run.' }));
      this.ranAt = new Date().toISOString();
      this.postResults();
    })();
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private postResults(): void {
    this.post({ type: 'dashboard/didRunPanels', results: Object.fromEntries(this.results), ranAt: this.ranAt ?? new Date().toISOString() });
  }

  private post(message: DashboardNotification): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private async handle(command: DashboardCommand): Promise<void> {
    switch (command.type) {
      case 'dashboard/ready':
        this.databases = await findWorkspaceDatabases();
        this.postDocument();
        if (this.results.size > 0) this.postResults();
        // Shown again after being hidden: rows older than the interval are refreshed.
        await this.run(this.isStale());
        return;
      case 'dashboard/refresh':
        await this.refresh();
        return;
      case 'dashboard/openAsText':
        await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', vscode.ViewColumn.Beside);
        return;
      case 'dashboard/edit': {
        const outcome = await applyDashboardEdit(this.document, command.edit);
        this.post({ type: 'dashboard/didApplyEdit', requestId: command.requestId, ...outcome });
        return;
      }
      case 'dashboard/addPanel':
        this.post({ type: 'dashboard/didApplyEdit', requestId: command.requestId, ...(await this.addPanel(command)) });
        return;
    }
  }

  private isStale(): boolean {
    if (this.ranAt === undefined) return true;
    return this.timerMs !== undefined && Date.now() - Date.parse(this.ranAt) >= this.timerMs;
  }

  /** Runs the new panel's query first, so that the chart starts from its real columns. */
  private async addPanel(request: AddPanelRequest): Promise<{ ok: boolean; reason?: string }> {
    if (!vscode.workspace.isTrusted) return { ok: false, reason: DASHBOARD_RESTRICTED_REASON };
    const database = request.database.trim();
    const sql = request.sql.trim();
    if (database === '' || sql === '') return { ok: false, reason: 'Choose a database and write a query, then add the panel.' };
    const [outcome] = await (await loadExtensionServices()).runPanelQueries(workspaceRootOf(this.document.uri), [{ database, sql }]);
    if (!outcome?.ok) return { ok: false, reason: `The query failed, so there is nothing to chart yet: ${outcome?.error ?? 'no result'}` };
    this.results.set(panelQueryKey(database, sql), outcome);
    const title = request.title.trim() || `Panel ${this.parse().panels.length + 1}`;
    const applied = await applyDashboardEdit(this.document, {
      kind: 'addPanel',
      panel: { title, database, sql, chart: suggestChart(outcome.columns, outcome.rows) },
    });
    // The rows are already here: send them, since the document change finds nothing left to run.
    if (applied.ok) this.postResults();
    return applied;
  }
}
