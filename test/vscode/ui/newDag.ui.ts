import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { BrowserContext, ConsoleMessage, FrameLocator, Page } from 'playwright-core';

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
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

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
    await page.goto(options.workbenchUrl, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ timeout: 30_000 });

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

/**
 * Our commands appear only once the extension host has read the extension (seconds after the
 * workbench shows), and an open palette does not refresh its list: so retry the whole gesture.
 */
async function runCommandFromPalette(page: Page, title: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator(QUICK_INPUT_BOX);
    await input.waitFor({ timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = page.locator(QUICK_INPUT_ROW, { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 2_000 });
      await row.click();
      return;
    } catch {
      if (Date.now() > deadline) {
        const rows = await page.locator(QUICK_INPUT_ROW).allInnerTexts();
        throw new Error(`The command palette never offered "${title}" (rows: ${JSON.stringify(rows.slice(0, 5))}).`);
      }
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
}

async function answerInputBox(page: Page, prompt: string, answer: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT, { hasText: prompt });
  try {
    await widget.waitFor({ timeout: 10_000 });
  } catch {
    const shown = await page
      .locator(QUICK_INPUT)
      .innerText()
      .catch(() => '(no quick input)');
    throw new Error(`No input box asking "${prompt}" appeared; the quick input shows: ${JSON.stringify(shown)}`);
  }
  const input = page.locator(QUICK_INPUT_BOX);
  await input.fill(answer);
  await input.press('Enter');
}

/** The content of the visible webview: the host iframe, then its active inner frame. */
function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** A CSP violation reported in a webview frame (the workbench's own frames are not ours to judge). */
function cspViolation(message: ConsoleMessage): string | undefined {
  const text = message.text();
  if (!/Content Security Policy|Refused to/i.test(text)) return undefined;
  const frameUrl = message.page() ? (message.location().url ?? '') : '';
  const inWebview = /webview|vscode-resource|vscode-cdn|\/pre\/|index\.html\?id=/.test(frameUrl) || frameUrl === '';
  return inWebview ? `${text} (at ${frameUrl || 'unknown frame'})` : undefined;
}

async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 10_000,
  describe?: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const detail = describe ? ` (${await describe()})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${detail}.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function expectEqual(actual: string | null, expected: string, what: string): void {
  if (actual !== expected) throw new Error(`${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}.`);
}
