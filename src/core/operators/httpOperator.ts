import type { TaskSpec } from '../dag/dagFile';
import { failedBeforeStart } from '../executor/failedBeforeStart';
import { formatDuration } from '../executor/formatDuration';
import type { TaskLog } from '../executor/TaskLog';
import type { Operator, RunningTask, TaskOutcome, TaskRunContext } from '../executor/taskExecution';
import { buildHttpRequest, type HttpRequest } from './buildHttpRequest';
import { runResponseCheck } from './runResponseCheck';
import { startInProcessTask } from './startInProcessTask';

const ERROR_BODY_CHARS = 500;
const LOGGED_BODY_CHARS = 4000;

/**
 * Calls a REST API and returns its response as the XCom: parsed JSON when the response is JSON
 * (by Content-Type, or a body that starts like a JSON object or array), its text otherwise, none
 * for an empty body. A status outside 2xx fails the task with the status and the start of the
 * body. It runs in the engine's process with Node's `fetch`: it is async I/O, not user code
 * (its optional `response_check` expression is, and runs in a child process).
 * `kill`, `timeout` and `execution_timeout` abort the request.
 */
export const httpOperator: Operator = {
  name: 'http',
  untemplatedArguments: ['response_check'],
  start(task: TaskSpec, context: TaskRunContext): RunningTask {
    let request: HttpRequest;
    try {
      request = buildHttpRequest(task);
    } catch (error) {
      return failedBeforeStart(context, 'http', error);
    }
    const responseCheck = typeof task.response_check === 'string' ? task.response_check : undefined;
    const what = `HTTP ${request.method} ${request.displayUrl}`;
    return startInProcessTask(context, 'http', (log, signal) => perform(request, responseCheck, context, log, signal), {
      stopNote: 'the request was aborted',
      deadline: {
        ms: request.timeoutMs,
        error: `${what} timed out after ${formatDuration(request.timeoutMs)} (timeout); no complete response arrived`,
      },
      describeError: (error) => `${what} failed: ${describeFetchError(error)}. Check the URL and that the server is reachable.`,
    });
  },
};

async function perform(
  request: HttpRequest,
  responseCheck: string | undefined,
  context: TaskRunContext,
  log: TaskLog,
  signal: AbortSignal,
): Promise<TaskOutcome> {
  const what = `HTTP ${request.method} ${request.displayUrl}`;
  const headerNames = [...request.headers.keys()];
  // Header names only: values are often credentials.
  log.info(
    `Sending ${what}${headerNames.length ? ` (headers: ${headerNames.join(', ')})` : ''}${request.body === undefined ? '' : ` with a ${bodySize(request.body)}-byte body`}`,
  );
  const started = performance.now();
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal,
    redirect: 'follow',
  });
  const text = await response.text();
  const elapsed = formatDuration(performance.now() - started);
  const contentType = response.headers.get('content-type') ?? '';
  log.info(
    `Received ${response.status} ${response.statusText} in ${elapsed} (${Buffer.byteLength(text)} bytes${contentType ? `, ${contentType}` : ''})`,
  );
  if (text)
    log.write(
      `${text.length > LOGGED_BODY_CHARS ? `${text.slice(0, LOGGED_BODY_CHARS)}\n... (${text.length - LOGGED_BODY_CHARS} more characters)` : text}\n`,
    );

  if (!response.ok) {
    const excerpt = text.length > ERROR_BODY_CHARS ? `${text.slice(0, ERROR_BODY_CHARS)}...` : text;
    return { state: 'failed', error: `${what} returned ${response.status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}` };
  }
  const body = parseBody(text, contentType, log);
  if (responseCheck !== undefined) {
    const headers = Object.fromEntries(response.headers.entries());
    const check = await runResponseCheck(
      responseCheck,
      { status: response.status, headers, json: body.json ?? null, text },
      context,
      log,
      signal,
    );
    if (!check.passed) return { state: 'failed', error: check.error };
    log.info('response_check passed');
  }
  return { state: 'success', ...(body.xcom === undefined ? {} : { xcom: body.xcom }) };
}

function parseBody(text: string, contentType: string, log: TaskLog): { xcom: unknown; json: unknown } {
  if (text.trim() === '') return { xcom: undefined, json: undefined };
  const declaredJson = /[/+]json\b/i.test(contentType);
  if (declaredJson || /^\s*[[{]/.test(text)) {
    try {
      const json: unknown = JSON.parse(text);
      return { xcom: json, json };
    } catch {
      if (declaredJson) log.warning('The response says it is JSON but does not parse as JSON; its text is the XCom');
    }
  }
  return { xcom: text, json: undefined };
}

function bodySize(body: string | URLSearchParams): number {
  return Buffer.byteLength(typeof body === 'string' ? body : body.toString());
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" with the real reason (ECONNREFUSED, ENOTFOUND...) as the cause.
  const cause = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error.message;
}
