import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  type ColorMode,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type OnBeforeDelete,
  type ReactFlowState,
  type Viewport,
} from '@xyflow/react';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
  type MouseEvent,
} from 'react';
import { findConnectionProblem } from '../../src/protocol/canvasConnectionRules';
import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { DagGraphDto, ProblemDto } from '../../src/protocol/dagGraphDto';
import { copiedTasksText, isEditableTarget } from './clipboardTasks';
import type { CanvasSelection } from './Inspector';
import { NODE_HEIGHT, NODE_WIDTH } from './layoutTasks';
import { OPERATOR_DRAG_TYPE } from './Palette';
import { LinkEdgeView } from './LinkEdgeView';
import { TaskMiniMapNode } from './TaskMiniMapNode';
import { TaskNode, type TaskFlowNode } from './TaskNode';
import { linkId, mergeEdges, mergeNodes, toFlowElements, type LinkEdge } from './toFlowElements';
import { loadViewState, saveViewState } from './vscodeApi';

const NODE_TYPES = { task: TaskNode };
const EDGE_TYPES = { link: LinkEdgeView };
/** Arrow keys move a node 5 units per press; the position is written once the presses pause. */
const SAVE_MOVES_AFTER_MS = 400;
const DELETE_KEYS = ['Delete', 'Backspace'];
const MULTI_SELECTION_KEYS = ['Meta', 'Control'];
const PRO_OPTIONS = { hideAttribution: true };
const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.25 };
const CONTROLS_FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1.25 };
/**
 * Below this zoom a node's text is a few pixels high: unreadable, yet it is most of what the
 * browser lays out, paints and hit-tests while panning or dragging hundreds of nodes. Nodes then
 * draw only their frame, filled with their run state's colour (canvas.css, `.zoomed-out`).
 */
export const READABLE_ZOOM = 0.45;
const isZoomedOut = (s: ReactFlowState): boolean => s.transform[2] < READABLE_ZOOM;

// Props given to React Flow keep their identity across renders: React Flow copies changed props
// into its store, and every store update runs every node's and edge's selectors.
function miniMapNodeClass(node: TaskFlowNode): string {
  // Run states are added by TaskMiniMapNode, which follows the run's store.
  return node.data.problems.length > 0 ? 'minimap-problem' : '';
}
function saveViewport(_event: unknown, viewport: Viewport): void {
  saveViewState({ viewport });
}

type Point = { x: number; y: number };

export interface FlowCanvasProps {
  graph: DagGraphDto;
  problems: readonly ProblemDto[];
  editable: boolean;
  colorMode: ColorMode;
  operatorTitles: ReadonlyMap<string, string>;
  selection: CanvasSelection;
  onSelectionChange(update: (previous: CanvasSelection) => CanvasSelection): void;
  sendEdit(edit: DagEdit, onApplied?: (select: string[]) => void): void;
  showNotice(severity: 'error' | 'info', text: string): void;
  /** Adds a task from the palette at a canvas point (a drop). */
  onDropOperator(operator: string, position: Point): void;
  /** Enter on a node: open the inspector; `focus` moves the keyboard into it (Enter on the already selected node). */
  onInspect(focus: boolean): void;
}

/**
 * The graph itself (React Flow): select, multi-select (Ctrl/Cmd+click, Shift+drag), drag to move,
 * drag handle to handle to link, Delete/Backspace to remove nodes and links, Ctrl/Cmd+C/X/V to copy,
 * cut and paste, Ctrl/Cmd+D to duplicate, Ctrl/Cmd+A to select all; Tab reaches nodes and links,
 * arrows move the selected nodes, Enter inspects. Every gesture goes to the host as a command;
 * what React Flow shows meanwhile is the optimistic graph.
 */
