import type { FrameLocator, Page } from 'playwright-core';
import { pickQuickItem, runCommandFromPalette, waitUntil } from './workbenchUi';

/** Colour theme ids and the class VS Code puts on a webview's body for each. */
export const THEMES = {
  dark: { label: 'Dark Modern', bodyClass: 'vscode-dark', workbenchClass: 'vs-dark' },
  light: { label: 'Light Modern', bodyClass: 'vscode-light', workbenchClass: 'vs' },
  highContrast: { label: 'Dark High Contrast', bodyClass: 'vscode-high-contrast', workbenchClass: 'hc-black' },
} as const;

/**
 * Picks a colour theme as a user does ("Preferences: Color Theme"), and waits until the workbench,
 * and the canvas when given, show it. (Writing settings.json instead is not picked up reliably by
 * code-server once a second window has opened.) The picker lists installed themes only after a
 * moment, and does not refilter what was typed before: so wait for the list, then type.
 */
export async function setTheme(page: Page, theme: (typeof THEMES)[keyof typeof THEMES], webview?: FrameLocator): Promise<void> {
  const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  const deadline = Date.now() + 60_000;
  for (;;) {
    await runCommandFromPalette(page, 'Preferences: Color Theme');
    try {
      await waitUntil('the colour themes to be listed', async () => (await rows.count()) > 3, 5_000);
      break;
    } catch (error) {
      // Opened before the extension host listed the themes: the picker never refreshes; reopen it.
      if (Date.now() > deadline) throw error;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
  await pickQuickItem(page, theme.label);
  const workbench = page.locator('.monaco-workbench');
  await waitUntil(
    `the workbench to switch to ${theme.label}`,
    async () => ((await workbench.getAttribute('class')) ?? '').split(/\s+/).includes(theme.workbenchClass),
    10_000,
    async () => `workbench classes: ${await workbench.getAttribute('class')}`,
  );
  if (webview) await webview.locator(`body.${theme.bodyClass}`).waitFor({ timeout: 15_000 });
  // Let React Flow and the web components repaint with the new colours.
  await new Promise((resolve) => setTimeout(resolve, 500));
}
