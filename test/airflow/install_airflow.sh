#!/usr/bin/env bash
# Installs Apache Airflow 2.x into a cached virtualenv for the parity harness (test-only).
# The official constraints file is not reachable here, so pip resolves on its own; we try the
# newest 2.x pins in order and keep the first that installs and imports.
# Usage: install_airflow.sh            -> prints the venv path on its last stdout line
# Env:   DAGSTREAM_AIRFLOW_VERSIONS="2.10.5 2.10.4 2.9.3" to change the pins tried.
set -euo pipefail
PY="${DAGSTREAM_AIRFLOW_PYTHON:-python3}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/dagstream"
VERSIONS="${DAGSTREAM_AIRFLOW_VERSIONS:-2.10.5 2.10.4 2.9.3}"
mkdir -p "$CACHE_ROOT"

for v in $VERSIONS; do
  dir="$CACHE_ROOT/airflow-$v"
  if [ -f "$dir/.installed" ]; then
    echo "airflow $v already installed in $dir (marker $dir/.installed)" >&2
    echo "$dir/venv"
    exit 0
  fi
done

for v in $VERSIONS; do
  dir="$CACHE_ROOT/airflow-$v"
  echo "== trying apache-airflow==$v into $dir/venv" >&2
  rm -rf "$dir"; mkdir -p "$dir"
  start=$(date +%s)
  "$PY" -m venv "$dir/venv"
  "$dir/venv/bin/python" -m pip install --quiet --upgrade pip setuptools wheel >&2
  if "$dir/venv/bin/python" -m pip install --progress-bar off "apache-airflow==$v" >"$dir/pip.log" 2>&1 \
     && "$dir/venv/bin/python" -c "import airflow, airflow.operators.bash, airflow.operators.empty, airflow.operators.python; print(airflow.__version__)" >&2; then
    end=$(date +%s)
    size=$(du -sh "$dir/venv" | cut -f1)
    printf '{"version":"%s","seconds":%d,"size":"%s","python":"%s"}\n' "$v" $((end-start)) "$size" "$("$PY" --version 2>&1)" > "$dir/.installed"
    echo "installed airflow $v in $((end-start)) s, venv size $size" >&2
    echo "$dir/venv"
    exit 0
  fi
  echo "!! apache-airflow==$v failed; tail of $dir/pip.log:" >&2
  tail -n 30 "$dir/pip.log" >&2 || true
done
echo "could not install any of: $VERSIONS" >&2
exit 1
