import { setTheme, THEMES } from './workbenchThemes';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import type { UiTestOutcome } from './newDag.ui';
import {
  activeWebview,
  answerInputBox,
  openWorkbench,
  pickQuickItem,
  runCommandFromPalette,
  waitUntil,
  runUiTestPage,
  type UiTestOptions,
} from './workbenchUi';

/** The id a task from the palette gets: `<operator>_1` for the first of its kind. */
const HTTP = 'http_1';
const PYTHON = 'python_1';
const SINK = 'kafka_sink_1';
/** A task id that would run script if the canvas rendered text as markup. */
const HOSTILE_ID = '<img src=x onerror=alert(1)>';

/**
 * A user drawing a pipeline on the canvas: creates a DAG, drags an HTTP extract from the palette,
 * adds Python by click and a Kafka sink by searching and pressing Enter, links them handle to
 * handle, is refused a link that would close a cycle, fills a form field, undoes and redoes it
 * with VS Code's Ctrl+Z / Ctrl+Shift+Z, and checks that a hostile task id renders as text.
 * Screenshots in dark, light and high-contrast themes. Fails on any CSP violation or script dialog.
 */
export async function runCanvasEditingUiTest(context: BrowserContext, options: UiTestOptions): Promise<UiTestOutcome> {
  const name = 'UI: draw a pipeline on the canvas, fill a form, undo and redo, in light and dark themes';
  return runUiTestPage(context, options, { name, failureShot: 'failure-canvas-editing.png' }, async ({ page, shoot }) => {
    await openWorkbench(page, options.workbenchUrl);
    await setTheme(page, THEMES.dark);
    // More room for the canvas: no side bar.
    await runCommandFromPalette(page, 'View: Toggle Primary Side Bar Visibility');
    await runCommandFromPalette(page, 'Dagstream: New DAG');
    await answerInputBox(page, 'Name of the new DAG', 'pipeline');

    const webview = activeWebview(page);
    const canvas = webview.locator('[data-testid="dag-canvas"]');
    await canvas.waitFor({ timeout: 30_000 });
    await expectCount(canvas, 'data-node-count', 2);
    const palette = webview.locator('[data-testid="palette"]');
    await palette.waitFor();
    const pane = webview.locator('.react-flow__pane');

    // 1. Drag "HTTP" from the palette onto the canvas, below the template's tasks.
    const paneBox = await box(pane, 'the canvas pane');
    await palette.locator('[data-operator="http"]').dragTo(pane, { targetPosition: { x: paneBox.width * 0.25, y: paneBox.height * 0.75 } });
    await expectCount(canvas, 'data-node-count', 3);
    await node(webview, HTTP).waitFor();

    // 2. Click "Python"; 3. search "sink" and press Enter.
    await palette.locator('[data-operator="python"]').click();
    await expectCount(canvas, 'data-node-count', 4);
    const search = palette.locator('vscode-textfield input');
    await search.fill('sink');
    await search.press('Enter');
    await expectCount(canvas, 'data-node-count', 5);
    await search.fill('');
    for (const id of [HTTP, PYTHON, SINK]) await node(webview, id).waitFor();
    // Tidy up with the auto-layout button (one edit with every position), so that handles are free to grab.
    const beforeLayout = Number(await canvas.getAttribute('data-version'));
    await webview.locator('button', { hasText: 'Auto-layout' }).click();
    await waitUntil(
      'the layout to reach the document',
      async () => Number(await canvas.getAttribute('data-version')) > beforeLayout,
      10_000,
    );
    await fitView(webview);

    // 4. Link them handle to handle: http -> python -> sink.
    await link(page, webview, HTTP, PYTHON);
    await expectCount(canvas, 'data-edge-count', 2);
    await link(page, webview, PYTHON, SINK);
    await expectCount(canvas, 'data-edge-count', 3);

    await webview.locator('button', { hasText: 'Auto-layout' }).click();
    await fitView(webview);

    // 5. A link back from the sink to the extract would close a cycle: refused, with the cycle named.
    await link(page, webview, SINK, HTTP);
    const notice = webview.locator('[data-testid="canvas-notice"]');
    await notice.waitFor({ timeout: 10_000 });
    const reason = await notice.innerText();
    if (!reason.includes(`${HTTP} -> ${PYTHON} -> ${SINK} -> ${HTTP}`))
      throw new Error(`The cycle refusal does not name the cycle: ${JSON.stringify(reason)}`);
    await expectCount(canvas, 'data-edge-count', 3);
    await shoot('canvas-cycle-refused-dark.png');
    await notice.locator('button').click();

    // 6. Select the Python task and fill its retries.
    await node(webview, PYTHON).click();
    const inspector = webview.locator(`[data-testid="task-inspector"][data-task-id="${PYTHON}"]`);
    await inspector.waitFor({ timeout: 10_000 });
    const retries = inspector.locator('[data-field="retries"] vscode-textfield input');
    const versionBefore = Number(await canvas.getAttribute('data-version'));
    await retries.fill('4');
    await retries.press('Enter');
    await waitUntil(
      'the retries to reach the document',
      async () => Number(await canvas.getAttribute('data-version')) > versionBefore,
      10_000,
    );
    await retries.press('Tab');
    await waitUntil(
      'the DAG tab to show unsaved changes',
      async () => (await page.locator('.tabs-container .tab.dirty').count()) > 0,
      10_000,
    );
    await shoot('canvas-dark.png');

    // 7. Undo and redo with VS Code's keys, from the canvas.
    await pane.click({ position: { x: 10, y: 10 } });
    await node(webview, PYTHON).click();
    await page.keyboard.press('Control+Z');
    await waitUntil(
      'undo to clear the retries',
      async () => (await retries.inputValue()) === '',
      10_000,
      async () => `retries shows ${JSON.stringify(await retries.inputValue())}`,
    );
    await page.keyboard.press('Control+Shift+Z');
    await waitUntil(
      'redo to bring the retries back',
      async () => (await retries.inputValue()) === '4',
      10_000,
      async () => `retries shows ${JSON.stringify(await retries.inputValue())}`,
    );

    // 8. The keyboard alone: focus a node, arrows move it (saved once the presses pause), Enter
    // inspects it, Delete removes it, Ctrl+Z brings it back; Ctrl+C / Ctrl+V pastes a copy.
    await node(webview, 'load').focus();
    await page.keyboard.press('Enter');
    await webview.locator('[data-testid="task-inspector"][data-task-id="load"]').waitFor({ timeout: 5_000 });
    const beforeArrows = Number(await canvas.getAttribute('data-version'));
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    await waitUntil('the arrow moves to be saved', async () => Number(await canvas.getAttribute('data-version')) > beforeArrows, 10_000);
    await page.keyboard.press('Delete');
    await expectCount(canvas, 'data-node-count', 4);
    await pane.click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+Z');
    await expectCount(canvas, 'data-node-count', 5);
    await node(webview, PYTHON).click();
    await page.keyboard.press('Control+C');
    await page.keyboard.press('Control+V');
    await expectCount(canvas, 'data-node-count', 6);
    await node(webview, 'python_2').waitFor({ timeout: 5_000 });
    await page.keyboard.press('Control+D');
    await expectCount(canvas, 'data-node-count', 7);
    await webview.locator('button', { hasText: 'Auto-layout' }).click();
    await fitView(webview);
    await shoot('canvas-keyboard-and-clipboard-dark.png');

    // 9. The same canvas in the light and high-contrast themes.
    await setTheme(page, THEMES.light, webview);
    await shoot('canvas-light.png');
    await pane.click({ position: { x: 10, y: 10 } });
    const dagInspector = webview.locator('[data-testid="dag-inspector"]');
    await dagInspector.waitFor();
    // The DAG settings form: a cron schedule, described in words.
    const schedule = dagInspector.locator('[data-field="schedule"] vscode-textfield input');
    await schedule.fill('0 6 * * 1-5');
    await schedule.press('Enter');
    const toolbarSchedule = webview.locator('.canvas-schedule');
    await waitUntil(
      'the schedule to be described in the toolbar',
      async () => (await toolbarSchedule.innerText()).includes('0 6 * * 1-5: At 06:00, Monday through Friday (UTC)'),
      10_000,
      async () => `the toolbar says ${JSON.stringify(await toolbarSchedule.innerText())}`,
    );
    await shoot('canvas-dag-settings-light.png');
    await setTheme(page, THEMES.highContrast, webview);
    await shoot('canvas-high-contrast.png');
    await setTheme(page, THEMES.dark, webview);
    await shoot('canvas-dag-settings-dark.png');

    // 10. A hostile task id is drawn as the characters it is.
    await page.keyboard.press('Control+S');
    await waitUntil('the DAG to be saved', async () => (await page.locator('.tabs-container .tab.dirty').count()) === 0, 10_000);
    await runCommandFromPalette(page, 'View: Close All Editors');
    await writeHostileDag(options.workbenchUrl);
    await page.keyboard.press('Control+P');
    await pickQuickItem(page, 'hostile.dag.json');
    const hostile = webview.locator(`.react-flow__node[data-id="${HOSTILE_ID}"]`);
    await hostile.waitFor({ timeout: 20_000 });
    const text = await hostile.innerText();
    if (!text.includes(HOSTILE_ID)) throw new Error(`The hostile task id is not shown as text; the node shows ${JSON.stringify(text)}`);
    if ((await webview.locator('.react-flow__node img').count()) > 0)
      throw new Error('The hostile task id was rendered as an <img> element.');
    await shoot('canvas-hostile-id-dark.png');
  });
}

