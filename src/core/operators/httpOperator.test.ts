import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../dag/dagFile';
import { createTestRunContext, removeTestWorkspaces } from '../executor/createTestRunContext';
import type { TaskRunContext } from '../executor/taskExecution';
import { startTask } from './operatorRegistry';

let server: Server;
let base: string;

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  void readBody(request).then((body) => {
    if (url.pathname === '/echo') {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(
        JSON.stringify({
          method: request.method,
          query: Object.fromEntries(url.searchParams),
          header: request.headers['x-city'] ?? null,
          contentType: request.headers['content-type'] ?? null,
          body,
        }),
      );
    } else if (url.pathname === '/text') {
      response.end('plain text\n');
    } else if (url.pathname === '/fail') {
      response.statusCode = 500;
      response.end(`database exploded ${'x'.repeat(1000)}`);
    } else if (url.pathname === '/slow') {
      setTimeout(() => response.end('{"late":true}'), 5000).unref();
    } else {
      response.statusCode = 204;
      response.end();
    }
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function http(extra: Partial<TaskSpec>): TaskSpec {
  return { task_id: 'fetch', operator: 'http', url: `${base}/echo`, ...extra };
}

async function run(task: TaskSpec, context: TaskRunContext = createTestRunContext({ taskId: 'fetch' })) {
  const running = startTask(task, context);
  const outcome = await running.outcome;
  return { running, outcome, log: readFileSync(context.logFile, 'utf8') };
}

afterAll(removeTestWorkspaces);

describe('http operator', () => {
  it('GETs with templated params and headers; a JSON response is the XCom; the log has a summary', async () => {
    const { running, outcome, log } = await run(
      http({ params: { city: '{{ params.city }}', day: '{{ ds }}', n: 3, api_key: 's3cret' }, headers: { 'X-City': '{{ params.city }}' } }),
    );
    expect(running.pid).toBeUndefined();
    expect(outcome).toEqual({
      state: 'success',
      xcom: {
        method: 'GET',
        query: { city: 'Lisbon', day: '2026-11-25', n: '3', api_key: 's3cret' },
        header: 'Lisbon',
        contentType: null,
        body: '',
      },
    });
    expect(log).toContain(`INFO - Sending HTTP GET ${base}/echo?city=Lisbon&day=2026-11-25&n=3&api_key=*** (headers: x-city)`);
    expect(
      log
        .split('\n')
        .filter((line) => line.includes('{dagstream.http}'))
        .join('\n'),
    ).not.toContain('s3cret');
    expect(log).toMatch(/INFO - Received 200 OK in \d+ms \(\d+ bytes, application\/json; charset=utf-8\)/);
  });

  it('POSTs a JSON body, with XComs rendered into it', async () => {
    const context = createTestRunContext({ taskId: 'fetch', xcoms: { extract: { temp: 31.5 } } });
    const { outcome } = await run(http({ method: 'POST', json: { reading: "{{ ti.xcom_pull('extract') }}", day: '{{ ds }}' } }), context);
    expect(outcome.xcom).toMatchObject({
      method: 'POST',
      contentType: 'application/json',
      body: '{"reading":"{\\"temp\\":31.5}","day":"2026-11-25"}',
    });
  });

  it('renders native values with renderTemplateAsNativeObj', async () => {
    const context = createTestRunContext({ taskId: 'fetch', xcoms: { extract: { temp: 31.5 } }, renderTemplateAsNativeObj: true });
    const { outcome } = await run(http({ method: 'PUT', json: { reading: "{{ ti.xcom_pull('extract') }}" } }), context);
    expect(outcome.xcom).toMatchObject({ method: 'PUT', body: '{"reading":{"temp":31.5}}' });
  });

  it('sends form data, and returns text and empty bodies as such', async () => {
    expect((await run(http({ method: 'PATCH', data: { a: 1, b: 'x y' } }))).outcome.xcom).toMatchObject({
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'a=1&b=x+y',
    });
    expect((await run(http({ url: `${base}/text` }))).outcome).toEqual({ state: 'success', xcom: 'plain text\n' });
    expect((await run(http({ url: `${base}/empty`, method: 'DELETE' }))).outcome).toEqual({ state: 'success' });
  });

  it('fails on a non-2xx status with the status and the start of the body', async () => {
    const { outcome, log } = await run(http({ url: `${base}/fail` }));
    expect(outcome.state).toBe('failed');
    expect(outcome.error).toMatch(new RegExp(`^HTTP GET ${base}/fail returned 500 Internal Server Error: database exploded x+\\.\\.\\.$`));
    expect(outcome.error!.length).toBeLessThan(600);
    expect(log).toContain('ERROR - Task failed: HTTP GET');
  });

  it('fails when the timeout passes without a response', async () => {
    const started = Date.now();
    const { outcome } = await run(http({ url: `${base}/slow`, timeout: 0.3 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome).toEqual({
      state: 'failed',
      error: `HTTP GET ${base}/slow timed out after 300ms (timeout); no complete response arrived`,
    });
  });

  it('honours execution_timeout and kill()', async () => {
    const context = createTestRunContext({ taskId: 'fetch', executionTimeoutMs: 300 });
    const timedOut = await run(http({ url: `${base}/slow` }), context);
    expect(timedOut.outcome).toEqual({ state: 'failed', timedOut: true, error: 'Timed out after 300ms (execution_timeout)' });
    expect(timedOut.log).toContain('WARNING - Timed out after 300ms (execution_timeout); the request was aborted');
    const running = startTask(http({ url: `${base}/slow` }), createTestRunContext({ taskId: 'fetch' }));
    setTimeout(() => running.kill('Killed: the run was cancelled'), 100);
    expect(await running.outcome).toEqual({ state: 'failed', error: 'Killed: the run was cancelled' });
  });

  it('reports connection errors and invalid arguments', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await run(http({ url: `http://127.0.0.1:${port}/nothing` }));
    expect(refused.outcome.error).toBe(
      `HTTP GET http://127.0.0.1:${port}/nothing failed: connect ECONNREFUSED 127.0.0.1:${port}. Check the URL and that the server is reachable.`,
    );
    expect((await run(http({ url: 'not a url' }))).outcome.error).toBe(
      'Task "fetch": argument "url" is not a valid absolute URL: "not a url".',
    );
    expect((await run(http({ method: 'TRACE' }))).outcome.error).toContain(
      'argument "method" must be one of GET, POST, PUT, PATCH, DELETE',
    );
  });

  it('evaluates response_check in a child process', async () => {
    expect(
      (await run(http({ response_check: "response.status === 200 && response.json.query.city === 'Lisbon'", params: { city: 'Lisbon' } })))
        .outcome.state,
    ).toBe('success');
    expect((await run(http({ response_check: 'response.json.method === "POST"' }))).outcome).toEqual({
      state: 'failed',
      error: 'response_check returned a falsy value: response.json.method === "POST"',
    });
    expect((await run(http({ response_check: 'response.nope.deeper' }))).outcome.error).toMatch(
      /^response_check threw TypeError: Cannot read properties of undefined/,
    );
  });
});
