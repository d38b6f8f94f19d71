//! The simulation: random streams, the cohort (Markov trace) model per iteration, and the parallel
//! run over iterations.
//!
//! Each iteration draws every parameter once from its own stream, derived from the seed, the
//! iteration index and the parameter's name. Iterations are independent, so the numbers are the same
//! bit for bit on any thread count, and a parameter added to a scenario leaves the draws of the
//! others untouched (common random numbers across variants).

mod cohort;
mod counts;
mod individual;
mod parties;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::results::{Layout, Results};
use crate::scenario::Mode;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

pub(crate) use cohort::Workspace;

/// How a run evaluates the model: one draw per iteration, or the deterministic run at the means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Draws {
    Random,
    Means,
}

/// Expected draws outside a field's range at which a run refuses to start: at 0.05 the run would
/// stop with a chance of about 5%.
const RISKY_EXPECTED_FAILURES: f64 = 0.05;

/// A configured Monte Carlo run over a [`Model`].
///
/// ```
/// use ontschot::{Model, Scenario, Simulation};
/// let s = Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/samenoud.toml")).unwrap();
/// let model = Model::new(&s).unwrap();
/// let results = Simulation::new(&model).iterations(200).seed(7).run().unwrap();
/// let summary = results.summary(1).unwrap();
/// // The total is the sum of the budgets, in every iteration.
/// let per_budget: f64 = summary.budgets.iter().map(|b| b.net.mean).sum();
/// assert!((per_budget - summary.total.net.mean).abs() < 1e-6 * summary.total.net.mean.abs().max(1.0));
/// ```
#[derive(Clone, Debug)]
pub struct Simulation<'m> {
    model: &'m Model,
    iterations: usize,
    /// Index of the first iteration: a range of a larger run.
    first_iteration: usize,
    seed: u64,
    threads: Option<usize>,
    detail: bool,
    /// Keep the state trace and the events.
    trace: bool,
    /// Keep the events (the people entering each state per year) without the trace.
    events: bool,
    mode: Mode,
    /// Parameter slots held at a value in every iteration (sensitivity analyses).
    fixed: Vec<(usize, f64)>,
    /// The most memory the run may take, in bytes.
    max_memory: u64,
}

/// Iterations per unit of work: progress is reported and cancellation checked between blocks.
const BLOCK: usize = 64;

/// The most threads a run may ask for: far above any machine's cores, far below what would
/// exhaust the system creating them.
pub const MAX_THREADS: usize = 1024;

/// The memory a run may use unless told otherwise, in bytes (8 GB).
pub const DEFAULT_MAX_MEMORY: u64 = 8_000_000_000;

/// Bytes as gigabytes in words.
fn gigabytes(bytes: u64) -> String {
    format!("{:.1} GB", bytes as f64 / 1e9)
}

