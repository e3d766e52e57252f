"""The msitrace Python module: reports as dicts in the JSON report's schema, inputs as bytes,
machine records, errors as exceptions naming the input, and threads analysing in parallel."""

import io
import json
import pathlib
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

import msitrace

FAILING = "fixtures/msilog/error-1310-utf16.log"


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_analyze_gives_the_report_as_dicts(root):
    report = msitrace.analyze(str(root / FAILING))
    assert report["schema_version"] == msitrace.SCHEMA_VERSION == 1
    assert report["verdict"] == "failure_found"
    assert report["sessions"][0]["outcome"]["code"] == 1603
    finding = report["findings"][0]
    assert finding["id"] == "msi.privileges.not-elevated"
    assert finding["severity"] == "error"
    assert finding["evidence"][0]["line"] == 14


def test_same_report_as_the_cli_json(root, cli):
    out = subprocess.run(
        [str(cli), "analyze", "--format", "json", "fixtures/scenarios/temp-denied"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    assert out.returncode == 1
    from_cli = json.loads(out.stdout)
    # Same relative path as the CLI was given, so that paths in the report match.
    import os

    here = os.getcwd()
    os.chdir(root)
    try:
        from_python = msitrace.analyze(["fixtures/scenarios/temp-denied"])
    finally:
        os.chdir(here)
    assert from_python == from_cli


def test_paths_as_pathlike_and_lists(root):
    one = msitrace.analyze(root / "fixtures/msilog/success-utf8.log")
    two = msitrace.analyze([root / "fixtures/msilog/success-utf8.log", root / FAILING])
    assert one["verdict"] == "no_failure_found"
    assert len(two["inputs"]) == 2
    assert two["verdict"] == "failure_found"
    with pytest.raises(TypeError, match="paths"):
        msitrace.analyze(42)


def test_analyze_bytes_names_the_input(root):
    data = (root / FAILING).read_bytes()
    report = msitrace.analyze_bytes("s3://fleet/ws042/install.log", data)
    assert report["inputs"][0]["path"] == "s3://fleet/ws042/install.log"
    assert report["findings"][0]["evidence"][0]["input"] == "s3://fleet/ws042/install.log"


def test_analyze_bytes_reads_a_zip_bundle(root):
    scenario = root / "fixtures/scenarios/temp-denied"
    bundle = zip_of({p.name: p.read_bytes() for p in sorted(scenario.iterdir())})
    report = msitrace.analyze_bytes("ws042.zip", bundle)
    paths = [i["path"] for i in report["inputs"]]
    assert paths == ["ws042.zip!/application.xml", "ws042.zip!/install.log", "ws042.zip!/procmon.CSV"]
    assert report["findings"][0]["id"] == "msi.temp-folder.access-denied"


def test_bad_input_is_in_the_report_or_raised_in_strict_mode():
    corrupt = b"PK\x03\x04" + bytes(range(256)) * 8
    report = msitrace.analyze_bytes("broken.zip", corrupt)
    assert report["verdict"] == "nothing_analysed"
    assert report["inputs"][0]["status"] == "error"
    assert "broken.zip" in report["inputs"][0]["error"]
    with pytest.raises(msitrace.MsitraceError) as raised:
        msitrace.analyze_bytes("broken.zip", corrupt, strict=True)
    assert raised.value.input == "broken.zip"
    assert "broken.zip" in str(raised.value)


def test_strict_mode_names_the_position_of_a_skipped_part(root):
    # A zip with a traversal entry: refused (an error naming the entry), the log beside it read.
    data = zip_of({"../escape.log": (root / FAILING).read_bytes()})
    with pytest.raises(msitrace.MsitraceError) as raised:
        msitrace.analyze_bytes("hostile.zip", data, strict=True)
    assert raised.value.input == "hostile.zip!/../escape.log"
    assert raised.value.position is None


def test_hostile_names_never_escape(tmp_path, root):
    data = zip_of({"../../escaped.log": (root / FAILING).read_bytes()})
    report = msitrace.analyze_bytes("../../x\x1b[2J.zip", data)
    assert not (tmp_path / "escaped.log").exists()
    assert "\x1b" not in json.dumps(report)
    assert report["inputs"][0]["status"] == "error"


def test_machine_record_is_the_batch_line(root):
    scenario = root / "fixtures/scenarios/service-dll-missing"
    bundle = zip_of({p.name: p.read_bytes() for p in sorted(scenario.iterdir())})
    record = msitrace.machine_record("gs://fleet/srv7.zip", bundle)
    assert record["schema_version"] == msitrace.MACHINE_SCHEMA_VERSION
    assert record["machine"] == "SRV-FAB01"
    assert record["machine_from"] == "logs"
    assert record["bundle"] == "gs://fleet/srv7.zip"
    assert record["findings"][0]["id"] == "service.start-failed.dll-missing-scm"
    assert record["findings"][0]["product"] == "Fabrikam Sync Service"
    empty = msitrace.machine_record("gs://fleet/ws9.zip", zip_of({}))
    assert empty["machine"] == "ws9"
    assert empty["verdict"] == "nothing_analysed"
    assert empty["errors"]


def test_threads_get_the_same_results(root):
    inputs = [
        (str(p), p.read_bytes())
        for p in sorted((root / "fixtures/msilog").glob("*.log"))
    ]
    alone = [msitrace.analyze_bytes(n, d) for n, d in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda nd: msitrace.analyze_bytes(*nd), inputs))
    assert threaded == alone
