import type { CanvasRunCommand } from '../../src/protocol/canvasRunProtocol';
import type { CanvasCommand } from '../../src/protocol/dagCanvasProtocol';

/** The part of VS Code's webview API this surface uses. */
interface VsCodeApi<State> {
  postMessage(message: CanvasCommand | CanvasRunCommand): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/**
 * UI state that survives the webview being hidden and shown, and the editor being reopened (no
 * retainContextWhenHidden): only how the canvas looks, never document content.
 */
export interface CanvasViewState {
  viewport?: { x: number; y: number; zoom: number };
  selectedTaskIds?: string[];
  paletteOpen?: boolean;
  inspectorOpen?: boolean;
  problemsOpen?: boolean;
  /** Height of the run detail panel (log, XCom, why), in pixels. */
  detailHeight?: number;
}

// acquireVsCodeApi may be called only once per webview document.
const api = acquireVsCodeApi<CanvasViewState>();

export function postCommand(command: CanvasCommand | CanvasRunCommand): void {
  api.postMessage(command);
}

export function loadViewState(): CanvasViewState {
  return api.getState() ?? {};
}

/** Merges `change` into the saved view state. */
export function saveViewState(change: Partial<CanvasViewState>): void {
  api.setState({ ...loadViewState(), ...change });
}
