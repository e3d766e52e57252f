"""Shared paths of the Python tests: the repository root, the CLI binary and the fleet generator
(built by scripts/python-tests.sh before pytest runs)."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def cli():
    """The msitrace binary, when built (cargo build / cargo test build it)."""
    path = TARGET / "debug" / "msitrace"
    if not path.exists():
        pytest.skip(f"skipped: {path} not built (run cargo build -p msitrace-cli)")
    return path


@pytest.fixture
def make_fleet():
    """The fleet generator example, when built."""
    path = TARGET / "debug" / "examples" / "make_fleet"
    if not path.exists():
        pytest.skip(f"skipped: {path} not built (run cargo build -p msitrace --example make_fleet)")
    return path
