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
        Problem { path: path.into(), reason: short_numbers(&reason.into()) }
    }
}

/// A reason with every number of more than 15 whole digits written as `1.5e300`: a value near the
/// range of numbers prints with hundreds of digits otherwise, which hides the message.
fn short_numbers(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let digits = rest[start..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len(), |n| start + n);
        // A decimal part belongs to the number.
        let mut end = digits;
        if rest[end..].starts_with('.') && rest[end + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            end = rest[end + 1..].find(|c: char| !c.is_ascii_digit()).map_or(rest.len(), |n| end + 1 + n);
        }
        // Digits glued to a letter or a dot before them are part of a name or a decimal.
        let glued = rest[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.');
        out.push_str(&rest[..start]);
        match rest[start..end].parse::<f64>() {
            Ok(x) if !glued && digits - start > 15 => out.push_str(&format!("{x:e}")),
            _ => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::short_numbers;

    #[test]
    fn numbers_near_the_range_limit_are_written_short_and_others_as_given() {
        let huge = format!("must be >= 0, got {}", -1e308);
        assert_eq!(short_numbers(&huge), "must be >= 0, got -1e308");
        assert_eq!(short_numbers(&format!("got {} after 0.25", 1.5e300)), "got 1.5e300 after 0.25");
        let plain = "categories[5].price: got 83.29 in 2024 (x12 for 1000000000 people)";
        assert_eq!(short_numbers(plain), plain);
    }
}
