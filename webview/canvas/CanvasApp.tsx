import { useReactFlow, type ColorMode } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { JsonObject, JsonValue } from '../../src/protocol/jsonValue';
import { describeSchedule } from './describeSchedule';
import { FlowCanvas } from './FlowCanvas';
import { Inspector, type CanvasSelection } from './Inspector';
import { layoutAll, NODE_HEIGHT, NODE_WIDTH } from './layoutTasks';
import { NoticeBar } from './NoticeBar';
import { Palette } from './Palette';
import { ProblemsBanner } from './ProblemsBanner';
import { proposeTaskId } from './proposeTaskId';
import { RunDetailPanel } from './RunDetailPanel';
import { RunToolbar } from './RunToolbar';
import { TaskRunActions } from './TaskRunActions';
import type { TaskFlowNode } from './TaskNode';
import type { LinkEdge } from './toFlowElements';
import { useCanvasDocument } from './useCanvasDocument';
import { RunStatesContext } from './RunStatesStore';
import { useRunState } from './useRunState';
import { loadViewState, postCommand, saveViewState } from './vscodeApi';

/** VS Code marks the webview's body with the theme kind; React Flow needs it as a colour mode. */
function currentColorMode(): ColorMode {
  return document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light')
    ? 'light'
    : 'dark';
}

const FOCUSABLE_FIELD = 'vscode-textfield, vscode-textarea, vscode-single-select, vscode-checkbox, button';

/**
 * The DAG canvas: toolbar, palette, graph and inspector over the document the host sends. It keeps
 * no content of its own: every gesture is a command to the host, and what it shows is the host's
 * latest version with the gestures in flight drawn on top. Only UI state (viewport, selection,
 * open panels) is kept, in the webview's state, so that reopening the editor restores it.
 */
