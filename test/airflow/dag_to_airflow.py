"""Turn a Dagstream ``*.dag.json`` into an Apache Airflow 2 DAG file, for the parity harness only.

This is test tooling, not the product's export feature: it covers exactly what the parity corpus
uses (``empty``, ``bash`` and ``python`` tasks, trigger rules, retries, upstream lists) and refuses
anything else loudly, so that a corpus file can never be compared against a silently different
Airflow DAG.

Usage: python3 dag_to_airflow.py <file.dag.json> [<out.py>]   (stdout without <out.py>)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

SUPPORTED_OPERATORS = {"empty", "bash", "python"}
DAG_KEYS = {"$schema", "version", "dag_id", "description", "schedule", "start_date", "catchup",
            "default_args", "tags", "tasks", "params", "max_active_runs", "max_active_tasks"}
COMMON_TASK_KEYS = {"task_id", "operator", "upstream", "trigger_rule", "retries", "retry_delay",
                    "execution_timeout", "doc_md", "position", "priority_weight"}
OPERATOR_KEYS = {
    "empty": set(),
    "bash": {"bash_command", "env", "append_env", "skip_on_exit_code"},
    "python": {"code", "op_kwargs", "templates_dict"},
}
DEFAULT_ARG_KEYS = {"retries", "retry_delay", "execution_timeout", "trigger_rule", "priority_weight"}

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|w|d|h|m|s)")
_UNIT_SECONDS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


class ConversionError(Exception):
    """The DAG file uses something this test converter does not translate."""


def duration_seconds(value: Any, where: str) -> float:
    """Seconds of a Dagstream duration: a number of seconds or a string such as "30s", "1h30m"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            return float(text)
        parts = _DURATION_PART.findall(text)
        if parts and "".join(f"{n}{u}" for n, u in parts) == re.sub(r"\s+", "", text):
            return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    raise ConversionError(f"{where}: cannot read the duration {value!r}")


def _start_date_expr(value: str | None) -> str:
    if not value:
        return "pendulum.datetime(2024, 1, 1, tz='UTC')"
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?.*)?", value)
    if not match:
        raise ConversionError(f"start_date: cannot read {value!r}")
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return f"pendulum.datetime({y}, {mo}, {d}, {h}, {mi}, {s}, tz='UTC')"


def _params_expr(params: dict[str, Any]) -> str:
    """Dagstream params (name -> JSON Schema with a default) as Airflow Params."""
    parts = []
    for name, schema in params.items():
        rest = {k: v for k, v in schema.items() if k != "default"}
        args = [repr(schema.get("default"))] + [f"{k}={v!r}" for k, v in rest.items()]
        parts.append(f"{name!r}: Param({', '.join(args)})")
    return "{" + ", ".join(parts) + "}"


def _task_kwargs(task: dict[str, Any], where: str) -> list[str]:
    """Keyword arguments common to every operator, in Airflow's names."""
    kwargs = [f"task_id={task['task_id']!r}"]
    if "trigger_rule" in task:
        kwargs.append(f"trigger_rule={task['trigger_rule']!r}")
    if "retries" in task:
        kwargs.append(f"retries={int(task['retries'])}")
    if "retry_delay" in task:
        seconds = duration_seconds(task["retry_delay"], f"{where}.retry_delay")
        kwargs.append(f"retry_delay=timedelta(seconds={seconds!r})")
    if task.get("execution_timeout") is not None:
        seconds = duration_seconds(task["execution_timeout"], f"{where}.execution_timeout")
        kwargs.append(f"execution_timeout=timedelta(seconds={seconds!r})")
    if "priority_weight" in task:
        kwargs.append(f"priority_weight={int(task['priority_weight'])}")
    return kwargs


def _bash_kwargs(task: dict[str, Any], where: str) -> list[str]:
    command = task["bash_command"]
    # Airflow reads a bash_command ending in .sh/.bash as a template file; the corpus never means that.
    if re.search(r"\.(sh|bash)\s*$", command):
        raise ConversionError(f"{where}: a bash_command ending in .sh/.bash is a template file in Airflow; add a trailing space or ';'")
    kwargs = [f"bash_command={command!r}"]
    if "env" in task:
        env = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in task["env"].items()}
        kwargs.append(f"env={env!r}")
    if "append_env" in task:
        kwargs.append(f"append_env={bool(task['append_env'])!r}")
    if "skip_on_exit_code" in task:
        kwargs.append(f"skip_on_exit_code={task['skip_on_exit_code']!r}")
    # Airflow's default is 99 too; it is spelled out so that the generated file reads unambiguously.
    else:
        kwargs.append("skip_on_exit_code=99")
    return kwargs


