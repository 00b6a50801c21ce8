import { format } from 'node:util';
import type { BrowserContext } from 'playwright-core';
import { RESULT_MARKER, START_MARKER } from './suite/suiteMarkers';

export interface RunSuiteOptions {
  /** code-server's workbench URL with `?folder=` (see `startCodeServer`). */
  readonly workbenchUrl: string;
  /** The extension under test, loaded as if with --extensionDevelopmentPath. */
  readonly extensionDevelopmentPath: string;
  /** The compiled suite's index.js (exports `run()`), as with --extensionTestsPath. */
  readonly extensionTestsPath: string;
  readonly timeoutMs: number;
  /** Where to save a screenshot of the workbench when the suite fails or times out. */
  readonly failureScreenshot?: string;
  /** Each line the suite logs (mocha's report), as it arrives. */
  readonly onLog: (line: string) => void;
}

export interface SuiteRunResult {
  /**
   * The extension host's exit code: 0 when `run()` resolved; undefined when it did not report
   * within the timeout (if the suite logged nothing at all, the workbench ignored the payload:
   * code-server 4.139 needs `--vscode-option enable-smoke-test-driver`).
   */
  readonly exitCode: number | undefined;
  readonly durationMs: number;
  /** From the suite's result line; undefined when the suite never got to report. */
  readonly counts: SuiteCounts | undefined;
  /** What the workbench logged outside the suite (connections, gallery errors): for diagnosis. */
  readonly workbenchLog: readonly string[];
}

export interface SuiteCounts {
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
}

/**
 * Runs the in-editor suite inside code-server's real extension host. code-server's CLI rejects
 * --extensionDevelopmentPath/--extensionTestsPath, but its workbench reads the same settings from
 * the `payload` query, and reports the result through the smoke-test automation hooks
 * (`codeAutomationLog`, `codeAutomationExit`) that we expose on the page.
 */
export async function runSuiteInCodeServer(context: BrowserContext, options: RunSuiteOptions): Promise<SuiteRunResult> {
  const started = Date.now();
  const page = await context.newPage();
  try {
    let settle: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => {
      settle = resolve;
    });
    // The relay carries the workbench's own log too; only the suite's lines (between its markers)
    // are the report, the rest is kept for when something goes wrong.
    const workbenchLog: string[] = [];
    let counts: SuiteCounts | undefined;
    let inSuite = false;
    await page.exposeFunction('codeAutomationLog', (_type: unknown, args: unknown) => {
      const lines = formatLog(args);
      // The workbench's own errors (e.g. the unreachable extension gallery) carry stack frames in
      // its bundle and may arrive while the suite runs.
      if (lines.some((line) => WORKBENCH_FRAME.test(line))) {
        workbenchLog.push(...lines);
        return;
      }
      for (const line of lines) {
        if (line.includes(START_MARKER)) {
          inSuite = true;
        } else if (line.includes(RESULT_MARKER)) {
          inSuite = false;
          counts = parseCounts(line);
        } else if (inSuite) {
          options.onLog(line);
        } else {
          workbenchLog.push(line);
        }
      }
    });
    await page.exposeFunction('codeAutomationExit', (code: unknown) => {
      settle(typeof code === 'number' ? code : Number(code));
    });

    const payload: ReadonlyArray<readonly [string, string]> = [
      ['extensionDevelopmentPath', remoteUri(options.extensionDevelopmentPath)],
      ['extensionTestsPath', remoteUri(options.extensionTestsPath)],
      ['skipWelcome', 'true'],
    ];
    const url = `${options.workbenchUrl}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded' });

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    try {
      const outcome = await Promise.race([exited, timedOut]);
      const durationMs = Date.now() - started;
      if (outcome !== 0 && options.failureScreenshot) {
        await page.screenshot({ path: options.failureScreenshot, fullPage: true }).catch(() => undefined);
      }
      if (outcome === 'timeout') return { exitCode: undefined, durationMs, counts, workbenchLog };
      return { exitCode: outcome, durationMs, counts, workbenchLog };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await page.close().catch(() => undefined);
  }
}

const WORKBENCH_FRAME = /\bat .*https?:\/\/[^ ]*\/static\/out\/vs\//;

/** Paths on the code-server machine, as the workbench's remote file system names them. */
function remoteUri(path: string): string {
  return `vscode-remote://remote${encodeURI(path)}`;
}

/** The workbench relays console calls as `(level, args)` with printf-style args (mocha uses `%s`). */
function formatLog(args: unknown): string[] {
  const parts: unknown[] = Array.isArray(args) ? args : [args];
  return format(...parts)
    .replace(/\r\n/g, '\n')
    .replace(/\n$/, '')
    .split('\n');
}

function parseCounts(line: string): SuiteCounts | undefined {
  const json = line.slice(line.indexOf(RESULT_MARKER) + RESULT_MARKER.length).trim();
  try {
    const parsed = JSON.parse(json) as Partial<Record<keyof SuiteCounts, unknown>>;
    const number = (value: unknown): number => (typeof value === 'number' ? value : 0);
    return { passed: number(parsed.passed), failed: number(parsed.failed), pending: number(parsed.pending) };
  } catch {
    return undefined;
  }
}
