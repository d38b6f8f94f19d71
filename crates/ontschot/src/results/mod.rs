//! Result arrays and their summaries.
//!
//! A run keeps, per iteration, arm, year and budget, in two views of money:
//! - the *societal view*: care at reference prices and the intervention's own (programme) costs,
//!   in euros of the price year, undiscounted, for the whole population; the summaries discount
//!   them with the scenario's yearly rates and `discount.timing` (by default year 1
//!   undiscounted; see [`Results::summary`]);
//! - the *budget view*: each budget's cash, in nominal euros of each calendar year: use at the
//!   tariff the budget pays, times the share of a changed unit that releases cash, indexed, with
//!   own contributions by their rules, never discounted (see [`Results::budget_view`]).
//!
//! Besides money: life-years and QALYs per arm and year, units of use per category, and on
//! request care costs per category. This module knows nothing of financing: the arrangements'
//! transfers are computed by [`crate::finance`] and kept here.

mod budget;
mod stats;
mod strategies;
mod trace;

pub(crate) use budget::BudgetTally;
pub use budget::{BudgetView, CashYear, PartyYears};

pub use stats::Stats;
pub(crate) use stats::{quantile, share_gaining};
pub(crate) use strategies::check_willingness_to_pay;
pub use strategies::{ArmTotals, ArmYear, Dominance, Frontier, FrontierPoint, Strategies};
pub use trace::{ArmTrace, TraceSummary};

use crate::error::{Error, Result};
use crate::model::{BudgetInfo, Label, Model};
use ndarray::{Array3, ArrayView3, ArrayView4, Axis, ShapeBuilder};
use rayon::prelude::*;
use serde::Serialize;

/// Offsets of the parts of one iteration's record in the flat result buffer.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub(crate) struct Layout {
    pub arms: usize,
    pub years: usize,
    pub budgets: usize,
    pub categories: usize,
    pub detail: bool,
    care: usize,
    programme: usize,
    #[serde(default)]
    cash: usize,
    #[serde(default)]
    cash_programme: usize,
    effects: usize,
    units: usize,
    detail_at: usize,
    /// A region's parties: per iteration the keys `[arm][year][party][budget]` by which they
    /// pay each budget's part of an arm's own costs, and each party's care
    /// `[view][arm][year][party]` (none without a region).
    #[serde(default)]
    pub parties: usize,
    #[serde(default)]
    weights: usize,
    #[serde(default)]
    party_care: usize,
    /// With the trace: per iteration the people in each state at each trace point
    /// `[arm][point][state]`; with the events (always with the trace) the people entering each
    /// state per year `[arm][year][state]`.
    #[serde(default)]
    pub trace: bool,
    #[serde(default)]
    pub events: bool,
    #[serde(default)]
    pub states: usize,
    #[serde(default)]
    pub points: usize,
    #[serde(default)]
    trace_at: usize,
    #[serde(default)]
    events_at: usize,
    pub(crate) len: usize,
}

impl Layout {
    pub(crate) fn new(m: &Model, detail: bool, trace: bool, events: bool) -> Layout {
        let parties = if m.region.is_some() { m.parties.len() } else { 0 };
        let shape = Shape { states: m.states.len(), points: m.n_cycles + 1, trace, events: events || trace };
        Layout::sizes(m.arms.len(), m.n_years(), m.budgets.len(), m.categories.len(), detail, parties, shape)
    }

    #[allow(clippy::too_many_arguments)]
    fn sizes(a: usize, y: usize, b: usize, c: usize, detail: bool, parties: usize, shape: Shape) -> Layout {
        let flows = a * y * b;
        let care = 0;
        let programme = flows;
        let cash = 2 * flows;
        let cash_programme = 3 * flows;
        let effects = 4 * flows;
        let units = effects + a * y * MEASURES;
        let detail_at = units + a * y * c;
        let weights = detail_at + if detail { a * y * c } else { 0 };
        let party_care = weights + a * y * parties * b;
        let trace_at = party_care + 2 * a * y * parties;
        let Shape { states, points, trace, events } = shape;
        let events_at = trace_at + if trace { a * points * states } else { 0 };
        let len = events_at + if events { a * y * states } else { 0 };
        Layout {
            arms: a,
            years: y,
            budgets: b,
            categories: c,
            detail,
            care,
            programme,
            cash,
            cash_programme,
            effects,
            units,
            detail_at,
            parties,
            weights,
            party_care,
            trace,
            events,
            states,
            points,
            trace_at,
            events_at,
            len,
        }
    }

    /// The result buffer, or an error (rather than an abort) when memory cannot hold it.
    pub(crate) fn allocate(&self, iterations: usize) -> crate::Result<Buffers> {
        let values = iterations.checked_mul(self.len);
        // Zeroed memory straight from the system (`alloc_zeroed`): its pages are touched first by
        // the worker that writes each record, in parallel, rather than filled here on one thread.
        let data = values.and_then(|n| {
            let layout = std::alloc::Layout::array::<f64>(n).ok().filter(|l| l.size() > 0)?;
            // SAFETY: the layout has a non-zero size; all-zero bytes are the f64 0.0; the pointer
            // comes from the global allocator with this layout, as `Vec::from_raw_parts` needs.
            unsafe {
                let ptr = std::alloc::alloc_zeroed(layout).cast::<f64>();
                (!ptr.is_null()).then(|| Vec::from_raw_parts(ptr, n, n))
            }
        });
        match data {
            Some(data) => Ok(Buffers { data }),
            _ => Err(crate::Error::Settings {
                field: "iterations",
                reason: format!(
                    "the results of {iterations} iterations need {:.1} GB of memory ({} values of 8 bytes each per iteration), more than can be allocated; run fewer iterations",
                    iterations as f64 * self.len as f64 * 8.0 / 1e9,
                    self.len
                ),
            }),
        }
    }
}

/// The trace's dimensions: states, trace points, and whether the run keeps the trace and the
/// events.
#[derive(Clone, Copy)]
struct Shape {
    states: usize,
    points: usize,
    trace: bool,
    events: bool,
}

/// The flat result buffer: one record of `Layout::len` values per iteration.
pub(crate) struct Buffers {
    data: Vec<f64>,
}

impl Buffers {
    /// Blocks of `block` iterations, to fill in parallel.
    pub(crate) fn blocks_mut<'a>(
        &'a mut self,
        layout: &'a Layout,
        block: usize,
    ) -> impl IndexedParallelIterator<Item = Chunk<'a>> + 'a {
        self.data.par_chunks_mut(block * layout.len).map(move |data| Chunk { data, layout })
    }

    /// Keeps the records of the first `iterations` (a run's last, shorter block).
    pub(crate) fn truncate(&mut self, layout: &Layout, iterations: usize) {
        self.data.truncate(iterations * layout.len);
    }
}

/// A block of iteration records.
pub(crate) struct Chunk<'a> {
    data: &'a mut [f64],
    layout: &'a Layout,
}

impl<'a> Chunk<'a> {
    pub(crate) fn len(&self) -> usize {
        self.data.len() / self.layout.len
    }
    pub(crate) fn record(&mut self, i: usize) -> Record<'_> {
        let len = self.layout.len;
        Record { data: &mut self.data[i * len..(i + 1) * len], layout: self.layout }
    }
}

/// One iteration's record, written by the engine.
pub(crate) struct Record<'a> {
    data: &'a mut [f64],
    layout: &'a Layout,
}

