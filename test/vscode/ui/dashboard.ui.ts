import { setTheme, THEMES } from './workbenchThemes';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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

/** A city name that would run script if the dashboard rendered values as HTML. */
const HOSTILE_CITY = '<img src=x onerror=alert(1)>';

/**
 * A data engineer's dashboard: a database written by the real `sqlite3` tool, a dashboard file
 * with a line chart per city and a panel whose query is wrong. Opens it, sees the chart drawn (the
 * canvas has painted pixels; legend and axis titles name the series and columns), the SQLite error
 * in the broken panel, a hostile value as text, rows added by sqlite3 after a Refresh, and switches
 * the chart to bars, which edits the JSON file. Screenshots in light, dark and high-contrast themes.
 */
export async function runDashboardUiTest(context: BrowserContext, options: UiTestOptions): Promise<UiTestOutcome> {
  const name =
    'UI: a dashboard over a sqlite3 database draws its charts, refreshes, switches chart type, adds a panel, in light, dark and high-contrast themes';
  return runUiTestPage(context, options, { name, failureShot: 'failure-dashboard.png' }, async ({ page, shoot, screenshots }) => {
    const folder = workspaceFolderOf(options.workbenchUrl);
    const database = join(folder, 'data', 'weather.sqlite');
    await writeWorkspace(folder, database);

    await openWorkbench(page, options.workbenchUrl);
    await setTheme(page, THEMES.light);
    await runCommandFromPalette(page, 'View: Close All Editors');
    await page.keyboard.press('Control+P');
    await pickQuickItem(page, 'weather.dashboard.json');
    const opened = Date.now();

    const webview = activeWebview(page);
    await webview.locator('[data-testid="dashboard"]').waitFor({ timeout: 30_000 });
    const temperature = panel(webview, 0);
    const broken = panel(webview, 1);
    await waitForState(temperature, 'ok');
    await waitForState(broken, 'error');
    // A figure for the report, not an assertion: timings belong to benchmarks.
    console.log(`  [dashboard] both panels drawn ${Date.now() - opened} ms after the file was picked`);

    // The chart: painted pixels on the canvas, a legend entry per city, axis titles naming the columns.
    const chart = temperature.locator('[data-testid="panel-chart"]');
    await expectAttribute(chart, 'data-chart-type', 'line');
    await expectAttribute(chart, 'data-series-count', '3');
    await expectAttribute(chart, 'data-point-count', '6');
    const painted = await paintedPixels(temperature.locator('canvas'));
    if (painted < 500) throw new Error(`The chart's canvas is nearly empty (${painted} painted pixels).`);
    const legend = await temperature.locator('.legend-label').allInnerTexts();
    // ORDER BY city puts '<' before letters.
    expectSame(legend, [HOSTILE_CITY, 'Lyon', 'Oslo'], 'legend');
    expectSame([await temperature.locator('[data-testid="axis-x"]').innerText()], ['day'], 'x axis title');
    expectSame([await temperature.locator('[data-testid="axis-y"]').innerText()], ['temp'], 'y axis title');
    if ((await temperature.locator('img').count()) > 0) throw new Error('A value from the database was rendered as an <img> element.');
    const footer = await temperature.locator('[data-testid="panel-footer"]').innerText();
    if (!footer.includes('6 rows')) throw new Error(`The panel footer does not count 6 rows: ${JSON.stringify(footer)}`);

    // The broken panel shows SQLite's own words.
    const error = await broken.locator('[data-testid="panel-error"]').innerText();
    if (!error.includes('no such column: wind_speed'))
      throw new Error(`The broken panel does not show the SQLite error: ${JSON.stringify(error)}`);
    await shoot('dashboard-light.png');

    // Rows that sqlite3 adds show after a Refresh.
    execFileSync('sqlite3', [
      '-batch',
      database,
      "INSERT INTO readings VALUES ('2026-07-03', 'Lyon', 36.5, 0), ('2026-07-03', 'Oslo', 22, 4);",
    ]);
    await webview.locator('[data-testid="refresh"]').click();
    await expectAttribute(chart, 'data-point-count', '8');

    // Switch the chart to bars: the file's text changes (the tab is dirty), the chart redraws as bars.
    await temperature.locator('[data-testid="chart-type"]').selectOption('bar');
    await expectAttribute(chart, 'data-chart-type', 'bar');
    await waitUntil(
      'the dashboard tab to show unsaved changes',
      async () => (await page.locator('.tabs-container .tab.dirty').count()) > 0,
      10_000,
    );
    // Take "rain" as a second y column (the box is ticked when the file says so), then save and read the file.
    await temperature.locator('[data-testid="chart-y"] label', { hasText: 'rain' }).locator('input').click();
    await expectAttribute(chart, 'data-series-count', '6');
    const paintedBars = await paintedPixels(temperature.locator('canvas'));
    if (paintedBars < 500) throw new Error(`The bar chart's canvas is nearly empty (${paintedBars} painted pixels).`);
    await shoot('dashboard-bar-light.png');
    await webview.locator('[data-testid="dashboard"]').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+S');
    await waitUntil('the dashboard to be saved', async () => (await page.locator('.tabs-container .tab.dirty').count()) === 0, 10_000);
    const saved = JSON.parse(await readFile(join(folder, 'weather.dashboard.json'), 'utf8')) as {
      panels: Array<{ chart: { type: string; y: unknown } }>;
    };
    const savedChart = saved.panels[0]?.chart;
    if (savedChart?.type !== 'bar' || JSON.stringify(savedChart.y) !== JSON.stringify(['temp', 'rain']))
      throw new Error(`The saved file does not hold the chosen chart: ${JSON.stringify(savedChart)}`);

    // Add a panel from the form: a wrong query is refused with SQLite's words, a right one becomes a bar chart.
    await webview.locator('[data-testid="add-panel"]').click();
    const form = webview.locator('[data-testid="add-panel-form"]');
    await form.locator('input').first().fill('Rain by city');
    const sql = form.locator('textarea');
    await sql.fill('SELECT city, sum(rainfall) AS rain FROM readings GROUP BY city');
    await form.locator('button[type="submit"]').click();
    await waitUntil(
      'the form to show the query error',
      async () =>
        (
          await form
            .locator('[role="alert"]')
            .innerText()
            .catch(() => '')
        ).includes('no such column: rainfall'),
      15_000,
    );
    await sql.fill('SELECT city, sum(rain) AS rain FROM readings GROUP BY city ORDER BY city');
    await form.locator('button[type="submit"]').click();
    const rain = panel(webview, 2);
    await waitForState(rain, 'ok');
    await expectAttribute(rain.locator('[data-testid="panel-chart"]'), 'data-chart-type', 'bar');
    await expectAttribute(rain.locator('[data-testid="panel-chart"]'), 'data-point-count', '3');
    if ((await form.count()) > 0) throw new Error('The add-panel form stayed open after the panel was added.');
    // Edit the new panel's query in place: it runs again, without Lyon.
    await rain.locator('[data-testid="edit-query"]').click();
    const editor = rain.locator('[data-testid="panel-query-editor"]');
    await editor.locator('textarea').fill("SELECT city, sum(rain) AS rain FROM readings WHERE city <> 'Lyon' GROUP BY city ORDER BY city");
    await editor.locator('button[type="submit"]').click();
    await expectAttribute(rain.locator('[data-testid="panel-chart"]'), 'data-point-count', '2');
    const addedShot = join(options.resultsDir, 'dashboard-added-panel-light.png');
    await rain.screenshot({ path: addedShot });
    screenshots.push(addedShot);

    await setTheme(page, THEMES.dark, webview);
    await temperature.locator('canvas').waitFor();
    await shoot('dashboard-bar-dark.png');
    await temperature.locator('[data-testid="chart-type"]').selectOption('line');
    await expectAttribute(chart, 'data-chart-type', 'line');
    await shoot('dashboard-dark.png');
    await setTheme(page, THEMES.highContrast, webview);
    await shoot('dashboard-high-contrast.png');
    await setTheme(page, THEMES.dark, webview);
  });
}

