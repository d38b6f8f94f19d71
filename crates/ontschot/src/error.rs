//! The one error type of the core crate.
//!
//! Every message says what went wrong, where (the file and the field path, such as
//! `arms[1].costs[0].amount`) and why, so that a user can fix the scenario without reading code.

use std::fmt;

/// One problem found while validating a scenario: the field path and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Path of the offending field, e.g. `parameters.p_frail.sd` or `arms[1].uptake`.
    pub path: String,
    /// Why the value is not accepted.
    pub reason: String,
}

impl Problem {
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Problem { path: path.into(), reason: reason.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

/// Everything that can go wrong in ontschot.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The scenario file could not be read.
    #[error("{origin}: cannot read the file: {source}")]
    Io {
        /// The file name.
        origin: String,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The scenario text is not valid TOML or JSON, or does not fit the scenario schema
    /// (a missing field, an unknown key, a value of the wrong type).
    #[error("{origin}: {path}: {message}")]
    Parse {
        /// The file name, or `<scenario>` for text without a file.
        origin: String,
        /// Field path where reading stopped (`.` for the document itself).
        path: String,
        /// The reader's message, with line and column where known.
        message: String,
    },
    /// The scenario was read but its content is inconsistent; every problem found is listed.
    #[error("{origin}: {} problem{} found:\n{}", problems.len(), if problems.len() == 1 { "" } else { "s" }, list(problems))]
    Invalid {
        /// The file name, or `<scenario>`.
        origin: String,
        /// All problems, in the order found.
        problems: Vec<Problem>,
    },
    /// A value drawn in one Monte Carlo iteration is impossible (e.g. a transition row whose
    /// probabilities sum to more than 1). Nothing is clamped: the distributions must be narrowed.
    #[error("{origin}: iteration {iteration}: {path}: {reason}")]
    Draw {
        /// The file name, or `<scenario>`.
        origin: String,
        /// Index of the iteration (0-based); `deterministic` runs report 0.
        iteration: usize,
        /// Where in the model the impossible value appeared.
        path: String,
        /// What was wrong and which parameters feed it.
        reason: String,
    },
    /// A simulation setting is out of range (zero iterations, zero threads).
    #[error("simulation.{field}: {reason}")]
    Settings {
        /// The setting's name.
        field: &'static str,
        /// Why it is rejected.
        reason: String,
    },
    /// Saved results could not be read back.
    #[error("results: {reason}")]
    Decode {
        /// What did not fit.
        reason: String,
    },
    /// A value override does not fit the scenario (see [`Scenario::with_values`](crate::Scenario::with_values)).
    #[error("{origin}: {path}: {reason}")]
    Override {
        /// The file name, or `<scenario>`.
        origin: String,
        /// The override's key.
        path: String,
        /// Why it cannot be applied.
        reason: String,
    },
    /// The caller stopped the run through the progress callback.
    #[error("run cancelled after {done} of {total} iterations")]
    Cancelled {
        /// Iterations finished before the stop.
        done: usize,
        /// Iterations asked for.
        total: usize,
    },
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// The problems behind an [`Error::Invalid`], or the single problem behind a parse or draw
    /// error, as (path, reason) pairs; empty for other kinds.
    ///
    /// ```
    /// let err = ontschot::Scenario::from_toml_str("name = 3").unwrap_err();
    /// assert_eq!(err.problems()[0].path, "name");
    /// ```
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            Error::Invalid { problems, .. } => problems.clone(),
            Error::Parse { path, message, .. } => vec![Problem::new(path.clone(), message.clone())],
            Error::Draw { path, reason, .. } => vec![Problem::new(path.clone(), reason.clone())],
            Error::Override { path, reason, .. } => {
                vec![Problem::new(path.clone(), reason.clone())]
            }
            Error::Settings { field, reason } => {
                vec![Problem::new(format!("simulation.{field}"), reason.clone())]
            }
            _ => Vec::new(),
        }
    }
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
