import { useCallback, useEffect, useRef, useState } from 'react';
import {
  isDashboardNotification,
  type DashboardEditDto,
  type DidChangeDashboardNotification,
  type PanelResultDto,
} from '../../src/protocol/dashboardProtocol';
import { AddPanelForm } from './AddPanelForm';
import { PanelCard } from './PanelCard';
import { useChartTheme } from './themeColors';
import { loadViewState, postCommand, saveViewState } from './vscodeApi';

/** The dashboard: a toolbar, the file's problems, and its panels in a grid. */
export function DashboardApp(): React.JSX.Element {
  const [documentState, setDocument] = useState<DidChangeDashboardNotification | undefined>();
  const [results, setResults] = useState<Record<string, PanelResultDto>>({});
  const [ranAt, setRanAt] = useState<string | undefined>();
  const [refreshing, setRefreshing] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [addOpen, setAddOpen] = useState(loadViewState().addPanelOpen ?? false);
  const [addError, setAddError] = useState<string | undefined>();
  const [addBusy, setAddBusy] = useState(false);
  const nextRequestId = useRef(1);
  const addRequest = useRef<number | undefined>(undefined);
  const theme = useChartTheme();

  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>): void => {
      const message = event.data;
      if (!isDashboardNotification(message)) return;
      switch (message.type) {
        case 'dashboard/didChangeDocument':
          setDocument(message);
          return;
        case 'dashboard/didStartRefresh':
          setRefreshing(true);
          return;
        case 'dashboard/didRunPanels':
          setResults(message.results);
          setRanAt(message.ranAt);
          setRefreshing(false);
          return;
        case 'dashboard/didApplyEdit':
          if (message.requestId === addRequest.current) {
            addRequest.current = undefined;
            setAddBusy(false);
            if (message.ok) {
              setAddOpen(false);
              saveViewState({ addPanelOpen: false });
              setAddError(undefined);
            } else setAddError(message.reason);
          } else if (!message.ok) setNotice(message.reason);
          return;
      }
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'dashboard/ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const edit = useCallback((change: DashboardEditDto) => {
    postCommand({ type: 'dashboard/edit', requestId: nextRequestId.current++, edit: change });
  }, []);

  if (!documentState) return <div className="dashboard-loading">Loading the dashboard…</div>;
  const { panels, problems, editable } = documentState;
  const openAdd = (open: boolean): void => {
    setAddOpen(open);
    setAddError(undefined);
    saveViewState({ addPanelOpen: open });
  };

  return (
    <main className="dashboard" data-testid="dashboard" data-version={documentState.version} data-refreshing={refreshing}>
      <header className="toolbar">
        <h1 className="dashboard-title">{documentState.title ?? documentState.fileName}</h1>
        <span className="toolbar-status" data-testid="refresh-status">
          {refreshing ? 'Refreshing…' : ranAt ? `Updated ${new Date(ranAt).toLocaleTimeString()}` : 'Not run yet'} ·{' '}
          {documentState.refreshDescription}
        </span>
        <span className="toolbar-spacer" />
        <button
          type="button"
          data-testid="refresh"
          onClick={() => postCommand({ type: 'dashboard/refresh' })}
          disabled={refreshing || !editable}
        >
          ⟳ Refresh
        </button>
        {editable && (
          <button type="button" data-testid="add-panel" onClick={() => openAdd(!addOpen)}>
            + Add panel
          </button>
        )}
        <button type="button" onClick={() => postCommand({ type: 'dashboard/openAsText' })}>
          Open as text
        </button>
      </header>
      {documentState.readOnlyReason !== undefined && <div className="notice">{documentState.readOnlyReason}</div>}
      {notice !== undefined && (
        <div className="notice notice-error" role="alert">
          {notice}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(undefined)}>
            ×
          </button>
        </div>
      )}
      {problems.some((p) => p.panelIndex === undefined) && (
        <ul className="problems" data-testid="dashboard-problems" aria-label="Problems in the dashboard file">
          {problems
            .filter((p) => p.panelIndex === undefined)
            .map((p) => (
              <li key={`${p.line}:${p.column}:${p.message}`}>
                Line {p.line}, column {p.column}: {p.message}
              </li>
            ))}
        </ul>
      )}
      {addOpen && editable && (
        <AddPanelForm
          databases={documentState.databases}
          error={addError}
          busy={addBusy}
          onCancel={() => openAdd(false)}
          onAdd={(title, database, sql) => {
            const requestId = nextRequestId.current++;
            addRequest.current = requestId;
            setAddBusy(true);
            setAddError(undefined);
            postCommand({ type: 'dashboard/addPanel', requestId, title, database, sql });
          }}
        />
      )}
      {panels.length === 0 && problems.length === 0 && !addOpen && (
        <div className="empty">
          This dashboard has no panels yet.{' '}
          {editable ? 'Add one with "+ Add panel": a query on a workspace database and a chart of its rows.' : ''}
        </div>
      )}
      <div className="panels">
        {panels.map((panel) => (
          <PanelCard
            key={`${panel.index}:${panel.queryKey ?? ''}`}
            panel={panel}
            result={panel.queryKey === undefined ? undefined : results[panel.queryKey]}
            theme={theme}
            editable={editable}
            databases={documentState.databases}
            onEdit={edit}
          />
        ))}
      </div>
    </main>
  );
}
