#!/bin/sh
# Run cargo-fuzz targets of msitrace for a while each, seeded at run time from ../shared/corpus and
# the repository's fixtures (nothing is copied into the repository).
#
#   fuzz/run.sh                      every target, 120 s each
#   SECONDS_EACH=600 fuzz/run.sh evtx procmon_csv
#   MAX_LEN=1048576 fuzz/run.sh      longest input (default 128 KiB: one EVTX chunk and more)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly compiler, or a stable one with
# RUSTC_BOOTSTRAP=1 (set below). Work files (seeds, the growing corpus, logs) go to $WORK; crashes
# to fuzz/artifacts/<target>/. Replay one with `cargo fuzz run <target> <file>`.
set -eu
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP="${RUSTC_BOOTSTRAP:-1}"
SECONDS_EACH="${SECONDS_EACH:-120}"
WORK="${WORK:-${TMPDIR:-/tmp}/msitrace-fuzz}"
# The seeds of every target, as the TARGETS table names them (the mutation suite exports them).
(cd .. && MSITRACE_EXPORT_SEEDS="$WORK/seeds" cargo test -q --release -p msitrace --test tests \
    mutations::every_target_survives >/dev/null)
targets="${*:-$(sed -n 's/^ *{ name = "\([a-z_]*\)".*/\1/p' Cargo.toml)}"
for t in $targets; do
    mkdir -p "$WORK/corpus/$t"
    cargo fuzz run -O "$t" "$WORK/corpus/$t" "$WORK/seeds/$t" -- \
        -max_total_time="$SECONDS_EACH" -max_len="${MAX_LEN:-131072}" -rss_limit_mb=2048 -timeout=60 \
        >"$WORK/$t.log" 2>&1 || echo "$t: FAILED, see $WORK/$t.log and fuzz/artifacts/$t/"
    printf '%-12s %s\n' "$t" "$(grep -E '^Done [0-9]+ runs' "$WORK/$t.log" || tail -n 1 "$WORK/$t.log")"
done
