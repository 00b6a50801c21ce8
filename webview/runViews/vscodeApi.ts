import type { RunViewsCommand } from '../../src/protocol/runViewsProtocol';

interface VsCodeApi {
  postMessage(message: RunViewsCommand): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called only once per webview document.
const api = acquireVsCodeApi();

export function postCommand(command: RunViewsCommand): void {
  api.postMessage(command);
}