impl Record<'_> {
    pub(crate) fn clear(&mut self) {
        self.data.fill(0.0);
    }

    /// The first value that is not a finite number, with what it is in words (`care costs`,
    /// arm, year and budget for a money flow): an overflow the engine must not pass on.
    pub(crate) fn first_non_finite(&self, m: &crate::model::Model) -> Option<(String, f64)> {
        let k = self.data.iter().position(|v| !v.is_finite())?;
        let l = self.layout;
        let flows = l.arms * l.years * l.budgets;
        let what = if k < l.effects {
            let (section, r) = (k / flows, k % flows);
            let name = ["care costs", "programme costs", "cash for care", "cash for the programme"][section];
            let (arm, year, budget) = (r / (l.years * l.budgets), r / l.budgets % l.years, r % l.budgets);
            format!(
                "{name} of arm '{}', year {}, budget '{}'",
                m.arm_labels[arm].name,
                year + 1,
                m.budgets[budget].name
            )
        } else if k < l.units {
            "health effects (life-years or QALYs)".to_owned()
        } else if k >= l.trace_at && (l.trace || l.events) {
            "the people in a state, or entering one (the trace)".to_owned()
        } else {
            "care use or a party's share".to_owned()
        };
        Some((what, self.data[k]))
    }
    #[inline]
    fn flows_at(&self, base: usize, arm: usize, year: usize) -> usize {
        base + (arm * self.layout.years + year) * self.layout.budgets
    }
    /// Adds `amount` split over budgets by `shares`.
    #[inline]
    pub(crate) fn add_care(&mut self, arm: usize, year: usize, shares: &[f64], amount: f64) {
        let at = self.flows_at(self.layout.care, arm, year);
        for (v, s) in self.data[at..at + shares.len()].iter_mut().zip(shares) {
            *v += amount * s;
        }
    }
    #[inline]
    pub(crate) fn add_programme(&mut self, arm: usize, year: usize, shares: &[f64], amount: f64) {
        let at = self.flows_at(self.layout.programme, arm, year);
        for (v, s) in self.data[at..at + shares.len()].iter_mut().zip(shares) {
            *v += amount * s;
        }
    }
    /// Adds `units` of use at a cash rate per unit and budget to the budget view.
    #[inline]
    pub(crate) fn add_cash(&mut self, arm: usize, year: usize, rates: &[f64], units: f64) {
        let at = self.flows_at(self.layout.cash, arm, year);
        for (v, r) in self.data[at..at + rates.len()].iter_mut().zip(rates) {
            *v += units * r;
        }
    }
    /// Adds `amount` to one budget's cash (an own contribution moves it between two budgets).
    #[inline]
    pub(crate) fn add_cash_to(&mut self, arm: usize, year: usize, budget: usize, amount: f64) {
        let at = self.flows_at(self.layout.cash, arm, year);
        self.data[at + budget] += amount;
    }
    /// Adds a programme cost, split over budgets by `shares`, to the budget view, each budget's
    /// part multiplied by its index factor `index[budget]`.
    #[inline]
    pub(crate) fn add_cash_programme(&mut self, arm: usize, year: usize, shares: &[f64], index: &[f64], amount: f64) {
        let at = self.flows_at(self.layout.cash_programme, arm, year);
        for ((v, s), f) in self.data[at..at + shares.len()].iter_mut().zip(shares).zip(index) {
            *v += amount * s * f;
        }
    }
    /// Adds to the measures (life-years, QALYs, participant-years, enrolments) of an arm-year.
    #[inline]
    pub(crate) fn add_effects(&mut self, arm: usize, year: usize, measures: [f64; MEASURES]) {
        let at = self.layout.effects + (arm * self.layout.years + year) * MEASURES;
        for (v, x) in self.data[at..at + MEASURES].iter_mut().zip(measures) {
            *v += x;
        }
    }
    #[inline]
    pub(crate) fn add_units(&mut self, arm: usize, year: usize, category: usize, units: f64) {
        let at = self.layout.units + (arm * self.layout.years + year) * self.layout.categories + category;
        self.data[at] += units;
    }
    #[inline]
    pub(crate) fn add_detail(&mut self, arm: usize, year: usize, category: usize, cost: f64) {
        let at = self.layout.detail_at + (arm * self.layout.years + year) * self.layout.categories + category;
        self.data[at] += cost;
    }
    /// The region's programme keys of an arm-year, `[party][budget]`: while the engine runs, the
    /// costs booked on each party; then the keys.
    #[inline]
    pub(crate) fn keys_mut(&mut self, arm: usize, year: usize) -> &mut [f64] {
        let l = self.layout;
        let n = l.parties * l.budgets;
        let at = l.weights + (arm * l.years + year) * n;
        &mut self.data[at..at + n]
    }
    /// The parties' care of an arm-year in one view (0 societal, 1 budget), `[party]`.
    #[inline]
    pub(crate) fn party_mut(&mut self, view: usize, arm: usize, year: usize) -> &mut [f64] {
        let l = self.layout;
        let at = l.party_care + ((view * l.arms + arm) * l.years + year) * l.parties;
        &mut self.data[at..at + l.parties]
    }
    /// Adds per-person care of the parties `[year][party]` in one view, times `people`.
    pub(crate) fn add_scaled_party(&mut self, view: usize, arm: usize, per_person: &[f64], people: f64) {
        let l = self.layout;
        let at = l.party_care + (view * l.arms + arm) * l.years * l.parties;
        self.add_scaled(at, l.parties, per_person, people, 0);
    }
    /// Adds a cohort's course to an arm's trace and events, times `people`: `trace` holds the
    /// people per state at its points `[point][state]`, `entries` those entering each state in
    /// each cycle `[cycle][state]` (row 0 unused). The cohort starts `offset` cycles into the
    /// horizon; what falls past the horizon is dropped.
    pub(crate) fn add_course(
        &mut self,
        arm: usize,
        trace: &[f64],
        entries: &[f64],
        people: f64,
        offset: usize,
        cycles_per_year: usize,
    ) {
        let l = self.layout;
        let s = l.states;
        let points = l.points.saturating_sub(offset);
        if l.trace {
            let at = l.trace_at + (arm * l.points + offset) * s;
            for (v, x) in self.data[at..at + points * s].iter_mut().zip(&trace[..points * s]) {
                *v += x * people;
            }
        }
        for t in 1..points {
            let year = (offset + t - 1) / cycles_per_year;
            let at = l.events_at + (arm * l.years + year) * s;
            for (v, x) in self.data[at..at + s].iter_mut().zip(&entries[t * s..(t + 1) * s]) {
                *v += x * people;
            }
        }
    }

    /// Adds per-person flows `[year][budget]`, times `people`, moved `shift` years later (the
    /// years pushed past the horizon are dropped).
    pub(crate) fn add_scaled_care(&mut self, arm: usize, per_person: &[f64], people: f64, shift: usize) {
        let at = self.flows_at(self.layout.care, arm, 0);
        self.add_scaled(at, self.layout.budgets, per_person, people, shift);
    }
    pub(crate) fn add_scaled_cash(&mut self, arm: usize, per_person: &[f64], people: f64, shift: usize) {
        let at = self.flows_at(self.layout.cash, arm, 0);
        self.add_scaled(at, self.layout.budgets, per_person, people, shift);
    }
    pub(crate) fn add_scaled_units(&mut self, arm: usize, per_person: &[f64], people: f64, shift: usize) {
        let at = self.layout.units + arm * self.layout.years * self.layout.categories;
        self.add_scaled(at, self.layout.categories, per_person, people, shift);
    }
    pub(crate) fn add_scaled_effects(&mut self, arm: usize, per_person: &[f64], people: f64, shift: usize) {
        let at = self.layout.effects + arm * self.layout.years * MEASURES;
        self.add_scaled(at, MEASURES, per_person, people, shift);
    }
    pub(crate) fn add_scaled_detail(&mut self, arm: usize, per_person: &[f64], people: f64, shift: usize) {
        let at = self.layout.detail_at + arm * self.layout.years * self.layout.categories;
        self.add_scaled(at, self.layout.categories, per_person, people, shift);
    }
    #[inline]
    fn add_scaled(&mut self, at: usize, inner: usize, per_person: &[f64], people: f64, shift: usize) {
        let years = self.layout.years.saturating_sub(shift);
        let at = at + shift * inner;
        for (v, x) in self.data[at..at + years * inner].iter_mut().zip(&per_person[..years * inner]) {
            *v += x * people;
        }
    }
}

/// What a run was: names of the axes and the settings needed to read the numbers.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Meta {
    /// Scenario name.
    pub scenario: String,
    /// File it came from, or `<scenario>`.
    pub origin: String,
    /// Arms; index 0 is the comparator.
    pub arms: Vec<Label>,
    /// Budgets (the last axis of the flow arrays).
    pub budgets: Vec<BudgetInfo>,
    /// Payers.
    pub payers: Vec<crate::model::PayerInfo>,
    /// Care categories (the last axis of the detail arrays).
    pub categories: Vec<Label>,
    /// States (the last axis of the trace and the events).
    #[serde(default)]
    pub states: Vec<Label>,
    /// Number of years (the year axis).
    pub years: usize,
    /// Iterations run.
    pub iterations: usize,
    /// Index of the first iteration: 0 for a whole run, `k` for a range of a larger run that
    /// starts at iteration `k` (see [`Simulation::first_iteration`](crate::Simulation::first_iteration)).
    #[serde(default)]
    pub first_iteration: usize,
    /// A checksum of the scenario the run is of (0 in results saved before it was kept):
    /// [`Results::merge`] joins only ranges of one scenario.
    #[serde(default)]
    pub fingerprint: u32,
    /// Seed used.
    pub seed: u64,
    /// True for the deterministic run at the parameters' means.
    pub deterministic: bool,
    /// Number of people at the start.
    pub population: f64,
    /// People entering each year from the second year on.
    #[serde(default)]
    pub inflow: f64,
    /// `cohort` (expected values) or `individual` (every person simulated).
    #[serde(default = "cohort")]
    pub mode: String,
    /// Yearly discount rate of costs.
    pub discount_costs: f64,
    /// Yearly discount rate of effects.
    pub discount_effects: f64,
    /// When within a year amounts count, for discounting.
    #[serde(default)]
    pub discount_timing: crate::scenario::DiscountTiming,
    /// Willingness to pay per QALY.
    pub willingness_to_pay: f64,
    /// True when QALYs were computed.
    pub has_qalys: bool,
    /// The year whose euros the societal view's amounts are in (`analysis.societal_year`, else
    /// the price year).
    pub price_year: Option<u32>,
    /// Calendar year of the first model year (the budget view's first year), when known.
    #[serde(default)]
    pub start_year: Option<i32>,
    /// The cycle convention, as written in scenarios.
    pub cycle_convention: String,
    /// True when financing arrangements were applied (see [`Results::transfers`]).
    #[serde(default)]
    pub financed: bool,
    /// The parties that pay and save: one per payer, or a region's municipalities and insurers
    /// beside the other payers.
    #[serde(default)]
    pub parties: Vec<crate::model::PartyInfo>,
    /// Per party: true when it joins and pays by the region's keys (all, without a region).
    #[serde(default)]
    pub joiners: Vec<bool>,
}

