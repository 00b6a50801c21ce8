"""Airflow parity: run every DAG of the corpus in Apache Airflow 2 and in Dagstream, compare.

For each ``*.dag.json`` (default: test/airflow/dags/):
  1. ``dagstream validate`` must accept it;
  2. dag_to_airflow.py turns it into an Airflow DAG file, ``airflow dags test <dag_id> <date>`` runs it
     in-process against a fresh SQLite metadata DB, and the final state and try count of every task
     instance (and the run state) are read from that DB;
  3. ``node dist/cli.js test <file> --json --workspace <fresh dir>`` runs it in Dagstream;
  4. task states, tries actually made and the run state must be equal. XComs are compared too but
     only reported (the product's contract is about states).

Both engines get a fresh, empty ``$TMPDIR`` per DAG, so tasks that keep a marker file there (a task
that fails on its first try and succeeds on its second) start from the same place.

Exit code 0 when every DAG matches, 1 on any mismatch, 2 when the harness itself cannot run.

  python3 test/airflow/run_parity.py                 # whole corpus
  python3 test/airflow/run_parity.py retry_then_success trigger_one_failed   # some DAGs (by stem)
  python3 test/airflow/run_parity.py --record        # also store Airflow's results in expected/
  python3 test/airflow/run_parity.py --use-recorded  # compare with stored Airflow results, no Airflow
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the repo
from dag_to_airflow import ConversionError, convert  # noqa: E402

DEFAULT_CORPUS = HERE / "dags"
RECORDED = HERE / "expected" / "airflow-results.json"
CLI = REPO / "dist" / "cli.js"


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class TaskOutcome:
    state: str | None
    tries: int | None
    xcom: Any = None
    has_xcom: bool = False


@dataclass
class RunOutcome:
    engine: str
    state: str | None = None
    tasks: dict[str, TaskOutcome] = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0
    log_path: str | None = None
    logical_date: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "error": self.error,
            "tasks": {k: {"state": v.state, "tries": v.tries, "xcom": v.xcom, "has_xcom": v.has_xcom}
                      for k, v in sorted(self.tasks.items())},
        }

    @staticmethod
    def from_json(engine: str, data: dict[str, Any]) -> "RunOutcome":
        return RunOutcome(
            engine=engine, state=data["state"], error=data.get("error"),
            tasks={k: TaskOutcome(v["state"], v["tries"], v.get("xcom"), v.get("has_xcom", False))
                   for k, v in data["tasks"].items()},
        )


# ---------------------------------------------------------------------------------------------
# Airflow side


def ensure_airflow(args: argparse.Namespace) -> Path:
    """The venv holding Airflow: --airflow-venv, or install_airflow.sh's cached one."""
    if args.airflow_venv:
        return Path(args.airflow_venv)
    started = time.monotonic()
    result = subprocess.run(["bash", str(HERE / "install_airflow.sh")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit("run_parity: could not install Apache Airflow (see above); "
                         "pass --airflow-venv <venv> or --use-recorded")
    venv = Path(result.stdout.strip().splitlines()[-1])
    note = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    print(f"airflow: {venv} ({note}; {time.monotonic() - started:.1f} s)")
    return venv


def airflow_env(home: Path, tmpdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
        # Never reach out to the network for anything.
        "AIRFLOW__CORE__CHECK_SLAS": "False",
        "TMPDIR": str(tmpdir),
    })
    return env


def prepare_airflow_template(venv: Path, root: Path) -> Path:
    """An AIRFLOW_HOME with a migrated SQLite DB, copied for every DAG (``db migrate`` runs once)."""
    home = root / "airflow-template"
    (home / "dags").mkdir(parents=True)
    started = time.monotonic()
    result = subprocess.run([str(venv / "bin" / "airflow"), "db", "migrate"], cwd=home,
                            env=airflow_env(home, Path(tempfile.gettempdir())),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:])
        raise SystemExit("run_parity: `airflow db migrate` failed (output above)")
    print(f"airflow: db migrate in {time.monotonic() - started:.1f} s")
    return home


def airflow_version(venv: Path) -> str:
    out = subprocess.run([str(venv / "bin" / "python"), "-c", "import airflow; print(airflow.__version__)"],
                         stdout=subprocess.PIPE, text=True, check=True)
    return out.stdout.strip()


