import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { dagstreamExtension, readManifest } from './extensionManifest';
import { closeAllEditors, uniqueDagName } from './workspaceHelpers';

// This file runs first (files are sorted): nothing has triggered the extension yet.
suite('Dagstream extension: activation and commands', () => {
  suiteTeardown(closeAllEditors);

  test('is installed but not active before anything triggers it', () => {
    const extension = dagstreamExtension();
    assert.equal(extension.isActive, false, 'the extension activated on its own; it must wait for a trigger');
  });

  test('does not activate on startup', () => {
    const { activationEvents } = readManifest(dagstreamExtension());
    for (const eager of ['*', 'onStartupFinished']) {
      assert.ok(!activationEvents.includes(eager), `activationEvents contains "${eager}": ${activationEvents.join(', ')}`);
    }
  });

  test('contributes its commands under the "Dagstream" category', () => {
    const { commands } = readManifest(dagstreamExtension());
    assert.ok(
      commands.some((c) => c.command === 'dagstream.newDag' && c.title === 'New DAG'),
      'dagstream.newDag ("New DAG") is not contributed',
    );
    const outside = commands.filter((c) => c.category !== 'Dagstream').map((c) => c.command);
    assert.deepEqual(outside, [], 'commands without the "Dagstream" category');
  });

  test('contributes the DAG custom editor for *.dag.json', () => {
    const { customEditors } = readManifest(dagstreamExtension());
    const editor = customEditors.find((e) => e.viewType === 'dagstream.dagEditor');
    assert.ok(editor, 'custom editor dagstream.dagEditor is not contributed');
    assert.ok(
      editor.selector.some((s) => s.filenamePattern === '*.dag.json'),
      `dagstream.dagEditor's selector does not match *.dag.json: ${JSON.stringify(editor.selector)}`,
    );
  });

  test('activates when one of its commands runs', async () => {
    const extension = dagstreamExtension();
    await vscode.commands.executeCommand('dagstream.newDag', { name: uniqueDagName('activation') });
    assert.equal(extension.isActive, true);
  });

  test('registers every command it contributes', async () => {
    const { commands } = readManifest(dagstreamExtension());
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = commands.map((c) => c.command).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'contributed but not registered after activation');
  });
});