impl Meta {
    /// `arm` is an intervention arm of the run: a named error for the comparator, arm 0, or an
    /// arm the run does not have.
    pub(crate) fn intervention_arm(&self, arm: usize) -> Result<()> {
        let arms = &self.arms;
        let names = || arms.iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join(", ");
        let reason = if arm == 0 {
            format!(
                "arm 0 is the comparator ('{}'), which every summary compares an intervention arm with: choose 1 to {}",
                arms[0].name,
                arms.len() - 1
            )
        } else if arm >= arms.len() {
            format!("the run has arms 0 to {} ({}); {arm} is not one of them", arms.len() - 1, names())
        } else {
            return Ok(());
        };
        Err(Error::Settings { field: "arm", reason })
    }
}

fn cohort() -> String {
    "cohort".into()
}

/// The arrays of a run. Flow arrays are indexed `[iteration, year, budget]`, in euros for the whole
/// population, undiscounted; effects `[iteration, year, measure]` with measure 0 = life-years and
/// 1 = QALYs.
///
/// ```
/// # use ontschot::{Model, Scenario, Simulation};
/// # let s = Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/welzijn_op_recept.toml")).unwrap();
/// # let model = Model::new(&s).unwrap();
/// let r = Simulation::new(&model).iterations(50).run().unwrap();
/// let inc = r.increment(1).unwrap();         // intervention minus usual care; arm 5 would be an Err
/// assert_eq!(inc.shape(), &[50, model.n_years(), model.budgets().len()]);
/// ```
#[derive(Clone, Debug)]
pub struct Results {
    meta: Meta,
    layout: Layout,
    data: Vec<f64>,
    /// The transfers of the arrangements in force, when applied (see [`Results::keep_transfers`]);
    /// saved after `data`.
    moved: Vec<f64>,
}

/// Results serialise as their saved bytes ([`Results::to_bytes`]: header, values and checksum),
/// so a serde format carries them whole and damaged bytes are refused on the way back.
///
/// ```
/// # use ontschot::{Model, Simulation};
/// let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
/// let r = Simulation::new(&model).iterations(5).run().unwrap();
/// let back: ontschot::Results = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
/// assert_eq!(back.summary(1).unwrap(), r.summary(1).unwrap());
/// ```
impl Serialize for Results {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.to_bytes())
    }
}

impl<'de> serde::Deserialize<'de> for Results {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Results, D::Error> {
        struct Bytes;
        impl<'de> serde::de::Visitor<'de> for Bytes {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the bytes of saved results")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> std::result::Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> std::result::Result<Vec<u8>, E> {
                Ok(v)
            }
            // Formats without bytes (JSON) write a list of numbers.
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Vec<u8>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(b) = seq.next_element()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        let bytes = d.deserialize_byte_buf(Bytes)?;
        Results::from_bytes(&bytes).map_err(serde::de::Error::custom)
    }
}

/// A checksum of a scenario's contents, to tell results of one scenario from another's.
fn fingerprint(s: &crate::Scenario) -> u32 {
    crc32fast::hash(&serde_json::to_vec(s).unwrap_or_default())
}

impl Results {
    pub(crate) fn new(
        model: &Model,
        layout: Layout,
        buffers: Buffers,
        (first_iteration, iterations): (usize, usize),
        seed: u64,
        deterministic: bool,
        mode: crate::scenario::Mode,
    ) -> Results {
        let s = model.scenario();
        let convention = serde_json::to_value(s.cycle_convention)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let meta = Meta {
            scenario: s.name.clone(),
            origin: s.origin_label().to_owned(),
            arms: model.arms().to_vec(),
            budgets: model.budgets().to_vec(),
            payers: model.payers().to_vec(),
            categories: model.categories().to_vec(),
            states: model.states().to_vec(),
            years: model.n_years(),
            iterations,
            first_iteration,
            fingerprint: fingerprint(s),
            seed,
            deterministic,
            population: model.population(),
            inflow: model.inflow(),
            mode: mode.as_str().to_owned(),
            discount_costs: s.discount.costs,
            discount_effects: s.discount.effects,
            discount_timing: s.discount.timing,
            willingness_to_pay: s.analysis.willingness_to_pay(),
            has_qalys: model.has_utilities(),
            price_year: model.societal.1.or(s.price_year),
            start_year: model.start_year(),
            cycle_convention: convention,
            financed: false,
            parties: model.parties().to_vec(),
            joiners: model.joiners(),
        };
        Results { meta, layout, data: buffers.data, moved: Vec::new() }
    }

    /// The record buffer, to fill with the next block of a run that keeps no records
    /// ([`crate::Simulation::summarise`]); [`Results::put_buffers`] puts it back.
    pub(crate) fn take_buffers(&mut self) -> Buffers {
        Buffers { data: std::mem::take(&mut self.data) }
    }

    /// The records of iterations `first..first + iterations`, in the buffer taken before.
    pub(crate) fn put_buffers(&mut self, buffers: Buffers, first: usize, iterations: usize) {
        assert_eq!(buffers.data.len(), iterations * self.layout.len, "a record per iteration");
        self.data = buffers.data;
        (self.meta.first_iteration, self.meta.iterations) = (first, iterations);
    }

    /// Names, settings and sizes of this run.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// An error for an arm the run does not have (0 is the comparator).
    pub(crate) fn check_arm(&self, arm: usize) -> Result<()> {
        let n = self.layout.arms;
        if arm < n {
            return Ok(());
        }
        Err(Error::Settings {
            field: "arm",
            reason: format!("arm {arm} is out of range: the run has {n} arms, 0 (the comparator) to {}", n - 1),
        })
    }

