/**
 * The contract between the DAG canvas webview and the extension host.
 *
 * Commands go from the webview to the host, notifications from the host to the webview. Every
 * message carries a `type` literal so that both sides can narrow with the guards below instead
 * of trusting what arrives over `postMessage`.
 */
import type { DagGraphDto, ProblemDto } from './dagGraphDto';

/** Webview -> host: the canvas has loaded and wants the document's current state. */
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

export type CanvasCommand = CanvasReadyCommand | OpenAsTextCommand | RevealTaskCommand;

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
}

export type CanvasNotification = DidChangeDocumentNotification;

const COMMAND_TYPES: ReadonlySet<string> = new Set<CanvasCommand['type']>(['canvas/ready', 'canvas/openAsText', 'canvas/revealTask']);

function hasType(value: unknown): value is { type: string } {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Narrows a message from the webview; anything else is ignored by the host. */
export function isCanvasCommand(value: unknown): value is CanvasCommand {
  if (!hasType(value) || !COMMAND_TYPES.has(value.type)) return false;
  if (value.type === 'canvas/revealTask') return typeof (value as { taskId?: unknown }).taskId === 'string';
  return true;
}

/** Narrows a message from the host; anything else is ignored by the webview. */
export function isCanvasNotification(value: unknown): value is CanvasNotification {
  return hasType(value) && value.type === 'canvas/didChangeDocument';
}
