import type { CanvasNotification, DidChangeDocumentNotification } from '../../src/protocol/dagCanvasProtocol';
import type { DagEdit } from '../../src/protocol/dagEditDto';
import type { CanvasFormSchemasDto } from '../../src/protocol/dagFormSchemaDto';
import type { DagGraphDto } from '../../src/protocol/dagGraphDto';
import { applyOptimisticEdit } from './applyOptimisticEdit';

/** A gesture sent to the host and drawn ahead; `ackVersion` once the host said which version holds it. */
export interface PendingEdit {
  requestId: number;
  edit: DagEdit;
  ackVersion?: number;
}

export interface CanvasNotice {
  severity: 'error' | 'info';
  text: string;
  /** Distinguishes two notices with the same text, so that the second one shows again. */
  id: number;
}

export interface CanvasDocumentState {
  /** The document as the host last described it; never replaced by an older version. */
  host?: DidChangeDocumentNotification;
  schemas?: CanvasFormSchemasDto;
  pending: PendingEdit[];
  notice?: CanvasNotice;
}

export type CanvasDocumentAction =
  | { type: 'received'; message: CanvasNotification }
  | { type: 'sent'; requestId: number; edit: DagEdit }
  | { type: 'notice'; severity: CanvasNotice['severity']; text: string }
  | { type: 'dismissNotice' };

export const INITIAL_CANVAS_DOCUMENT_STATE: CanvasDocumentState = { pending: [] };

let noticeIds = 0;

/**
 * The canvas's view of the document: the host's latest version with the user's gestures not yet
 * echoed drawn on top. A gesture leaves the overlay when the host refuses it (its reason becomes a
 * notice) or once a document at least as new as the version holding it has arrived, whichever
 * order the echo and the answer come in. Stale documents (a lower version) are ignored.
 */
export function canvasDocumentReducer(state: CanvasDocumentState, action: CanvasDocumentAction): CanvasDocumentState {
  switch (action.type) {
    case 'sent':
      return { ...state, pending: [...state.pending, { requestId: action.requestId, edit: action.edit }] };
    case 'notice':
      return { ...state, notice: { severity: action.severity, text: action.text, id: ++noticeIds } };
    case 'dismissNotice': {
      const { notice: _dismissed, ...rest } = state;
      return rest;
    }
    case 'received':
      return receive(state, action.message);
  }
}

function receive(state: CanvasDocumentState, message: CanvasNotification): CanvasDocumentState {
  switch (message.type) {
    case 'canvas/didLoadFormSchemas':
      return { ...state, schemas: message.schemas };
    case 'canvas/didChangeDocument': {
      const sameFile = state.host?.fileName === message.fileName;
      if (state.host && sameFile && message.version < state.host.version) return state;
      const pending = state.pending.filter((p) => p.ackVersion === undefined || p.ackVersion > message.version);
      return { ...state, host: message, pending };
    }
    case 'canvas/didApplyEdit': {
      if (!message.ok) {
        return {
          ...state,
          pending: state.pending.filter((p) => p.requestId !== message.requestId),
          notice: { severity: 'error', text: message.reason, id: ++noticeIds },
        };
      }
      const shown = state.host?.version ?? -1;
      const pending =
        message.version <= shown
          ? state.pending.filter((p) => p.requestId !== message.requestId)
          : state.pending.map((p) => (p.requestId === message.requestId ? { ...p, ackVersion: message.version } : p));
      return { ...state, pending };
    }
  }
}

/** The graph to draw: the host's with the pending gestures on top. */
export function displayedGraph(state: CanvasDocumentState): DagGraphDto | undefined {
  const graph = state.host?.graph;
  if (!graph) return undefined;
  return state.pending.reduce((shown, pending) => applyOptimisticEdit(shown, pending.edit), graph);
}