    /// A view of one arm's block of years; the arm is checked by the caller.
    fn view(&self, offset: usize, inner: usize, arm: usize) -> ArrayView3<'_, f64> {
        self.view_rows(offset, self.layout.years, inner, arm)
    }

    /// A view of one arm's block of `rows` rows (years, or trace points).
    fn view_rows(&self, offset: usize, rows: usize, inner: usize, arm: usize) -> ArrayView3<'_, f64> {
        let l = &self.layout;
        debug_assert!(arm < l.arms, "arm {arm} checked by the caller");
        let shape = (self.meta.iterations, rows, inner).strides((l.len, inner, 1));
        let start = offset + arm * rows * inner;
        ArrayView3::from_shape(shape, &self.data[start..]).expect("layout fits the buffer")
    }

    /// Care costs of an arm, `[iteration, year, budget]` (a view, no copy); an arm the run does
    /// not have is an error.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(10).run().unwrap();
    /// assert_eq!(r.care(1).unwrap().shape(), [10, 3, model.budgets().len()]);
    /// assert!(r.care(5).unwrap_err().to_string().contains("arm 5 is out of range"));
    /// ```
    pub fn care(&self, arm: usize) -> Result<ArrayView3<'_, f64>> {
        self.check_arm(arm)?;
        Ok(self.view(self.layout.care, self.layout.budgets, arm))
    }
    /// The intervention's own costs in an arm, `[iteration, year, budget]` (a view).
    pub fn programme(&self, arm: usize) -> Result<ArrayView3<'_, f64>> {
        self.check_arm(arm)?;
        Ok(self.view(self.layout.programme, self.layout.budgets, arm))
    }
    /// The budget view of an arm's care, `[iteration, year, budget]` (a view): use at each
    /// budget's tariff, indexed to the calendar year, times the share of a unit that releases
    /// cash, plus own contributions by their rules (the client's budget pays, the collecting
    /// budget's cash falls by as much). With a release below 1 only the difference between arms
    /// is cash; see [`Results::cash_increment`].
    pub fn cash(&self, arm: usize) -> Result<ArrayView3<'_, f64>> {
        self.check_arm(arm)?;
        Ok(self.view(self.layout.cash, self.layout.budgets, arm))
    }
    /// The budget view of an arm's own costs, indexed to the calendar year, `[iteration, year, budget]`.
    pub fn cash_programme(&self, arm: usize) -> Result<ArrayView3<'_, f64>> {
        self.check_arm(arm)?;
        Ok(self.view(self.layout.cash_programme, self.layout.budgets, arm))
    }
    /// What `arm` changes in each budget's cash against the comparator, nominal euros of each
    /// year, `[iteration, year, budget]`: positive means the budget pays more, before arrangements.
    pub fn cash_increment(&self, arm: usize) -> Result<Array3<f64>> {
        Ok(&self.cash(arm)? + &self.cash_programme(arm)? - self.cash(0)? - self.cash_programme(0)?)
    }
    /// Life-years (measure 0), QALYs (1), participant-years alive (2) and people starting the
    /// intervention (3) of an arm, `[iteration, year, measure]`.
    pub fn effects(&self, arm: usize) -> Result<ArrayView3<'_, f64>> {
        self.check_arm(arm)?;
        Ok(self.view(self.layout.effects, MEASURES, arm))
    }
    /// Units of care use per category (contacts, days, hours), `[iteration, year, category]`.
    pub fn units(&self, arm: usize) -> Result<ArrayView3<'_, f64>> {
        self.check_arm(arm)?;
        Ok(self.view(self.layout.units, self.layout.categories, arm))
    }
    /// Care costs per category, `[iteration, year, category]`, when the run kept them.
    pub fn detail(&self, arm: usize) -> Result<Option<ArrayView3<'_, f64>>> {
        self.check_arm(arm)?;
        Ok(self.layout.detail.then(|| self.view(self.layout.detail_at, self.layout.categories, arm)))
    }
    /// The people in each state at each trace point of an arm, `[iteration, point, state]`, when
    /// the run kept the trace ([`Simulation::trace`](crate::Simulation::trace)): point 0 is the
    /// start, point t the end of cycle t; for the whole population, entrants included.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(5).trace(true).run().unwrap();
    /// let trace = r.trace(1).unwrap().unwrap();
    /// assert_eq!(trace.shape(), [5, model.n_cycles() + 1, model.states().len()]);
    /// // Nobody is lost: at the start everybody is somewhere.
    /// let start: f64 = trace.slice(ndarray::s![0, 0, ..]).sum();
    /// assert!((start - model.scenario().population.size).abs() < 1e-6);
    /// ```
    pub fn trace(&self, arm: usize) -> Result<Option<ArrayView3<'_, f64>>> {
        self.check_arm(arm)?;
        let l = &self.layout;
        Ok(l.trace.then(|| self.view_rows(l.trace_at, l.points, l.states, arm)))
    }
    /// The people entering each state per year of an arm, `[iteration, year, state]`, when the
    /// run kept the trace or the events: admissions into a hospital state, deaths into a dead
    /// state.
    pub fn events(&self, arm: usize) -> Result<Option<ArrayView3<'_, f64>>> {
        self.check_arm(arm)?;
        let l = &self.layout;
        Ok(l.events.then(|| self.view(l.events_at, l.states, arm)))
    }
    /// The whole flat record per iteration as a 4-d view of care costs `[iteration, arm, year, budget]`.
    pub fn care_all(&self) -> ArrayView4<'_, f64> {
        let l = &self.layout;
        let shape =
            (self.meta.iterations, l.arms, l.years, l.budgets).strides((l.len, l.years * l.budgets, l.budgets, 1));
        ArrayView4::from_shape(shape, &self.data[l.care..]).expect("layout fits the buffer")
    }
    /// Total costs (care + programme) of an arm, `[iteration, year, budget]`.
    pub fn costs(&self, arm: usize) -> Result<Array3<f64>> {
        Ok(&self.care(arm)? + &self.programme(arm)?)
    }
    /// Costs of `arm` minus costs of the comparator, `[iteration, year, budget]`: positive means
    /// the budget pays more with the intervention.
    pub fn increment(&self, arm: usize) -> Result<Array3<f64>> {
        Ok(self.costs(arm)? - self.costs(0)?)
    }
    /// The measures of `arm` in iteration `i`, `[year][measure]` flat (in place); the arm is
    /// checked by the caller.
    #[inline]
    fn effects_row(&self, arm: usize, i: usize) -> &[f64] {
        let l = &self.layout;
        let at = i * l.len + l.effects + arm * l.years * MEASURES;
        &self.data[at..at + l.years * MEASURES]
    }

    /// The yearly weights of money in a view: the cost discount factors in the societal view,
    /// ones in the budget view (cash is never discounted).
    pub fn money_weights(&self, view: View) -> Vec<f64> {
        match view {
            View::Societal => self.cost_discount_factors(),
            View::Budget => vec![1.0; self.meta.years],
        }
    }
    /// Discount factors of costs per year, by the scenario's `discount.timing` (by default
    /// `(1 + r)^-(year - 1)`).
    pub fn cost_discount_factors(&self) -> Vec<f64> {
        self.meta.discount_timing.factors(self.meta.discount_costs, self.meta.years)
    }
    /// Discount factors of effects per year.
    pub fn effect_discount_factors(&self) -> Vec<f64> {
        self.meta.discount_timing.factors(self.meta.discount_effects, self.meta.years)
    }
    /// `array` with its year axis (axis 1) discounted by `factors`.
    pub fn discounted(array: ArrayView3<'_, f64>, factors: &[f64]) -> Array3<f64> {
        let mut out = array.to_owned();
        for (mut lane, f) in out.axis_iter_mut(Axis(1)).zip(factors) {
            lane *= *f;
        }
        out
    }

    /// The extra programme costs of `arm` over the comparator in iteration `i`, year `y` and
    /// budget `b`, and the care costs it saves, in one view of money; the arm is checked by the
    /// caller. Read in place: summaries need no copy of the arrays.
    #[inline]
    pub(crate) fn extra_at(&self, view: View, arm: usize, i: usize, y: usize, b: usize) -> (f64, f64) {
        let l = &self.layout;
        let (care, programme) = match view {
            View::Societal => (l.care, l.programme),
            View::Budget => (l.cash, l.cash_programme),
        };
        let row = i * l.len;
        let (at_arm, at_comparator) = ((arm * l.years + y) * l.budgets + b, y * l.budgets + b);
        let d = &self.data;
        (
            d[row + programme + at_arm] - d[row + programme + at_comparator],
            d[row + care + at_comparator] - d[row + care + at_arm],
        )
    }

    /// Per iteration, year and budget (flat, in that order): the extra programme costs of `arm`
    /// over the comparator, and the care costs it saves, in one view of money.
    pub(crate) fn extra_flows(&self, view: View, arm: usize) -> (Vec<f64>, Vec<f64>) {
        let (n, years, nb) = (self.meta.iterations, self.layout.years, self.layout.budgets);
        let mut programme = vec![0.0; n * years * nb];
        let mut saved = vec![0.0; n * years * nb];
        // Iteration by iteration, in parallel: each writes its own rows.
        let row = (years * nb).max(1);
        programme.par_chunks_mut(row).zip(saved.par_chunks_mut(row)).enumerate().for_each(|(i, (prog, sav))| {
            for y in 0..years {
                for b in 0..nb {
                    (prog[y * nb + b], sav[y * nb + b]) = self.extra_at(view, arm, i, y, b);
                }
            }
        });
        (programme, saved)
    }

    /// The results as bytes (a JSON header, then the values as little-endian `f64`), for saving
    /// or for sending to another process; read back with [`Results::from_bytes`].
    ///
    /// ```
    /// # use ontschot::{Model, Scenario, Simulation, Results};
    /// # let s = Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/welzijn_op_recept.toml")).unwrap();
    /// # let model = Model::new(&s).unwrap();
    /// let r = Simulation::new(&model).iterations(10).run().unwrap();
    /// let back = Results::from_bytes(&r.to_bytes()).unwrap();
    /// assert_eq!(back.care(1).unwrap(), r.care(1).unwrap());
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&(&self.meta, &self.layout)).expect("meta and layout serialise");
        let mut out = Vec::with_capacity(12 + header.len() + 8 * (self.data.len() + self.moved.len()));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(header.len() as u64).to_le_bytes());
        out.extend_from_slice(&header);
        for x in self.data.iter().chain(&self.moved) {
            out.extend_from_slice(&x.to_le_bytes());
        }
        // A checksum over everything before it: damaged bytes are refused, not read.
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Reads results written by [`Results::to_bytes`]; refuses bytes that do not fit.
    pub fn from_bytes(bytes: &[u8]) -> crate::Result<Results> {
        let bad = |reason: &str| crate::Error::Decode { reason: reason.to_owned() };
        if bytes.starts_with(b"ONTR") {
            return Err(bad("saved by an earlier version of ontschot, without a checksum: run the scenario again"));
        }
        let body = bytes.strip_prefix(MAGIC).ok_or_else(|| bad("not ontschot results (wrong magic bytes)"))?;
        let (body, crc) = body.split_at_checked(body.len().saturating_sub(4)).ok_or_else(|| bad("truncated"))?;
        if crc.len() != 4 || crc32fast::hash(&bytes[..MAGIC.len() + body.len()]).to_le_bytes() != crc {
            return Err(bad("the bytes are damaged or changed (their checksum does not match)"));
        }
        let (len, rest) = body.split_at_checked(8).ok_or_else(|| bad("truncated header"))?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().expect("8 bytes")))
            .map_err(|_| bad("the header's length does not fit"))?;
        let (header, values) = rest.split_at_checked(len).ok_or_else(|| bad("truncated header"))?;
        let (meta, mut layout): (Meta, Layout) =
            serde_json::from_slice(header).map_err(|e| bad(&format!("bad header: {e}")))?;
        let usable = meta.iterations > 0
            && meta.arms.len() >= 2
            && meta.years > 0
            && meta.budgets.iter().all(|b| b.payer < meta.payers.len())
            && meta.joiners.len() == meta.parties.len()
            && (layout.parties == 0 || layout.parties == meta.parties.len())
            && (layout.parties > 0 || meta.parties.iter().all(|p| meta.payers.iter().any(|q| q.name == p.name)))
            && (!layout.events || (layout.states == meta.states.len() && layout.points > 0))
            && (layout.events || !layout.trace);
        if !usable {
            return Err(bad("the header describes no usable run (iterations, arms, years, payers or parties)"));
        }
        let expected = Layout::sizes(
            meta.arms.len(),
            meta.years,
            meta.budgets.len(),
            meta.categories.len(),
            layout.detail,
            layout.parties,
            Shape { states: layout.states, points: layout.points, trace: layout.trace, events: layout.events },
        );
        // Results written before the trace existed have no offsets for it: where there is none,
        // its offsets are the end of the record, as now.
        if !layout.events {
            layout.trace_at = expected.trace_at;
            layout.events_at = expected.events_at;
        }
        let transfers = if meta.financed {
            [2, meta.iterations, layout.arms, layout.years, layout.budgets.saturating_add(layout.parties)]
                .iter()
                .try_fold(1usize, |acc, &x| acc.checked_mul(x))
        } else {
            Some(0)
        };
        let values_expected =
            meta.iterations.checked_mul(layout.len).zip(transfers).and_then(|(a, b)| a.checked_add(b));
        if expected != layout || values.len() % 8 != 0 || Some(values.len() / 8) != values_expected {
            return Err(bad("the values do not match the axes in the header"));
        }
        let mut data: Vec<f64> =
            values.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes"))).collect();
        let moved = data.split_off(meta.iterations * layout.len);
        Ok(Results { meta, layout, data, moved })
    }

    /// Who pays and who benefits in the societal view: the increment of `arm` over the
    /// comparator at reference prices, discounted and summed over the horizon, per budget, per
    /// payer and in total, with the health outcomes, before and after the financing arrangements
    /// in force.
    ///
    /// `arm` is an intervention arm, 1 or more; arm 0 is the comparator, and an arm the run does
    /// not have is an error:
    ///
    /// ```
    /// # use ontschot::{Model, Simulation};
    /// let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    /// let r = Simulation::new(&model).iterations(10).run().unwrap();
    /// assert!(r.summary(1).is_ok());
    /// assert!(r.summary(0).unwrap_err().to_string().contains("arm 0 is the comparator"));
    /// assert!(r.summary(5).unwrap_err().to_string().contains("the run has arms 0 to 1"));
    /// ```
    pub fn summary(&self, arm: usize) -> Result<Summary> {
        self.intervention_arm(arm)?;
        Ok(self.summary_with(arm, &self.kept(View::Societal, arm)))
    }

    /// `arm` is an intervention arm of this run.
    pub(crate) fn intervention_arm(&self, arm: usize) -> Result<()> {
        self.meta.intervention_arm(arm)
    }

    /// The societal summary of `arm` with other transfers than those in force (see
    /// [`crate::finance::transfers`]).
    pub(crate) fn summary_with(&self, arm: usize, transfers: &Transfers) -> Summary {
        summarise(self, arm, transfers)
    }

    /// Who pays and who benefits in the budget view: per budget, payer and in total, per
    /// calendar year and cumulated, the change in cash in nominal euros with its 95% interval and
    /// the probability that the party's cash position is better, after the arrangements in force.
    ///
    /// ```
    /// # use ontschot::{Model, Simulation};
    /// let model = Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = Simulation::new(&model).iterations(100).run().unwrap();
    /// let view = r.budget_view(1).unwrap();
    /// assert_eq!(view.years.len(), model.n_years());
    /// // Parties add up to the total in every year.
    /// let sum: f64 = view.payers.iter().map(|p| p.years[0].cash.mean).sum();
    /// assert!((sum - view.total.years[0].cash.mean).abs() < 1e-6 * sum.abs().max(1.0));
    /// ```
    pub fn budget_view(&self, arm: usize) -> Result<BudgetView> {
        self.intervention_arm(arm)?;
        Ok(budget::budget_view(self, arm, &self.kept(View::Budget, arm)))
    }

    /// The budget view of `arm` with other transfers than those in force.
    pub(crate) fn budget_view_with(&self, arm: usize, transfers: &Transfers) -> BudgetView {
        budget::budget_view(self, arm, transfers)
    }

    /// The transfers of the arrangements in force for `arm` in one view (none without them).
    pub(crate) fn kept(&self, view: View, arm: usize) -> Transfers {
        let Some(t) = self.transfers_in(view, arm) else { return Transfers::none() };
        let l = &self.layout;
        let n = self.meta.iterations;
        let mut parties = Vec::new();
        if l.parties > 0 {
            // After both views' budgets: [view][iteration][arm][year][party].
            let start = 2 * n * l.arms * l.years * l.budgets;
            let block = usize::from(view == View::Budget) * n * l.arms * l.years * l.parties;
            for i in 0..n {
                let at = start + block + (i * l.arms + arm) * l.years * l.parties;
                parties.extend_from_slice(&self.moved[at..at + l.years * l.parties]);
            }
        }
        Transfers { budgets: t.iter().copied().collect(), parties }
    }

    /// Money moved by the financing arrangements in force in the societal view,
    /// `[iteration, year, budget]`: positive where a budget pays, negative where it receives;
    /// each iteration-year sums to zero. `None` when the scenario has no arrangements.
    pub fn transfers(&self, arm: usize) -> Option<ArrayView3<'_, f64>> {
        self.transfers_in(View::Societal, arm)
    }

    /// Money moved by the arrangements in force in one view of money (cash in the budget view).
    pub fn transfers_in(&self, view: View, arm: usize) -> Option<ArrayView3<'_, f64>> {
        let l = &self.layout;
        if !self.meta.financed || arm >= l.arms {
            return None;
        }
        let per_iteration = l.arms * l.years * l.budgets;
        let block = match view {
            View::Societal => 0,
            View::Budget => self.meta.iterations * per_iteration,
        };
        let start = block + arm * l.years * l.budgets;
        let shape = (self.meta.iterations, l.years, l.budgets).strides((per_iteration, l.budgets, 1));
        Some(ArrayView3::from_shape(shape, &self.moved[start..]).expect("layout fits the buffer"))
    }

    /// Joins the results of ranges of one run (the same scenario, seed and mode, run with
    /// [`Simulation::first_iteration`](crate::Simulation::first_iteration) over ranges that
    /// follow each other) into the results of the whole run, bit for bit: the ranges can run on
    /// other threads, processes or machines. `model` is the scenario's compiled model: the
    /// financing arrangements are applied to the whole again, as a pool's keys can depend on all
    /// iterations.
    ///
    /// ```
    /// use ontschot::{Model, Results, Simulation};
    /// let model = Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let whole = Simulation::new(&model).iterations(30).seed(4).run().unwrap();
    /// let parts: Vec<Results> = [(0, 10), (10, 20)]
    ///     .iter()
    ///     .map(|&(first, n)| Simulation::new(&model).seed(4).first_iteration(first).iterations(n).run().unwrap())
    ///     .collect();
    /// assert_eq!(Results::merge(&model, parts).unwrap().to_bytes(), whole.to_bytes());
    /// ```
    pub fn merge(model: &Model, parts: impl IntoIterator<Item = Results>) -> Result<Results> {
        let mut parts: Vec<Results> = parts.into_iter().collect();
        let refuse = |reason: String| Error::Settings { field: "results", reason };
        parts.sort_by_key(|r| r.meta.first_iteration);
        let Some(first) = parts.first() else {
            return Err(refuse("nothing to merge: give at least one result".into()));
        };
        if first.meta.deterministic {
            return Err(refuse("the deterministic run is one iteration: there is nothing to merge".into()));
        }
        // The same run but for its range: everything else in the header must agree.
        let same = |r: &Results| Meta {
            iterations: 0,
            first_iteration: 0,
            financed: false,
            origin: String::new(),
            ..r.meta.clone()
        };
        let reference = same(first);
        if reference.fingerprint != fingerprint(model.scenario())
            || reference.arms != model.arms()
            || reference.budgets != model.budgets()
            || reference.categories != model.categories()
            || first.layout.len != Layout::new(model, first.layout.detail, first.layout.trace, first.layout.events).len
        {
            return Err(refuse(format!(
                "these results are not of the scenario '{}' given to merge",
                model.scenario().name
            )));
        }
        let mut next = first.meta.first_iteration;
        for r in &parts {
            if same(r) != reference || r.layout != first.layout {
                return Err(refuse(format!(
                    "iterations {}..{} come from another run (a different scenario, seed, mode or detail)",
                    r.meta.first_iteration,
                    r.meta.first_iteration + r.meta.iterations
                )));
            }
            if r.meta.first_iteration != next {
                let (a, b) = (r.meta.first_iteration, r.meta.first_iteration + r.meta.iterations);
                let what = if a > next {
                    format!("iterations {next}..{a} are missing")
                } else {
                    format!("iterations {a}..{} are there twice", next.min(b))
                };
                return Err(refuse(format!("the ranges must follow each other: {what}")));
            }
            next += r.meta.iterations;
        }
        let len = first.layout.len;
        let total = next - first.meta.first_iteration;
        let mut data = Vec::with_capacity(total * len);
        for r in &parts {
            // Each part's own transfers are left behind: they are computed on the whole below.
            data.extend_from_slice(&r.data);
        }
        let meta = Meta { iterations: total, financed: false, ..first.meta.clone() };
        let mut merged = Results { meta, layout: first.layout.clone(), data, moved: Vec::new() };
        crate::finance::apply_in_force(model, &mut merged);
        Ok(merged)
    }

    /// Keeps the transfers of the arrangements in force: per view `[iteration][arm][year][budget]`
    /// flat, then in a region the parties' own `[iteration][arm][year][party]` per view
    /// (computed by [`crate::finance`], once after a run).
    pub(crate) fn keep_transfers(&mut self, moved: Vec<f64>) {
        self.moved = moved;
        self.meta.financed = true;
    }

    /// The region's parties in the record (0 without a region).
    pub(crate) fn layout_parties(&self) -> usize {
        self.layout.parties
    }
}

