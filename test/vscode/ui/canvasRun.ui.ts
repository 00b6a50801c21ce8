import { setTheme, THEMES } from './workbenchThemes';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type { UiTestOutcome } from './newDag.ui';
import { activeWebview, pickQuickItem, runCommandFromPalette, waitUntil, runUiTestPage, type UiTestOptions } from './workbenchUi';

const DAG_FILE = 'ops.dag.json';
/** The file whose absence makes `flaky` fail; the test creates it before clearing the task. */
const FIX_FILE = 'flaky-fixed.txt';

/**
 * A user running a DAG from the canvas and watching it: triggers a run from the toolbar's params
 * form, watches the nodes change state live (each change recorded in the webview as it is drawn),
 * opens the failed task's log, fixes the cause, clears the task and watches it re-run while the log
 * panel follows the new try. Once in the dark theme and once in the light one, with screenshots of
 * every step. Fails on any CSP violation or script dialog.
 */
export async function runCanvasRunUiTest(context: BrowserContext, options: UiTestOptions): Promise<UiTestOutcome> {
  const name = 'UI: trigger a run on the canvas, watch states live, read the failed log, clear and re-run, light and dark';
  const folder = new URL(options.workbenchUrl).searchParams.get('folder');
  return runUiTestPage(
    context,
    options,
    { name, failureShot: 'failure-canvas-run.png', finally: (page) => setTheme(page, THEMES.dark) },
    async ({ page, shoot }) => {
      if (!folder) throw new Error(`The workbench URL ${options.workbenchUrl} names no folder.`);
      await writeFile(join(folder, DAG_FILE), `${JSON.stringify(opsDag(join(folder, FIX_FILE)), null, 2)}\n`);
      // Not openWorkbench(): an earlier test in this code-server may have hidden the side bar, and
      // "Show Explorer" brings it back whichever state it is in.
      await page.goto(options.workbenchUrl, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await runCommandFromPalette(page, 'View: Show Explorer');
      await page.locator('.explorer-folders-view').waitFor({ timeout: 30_000 });
      await setTheme(page, THEMES.dark);
      await runCommandFromPalette(page, 'View: Close All Editors');
      await page.keyboard.press('Control+P');
      await pickQuickItem(page, DAG_FILE);

      const webview = activeWebview(page);
      const canvas = webview.locator('[data-testid="dag-canvas"]');
      await canvas.waitFor({ timeout: 30_000 });
      const toolbar = webview.locator('[data-testid="run-toolbar"]');
      await waitUntil(
        'the run controls to be enabled',
        async () => (await toolbar.getAttribute('data-can-run')) === 'true',
        30_000,
        async () =>
          `can-run ${await toolbar.getAttribute('data-can-run')}: ${await webview
            .locator('[data-testid="run-disabled-reason"]')
            .innerText()
            .catch(() => '')}`,
      );
      // Room for the graph and the log: no palette, no inspector (the run actions bar stays).
      await webview.locator('button.canvas-toggle', { hasText: 'Palette' }).click();
      await webview.locator('button.canvas-toggle', { hasText: 'Inspector' }).click();
      await fitView(webview);
      const frame = await canvasFrame(page);
      await recordStateChanges(frame);

      for (const theme of ['dark', 'light'] as const) {
        if (theme === 'light') await setTheme(page, THEMES.light, webview);
        await rm(join(folder, FIX_FILE), { force: true });
        await resetRecording(frame);
        const runsBefore = await webview.locator('[data-testid="run-picker"] option').count();

        // 1. Trigger with params: the form is generated from the DAG's params, defaults filled in.
        await webview.locator('button.run-trigger').click();
        const form = webview.locator('[data-testid="trigger-form"]');
        await form.waitFor({ timeout: 10_000 });
        const greeting = form.locator('[data-param="greeting"] input');
        if ((await greeting.inputValue()) !== 'hello') throw new Error(`The greeting param is not prefilled with its default.`);
        await greeting.fill(`hello from the ${theme} theme`);
        await shoot(`canvas-run-1-params-${theme}.png`);
        await form.locator('button[type="submit"]').click();
        await waitUntil(
          'the new run to be listed and shown',
          async () => (await webview.locator('[data-testid="run-picker"] option').count()) > runsBefore,
          15_000,
        );

        // 2. Live states: extract runs (about 2 s), then transform succeeds and flaky fails.
        await expectState(webview, 'extract', ['running'], 20_000);
        await shoot(`canvas-run-2-running-${theme}.png`);
        // While transform and then flaky run, the link into the running task is animated.
        await waitUntil(
          'the link into a running task to be animated',
          async () => (await webview.locator('.react-flow__edge-path.link-running').count()) === 1,
          10_000,
        );
        await expectState(webview, 'transform', ['success'], 30_000);
        await expectState(webview, 'flaky', ['failed'], 30_000);
        await expectState(webview, 'extract', ['success'], 1_000);
        await shoot(`canvas-run-3-finished-${theme}.png`);

        // 3. The failed task's log says why.
        await node(webview, 'flaky').click();
        const actions = webview.locator('[data-testid="task-run-actions"][data-task-id="flaky"]');
        await actions.waitFor({ timeout: 10_000 });
        await actions.locator('button[data-action="log"]').click();
        const detail = webview.locator('[data-testid="run-detail"][data-kind="log"][data-task-id="flaky"]');
        await detail.waitFor({ timeout: 10_000 });
        const body = detail.locator('[data-testid="run-detail-body"]');
        await waitUntil(
          'the log to show why flaky failed',
          async () => (await body.innerText()).includes(`${FIX_FILE} is missing`),
          10_000,
          async () => `the log shows ${JSON.stringify(await body.innerText())}`,
        );
        await fitView(webview);
        await shoot(`canvas-run-4-failed-log-${theme}.png`);

        // 4. Fix the cause, clear the task: it runs again as try 2, and the log follows the new try.
        await writeFile(join(folder, FIX_FILE), 'fixed\n');
        await actions.locator('button[data-action="clear"]').click();
        await expectState(webview, 'flaky', ['success'], 30_000);
        if ((await tryOf(webview, 'flaky')) !== '2') throw new Error(`flaky re-ran as try ${await tryOf(webview, 'flaky')}, expected 2.`);
        await waitUntil(
          'the log panel to follow try 2',
          async () => (await detail.getAttribute('data-try')) === '2' && (await body.innerText()).includes('flaky is fixed'),
          15_000,
          async () => `try ${await detail.getAttribute('data-try')}: ${JSON.stringify(await body.innerText())}`,
        );
        await shoot(`canvas-run-5-cleared-rerun-${theme}.png`);

        // What was drawn, change by change: every task went through running to its end state.
        const drawn = await recordedStates(frame);
        // Queued too: the scheduler moves a task queued -> running in one pass, and the canvas still
        // shows queued for a moment (the host keeps both, the webview paces them).
        expectSequence(drawn, 'extract', ['queued', 'running', 'success']);
        expectSequence(drawn, 'transform', ['queued', 'running', 'success']);
        expectSequence(drawn, 'flaky', ['scheduled', 'queued', 'running', 'failed', 'queued', 'running', 'success']);
        console.log(`[vscode] canvas-run (${theme}): states drawn per task: ${JSON.stringify(drawn)}`);
        await detail.locator('button.panel-close').click();
      }

      // 5. The run views beside the canvas: the grid of both runs, the Gantt of the shown one;
      // clicking the first run in the grid shows it on the canvas.
      await webview.locator('button.canvas-button', { hasText: 'Runs' }).click();
      const runViews = await frameWith(page, '[data-testid="run-views"]');
      const grid = runViews.locator('[data-testid="run-grid"]');
      await grid.waitFor({ timeout: 15_000 });
      await waitUntil('the grid to show both runs', async () => (await grid.locator('button.rv-run').count()) >= 2, 10_000);
      await runViews.locator('[data-testid="run-gantt"] .rv-gantt-bar').first().waitFor({ timeout: 10_000 });
      const firstRun = grid.locator('button.rv-run').first();
      const firstRunId = await firstRun.getAttribute('data-run-id');
      await firstRun.click();
      // Two webviews are open now: address the canvas through its own frame.
      const picker = frame.locator('[data-testid="run-picker"]');
      await waitUntil(
        'the canvas to show the run picked in the grid',
        async () => (await picker.inputValue()) === firstRunId,
        10_000,
        async () => `the canvas shows ${JSON.stringify(await picker.inputValue())}, the grid picked ${JSON.stringify(firstRunId)}`,
      );
      await expectState(frame, 'flaky', ['success'], 5_000);
      await shoot('canvas-run-6-run-views-light.png');
      await setTheme(page, THEMES.dark);
      await shoot('canvas-run-6-run-views-dark.png');

      // 6. The DAGs view lists the file with its pause state, schedule and last run; the status bar
      // says the scheduler runs here and is idle.
      await runCommandFromPalette(page, 'Dagstream: Focus on DAGs View');
      const dagRow = page.locator('.monaco-list-row', { hasText: 'ops' }).filter({ hasText: 'last: success' });
      await dagRow.first().waitFor({ timeout: 15_000 });
      const rowText = await dagRow.first().innerText();
      if (!/active · manual only · last: success/.test(rowText)) throw new Error(`The DAGs view shows ${JSON.stringify(rowText)}.`);
      const status = page.locator('.statusbar-item', { hasText: 'Dagstream:' }).first();
      const statusText = await status.innerText();
      if (!/Dagstream: idle/.test(statusText)) throw new Error(`The status bar shows ${JSON.stringify(statusText)}.`);
      await shoot('canvas-run-7-dags-view-dark.png');

      // 7. The other task actions, on transform: why it is not running (it ended), its XCom, and
      // running it alone (not recorded) with its log streamed into the panel. High-contrast theme.
      // The run views panel took half of the editor: bring every node back into the canvas first.
      await fitView(frame);
      await frame.locator('.react-flow__node[data-id="transform"]').click();
      const transformActions = frame.locator('[data-testid="task-run-actions"][data-task-id="transform"]');
      await transformActions.waitFor({ timeout: 10_000 });
      const panel = frame.locator('[data-testid="run-detail"]');
      const panelBody = panel.locator('[data-testid="run-detail-body"]');
      const expectPanel = async (kind: string, text: string): Promise<void> =>
        waitUntil(
          `the ${kind} panel to say ${JSON.stringify(text)}`,
          async () => (await panel.getAttribute('data-kind')) === kind && (await panelBody.innerText()).includes(text),
          20_000,
          async () => `${await panel.getAttribute('data-kind')}: ${JSON.stringify(await panelBody.innerText().catch(() => ''))}`,
        );
      await transformActions.locator('button[data-action="why"]').click();
      await expectPanel('why', 'transform" is success');
      await transformActions.locator('button[data-action="xcom"]').click();
      await expectPanel('xcom', 'transformed');
      await transformActions.locator('button[data-action="runTaskOnly"]').click();
      await expectPanel('log', 'transform success');
      await setTheme(page, THEMES.highContrast);
      await shoot('canvas-run-8-task-alone-high-contrast.png');
    },
  );
}

/** Three bash tasks: extract takes two seconds; transform succeeds; flaky fails until `fixFile` exists. */
function opsDag(fixFile: string): Record<string, unknown> {
  return {
    version: 1,
    dag_id: 'ops',
    description: 'Bash tasks for the canvas run test',
    schedule: null,
    params: { greeting: { type: 'string', default: 'hello', description: 'Printed by extract' } },
    // One task at a time: when extract ends, flaky waits (scheduled) while transform runs.
    max_active_tasks: 1,
    default_args: { retries: 0 },
    tasks: [
      {
        task_id: 'extract',
        operator: 'bash',
        bash_command: 'echo "{{ params.greeting }}"; sleep 2; echo extracted',
        position: { x: 0, y: 80 },
      },
      {
        task_id: 'transform',
        operator: 'bash',
        upstream: ['extract'],
        bash_command: 'sleep 1; echo transformed',
        position: { x: 300, y: 0 },
      },
      {
        task_id: 'flaky',
        operator: 'bash',
        upstream: ['extract'],
        bash_command: `sleep 0.5; if [ -f '${fixFile}' ]; then echo 'flaky is fixed'; else echo '${FIX_FILE} is missing' >&2; exit 3; fi`,
        position: { x: 300, y: 160 },
      },
    ],
  };
}

/** Where locators are looked up: a webview's FrameLocator or a Frame. */
type Scope = Pick<FrameLocator, 'locator'> | Pick<Frame, 'locator'>;

async function fitView(webview: Scope): Promise<void> {
  await webview.locator('.react-flow__controls-fitview').click();
  await new Promise((resolve) => setTimeout(resolve, 400));
}

function node(webview: Scope, taskId: string): Locator {
  return webview.locator(`.react-flow__node[data-id="${taskId}"]`);
}

async function stateOf(webview: Scope, taskId: string): Promise<string | null> {
  return node(webview, taskId).locator('[data-testid="task-node"]').getAttribute('data-state');
}

async function tryOf(webview: Scope, taskId: string): Promise<string | null> {
  return node(webview, taskId).locator('[data-testid="task-node"]').getAttribute('data-try');
}

async function expectState(webview: Scope, taskId: string, states: string[], timeoutMs: number): Promise<void> {
  await waitUntil(
    `${taskId} to be ${states.join(' or ')}`,
    async () => states.includes((await stateOf(webview, taskId)) ?? ''),
    timeoutMs,
    async () => `it is ${JSON.stringify(await stateOf(webview, taskId))}`,
  );
}

/** The frame that holds the canvas (the webview's inner frame), to watch what it draws. */
function canvasFrame(page: Page): Promise<Frame> {
  return frameWith(page, '[data-testid="dag-canvas"]');
}

/** The first frame (of any webview) that shows `selector`, waiting up to 20 s for it. */
async function frameWith(page: Page, selector: string): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    for (const frame of page.frames()) {
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    if (Date.now() > deadline) throw new Error(`No webview frame shows ${selector}.`);
    await page.waitForTimeout(250);
  }
}

