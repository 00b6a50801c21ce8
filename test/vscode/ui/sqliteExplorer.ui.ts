import { setTheme, THEMES } from './workbenchThemes';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, FrameLocator, Locator } from 'playwright-core';
import type { UiTestOutcome } from './newDag.ui';
import {
  activeWebview,
  openWorkbench,
  pickQuickItem,
  runCommandFromPalette,
  waitUntil,
  runUiTestPage,
  type UiTestOptions,
} from './workbenchUi';

const EVENT_ROWS = 100_000;
/** A city name that would run script if the grid rendered values as markup. */
const HOSTILE = '<img src=x onerror=alert(1)>';

/** The queries file: a summary, all 100,000 rows, and a typo whose position the results must show. */
const QUERIES_SQL = `-- Weather events landed by the pipeline
SELECT city, count(*) AS events, round(avg(temp), 1) AS avg_temp
FROM events
GROUP BY city
ORDER BY city;

SELECT * FROM events;

SELECT *
  FORM events;
`;

/** The workspace: a database written by the real sqlite3 tool, and a .sql file. */
async function makeWorkspace(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  execFileSync('sqlite3', [
    join(folder, 'weather.db'),
    `CREATE TABLE cities(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
     INSERT INTO cities(name) VALUES ('Lisbon'), ('Oslo'), ('Seville'), ('${HOSTILE}');
     CREATE TABLE events(id INTEGER PRIMARY KEY, city_id INTEGER NOT NULL REFERENCES cities(id), city TEXT, temp REAL, observed_at TEXT);
     WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${EVENT_ROWS - 1})
     INSERT INTO events SELECT i, 1 + i % 4, (SELECT name FROM cities WHERE id = 1 + i % 4), round(10 + (i % 370) / 10.0, 1),
       datetime(1767225600 + i * 60, 'unixepoch') FROM n;
     CREATE VIEW hot_days AS SELECT city, observed_at, temp FROM events WHERE temp > 40;`,
  ]);
  await writeFile(join(folder, 'queries.sql'), QUERIES_SQL);
}

/**
 * A data engineer looking at what a pipeline landed: opens the SQLite view in the Dagstream
 * sidebar and sees the database the sqlite3 tool made, its tables with row counts and a table's
 * columns with their keys; opens a .sql file, runs a statement through its "Run…" CodeLens
 * (choosing the database once), sees 100,000 rows in the grid, sorts a column, and sees a
 * typo's error with its line and column; shows a table's first rows from the tree and drops a
 * view after a modal confirmation. Screenshots in dark and light themes. Fails on any
 * CSP violation or script dialog (values are rendered as text).
 */
