"""The PySpark example (examples/spark/fleet_causes.py) in local mode over a generated fleet of
200 bundles with known causes: the ranked causes match the plan and `msitrace batch`, and the
outputs load back (Parquet findings, JSON-line machines)."""

import collections
import importlib.util
import json
import os
import subprocess

import pytest

pyspark = pytest.importorskip(
    "pyspark",
    reason="skipped: pyspark is not installed ("
    + os.environ.get("MSITRACE_PYSPARK_SKIP", "not requested")
    + ")",
)

FLEET_SIZE = 200


def load_example(root):
    spec = importlib.util.spec_from_file_location(
        "fleet_causes", root / "examples/spark/fleet_causes.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_plan(path):
    rows = path.read_text(encoding="utf-8").splitlines()[1:]
    plan = [dict(zip(["bundle", "machine", "cause", "bad"], r.split("\t"))) for r in rows]
    expected = collections.defaultdict(set)
    for m in plan:
        if m["cause"] != "-":
            expected[m["cause"]].add(m["machine"])
    return plan, expected


def test_spark_ranks_the_causes_of_a_generated_fleet(tmp_path, root, make_fleet, cli):
    fleet = tmp_path / "fleet"
    plan_file = tmp_path / "plan.tsv"
    subprocess.run(
        [str(make_fleet), str(fleet), str(FLEET_SIZE), "--zips", "--plan", str(plan_file)],
        check=True,
        cwd=root,
    )
    plan, expected = read_plan(plan_file)
    assert len(plan) == FLEET_SIZE

    example = load_example(root)
    spark = example.session("local[2]", "msitrace-fleet-test")
    try:
        out = tmp_path / "out"
        causes = example.run(spark, str(fleet), str(out), partitions=4)
        findings = spark.read.parquet(str(out / "findings"))
        failed = {r["machine"] for r in findings.filter("severity = 'error'").collect()}
        assert failed == set().union(*expected.values())
        machines = spark.read.json(str(out / "machines"))
        # Every zip is one machine; the empty folder is no file for binaryFiles.
        zips = [m for m in plan if m["bundle"].endswith(".zip")]
        assert machines.count() == len(zips)
        broken = {r["machine"] for r in machines.filter("verdict = 'nothing_analysed'").collect()}
        assert {"zz-corrupt", "zz-bomb"} <= broken
    finally:
        spark.stop()

    errors = [c for c in causes if c["severity"] == "error"]
    assert {c["id"]: set(c["machine_list"]) for c in errors} == expected
    counts = [c["machines"] for c in causes]
    assert counts == sorted(counts, reverse=True)
    assert causes[0]["id"] == "msi.temp-folder.access-denied"
    assert causes[0]["first_seen"] == "2026-11-18T14:02:11"
    lines = (out / "causes.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [c["id"] for c in causes]

    # The same ranking as `msitrace batch` over the same fleet.
    summary_file = tmp_path / "summary.json"
    subprocess.run(
        [str(cli), "batch", str(fleet), "--json", str(summary_file), "-q"],
        cwd=root,
        check=False,
    )
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    from_batch = [(c["id"], len(c["machines"])) for c in summary["causes"]]
    assert [(c["id"], c["machines"]) for c in causes] == from_batch
