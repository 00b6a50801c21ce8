import * as vscode from 'vscode';
import { parseDagText } from '../../core/dag/parseDagText';
import { DagEditorProvider } from '../dagEditor/DagEditorProvider';
import type { DagsTreeProvider } from '../dagsView/DagsTreeProvider';
import { EngineService } from '../engine/EngineService';
import { CanvasRunController } from './CanvasRunController';
import { RunStatusBar } from './RunStatusBar';
import { RunViewsPanel } from './RunViewsPanel';

/** Command ids of the run controls (contributed in package.json). */
export const RUN_COMMANDS = {
  trigger: 'dagstream.triggerRun',
  pause: 'dagstream.pauseDag',
  unpause: 'dagstream.unpauseDag',
  selectRun: 'dagstream.selectRun',
  showRunViews: 'dagstream.showRunViews',
} as const;

/**
 * Running and watching DAGs: the engine service (opened on first need), the canvas's run
 * controls and live states, the run views panel, the status bar item and the DAGs view's run
 * columns, and the commands behind the toolbar, the DAGs view's context menu and the palette.
 */
export function registerRunViews(context: vscode.ExtensionContext, dagsView: DagsTreeProvider): void {
  const service = new EngineService();
  const controllers = new Set<CanvasRunController>();
  const runViews = new RunViewsPanel(context.extensionUri, service, (dagId, runId) => {
    for (const controller of controllers) if (controller.dagId === dagId) controller.selectRun(runId);
  });
  const statusBar = new RunStatusBar(service);
  dagsView.setRunInfo((uri) => describeDagRuns(service, uri));

  const controllerFor = (uri: vscode.Uri): CanvasRunController | undefined =>
    [...controllers].find((c) => c.document.uri.toString() === uri.toString());

  context.subscriptions.push(
    service,
    runViews,
    statusBar,
    service.onDidChange(() => dagsView.refresh()),
    DagEditorProvider.onDidResolveCanvas(({ document, panel }) => {
      const controller = new CanvasRunController(document, panel.webview, service, (dagId, runId) =>
        runViews.show(dagId, runId, document.uri),
      );
      controllers.add(controller);
      panel.onDidDispose(() => {
        controllers.delete(controller);
        controller.dispose();
      });
    }),
    vscode.commands.registerCommand(RUN_COMMANDS.trigger, async (uri?: vscode.Uri) => {
      const target = await dagTarget(uri);
      if (!target) return;
      const params = await askParams(target.document);
      if (!params) return;
      const controller = controllerFor(target.document.uri);
      if (controller) {
        await controller.trigger(params);
        return;
      }
      await sendFor(service, target.document, target.dagId, (dagId) => ({ kind: 'trigger', dagId, params }));
    }),
    ...([true, false] as const).map((paused) =>
      vscode.commands.registerCommand(paused ? RUN_COMMANDS.pause : RUN_COMMANDS.unpause, async (uri?: vscode.Uri) => {
        const target = await dagTarget(uri);
        if (target) await sendFor(service, target.document, target.dagId, (dagId) => ({ kind: 'pause', dagId, paused }));
      }),
    ),
    vscode.commands.registerCommand(RUN_COMMANDS.selectRun, async (uri?: vscode.Uri) => {
      const target = await dagTarget(uri);
      if (!target) return;
      const lookup = await service.engineFor(target.document.uri);
      if (!lookup.ok) {
        void vscode.window.showWarningMessage(lookup.reason);
        return;
      }
      const runs = lookup.engine.store.listRuns(target.dagId, { limit: 100 });
      if (runs.length === 0) {
        void vscode.window.showInformationMessage(`DAG "${target.dagId}" has no runs yet: trigger one with "Dagstream: Trigger Run…".`);
        return;
      }
      const latest = { label: 'Latest run', description: 'follow new runs as they start', runId: undefined };
      const picked = await vscode.window.showQuickPick(
        [latest, ...runs.map((r) => ({ label: r.runId, description: `${r.state} · ${r.runType}`, runId: r.runId as string | undefined }))],
        { title: `Runs of ${target.dagId}`, placeHolder: 'Which run should the canvas show?' },
      );
      if (!picked) return;
      await vscode.commands.executeCommand('vscode.openWith', target.document.uri, DagEditorProvider.viewType);
      controllerFor(target.document.uri)?.selectRun(picked.runId);
    }),
    vscode.commands.registerCommand(RUN_COMMANDS.showRunViews, async (uri?: vscode.Uri) => {
      const target = await dagTarget(uri);
      if (target) runViews.show(target.dagId, controllerFor(target.document.uri)?.currentRunId, target.document.uri);
    }),
  );
}

