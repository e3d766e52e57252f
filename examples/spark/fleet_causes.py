"""Map msitrace over a fleet of bundles with PySpark: one `.zip` bundle per machine, read with
`binaryFiles`, each reduced to its machine record by `msitrace.machine_record` (the same record
as `msitrace batch --jsonl`), then a DataFrame of findings and the causes ranked by the machines
they affect.

    python examples/spark/fleet_causes.py BUNDLES_DIR OUT_DIR [--master local[2]]

Writes, in OUT_DIR, files that ClickHouse, DuckDB or Elasticsearch load as they are:

- `findings/`  Parquet, one row per finding: machine, bundle, verdict, id, severity, category,
  title, product, version, time, evidence (list of places);
- `machines/`  JSON lines, one per machine: machine, bundle, verdict, findings count, errors;
- `causes.jsonl` the causes ranked by machines (id, severity, machines, machine list, products,
  first and last time seen).

Locally, `--master local[N]` runs N Python workers on this machine. On a cluster, give the
cluster's master (or run under spark-submit and leave `--master` out) and an input URL the
executors can read (`s3a://bucket/fleet/`, `hdfs://...`): the code is the same. Every executor
needs the msitrace wheel installed (or shipped with `--py-files`/a packed environment).
"""

import argparse
import json
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

FINDING = T.StructType(
    [
        T.StructField("machine", T.StringType(), False),
        T.StructField("bundle", T.StringType(), False),
        T.StructField("verdict", T.StringType(), False),
        T.StructField("id", T.StringType(), False),
        T.StructField("severity", T.StringType(), False),
        T.StructField("category", T.StringType(), True),
        T.StructField("title", T.StringType(), True),
        T.StructField("product", T.StringType(), True),
        T.StructField("version", T.StringType(), True),
        T.StructField("time", T.StringType(), True),
        T.StructField("evidence", T.ArrayType(T.StringType()), True),
    ]
)

MACHINE = T.StructType(
    [
        T.StructField("machine", T.StringType(), False),
        T.StructField("bundle", T.StringType(), False),
        T.StructField("verdict", T.StringType(), False),
        T.StructField("findings", T.IntegerType(), False),
        T.StructField("errors", T.ArrayType(T.StringType()), True),
    ]
)


def machine_record(pair):
    """(path, bytes) from binaryFiles → the machine record (a dict); never raises."""
    import msitrace  # imported on the executor

    path, data = pair
    return msitrace.machine_record(path, bytes(data))


def finding_rows(record):
    for f in record["findings"]:
        yield (
            record["machine"],
            record["bundle"],
            record["verdict"],
            f["id"],
            f["severity"],
            f.get("category"),
            f.get("title"),
            f.get("product"),
            f.get("version"),
            f.get("time"),
            f.get("evidence", []),
        )


def machine_row(record):
    return (
        record["machine"],
        record["bundle"],
        record["verdict"],
        len(record["findings"]),
        record["errors"],
    )


def ranked_causes(findings):
    """Causes (error and warning findings) ranked by distinct machines, then severity, then id."""
    causes = findings.filter(F.col("severity").isin("error", "warning"))
    products = (
        causes.groupBy("id", "product", "version")
        .agg(F.countDistinct("machine").alias("machines"))
        .groupBy("id")
        .agg(
            F.sort_array(
                F.collect_list(F.struct(F.col("machines"), "product", "version")), asc=False
            ).alias("products")
        )
    )
    return (
        causes.groupBy("id")
        .agg(
            F.min(F.when(F.col("severity") == "error", 0).otherwise(1)).alias("rank"),
            F.countDistinct("machine").alias("machines"),
            F.sort_array(F.collect_set("machine")).alias("machine_list"),
            F.min("time").alias("first_seen"),
            F.max("time").alias("last_seen"),
        )
        .join(products, "id")
        .withColumn("severity", F.when(F.col("rank") == 0, "error").otherwise("warning"))
        .orderBy(F.desc("machines"), "rank", "id")
        .drop("rank")
    )


def run(spark, bundles, out, partitions=None):
    """Analyse every bundle under `bundles`, write the outputs into `out`; return the causes
    as a list of dicts, ranked."""
    sc = spark.sparkContext
    files = sc.binaryFiles(bundles, minPartitions=partitions or sc.defaultParallelism)
    records = files.map(machine_record).cache()
    findings = spark.createDataFrame(records.flatMap(finding_rows), FINDING)
    machines = spark.createDataFrame(records.map(machine_row), MACHINE)
    findings.write.mode("overwrite").parquet(os.path.join(out, "findings"))
    machines.write.mode("overwrite").json(os.path.join(out, "machines"))
    causes = [row.asDict(recursive=True) for row in ranked_causes(findings).collect()]
    with open(os.path.join(out, "causes.jsonl"), "w", encoding="utf-8") as f:
        for cause in causes:
            f.write(json.dumps(cause, ensure_ascii=False) + "\n")
    records.unpersist()
    return causes


def session(master=None, name="msitrace-fleet"):
    """A Spark session: local with `master` (`local[2]`), else the one spark-submit configures."""
    # Executors run this same interpreter (where msitrace is installed) in local mode.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(name).config("spark.ui.enabled", "false")
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundles", help="folder or URL of .zip bundles, one per machine")
    parser.add_argument("out", help="output folder (findings/, machines/, causes.jsonl)")
    parser.add_argument("--master", help="Spark master, e.g. local[2] (default: spark-submit's)")
    parser.add_argument("--partitions", type=int, help="minimum input partitions")
    args = parser.parse_args()
    spark = session(args.master)
    try:
        causes = run(spark, args.bundles, args.out, args.partitions)
    finally:
        spark.stop()
    for rank, c in enumerate(causes, 1):
        print(f"{rank:3}. {c['id']} [{c['severity']}] {c['machines']} machine(s)")


if __name__ == "__main__":
    main()
