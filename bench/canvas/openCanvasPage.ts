import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

// These functions run inside the page (page.evaluate); the project compiles without the DOM library.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const window: any;

const ORIGIN = 'https://dagstream.bench';

/** Theme variables a VS Code webview gets from the workbench (Dark Modern), so the canvas paints as it does there. */
const THEME_CSS = `
  body { margin: 0; padding: 0; width: 100vw; height: 100vh; overflow: hidden;
    --vscode-font-family: sans-serif; --vscode-font-size: 13px;
    --vscode-editor-background: #1f1f1f; --vscode-editor-foreground: #cccccc; --vscode-foreground: #cccccc;
    --vscode-focusBorder: #0078d4; --vscode-panel-border: #2b2b2b; --vscode-sideBar-background: #181818;
    --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-input-background: #313131;
    --vscode-input-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-errorForeground: #f85149;
    --vscode-charts-green: #89d185; --vscode-charts-red: #f14c4c; --vscode-charts-blue: #3794ff; --vscode-charts-yellow: #cca700;
    background: var(--vscode-editor-background); color: var(--vscode-editor-foreground); }
`;

/**
 * A cross-origin isolated page: without it Chromium coarsens performance.now() and the frame
 * timestamps to 100 microseconds (with jitter), which turns frames of exactly one 60 Hz vsync
 * (16.667 ms) into intervals of 16.5 to 16.8 ms. Isolated, the timestamps are precise to a few
 * microseconds, so frame intervals are what they are.
 */
const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * The real canvas bundle (dist/webview/canvas.js) in a page of its own, with a stand-in for VS
 * Code's webview API: what the webview posts lands in `window.__bench.posted`, edits are
 * acknowledged, and the host's notifications are delivered with `window.postMessage` exactly as
 * VS Code delivers them. Files are served from dist/webview through request interception (no
 * server, no network).
 */
export async function openCanvasPage(context: BrowserContext, distDir: string): Promise<Page> {
  const page = await context.newPage();
  await page.route(`${ORIGIN}/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(1);
    if (name === 'index.html') {
      await route.fulfill({
        contentType: 'text/html',
        headers: ISOLATION_HEADERS,
        body: `<!DOCTYPE html><html><head><meta charset="UTF-8"><link rel="stylesheet" href="canvas.css"><style>${THEME_CSS}</style></head>
<body class="vscode-dark"><div id="root"></div><script src="canvas.js"></script></body></html>`,
      });
      return;
    }
    const file = path.join(distDir, path.normalize(name));
    if (!file.startsWith(distDir)) return route.fulfill({ status: 404 });
    try {
      const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.css') ? 'text/css' : 'application/octet-stream';
      await route.fulfill({ contentType: type, headers: ISOLATION_HEADERS, body: await readFile(file) });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  // tsx compiles with esbuild's keepNames, which wraps functions in `__name(...)`; the functions
  // we send to the page carry those calls, so the page needs the helper too.
  await page.addInitScript({ content: 'globalThis.__name = (target) => target;' });
  await page.addInitScript(() => {
    const bench = { posted: [] as unknown[], state: undefined as unknown, ready: false };
    (window as unknown as { __bench: typeof bench }).__bench = bench;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => ({
      postMessage: (message: { type: string; requestId?: number }) => {
        bench.posted.push(message);
        if (message.type === 'canvas/ready') bench.ready = true;
        if (message.type === 'canvas/edit')
          window.postMessage(
            { type: 'canvas/didApplyEdit', requestId: message.requestId, ok: false, reason: 'benchmark: edits are not applied' },
            '*',
          );
      },
      getState: () => bench.state,
      setState: (state: unknown) => (bench.state = state),
    });
  });
  await page.goto(`${ORIGIN}/index.html`);
  if (!(await page.evaluate(() => (globalThis as unknown as { crossOriginIsolated: boolean }).crossOriginIsolated)))
    throw new Error('The bench page is not cross-origin isolated: its frame timestamps would be coarse.');
  await page.waitForFunction(() => (window as unknown as { __bench: { ready: boolean } }).__bench.ready, undefined, { timeout: 30_000 });
  return page;
}
