"""Bundles per second of the Python path: `msitrace.machine_record` over every file of a fleet
folder (zips, as from object storage), in a thread pool of 1 and 2 threads; the analysis runs with
the interpreter released, so two threads use two cores.

    target/python-venv/bin/python scripts/python-fleet-timing.py FLEET_DIR [--threads 1 2] [--rounds 3]

Prints one line per thread count: bundles, best wall time of the rounds, bundles per second.
Reading the files is included (as it would be from object storage). Build the wheel with
`maturin build --release` for figures (see docs/fleet.md).
"""

import argparse
import pathlib
import time
from concurrent.futures import ThreadPoolExecutor

import msitrace


def one(path):
    record = msitrace.machine_record(str(path), path.read_bytes())
    return record["verdict"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fleet", type=pathlib.Path)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = sorted(p for p in args.fleet.iterdir() if p.is_file())
    for threads in args.threads:
        best = None
        for _ in range(args.rounds):
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=threads) as pool:
                verdicts = list(pool.map(one, files))
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        failed = verdicts.count("failure_found")
        print(
            f"threads={threads} bundles={len(files)} failed={failed} "
            f"best={best:.3f}s bundles_per_s={len(files) / best:.1f}"
        )


if __name__ == "__main__":
    main()