function node(webview: FrameLocator, taskId: string): Locator {
  return webview.locator(`.react-flow__node[data-id="${taskId}"]`);
}

async function box(locator: Locator, what: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const found = await locator.boundingBox();
  if (!found) throw new Error(`${what} is not visible.`);
  return found;
}

async function expectCount(canvas: Locator, attribute: 'data-node-count' | 'data-edge-count', expected: number): Promise<void> {
  await waitUntil(
    `${attribute} to be ${expected}`,
    async () => (await canvas.getAttribute(attribute)) === String(expected),
    10_000,
    async () => `it is ${await canvas.getAttribute(attribute)}`,
  );
}

async function fitView(webview: FrameLocator): Promise<void> {
  await webview.locator('.react-flow__controls-fitview').click();
  await new Promise((resolve) => setTimeout(resolve, 400));
}

/** Drags from `source`'s output handle to `target`'s input handle. */
async function link(page: Page, webview: FrameLocator, source: string, target: string): Promise<void> {
  const from = await box(node(webview, source).locator('.react-flow__handle.source'), `the output handle of ${source}`);
  const to = await box(node(webview, target).locator('.react-flow__handle.target'), `the input handle of ${target}`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** A DAG file whose task id is HTML, written straight into the workspace folder. */
async function writeHostileDag(workbenchUrl: string): Promise<void> {
  const folder = new URL(workbenchUrl).searchParams.get('folder');
  if (!folder) throw new Error(`The workbench URL ${workbenchUrl} names no folder.`);
  const dag = {
    version: 1,
    dag_id: 'hostile',
    schedule: null,
    tasks: [{ task_id: HOSTILE_ID, operator: 'empty', position: { x: 0, y: 0 } }],
  };
  await writeFile(join(folder, 'hostile.dag.json'), `${JSON.stringify(dag, null, 2)}\n`);
}
