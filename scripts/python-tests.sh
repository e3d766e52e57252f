#!/usr/bin/env bash
# Build the Python wheel (crates/msitrace-py, with maturin) and run its tests (pytest), including
# the PySpark example over a generated fleet, in a virtual environment under the target folder.
#
# Needs python3 and the package index. When a package cannot be installed (no network, index
# down), prints "skipped: <why>" and exits 0, so that .ci/run goes on; PySpark alone missing skips
# only the Spark test (it says so). A failing build or test exits non-zero.
#
#   scripts/python-tests.sh            # MSITRACE_PIP_TIMEOUT (s, default 600) bounds each install
set -uo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
VENV="$TARGET/python-venv"
PIP_TIMEOUT="${MSITRACE_PIP_TIMEOUT:-600}"

skip() {
    echo "python tests skipped: $*"
    exit 0
}

command -v python3 >/dev/null || skip "no python3 on this machine"
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || skip "python3 -m venv failed (is the venv module installed?)"
fi
PY="$VENV/bin/python"
pip_install() {
    timeout "$PIP_TIMEOUT" "$PY" -m pip install --disable-pip-version-check -q \
        --timeout 30 --retries 2 "$@"
}
pip_install "maturin>=1.9.4,<2" "pytest>=8,<10" \
    || skip "cannot install maturin and pytest from the package index (network?)"
if ! pip_install "pyspark>=3.5,<5"; then
    export MSITRACE_PYSPARK_SKIP="pip could not install pyspark within ${PIP_TIMEOUT}s (network?)"
    echo "skipped: $MSITRACE_PYSPARK_SKIP; the Spark example test will be skipped"
fi
if ! command -v java >/dev/null; then
    export MSITRACE_PYSPARK_SKIP="no java on this machine (Spark needs Java 17)"
fi

set -e
export CARGO_TARGET_DIR="$TARGET"
# The CLI (compared with) and the fleet generator (the Spark test's fleet).
cargo build -q -p msitrace-cli
cargo build -q -p msitrace --example make_fleet
rm -rf "$TARGET/wheels"
"$VENV/bin/maturin" build -q -m crates/msitrace-py/Cargo.toml --compatibility linux \
    -i "$PY" -o "$TARGET/wheels"
"$PY" -m pip install --disable-pip-version-check -q --force-reinstall --no-deps \
    "$TARGET"/wheels/msitrace-*.whl
if [ -n "${MSITRACE_PYSPARK_SKIP:-}" ]; then
    "$PY" -m pip uninstall -q -y pyspark >/dev/null 2>&1 || true
fi
"$PY" -m pytest -q -rs crates/msitrace-py/tests
