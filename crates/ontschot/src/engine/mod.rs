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
use crate::results::{ArmSummary, BudgetTally, Layout, Results, Summaries, SummaryTally, Transfers, View};
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
    /// Iterations per block of a run that keeps no records, when not chosen by size (tests).
    stream_block: Option<usize>,
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
            stream_block: None,
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

    /// Runs all iterations and summarises each intervention arm against the comparator in both
    /// views ([`Results::summary`] and [`Results::budget_view`]), without keeping the iterations'
    /// records: blocks of iterations are simulated into one buffer and added to the summaries in
    /// their order, so the numbers are those of [`Simulation::run`] to the bit, in a small part of
    /// its memory (100,000 SamenOud iterations: under 100 MB rather than about 450 MB) and, on
    /// several threads, less time. The trace, the events and the costs per category are not kept.
    ///
    /// Arrangements in force are applied block by block, as they work iteration by iteration; a
    /// pooled budget keyed by expected savings needs every iteration's savings first, and with
    /// one in force this runs and keeps all iterations, as `run` does.
    ///
    /// ```
    /// # use ontschot::{Model, Simulation};
    /// let model = Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let sim = Simulation::new(&model).iterations(300).seed(5);
    /// let summaries = sim.summarise().unwrap();
    /// let kept = sim.run().unwrap();
    /// assert_eq!(summaries.arm(1).unwrap().summary, kept.summary(1).unwrap());
    /// assert_eq!(summaries.arm(1).unwrap().budget, kept.budget_view(1).unwrap());
    /// assert_eq!(&summaries.meta, kept.meta());
    /// ```
    pub fn summarise(&self) -> Result<Summaries> {
        self.summarise_with_progress(|_, _| true)
    }

    /// [`Simulation::summarise`], calling `progress(done, total)` as blocks of iterations
    /// finish; returning `false` stops the run with [`Error::Cancelled`].
    pub fn summarise_with_progress<F>(&self, progress: F) -> Result<Summaries>
    where
        F: Fn(usize, usize) -> bool + Sync,
    {
        let model = self.model;
        let arms = 1..model.arms.len();
        let in_force = &model.financing.in_force[..];
        // A pool keyed by expected savings needs every iteration's savings before it moves money.
        if in_force.iter().any(|a| matches!(a, crate::finance::Arrangement::PooledBudget { key: None, .. })) {
            let r = self.run_with_progress(progress)?;
            let arms = arms.map(|arm| Ok(ArmSummary { summary: r.summary(arm)?, budget: r.budget_view(arm)? }));
            return Ok(Summaries { arms: arms.collect::<Result<_>>()?, meta: r.meta().clone() });
        }
        let iterations = self.iterations;
        let lean = Simulation { detail: false, trace: false, events: false, ..self.clone() };
        let layout = Layout::new(model, false, false, false);
        let per = lean.stream_block(&layout);
        lean.check(Draws::Random, iterations, lean.summaries_memory(&layout, iterations, per), false)?;
        let tick = Tick::new(iterations, &progress);
        lean.in_pool(|| {
            let mut results: Option<Results> = None;
            let mut tallies = Vec::new();
            for start in (0..iterations).step_by(per) {
                let m = per.min(iterations - start);
                let mut buffers = match results.as_mut() {
                    None => layout.allocate(m)?,
                    Some(r) => r.take_buffers(),
                };
                buffers.truncate(&layout, m);
                let first = self.first_iteration + start;
                lean.fill(Draws::Random, &layout, &mut buffers, first, results.is_some(), &tick)?;
                let r = match results.take() {
                    None => Results::new(model, layout.clone(), buffers, (first, m), self.seed, false, self.mode),
                    Some(mut r) => {
                        r.put_buffers(buffers, first, m);
                        r
                    }
                };
                if tallies.is_empty() {
                    tallies = arms
                        .clone()
                        .map(|arm| {
                            (SummaryTally::new(r.meta(), arm, iterations), BudgetTally::new(r.meta(), arm, iterations))
                        })
                        .collect();
                }
                // Arrangements in force work iteration by iteration: applied to each block, they
                // move what they move in the whole run.
                let moved = |arm: usize, view: View| match in_force {
                    [] => Transfers::none(),
                    _ => crate::finance::transfers(&r, arm, in_force, view),
                };
                tallies.par_iter_mut().for_each(|(summary, budget)| {
                    let arm = summary.arm();
                    rayon::join(
                        || summary.add(&r, &moved(arm, View::Societal)),
                        || budget.add(&r, &moved(arm, View::Budget)),
                    );
                });
                results = Some(r);
            }
            let mut meta = results.expect("at least one block").meta().clone();
            (meta.first_iteration, meta.iterations) = (self.first_iteration, iterations);
            meta.financed = !in_force.is_empty();
            let arms = tallies
                .into_par_iter()
                .map(|(summary, budget)| ArmSummary { summary: summary.finish(&meta), budget: budget.finish(&meta) })
                .collect();
            Ok(Summaries { meta, arms })
        })
    }

    /// Iterations per block of a run that keeps no records: a buffer of a few megabytes, which
    /// stays in the processor's cache, and at least four units of work per thread.
    fn stream_block(&self, layout: &Layout) -> usize {
        const BYTES: usize = 4 << 20;
        if let Some(n) = self.stream_block {
            return n;
        }
        let threads = self.threads.unwrap_or_else(rayon::current_num_threads).max(1);
        let by_size = BYTES / (8 * layout.len).max(1);
        by_size.max(4 * threads * BLOCK).div_ceil(BLOCK) * BLOCK
    }

    /// The memory [`Simulation::summarise`] needs, estimated in bytes: one block of records,
    /// and per iteration and intervention arm the values the summaries keep.
    fn summaries_memory(&self, layout: &Layout, iterations: usize, per: usize) -> u64 {
        let m = self.model;
        let years = m.n_years();
        let (nb, payers, parties) = (m.budgets.len(), m.payers().len(), m.parties().len());
        let flows = 1 + nb + payers + parties;
        // Investment, savings and money received per flow, life-years and QALYs, and the cash
        // per year of each flow; about as much again while the statistics sort them.
        let values = (m.arms.len().saturating_sub(1) * (3 * flows + 2 + years * flows)) as u64;
        let block = layout.len as u64 * per.min(iterations) as u64;
        (iterations as u64).saturating_mul(values).saturating_mul(8 * 2).saturating_add(block * 8)
    }

    fn execute(
        &self,
        draws: Draws,
        iterations: usize,
        progress: &(dyn Fn(usize, usize) -> bool + Sync),
    ) -> Result<Results> {
        self.check(draws, iterations, self.memory_needed(iterations), true)?;
        let model = self.model;
        let layout = Layout::new(model, self.detail, self.trace, self.events);
        let mut buffers = layout.allocate(iterations)?;
        let tick = Tick::new(iterations, progress);
        self.in_pool(|| self.fill(draws, &layout, &mut buffers, self.first_iteration, false, &tick))?;
        let offset = self.first_iteration;
        let mut results =
            Results::new(model, layout, buffers, (offset, iterations), self.seed, draws == Draws::Means, self.mode);
        crate::finance::apply_in_force(model, &mut results);
        Ok(results)
    }

    /// Refuses a run that cannot or should not start, before any work: no iterations, a thread
    /// count or memory beyond the limits, draws likely outside a field's range, a mode or trace
    /// the scenario cannot have. `kept`: the run keeps its records, so that ranges of it can be
    /// run one after another and joined ([`Results::merge`]); summaries cannot be joined.
    fn check(&self, draws: Draws, iterations: usize, needed: u64, kept: bool) -> Result<()> {
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
        if needed > self.max_memory {
            let ranges = if kept { ", or ranges of them one after another" } else { "" };
            return Err(Error::Settings {
                field: "iterations",
                reason: format!(
                    "{iterations} iterations need about {} of memory, above the limit of {}: run fewer iterations{ranges}, or raise the limit (CLI --max-memory, Python max_memory=, Rust Simulation::max_memory)",
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
        if self.first_iteration.checked_add(iterations).is_none() {
            return Err(Error::Settings {
                field: "first_iteration",
                reason: format!("{} plus the iterations does not fit", self.first_iteration),
            });
        }
        Ok(())
    }

    /// Runs `work` on the run's threads: rayon's global pool, or a pool of the threads asked for.
    fn in_pool<T: Send>(&self, work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
        match self.threads {
            None => work(),
            Some(n) => rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| Error::Settings { field: "threads", reason: e.to_string() })?
                .install(work),
        }
    }

    /// Simulates the iterations `first..` of the run into `buffers`, one record each, in
    /// parallel; `reused` buffers hold an earlier block's records, cleared first.
    fn fill(
        &self,
        draws: Draws,
        layout: &Layout,
        buffers: &mut crate::results::Buffers,
        first: usize,
        reused: bool,
        tick: &Tick<'_>,
    ) -> Result<()> {
        let model = self.model;
        let mode = self.mode;
        // An individual iteration can be long: smaller blocks keep progress and the threads busy.
        let block = match mode {
            Mode::Cohort => BLOCK,
            Mode::Individual => (BLOCK * 1000 / model.person_cycles().max(1)).clamp(1, BLOCK),
        };
        let means = model.mean_slots();
        let (seed, fixed) = (self.seed, &self.fixed);
        // With fewer iterations than threads can share, the people of each iteration are shared
        // instead.
        let parallel_people = tick.total < 4 * rayon::current_num_threads();
        buffers.blocks_mut(layout, block).enumerate().try_for_each_init(
            || Workspace::new(model, layout.detail, layout.events),
            |ws, (index, mut chunk)| -> Result<()> {
                if tick.stop.load(Ordering::Relaxed) {
                    return Err(Error::Cancelled { done: tick.done.load(Ordering::Relaxed), total: tick.total });
                }
                for local in 0..chunk.len() {
                    // The iteration's number in the whole run: it decides its draws.
                    let iteration = first + index * block + local;
                    match draws {
                        Draws::Means => ws.slots.copy_from_slice(&means),
                        Draws::Random => draw(model, seed, iteration, &mut ws.slots),
                    }
                    for &(slot, value) in fixed {
                        ws.slots[slot] = value;
                    }
                    model.derive(&mut ws.slots);
                    let out = &mut chunk.record(local);
                    if reused {
                        out.clear();
                    }
                    match mode {
                        Mode::Cohort => ws.simulate(model, out),
                        Mode::Individual => ws.simulate_people(model, seed, iteration, parallel_people, out),
                    }
                    .and_then(|()| ws.party_weights(model, out))
                    .and_then(|()| finite(model, &ws.slots, out))
                    .map_err(|d| d.into_error(model, iteration))?;
                }
                tick.advance(chunk.len())
            },
        )
    }
}

/// Progress of a run over its blocks, and whether it was told to stop.
struct Tick<'p> {
    done: AtomicUsize,
    stop: AtomicBool,
    total: usize,
    progress: &'p (dyn Fn(usize, usize) -> bool + Sync),
}

impl<'p> Tick<'p> {
    fn new(total: usize, progress: &'p (dyn Fn(usize, usize) -> bool + Sync)) -> Tick<'p> {
        Tick { done: AtomicUsize::new(0), stop: AtomicBool::new(false), total, progress }
    }

    /// Counts `n` more iterations done and tells the caller; a `false` from it stops the run.
    fn advance(&self, n: usize) -> Result<()> {
        let finished = self.done.fetch_add(n, Ordering::Relaxed) + n;
        if !(self.progress)(finished, self.total) {
            self.stop.store(true, Ordering::Relaxed);
            return Err(Error::Cancelled { done: finished, total: self.total });
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The summaries of a run that keeps no records, as JSON (which also compares the NaN of an
    /// undefined ratio), and those of the same run kept.
    fn both(sim: &Simulation<'_>) -> (String, String) {
        let kept = sim.run().unwrap();
        let arms = (1..kept.meta().arms.len())
            .map(|a| ArmSummary { summary: kept.summary(a).unwrap(), budget: kept.budget_view(a).unwrap() })
            .collect();
        let whole = Summaries { meta: kept.meta().clone(), arms };
        let streamed = sim.summarise().unwrap();
        (serde_json::to_string(&streamed).unwrap(), serde_json::to_string(&whole).unwrap())
    }

    #[test]
    fn summaries_without_records_equal_those_of_the_kept_run_to_the_bit() {
        for name in crate::seeds::names() {
            let scenario = crate::seeds::load(name).unwrap();
            let model = Model::new(&scenario).unwrap();
            for (mode, n) in [(Mode::Cohort, 150), (Mode::Individual, 7)] {
                if mode == Mode::Individual && !crate::model::individual_problems(&scenario).is_empty() {
                    continue;
                }
                // Blocks of 64 and 3 iterations, the last one shorter, on one and two threads.
                for (block, threads) in [(64, 1), (3, 2)] {
                    let mut sim = Simulation::new(&model).mode(mode).iterations(n).seed(9).first_iteration(5);
                    sim = sim.threads(Some(threads));
                    sim.stream_block = Some(block);
                    let (streamed, kept) = both(&sim);
                    assert!(streamed == kept, "{name}, {mode:?}, blocks of {block}: the summaries differ");
                }
            }
        }
    }

    #[test]
    fn arrangements_apply_block_by_block_or_to_the_whole_run_as_a_kept_run_applies_them() {
        let text = crate::seeds::text("samenoud").unwrap();
        let in_force = "[[arrangements]]\ntype = \"pooled_budget\"\nname = \"NZa innovation rule: the insurer pays the intervention\"\nkey = { insurer = 1 }\n";
        assert!(text.contains(in_force), "the seed's arrangement in force");
        let shared =
            "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"care_office\"\nto = \"insurer\"\nshare = 0.5\n";
        // A pool keyed by shares with shared savings works iteration by iteration; a pool keyed
        // by expected savings needs the whole run.
        for pool in ["key = { insurer = 0.5, municipality = 0.5 }\n", ""] {
            let arrangements = format!("[[arrangements]]\ntype = \"pooled_budget\"\nname = \"pool\"\n{pool}{shared}");
            let scenario = crate::Scenario::from_toml_str(&text.replace(in_force, &arrangements)).unwrap();
            let model = Model::new(&scenario).unwrap();
            let mut sim = Simulation::new(&model).iterations(100).seed(3).threads(Some(2));
            sim.stream_block = Some(7);
            let (streamed, kept) = both(&sim);
            assert!(streamed == kept, "pool {pool:?}: the summaries differ");
            assert!(kept.contains("\"financed\":true"), "the arrangements moved money");
        }
    }

    #[test]
    fn summaries_without_records_can_be_cancelled() {
        let model = Model::new(&crate::seeds::samenoud()).unwrap();
        let mut sim = Simulation::new(&model).iterations(1000);
        sim.stream_block = Some(128);
        let err = sim.summarise_with_progress(|done, _| done < 256).unwrap_err();
        assert!(matches!(err, Error::Cancelled { total: 1000, .. }), "{err}");
    }
}
