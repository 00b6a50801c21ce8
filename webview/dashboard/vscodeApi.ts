import type { DashboardCommand } from '../../src/protocol/dashboardProtocol';

interface VsCodeApi<State> {
  postMessage(message: DashboardCommand): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** UI state that survives the webview being hidden (no retainContextWhenHidden): never document content. */
export interface DashboardViewState {
  addPanelOpen?: boolean;
  problemsOpen?: boolean;
}

// acquireVsCodeApi may be called only once per webview document.
const api = acquireVsCodeApi<DashboardViewState>();

export function postCommand(command: DashboardCommand): void {
  api.postMessage(command);
}

export function loadViewState(): DashboardViewState {
  return api.getState() ?? {};
}

export function saveViewState(change: Partial<DashboardViewState>): void {
  api.setState({ ...loadViewState(), ...change });
}
