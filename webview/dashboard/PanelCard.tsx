import { useMemo, useState } from 'react';
import { DASHBOARD_CHART_TYPES, type DashboardEditDto, type PanelDto, type PanelResultDto } from '../../src/protocol/dashboardProtocol';
import { ChartCanvas } from './ChartCanvas';
import { PanelQueryEditor } from './PanelQueryEditor';
import type { ChartTheme } from './themeColors';
import { toChartData } from './toChartData';

interface PanelCardProps {
  panel: PanelDto;
  result: PanelResultDto | undefined;
  theme: ChartTheme;
  editable: boolean;
  /** Workspace databases, offered when editing the query. */
  databases: string[];
  onEdit(edit: DashboardEditDto): void;
}

/**
 * One panel: its title, the chart's controls (type, x, y, series from the result's columns), the
 * chart, and a footer with the row count and duration, or the query's error as SQLite wrote it.
 */
export function PanelCard({ panel, result, theme, editable, databases, onEdit }: PanelCardProps): React.JSX.Element {
  const { chart } = panel;
  const [editingQuery, setEditingQuery] = useState(false);
  const columns = result?.ok ? result.columns : [];
  const data = useMemo(() => (chart && result?.ok ? toChartData(result.columns, result.rows, chart) : undefined), [chart, result]);
  const ys = chart ? (Array.isArray(chart.y) ? chart.y : [chart.y]) : [];
  const setChart = (change: Extract<DashboardEditDto, { kind: 'setChart' }>['chart']): void =>
    onEdit({ kind: 'setChart', panelIndex: panel.index, chart: change });
  const toggleY = (column: string): void => {
    const next = ys.includes(column) ? ys.filter((y) => y !== column) : [...ys, column];
    if (next.length === 0) return;
    // Keep the file's shape: one column as a string, several as a list, in the result's order.
    const ordered = columns.filter((c) => next.includes(c));
    setChart({ y: ordered.length === 1 ? ordered[0]! : ordered });
  };

  return (
    <section
      className={`panel panel-${panel.width}`}
      data-testid="dashboard-panel"
      data-panel-index={panel.index}
      data-state={!chart ? 'invalid' : !result ? 'loading' : result.ok ? 'ok' : 'error'}
      aria-label={panel.title}
    >
      <header className="panel-header">
        <h2 className="panel-title">{panel.title}</h2>
        {editable && panel.sql !== undefined && (
          <button
            type="button"
            className="text-button"
            data-testid="edit-query"
            aria-expanded={editingQuery}
            onClick={() => setEditingQuery(!editingQuery)}
          >
            Edit query
          </button>
        )}
        {editable && (
          <button
            type="button"
            className="icon-button"
            title="Remove this panel"
            aria-label={`Remove panel ${panel.title}`}
            onClick={() => onEdit({ kind: 'removePanel', panelIndex: panel.index })}
          >
            ×
          </button>
        )}
      </header>
      {panel.problems.length > 0 && (
        <ul className="panel-problems">
          {panel.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {editingQuery && panel.sql !== undefined && (
        <PanelQueryEditor
          title={panel.title}
          database={panel.database ?? ''}
          sql={panel.sql}
          databases={databases}
          onCancel={() => setEditingQuery(false)}
          onSave={(change) => {
            setEditingQuery(false);
            onEdit({ kind: 'setPanel', panelIndex: panel.index, panel: change });
          }}
        />
      )}
      {chart && (
        <div className="panel-controls">
          <label>
            Chart
            <select
              data-testid="chart-type"
              value={chart.type}
              disabled={!editable}
              onChange={(e) => setChart({ type: e.target.value as (typeof DASHBOARD_CHART_TYPES)[number] })}
            >
              {DASHBOARD_CHART_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          <label>
            X
            <select
              data-testid="chart-x"
              value={chart.x}
              disabled={!editable || columns.length === 0}
              onChange={(e) => setChart({ x: e.target.value })}
            >
              {withCurrent(columns, chart.x).map((column) => (
                <option key={column} value={column}>
                  {column}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="y-columns" data-testid="chart-y" disabled={!editable || columns.length === 0}>
            <legend>Y</legend>
            {withCurrent(columns, ...ys)
              .filter((column) => column !== chart.x && column !== chart.series)
              .map((column) => (
                <label key={column} className="y-column">
                  <input type="checkbox" checked={ys.includes(column)} onChange={() => toggleY(column)} />
                  {column}
                </label>
              ))}
          </fieldset>
          <label>
            Series
            <select
              data-testid="chart-series"
              value={chart.series ?? ''}
              disabled={!editable || columns.length === 0}
              onChange={(e) => setChart({ series: e.target.value === '' ? null : e.target.value })}
            >
              <option value="">(none)</option>
              {withCurrent(columns, ...(chart.series ? [chart.series] : []))
                .filter((column) => column !== chart.x && !ys.includes(column))
                .map((column) => (
                  <option key={column} value={column}>
                    {column}
                  </option>
                ))}
            </select>
          </label>
        </div>
      )}
      {chart && result === undefined && <div className="panel-status">Running the query…</div>}
      {result && !result.ok && editable && (
        <div className="panel-error" role="alert" data-testid="panel-error">
          <strong>The query failed on {panel.database}:</strong>
          <pre>{result.error}</pre>
        </div>
      )}
      {/* In Restricted Mode nothing ran: the reason, not a failure. */}
      {result && !result.ok && !editable && <div className="panel-status">{result.error}</div>}
      {chart && data && !data.ok && (
        <div className="panel-error" role="alert" data-testid="panel-error">
          {data.error}
        </div>
      )}
      {chart && data?.ok && <ChartCanvas chart={chart} data={data.data} theme={theme} height={panel.height} />}
      {result?.ok && (
        <footer className="panel-footer" data-testid="panel-footer">
          <span>
            {result.truncated
              ? `First ${result.rows.length.toLocaleString()} of ${result.totalRows.toLocaleString()} rows`
              : `${result.totalRows.toLocaleString()} row${result.totalRows === 1 ? '' : 's'}`}{' '}
            · {result.durationMs.toFixed(1)} ms · {panel.database}
          </span>
          {data?.ok &&
            data.data.notes.map((note) => (
              <span key={note} className="panel-note">
                {note}
              </span>
            ))}
        </footer>
      )}
    </section>
  );
}

/** The columns of the result, plus any the file names that the result lacks (so the select shows the file's value). */
function withCurrent(columns: readonly string[], ...current: string[]): string[] {
  return [...columns, ...current.filter((c) => !columns.includes(c))];
}
