/**
 * The task launcher: a small Node process (run with `node -e`, CommonJS, no dependencies) that
 * starts task processes on behalf of the engine. See TaskLauncher for why it exists.
 *
 * Protocol: one JSON object per line. Requests on stdin:
 *   {"id", "command", "args", "cwd", "env", "logFile"}
 * Replies on stdout, in the order things happen:
 *   {"id", "pid", "token"}            the process runs, leader of its own process group
 *   {"id", "error": {code, message}}  it could not be started (ENOENT, EACCES, a missing cwd ...)
 *   {"id", "exit": [code, signal]}    its main process ended
 * The process's stdout and stderr are the try's log file, opened here for appending.
 *
 * The launcher ignores SIGINT, SIGTERM and SIGHUP: a Ctrl+C in the terminal reaches the whole
 * foreground process group, and the engine, which handles it, still needs to hear its tasks
 * end. It exits when its stdin closes, that is when the engine has exited; tasks still running
 * then are left as they would be by the engine itself (the next scheduler reaps them).
 */
export const TASK_LAUNCHER_PROGRAM = String.raw`
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function describe(error) {
  return { code: error && error.code, message: String(error && error.message ? error.message : error) };
}

// The process's identity, read before this launcher can reap it (so it is at least a zombie):
// its start time, field 22 of /proc/<pid>/stat (the command name may hold spaces and parentheses).
function readToken(pid) {
  try {
    const text = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function launch(request) {
  let fd;
  try {
    fd = fs.openSync(request.logFile, 'a');
  } catch (error) {
    send({ id: request.id, error: describe(error) });
    return;
  }
  let child;
  try {
    child = spawn(request.command, request.args, { cwd: request.cwd, env: request.env, stdio: ['ignore', fd, fd], detached: true });
  } catch (error) {
    send({ id: request.id, error: describe(error) });
    return;
  } finally {
    fs.closeSync(fd);
  }
  if (child.pid === undefined) {
    child.once('error', (error) => send({ id: request.id, error: describe(error) }));
    return;
  }
  child.on('error', () => undefined);
  child.once('exit', (code, signal) => send({ id: request.id, exit: [code, signal] }));
  send({ id: request.id, pid: child.pid, token: readToken(child.pid) });
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let end;
  while ((end = pending.indexOf('\n')) !== -1) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    if (line.length > 0) launch(JSON.parse(line));
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdout.on('error', () => process.exit(0));
`;