impl<'m> Simulation<'m> {
    /// A run with the scenario's own settings (`[simulation]`).
    pub fn new(model: &'m Model) -> Self {
        let s = &model.scenario.simulation;
        Simulation {
            model,
            iterations: s.iterations,
            first_iteration: 0,
            seed: s.seed,
            threads: None,
            detail: s.detail,
            trace: false,
            events: false,
            mode: s.mode,
            fixed: Vec::new(),
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }

    /// Sets the most memory the run may take, in bytes (default [`DEFAULT_MAX_MEMORY`]). A run
    /// that would need more is refused before it starts, with the estimate.
    ///
    /// ```
    /// # use ontschot::{Model, Simulation};
    /// let model = Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let err = Simulation::new(&model).iterations(1_000_000).max_memory(1_000_000).run().unwrap_err();
    /// assert!(err.to_string().contains("above the limit of 0.0 GB"), "{err}");
    /// ```
    pub fn max_memory(mut self, bytes: u64) -> Self {
        self.max_memory = bytes;
        self
    }

    /// The memory a run of `iterations` needs, estimated in bytes: the results and, as
    /// arrangements and summaries work on them, about as much again.
    pub fn memory_needed(&self, iterations: usize) -> u64 {
        let layout = Layout::new(self.model, self.detail, self.trace, self.events);
        (iterations as u64).saturating_mul(layout.len as u64).saturating_mul(8 * 2)
    }
    /// Sets the number of Monte Carlo iterations.
    pub fn iterations(mut self, n: usize) -> Self {
        self.iterations = n;
        self
    }
    /// Runs the range of iterations that starts at `first` (default 0), so that one run can be
    /// split over threads, processes or machines: iteration `k` draws the same numbers in any
    /// range, and [`Results::merge`](crate::Results::merge) joins the ranges into the results of
    /// the whole run, bit for bit.
    pub fn first_iteration(mut self, first: usize) -> Self {
        self.first_iteration = first;
        self
    }
    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Sets the number of threads (default: rayon's global pool, one per core).
    pub fn threads(mut self, threads: Option<usize>) -> Self {
        self.threads = threads;
        self
    }
    /// Holds a parameter (or a Dirichlet component, `name.part`) at `value` in every iteration,
    /// while every other parameter is drawn as usual: one-way and two-way sensitivity analyses.
    ///
    /// ```
    /// # use ontschot::{Model, Simulation};
    /// let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    /// let r = Simulation::new(&model).iterations(50).fix("uptake", 0.0).unwrap().run().unwrap();
    /// assert_eq!(r.summary(1).unwrap().total.investment.mean, 0.0); // nobody takes part, nobody pays
    /// assert!(Simulation::new(&model).fix("uptak", 0.5).is_err());
    /// ```
    pub fn fix(mut self, name: &str, value: f64) -> Result<Self> {
        let slot = self.model.slot_of(name).ok_or_else(|| Error::Settings {
            field: "fix",
            reason: if self.model.scenario.derived.contains_key(name) {
                format!("'{name}' is a derived value, computed from the parameters: fix the parameters it uses")
            } else {
                format!("no parameter named '{name}' (a component is written 'name.part')")
            },
        })?;
        if !value.is_finite() {
            return Err(Error::Settings {
                field: "fix",
                reason: format!("{name}: must be a finite number, got {value}"),
            });
        }
        self.fixed.retain(|(s, _)| *s != slot);
        self.fixed.push((slot, value));
        Ok(self)
    }

    /// Keeps care costs per category (see [`Results::detail`]).
    pub fn detail(mut self, detail: bool) -> Self {
        self.detail = detail;
        self
    }

    /// Keeps the state trace and the events: the people in each state at each trace point and
    /// those entering each state per year (see [`Results::trace`] and [`Results::events`]), for
    /// the cohort mode.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(3).trace(true).run().unwrap();
    /// assert!(r.events(0).unwrap().is_some());
    /// ```
    pub fn trace(mut self, trace: bool) -> Self {
        self.trace = trace;
        self
    }

    /// Keeps the events only: the people entering each state per year
    /// ([`Results::events`], [`Results::trace_summary`] without the occupancy), a small part of
    /// the trace's memory (years rather than cycles), for the cohort mode.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(3).events(true).run().unwrap();
    /// assert!(r.events(1).unwrap().is_some() && r.trace(1).unwrap().is_none());
    /// ```
    pub fn events(mut self, events: bool) -> Self {
        self.events = events;
        self
    }

    /// Sets the mode: expected values of the cohort, or every person simulated.
    ///
    /// ```
    /// use ontschot::{Mode, Model, Simulation};
    /// let mut s = ontschot::seeds::samenoud();
    /// s.population.size = 300.0; // a small municipality's share
    /// let model = Model::new(&s).unwrap();
    /// let r = Simulation::new(&model).mode(Mode::Individual).iterations(20).run().unwrap();
    /// assert_eq!(r.meta().mode, "individual");
    /// assert_eq!(r.care(0).unwrap().shape(), [20, 5, model.budgets().len()]); // the same shape as the cohort's
    /// ```
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Runs all iterations.
    pub fn run(&self) -> Result<Results> {
        self.run_with_progress(|_, _| true)
    }

    /// Runs all iterations, calling `progress(done, total)` from worker threads as blocks of
    /// iterations finish; returning `false` stops the run with [`Error::Cancelled`].
    ///
    /// ```
    /// # use ontschot::{Model, Scenario, Simulation, Error};
    /// # let s = Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/samenoud.toml")).unwrap();
    /// # let model = Model::new(&s).unwrap();
    /// let err = Simulation::new(&model).iterations(10_000).run_with_progress(|done, _| done < 128).unwrap_err();
    /// assert!(matches!(err, Error::Cancelled { .. }));
    /// ```
    pub fn run_with_progress<F>(&self, progress: F) -> Result<Results>
    where
        F: Fn(usize, usize) -> bool + Sync,
    {
        self.execute(Draws::Random, self.iterations, &progress)
    }

    /// One iteration with every parameter at its mean: the deterministic base case. It is always
    /// a cohort run: expected values, whatever the mode.
    pub fn deterministic(&self) -> Result<Results> {
        self.clone().mode(Mode::Cohort).first_iteration(0).execute(Draws::Means, 1, &|_, _| true)
    }

    fn execute(
        &self,
        draws: Draws,
        iterations: usize,
        progress: &(dyn Fn(usize, usize) -> bool + Sync),
    ) -> Result<Results> {
        if iterations == 0 {
            return Err(Error::Settings { field: "iterations", reason: "must be at least 1".into() });
        }
        if let Some(n) = self.threads
            && !(1..=MAX_THREADS).contains(&n)
        {
            return Err(Error::Settings {
                field: "threads",
                reason: format!("must be between 1 and {MAX_THREADS}, got {n} (leave it out for one per core)"),
            });
        }
        let needed = self.memory_needed(iterations);
        if needed > self.max_memory {
            return Err(Error::Settings {
                field: "iterations",
                reason: format!(
                    "{iterations} iterations need about {} of memory, above the limit of {}: run fewer iterations, or ranges of them one after another, or raise the limit (CLI --max-memory, Python max_memory=, Rust Simulation::max_memory)",
                    gigabytes(needed),
                    gigabytes(self.max_memory)
                ),
            });
        }
        let model = self.model;
        // A draw outside a field's range stops the run at its iteration: when that is likely,
        // say so now rather than after most of the work.
        if draws == Draws::Random
            && let Some(risk) = model.draw_risks().iter().find(|r| {
                let overridden = model.slot_of(&r.parameter).is_some_and(|k| self.fixed.iter().any(|&(s, _)| s == k));
                !overridden && r.expected(iterations) >= RISKY_EXPECTED_FAILURES
            })
        {
            return Err(Error::Invalid {
                origin: model.scenario.origin_label().to_owned(),
                problems: vec![crate::Problem::new(
                    format!("parameters.{}", risk.parameter),
                    risk.describe(iterations),
                )],
            });
        }
        let mode = self.mode;
        if mode == Mode::Individual
            && let Some((field, reason)) = crate::model::individual_problems(&model.scenario).into_iter().next()
        {
            return Err(Error::Settings { field: "mode", reason: format!("{field}: {reason}") });
        }
        if mode == Mode::Individual && (self.trace || self.events) {
            return Err(Error::Settings {
                field: "trace",
                reason: "the state trace is kept in the cohort mode; the individual mode's people are counted in units and effects".into(),
            });
        }
        // An individual iteration can be long: smaller blocks keep progress and the threads busy.
        let block = match mode {
            Mode::Cohort => BLOCK,
            Mode::Individual => (BLOCK * 1000 / model.person_cycles().max(1)).clamp(1, BLOCK),
        };
        let layout = Layout::new(model, self.detail, self.trace, self.events);
        let mut buffers = layout.allocate(iterations)?;
        let done = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let means = model.mean_slots();
        let seed = self.seed;
        let fixed = &self.fixed;
        let offset = self.first_iteration;
        if offset.checked_add(iterations).is_none() {
            return Err(Error::Settings {
                field: "first_iteration",
                reason: format!("{offset} plus the iterations does not fit"),
            });
        }
        let work = |buffers: &mut crate::results::Buffers| -> Result<()> {
            // With fewer iterations than threads can share, the people of each iteration are
            // shared instead.
            let parallel_people = iterations < 4 * rayon::current_num_threads();
            buffers.blocks_mut(&layout, block).enumerate().try_for_each_init(
                || Workspace::new(model, layout.detail, layout.events),
                |ws, (index, mut chunk)| -> Result<()> {
                    if stop.load(Ordering::Relaxed) {
                        return Err(Error::Cancelled { done: done.load(Ordering::Relaxed), total: iterations });
                    }
                    let first = index * block;
                    for local in 0..chunk.len() {
                        // The iteration's number in the whole run: it decides its draws.
                        let iteration = offset + first + local;
                        match draws {
                            Draws::Means => ws.slots.copy_from_slice(&means),
                            Draws::Random => draw(model, seed, iteration, &mut ws.slots),
                        }
                        for &(slot, value) in fixed {
                            ws.slots[slot] = value;
                        }
                        model.derive(&mut ws.slots);
                        let out = &mut chunk.record(local);
                        match mode {
                            Mode::Cohort => ws.simulate(model, out),
                            Mode::Individual => ws.simulate_people(model, seed, iteration, parallel_people, out),
                        }
                        .and_then(|()| ws.party_weights(model, out))
                        .and_then(|()| finite(model, &ws.slots, out))
                        .map_err(|d| d.into_error(model, iteration))?;
                    }
                    let finished = done.fetch_add(chunk.len(), Ordering::Relaxed) + chunk.len();
                    if !progress(finished, iterations) {
                        stop.store(true, Ordering::Relaxed);
                        return Err(Error::Cancelled { done: finished, total: iterations });
                    }
                    Ok(())
                },
            )
        };
        match self.threads {
            None => work(&mut buffers)?,
            Some(n) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| Error::Settings { field: "threads", reason: e.to_string() })?;
                pool.install(|| work(&mut buffers))?;
            }
        }
        let mut results = Results::new(model, layout, buffers, (offset, iterations), seed, draws == Draws::Means, mode);
        crate::finance::apply_in_force(model, &mut results);
        Ok(results)
    }
}

