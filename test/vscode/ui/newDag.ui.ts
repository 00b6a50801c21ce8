import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { activeWebview, answerInputBox, cspViolation, expectEqual, openWorkbench, runCommandFromPalette, waitUntil } from './workbenchUi';

export interface NewDagUiOptions {
  /** code-server's workbench URL with the (empty, temp) workspace folder opened. */
  readonly workbenchUrl: string;
  /** The DAG name typed into the input box. */
  readonly dagName: string;
  /** Screenshots go here (`new-dag-canvas.png`, `failure-*.png`). */
  readonly resultsDir: string;
}

export interface UiTestOutcome {
  readonly name: string;
  readonly passed: boolean;
  readonly durationMs: number;
  readonly error?: string;
  readonly screenshot?: string;
}

const COMMAND_TITLE = 'Dagstream: New DAG';
const INPUT_PROMPT = 'Name of the new DAG';

/**
 * A user's first minute: open the command palette, run "Dagstream: New DAG", name the DAG, and see
 * the canvas with its two tasks and their edge. Fails on any Content-Security-Policy violation
 * reported by the webview.
 */
export async function runNewDagUiTest(context: BrowserContext, options: NewDagUiOptions): Promise<UiTestOutcome> {
  const name = 'UI: New DAG from the command palette shows the canvas';
  const started = Date.now();
  await mkdir(options.resultsDir, { recursive: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    const violation = cspViolation(message);
    if (violation) cspViolations.push(violation);
  });
  try {
    await openWorkbench(page, options.workbenchUrl);

    await runCommandFromPalette(page, COMMAND_TITLE);
    await answerInputBox(page, INPUT_PROMPT, options.dagName);

    const webview = activeWebview(page);
    const canvas = webview.locator('[data-testid="dag-canvas"]');
    await canvas.waitFor({ timeout: 30_000 });
    const nodes = webview.locator('.react-flow__node');
    const edges = webview.locator('.react-flow__edge');
    await waitUntil(
      '2 task nodes on the canvas',
      async () => (await nodes.count()) === 2,
      15_000,
      async () => `found ${await nodes.count()} node(s), data-node-count=${await canvas.getAttribute('data-node-count')}`,
    );
    await waitUntil(
      '1 edge on the canvas',
      async () => (await edges.count()) === 1,
      15_000,
      async () => `found ${await edges.count()} edge(s), data-edge-count=${await canvas.getAttribute('data-edge-count')}`,
    );
    expectEqual(await canvas.getAttribute('data-node-count'), '2', 'data-node-count');
    expectEqual(await canvas.getAttribute('data-edge-count'), '1', 'data-edge-count');
    const texts = await nodes.allInnerTexts();
    for (const taskId of ['extract', 'load']) {
      if (!texts.some((text) => text.includes(taskId))) {
        throw new Error(`No node shows the task id "${taskId}"; node texts: ${JSON.stringify(texts)}`);
      }
    }

    const fileName = `${options.dagName}.dag.json`;
    // The tab renders the name and the extension in separate spans ("weather.dag" + ".json").
    const activeTab = page.locator('.tabs-container .tab.active');
    const activeTabTitle = async (): Promise<string> => ((await activeTab.textContent().catch(() => null)) ?? '').replace(/\s+/g, '');
    await waitUntil(
      `the active editor tab to be ${fileName}`,
      async () => (await activeTabTitle()) === fileName,
      10_000,
      async () => `active tab: ${JSON.stringify(await activeTabTitle())}`,
    );

    await nodes.first().waitFor({ state: 'visible' });
    const screenshot = join(options.resultsDir, 'new-dag-canvas.png');
    await page.screenshot({ path: screenshot, fullPage: true });

    // Violations may be reported just after the first paint (fonts, images): give them a moment.
    await page.waitForTimeout(500);
    if (cspViolations.length > 0) {
      throw new Error(`The webview violated its Content-Security-Policy:\n  ${cspViolations.join('\n  ')}`);
    }
    return { name, passed: true, durationMs: Date.now() - started, screenshot };
  } catch (error) {
    const screenshot = join(options.resultsDir, 'failure-new-dag.png');
    await page.screenshot({ path: screenshot, fullPage: true }).catch(() => undefined);
    // Playwright's messages carry terminal colour codes.
    const message = stripVTControlCharacters(error instanceof Error ? error.message : String(error));
    return { name, passed: false, durationMs: Date.now() - started, error: message, screenshot };
  } finally {
    await page.close().catch(() => undefined);
  }
}
