import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { BrowserContext, ConsoleMessage, FrameLocator, Page } from 'playwright-core';
import type { UiTestOutcome } from './newDag.ui';

/**
 * Workbench gestures shared by the UI tests, with selectors that work on VS Code 1.100 and 1.139
 * (see notes/real-vscode.md).
 */
const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;

/** Opens the workbench and waits until the explorer shows the workspace folder. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view').waitFor({ timeout: 30_000 });
}

/**
 * Our commands appear only once the extension host has read the extension (seconds after the
 * workbench shows), and an open palette does not refresh its list: so retry the whole gesture.
 */
export async function runCommandFromPalette(page: Page, title: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Every step has a short timeout and a failure anywhere retries the whole gesture: on a busy
    // machine the palette sometimes opens hidden or loses focus while the workbench settles.
    try {
      await page.keyboard.press('F1');
      const input = page.locator(QUICK_INPUT_BOX);
      await input.waitFor({ state: 'visible', timeout: 5_000 });
      await input.fill(`>${title}`, { timeout: 5_000 });
      const row = page.locator(QUICK_INPUT_ROW, { hasText: title }).first();
      await row.waitFor({ timeout: 2_000 });
      await row.click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        const rows = await page
          .locator(QUICK_INPUT_ROW)
          .allInnerTexts()
          .catch(() => []);
        throw new Error(
          `The command palette never offered "${title}" (rows: ${JSON.stringify(rows.slice(0, 5))}; last error: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`,
          { cause: error },
        );
      }
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
}

/** Answers the quick input that asks `prompt`. */
export async function answerInputBox(page: Page, prompt: string, answer: string): Promise<void> {
  // Case-sensitive (a plain string matches any case): "Value" must not find the previous step's
  // "Headers as key=value" still on screen.
  const widget = page.locator(QUICK_INPUT, { hasText: new RegExp(prompt.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
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
  // The quick input is reused from step to step, and the extension sets the new step's value (a
  // remembered one, or empty) a moment after the new prompt shows: typed too early, the answer is
  // wiped and Enter submits the wrong value. So the answer is typed again until it has stayed in
  // the box for a while, and only then is Enter pressed.
  await waitUntil(
    `the input box to keep the answer to "${prompt}"`,
    async () => {
      if ((await input.inputValue()) !== answer) await input.fill(answer);
      await page.waitForTimeout(150);
      return (await input.inputValue()) === answer;
    },
    10_000,
  );
  await input.press('Enter');
}

/** Picks `item` in an open quick pick (a theme, a file) by typing it and choosing the first matching row. */
export async function pickQuickItem(page: Page, item: string): Promise<void> {
  const input = page.locator(QUICK_INPUT_BOX);
  await input.waitFor({ timeout: 10_000 });
  await input.fill(item);
  const row = page.locator(QUICK_INPUT_ROW, { hasText: item }).first();
  await row.waitFor({ timeout: 10_000 });
  await input.press('Enter');
}

/** The content of the visible webview: the host iframe, then its active inner frame. */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** A CSP violation reported in a webview frame (the workbench's own frames are not ours to judge). */
export function cspViolation(message: ConsoleMessage): string | undefined {
  const text = message.text();
  if (!/Content Security Policy|Refused to/i.test(text)) return undefined;
  const frameUrl = message.page() ? (message.location().url ?? '') : '';
  const inWebview = /webview|vscode-resource|vscode-cdn|\/pre\/|index\.html\?id=/.test(frameUrl) || frameUrl === '';
  return inWebview ? `${text} (at ${frameUrl || 'unknown frame'})` : undefined;
}

export async function waitUntil(
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

export function expectEqual(actual: string | null, expected: string, what: string): void {
  if (actual !== expected) throw new Error(`${what} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}.`);
}

/** What every UI test is given: the workbench to drive and where its screenshots go. */
export interface UiTestOptions {
  /** code-server's workbench URL with the test's (temp) workspace folder opened (`?folder=`). */
  readonly workbenchUrl: string;
  /** Screenshots go here, named after the test (`<test>-*.png`, `failure-<test>.png`). */
  readonly resultsDir: string;
}

/** A fresh workbench page for one UI test, with what every test watches for and a screenshot helper. */
export interface UiTestPage {
  readonly page: Page;
  /** Content-Security-Policy violations the webviews reported: a test fails on any. */
  readonly cspViolations: string[];
  /** Dialogs that opened (an `alert` from injected markup would be one); dismissed at once. */
  readonly dialogs: string[];
  readonly screenshots: string[];
  /** Saves a screenshot of the page under the results folder and remembers its path. */
  shoot(file: string): Promise<void>;
}

export async function openUiTestPage(context: BrowserContext, resultsDir: string): Promise<UiTestPage> {
  await mkdir(resultsDir, { recursive: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    const violation = cspViolation(message);
    if (violation) cspViolations.push(violation);
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const screenshots: string[] = [];
  const shoot = async (file: string): Promise<void> => {
    const path = join(resultsDir, file);
    await page.screenshot({ path });
    screenshots.push(path);
  };
  return { page, cspViolations, dialogs, screenshots, shoot };
}

/**
 * One UI test on its own page: runs `steps`, then fails on any script dialog or CSP violation the
 * page saw; on failure saves `failureShot` under the results folder. Never throws: the outcome says.
 */
export async function runUiTestPage(
  context: BrowserContext,
  options: UiTestOptions,
  test: { name: string; failureShot: string; finally?: (page: Page) => Promise<void> },
  steps: (ui: UiTestPage) => Promise<void>,
): Promise<UiTestOutcome> {
  const started = Date.now();
  const ui = await openUiTestPage(context, options.resultsDir);
  try {
    await steps(ui);
    await ui.page.waitForTimeout(500);
    if (ui.dialogs.length > 0) throw new Error(`Script ran in the webview and opened dialogs: ${JSON.stringify(ui.dialogs)}`);
    if (ui.cspViolations.length > 0)
      throw new Error(`The webview violated its Content-Security-Policy:\n  ${ui.cspViolations.join('\n  ')}`);
    return { name: test.name, passed: true, durationMs: Date.now() - started, screenshot: ui.screenshots.join(', ') };
  } catch (error) {
    const screenshot = join(options.resultsDir, test.failureShot);
    await ui.page.screenshot({ path: screenshot }).catch(() => undefined);
    const message = stripVTControlCharacters(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { name: test.name, passed: false, durationMs: Date.now() - started, error: message, screenshot };
  } finally {
    await test.finally?.(ui.page).catch(() => undefined);
    await ui.page.close().catch(() => undefined);
  }
}
