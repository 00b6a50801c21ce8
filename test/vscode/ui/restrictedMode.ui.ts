import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import type { UiTestOutcome } from './newDag.ui';
import { activeWebview, pickQuickItem, waitUntil, type UiTestOptions } from './workbenchUi';

/**
 * A DAG opened in a workspace the user does not trust: the canvas shows it read-only, says why,
 * and offers no editing (palette, auto-layout, dragging, links, form fields).
 */
export async function runRestrictedModeUiTest(context: BrowserContext, options: UiTestOptions): Promise<UiTestOutcome> {
  const name = 'UI: in Restricted Mode the canvas is read-only and says why';
  const started = Date.now();
  await mkdir(options.resultsDir, { recursive: true });
  const folder = new URL(options.workbenchUrl).searchParams.get('folder');
  const page = await context.newPage();
  try {
    if (!folder) throw new Error(`The workbench URL ${options.workbenchUrl} names no folder.`);
    const dag = {
      version: 1,
      dag_id: 'untrusted',
      schedule: '@daily',
      start_date: '2026-01-01',
      tasks: [
        { task_id: 'extract', operator: 'bash', bash_command: 'echo hi', upstream: [], position: { x: 0, y: 0 } },
        { task_id: 'load', operator: 'bash', bash_command: 'echo bye', upstream: ['extract'], position: { x: 280, y: 0 } },
      ],
    };
    await writeFile(join(folder, 'untrusted.dag.json'), `${JSON.stringify(dag, null, 2)}\n`);

    await page.goto(options.workbenchUrl, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // A trust prompt, when the workbench shows one, is declined as a user opening someone else's
    // repository would; code-server 4.139 opens an untrusted folder in Restricted Mode without asking.
    const decline = page.locator('.monaco-dialog-box .monaco-button', { hasText: /don't trust|No/i }).first();
    if (
      await decline.waitFor({ timeout: 3_000 }).then(
        () => true,
        () => false,
      )
    )
      await decline.click();
    await page.locator('.explorer-folders-view').waitFor({ timeout: 30_000 });
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 15_000 });

    await page.keyboard.press('Control+P');
    await pickQuickItem(page, 'untrusted.dag.json');
    const webview = activeWebview(page);
    const canvas = webview.locator('[data-testid="dag-canvas"]');
    await canvas.waitFor({ timeout: 30_000 });
    await waitUntil('the canvas to draw 2 tasks', async () => (await canvas.getAttribute('data-node-count')) === '2', 15_000);

    const failures: string[] = [];
    if ((await canvas.getAttribute('data-editable')) !== 'false') failures.push('the canvas is editable');
    const explanation = await webview
      .locator('.readonly-banner')
      .innerText()
      .catch(() => '');
    if (!/Restricted Mode.*Trust the workspace/.test(explanation))
      failures.push(`no explanation above the canvas (${JSON.stringify(explanation)})`);
    if (!(await webview.locator('button', { hasText: 'Auto-layout' }).isDisabled())) failures.push('Auto-layout is enabled');
    if (!(await webview.locator('[data-operator="bash"]').isDisabled())) failures.push('the palette adds tasks');
    if ((await webview.locator('.react-flow__node.draggable').count()) > 0) failures.push('nodes can be dragged');
    if ((await webview.locator('.react-flow__handle.connectable').count()) > 0) failures.push('handles can be linked');
    await webview.locator('.react-flow__node[data-id="load"]').click();
    const retries = webview.locator('[data-field="retries"] vscode-textfield');
    await retries.waitFor({ timeout: 10_000 });
    if ((await retries.getAttribute('readonly')) === null) failures.push("the inspector's fields can be typed in");
    // Nothing runs: the run controls are disabled and say why; the scheduler was never started.
    if (!(await webview.locator('button.run-trigger').isDisabled())) failures.push('Trigger is enabled');
    if (!(await webview.locator('[data-testid="run-pause"]').isDisabled())) failures.push('Pause is enabled');
    const runReason = await webview
      .locator('[data-testid="run-disabled-reason"]')
      .innerText()
      .catch(() => '');
    if (!/Restricted Mode/.test(runReason)) failures.push(`the run controls do not say why they are off (${JSON.stringify(runReason)})`);
    if (existsSync(join(folder, '.dagstream'))) failures.push('a scheduler started (.dagstream was created)');

    const screenshot = join(options.resultsDir, 'canvas-restricted-mode-light.png');
    await page.screenshot({ path: screenshot });
    if (failures.length > 0) throw new Error(`In Restricted Mode: ${failures.join('; ')}.`);
    return { name, passed: true, durationMs: Date.now() - started, screenshot };
  } catch (error) {
    const screenshot = join(options.resultsDir, 'failure-restricted-mode.png');
    await page.screenshot({ path: screenshot }).catch(() => undefined);
    const message = stripVTControlCharacters(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { name, passed: false, durationMs: Date.now() - started, error: message, screenshot };
  } finally {
    await page.close().catch(() => undefined);
  }
}
