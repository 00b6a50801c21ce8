import * as vscode from 'vscode';
import { RESULT_MARKER, START_MARKER } from '../../test/vscode/suite/suiteMarkers';
import { ACTIVATION_MARKER } from './activationMarker';

/**
 * An extensionTestsPath entry for code-server's extension host that activates Dagstream once and
 * reports how long it took: loading the bundle and running `activate()`, what VS Code counts as
 * activation time. The workspace is empty, so nothing has activated the extension before.
 */
export async function run(): Promise<void> {
  console.log(START_MARKER);
  const extension = vscode.extensions.getExtension('dagstream.dagstream');
  if (!extension) throw new Error('Dagstream is not installed in this extension host.');
  const wasActive = extension.isActive;
  const started = performance.now();
  await extension.activate();
  const activationMs = performance.now() - started;
  console.log(`${ACTIVATION_MARKER} ${JSON.stringify({ activationMs, wasActive })}`);
  console.log(`${RESULT_MARKER} ${JSON.stringify({ passed: 1, failed: 0, pending: 0 })}`);
}
