//! All translation of core errors into Python exceptions, in one place.
//!
//! The exception classes are defined in Python (`ontschot/_errors.py`) so that `ScenarioError` can
//! be both an `OntschotError` and a `ValueError`; here they are looked up and raised with the
//! field path and the list of problems attached.

use ontschot::Error;
use pyo3::exceptions::{PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

fn class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("ontschot._errors")?.getattr(name)
}

/// Builds the Python exception for a core error.
pub fn to_py(err: Error) -> PyErr {
    Python::attach(|py| match build(py, &err) {
        Ok(e) => e,
        Err(e) => e,
    })
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let message = err.to_string();
    let name = match err {
        Error::Io { .. } => return Ok(PyOSError::new_err(message)),
        Error::Draw { .. } => "DrawError",
        Error::Decode { .. } => "ResultsError",
        Error::Cancelled { .. } => {
            return Ok(pyo3::exceptions::PyKeyboardInterrupt::new_err(message));
        }
        _ => "ScenarioError",
    };
    let problems: Vec<(String, String)> = err.problems().into_iter().map(|p| (p.path, p.reason)).collect();
    let path = problems.first().map(|p| p.0.clone());
    let value = class(py, name)?.call1(PyTuple::new(py, [message])?)?;
    value.setattr("path", path)?;
    value.setattr("problems", problems)?;
    if let Error::Draw { iteration, .. } = err {
        value.setattr("iteration", *iteration)?;
    }
    Ok(PyErr::from_value(value))
}

/// Builds the Python exception for an Excel error: a cell that cannot be read is a
/// `ScenarioError` whose `path` is the cell (`Parameters!C2`); a file that is no sheet an `OSError`.
pub fn xlsx_to_py(err: ontschot_xlsx::Error) -> PyErr {
    use ontschot_xlsx::Error as X;
    let message = err.to_string();
    let path = match err {
        X::Ontschot(e) => return to_py(e),
        X::Open { .. } | X::Write(_) => return PyOSError::new_err(message),
        X::NoSheet { sheet, .. } => sheet,
        X::Cell { sheet, row, column, .. } => format!("{sheet}!{column}{row}"),
    };
    Python::attach(|py| {
        let made = (|| -> PyResult<PyErr> {
            let value = class(py, "ScenarioError")?.call1(PyTuple::new(py, [message.clone()])?)?;
            value.setattr("path", path.clone())?;
            value.setattr("problems", vec![(path, message)])?;
            Ok(PyErr::from_value(value))
        })();
        made.unwrap_or_else(|e| e)
    })
}

/// For a worker thread that ended by panicking: never expected, reported instead of aborting.
pub fn panicked() -> PyErr {
    PyRuntimeError::new_err("internal error: the simulation thread panicked; please report this with the scenario")
}
