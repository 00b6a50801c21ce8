import type { MessageBrowserCommand } from '../../src/protocol/messageBrowserProtocol';
import type { BrowseSettings } from './browseSettings';

/** The part of VS Code's webview API this surface uses. */
interface VsCodeApi<State> {
  postMessage(message: MessageBrowserCommand): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

/** What survives the panel being hidden and shown (no retainContextWhenHidden): the user's settings, not the messages. */
export interface MessageBrowserViewState {
  settings?: BrowseSettings;
  detailWidth?: number;
}

// acquireVsCodeApi may be called only once per webview document.
const api = acquireVsCodeApi<MessageBrowserViewState>();

export function postCommand(command: MessageBrowserCommand): void {
  api.postMessage(command);
}

export function loadViewState(): MessageBrowserViewState {
  return api.getState() ?? {};
}

export function saveViewState(change: Partial<MessageBrowserViewState>): void {
  api.setState({ ...loadViewState(), ...change });
}
