import * as vscode from 'vscode';
import { DagEditorProvider } from './dagEditor/DagEditorProvider';
import { newDagCommand, type NewDagArgs } from './dagEditor/newDagCommand';
import { registerDashboards } from './dashboards/registerDashboards';
import { DagsTreeProvider } from './dagsView/DagsTreeProvider';
import { registerRunViews } from './runViews/registerRunViews';
import { registerSqliteExplorer } from './sqliteExplorer/registerSqliteExplorer';
import { registerKafkaExplorer } from './kafkaExplorer/registerKafkaExplorer';

/** Registers Dagstream's editors, views and commands. Nothing runs or connects here. */
export function activate(context: vscode.ExtensionContext): void {
  const dags = new DagsTreeProvider();
  context.subscriptions.push(
    DagEditorProvider.register(context.extensionUri),
    dags,
    vscode.window.registerTreeDataProvider(DagsTreeProvider.viewId, dags),
    vscode.commands.registerCommand('dagstream.newDag', (args?: NewDagArgs) => newDagCommand(args)),
    vscode.commands.registerCommand('dagstream.refreshDags', () => dags.refresh()),
    vscode.commands.registerCommand('dagstream.openDagAsText', (uri?: vscode.Uri) => openAsText(uri)),
    vscode.commands.registerCommand('dagstream.openDagOnCanvas', (uri?: vscode.Uri) => openOnCanvas(uri)),
  );
  registerRunViews(context, dags);
  registerSqliteExplorer(context);
  registerDashboards(context);
  registerKafkaExplorer(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

function activeDagUri(uri: vscode.Uri | undefined): vscode.Uri | undefined {
  if (uri) return uri;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) return input.uri;
  return undefined;
}

async function openAsText(uri: vscode.Uri | undefined): Promise<void> {
  const target = activeDagUri(uri);
  if (!target) {
    void vscode.window.showInformationMessage('Open a .dag.json file first, then run "Dagstream: Open DAG as Text".');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, 'default');
}

async function openOnCanvas(uri: vscode.Uri | undefined): Promise<void> {
  const target = activeDagUri(uri);
  if (!target) {
    void vscode.window.showInformationMessage('Open a .dag.json file first, then run "Dagstream: Open DAG on Canvas".');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, DagEditorProvider.viewType);
}
