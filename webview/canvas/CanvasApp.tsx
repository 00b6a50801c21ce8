import { Background, Controls, MiniMap, ReactFlow, useEdgesState, useNodesState, type ColorMode, type Edge, type Viewport } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { isCanvasNotification, type DidChangeDocumentNotification } from '../../src/protocol/dagCanvasProtocol';
import { ProblemsBanner } from './ProblemsBanner';
import { TaskNode, type TaskFlowNode } from './TaskNode';
import { toFlowElements } from './toFlowElements';
import { loadViewState, postCommand, saveViewState } from './vscodeApi';

const NODE_TYPES = { task: TaskNode };

/** VS Code marks the webview's body with the theme kind; React Flow needs it as a colour mode. */
function currentColorMode(): ColorMode {
  return document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light') ? 'light' : 'dark';
}

/** The DAG canvas: renders the document the host sends; reports gestures back as commands. */
export function CanvasApp() {
  const [documentState, setDocumentState] = useState<DidChangeDocumentNotification | undefined>(undefined);
  const [colorMode, setColorMode] = useState<ColorMode>(currentColorMode);
  const initialViewport = useMemo(() => loadViewState().viewport, []);

  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>) => {
      const message = event.data;
      if (!isCanvasNotification(message)) return;
      // Ignore a stale update that raced a newer one.
      setDocumentState((previous) => (previous && previous.fileName === message.fileName && previous.version > message.version ? previous : message));
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'canvas/ready' });
    const observer = new MutationObserver(() => setColorMode(currentColorMode()));
    observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
    return () => {
      window.removeEventListener('message', onMessage);
      observer.disconnect();
    };
  }, []);

  // React Flow measures nodes and reports it through onNodesChange; keeping nodes in its state
  // hooks (rather than recomputing them on every render) is what lets the minimap draw them.
  const [nodes, setNodes, onNodesChange] = useNodesState<TaskFlowNode>([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState<Edge>([]);
  useEffect(() => {
    const elements = documentState?.graph ? toFlowElements(documentState.graph, documentState.problems) : { nodes: [], edges: [] };
    setNodes(elements.nodes);
    setEdges(elements.edges);
  }, [documentState, setNodes, setEdges]);

  if (!documentState) {
    return <div className="canvas-loading">Loading DAG…</div>;
  }
  const graph = documentState.graph;
  return (
    <div className="canvas-root" data-testid="dag-canvas" data-node-count={nodes.length} data-edge-count={edges.length}>
      <header className="canvas-toolbar">
        <span className="canvas-title">{graph?.dagId || documentState.fileName}</span>
        {graph && <span className="canvas-schedule">{graph.schedule === null ? 'manual trigger only' : `schedule ${graph.schedule}`}</span>}
        {!documentState.editable && <span className="canvas-badge">Restricted mode: read-only</span>}
        <span className="canvas-spacer" />
        <button type="button" className="canvas-button" onClick={() => postCommand({ type: 'canvas/openAsText' })}>
          Open as Text
        </button>
      </header>
      <ProblemsBanner problems={documentState.problems} />
      {graph ? (
        <div className="canvas-flow">
          <ReactFlow
            nodes={nodes}
            edges={edges}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            nodeTypes={NODE_TYPES}
            colorMode={colorMode}
            nodesDraggable={false}
            nodesConnectable={false}
            {...(initialViewport ? { defaultViewport: initialViewport } : { fitView: true, fitViewOptions: { padding: 0.3, maxZoom: 1.25 } })}
            onMoveEnd={(_event, viewport: Viewport) => saveViewState({ viewport })}
            onNodeDoubleClick={(_event, node) => postCommand({ type: 'canvas/revealTask', taskId: node.id })}
          >
            <Background />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Overview of the DAG" />
          </ReactFlow>
        </div>
      ) : (
        <div className="canvas-empty">This file cannot be drawn until the problems above are fixed. Use “Open as Text” to edit it.</div>
      )}
    </div>
  );
}