/** The DAG a command is about: the clicked file, else the active editor's. */
async function dagTarget(uri: vscode.Uri | undefined): Promise<{ document: vscode.TextDocument; dagId: string } | undefined> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const target = uri ?? (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined);
  if (!target || !target.path.endsWith('.dag.json')) {
    void vscode.window.showInformationMessage('Open a .dag.json file (or pick one in the DAGs view) first.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(target);
  const dagId = parseDagText(document.getText()).dag?.dag_id;
  if (!dagId) {
    void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(target)} has no dag_id: fix the file first.`);
    return undefined;
  }
  return { document, dagId };
}

/** One input box per param, prefilled with its default; undefined when the user cancels. */
async function askParams(document: vscode.TextDocument): Promise<Record<string, string> | undefined> {
  const schemas = parseDagText(document.getText()).dag?.params ?? {};
  const params: Record<string, string> = {};
  for (const [name, schema] of Object.entries(schemas)) {
    const fallback =
      schema.default === undefined ? '' : typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default);
    const description = typeof schema.description === 'string' ? schema.description : '';
    const type = typeof schema.type === 'string' ? schema.type : 'any';
    const value = await vscode.window.showInputBox({
      title: `Trigger run: param "${name}" (${type})`,
      prompt: description || `Value of param "${name}"`,
      value: fallback,
      ignoreFocusOut: true,
    });
    if (value === undefined) return undefined;
    params[name] = value;
  }
  return params;
}

async function sendFor(
  service: EngineService,
  document: vscode.TextDocument,
  dagId: string,
  build: (dagId: string) => Parameters<import('../engine/WorkspaceEngine').WorkspaceEngine['request']>[0],
): Promise<void> {
  const lookup = await service.engineFor(document.uri);
  if (!lookup.ok) {
    void vscode.window.showWarningMessage(lookup.reason);
    return;
  }
  if (document.isDirty) await document.save();
  await lookup.engine.reloadDagFile(document.uri.fsPath);
  const response = await lookup.engine.request(build(dagId));
  if (response.ok) void vscode.window.showInformationMessage(response.message);
  else void vscode.window.showErrorMessage(response.error);
}

/** The DAGs view's line for a file: pause state, schedule, last run state, next run (when the engine is open). */
function describeDagRuns(service: EngineService, uri: vscode.Uri): { description: string; tooltip: string; paused: boolean } | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const engine = service.openEngines().find((e) => folder && e.workspaceDir === folder.uri.fsPath);
  if (!engine) return undefined;
  const relative = vscode.workspace.asRelativePath(uri, false);
  const dag = engine.listDags().find((d) => d.fileLoc === relative || uri.fsPath.endsWith(d.fileLoc));
  if (!dag) return undefined;
  const last = engine.store.listRuns(dag.dagId, { limit: 1 })[0];
  const next = dag.paused ? undefined : engine.nextRunAt(dag.dagId);
  const parts = [
    dag.paused ? 'paused' : 'active',
    dag.schedule ?? 'manual only',
    last ? `last: ${last.state}` : 'no runs',
    ...(next ? [`next: ${next.toISOString().replace('T', ' ').slice(0, 16)} UTC`] : []),
  ];
  return {
    description: parts.join(' · '),
    tooltip: [
      `${dag.dagId} (${relative})`,
      `Paused: ${dag.paused ? 'yes' : 'no'}`,
      `Schedule: ${dag.schedule ?? 'none (manual runs only)'}`,
      `Last run: ${last ? `${last.runId} ${last.state}` : 'none'}`,
      `Next run: ${next ? next.toISOString() : dag.paused ? 'none while paused' : 'none scheduled'}`,
    ].join('\n'),
    paused: dag.paused,
  };
}
