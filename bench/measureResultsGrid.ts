import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../scripts/codeServer/launchChromium';
import { openSqliteDatabase } from '../src/core/sqlite/openSqliteDatabase';
import { SqlResultsRun } from '../src/extension/sqliteExplorer/SqlResultsRun';
import type { SqlResultsNotification } from '../src/protocol/sqlResultsProtocol';
import { percentile } from './benchResult';

const ROOT = path.resolve(__dirname, '..');
const BUNDLE = path.join(ROOT, 'dist', 'webview', 'sqlResults.js');
const STYLES = path.join(ROOT, 'dist', 'webview', 'sqlResults.css');
const RUNS = 5;
const SCROLL_FRAMES = 180;

export interface ResultsGridFigures {
  rows: number;
  /** Median over RUNS of: query start (host) -> first rows painted in the grid. */
  firstRowsMs: number[];
  /** Query start -> every row received by the grid. */
  allRowsMs: number[];
  /** Worst event-loop delay of the host (this process) while a run streamed its rows. */
  hostLoopMaxMs: number;
  /** The same measure over an idle window as long as a run: what the machine alone does. */
  idleLoopMaxMs: number;
  /** Frame intervals (ms) while the grid scrolled through all rows. */
  scrollFrameMs: number[];
  /** Click on a column header -> the sorted rows painted. */
  sortMs: number;
}

/**
 * The results grid as the user gets it, minus VS Code: the real webview bundle (dist/webview/
 * sqlResults.js) in headless Debian Chromium, with a stand-in `acquireVsCodeApi`, fed the very
 * messages the extension host sends (SqlResultsRun over a database opened through the core's
 * worker), delivered as VS Code delivers them (window message events, awaited one by one).
 */
export async function measureResultsGrid(rows: number): Promise<ResultsGridFigures> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing; run "npm run build" before the sqlite benchmark.`);
  const dir = await mkdtemp(path.join(tmpdir(), 'dagstream-bench-grid-'));
  const chromium = await launchChromium({ viewport: { width: 1400, height: 900 } });
  const db = await openSqliteDatabase(path.join(dir, 'grid.db'), { checkpoint: { onClose: false } });
  try {
    await db.execute(
      `CREATE TABLE events(id INTEGER PRIMARY KEY, city TEXT, temp REAL, ts INTEGER, payload TEXT);
       WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows - 1})
       INSERT INTO events SELECT i, 'city-' || (i % 100), 20 + (i % 300) / 10.0, 1767225600000 + i, 'event ' || i || ' from the weather stream' FROM c`,
    );
    const html = path.join(dir, 'sqlResults.html');
    await writeFile(
      html,
      `<!DOCTYPE html><html><head><meta charset="UTF-8"><link rel="stylesheet" href="${pathToFileURL(STYLES).href}"></head>` +
        `<body class="vscode-dark"><div id="root"></div><script src="${pathToFileURL(BUNDLE).href}"></script></body></html>`,
    );
    const page = await chromium.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // In-page code goes as text: tsx's transform would add helpers (__name) that do not exist in the page.
    await page.addInitScript({ content: STAND_IN_VSCODE_API });
    // As VS Code does: the host serialises the message to JSON, the webview gets it as a message event.
    const post = (message: SqlResultsNotification): Promise<void> =>
      page.evaluate(
        (json) => (globalThis as unknown as { postMessage(message: unknown, target: string): void }).postMessage(JSON.parse(json), '*'),
        JSON.stringify(message),
      );

    const firstRowsMs: number[] = [];
    const allRowsMs: number[] = [];
    let hostLoopMaxMs = 0;
    // One warm-up run (Chromium's and V8's caches), then the measured ones, each on a fresh page as a new panel gets.
    for (let i = 0; i <= RUNS; i++) {
      await page.goto(pathToFileURL(html).href);
      await page
        .waitForFunction("window.__posted.some((m) => m.type === 'sqlResults/ready')", undefined, { timeout: 30_000 })
        .catch((error: unknown) => {
          throw new Error(`The results webview never said it was ready (page errors: ${JSON.stringify(pageErrors)})`, { cause: error });
        });
      await page.evaluate(WATCH_FIRST_ROWS);
      const loop = monitorEventLoopDelay({ resolution: 1 });
      loop.enable();
      const started = Date.now();
      const run = new SqlResultsRun(i + 1, {
        database: db,
        databaseLabel: 'grid.db',
        sql: 'SELECT * FROM events',
        source: 'bench',
        maxRows: rows,
      });
      await run.stream(post);
      loop.disable();
      const painted = (await page.evaluate('window.__firstRowsAt')) as number;
      await page.locator(`[data-testid="results-grid"][data-row-count="${rows}"]`).waitFor();
      const complete = (await page.evaluate('Date.now()')) as number;
      if (i === 0) continue;
      firstRowsMs.push(painted - started);
      allRowsMs.push(complete - started);
      hostLoopMaxMs = Math.max(hostLoopMaxMs, loop.max / 1e6);
    }
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((resolve) => setTimeout(resolve, median(allRowsMs)));
    idle.disable();
    const idleLoopMaxMs = idle.max / 1e6;
    const scrollFrameMs = (await page.evaluate(`(${SCROLL_THROUGH})(${SCROLL_FRAMES})`)) as number[];
    const sortMs = (await page.evaluate(SORT_BY_CITY)) as number;
    return { rows, firstRowsMs, allRowsMs, hostLoopMaxMs, idleLoopMaxMs, scrollFrameMs, sortMs };
  } finally {
    await db.close().catch(() => undefined);
    await chromium.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** acquireVsCodeApi as a webview has it: messages to the host are recorded, the state is kept. */
const STAND_IN_VSCODE_API = `
  window.__posted = [];
  let state;
  window.acquireVsCodeApi = () => ({
    postMessage: (message) => window.__posted.push(message),
    getState: () => state,
    setState: (next) => { state = next; },
  });`;

/** Records (in the page) when the first row is in the DOM and the frame after it is painted. */
const WATCH_FIRST_ROWS = `
  window.__firstRowsAt = new Promise((resolve) => {
    const check = () => {
      if (document.querySelector('[data-row-index]')) requestAnimationFrame(() => resolve(Date.now()));
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
  true;`;

/** Scrolls the grid from top to bottom in `frames` frames (a fast fling) and returns the frame intervals. */
const SCROLL_THROUGH = `async (frames) => {
  const grid = document.querySelector('[data-testid="results-grid"]');
  grid.scrollTop = 0;
  const step = (grid.scrollHeight - grid.clientHeight) / frames;
  const intervals = [];
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  let last = await frame();
  for (let f = 1; f <= frames; f++) {
    grid.scrollTop = step * f;
    const now = await frame();
    intervals.push(now - last);
    last = now;
  }
  const lastRow = Number(grid.getAttribute('data-row-count')) + 1;
  if (!document.querySelector('[aria-rowindex="' + lastRow + '"]')) throw new Error('The grid did not render its last row after scrolling to the end.');
  return intervals;
}`;

/** Click on the city header -> the next frame, with the 100,000 rows sorted. */
const SORT_BY_CITY = `(async () => {
  const header = [...document.querySelectorAll('[role="columnheader"]')].find((h) => h.textContent.includes('city'));
  const started = performance.now();
  header.click();
  await new Promise((resolve) => requestAnimationFrame(resolve));
  if (header.getAttribute('aria-sort') !== 'ascending') throw new Error('The grid did not sort on a header click.');
  return performance.now() - started;
})()`;

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
