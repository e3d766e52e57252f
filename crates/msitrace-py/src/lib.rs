//! Python bindings of msitrace (module `msitrace`, built into a wheel by maturin).
//!
//! - `analyze(paths, *, threads=None, strict=False)`: the report of files, folders or `.zip`
//!   bundles, as the dicts and lists of the JSON report (`docs/report-schema.md`);
//! - `analyze_bytes(name, data, *, strict=False)`: the same for one input received as bytes (a log
//!   or a `.zip` bundle read from object storage), `name` naming it in the report;
//! - `machine_record(name, data)`: one machine's bundle as bytes, reduced to the record that
//!   `msitrace batch` writes one a line (machine, inputs, sessions, findings, errors).
//!
//! The analysis runs with the interpreter released, so Python threads analyse in parallel. A
//! problem with an input is part of the report (`inputs[*].error`); with `strict=True` it raises
//! `MsitraceError`, whose `input` and `position` attributes say where.

use msitrace::analysis::{InputStatus, Report};
use msitrace::{AnalysisSettings, MachineRecord};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use std::path::PathBuf;

create_exception!(
    msitrace,
    MsitraceError,
    PyException,
    "An input msitrace could not analyse; `input` names it, `position` says where (or None)."
);

/// A JSON text as Python objects (`json.loads`): the same schema as the JSON report.
fn from_json<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (json,))
}

/// `MsitraceError(message)` with its `input` and `position` attributes set.
fn input_error(py: Python<'_>, message: &str, input: &str, position: Option<&str>) -> PyErr {
    let err = MsitraceError::new_err(message.to_string());
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail; the message says it all
    // anyway.
    let _ = value.setattr("input", input);
    let _ = value.setattr("position", position);
    err
}

/// In strict mode, the first input that could not be analysed, or the first part of one that
/// was skipped, as an exception.
fn check_strict(py: Python<'_>, report: &Report) -> PyResult<()> {
    for input in &report.inputs {
        if input.status == InputStatus::Error {
            let message = input.error.as_deref().unwrap_or("cannot be analysed");
            return Err(input_error(py, message, &input.path, None));
        }
        if let Some(skipped) = input.skipped.first() {
            let message = format!("{}: skipped: {skipped}", input.path);
            let position = skipped.position.to_string();
            return Err(input_error(py, &message, &input.path, Some(&position)));
        }
    }
    Ok(())
}

/// The paths of `paths`: one path (str or os.PathLike) or a sequence of them.
fn paths_of(paths: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    if let Ok(one) = paths.extract::<PathBuf>() {
        return Ok(vec![one]);
    }
    paths.extract::<Vec<PathBuf>>().map_err(|_| {
        PyTypeError::new_err("paths: expected a path (str or os.PathLike) or a list of paths")
    })
}

/// Analyse files, folders or `.zip` bundles; returns the report as a dict.
#[pyfunction]
#[pyo3(signature = (paths, *, threads=None, strict=false))]
fn analyze<'py>(
    py: Python<'py>,
    paths: &Bound<'py, PyAny>,
    threads: Option<usize>,
    strict: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let paths = paths_of(paths)?;
    let settings = AnalysisSettings {
        threads,
        ..Default::default()
    };
    let report = py.detach(|| msitrace::analyze_paths(&paths, &settings));
    if strict {
        check_strict(py, &report)?;
    }
    from_json(py, &msitrace::report::json::render(&report))
}

/// Analyse one input received as bytes (a log or a `.zip` bundle); `name` names it in the report.
#[pyfunction]
#[pyo3(signature = (name, data, *, strict=false))]
fn analyze_bytes<'py>(
    py: Python<'py>,
    name: &str,
    data: PyBackedBytes,
    strict: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let settings = AnalysisSettings {
        threads: Some(1),
        ..Default::default()
    };
    let report = py.detach(|| msitrace::analyze_bytes(name, &data, &settings));
    if strict {
        check_strict(py, &report)?;
    }
    from_json(py, &msitrace::report::json::render(&report))
}

/// One machine's bundle as bytes, reduced to its record (the `msitrace batch` JSON line).
#[pyfunction]
fn machine_record<'py>(
    py: Python<'py>,
    name: &str,
    data: PyBackedBytes,
) -> PyResult<Bound<'py, PyAny>> {
    let record: MachineRecord = py.detach(|| {
        msitrace::fleet::analyze_bundle_bytes(name, &data, &AnalysisSettings::default())
    });
    let json = serde_json::to_string(&record)
        .map_err(|e| PyException::new_err(format!("{name}: cannot encode the record: {e}")))?;
    from_json(py, &json)
}

/// The module.
#[pymodule(name = "msitrace")]
fn msitrace_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(machine_record, m)?)?;
    m.add("MsitraceError", m.py().get_type::<MsitraceError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA_VERSION", msitrace::analysis::SCHEMA_VERSION)?;
    m.add(
        "MACHINE_SCHEMA_VERSION",
        msitrace::fleet::MACHINE_SCHEMA_VERSION,
    )?;
    Ok(())
}
