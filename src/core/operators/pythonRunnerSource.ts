/**
 * The Python side of a python task, run with `python3 -c`. It reads its input from the file in
 * DAGSTREAM_CONTEXT_FILE ({code | code_file, filename, workspace, op_kwargs, context, ti, xcoms}),
 * loads the user's code as a module named `dagstream_task` (so an `if __name__ == "__main__":`
 * block does not run), calls its `main`, and writes the outcome as JSON to DAGSTREAM_RESULT_FILE:
 * stdout and stderr belong to the user and go to the log.
 *
 * `main` is called the way its signature asks: `main()`, `main(context)` (plus op_kwargs as
 * keyword arguments), or Airflow's style, `main(**context)` / `main(ds, params, city)`, where
 * parameters are filled by name from the context and op_kwargs. An `async def main` is awaited.
 * Raising `AirflowSkipException` (injected into the module, also `from dagstream import ...`;
 * Airflow's own class is recognised too, by name) skips the task.
 */
export const PYTHON_RUNNER_SOURCE = String.raw`
import sys
# With -c, the working folder (the workspace) comes first on sys.path: a user's json.py or
# types.py there would replace the modules this runner needs. The workspace is added back,
# after them, for the user's own imports.
if sys.path and sys.path[0] in ('', '.'):
    sys.path.pop(0)
import asyncio, inspect, json, linecache, os, traceback, types

import datetime, decimal

class AirflowException(Exception):
    """Base of Airflow's task exceptions."""

class AirflowSkipException(AirflowException):
    """Raise to mark the task skipped, as in Airflow."""

class AirflowFailException(AirflowException):
    """Raise to fail the task without using its retries, as in Airflow."""

_dagstream = types.ModuleType('dagstream')
_dagstream.AirflowException = AirflowException
_dagstream.AirflowSkipException = AirflowSkipException
_dagstream.AirflowFailException = AirflowFailException
sys.modules['dagstream'] = _dagstream

# Code written for Airflow imports its exceptions from airflow.exceptions. Without Airflow
# installed, a stand-in module offers the same names, so the same file runs in both.
try:
    import airflow.exceptions  # noqa: F401
except Exception:
    _airflow = types.ModuleType('airflow')
    _airflow_exceptions = types.ModuleType('airflow.exceptions')
    _airflow_exceptions.AirflowException = AirflowException
    _airflow_exceptions.AirflowSkipException = AirflowSkipException
    _airflow_exceptions.AirflowFailException = AirflowFailException
    _airflow.exceptions = _airflow_exceptions
    _airflow.__path__ = []
    sys.modules['airflow'] = _airflow
    sys.modules['airflow.exceptions'] = _airflow_exceptions


class _AttrDict(dict):
    """A dict whose keys are also attributes: context['task'].task_id works as in Airflow."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


# Context values that are pendulum DateTimes in Airflow; here aware datetimes in UTC.
_DATETIME_KEYS = ('logical_date', 'execution_date', 'data_interval_start', 'data_interval_end')


def _to_datetime(value):
    if not isinstance(value, str):
        return value
    try:
        return datetime.datetime.fromisoformat(value.replace('Z', '+00:00'))
    except ValueError:
        return value


def _airflow_context(raw):
    context = dict(raw)
    for key in _DATETIME_KEYS:
        if key in context:
            context[key] = _to_datetime(context[key])
    for key in ('dag', 'task', 'dag_run'):
        if isinstance(context.get(key), dict):
            value = _AttrDict(context[key])
            for date_key in _DATETIME_KEYS:
                if date_key in value:
                    value[date_key] = _to_datetime(value[date_key])
            context[key] = value
    return context


def _json_default(value):
    # What Airflow's XCom serialiser accepts beyond JSON: dates, tuples, sets, decimals.
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (tuple, set, frozenset)):
        return list(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError('Object of type %s is not JSON serializable' % type(value).__name__)


def _report(result):
    path = os.environ['DAGSTREAM_RESULT_FILE']
    with open(path + '.tmp', 'w', encoding='utf-8') as handle:
        handle.write(result)
    os.replace(path + '.tmp', path)


class TaskInstance:
    """What context['ti'] offers: the try's identity and xcom_pull over the upstream tasks' values."""

    def __init__(self, fields, xcoms):
        self.__dict__.update(fields)
        self._xcoms = xcoms

    def __getitem__(self, name):
        return getattr(self, name)

    def __repr__(self):
        return '<TaskInstance: %s.%s %s [try %s]>' % (self.dag_id, self.task_id, self.run_id, self.try_number)

    def xcom_pull(self, task_ids=None, dag_id=None, key='return_value', **_ignored):
        if key not in (None, 'return_value'):
            raise ValueError("ti.xcom_pull: only the 'return_value' XCom is available to python tasks, not key=%r" % (key,))
        if task_ids is None:
            raise ValueError("ti.xcom_pull needs task_ids, e.g. ti.xcom_pull(task_ids='extract')")
        if isinstance(task_ids, str):
            return self._pull(task_ids)
        return [self._pull(task_id) for task_id in task_ids]

    def _pull(self, task_id):
        if task_id not in self._xcoms:
            available = ', '.join(sorted(self._xcoms)) or 'none'
            raise KeyError("ti.xcom_pull(%r): a python task can pull the values of its upstream tasks only (upstream: %s). Add %r to this task's upstream." % (task_id, available, task_id))
        return self._xcoms[task_id]


def _is_skip(error):
    return any(cls.__name__ == 'AirflowSkipException' for cls in type(error).__mro__)


def _is_fail_now(error):
    return any(cls.__name__ == 'AirflowFailException' for cls in type(error).__mro__)


def _user_traceback(error):
    tb = error.__traceback__
    # Frames of this runner (compiled from -c, file '<string>') are noise to the user.
    while tb is not None and tb.tb_frame.f_code.co_filename == '<string>':
        tb = tb.tb_next
    return tb


def _describe(error):
    if isinstance(error, SyntaxError):
        return '%s: %s' % (type(error).__name__, error)
    return traceback.format_exception_only(type(error), error)[-1].strip()


def _call(main, context, op_kwargs):
    parameters = inspect.signature(main).parameters
    if not parameters:
        return main()
    positional = [p for p in parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    first = positional[0].name if positional else None
    if first is not None and first not in op_kwargs and first not in context:
        return main(context, **op_kwargs)
    if any(p.kind == p.VAR_POSITIONAL for p in parameters.values()) and first is None:
        return main(context, **op_kwargs)
    takes_all = any(p.kind == p.VAR_KEYWORD for p in parameters.values())
    kwargs = {name: value for name, value in context.items() if takes_all or name in parameters}
    kwargs.update(op_kwargs)
    return main(**kwargs)


def _run():
    with open(os.environ['DAGSTREAM_CONTEXT_FILE'], encoding='utf-8') as handle:
        spec = json.load(handle)
    filename = spec['filename']
    if spec.get('code_file'):
        with open(spec['code_file'], encoding='utf-8') as handle:
            source = handle.read()
        sys.path.insert(0, os.path.dirname(spec['code_file']))
    else:
        source = spec['code']
        # Lets tracebacks show the lines of inline code, which has no file.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    sys.path.insert(1, spec['workspace'])
    module = types.ModuleType('dagstream_task')
    module.__file__ = filename
    module.AirflowSkipException = AirflowSkipException
    module.AirflowFailException = AirflowFailException
    sys.modules['dagstream_task'] = module
    exec(compile(source, filename, 'exec'), module.__dict__)
    main = module.__dict__.get('main')
    if not callable(main):
        return {'state': 'failed', 'error': 'The code defines no main function. Add: def main(context): ... and return the value to share as XCom.'}
    ti = TaskInstance(spec['ti'], spec['xcoms'])
    context = _airflow_context(spec['context'])
    context['ti'] = ti
    context['task_instance'] = ti
    result = _call(main, context, spec.get('op_kwargs') or {})
    if inspect.isawaitable(result):
        result = asyncio.run(result) if inspect.iscoroutine(result) else asyncio.run(_await(result))
    if result is None:
        return {'state': 'success'}
    try:
        xcom = json.dumps(result, allow_nan=False, default=_json_default)
    except (TypeError, ValueError) as error:
        return {'state': 'failed', 'error': 'main() returned a value that cannot be stored as XCom (%s). Return dicts, lists, strings, numbers, booleans, dates or None.' % (error,)}
    return {'state': 'success', 'xcom': xcom}


async def _await(awaitable):
    return await awaitable


def _main():
    try:
        result = _run()
    except BaseException as error:
        if _is_skip(error):
            message = str(error)
            print('Skipping: %s' % (message or 'AirflowSkipException raised'), file=sys.stderr)
            _report(json.dumps({'state': 'skipped', 'message': message}))
            return 0
        if isinstance(error, SystemExit) and error.code in (None, 0):
            _report(json.dumps({'state': 'success'}))
            return 0
        traceback.print_exception(type(error), error, _user_traceback(error), file=sys.stderr)
        if _is_fail_now(error):
            _report(json.dumps({'state': 'failed', 'error': _describe(error), 'no_retry': True}))
            return 1
        if isinstance(error, SystemExit):
            _report(json.dumps({'state': 'failed', 'error': 'The code called sys.exit(%r)' % (error.code,)}))
        else:
            _report(json.dumps({'state': 'failed', 'error': _describe(error)}))
        return 1
    if 'xcom' in result:
        _report('{"state": "success", "xcom": %s}' % result['xcom'])
    else:
        if result['state'] == 'failed':
            print(result['error'], file=sys.stderr)
        _report(json.dumps(result))
    return 0 if result['state'] != 'failed' else 1


sys.stdout.flush()
_code = _main()
sys.stdout.flush()
sys.stderr.flush()
sys.exit(_code)
`;