/// Every value of an iteration's record is a finite number; otherwise the problem names the
/// flow and the largest inputs of the iteration, the likely cause of the overflow.
fn finite(model: &Model, slots: &[f64], out: &crate::results::Record<'_>) -> cohort::Step {
    let Some((what, value)) = out.first_non_finite(model) else { return Ok(()) };
    // The inputs by size: the parameters of this iteration and the numbers written in the scenario.
    let mut inputs: Vec<(String, f64)> = slots.iter().enumerate().map(|(k, &v)| (model.slot_key(k), v)).collect();
    inputs.extend(model.constants.iter().cloned());
    inputs.sort_by(|a, b| b.1.abs().partial_cmp(&a.1.abs()).unwrap_or(std::cmp::Ordering::Equal));
    let largest: Vec<String> = inputs.iter().take(3).map(|(k, v)| format!("{k} = {v:e}")).collect();
    Err(cohort::DrawProblem {
        path: what,
        reason: format!(
            "is {value}: an amount overflowed the range of numbers; the largest inputs of this iteration: {}",
            largest.join(", ")
        ),
    })
}

/// SplitMix64's finaliser: a strong 64-bit mixer.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream of one parameter in one iteration.
#[inline]
pub(crate) fn stream(seed: u64, iteration: usize, key: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(mix(seed ^ mix((iteration as u64) ^ mix(key))))
}

/// Draws every parameter of one iteration into its slots.
#[inline]
pub(crate) fn draw(model: &Model, seed: u64, iteration: usize, slots: &mut [f64]) {
    for p in &model.params {
        let w = p.dist.width();
        let out = &mut slots[p.slot..p.slot + w];
        // Fixed parameters keep the value the workspace was initialised with.
        if !p.dist.is_fixed() {
            p.dist.sample_into(&mut stream(seed, iteration, p.key), out);
        }
    }
}