/// Per iteration, year and party (flat, in that order): programme costs paid, care costs saved
/// and money paid through arrangements.
pub(crate) struct PartyFlows {
    pub programme: Vec<f64>,
    pub saved: Vec<f64>,
    pub paid: Vec<f64>,
}

impl Results {
    /// Without a region, the party of each budget: its payer (found once, not per iteration).
    pub(crate) fn own_parties(&self) -> Vec<Option<usize>> {
        let m = &self.meta;
        m.budgets.iter().map(|b| m.parties.iter().position(|p| p.name == m.payers[b.payer].name)).collect()
    }

    /// The key of party `p` in budget `b`'s part of `arm`'s own costs in iteration `i` and year `y`: a
    /// region's drawn keys, or 1 for the budget's own party.
    #[inline]
    fn key(&self, own: &[Option<usize>], i: usize, arm: usize, y: usize, p: usize, b: usize) -> f64 {
        let l = &self.layout;
        if l.parties == 0 {
            return f64::from(u8::from(own[b] == Some(p)));
        }
        self.data[i * l.len + l.weights + ((arm * l.years + y) * l.parties + p) * l.budgets + b]
    }

    /// A region's care of party `p` for `arm` in iteration `i` and year `y`, in one view.
    #[inline]
    fn party_care(&self, view: View, arm: usize, i: usize, y: usize, p: usize) -> f64 {
        let l = &self.layout;
        let v = usize::from(view == View::Budget);
        self.data[i * l.len + l.party_care + ((v * l.arms + arm) * l.years + y) * l.parties + p]
    }

