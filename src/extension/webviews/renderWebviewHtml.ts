import * as vscode from 'vscode';
import { createNonce } from './createNonce';

/**
 * The webview surfaces that Vite builds into `dist/webview/<name>.js` and `<name>.css`, one per
 * folder `webview/<name>/` with a `main.tsx`.
 */
export type WebviewSurface = 'canvas' | 'sqlResults' | 'dashboard' | 'messageBrowser' | 'runViews';

/** Where the built webview bundles live; also each webview's only `localResourceRoots` entry. */
export function webviewAssetsRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/**
 * The HTML shell of a webview: a strict Content-Security-Policy (nothing by default, scripts
 * only with this document's nonce, styles and images only from the extension's own files), and
 * resources addressed through `asWebviewUri`. No inline script and no `unsafe-eval`.
 */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, surface: WebviewSurface, title: string): string {
  const nonce = createNonce();
  const root = webviewAssetsRoot(extensionUri);
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(root, `${surface}.js`));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(root, `${surface}.css`));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${styleUri.toString()}" nonce="${nonce}">
  <title>${escapeHtml(title)}</title>
</head>
<body>
  <div id="root"></div>
  <script nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