def uses_execution_timeout(dag: dict[str, Any]) -> bool:
    return (dag.get("default_args", {}).get("execution_timeout") is not None
            or any(t.get("execution_timeout") is not None for t in dag.get("tasks", [])))


def run_in_airflow(venv: Path, template: Path, work: Path, dag_file: Path, dag: dict[str, Any],
                   logical_date: str, timeout: float, use_executor: bool) -> RunOutcome:
    """Run ``dag`` with ``airflow dags test``.

    In-process (the default) every try runs inside the ``dags test`` process. That cannot survive
    an execution_timeout in Airflow 2.10: AirflowTaskTimeout derives from BaseException, the task
    is marked failed/up_for_retry, then the exception escapes ``DAG.test()``'s ``except Exception``
    and the command dies with the run still ``running``. DAGs with an execution_timeout therefore
    run with ``--use-executor``: the SequentialExecutor runs each try as ``airflow tasks run`` in
    its own process, as a deployment does (slower: a few seconds per try).
    """
    outcome = RunOutcome("airflow")
    home = work / "airflow-home"
    shutil.copytree(template, home)
    tmpdir = work / "airflow-tmp"
    tmpdir.mkdir()
    try:
        (home / "dags" / f"{dag['dag_id']}.py").write_text(convert(dag, dag_file.name), encoding="utf-8")
    except ConversionError as error:
        outcome.error = f"converter: {error}"
        return outcome
    log = work / "airflow.log"
    outcome.log_path = str(log)
    started = time.monotonic()
    try:
        with log.open("w") as handle:
            command = [str(venv / "bin" / "airflow"), "dags", "test"]
            if use_executor:
                command.append("--use-executor")
            env = airflow_env(home, tmpdir)
            # The executor starts `airflow tasks run` by name.
            env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            handle.write(f"$ {' '.join(command)} {dag['dag_id']} {logical_date}\n")
            handle.flush()
            subprocess.run(command + [dag["dag_id"], logical_date], cwd=home, env=env, stdout=handle,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        outcome.error = f"`airflow dags test` did not finish in {timeout:.0f} s (log: {log})"
    outcome.seconds = time.monotonic() - started
    read_airflow_db(home / "airflow.db", dag["dag_id"], outcome)
    if not outcome.tasks and not outcome.error:
        outcome.error = f"no task instances in Airflow's DB (log: {log})"
    return outcome


def read_airflow_db(db: Path, dag_id: str, outcome: RunOutcome) -> None:
    """Final task instance states from Airflow's metadata DB.

    ``task_instance.try_number`` is read raw: since 2.10 Airflow increments it when it schedules a
    try, so it is the number of tries made (0 for a task skipped or upstream_failed by its trigger
    rule without running). Before 2.10 the raw column was also the count of started tries; only
    the ORM property added one for tasks not running. The raw column is right for both.
    """
    connection = sqlite3.connect(db)
    try:
        rows = connection.execute("SELECT run_id, state FROM dag_run WHERE dag_id = ?", (dag_id,)).fetchall()
        if len(rows) != 1:
            outcome.error = (outcome.error or "") + f" expected 1 dag_run, found {len(rows)}"
            if not rows:
                return
        run_id, outcome.state = rows[0]
        for task_id, state, try_number in connection.execute(
                "SELECT task_id, state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ? AND map_index = -1",
                (dag_id, run_id)):
            outcome.tasks[task_id] = TaskOutcome(state or "none", try_number)
        for task_id, value in connection.execute(
                "SELECT task_id, value FROM xcom WHERE dag_id = ? AND run_id = ? AND key = 'return_value'",
                (dag_id, run_id)):
            if task_id in outcome.tasks:
                try:
                    decoded = json.loads(value) if value is not None else None
                except (TypeError, ValueError):
                    decoded = repr(value)
                outcome.tasks[task_id].xcom = _unwrap_serde(decoded)
                outcome.tasks[task_id].has_xcom = True
    finally:
        connection.close()


def _unwrap_serde(value: Any) -> Any:
    """The plain JSON inside Airflow's serde envelopes ({"__classname__": "builtins.tuple", "__data__": [...]}).

    Airflow 2.10 stores tuples, sets, dates... tagged with their class, and hands the original type
    back to xcom_pull; the value is what Dagstream should be compared with.
    """
    if isinstance(value, dict):
        if "__classname__" in value and "__data__" in value:
            return _unwrap_serde(value["__data__"])
        return {k: _unwrap_serde(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_serde(v) for v in value]
    return value


# ---------------------------------------------------------------------------------------------
# Dagstream side


def dist_is_stale() -> bool:
    if not CLI.exists():
        return True
    built = CLI.stat().st_mtime
    for folder in ("src",):
        for path in (REPO / folder).rglob("*.ts"):
            if path.stat().st_mtime > built and not path.name.endswith(".test.ts"):
                return True
    return False


def ensure_dagstream_build(args: argparse.Namespace) -> None:
    if args.no_build or not dist_is_stale():
        return
    print("dagstream: dist/cli.js is older than src/, running `npm run build`")
    result = subprocess.run(["npm", "run", "build"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:])
        raise SystemExit("run_parity: `npm run build` failed (output above)")


def validate_with_dagstream(files: list[Path]) -> dict[Path, str]:
    """Problems per file from `dagstream validate` (empty dict: all valid)."""
    problems: dict[Path, str] = {}
    for file in files:
        result = subprocess.run(["node", str(CLI), "validate", str(file)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        if result.returncode != 0:
            problems[file] = result.stdout.strip() or f"exit {result.returncode}"
    return problems


def run_in_dagstream(work: Path, dag_file: Path, timeout: float) -> RunOutcome:
    outcome = RunOutcome("dagstream")
    workspace = work / "dagstream-workspace"
    workspace.mkdir()
    tmpdir = work / "dagstream-tmp"
    tmpdir.mkdir()
    env = dict(os.environ, TMPDIR=str(tmpdir))
    log = work / "dagstream.log"
    outcome.log_path = str(log)
    started = time.monotonic()
    try:
        result = subprocess.run(["node", str(CLI), "test", str(dag_file), "--json", "--workspace", str(workspace)],
                                cwd=workspace, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        outcome.seconds = time.monotonic() - started
        log.write_text(f"{expired.stdout or ''}\n--- stderr ---\n{expired.stderr or ''}")
        outcome.error = f"`dagstream test` did not finish in {timeout:.0f} s (log: {log})"
        return outcome
    outcome.seconds = time.monotonic() - started
    log.write_text(f"exit {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}")
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    try:
        run = json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        outcome.error = f"no JSON on the last stdout line (exit {result.returncode}): {tail} (log: {log})"
        return outcome
    outcome.state = run.get("state")
    outcome.logical_date = run.get("logical_date")
    for task_id, task in (run.get("tasks") or {}).items():
        outcome.tasks[task_id] = TaskOutcome(task.get("state"), task.get("try_number"), task.get("xcom"),
                                             task.get("xcom") is not None)
    expected_exit = 0 if outcome.state == "success" else 1
    if result.returncode != expected_exit:
        outcome.error = f"exit code {result.returncode} but run state {outcome.state!r} (expected exit {expected_exit})"
    return outcome


# ---------------------------------------------------------------------------------------------
# Comparison


@dataclass
class Comparison:
    name: str
    dag_id: str
    airflow: RunOutcome
    dagstream: RunOutcome
    validate_problem: str | None = None
    mismatches: list[str] = field(default_factory=list)
    xcom_notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.mismatches


def compare(c: Comparison, with_xcoms: bool = True) -> None:
    if c.validate_problem:
        c.mismatches.append(f"dagstream validate: {c.validate_problem}")
    for outcome in (c.airflow, c.dagstream):
        if outcome.error:
            c.mismatches.append(f"{outcome.engine}: {outcome.error}")
    if c.airflow.state != c.dagstream.state:
        c.mismatches.append(f"run state: airflow {c.airflow.state}, dagstream {c.dagstream.state}")
    for task_id in sorted(set(c.airflow.tasks) | set(c.dagstream.tasks)):
        a = c.airflow.tasks.get(task_id)
        d = c.dagstream.tasks.get(task_id)
        if a is None or d is None:
            c.mismatches.append(f"{task_id}: missing in {'airflow' if a is None else 'dagstream'}")
            continue
        if a.state != d.state:
            c.mismatches.append(f"{task_id}: state airflow {a.state}, dagstream {d.state}")
        if a.tries != d.tries:
            c.mismatches.append(f"{task_id}: tries airflow {a.tries}, dagstream {d.tries}")
        if with_xcoms and a.state == "success" and (a.has_xcom or d.has_xcom) and a.xcom != d.xcom:
            c.xcom_notes.append(f"{task_id}: xcom airflow {a.xcom!r}, dagstream {d.xcom!r}")


def _cell(t: TaskOutcome | None) -> str:
    if t is None:
        return "-"
    return f"{t.state} ({t.tries} {'try' if t.tries == 1 else 'tries'})"


def print_table(c: Comparison, order: list[str]) -> None:
    verdict = "MATCH" if c.passed else "MISMATCH"
    print(f"\n== {c.name}  [{c.dag_id}]  {verdict}   (airflow {c.airflow.seconds:.1f} s, dagstream {c.dagstream.seconds:.1f} s)")
    width = max([len(t) for t in order] + [4])
    print(f"   {'task'.ljust(width)}  {'airflow'.ljust(28)}  {'dagstream'.ljust(28)}")
    task_ids = order + sorted((set(c.airflow.tasks) | set(c.dagstream.tasks)) - set(order))
    for task_id in task_ids:
        a, d = c.airflow.tasks.get(task_id), c.dagstream.tasks.get(task_id)
        same = a is not None and d is not None and a.state == d.state and a.tries == d.tries
        print(f"   {task_id.ljust(width)}  {_cell(a).ljust(28)}  {_cell(d).ljust(28)}  {'ok' if same else '<-- differs'}")
    same = c.airflow.state == c.dagstream.state
    print(f"   {'RUN'.ljust(width)}  {str(c.airflow.state).ljust(28)}  {str(c.dagstream.state).ljust(28)}  {'ok' if same else '<-- differs'}")
    for line in c.mismatches:
        if not line.split(":")[0] in task_ids and not line.startswith("run state"):
            print(f"   ! {line}")
    for line in c.xcom_notes:
        print(f"   note {line}")
    if not c.passed:
        for outcome in (c.airflow, c.dagstream):
            if outcome.log_path:
                print(f"   {outcome.engine} log: {outcome.log_path}")


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description="Compare Dagstream with Apache Airflow 2 on a DAG corpus.")
    parser.add_argument("only", nargs="*", help="DAG file stems (or paths) to run; default: the whole corpus")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of *.dag.json files")
    parser.add_argument("--airflow-venv", help="a venv with Airflow installed (default: install/cached one)")
    parser.add_argument("--use-recorded", action="store_true", help=f"do not run Airflow; compare with {RECORDED.relative_to(REPO)}")
    parser.add_argument("--record", action="store_true", help=f"store Airflow's results in {RECORDED.relative_to(REPO)}")
    parser.add_argument("--airflow-only", action="store_true", help="run only the Airflow side and print its results")
    parser.add_argument("--use-executor", action="store_true",
                        help="run every DAG with `airflow dags test --use-executor` (each try in its own process; "
                             "DAGs with an execution_timeout always do)")
    parser.add_argument("--no-build", action="store_true", help="do not rebuild dist/cli.js when src/ is newer")
    parser.add_argument("--jobs", type=int, default=1, help="DAGs run at once (default 1: timing-faithful)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per engine per DAG")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, homes, workspaces)")
    parser.add_argument("--json-report", help="also write the results as JSON to this file")
    args = parser.parse_args()

    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.dag.json"))
    if args.only:
        wanted = {Path(o).name.removesuffix(".dag.json") for o in args.only}
        files = [f for f in files if f.name.removesuffix(".dag.json") in wanted]
        missing = wanted - {f.name.removesuffix(".dag.json") for f in files}
        if missing:
            raise SystemExit(f"run_parity: not in {corpus}: {sorted(missing)}")
    if not files:
        raise SystemExit(f"run_parity: no *.dag.json in {corpus}")

    root = Path(tempfile.mkdtemp(prefix="dagstream-airflow-parity-"))
    print(f"work folder: {root}{'' if args.keep else ' (removed at the end unless something fails; --keep keeps it)'}")
    dags = {f: json.loads(f.read_text(encoding="utf-8")) for f in files}
    recorded: dict[str, Any] = {}
    version = None
    if args.use_recorded:
        recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
        version = recorded.get("airflow_version")
        print(f"airflow: using results recorded with Airflow {version} ({RECORDED.relative_to(REPO)})")
    else:
        venv = ensure_airflow(args)
        version = airflow_version(venv)
        template = prepare_airflow_template(venv, root)
    if not args.airflow_only:
        ensure_dagstream_build(args)
        problems = validate_with_dagstream(files)
    else:
        problems = {}
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()

    def one(file: Path) -> Comparison:
        dag = dags[file]
        name = file.name.removesuffix(".dag.json")
        work = root / name
        work.mkdir()
        dagstream = RunOutcome("dagstream") if args.airflow_only else run_in_dagstream(work, file, args.timeout)
        if args.use_recorded:
            data = recorded["dags"].get(name)
            airflow = RunOutcome.from_json("airflow", data) if data else RunOutcome("airflow", error="no recorded result")
        else:
            # Airflow runs at Dagstream's logical date, so that ds, ts, run_id and every templated
            # value (and so the XComs) are comparable.
            airflow = run_in_airflow(venv, template, work, file, dag, dagstream.logical_date or now, args.timeout,
                                     args.use_executor or uses_execution_timeout(dag))
        comparison = Comparison(name, dag.get("dag_id", "?"), airflow, dagstream, problems.get(file))
        if not args.airflow_only:
            # Recorded XComs hold the recording's dates; only states are compared with them.
            compare(comparison, with_xcoms=not args.use_recorded)
        return comparison

    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        comparisons = list(pool.map(one, files))

    for c, file in zip(comparisons, files):
        order = [t["task_id"] for t in dags[file].get("tasks", [])]
        if args.airflow_only:
            print(f"\n== {c.name} [{c.dag_id}] airflow run {c.airflow.state} ({c.airflow.seconds:.1f} s){' ERROR ' + c.airflow.error if c.airflow.error else ''}")
            for task_id in order:
                print(f"   {task_id.ljust(30)} {_cell(c.airflow.tasks.get(task_id))}  xcom={c.airflow.tasks[task_id].xcom if task_id in c.airflow.tasks else None!r}")
        else:
            print_table(c, order)

    if args.record and not args.use_recorded:
        RECORDED.parent.mkdir(parents=True, exist_ok=True)
        # A partial run (some DAGs) updates those DAGs and keeps the others' results.
        previous = json.loads(RECORDED.read_text(encoding="utf-8")) if RECORDED.exists() else {}
        stored = previous.get("dags", {}) if previous.get("airflow_version") == version else {}
        stored.update({c.name: c.airflow.to_json() for c in comparisons})
        present = {f.name.removesuffix(".dag.json") for f in corpus.glob("*.dag.json")}
        RECORDED.write_text(json.dumps({
            "airflow_version": version,
            "note": "Recorded by test/airflow/run_parity.py --record with `airflow dags test`; xcoms depend on the run date.",
            "dags": {name: result for name, result in stored.items() if name in present},
        }, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        prettier = REPO / "node_modules" / ".bin" / "prettier"
        if prettier.exists():  # keep `npm run format:check` green
            subprocess.run([str(prettier), "--write", str(RECORDED)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"\nrecorded Airflow's results in {RECORDED.relative_to(REPO)}")
    if args.json_report:
        Path(args.json_report).write_text(json.dumps({
            "airflow_version": version,
            "results": [{"name": c.name, "dag_id": c.dag_id, "passed": c.passed, "mismatches": c.mismatches,
                         "xcom_notes": c.xcom_notes, "airflow": c.airflow.to_json(), "dagstream": c.dagstream.to_json()}
                        for c in comparisons],
        }, indent=2, default=repr) + "\n", encoding="utf-8")

    any_failed = any(not c.passed or c.airflow.error for c in comparisons)
    if args.keep or any_failed:
        print(f"\nwork folder kept: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    if args.airflow_only:
        errors = [c for c in comparisons if c.airflow.error]
        print(f"\nairflow side: {len(comparisons) - len(errors)} ran, {len(errors)} errors ({time.monotonic() - started:.0f} s)")
        return 1 if errors else 0
    passed = sum(1 for c in comparisons if c.passed)
    failed = len(comparisons) - passed
    notes = sum(len(c.xcom_notes) for c in comparisons)
    print(f"\nAirflow {version} vs Dagstream: {len(comparisons)} DAGs in {time.monotonic() - started:.0f} s"
          f"{f'; {notes} xcom difference(s) noted' if notes else ''}")
    if failed:
        print("failed: " + ", ".join(c.name for c in comparisons if not c.passed))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