    /// The shares `[party][budget]` by which the parties pay each budget's part of `arm`'s own
    /// costs in iteration `i` and year `y`, given who joins: the joining parties that share a
    /// budget, in proportion to their keys (without any joiner among its parties a budget's
    /// costs stay where they fall: nobody else pays them).
    pub(crate) fn pays(
        &self,
        own: &[Option<usize>],
        i: usize,
        arm: usize,
        y: usize,
        joiners: &[bool],
        out: &mut [f64],
    ) {
        let (nb, np) = (self.layout.budgets, self.meta.parties.len());
        for b in 0..nb {
            let joined: f64 = (0..np).filter(|&p| joiners[p]).map(|p| self.key(own, i, arm, y, p, b)).sum();
            for p in 0..np {
                let key = self.key(own, i, arm, y, p, b);
                out[p * nb + b] = if joined > 0.0 { if joiners[p] { key / joined } else { 0.0 } } else { key };
            }
        }
    }

    /// The budget each party's own transfers are booked on (`None` for a party that books none):
    /// a region's municipality or insurer on the first budget of its payer.
    pub(crate) fn books(&self) -> Vec<Option<usize>> {
        let m = &self.meta;
        m.parties.iter().map(|p| m.budgets.iter().position(|b| m.payers[b.payer].name == p.payer)).collect()
    }

    /// Each party's flows of `arm` in one view, with `transfers` and the parties that join
    /// (`joiners`): the programme costs of a budget are paid by the joining parties that share
    /// it, in proportion to their keys; care follows residence or membership, joiners or not.
    /// An arrangement settles with the parties that pay the budget's part of the intervention (a
    /// refund goes to those who paid), never with the equalisation fund, which shares only in
    /// care costs; what an arrangement names a region's party for is that party's alone.
    /// Parties always sum to the budgets.
    pub(crate) fn party_flows(&self, view: View, arm: usize, transfers: &Transfers, joiners: &[bool]) -> PartyFlows {
        let (n, ny, nb, np) = (self.meta.iterations, self.layout.years, self.layout.budgets, self.meta.parties.len());
        let own = self.own_parties();
        let books = self.books();
        let mut out = PartyFlows {
            programme: vec![0.0; n * ny * np],
            saved: vec![0.0; n * ny * np],
            paid: vec![0.0; n * ny * np],
        };
        // Iteration by iteration, in parallel: each writes its own rows.
        let rows = (ny * np).max(1);
        out.programme
            .par_chunks_mut(rows)
            .zip(out.saved.par_chunks_mut(rows))
            .zip(out.paid.par_chunks_mut(rows))
            .enumerate()
            .for_each_init(
                || (vec![0.0; np * nb], vec![0.0; nb]),
                |(pays, shared), (i, ((programme, saved_out), paid))| {
                    // Written before any `+=` reads them: a fresh page read first is mapped to the
                    // zero page and then copied on the write, each a fault.
                    programme.fill(0.0);
                    saved_out.fill(0.0);
                    paid.fill(0.0);
                    for y in 0..ny {
                        let at = (i * ny + y) * nb;
                        let (row, global) = (y * np, (i * ny + y) * np);
                        self.pays(&own, i, arm, y, joiners, pays);
                        for (b, v) in shared.iter_mut().enumerate() {
                            *v = transfers.budget(at + b);
                        }
                        if !transfers.parties.is_empty() {
                            for p in 0..np {
                                let direct = transfers.parties[global + p];
                                if let (Some(b), true) = (books[p], direct != 0.0) {
                                    shared[b] -= direct;
                                    paid[row + p] += direct;
                                }
                            }
                        }
                        for p in 0..np {
                            let k = row + p;
                            if self.layout.parties > 0 {
                                saved_out[k] = self.party_care(view, 0, i, y, p) - self.party_care(view, arm, i, y, p);
                            }
                            for b in 0..nb {
                                let w = pays[p * nb + b];
                                let (prog, saved) = self.extra_at(view, arm, i, y, b);
                                programme[k] += prog * w;
                                if self.layout.parties == 0 && own[b] == Some(p) {
                                    saved_out[k] += saved;
                                }
                                paid[k] += shared[b] * w;
                            }
                        }
                    }
                },
            );
        out
    }
}

/// Money moved by a set of arrangements in one view of money: per budget
/// `[iteration][year][budget]` (positive where the budget pays), and of that the part a region's
/// municipalities and insurers pay or receive by name, `[iteration][year][party]` (empty when no
/// arrangement names one).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Transfers {
    pub budgets: Vec<f64>,
    pub parties: Vec<f64>,
}