def convert(dag: dict[str, Any], source_name: str = "<dag>") -> str:
    """The text of an Airflow DAG file equivalent to ``dag`` (a parsed ``*.dag.json``)."""
    unknown = set(dag) - DAG_KEYS
    if unknown:
        raise ConversionError(f"{source_name}: top-level keys not translated by this converter: {sorted(unknown)}")
    if dag.get("schedule") not in (None,):
        raise ConversionError(f"{source_name}: the parity corpus uses schedule null (got {dag.get('schedule')!r})")

    default_args = dag.get("default_args", {})
    unknown = set(default_args) - DEFAULT_ARG_KEYS
    if unknown:
        raise ConversionError(f"{source_name}: default_args keys not translated: {sorted(unknown)}")
    default_parts = []
    if "retries" in default_args:
        default_parts.append(f"'retries': {int(default_args['retries'])}")
    if "retry_delay" in default_args:
        seconds = duration_seconds(default_args["retry_delay"], "default_args.retry_delay")
        default_parts.append(f"'retry_delay': timedelta(seconds={seconds!r})")
    if default_args.get("execution_timeout") is not None:
        seconds = duration_seconds(default_args["execution_timeout"], "default_args.execution_timeout")
        default_parts.append(f"'execution_timeout': timedelta(seconds={seconds!r})")
    if "trigger_rule" in default_args:
        default_parts.append(f"'trigger_rule': {default_args['trigger_rule']!r}")
    if "priority_weight" in default_args:
        default_parts.append(f"'priority_weight': {int(default_args['priority_weight'])}")

    lines = [
        f"# Generated by test/airflow/dag_to_airflow.py from {source_name}. Test-only: parity with Dagstream.",
        "import inspect",
        "from datetime import timedelta",
        "",
        "import pendulum",
        "from airflow import DAG",
        "from airflow.exceptions import AirflowSkipException",
        "from airflow.models.param import Param",
        "from airflow.operators.bash import BashOperator",
        "from airflow.operators.empty import EmptyOperator",
        "from airflow.operators.python import PythonOperator",
        "from airflow.utils.operator_helpers import determine_kwargs",
        "",
        "",
        "def _inline_main(source, task_id, op_kwarg_names):",
        "    # Dagstream runs a python task's inline code as a module named dagstream_task with",
        "    # AirflowSkipException injected, then calls main(context, **op_kwargs) when main's first",
        "    # parameter is not a context key (its own convention), else main the way Airflow does",
        "    # (parameters filled by name from the context: def main(ds, ti, **kwargs)).",
        "    namespace = {'__name__': 'dagstream_task', 'AirflowSkipException': AirflowSkipException}",
        "    exec(compile(source, f'<{task_id}>', 'exec'), namespace)",
        "    main = namespace['main']",
        "    positional = [p for p in inspect.signature(main).parameters.values()",
        "                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]",
        "",
        "    def call(**context):",
        "        if positional and positional[0].name not in context:",
        "            op_kwargs = {k: context[k] for k in op_kwarg_names}",
        "            plain = {k: v for k, v in context.items() if k not in op_kwarg_names}",
        "            return main(plain, **op_kwargs)",
        "        return main(**determine_kwargs(main, (), context))",
        "",
        "    return call",
        "",
        "",
        "with DAG(",
        f"    dag_id={dag['dag_id']!r},",
        "    schedule=None,",
        f"    start_date={_start_date_expr(dag.get('start_date'))},",
        "    catchup=False,",
        f"    default_args={{{', '.join(default_parts)}}},",
        f"    params={_params_expr(dag.get('params', {}))},",
        ") as dag:",
    ]

    names: dict[str, str] = {}
    for index, task in enumerate(dag.get("tasks", [])):
        task_id = task["task_id"]
        where = f"{source_name}: task {task_id!r}"
        operator = task["operator"]
        if operator not in SUPPORTED_OPERATORS:
            raise ConversionError(f"{where}: operator {operator!r} is not translated (only {sorted(SUPPORTED_OPERATORS)})")
        unknown = set(task) - COMMON_TASK_KEYS - OPERATOR_KEYS[operator]
        if unknown:
            raise ConversionError(f"{where}: keys not translated: {sorted(unknown)}")
        name = f"t{index}"
        names[task_id] = name
        kwargs = _task_kwargs(task, where)
        if operator == "empty":
            lines.append(f"    {name} = EmptyOperator({', '.join(kwargs)})")
        elif operator == "bash":
            kwargs += _bash_kwargs(task, where)
            lines.append(f"    {name} = BashOperator({', '.join(kwargs)})")
        else:
            if "code" not in task:
                raise ConversionError(f"{where}: only inline code is translated")
            op_kwargs = task.get("op_kwargs", {})
            kwargs.append(f"python_callable=_inline_main({task['code']!r}, {task_id!r}, {sorted(op_kwargs)!r})")
            if op_kwargs:
                kwargs.append(f"op_kwargs={op_kwargs!r}")
            if "templates_dict" in task:
                kwargs.append(f"templates_dict={task['templates_dict']!r}")
            lines.append(f"    {name} = PythonOperator({', '.join(kwargs)})")

    for task in dag.get("tasks", []):
        upstream = task.get("upstream", [])
        if upstream:
            ups = ", ".join(names[u] for u in upstream)
            lines.append(f"    {names[task['task_id']]}.set_upstream([{ups}])")
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[1])
    dag = json.loads(source.read_text(encoding="utf-8"))
    try:
        text = convert(dag, source.name)
    except ConversionError as error:
        print(f"dag_to_airflow: {error}", file=sys.stderr)
        return 1
    if len(argv) == 3:
        Path(argv[2]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
