/**
 * The dashboard file (`*.dashboard.json`): charts over SQL queries on workspace SQLite databases,
 * saved in the workspace so that they are diffable and reviewable like DAGs. The JSON Schema in
 * `schemas/dashboard.schema.json` says the same in the editor's words.
 */

export const DASHBOARD_FILE_VERSION = 1;

export const DASHBOARD_FILE_SUFFIX = '.dashboard.json';

export const CHART_TYPES = ['line', 'bar', 'scatter'] as const;

export type ChartType = (typeof CHART_TYPES)[number];

/** What a panel draws: `x` against each `y` column, one series per `y` and per value of `series`. */
export interface ChartSpec {
  type: ChartType;
  x: string;
  y: string | string[];
  series?: string;
}

export interface PanelSize {
  width?: 'half' | 'full';
  /** Pixels of chart. */
  height?: number;
}

export interface DashboardPanel {
  title: string;
  /** Workspace-relative path of the SQLite file. */
  database: string;
  sql: string;
  chart: ChartSpec;
  size?: PanelSize;
}

export interface DashboardFile {
  version: number;
  title: string;
  /** Seconds, or a duration string such as "30s" or "5m"; absent or null: no automatic refresh. */
  refresh_interval?: number | string | null;
  panels: DashboardPanel[];
}

/** `y` as a list, the way charts use it. */
export function yColumnsOf(chart: Pick<ChartSpec, 'y'>): string[] {
  return Array.isArray(chart.y) ? chart.y : [chart.y];
}