impl Transfers {
    /// No transfers: empty, read as zeros by [`Transfers::budget`].
    pub(crate) fn none() -> Transfers {
        Transfers::default()
    }

    /// What budget `k` (`[iteration][year][budget]` flat) pays: 0 when nothing moves.
    #[inline]
    pub(crate) fn budget(&self, k: usize) -> f64 {
        if self.budgets.is_empty() { 0.0 } else { self.budgets[k] }
    }
}

/// Which view of money: reference prices, discounted (cost-effectiveness), or each budget's cash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Reference prices of the price year, discounted: society's opportunity costs.
    Societal,
    /// Each budget's cash: tariffs, release, indexation and own-contribution rules, nominal,
    /// per calendar year, never discounted.
    Budget,
}

/// Format 2: with a checksum (format 1, `ONTR`, had none).
const MAGIC: &[u8; 4] = b"ONT2";

/// Number of measures per arm-year: life-years, QALYs, participant-years, enrolments.
pub const MEASURES: usize = 4;

/// Summary of one flow (a budget, a payer, or the total) over the horizon, discounted, for the
/// intervention against the comparator. Positive `net` means the party gains.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct FlowSummary {
    /// Key of the budget or payer (`total` for the sum).
    pub name: String,
    /// Display name.
    pub label: String,
    /// The payer's key, for a budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// Extra programme costs this party pays (the investment).
    pub investment: Stats,
    /// Care costs this party no longer pays (negative: it pays more care).
    pub savings: Stats,
    /// Savings minus investment.
    pub net: Stats,
    /// Probability that `net` > 0.
    pub probability_gain: f64,
    /// Money received through the financing arrangements in force (negative: paid), discounted.
    pub transfers: Stats,
    /// Net after the arrangements: `net + transfers`.
    pub net_after: Stats,
    /// Probability that `net_after` > 0.
    pub probability_gain_after: f64,
    /// First year from which the mean cumulative net stays >= 0 to the horizon.
    pub break_even_year: Option<usize>,
    /// Mean savings of this party per euro of mean total investment (all budgets).
    pub return_per_euro: Option<f64>,
    /// Mean cumulative net at the end of each year.
    pub cumulative_net: Vec<f64>,
}

impl FlowSummary {
    /// True when the intervention does not touch this party at all: no cost, no saving and no
    /// transfer in any iteration, such as a grant funder in an option without its grant. Tables
    /// may leave such a party out.
    pub fn untouched(&self) -> bool {
        [&self.investment, &self.savings, &self.net, &self.transfers, &self.net_after].iter().all(|s| s.is_zero())
    }
}

/// Health outcomes of the intervention against the comparator, discounted.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct HealthSummary {
    /// Life-years gained.
    pub life_years: Stats,
    /// QALYs gained, when the states have utilities.
    pub qalys: Option<Stats>,
    /// Mean incremental cost (society, all budgets) per QALY gained: ratio of the means.
    pub icer: Option<f64>,
    /// Net monetary benefit at the willingness to pay: `wtp * dQALY - dCost`.
    pub net_monetary_benefit: Option<Stats>,
    /// Probability that the net monetary benefit is positive.
    pub probability_cost_effective: Option<f64>,
    /// The willingness to pay per QALY used.
    pub willingness_to_pay: f64,
    /// The net monetary benefit at each Dutch reference value per QALY (€20,000, €50,000 and
    /// €80,000 by burden of disease), when the states have utilities.
    pub reference_values: Vec<ReferenceValue>,
}

/// The net monetary benefit at one Dutch reference value per QALY.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct ReferenceValue {
    /// The burden-of-disease class.
    pub burden: crate::Burden,
    /// Euros per QALY.
    pub willingness_to_pay: f64,
    /// `willingness_to_pay * dQALY - dCost`.
    pub net_monetary_benefit: Stats,
    /// Probability that it is positive.
    pub probability_cost_effective: f64,
}

/// Who pays and who benefits for one intervention arm.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Summary {
    /// The intervention arm.
    pub arm: Label,
    /// The comparator.
    pub comparator: Label,
    /// Per budget.
    pub budgets: Vec<FlowSummary>,
    /// Per payer (sums of its budgets).
    pub payers: Vec<FlowSummary>,
    /// Per party: the payers, or a region's municipalities and insurers beside the other payers.
    pub parties: Vec<FlowSummary>,
    /// All budgets together (society's care and programme costs).
    pub total: FlowSummary,
    /// Health outcomes.
    pub health: HealthSummary,
    /// Iterations behind the numbers.
    pub iterations: usize,
}

/// The different items of `all`, in the order they first come, and for each item of `all` its
/// index among them.
pub(crate) fn distinct<T: PartialEq>(all: Vec<T>) -> (Vec<T>, Vec<usize>) {
    let mut out: Vec<T> = Vec::new();
    let index = all
        .into_iter()
        .map(|x| match out.iter().position(|o| *o == x) {
            Some(k) => k,
            None => {
                out.push(x);
                out.len() - 1
            }
        })
        .collect();
    (out, index)
}

/// What [`crate::Simulation::summarise`] gives: the run's names, settings and sizes, and each
/// intervention arm's summaries.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Summaries {
    /// Names, settings and sizes of the run, as [`Results::meta`] gives them.
    pub meta: Meta,
    /// Arms 1, 2, ... against the comparator, arm 0.
    pub arms: Vec<ArmSummary>,
}

impl Summaries {
    /// The summaries of intervention arm `arm` (1, 2, ...), as [`Results::summary`] and
    /// [`Results::budget_view`] check it: an error names the comparator, arm 0, or an arm the
    /// run does not have.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    /// let s = ontschot::Simulation::new(&model).iterations(50).summarise().unwrap();
    /// assert_eq!(s.arm(1).unwrap().summary.iterations, 50);
    /// assert!(s.arm(0).unwrap_err().to_string().contains("comparator"));
    /// assert!(s.arm(2).is_err());
    /// ```
    pub fn arm(&self, arm: usize) -> Result<&ArmSummary> {
        self.meta.intervention_arm(arm)?;
        Ok(&self.arms[arm - 1])
    }
}

/// One intervention arm against the comparator in both views of money.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct ArmSummary {
    /// Who pays and who benefits, discounted, in the societal view ([`Results::summary`]).
    pub summary: Summary,
    /// Each party's cash per calendar year in the budget view ([`Results::budget_view`]).
    pub budget: BudgetView,
}

/// Per iteration: discounted cumulative flows of one party, and its yearly discounted net.
struct Party {
    investment: Vec<f64>,
    savings: Vec<f64>,
    /// Discounted money received through arrangements (negative: paid).
    received: Vec<f64>,
    /// The mean over iterations of the discounted net up to the end of each year.
    cumulative: Vec<f64>,
}

impl Party {
    fn new(iterations: usize, years: usize) -> Party {
        let zeros = || vec![0.0; iterations];
        Party { investment: zeros(), savings: zeros(), received: zeros(), cumulative: vec![0.0; years] }
    }
}

fn summarise(r: &Results, arm: usize, all: &Transfers) -> Summary {
    let mut tally = SummaryTally::new(&r.meta, arm, r.meta.iterations);
    tally.add(r, all);
    tally.finish(&r.meta)
}

/// A summary gathered block by block of iterations, in their order: a run that keeps no records
/// ([`crate::Simulation::summarise`]) adds each block as it is simulated; a kept run adds itself
/// as one block. Per iteration it keeps only the discounted totals, and the mean cumulative net
/// is summed as it goes, so both give the same numbers to the bit.
pub(crate) struct SummaryTally {
    arm: usize,
    /// Iterations in the whole run.
    n: usize,
    /// Iterations added so far.
    filled: usize,
    /// Each different set of budgets among the total, the budgets and the payers (a payer of
    /// one budget has that budget's numbers: they are worked out once).
    members: Vec<Vec<usize>>,
    /// For the total, each budget and each payer, in that order, its set in `members`.
    set_of: Vec<usize>,
    /// Per set in `members`.
    sets: Vec<Party>,
    /// A region's parties.
    parties: Vec<Party>,
    /// Life-years gained per iteration.
    life_years: Vec<f64>,
    /// QALYs gained per iteration (empty without QALYs).
    qalys: Vec<f64>,
}

impl SummaryTally {
    pub(crate) fn new(meta: &Meta, arm: usize, n: usize) -> SummaryTally {
        let (years, nb) = (meta.years, meta.budgets.len());
        let mut flows: Vec<Vec<usize>> = vec![(0..nb).collect()];
        flows.extend((0..nb).map(|b| vec![b]));
        flows.extend((0..meta.payers.len()).map(|pi| (0..nb).filter(|&k| meta.budgets[k].payer == pi).collect()));
        let (members, set_of) = distinct(flows);
        SummaryTally {
            arm,
            n,
            filled: 0,
            sets: members.iter().map(|_| Party::new(n, years)).collect(),
            members,
            set_of,
            parties: meta.parties.iter().map(|_| Party::new(n, years)).collect(),
            life_years: vec![0.0; n],
            qalys: if meta.has_qalys { vec![0.0; n] } else { Vec::new() },
        }
    }

