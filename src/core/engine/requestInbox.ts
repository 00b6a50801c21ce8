import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EngineRequest, EngineResponse } from './engineRequests';

/**
 * How a command reaches the scheduler that holds a workspace's lock: a JSON file per request in
 * `.dagstream/requests/`, answered by a `.response.json` beside it. Files are written to a temp
 * name and renamed, so neither side ever reads half a message.
 */
export function requestsDir(workspaceDir: string): string {
  return path.join(workspaceDir, '.dagstream', 'requests');
}

function writeAtomically(file: string, value: unknown): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, JSON.stringify(value));
  renameSync(temp, file);
}

/** Sends a request and waits for the scheduler's answer. */
export async function sendEngineRequest(workspaceDir: string, request: EngineRequest, timeoutMs = 15_000): Promise<EngineResponse> {
  const dir = requestsDir(workspaceDir);
  mkdirSync(dir, { recursive: true });
  const id = `${Date.now()}-${randomUUID()}`;
  writeAtomically(path.join(dir, `${id}.request.json`), request);
  const responseFile = path.join(dir, `${id}.response.json`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = JSON.parse(readFileSync(responseFile, 'utf8')) as EngineResponse;
      rmSync(responseFile, { force: true });
      return response;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  rmSync(path.join(dir, `${id}.request.json`), { force: true });
  return {
    ok: false,
    error: `The scheduler holding ${workspaceDir}/.dagstream/scheduler.lock did not answer within ${timeoutMs / 1000} s; is it still running?`,
  };
}

/** Takes pending requests (oldest first) and answers each with `handle`'s response. */
export function serveEngineRequests(workspaceDir: string, handle: (request: EngineRequest) => EngineResponse): number {
  const dir = requestsDir(workspaceDir);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.request.json'))
      .sort();
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    let response: EngineResponse;
    try {
      response = handle(JSON.parse(readFileSync(file, 'utf8')) as EngineRequest);
    } catch (error) {
      response = { ok: false, error: `Unreadable request ${name}: ${error instanceof Error ? error.message : String(error)}` };
    }
    rmSync(file, { force: true });
    writeAtomically(path.join(dir, name.replace(/\.request\.json$/, '.response.json')), response);
  }
  return names.length;
}