export async function runSqliteExplorerUiTest(context: BrowserContext, options: UiTestOptions): Promise<UiTestOutcome> {
  const name =
    'UI: SQLite view, CodeLens run, 100,000 rows in the grid, sort, error position, first rows, drop, run selection, export CSV, dark and light';
  return runUiTestPage(context, options, { name, failureShot: 'failure-sqlite.png' }, async ({ page, shoot }) => {
    const url = new URL(options.workbenchUrl);
    const folder = join(url.searchParams.get('folder') ?? '', 'sqlite-workspace');
    await makeWorkspace(folder);
    url.searchParams.set('folder', folder);
    await openWorkbench(page, url.toString().replace(/%2F/g, '/'));
    await setTheme(page, THEMES.dark);

    // 1. The SQLite view lists the database; expanding shows tables with counts, then columns with keys.
    await runCommandFromPalette(page, 'Focus on SQLite View');
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'SQLite' }) });
    const database = treeRow(view, 'weather.db');
    await database.waitFor({ timeout: 30_000 });
    await database.click();
    const events = treeRow(view, 'events');
    await events.waitFor({ timeout: 30_000 });
    await expectText(events, '100,000 rows', 'the events table');
    await expectText(treeRow(view, 'cities'), '4 rows', 'the cities table');
    await expectText(treeRow(view, 'hot_days'), 'view', 'the hot_days view');
    await events.click();
    await expectText(treeRow(view, 'city_id'), 'INTEGER · NOT NULL · FK → cities(id)', 'the city_id column');
    await expectText(treeRow(view, 'id'), 'INTEGER · PK', 'the id column');

    // 2. Open queries.sql and run the summary through its lens, choosing the database once.
    await page.keyboard.press('Control+P');
    await pickQuickItem(page, 'queries.sql');
    const firstLens = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run… (choose a database)' }).first();
    await firstLens.waitFor({ timeout: 30_000 });
    await firstLens.click();
    await pickQuickItem(page, 'weather.db');
    const webview = activeWebview(page);
    const grid = webview.locator('[data-testid="results-grid"]');
    await waitForRows(webview, 4);
    const summaryCells = await grid.locator('[role="row"][data-row-index] [role="gridcell"]').allInnerTexts();
    if (!summaryCells.includes(HOSTILE))
      throw new Error(`The grid does not show the city ${HOSTILE} as text; cells: ${JSON.stringify(summaryCells)}`);

    // 3. The lens now names the database; run SELECT * FROM events: 100,000 rows.
    const boundLenses = page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Run on weather.db' });
    await waitUntil('the lenses to name weather.db', async () => (await boundLenses.count()) === 3, 15_000);
    await boundLenses.nth(1).click();
    await waitForRows(webview, EVENT_ROWS);
    const status = webview.locator('[data-testid="results-status"]');
    await expectText(status, '100,000 rows in', 'the results status');
    // Sort by temp, descending: the hottest reading first.
    const tempHeader = webview.locator('[role="columnheader"]', { hasText: 'temp' });
    await tempHeader.click();
    await tempHeader.click();
    await waitUntil('the temp column to sort descending', async () => (await tempHeader.getAttribute('aria-sort')) === 'descending');
    const firstTemp = await grid.locator('[role="row"][aria-rowindex="2"] [role="gridcell"]').nth(3).innerText();
    if (firstTemp !== '46.9')
      throw new Error(`After sorting temp descending the first row shows temp ${JSON.stringify(firstTemp)}, expected "46.9".`);
    // Scroll to the end of the 100,000 rows: the grid renders the last ones.
    await grid.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await webview.locator('[role="row"][aria-rowindex="100001"]').waitFor({ timeout: 10_000 });
    await grid.evaluate((element) => element.scrollTo({ top: 0 }));
    await shoot('sqlite-results-dark.png');

    // 4. Light theme: the same screen in light colours.
    await setTheme(page, THEMES.light, webview);
    await shoot('sqlite-results-light.png');

    // 5. The typo: SQLite's message and where it is in queries.sql.
    await boundLenses.nth(2).click();
    const error = webview.locator('[data-testid="results-error"]');
    await error.waitFor({ timeout: 20_000 });
    await expectText(error, 'near "FORM": syntax error', 'the error');
    await expectText(webview.locator('[data-testid="results-error-position"]'), 'Line 10, column 3', 'the error position');
    await shoot('sqlite-error-light.png');

    // 6. The tree's actions: "Show First Rows" inline on cities, then drop the view from the context menu (modal confirmation).
    const cities = treeRow(view, 'cities');
    await cities.hover();
    await cities.locator('.action-label[aria-label="Show First Rows"]').click();
    const tableWebview = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    await waitForRows(tableWebview, 4);
    await expectText(tableWebview.locator('.results-source'), 'first 1,000 rows of table cities', 'the first rows panel');
    await shoot('sqlite-first-rows-light.png');
    const hotDays = treeRow(view, 'hot_days');
    await hotDays.click({ button: 'right' });
    const dropItem = page.locator('.context-view .monaco-menu .action-item', { hasText: 'Drop Table…' });
    await dropItem.waitFor();
    // The menu ignores a mouse-up that comes right after it opened (the right-click's own): pick the item by keyboard.
    await dropItem.hover();
    await page.waitForTimeout(300);
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await expectText(dialog, 'Drop view "hot_days" from weather.db?', 'the confirmation');
    await dialog.locator('.monaco-button', { hasText: 'Drop View' }).click();
    await waitUntil('hot_days to leave the tree', async () => (await hotDays.count()) === 0, 20_000);
    // Saved to the file: the sqlite3 tool no longer sees the view, and still sees the tables.
    const schema = execFileSync(
      'sqlite3',
      [join(folder, 'weather.db'), 'SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema ORDER BY name)'],
      {
        encoding: 'utf8',
      },
    ).trim();
    if (schema !== 'cities,events,sqlite_autoindex_cities_1') throw new Error(`After the drop, sqlite3 lists ${JSON.stringify(schema)}.`);

    // 7. "Run Selection" with the cursor in a statement (no selection) runs that statement.
    await page.locator('.monaco-editor .view-line', { hasText: 'GROUP BY city' }).click();
    await runCommandFromPalette(page, 'Dagstream: Run Selection on SQLite Database');
    const rerun = page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
    await waitForRows(rerun, 4);
    await expectText(rerun.locator('.results-source'), 'queries.sql, line 2', 'the run selection panel');

    // 8. Export the rows to CSV through the save dialog (its default name, in the workspace).
    await rerun.locator('button', { hasText: 'Export CSV' }).click();
    const saveInput = page.locator('.quick-input-widget .quick-input-box input');
    await saveInput.waitFor({ timeout: 15_000 });
    await waitUntil(
      'the save dialog to propose weather-results.csv',
      async () => (await saveInput.inputValue()).endsWith('weather-results.csv'),
      10_000,
    );
    await saveInput.press('Enter');
    await expectText(rerun.locator('.results-report'), 'Exported 4 rows to weather-results.csv', 'the export report');
    const csv = readFileSync(join(folder, 'weather-results.csv'), 'utf8').split('\r\n');
    if (csv[0] !== 'city,events,avg_temp' || csv.length !== 6)
      throw new Error(
        `The exported CSV starts ${JSON.stringify(csv.slice(0, 2))} and has ${csv.length} lines (expected a header, 4 rows, a final newline).`,
      );
  });
}

/** A row of a tree view whose label is exactly `label`. */
function treeRow(view: Locator, label: string): Locator {
  return view.locator('.monaco-list-row', { has: view.page().locator('.label-name', { hasText: new RegExp(`^${label}$`) }) }).first();
}

async function expectText(locator: Locator, text: string, what: string): Promise<void> {
  await waitUntil(
    `${what} to show "${text}"`,
    async () => ((await locator.innerText().catch(() => '')) ?? '').includes(text),
    20_000,
    async () => `it shows ${JSON.stringify(await locator.innerText().catch(() => '(nothing)'))}`,
  );
}

async function waitForRows(webview: FrameLocator, rows: number): Promise<void> {
  const results = webview.locator('[data-testid="sql-results"]');
  const grid = webview.locator('[data-testid="results-grid"]');
  await waitUntil(
    `${rows.toLocaleString('en')} rows in the grid`,
    async () =>
      (await results.getAttribute('data-phase').catch(() => null)) === 'done' &&
      (await grid.getAttribute('data-row-count').catch(() => null)) === String(rows),
    60_000,
    async () =>
      `phase ${await results.getAttribute('data-phase').catch(() => '?')}, rows ${await grid.getAttribute('data-row-count').catch(() => '?')}, status ${await webview
        .locator('[data-testid="results-status"]')
        .innerText()
        .catch(() => '?')}`,
  );
  await grid.locator('[role="row"][data-row-index]').first().waitFor({ timeout: 10_000 });
}
