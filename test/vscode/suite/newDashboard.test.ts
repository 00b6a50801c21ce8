// Named to sort after extension.test.ts, whose activation checks must run before anything activates the extension.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { closeAllEditors, readJson, uniqueDagName, waitFor, workspaceFolder } from './workspaceHelpers';

interface DashboardShape {
  version?: unknown;
  title?: unknown;
  panels?: Array<{ title?: unknown; database?: unknown; sql?: unknown; chart?: unknown }>;
}

/** A database written by the real sqlite3 tool, workspace-relative path returned. */
function makeDatabase(): string {
  const relative = `data/${uniqueDagName('weather')}.sqlite`;
  const file = join(workspaceFolder().fsPath, relative);
  mkdirSync(join(workspaceFolder().fsPath, 'data'), { recursive: true });
  execFileSync('sqlite3', [
    '-batch',
    file,
    `CREATE TABLE readings(day TEXT, city TEXT, temp REAL, rain REAL);
     INSERT INTO readings VALUES ('2026-07-01','Lyon',31.5,0),('2026-07-01','Oslo',19,2.5),('2026-07-02','Lyon',34,0.5);`,
  ]);
  return relative;
}

suite('Dagstream: dashboards', () => {
  teardown(closeAllEditors);

  test('New Dashboard with a query writes a first panel whose chart comes from the columns, and opens the dashboard editor', async () => {
    const database = makeDatabase();
    const name = uniqueDagName('heat');
    const uri = await vscode.commands.executeCommand<unknown>('dagstream.newDashboard', {
      name,
      database,
      sql: 'SELECT day, avg(temp) AS temp FROM readings GROUP BY day ORDER BY day',
      panelTitle: 'Mean temperature',
    });
    assert.ok(uri instanceof vscode.Uri, `dagstream.newDashboard resolved to ${String(uri)}`);
    assert.equal(uri.toString(), vscode.Uri.joinPath(workspaceFolder(), `${name}.dashboard.json`).toString());
    const dashboard = (await readJson(uri)) as DashboardShape;
    assert.equal(dashboard.version, 1);
    assert.equal(dashboard.title, name);
    assert.deepEqual(dashboard.panels?.[0]?.chart, { type: 'line', x: 'day', y: 'temp' });
    assert.equal(dashboard.panels?.[0]?.title, 'Mean temperature');
    await waitFor('the dashboard editor to be the active tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom &&
        input.viewType === 'dagstream.dashboardEditor' &&
        input.uri.toString() === uri.toString()
        ? input
        : undefined;
    });
  });

  test('Add Chart to Dashboard appends a panel to the file and saves it; a failing query adds nothing', async () => {
    const database = makeDatabase();
    const uri = await vscode.commands.executeCommand<vscode.Uri>('dagstream.newDashboard', { name: uniqueDagName('rain') });
    assert.ok(uri instanceof vscode.Uri);
    const added = await vscode.commands.executeCommand<unknown>('dagstream.addChartToDashboard', {
      database,
      sql: 'SELECT city, sum(rain) AS rain FROM readings GROUP BY city ORDER BY city',
      title: 'Rain by city',
      dashboard: uri,
    });
    assert.equal(String(added), uri.toString());
    const dashboard = (await readJson(uri)) as DashboardShape;
    assert.equal(dashboard.panels?.length, 1);
    assert.deepEqual(dashboard.panels?.[0], {
      title: 'Rain by city',
      database,
      sql: 'SELECT city, sum(rain) AS rain FROM readings GROUP BY city ORDER BY city',
      chart: { type: 'bar', x: 'city', y: 'rain' },
    });

    // The SQLite explorer knows databases by their file: an absolute path is stored workspace-relative.
    await vscode.commands.executeCommand('dagstream.addChartToDashboard', {
      database: join(workspaceFolder().fsPath, database),
      sql: 'SELECT day, temp FROM readings',
      dashboard: uri,
    });
    assert.equal(((await readJson(uri)) as DashboardShape).panels?.[1]?.database, database);

    const refused = await vscode.commands.executeCommand<unknown>('dagstream.addChartToDashboard', {
      database,
      sql: 'SELECT nope FROM readings',
      dashboard: uri.fsPath,
    });
    assert.equal(refused, undefined);
    assert.equal(((await readJson(uri)) as DashboardShape).panels?.length, 2);
  });
});
