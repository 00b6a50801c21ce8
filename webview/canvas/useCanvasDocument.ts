import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef } from 'react';
import { isCanvasNotification } from '../../src/protocol/dagCanvasProtocol';
import type { DagEdit } from '../../src/protocol/dagEditDto';
import { canvasDocumentReducer, displayedGraph, INITIAL_CANVAS_DOCUMENT_STATE, type CanvasDocumentState } from './canvasDocumentReducer';
import { postCommand } from './vscodeApi';

export interface CanvasDocument extends CanvasDocumentState {
  /** The host's graph with the gestures not yet echoed drawn on top. */
  graph: ReturnType<typeof displayedGraph>;
  /** Sends a gesture to the host and draws it at once; `onApplied` gets the ids the host created. */
  sendEdit(edit: DagEdit, onApplied?: (select: string[]) => void): void;
  showNotice(severity: 'error' | 'info', text: string): void;
  dismissNotice(): void;
}

/** The document the host sends, the schemas, and the gestures in flight: the canvas's only source of content. */
export function useCanvasDocument(): CanvasDocument {
  const [state, dispatch] = useReducer(canvasDocumentReducer, INITIAL_CANVAS_DOCUMENT_STATE);
  const nextRequestId = useRef(1);
  const callbacks = useRef(new Map<number, (select: string[]) => void>());
  const version = useRef(0);
  const shownVersion = state.host?.version ?? 0;
  useLayoutEffect(() => {
    version.current = shownVersion;
  }, [shownVersion]);

  useEffect(() => {
    const onMessage = (event: MessageEvent<unknown>): void => {
      const message = event.data;
      if (!isCanvasNotification(message)) return;
      dispatch({ type: 'received', message });
      if (message.type === 'canvas/didApplyEdit') {
        const callback = callbacks.current.get(message.requestId);
        callbacks.current.delete(message.requestId);
        if (message.ok && callback) callback(message.select);
      }
    };
    window.addEventListener('message', onMessage);
    postCommand({ type: 'canvas/ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);

  const sendEdit = useCallback((edit: DagEdit, onApplied?: (select: string[]) => void) => {
    const requestId = nextRequestId.current++;
    if (onApplied) callbacks.current.set(requestId, onApplied);
    dispatch({ type: 'sent', requestId, edit });
    postCommand({ type: 'canvas/edit', requestId, baseVersion: version.current, edit });
  }, []);
  const showNotice = useCallback((severity: 'error' | 'info', text: string) => dispatch({ type: 'notice', severity, text }), []);
  const dismissNotice = useCallback(() => dispatch({ type: 'dismissNotice' }), []);
  const { host, pending } = state;
  const graph = useMemo(() => displayedGraph({ host, pending }), [host, pending]);
  return { ...state, graph, sendEdit, showNotice, dismissNotice };
}