export function FlowCanvas(props: FlowCanvasProps) {
  const { graph, problems, editable, operatorTitles, selection, onSelectionChange, sendEdit, showNotice } = props;
  const flow = useReactFlow<TaskFlowNode, LinkEdge>();
  const [nodes, setNodes] = useState<TaskFlowNode[]>([]);
  const [edges, setEdges] = useState<LinkEdge[]>([]);
  /** Positions moved here (arrow keys) but not yet sent: kept over document updates until they are. */
  const unsaved = useRef(new Map<string, Point>());
  const saveTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pointer = useRef<Point | undefined>(undefined);
  const latest = useRef({ graph, selection, editable });
  useLayoutEffect(() => {
    latest.current = { graph, selection, editable };
  });
  const initialViewport = useMemo(() => loadViewState().viewport, []);
  const zoomedOut = useStore(isZoomedOut);

  // Run states are not in here: nodes and links read them from the run's store (RunStatesStore).
  const elements = useMemo(() => toFlowElements(graph, problems, operatorTitles), [graph, problems, operatorTitles]);
  useEffect(() => {
    const selectedTasks = new Set(selection.taskIds);
    const selectedLinks = new Set(selection.links.map((l) => linkId(l.source, l.target)));
    const placed = elements.nodes.map((node) => {
      const position = unsaved.current.get(node.id);
      return position ? { ...node, position } : node;
    });
    setNodes((previous) => mergeNodes(previous, placed, selectedTasks));
    setEdges((previous) => mergeEdges(previous, elements.edges, selectedLinks));
  }, [elements, selection]);

  const saveMoves = useCallback(() => {
    clearTimeout(saveTimer.current);
    saveTimer.current = undefined;
    if (unsaved.current.size === 0) return;
    const moves = [...unsaved.current].map(([taskId, position]) => ({ taskId, position }));
    unsaved.current.clear();
    sendEdit({ kind: 'moveTasks', moves });
  }, [sendEdit]);
  useEffect(() => () => clearTimeout(saveTimer.current), []);

  const onNodesChange = useCallback(
    (changes: NodeChange<TaskFlowNode>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      const selects = changes.filter((c) => c.type === 'select');
      if (selects.length > 0) {
        onSelectionChange((previous) => {
          const ids = new Set(previous.taskIds);
          for (const change of selects) {
            if (change.selected) ids.add(change.id);
            else ids.delete(change.id);
          }
          return { ...previous, taskIds: [...ids] };
        });
      }
      // A finished drag or an arrow key press: dragging is false once the node is where it stays.
      const moved = changes.filter((c) => c.type === 'position' && c.position && c.dragging === false);
      if (moved.length > 0 && latest.current.editable) {
        for (const change of moved) if (change.type === 'position' && change.position) unsaved.current.set(change.id, change.position);
        clearTimeout(saveTimer.current);
        saveTimer.current = setTimeout(saveMoves, SAVE_MOVES_AFTER_MS);
      }
    },
    [onSelectionChange, saveMoves],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<LinkEdge>[]) => {
      setEdges((current) => applyEdgeChanges(changes, current));
      const selects = changes.filter((c) => c.type === 'select');
      if (selects.length === 0) return;
      onSelectionChange((previous) => {
        const links = new Map(previous.links.map((l) => [linkId(l.source, l.target), l]));
        for (const change of selects) {
          const edge = edgesById(latest.current.graph).get(change.id);
          if (change.selected && edge) links.set(change.id, edge);
          else links.delete(change.id);
        }
        return { ...previous, links: [...links.values()] };
      });
    },
    [onSelectionChange],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const problem = findConnectionProblem(latest.current.graph.tasks, connection.source, connection.target);
      if (problem) showNotice('error', problem);
      else sendEdit({ kind: 'connect', source: connection.source, target: connection.target });
    },
    [sendEdit, showNotice],
  );

  const onBeforeDelete: OnBeforeDelete<TaskFlowNode, LinkEdge> = useCallback(
    async ({ nodes: doomed, edges: cut }) => {
      if (!latest.current.editable) return false;
      const taskIds = doomed.map((n) => n.id);
      const gone = new Set(taskIds);
      const links = cut.filter((e) => !gone.has(e.source) && !gone.has(e.target)).map((e) => ({ source: e.source, target: e.target }));
      if (taskIds.length > 0 || links.length > 0) {
        sendEdit({ kind: 'deleteElements', taskIds, links });
        onSelectionChange(() => ({ taskIds: [], links: [] }));
      }
      // The host deletes; the optimistic graph removes them here meanwhile.
      return false;
    },
    [sendEdit, onSelectionChange],
  );

  // Copy, cut and paste arrive as clipboard events (VS Code runs them in the webview on Ctrl/Cmd+C/X/V).
  const clipboardMemory = useRef<string | undefined>(undefined);
  useEffect(() => {
    const onCopy = (event: ClipboardEvent, cut: boolean): void => {
      if (isEditableTarget(event)) return;
      const { graph: current, selection: selected } = latest.current;
      const text = copiedTasksText(current, selected.taskIds);
      if (text === undefined) return;
      event.preventDefault();
      event.clipboardData?.setData('text/plain', text);
      clipboardMemory.current = text;
      if (cut && latest.current.editable) {
        sendEdit({ kind: 'deleteElements', taskIds: selected.taskIds, links: [] });
        onSelectionChange(() => ({ taskIds: [], links: [] }));
      }
    };
    const onPaste = (event: ClipboardEvent): void => {
      if (isEditableTarget(event) || !latest.current.editable) return;
      const text = event.clipboardData?.getData('text/plain') || clipboardMemory.current;
      if (!text) return;
      event.preventDefault();
      sendEdit({ kind: 'pasteTasks', text, ...(pointer.current ? { position: pointer.current } : {}) }, (select) =>
        onSelectionChange(() => ({ taskIds: select, links: [] })),
      );
    };
    const copy = (event: ClipboardEvent): void => onCopy(event, false);
    const cut = (event: ClipboardEvent): void => onCopy(event, true);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, [sendEdit, onSelectionChange]);

  const onKeyDownCapture = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (isEditableTarget(event.nativeEvent)) return;
    const mod = event.ctrlKey || event.metaKey;
    const nodeElement = (event.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    if (event.key === 'Enter' && nodeElement) {
      const id = nodeElement.dataset.id;
      const { selection: selected } = latest.current;
      props.onInspect(selected.taskIds.length === 1 && selected.taskIds[0] === id);
    } else if (mod && event.key.toLowerCase() === 'd') {
      event.preventDefault();
      const ids = latest.current.selection.taskIds;
      if (ids.length > 0 && latest.current.editable)
        sendEdit({ kind: 'duplicateTasks', taskIds: ids }, (select) => onSelectionChange(() => ({ taskIds: select, links: [] })));
    } else if (mod && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      onSelectionChange(() => ({ taskIds: latest.current.graph.tasks.map((t) => t.taskId), links: [] }));
    }
  };

  const onDragOver = (event: DragEvent<HTMLDivElement>): void => {
    if (!event.dataTransfer.types.includes(OPERATOR_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = editable ? 'copy' : 'none';
  };
  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    const operator = event.dataTransfer.getData(OPERATOR_DRAG_TYPE);
    if (!operator || !editable) return;
    event.preventDefault();
    const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    props.onDropOperator(operator, { x: point.x - NODE_WIDTH / 2, y: point.y - NODE_HEIGHT / 2 });
  };
  const onMouseMove = (event: MouseEvent<HTMLDivElement>): void => {
    pointer.current = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
  };
  const onInspect = props.onInspect;
  const onNodeDoubleClick = useCallback(() => onInspect(true), [onInspect]);

  return (
    <div
      className={`canvas-flow${zoomedOut ? ' zoomed-out' : ''}`}
      onKeyDownCapture={onKeyDownCapture}
      onDragOver={onDragOver}
      onDrop={onDrop}
      onMouseMove={onMouseMove}
      onMouseLeave={() => (pointer.current = undefined)}
    >
      <ReactFlow<TaskFlowNode, LinkEdge>
        nodes={nodes}
        edges={edges}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onBeforeDelete={onBeforeDelete}
        onNodeDragStop={saveMoves}
        onNodeDoubleClick={onNodeDoubleClick}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        colorMode={props.colorMode}
        nodesDraggable={editable}
        nodesConnectable={editable}
        edgesReconnectable={false}
        deleteKeyCode={editable ? DELETE_KEYS : null}
        multiSelectionKeyCode={MULTI_SELECTION_KEYS}
        selectionKeyCode="Shift"
        onlyRenderVisibleElements={graph.tasks.length > 300}
        minZoom={0.1}
        {...(initialViewport ? { defaultViewport: initialViewport } : { fitView: true, fitViewOptions: FIT_VIEW_OPTIONS })}
        onMoveEnd={saveViewport}
        proOptions={PRO_OPTIONS}
      >
        <Background />
        <Controls showInteractive={false} fitViewOptions={CONTROLS_FIT_VIEW_OPTIONS} />
        <MiniMap<TaskFlowNode>
          pannable
          zoomable
          ariaLabel="Overview of the DAG"
          nodeClassName={miniMapNodeClass}
          nodeComponent={TaskMiniMapNode}
        />
      </ReactFlow>
    </div>
  );
}

function edgesById(graph: DagGraphDto): Map<string, { source: string; target: string }> {
  const result = new Map<string, { source: string; target: string }>();
  for (const task of graph.tasks)
    for (const parent of task.upstream) result.set(linkId(parent, task.taskId), { source: parent, target: task.taskId });
  return result;
}