    /// The intervention arm summarised.
    pub(crate) fn arm(&self) -> usize {
        self.arm
    }

    /// Adds the iterations of `r`, the next block of the run, with the transfers `all` of the
    /// arrangements over those iterations.
    pub(crate) fn add(&mut self, r: &Results, all: &Transfers) {
        let meta = &r.meta;
        let (m, years, nb, arm) = (meta.iterations, meta.years, meta.budgets.len(), self.arm);
        let (first, n) = (self.filled, self.n);
        assert!(first + m <= n, "a tally of {n} iterations was given {}", first + m);
        let df = r.cost_discount_factors();
        // The total, each budget and each payer: each set of budgets' flows summed in budget
        // order, read in place, iteration by iteration in parallel into `rows`: per set the
        // discounted net to the end of each year, then investment, savings and money received.
        // The mean cumulative net is then summed in the order of the iterations.
        let (members, sets) = (&self.members, &mut self.sets);
        let width = years + 3;
        let tally_sets = || {
            let mut rows = vec![0.0; m * members.len() * width];
            rows.par_chunks_mut((members.len() * width).max(1)).enumerate().for_each(|(i, row)| {
                for (set, row) in members.iter().zip(row.chunks_mut(width)) {
                    let (mut investment, mut savings, mut received, mut acc) = (0.0, 0.0, 0.0, 0.0);
                    for y in 0..years {
                        let at = (i * years + y) * nb;
                        let inv: f64 = set.iter().map(|&b| r.extra_at(View::Societal, arm, i, y, b).0).sum();
                        let sav: f64 = set.iter().map(|&b| r.extra_at(View::Societal, arm, i, y, b).1).sum();
                        investment += inv * df[y];
                        savings += sav * df[y];
                        if !all.budgets.is_empty() {
                            received -= set.iter().map(|&b| all.budgets[at + b]).sum::<f64>() * df[y];
                        }
                        acc += (sav - inv) * df[y];
                        row[y] = acc;
                    }
                    row[years..].copy_from_slice(&[investment, savings, received]);
                }
            });
            for (i, rows) in rows.chunks(members.len() * width).enumerate() {
                for (p, row) in sets.iter_mut().zip(rows.chunks(width)) {
                    for (c, acc) in p.cumulative.iter_mut().zip(&row[..years]) {
                        *c += acc / n as f64;
                    }
                    (p.investment[first + i], p.savings[first + i], p.received[first + i]) =
                        (row[years], row[years + 1], row[years + 2]);
                }
            }
        };
        // Beside the parties' flows, on the other thread.
        let ((), flows) = rayon::join(tally_sets, || r.party_flows(View::Societal, arm, all, &meta.joiners));
        let np = meta.parties.len();
        self.parties.par_iter_mut().enumerate().for_each(|(p, party)| {
            for i in 0..m {
                let (mut investment, mut savings, mut received, mut acc) = (0.0, 0.0, 0.0, 0.0);
                for y in 0..years {
                    let k = (i * years + y) * np + p;
                    investment += flows.programme[k] * df[y];
                    savings += flows.saved[k] * df[y];
                    received -= flows.paid[k] * df[y];
                    acc += (flows.saved[k] - flows.programme[k]) * df[y];
                    party.cumulative[y] += acc / n as f64;
                }
                (party.investment[first + i], party.savings[first + i], party.received[first + i]) =
                    (investment, savings, received);
            }
        });
        // Health.
        let de = r.effect_discount_factors();
        let gained = |measure: usize, out: &mut [f64]| {
            out[first..first + m].par_iter_mut().enumerate().for_each(|(i, out)| {
                let (gain, comparator) = (r.effects_row(arm, i), r.effects_row(0, i));
                *out = (0..years)
                    .map(|y| (gain[y * MEASURES + measure] - comparator[y * MEASURES + measure]) * de[y])
                    .sum();
            });
        };
        gained(0, &mut self.life_years);
        if !self.qalys.is_empty() {
            gained(1, &mut self.qalys);
        }
        self.filled += m;
    }

    /// The summary of all iterations added.
    pub(crate) fn finish(self, meta: &Meta) -> Summary {
        assert_eq!(self.filled, self.n, "a summary of a part of the iterations");
        let (n, years, arm) = (self.n, meta.years, self.arm);
        let total_investment = stats::mean(&self.sets[self.set_of[0]].investment);
        let total_costs: Vec<f64> = {
            let total = &self.sets[self.set_of[0]];
            total.investment.iter().zip(&total.savings).map(|(i, s)| i - s).collect()
        };
        let flow = |p: Party| -> FlowSummary {
            let net: Vec<f64> = p.savings.iter().zip(&p.investment).map(|(s, i)| s - i).collect();
            let cumulative = p.cumulative;
            // A party without any flow has nothing to break even on.
            let break_even_year = (0..years)
                .find(|&y| cumulative[y..].iter().all(|c| *c >= 0.0))
                .map(|y| y + 1)
                .filter(|_| cumulative.iter().any(|c| *c != 0.0));
            let savings = Stats::of(&p.savings);
            let return_per_euro = (total_investment > 0.0).then(|| savings.mean / total_investment);
            let after: Vec<f64> = net.iter().zip(&p.received).map(|(n, r)| n + r).collect();
            FlowSummary {
                name: String::new(),
                label: String::new(),
                payer: None,
                investment: Stats::of(&p.investment),
                probability_gain: stats::share_gaining(&net),
                net: Stats::of(&net),
                transfers: Stats::of(&p.received),
                probability_gain_after: stats::share_gaining(&after),
                net_after: Stats::of(&after),
                savings,
                break_even_year,
                return_per_euro,
                cumulative_net: cumulative,
            }
        };
        let named = |f: &FlowSummary, name: &str, label: &str, payer: Option<&str>| FlowSummary {
            name: name.to_owned(),
            label: label.to_owned(),
            payer: payer.map(str::to_owned),
            ..f.clone()
        };
        // Each set's summary on its own thread: the same numbers, in the same order.
        let sets: Vec<FlowSummary> = self.sets.into_par_iter().map(flow).collect();
        let nb = meta.budgets.len();
        let budgets = (meta.budgets.iter().enumerate())
            .map(|(k, b)| named(&sets[self.set_of[1 + k]], &b.name, &b.label, Some(&meta.payers[b.payer].name)))
            .collect();
        let payers = (meta.payers.iter().enumerate())
            .map(|(k, p)| named(&sets[self.set_of[1 + nb + k]], &p.name, &p.label, None))
            .collect();
        let parties = meta
            .parties
            .par_iter()
            .zip(self.parties)
            .map(|(info, p)| named(&flow(p), &info.name, &info.label, Some(&info.payer)))
            .collect();
        let total = named(&sets[self.set_of[0]], "total", "Total", None);
        let ly = self.life_years;
        let wtp = meta.willingness_to_pay;
        let (qalys, icer, nmb, p_ce, reference_values) = if meta.has_qalys {
            let q = self.qalys;
            let qs = Stats::of(&q);
            let mean_cost = stats::mean(&total_costs);
            let icer = (qs.mean != 0.0).then(|| mean_cost / qs.mean);
            let at = |wtp: f64| -> (Stats, f64) {
                let nmb: Vec<f64> = q.iter().zip(&total_costs).map(|(q, c)| wtp * q - c).collect();
                (Stats::of(&nmb), stats::share_gaining(&nmb))
            };
            let (nmb, p) = at(wtp);
            let reference_values = crate::Burden::ALL
                .iter()
                .map(|&burden| {
                    let (net_monetary_benefit, probability_cost_effective) = at(burden.reference_value());
                    ReferenceValue {
                        burden,
                        willingness_to_pay: burden.reference_value(),
                        net_monetary_benefit,
                        probability_cost_effective,
                    }
                })
                .collect();
            (Some(qs), icer, Some(nmb), Some(p), reference_values)
        } else {
            (None, None, None, None, Vec::new())
        };
        Summary {
            arm: meta.arms[arm].clone(),
            comparator: meta.arms[0].clone(),
            budgets,
            payers,
            parties,
            total,
            health: HealthSummary {
                life_years: Stats::of(&ly),
                qalys,
                icer,
                net_monetary_benefit: nmb,
                probability_cost_effective: p_ce,
                willingness_to_pay: wtp,
                reference_values,
            },
            iterations: n,
        }
    }
}