function workspaceFolderOf(workbenchUrl: string): string {
  const folder = new URL(workbenchUrl).searchParams.get('folder');
  if (!folder) throw new Error(`The workbench URL ${workbenchUrl} names no folder.`);
  return folder;
}

/** The database, made by the sqlite3 tool, and a dashboard with a good and a broken panel. */
async function writeWorkspace(folder: string, database: string): Promise<void> {
  await mkdir(join(folder, 'data'), { recursive: true });
  const hostile = HOSTILE_CITY.replace(/'/g, "''");
  execFileSync('sqlite3', [
    '-batch',
    database,
    `CREATE TABLE readings(day TEXT, city TEXT, temp REAL, rain REAL);
     INSERT INTO readings VALUES
       ('2026-07-01', 'Lyon', 31.5, 0), ('2026-07-01', 'Oslo', 19, 2.5), ('2026-07-01', '${hostile}', 25, 1),
       ('2026-07-02', 'Lyon', 34, 0.5), ('2026-07-02', 'Oslo', 21, 6), ('2026-07-02', '${hostile}', 27, 3);`,
  ]);
  const dashboard = {
    version: 1,
    title: 'Heatwave',
    refresh_interval: '5m',
    panels: [
      {
        title: 'Temperature by city',
        database: 'data/weather.sqlite',
        sql: 'SELECT day, city, temp, rain FROM readings ORDER BY day, city',
        chart: { type: 'line', x: 'day', y: 'temp', series: 'city' },
      },
      {
        title: 'Wind',
        database: 'data/weather.sqlite',
        sql: 'SELECT day, wind_speed FROM readings',
        chart: { type: 'bar', x: 'day', y: 'wind_speed' },
      },
    ],
  };
  await writeFile(join(folder, 'weather.dashboard.json'), `${JSON.stringify(dashboard, null, 2)}\n`);
}

function panel(webview: FrameLocator, index: number): Locator {
  return webview.locator(`[data-testid="dashboard-panel"][data-panel-index="${index}"]`);
}

async function waitForState(locator: Locator, state: string): Promise<void> {
  await waitUntil(
    `panel state ${state}`,
    async () => (await locator.getAttribute('data-state').catch(() => null)) === state,
    30_000,
    async () =>
      `state ${await locator.getAttribute('data-state').catch(() => 'absent')}; text ${JSON.stringify(await locator.innerText().catch(() => ''))}`,
  );
}

async function expectAttribute(locator: Locator, attribute: string, expected: string): Promise<void> {
  await waitUntil(
    `${attribute} to be ${expected}`,
    async () => (await locator.getAttribute(attribute).catch(() => null)) === expected,
    15_000,
    async () => `it is ${await locator.getAttribute(attribute).catch(() => 'absent')}`,
  );
}

function expectSame(actual: string[], expected: string[], what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`The ${what} shows ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}.`);
}

/** How many pixels of the canvas are painted (not transparent): the chart's lines, bars, ticks and labels. */
async function paintedPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((element) => {
    // This runs in the webview; the test's own compilation has no DOM types.
    const c = element as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
    };
    const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!pixels) return 0;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++;
    return painted;
  });
}
