//! # ontschot
//!
//! Monte Carlo business cases for interventions that join social work and health care, showing
//! **who pays and who benefits**: the Dutch health insurer (Zvw), the municipality (Wmo, Jeugdwet),
//! the care office (Wlz) and the client (own contributions).
//!
//! The data path: a [`Scenario`] (serde types, read from TOML or JSON) is validated and compiled
//! into a [`Model`]; a [`Simulation`] runs it over Monte Carlo iterations in parallel; the
//! [`Results`] hold arrays `[iteration, year, budget]` per arm, and [`Results::summary`] says per
//! budget and per payer what the intervention costs and saves, with uncertainty.
//!
//! ```
//! use ontschot::{Model, Scenario, Simulation};
//!
//! let scenario = Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/samenoud.toml"))?;
//! let model = Model::new(&scenario)?;
//! let results = Simulation::new(&model).iterations(500).seed(1).run()?;
//! let summary = results.summary(1)?;
//! for b in &summary.budgets {
//!     println!("{}: net {:.0} [{:.0}, {:.0}], P(gain) {:.2}", b.label, b.net.mean, b.net.p2_5, b.net.p97_5, b.probability_gain);
//! }
//! # Ok::<(), ontschot::Error>(())
//! ```
//!
//! The same seed gives the same numbers on any number of threads: every parameter of every
//! iteration has its own random stream.
//!
//! Build it optimised: a debug build is about ten times slower. An application that builds in
//! debug keeps the core fast with `[profile.dev.package.ontschot] opt-level = 3` in its
//! `Cargo.toml`. The arrays of [`Results`] are [`ndarray`]'s, re-exported as `ontschot::ndarray`.

// Loops over [iteration, year, budget] indices read more clearly than zipped iterators.
#![allow(clippy::needless_range_loop)]

pub mod analysis;
pub mod dist;
pub mod engine;
pub mod error;
pub mod finance;
pub mod format;
pub mod model;
pub mod results;
pub mod scenario;
pub mod seeds;

pub use dist::Dist;
pub use engine::{DEFAULT_MAX_MEMORY, MAX_THREADS, Simulation};
pub use error::{Error, Problem, Result};
pub use model::{BudgetInfo, DrawRisk, Label, Model, PartyInfo, PartyKind, PayerInfo, suggest};
/// The ndarray whose arrays [`Results`] hands out, so a caller need not match its version.
pub use ndarray;
pub use results::{
    ArmSummary, ArmTotals, ArmTrace, BudgetView, CashYear, Dominance, FlowSummary, Frontier, FrontierPoint,
    HealthSummary, Meta, PartyYears, ReferenceValue, Results, Stats, Strategies, Summaries, Summary, TraceSummary,
    View,
};
pub use scenario::*;
