import type { TaskSpec } from '../dag/dagFile';
import { parseDurationMs } from '../dag/parseDuration';
import { TaskArguments } from './TaskArguments';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const DEFAULT_TIMEOUT_MS = 30_000;
/** Query parameters whose values are credentials: shown as `***` in logs and messages. */
const SECRET_PARAM = /key|token|secret|passw|pwd|auth|signature|sig$|appid|credential/i;

/** A request ready for `fetch`, built from an http task's rendered arguments. */
export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  /** The URL with credential-like query values masked, for logs and messages. */
  displayUrl: string;
  headers: Headers;
  body: string | URLSearchParams | undefined;
  timeoutMs: number;
}

/**
 * Reads `url`, `method` (GET by default), `headers`, `params` (query string; a list repeats the
 * key), `json` or `data` (a string as is, an object form-encoded; with GET, `data` goes to the
 * query string as in Airflow's HttpHook) and `timeout` (seconds or "30s"; 30 s by default).
 * Throws an Error naming the task and argument when one is invalid.
 */
export function buildHttpRequest(task: TaskSpec): HttpRequest {
  const args = new TaskArguments(task);
  const rawUrl = args.requiredString('url');
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw args.error('url', `is not a valid absolute URL: "${rawUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw args.error('url', `must be an http:// or https:// URL, got "${url.protocol}"`);

  const method = (args.optionalString('method') ?? 'GET').toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method))
    throw args.error('method', `must be one of ${HTTP_METHODS.join(', ')}, got "${method}"`);

  const headers = new Headers();
  for (const [name, value] of Object.entries(args.optionalStringMap('headers') ?? {})) {
    try {
      headers.set(name, value);
    } catch {
      throw args.error(`headers.${name}`, 'is not a valid HTTP header name or value');
    }
  }
  appendQuery(url, args.optionalObject('params') ?? {});

  const json = task.json;
  const data = task.data;
  if (json !== undefined && data !== undefined) throw args.error('data', 'and "json" cannot both be set: choose one request body');
  let body: string | URLSearchParams | undefined;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  } else if (typeof data === 'string') {
    if (method === 'GET') url.search += `${url.search ? '&' : ''}${data.replace(/^[?&]/, '')}`;
    else body = data;
  } else if (data !== undefined && data !== null) {
    if (typeof data !== 'object' || Array.isArray(data)) throw args.error('data', 'must be a string or an object');
    if (method === 'GET') appendQuery(url, data as Record<string, unknown>);
    else body = formBody(data as Record<string, unknown>);
  }

  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (task.timeout !== undefined && task.timeout !== null) {
    const parsed = parseDurationMs(task.timeout);
    if (parsed === undefined || parsed <= 0)
      throw args.error('timeout', `must be a positive duration such as 30 or "30s", got ${JSON.stringify(task.timeout)}`);
    timeoutMs = parsed;
  }
  return { method: method as HttpMethod, url, displayUrl: redactUrl(url), headers, body, timeoutMs };
}

/** The URL with the values of credential-like query parameters replaced by `***`. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  for (const name of new Set(copy.searchParams.keys())) {
    if (SECRET_PARAM.test(name)) copy.searchParams.set(name, '***');
  }
  if (copy.password) copy.password = '***';
  return copy.href.replace(/%2A%2A%2A/g, '***');
}

function appendQuery(url: URL, params: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(params)) {
    // As in Python's requests: None is left out, a list repeats the key.
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      url.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
}

function formBody(data: Record<string, unknown>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(data)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      form.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
  return form;
}
