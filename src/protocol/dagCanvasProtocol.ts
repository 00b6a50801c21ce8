/**
 * The contract between the DAG canvas webview and the extension host.
 *
 * Commands go from the webview to the host, notifications from the host to the webview, and a
 * request (`EditDagRequest`) is answered by exactly one response carrying its `requestId`. Every
 * message carries a `type` literal so that both sides narrow with the guards below instead of
 * trusting what arrives over `postMessage`.
 *
 * The editing half lives here now; the running half (run state on nodes, run views, logs) will add
 * its own `canvas/run...` commands and `canvas/didChangeRun...` notifications to these unions.
 */
import { isDagEdit, type DagEdit } from './dagEditDto';
import type { CanvasFormSchemasDto } from './dagFormSchemaDto';
import type { DagGraphDto, ProblemDto, RangeDto } from './dagGraphDto';

/** Webview -> host: the canvas has loaded and wants the schemas and the document's current state. */
export interface CanvasReadyCommand {
  type: 'canvas/ready';
}

/** Webview -> host: open the DAG file in VS Code's text editor beside the canvas. */
export interface OpenAsTextCommand {
  type: 'canvas/openAsText';
}

/** Webview -> host: reveal a task's definition in the text editor. */
export interface RevealTaskCommand {
  type: 'canvas/revealTask';
  taskId: string;
}

/** Webview -> host: reveal a span of the text (a problem without a task, such as a bad schedule). */
export interface RevealRangeCommand {
  type: 'canvas/revealRange';
  range: RangeDto;
}

/**
 * Webview -> host: open a task's code in an editor tab: the file of `code_file`, or the inline
 * value of `field` (`code`, `bash_command`, `sql`...) as a document whose saves go back into the DAG.
 */
export interface OpenTaskCodeCommand {
  type: 'canvas/openTaskCode';
  taskId: string;
  field: string;
}

/**
 * Webview -> host: a gesture to apply to the document. `baseVersion` is the document version the
 * webview showed when the user acted; the host applies the gesture to the current text either
 * way (gestures name tasks, not offsets) and answers with a `DidApplyEditResponse`.
 */
export interface EditDagRequest {
  type: 'canvas/edit';
  requestId: number;
  baseVersion: number;
  edit: DagEdit;
}

export type CanvasCommand =
  CanvasReadyCommand | OpenAsTextCommand | RevealTaskCommand | RevealRangeCommand | OpenTaskCodeCommand | EditDagRequest;

/**
 * Host -> webview: the DAG file's text changed (or the canvas just became ready). `graph` is
 * absent when the text is too broken to draw; `problems` then says why.
 */
export interface DidChangeDocumentNotification {
  type: 'canvas/didChangeDocument';
  /** The document's version, so the webview can ignore stale updates. */
  version: number;
  fileName: string;
  graph: DagGraphDto | undefined;
  problems: ProblemDto[];
  /** False in untrusted workspaces: the canvas is then a read-only view. */
  editable: boolean;
  /** Why the canvas is read-only, in words for the user; set when `editable` is false. */
  readOnlyReason?: string;
  /** The request whose edit made this version, so the webview can drop its optimistic copy of it. */
  appliedRequestId?: number;
}

/** Host -> webview, once after `canvas/ready`: what the palette and the forms are generated from. */
export interface DidLoadFormSchemasNotification {
  type: 'canvas/didLoadFormSchemas';
  schemas: CanvasFormSchemasDto;
}

/** Host -> webview: the answer to an `EditDagRequest`. */
export type DidApplyEditResponse =
  | {
      type: 'canvas/didApplyEdit';
      requestId: number;
      ok: true;
      /** The document version that holds the edit (or the current one when it changed nothing). */
      version: number;
      /** Tasks the edit created (added, pasted, duplicated) or renamed to, for the canvas to select. */
      select: string[];
    }
  | {
      type: 'canvas/didApplyEdit';
      requestId: number;
      ok: false;
      /** Why the edit was refused, in words for the user (a cycle names its path). */
      reason: string;
    };

export type CanvasNotification = DidChangeDocumentNotification | DidLoadFormSchemasNotification | DidApplyEditResponse;

const COMMAND_TYPES: ReadonlySet<string> = new Set<CanvasCommand['type']>([
  'canvas/ready',
  'canvas/openAsText',
  'canvas/revealTask',
  'canvas/revealRange',
  'canvas/openTaskCode',
  'canvas/edit',
]);
const NOTIFICATION_TYPES: ReadonlySet<string> = new Set<CanvasNotification['type']>([
  'canvas/didChangeDocument',
  'canvas/didLoadFormSchemas',
  'canvas/didApplyEdit',
]);

function hasType(value: unknown): value is { type: string } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

function isRange(value: unknown): value is RangeDto {
  if (typeof value !== 'object' || value === null) return false;
  const range = value as Record<string, unknown>;
  return ['startLine', 'startCharacter', 'endLine', 'endCharacter'].every(
    (key) => Number.isInteger(range[key]) && (range[key] as number) >= 0,
  );
}

/** Narrows a message from the webview; anything else is ignored by the host. */
export function isCanvasCommand(value: unknown): value is CanvasCommand {
  if (!hasType(value) || !COMMAND_TYPES.has(value.type)) return false;
  switch (value.type) {
    case 'canvas/revealTask':
      return typeof value.taskId === 'string';
    case 'canvas/revealRange':
      return isRange(value.range);
    case 'canvas/openTaskCode':
      return typeof value.taskId === 'string' && typeof value.field === 'string';
    case 'canvas/edit':
      return Number.isInteger(value.requestId) && Number.isInteger(value.baseVersion) && isDagEdit(value.edit);
    default:
      return true;
  }
}

/** Narrows a message from the host; anything else is ignored by the webview. */
export function isCanvasNotification(value: unknown): value is CanvasNotification {
  return hasType(value) && NOTIFICATION_TYPES.has(value.type);
}
