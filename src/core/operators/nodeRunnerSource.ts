/**
 * The Node side of a node task, run with `node -e` (CommonJS). It reads its input from the file
 * in DAGSTREAM_CONTEXT_FILE ({load, entryFile, compiledFile, displayFile, context, ti, xcoms}),
 * loads the task's module, awaits its default export with the context and writes the outcome as
 * JSON to DAGSTREAM_RESULT_FILE: stdout and stderr belong to the user and go to the log.
 *
 * - `load: "import"` (.mjs, .cjs files): Node's own loader.
 * - `load: "compiled"` (TypeScript, .js files and inline code): CommonJS produced by sucrase in
 *   the engine, compiled here as if it lived at `entryFile`, so `require` and relative paths
 *   resolve from the user's folder and its node_modules.
 * The process exits once the function has settled, even if it left timers or sockets open.
 * An error named `AirflowSkipException` (`context.AirflowSkipException` is such a class)
 * skips the task.
 */
export const NODE_RUNNER_SOURCE = String.raw`
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

class AirflowSkipException extends Error {
  constructor(message) {
    super(message);
    this.name = 'AirflowSkipException';
  }
}

function report(result) {
  const file = process.env.DAGSTREAM_RESULT_FILE;
  fs.writeFileSync(file + '.tmp', result);
  fs.renameSync(file + '.tmp', file);
}

function buildContext(spec) {
  const pullOne = (taskId) => {
    if (!Object.prototype.hasOwnProperty.call(spec.xcoms, taskId)) {
      const available = Object.keys(spec.xcoms).sort().join(', ') || 'none';
      throw new Error('ti.xcom_pull(' + JSON.stringify(taskId) + '): a node task can pull the values of its upstream tasks only (upstream: ' + available + '). Add ' + JSON.stringify(taskId) + " to this task's upstream.");
    }
    return spec.xcoms[taskId];
  };
  const ti = {
    ...spec.ti,
    xcom_pull(taskIds, key) {
      if (key !== undefined && key !== null && key !== 'return_value') throw new Error("ti.xcom_pull: only the 'return_value' XCom is available to node tasks");
      if (Array.isArray(taskIds)) return taskIds.map(pullOne);
      if (typeof taskIds !== 'string') throw new Error("ti.xcom_pull needs a task id, e.g. ti.xcom_pull('extract')");
      return pullOne(taskIds);
    },
  };
  return { ...spec.context, ti, task_instance: ti, AirflowSkipException };
}

async function load(spec) {
  if (spec.load === 'import') return import(pathToFileURL(spec.entryFile).href);
  // compiledFile is a name in the folder of the context file (the try's temporary folder).
  const code = fs.readFileSync(path.join(path.dirname(process.env.DAGSTREAM_CONTEXT_FILE), spec.compiledFile), 'utf8');
  const module = { exports: {} };
  const wrapper = vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: spec.displayFile });
  wrapper.call(module.exports, module.exports, createRequire(spec.entryFile), module, spec.entryFile, path.dirname(spec.entryFile));
  return module.exports;
}

function entryPoint(loaded) {
  let candidate = loaded;
  for (let depth = 0; depth < 3 && candidate && typeof candidate !== 'function'; depth++) candidate = candidate.default;
  if (typeof candidate === 'function') return candidate;
  if (loaded && typeof loaded.main === 'function') return loaded.main;
  return undefined;
}

function describe(error) {
  if (error && typeof error === 'object' && typeof error.message === 'string') {
    const name = typeof error.name === 'string' && error.name ? error.name : 'Error';
    return name + ': ' + error.message;
  }
  return 'Thrown value: ' + String(error);
}

async function run() {
  const spec = JSON.parse(fs.readFileSync(process.env.DAGSTREAM_CONTEXT_FILE, 'utf8'));
  try {
    const main = entryPoint(await load(spec));
    if (!main) {
      const error = 'The module has no default export to call. Write: export default async function (context) { ... return value; }';
      console.error(error);
      report(JSON.stringify({ state: 'failed', error }));
      return 1;
    }
    const value = await main(buildContext(spec));
    if (value === undefined || value === null) {
      report('{"state":"success"}');
      return 0;
    }
    let json;
    let problem;
    try {
      json = JSON.stringify(value);
    } catch (error) {
      problem = describe(error);
    }
    if (json === undefined) {
      const error = 'The default export returned a value that is not JSON-serialisable (' + (problem || typeof value) + '). Return objects, arrays, strings, numbers, booleans or null.';
      console.error(error);
      report(JSON.stringify({ state: 'failed', error }));
      return 1;
    }
    report('{"state":"success","xcom":' + json + '}');
    return 0;
  } catch (error) {
    if (error && error.name === 'AirflowSkipException') {
      const message = typeof error.message === 'string' ? error.message : '';
      console.error('Skipping: ' + (message || 'AirflowSkipException thrown'));
      report(JSON.stringify({ state: 'skipped', message }));
      return 0;
    }
    console.error(error && error.stack ? error.stack : describe(error));
    report(JSON.stringify({ state: 'failed', error: describe(error) }));
    return 1;
  }
}

run().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
`;
