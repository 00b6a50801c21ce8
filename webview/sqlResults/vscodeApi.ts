import type { SqlResultsCommand } from '../../src/protocol/sqlResultsProtocol';

/** The part of VS Code's webview API this surface uses. */
interface VsCodeApi<State> {
  postMessage(message: SqlResultsCommand): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** How the grid looks, kept while the panel is hidden (no retainContextWhenHidden); never rows. */
export interface SqlResultsViewState {
  /** The run the sort and scroll position belong to. */
  runId?: number;
  sort?: { column: number; direction: 'asc' | 'desc' };
  scrollTop?: number;
}

// acquireVsCodeApi may be called only once per webview document.
const api = acquireVsCodeApi<SqlResultsViewState>();

export function postCommand(command: SqlResultsCommand): void {
  api.postMessage(command);
}

export function loadViewState(): SqlResultsViewState {
  return api.getState() ?? {};
}

export function saveViewState(change: Partial<SqlResultsViewState>): void {
  api.setState({ ...loadViewState(), ...change });
}
