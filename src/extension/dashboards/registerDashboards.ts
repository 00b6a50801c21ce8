import * as vscode from 'vscode';
import { addChartToDashboardCommand, newDashboardCommand, type AddChartArgs, type NewDashboardArgs } from './dashboardCommands';
import { SqlDocumentBindings } from '../sqliteExplorer/SqlDocumentBindings';
import { DashboardEditorProvider } from './DashboardEditorProvider';

/** Registers the dashboard editor and its commands. */
export function registerDashboards(context: vscode.ExtensionContext): void {
  const provider = new DashboardEditorProvider(context.extensionUri);
  // The query runner's bindings of .sql files to databases (read only here): a chart of a .sql
  // editor's query uses the database the file runs on.
  const bindings = new SqlDocumentBindings(context.workspaceState);
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(DashboardEditorProvider.viewType, provider, { supportsMultipleEditorsPerDocument: true }),
    vscode.commands.registerCommand('dagstream.newDashboard', (args?: NewDashboardArgs) => newDashboardCommand(args)),
    vscode.commands.registerCommand('dagstream.addChartToDashboard', (args?: AddChartArgs) => addChartToDashboardCommand(args, bindings)),
    bindings,
    vscode.commands.registerCommand('dagstream.refreshDashboard', async () => {
      const session = provider.activeSession();
      if (!session) {
        void vscode.window.showInformationMessage('Open a .dashboard.json file first, then run "Dagstream: Refresh Dashboard".');
        return;
      }
      await session.refresh();
    }),
  );
}
