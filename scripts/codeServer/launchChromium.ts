import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { assertPrerequisites, CHROMIUM, chromiumPath } from '../checkPrerequisites';

export interface LaunchedChromium {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile; safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchChromiumOptions {
  /** Defaults to headless; `DAGSTREAM_HEADED=1` shows the window when a display is available. */
  readonly headless?: boolean;
  readonly viewport?: { readonly width: number; readonly height: number };
}

/**
 * Chromium flags for a machine with no network but the registries and 127.0.0.1: without the
 * background-networking ones Chromium floods the closed network with connection attempts.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium driven by playwright-core (no browser download), with a fresh profile. */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<LaunchedChromium> {
  assertPrerequisites('launch Chromium for the UI tests', [CHROMIUM]);
  const profileDir = await mkdtemp(join(tmpdir(), 'dagstream-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath(),
      headless: options.headless ?? !process.env.DAGSTREAM_HEADED,
      args: [...CHROMIUM_ARGS],
      // Chromium's crash reporter and dconf write under ~/.config and ~/.cache: keep them in the profile.
      env: {
        ...process.env,
        XDG_CONFIG_HOME: join(profileDir, 'xdg-config'),
        XDG_CACHE_HOME: join(profileDir, 'xdg-cache'),
      },
      viewport: options.viewport ?? { width: 1400, height: 900 },
      // Playwright's own handlers would exit the process on Ctrl+C before our cleanup stops
      // code-server; callers handle signals and call close(). (It still kills Chromium on exit.)
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw new Error(`Could not launch Chromium (${chromiumPath()}): ${(error as Error).message}`, { cause: error });
  }
  let closed = false;
  return {
    context,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