/**
 * Records, per task, each state its node is drawn with (a MutationObserver in the webview). Sent as
 * text: this file compiles without the DOM's types.
 */
const RECORD_STATES = `(() => {
  window.drawnStates = {};
  const record = (element) => {
    const id = element.getAttribute('data-task-id');
    const state = element.getAttribute('data-state');
    if (!id || !state) return;
    const list = (window.drawnStates[id] ??= []);
    if (list.at(-1) !== state) list.push(state);
  };
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      if (mutation.type === 'attributes' && mutation.target instanceof Element) record(mutation.target);
      for (const added of mutation.addedNodes)
        if (added instanceof Element) for (const el of added.querySelectorAll('[data-testid="task-node"]')) record(el);
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
})()`;

async function recordStateChanges(frame: Frame): Promise<void> {
  await frame.evaluate(RECORD_STATES);
}

async function resetRecording(frame: Frame): Promise<void> {
  await frame.evaluate('window.drawnStates = {}');
}

async function recordedStates(frame: Frame): Promise<Record<string, string[]>> {
  return (await frame.evaluate('window.drawnStates')) as Record<string, string[]>;
}

/** `expected` appears in `drawn[taskId]` in this order (other states may come between). */
function expectSequence(drawn: Record<string, string[]>, taskId: string, expected: string[]): void {
  const seen = drawn[taskId] ?? [];
  let at = 0;
  for (const state of seen) if (state === expected[at]) at += 1;
  if (at < expected.length)
    throw new Error(`${taskId} was drawn ${JSON.stringify(seen)}; expected ${expected.join(' -> ')} in that order.`);
}
