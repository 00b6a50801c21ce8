/**
 * The contract between the dashboard webview (`webview/dashboard`) and the extension host.
 *
 * The host owns the `*.dashboard.json` document and runs the panels' queries; the webview draws
 * what it is sent and reports what the user did. Commands go webview -> host, notifications host
 * -> webview; `AddPanelRequest` and `EditDashboardRequest` are each answered by one
 * `DidApplyDashboardEditResponse` carrying their `requestId`.
 */

export const DASHBOARD_CHART_TYPES = ['line', 'bar', 'scatter'] as const;
export type DashboardChartType = (typeof DASHBOARD_CHART_TYPES)[number];

export interface ChartSpecDto {
  type: DashboardChartType;
  x: string;
  y: string | string[];
  series?: string;
}

export interface PanelDto {
  index: number;
  title: string;
  /** Present when the panel is complete; the webview shows `problems` otherwise. */
  database?: string;
  sql?: string;
  chart?: ChartSpecDto;
  width: 'half' | 'full';
  height: number;
  /** Identifies the query (database + SQL) whose result the panel draws, in DidRunPanelsNotification. */
  queryKey?: string;
  /** What is wrong with the panel, as located messages ("line 12: ..."). */
  problems: string[];
}

export interface DashboardProblemDto {
  message: string;
  /** 1-based, as editors show them. */
  line: number;
  column: number;
  panelIndex?: number;
}

export type PanelCellDto = string | number | null;

export type PanelResultDto =
  | { ok: true; columns: string[]; rows: PanelCellDto[][]; totalRows: number; truncated: boolean; durationMs: number }
  | { ok: false; error: string };

/** A change to the dashboard file; the host applies it to the document as a WorkspaceEdit. */
export type DashboardEditDto =
  | {
      kind: 'setChart';
      panelIndex: number;
      chart: { type?: DashboardChartType; x?: string; y?: string | string[]; series?: string | null };
    }
  | { kind: 'setPanel'; panelIndex: number; panel: { title?: string; database?: string; sql?: string } }
  | { kind: 'removePanel'; panelIndex: number };

/** Webview -> host: loaded; send the document and the results. */
export interface DashboardReadyCommand {
  type: 'dashboard/ready';
}

/** Webview -> host: run every panel's query again now. */
export interface RefreshDashboardCommand {
  type: 'dashboard/refresh';
}

/** Webview -> host: open the file in the text editor beside the dashboard. */
export interface OpenDashboardAsTextCommand {
  type: 'dashboard/openAsText';
}

export interface EditDashboardRequest {
  type: 'dashboard/edit';
  requestId: number;
  edit: DashboardEditDto;
}

/** Webview -> host: add a panel; the host runs the query first and picks a chart from its columns. */
export interface AddPanelRequest {
  type: 'dashboard/addPanel';
  requestId: number;
  title: string;
  database: string;
  sql: string;
}

export type DashboardCommand =
  DashboardReadyCommand | RefreshDashboardCommand | OpenDashboardAsTextCommand | EditDashboardRequest | AddPanelRequest;

/** Host -> webview: the file changed (or the webview just became ready). */
export interface DidChangeDashboardNotification {
  type: 'dashboard/didChangeDocument';
  version: number;
  fileName: string;
  title: string | undefined;
  /** In words: "every 30 s", "no automatic refresh". */
  refreshDescription: string;
  panels: PanelDto[];
  problems: DashboardProblemDto[];
  /** False in untrusted workspaces: nothing runs and nothing is edited. */
  editable: boolean;
  readOnlyReason?: string;
  /** Workspace-relative SQLite files, offered when adding a panel. */
  databases: string[];
}

/** Host -> webview: results of panel queries, by query key. */
export interface DidRunPanelsNotification {
  type: 'dashboard/didRunPanels';
  results: Record<string, PanelResultDto>;
  /** ISO time the refresh finished. */
  ranAt: string;
}

/** Host -> webview: a refresh started (the webview shows it until DidRunPanels). */
export interface DidStartRefreshNotification {
  type: 'dashboard/didStartRefresh';
}

export interface DidApplyDashboardEditResponse {
  type: 'dashboard/didApplyEdit';
  requestId: number;
  ok: boolean;
  reason?: string;
}

export type DashboardNotification =
  DidChangeDashboardNotification | DidRunPanelsNotification | DidStartRefreshNotification | DidApplyDashboardEditResponse;

/** The key of a panel's query: the same database and SQL share one result. */
export function panelQueryKey(database: string, sql: string): string {
  return `${database}\u0000${sql}`;
}

function hasType(value: unknown): value is { type: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isChartType(value: unknown): value is DashboardChartType {
  return (DASHBOARD_CHART_TYPES as readonly unknown[]).includes(value);
}

export function isDashboardEdit(value: unknown): value is DashboardEditDto {
  if (typeof value !== 'object' || value === null) return false;
  const edit = value as Record<string, unknown>;
  if (!Number.isInteger(edit.panelIndex)) return false;
  if (edit.kind === 'removePanel') return true;
  if (edit.kind === 'setPanel') {
    if (typeof edit.panel !== 'object' || edit.panel === null) return false;
    const panel = edit.panel as Record<string, unknown>;
    return (['title', 'database', 'sql'] as const).every((key) => panel[key] === undefined || typeof panel[key] === 'string');
  }
  if (edit.kind !== 'setChart' || typeof edit.chart !== 'object' || edit.chart === null) return false;
  const chart = edit.chart as Record<string, unknown>;
  const isColumn = (v: unknown): boolean => typeof v === 'string' && v !== '';
  return (
    (chart.type === undefined || isChartType(chart.type)) &&
    (chart.x === undefined || isColumn(chart.x)) &&
    (chart.y === undefined || isColumn(chart.y) || (Array.isArray(chart.y) && chart.y.length > 0 && chart.y.every(isColumn))) &&
    (chart.series === undefined || chart.series === null || isColumn(chart.series))
  );
}

export function isDashboardCommand(value: unknown): value is DashboardCommand {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'dashboard/ready':
    case 'dashboard/refresh':
    case 'dashboard/openAsText':
      return true;
    case 'dashboard/edit':
      return Number.isInteger(value.requestId) && isDashboardEdit(value.edit);
    case 'dashboard/addPanel':
      return (
        Number.isInteger(value.requestId) &&
        typeof value.title === 'string' &&
        typeof value.database === 'string' &&
        typeof value.sql === 'string'
      );
    default:
      return false;
  }
}

export function isDashboardNotification(value: unknown): value is DashboardNotification {
  if (!hasType(value)) return false;
  switch (value.type) {
    case 'dashboard/didChangeDocument':
      return Array.isArray(value.panels) && Array.isArray(value.problems) && typeof value.version === 'number';
    case 'dashboard/didRunPanels':
      return typeof value.results === 'object' && value.results !== null && typeof value.ranAt === 'string';
    case 'dashboard/didStartRefresh':
      return true;
    case 'dashboard/didApplyEdit':
      return Number.isInteger(value.requestId) && typeof value.ok === 'boolean';
    default:
      return false;
  }
}