export function CanvasApp() {
  const canvas = useCanvasDocument();
  const { host, schemas, graph, sendEdit, showNotice } = canvas;
  const run = useRunState();
  const flow = useReactFlow<TaskFlowNode, LinkEdge>();
  const [colorMode, setColorMode] = useState<ColorMode>(currentColorMode);
  const [panels, setPanels] = useState(() => {
    const saved = loadViewState();
    return { palette: saved.paletteOpen ?? true, inspector: saved.inspectorOpen ?? true, problems: saved.problemsOpen ?? true };
  });
  const [selection, setSelection] = useState<CanvasSelection>(() => ({ taskIds: loadViewState().selectedTaskIds ?? [], links: [] }));

  useEffect(() => {
    const observer = new MutationObserver(() => setColorMode(currentColorMode()));
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    return () => observer.disconnect();
  }, []);
  useEffect(() => saveViewState({ paletteOpen: panels.palette, inspectorOpen: panels.inspector, problemsOpen: panels.problems }), [panels]);
  useEffect(() => saveViewState({ selectedTaskIds: selection.taskIds }), [selection.taskIds]);

  const report = run.report;
  useEffect(() => {
    if (report) showNotice(report.ok ? 'info' : 'error', report.message);
  }, [report, showNotice]);

  const updateSelection = useCallback((update: (previous: CanvasSelection) => CanvasSelection) => setSelection(update), []);
  const editable = host?.editable ?? false;
  const operatorTitles = useMemo(() => new Map((schemas?.operators ?? []).map((o) => [o.operator, o.title])), [schemas]);

  const addTask = useCallback(
    (operator: string, at?: { x: number; y: number }) => {
      if (!graph) return;
      const taskId = proposeTaskId(operator, new Set(graph.tasks.map((t) => t.taskId)));
      const position =
        at ??
        freeSpotInView(
          flow,
          graph.tasks.map((t) => t.position).filter((p) => p !== undefined),
        );
      sendEdit({ kind: 'addTask', operator, position, taskId }, (select) => setSelection({ taskIds: select, links: [] }));
      setSelection({ taskIds: [taskId], links: [] });
    },
    [graph, flow, sendEdit],
  );
  const autoLayout = (): void => {
    if (!graph || graph.tasks.length === 0) return;
    const positions = layoutAll(graph.tasks);
    sendEdit({ kind: 'moveTasks', moves: [...positions].map(([taskId, position]) => ({ taskId, position })) });
    // Fit once React Flow has the new positions.
    setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1.25, duration: 200 }), 50);
  };
  const addFromPalette = useCallback((operator: string) => addTask(operator), [addTask]);
  const closeInspector = useCallback(() => setPanels((p) => ({ ...p, inspector: false })), []);
  const inspect = useCallback((focus: boolean) => {
    setPanels((p) => ({ ...p, inspector: true }));
    if (focus) requestAnimationFrame(() => document.querySelector<HTMLElement>(`.inspector-body ${FOCUSABLE_FIELD}`)?.focus());
  }, []);
  const onInspectorKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    // Escape leaves the inspector for the selected node, where arrows move it again.
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    const id = selection.taskIds[0];
    if (id !== undefined) document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`)?.focus();
  };

  if (!host) return <div className="canvas-loading">Loading DAG…</div>;
  const schedule = graph ? describeSchedule(graph.schedule) : undefined;
  const ids = new Set(graph?.tasks.map((t) => t.taskId));
  const linkCount = graph?.tasks.reduce((sum, t) => sum + new Set(t.upstream.filter((u) => ids.has(u) && u !== t.taskId)).size, 0) ?? 0;
  return (
    <RunStatesContext.Provider value={run.states}>
      <div
        className="canvas-root"
        data-testid="dag-canvas"
        data-node-count={graph?.tasks.length ?? 0}
        data-edge-count={linkCount}
        data-version={host.version}
        data-editable={editable}
      >
        <header className="canvas-toolbar">
          <button
            type="button"
            className={`canvas-toggle${panels.palette ? ' pressed' : ''}`}
            aria-pressed={panels.palette}
            title="Show or hide the operators palette"
            onClick={() => setPanels((p) => ({ ...p, palette: !p.palette }))}
          >
            Palette
          </button>
          <span className="canvas-title">{graph?.dagId || host.fileName}</span>
          {schedule && (
            <span className="canvas-schedule" title={schedule.text}>
              {graph?.schedule ? `${graph.schedule}: ${schedule.text}` : schedule.text}
            </span>
          )}
          {!editable && (
            <span className="canvas-badge" title={host.readOnlyReason}>
              Read-only
            </span>
          )}
          <RunToolbar run={run} params={paramsOf(graph?.settings.params)} />
          <span className="canvas-spacer" />
          <button
            type="button"
            className="canvas-button"
            disabled={!editable || !graph}
            onClick={autoLayout}
            title="Lay out every task left to right and save the positions"
          >
            Auto-layout
          </button>
          <button type="button" className="canvas-button" onClick={() => postCommand({ type: 'canvas/openAsText' })}>
            Open as Text
          </button>
          <button
            type="button"
            className={`canvas-toggle${panels.inspector ? ' pressed' : ''}`}
            aria-pressed={panels.inspector}
            title="Show or hide the inspector"
            onClick={() => setPanels((p) => ({ ...p, inspector: !p.inspector }))}
          >
            Inspector
          </button>
        </header>
        {!editable && (
          <div className="readonly-banner" role="status">
            {host.readOnlyReason ?? 'This canvas is read-only.'}
          </div>
        )}
        <ProblemsBanner
          problems={host.problems}
          drawable={graph !== undefined}
          open={panels.problems}
          onToggle={() => setPanels((p) => ({ ...p, problems: !p.problems }))}
        />
        {graph ? (
          <div className="canvas-main">
            {panels.palette && schemas && <Palette schemas={schemas} editable={editable} onAdd={addFromPalette} />}
            <FlowCanvas
              graph={graph}
              problems={host.problems}
              editable={editable}
              colorMode={colorMode}
              operatorTitles={operatorTitles}
              selection={selection}
              onSelectionChange={updateSelection}
              sendEdit={sendEdit}
              showNotice={showNotice}
              onDropOperator={addTask}
              onInspect={inspect}
            />
            {panels.inspector && schemas && (
              <div className="inspector-frame" onKeyDown={onInspectorKey}>
                <Inspector
                  graph={graph}
                  schemas={schemas}
                  problems={host.problems}
                  editable={editable}
                  selection={selection}
                  sendEdit={sendEdit}
                  showNotice={showNotice}
                  onSelect={setSelection}
                  onClose={closeInspector}
                />
              </div>
            )}
          </div>
        ) : (
          <div className="canvas-empty">This file cannot be drawn until the problems above are fixed. Use “Open as Text” to edit it.</div>
        )}
        {graph && selection.taskIds.length === 1 && graph.tasks.some((t) => t.taskId === selection.taskIds[0]) && (
          <TaskRunActions taskId={selection.taskIds[0] ?? ''} run={run} />
        )}
        <RunDetailPanel run={run} />
        <NoticeBar notice={canvas.notice} onDismiss={canvas.dismissNotice} />
      </div>
    </RunStatesContext.Provider>
  );
}

/** The DAG's `params` object, when it is one. */
function paramsOf(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/**
 * Where a task added with the keyboard goes: the middle of the visible canvas, moved down past
 * nodes already there, so that successive additions do not stack.
 */
function freeSpotInView(
  flow: { screenToFlowPosition(point: { x: number; y: number }): { x: number; y: number } },
  taken: readonly { x: number; y: number }[],
): { x: number; y: number } {
  const pane = document.querySelector('.canvas-flow')?.getBoundingClientRect();
  const center = pane ? flow.screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 }) : { x: 0, y: 0 };
  const spot = { x: Math.round(center.x - NODE_WIDTH / 2), y: Math.round(center.y - NODE_HEIGHT / 2) };
  while (taken.some((p) => Math.abs(p.x - spot.x) < NODE_WIDTH * 0.5 && Math.abs(p.y - spot.y) < NODE_HEIGHT)) spot.y += NODE_HEIGHT + 30;
  return spot;
}
