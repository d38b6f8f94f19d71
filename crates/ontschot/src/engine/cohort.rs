//! One iteration of the cohort (Markov trace) model.
//!
//! Participants are tracked as groups by the cycle they start in (ramp-up), each with its own
//! trace: before it starts a group follows usual care, after it the intervention with an effect
//! weight that depends on the time since its start (duration and fading). Non-participants follow
//! usual care. All buffers live in the [`Workspace`], allocated once per worker: the loop over
//! iterations allocates nothing and looks up no string.

use crate::error::Error;
use crate::model::{Arm, Matrix, Model, Row, Term};
use crate::results::{MEASURES, Record};
use crate::scenario::{CostKind, TransitionKind};

/// A value drawn in one iteration that the model cannot use; turned into [`Error::Draw`].
pub(crate) struct DrawProblem {
    pub(super) path: String,
    pub(super) reason: String,
}

impl DrawProblem {
    pub(crate) fn into_error(self, model: &Model, iteration: usize) -> Error {
        Error::Draw {
            origin: model.scenario.origin_label().to_owned(),
            iteration,
            path: self.path,
            reason: self.reason,
        }
    }
}

pub(super) type Step<T = ()> = Result<T, DrawProblem>;

/// Per-worker buffers, reused across iterations.
pub(crate) struct Workspace {
    pub slots: Vec<f64>,
    pub(super) s: usize,
    pub(super) b: usize,
    pub(super) c: usize,
    pub(super) t: usize,
    pub(super) detail: bool,
    pub(super) initial: Vec<f64>,
    pub(super) prices: Vec<f64>,
    /// [category][budget]
    pub(super) splits: Vec<f64>,
    /// [cost][budget] for the current arm
    pub(super) cost_splits: Vec<f64>,
    pub(super) row: Vec<f64>,
    /// Usual-care transition matrices, [cycle - 1][from][to].
    pub(super) uc_mats: Vec<f64>,
    pub(super) mat: Vec<f64>,
    /// Usual-care trace, [point][state], points 0..=T.
    pub(super) uc_trace: Vec<f64>,
    pub(super) trace: Vec<f64>,
    pub(super) occ: Vec<f64>,
    pub(super) use_: Vec<f64>,
    pub(super) util: Vec<f64>,
    /// Usual care's per-person flows of one run, kept to weight into each intervention arm:
    /// [year][budget] care, [year][2] effects, [year][category] detail.
    pub(super) uc_care: Vec<f64>,
    pub(super) uc_eff: Vec<f64>,
    pub(super) uc_units: Vec<f64>,
    pub(super) uc_detail: Vec<f64>,
    /// The iteration's own draws, while a subgroup changes `slots`.
    pub(super) base: Vec<f64>,
    /// Shares of the subgroups in this iteration.
    pub(super) shares: Vec<f64>,
    /// Share of the population in the subgroup being run.
    pub(super) scale: f64,
    /// Tables and tallies of the individual mode, made on first use.
    pub(super) people: Option<Box<super::individual::People>>,
}

impl Workspace {
    pub(crate) fn new(m: &Model, detail: bool) -> Self {
        let (s, b, c, t) = (m.states.len(), m.budgets.len(), m.categories.len(), m.n_cycles);
        let y = m.n_years();
        let n_costs = m.arms.iter().map(|a| a.costs.len()).max().unwrap_or(0);
        Workspace {
            slots: m.mean_slots(),
            s,
            b,
            c,
            t,
            detail,
            initial: vec![0.0; s],
            prices: vec![0.0; c],
            splits: vec![0.0; c * b],
            cost_splits: vec![0.0; n_costs * b],
            row: vec![0.0; s],
            uc_mats: vec![0.0; t * s * s],
            mat: vec![0.0; s * s],
            uc_trace: vec![0.0; (t + 1) * s],
            trace: vec![0.0; (t + 1) * s],
            occ: vec![0.0; s],
            use_: vec![0.0; c * s],
            util: vec![0.0; s],
            uc_care: vec![0.0; y * b],
            uc_eff: vec![0.0; y * MEASURES],
            uc_units: vec![0.0; y * c],
            uc_detail: vec![0.0; y * c],
            base: m.mean_slots(),
            shares: vec![0.0; m.subgroups.values.len()],
            scale: 1.0,
            people: None,
        }
    }

    /// Evaluates what every arm and group shares in one iteration: initial shares, prices,
    /// splits and usual care's transition matrices.
    pub(super) fn prepare(&mut self, m: &Model) -> Step {
        let s = self.s;
        eval_row(m, &self.slots, &m.initial, 1, &mut self.initial)?;
        self.prices_and_splits(m)?;
        for t in 1..=self.t {
            let mat = &mut self.uc_mats[(t - 1) * s * s..t * s * s];
            build_matrix(m, &self.slots, &m.matrix, None, t, 1.0, mat, &mut self.row)?;
        }
        Ok(())
    }

    /// Evaluates the prices and budget splits of the categories: all that accounting for counted
    /// units needs besides the slots.
    pub(super) fn prices_and_splits(&mut self, m: &Model) -> Step {
        let b = self.b;
        for (ci, cat) in m.categories.iter().enumerate() {
            self.prices[ci] = nonneg(m, &self.slots, cat.price, 1, &cat.path, "price")?;
            eval_row(m, &self.slots, &cat.split, 1, &mut self.splits[ci * b..(ci + 1) * b])?;
        }
        Ok(())
    }

    /// Evaluates the subgroups' shares with the iteration's draws, and keeps those draws, which
    /// each subgroup then changes in its own way.
    pub(super) fn subgroup_shares(&mut self, m: &Model) -> Step {
        self.base.copy_from_slice(&self.slots);
        eval_row(m, &self.slots, &m.subgroups.shares, 1, &mut self.shares)
    }

    /// Sets the slots to subgroup `h`'s values and the people's scale to its share.
    pub(super) fn enter_subgroup(&mut self, m: &Model, h: usize) {
        self.slots.copy_from_slice(&self.base);
        for &(slot, term) in &m.subgroups.values[h] {
            self.slots[slot] = eval(m, &self.base, term, 1);
        }
        self.scale = self.shares[h];
    }

    /// Back to the iteration's own draws and everybody.
    pub(super) fn leave_subgroups(&mut self) {
        self.slots.copy_from_slice(&self.base);
        self.scale = 1.0;
    }

    /// Runs every arm of one iteration with the parameter values in `self.slots`: each subgroup
    /// as a cohort of its own, weighted by its share.
    pub(crate) fn simulate(&mut self, m: &Model, out: &mut Record<'_>) -> Step {
        out.clear();
        self.subgroup_shares(m)?;
        let result = (|| -> Step {
            for h in 0..self.shares.len() {
                if self.shares[h] > 0.0 {
                    self.enter_subgroup(m, h);
                    self.subgroup(m, out)?;
                }
            }
            Ok(())
        })();
        self.leave_subgroups();
        result?;
        for (ai, arm) in m.arms.iter().enumerate().skip(1) {
            self.fixed_costs(m, ai, arm, out)?;
        }
        Ok(())
    }

    /// The flows of the people of one subgroup (all of them without subgroups), every arm.
    fn subgroup(&mut self, m: &Model, out: &mut Record<'_>) -> Step {
        let s = self.s;
        self.prepare(m)?;
        // Usual care's trace, shared by every arm.
        self.uc_trace[..s].copy_from_slice(&self.initial);
        for t in 1..=self.t {
            let (prev, next) = self.uc_trace.split_at_mut(t * s);
            step(&prev[(t - 1) * s..], &self.uc_mats[(t - 1) * s * s..t * s * s], &mut next[..s]);
        }
        // Usual care's own flows, per person.
        self.uc_care.fill(0.0);
        self.uc_eff.fill(0.0);
        self.uc_units.fill(0.0);
        self.uc_detail.fill(0.0);
        let trace = std::mem::take(&mut self.uc_trace);
        let result = self.group_flows(m, &trace, None, 0, 1.0, 0, None, &mut Flows::UsualCare);
        self.uc_trace = trace;
        result?;
        self.add_usual_care(m, 0, 1.0, out);
        for (ai, arm) in m.arms.iter().enumerate().skip(1) {
            self.arm(m, ai, arm, out)?;
        }
        Ok(())
    }

    /// Adds usual care's per-person flows for a share of every entry year's people to an arm:
    /// each year's entrants follow the starting population's course, shifted to their entry.
    fn add_usual_care(&self, m: &Model, ai: usize, share: f64, out: &mut Record<'_>) {
        for k in 0..m.entry_years() {
            let people = m.entrants(k) * self.scale * share;
            if people > 0.0 {
                out.add_scaled_care(ai, &self.uc_care, people, k);
                out.add_scaled_effects(ai, &self.uc_eff, people, k);
                out.add_scaled_units(ai, &self.uc_units, people, k);
                if self.detail {
                    out.add_scaled_detail(ai, &self.uc_detail, people, k);
                }
            }
        }
    }

    /// Evaluates an arm's uptake and cost splits; returns the uptake.
    pub(super) fn arm_setup(&mut self, m: &Model, arm: &Arm) -> Step<f64> {
        let b = self.b;
        let uptake = unit(m, &self.slots, arm.uptake, 1, &arm.path, "uptake")?;
        for (k, cost) in arm.costs.iter().enumerate() {
            eval_row(m, &self.slots, &cost.split, 1, &mut self.cost_splits[k * b..(k + 1) * b])?;
        }
        Ok(uptake)
    }

    /// Adds the costs of an arm that do not depend on who is where (one-off and per FTE), once
    /// for the whole population, with the iteration's own draws.
    pub(super) fn fixed_costs(&mut self, m: &Model, ai: usize, arm: &Arm, out: &mut Record<'_>) -> Step {
        let b = self.b;
        self.arm_setup(m, arm)?;
        for (k, cost) in arm.costs.iter().enumerate() {
            let amount = nonneg(m, &self.slots, cost.amount, 1, &cost.path, "amount")?;
            let per_cycle = match cost.kind {
                CostKind::OneOff => {
                    out.add_programme(
                        ai,
                        (cost.cycle - 1) / m.cycles_per_year,
                        &self.cost_splits[k * b..(k + 1) * b],
                        amount,
                    );
                    continue;
                }
                CostKind::PerFte => amount * nonneg(m, &self.slots, cost.fte, 1, &cost.path, "fte")? * m.cycle_years,
                _ => continue,
            };
            for t in 1..=self.t {
                if cost.cycles.contains(t) {
                    out.add_programme(
                        ai,
                        (t - 1) / m.cycles_per_year,
                        &self.cost_splits[k * b..(k + 1) * b],
                        per_cycle,
                    );
                }
            }
        }
        Ok(())
    }

    /// The transition matrix of participants in cycle `t` at effect weight `w`, into `self.mat`.
    /// Needs usual care's matrices ([`Workspace::prepare`]).
    pub(super) fn participant_matrix(&mut self, m: &Model, arm: &Arm, t: usize, w: f64) -> Step {
        let s = self.s;
        let matrix = arm.matrix.as_ref().unwrap_or(&m.matrix);
        let uc = &self.uc_mats[(t - 1) * s * s..t * s * s];
        if arm.matrix.is_some() && w < 1.0 {
            // An own matrix fades as a mixture with usual care's.
            if w > 0.0 {
                build_matrix(m, &self.slots, matrix, Some(arm), t, 1.0, &mut self.mat, &mut self.row)?;
            }
            for (p, u) in self.mat.iter_mut().zip(uc) {
                *p = if w > 0.0 { w * *p + (1.0 - w) * u } else { *u };
            }
            Ok(())
        } else {
            build_matrix(m, &self.slots, matrix, Some(arm), t, w, &mut self.mat, &mut self.row)
        }
    }

    /// Use per person-year by category and state in cycle `t` into `self.use_`: usual care's, or
    /// participants' at effect weight `w`.
    pub(super) fn use_rates(&mut self, m: &Model, part: Option<&Arm>, w: f64, t: usize) -> Step {
        let s = self.s;
        for (ci, cat) in m.categories.iter().enumerate() {
            for (si, term) in cat.use_.iter().enumerate() {
                self.use_[ci * s + si] = nonneg(m, &self.slots, *term, t, &cat.path, "use_per_year")?;
            }
        }
        if let Some(a) = part {
            for &(ci, si, term) in &a.use_override {
                let v = nonneg(m, &self.slots, term, t, &a.path, "state_overrides")?;
                let base = self.use_[ci * s + si];
                self.use_[ci * s + si] = w * v + (1.0 - w) * base;
            }
            for e in &a.use_effects {
                if !e.cycles.contains(t) || w == 0.0 {
                    continue;
                }
                let r = nonneg(m, &self.slots, e.ratio, t, &e.path, "rate_ratio")?;
                let f = if w == 1.0 { r } else { r.powf(w) };
                for si in 0..s {
                    if e.states[si] {
                        self.use_[e.category * s + si] *= f;
                    }
                }
            }
        }
        Ok(())
    }

    fn arm(&mut self, m: &Model, ai: usize, arm: &Arm, out: &mut Record<'_>) -> Step {
        let s = self.s;
        let uptake = self.arm_setup(m, arm)?;
        // Non-participants are usual care.
        if uptake < 1.0 {
            self.add_usual_care(m, ai, 1.0 - uptake, out);
        }
        if uptake <= 0.0 {
            return Ok(());
        }
        let mut trace = std::mem::take(&mut self.trace);
        let result = (|| -> Step {
            for (e0, share) in arm.enrol.iter().enumerate() {
                if *share <= 0.0 {
                    continue;
                }
                let e = e0 + 1;
                // Before the start cycle the group is in usual care.
                trace[..e * s].copy_from_slice(&self.uc_trace[..e * s]);
                for t in e..=self.t {
                    self.participant_matrix(m, arm, t, arm.weight[t - e])?;
                    let (prev, next) = trace.split_at_mut(t * s);
                    step(&prev[(t - 1) * s..], &self.mat, &mut next[..s]);
                }
                // Later entrants follow the same course from their entry, cut at the horizon.
                for k in 0..m.entry_years() {
                    let weight = m.entrants(k) * self.scale * uptake * share;
                    if weight > 0.0 {
                        let offset = k * m.cycles_per_year;
                        let mut sink = Flows::Arm { index: ai, out: &mut *out };
                        self.group_flows(m, &trace, Some(arm), e, weight, offset, None, &mut sink)?;
                    }
                }
            }
            Ok(())
        })();
        self.trace = trace;
        result
    }

    /// Care costs, life-years, QALYs and participant costs of one group over the horizon.
    /// `start` is the cycle a participant group starts in; `weight` its number of people (1 for
    /// a trace of counts); `offset` the cycles between the start of the horizon and the group's
    /// entry. With `sampled` (units per cycle and category, the individual mode), care is those
    /// units rather than the expected use of the trace.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn group_flows(
        &mut self,
        m: &Model,
        trace: &[f64],
        arm: Option<&Arm>,
        start: usize,
        weight: f64,
        offset: usize,
        sampled: Option<&[f64]>,
        sink: &mut Flows<'_, '_>,
    ) -> Step {
        let (s, b, c) = (self.s, self.b, self.c);
        let cy = m.cycle_years;
        for t in 1..=self.t - offset {
            let year = (t - 1 + offset) / m.cycles_per_year;
            let part = arm.filter(|_| t >= start);
            let w = part.map_or(0.0, |a| a.weight[t - start]);
            for (o, occ) in self.occ.iter_mut().enumerate() {
                *occ = m.convention[t - 1].iter().map(|&(point, coef)| coef * trace[point * s + o]).sum::<f64>() * cy;
            }
            if let Some(units) = sampled {
                for ci in 0..c {
                    let n = units[(t - 1) * c + ci];
                    if n != 0.0 {
                        sink.care(self, year, ci, self.prices[ci] * n, n);
                    }
                }
            } else {
                self.use_rates(m, part, w, t)?;
                for ci in 0..c {
                    let person_units: f64 = (0..s).map(|si| self.occ[si] * self.use_[ci * s + si]).sum();
                    let cost = self.prices[ci] * person_units * weight;
                    if person_units != 0.0 {
                        sink.care(self, year, ci, cost, person_units * weight);
                    }
                }
            }
            // Life-years and QALYs.
            let mut ly = 0.0;
            let mut qaly = 0.0;
            if let Some(u) = &m.utility {
                for (si, term) in u.iter().enumerate() {
                    self.util[si] = utility(m, &self.slots, *term, t, si)?;
                }
                if let Some(a) = part {
                    for &(si, term) in &a.utility_override {
                        let v = utility(m, &self.slots, term, t, si)?;
                        self.util[si] = w * v + (1.0 - w) * self.util[si];
                    }
                }
            }
            for si in 0..s {
                if !m.dead[si] {
                    ly += self.occ[si];
                    qaly += self.occ[si] * self.util[si];
                }
            }
            // Participants alive, and people starting in this cycle.
            let (participant_years, starting) = match part {
                Some(_) => (
                    ly,
                    if t == start {
                        (0..s).filter(|&si| !m.dead[si]).map(|si| trace[(start - 1) * s + si]).sum::<f64>()
                    } else {
                        0.0
                    },
                ),
                None => (0.0, 0.0),
            };
            let qaly = if m.utility.is_some() { qaly } else { 0.0 };
            sink.effects(self, year, [ly * weight, qaly * weight, participant_years * weight, starting * weight]);
            // Participants' own costs.
            if let (Some(a), Flows::Arm { index, out }) = (part, &mut *sink) {
                for (k, cost) in a.costs.iter().enumerate() {
                    if !cost.cycles.contains(t) {
                        continue;
                    }
                    let units = match cost.kind {
                        CostKind::PerParticipantYear => {
                            (0..s).filter(|&si| !m.dead[si]).map(|si| self.occ[si]).sum::<f64>()
                        }
                        CostKind::PerPersonInState => {
                            (0..s).filter(|&si| !m.dead[si] && cost.states[si]).map(|si| self.occ[si]).sum::<f64>()
                        }
                        CostKind::PerEnrolment if t == start => {
                            (0..s).filter(|&si| !m.dead[si]).map(|si| trace[(start - 1) * s + si]).sum::<f64>()
                        }
                        _ => continue,
                    };
                    let amount = nonneg(m, &self.slots, cost.amount, t, &cost.path, "amount")?;
                    out.add_programme(*index, year, &self.cost_splits[k * b..(k + 1) * b], amount * units * weight);
                }
            }
        }
        Ok(())
    }
}

/// Where a group's flows go: usual care's per-person buffers, or an arm's record.
pub(super) enum Flows<'r, 'a> {
    UsualCare,
    Arm { index: usize, out: &'r mut Record<'a> },
}

impl Flows<'_, '_> {
    #[inline]
    fn care(&mut self, ws: &mut Workspace, year: usize, category: usize, cost: f64, units: f64) {
        let b = ws.b;
        let split = &ws.splits[category * b..(category + 1) * b];
        match self {
            Flows::UsualCare => {
                ws.uc_units[year * ws.c + category] += units;
                for (acc, share) in ws.uc_care[year * b..(year + 1) * b].iter_mut().zip(split) {
                    *acc += cost * share;
                }
                if ws.detail {
                    ws.uc_detail[year * ws.c + category] += cost;
                }
            }
            Flows::Arm { index, out } => {
                out.add_care(*index, year, split, cost);
                out.add_units(*index, year, category, units);
                if ws.detail {
                    out.add_detail(*index, year, category, cost);
                }
            }
        }
    }

    #[inline]
    fn effects(&mut self, ws: &mut Workspace, year: usize, measures: [f64; MEASURES]) {
        match self {
            Flows::UsualCare => {
                for (v, x) in ws.uc_eff[year * MEASURES..(year + 1) * MEASURES].iter_mut().zip(measures) {
                    *v += x;
                }
            }
            Flows::Arm { index, out } => out.add_effects(*index, year, measures),
        }
    }
}

/// One cycle of the trace: `next = prev * P`.
#[inline]
fn step(prev: &[f64], p: &[f64], next: &mut [f64]) {
    let s = next.len();
    next.fill(0.0);
    for (i, &mi) in prev[..s].iter().enumerate() {
        if mi == 0.0 {
            continue;
        }
        for (n, pij) in next.iter_mut().zip(&p[i * s..(i + 1) * s]) {
            *n += mi * pij;
        }
    }
}

#[inline]
pub(crate) fn eval(m: &Model, slots: &[f64], term: Term, cycle: usize) -> f64 {
    match term {
        Term::Const(x) => x,
        Term::Slot(i) => slots[i as usize],
        Term::Table(k) => match m.tables[k as usize][cycle - 1] {
            Term::Const(x) => x,
            Term::Slot(i) => slots[i as usize],
            // Tables hold constants and parameters only (checked when compiling).
            Term::Table(_) => f64::NAN,
        },
    }
}

/// Names the parameter (and table) behind a term, for messages.
fn describe(m: &Model, term: Term, cycle: usize) -> String {
    match term {
        Term::Const(_) => "a fixed number".into(),
        Term::Slot(i) => format!("parameter '{}'", m.slot_names[i as usize]),
        Term::Table(k) => {
            let name = m.scenario.tables.keys().nth(k as usize).map_or("?", String::as_str);
            format!("table '{name}' ({})", describe(m, m.tables[k as usize][cycle - 1], cycle))
        }
    }
}

#[inline]
pub(super) fn nonneg(m: &Model, slots: &[f64], term: Term, cycle: usize, path: &str, field: &str) -> Step<f64> {
    let x = eval(m, slots, term, cycle);
    if x >= 0.0 && x.is_finite() {
        Ok(x)
    } else {
        Err(DrawProblem {
            path: format!("{path}.{field}"),
            reason: format!(
                "{} drew {x} in cycle {cycle}, but this value cannot be negative: give it a distribution that stays positive (gamma, lognormal, beta)",
                describe(m, term, cycle)
            ),
        })
    }
}

/// A utility: at most 1 (full health); below 0 is allowed (states worse than death).
#[inline]
fn utility(m: &Model, slots: &[f64], term: Term, cycle: usize, state: usize) -> Step<f64> {
    let x = eval(m, slots, term, cycle);
    if x <= 1.0 && x.is_finite() {
        Ok(x)
    } else {
        Err(DrawProblem {
            path: format!("states.{}.utility", m.states[state].name),
            reason: format!(
                "{} drew {x} in cycle {cycle}, but a utility is at most 1 (full health)",
                describe(m, term, cycle)
            ),
        })
    }
}

#[inline]
fn unit(m: &Model, slots: &[f64], term: Term, cycle: usize, path: &str, field: &str) -> Step<f64> {
    let x = eval(m, slots, term, cycle);
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(DrawProblem {
            path: format!("{path}.{field}"),
            reason: format!(
                "{} drew {x}, outside [0, 1]: give it a distribution on [0, 1] (beta, or a narrower one)",
                describe(m, term, cycle)
            ),
        })
    }
}

fn row_sources(m: &Model, row: &Row, cycle: usize) -> String {
    let names: Vec<String> =
        row.entries.iter().filter(|(_, t)| !matches!(t, Term::Const(_))).map(|(_, t)| describe(m, *t, cycle)).collect();
    if names.is_empty() { String::new() } else { format!(" (from {})", names.join(", ")) }
}

/// Evaluates a row of shares into `out`, filling `rest`; the entries must sum to 1.
#[inline]
fn eval_row(m: &Model, slots: &[f64], row: &Row, cycle: usize, out: &mut [f64]) -> Step {
    out.fill(0.0);
    let mut sum = 0.0;
    for &(i, term) in &row.entries {
        let x = eval(m, slots, term, cycle);
        if !(0.0..=1.0).contains(&x) {
            return Err(DrawProblem {
                path: row.path.clone(),
                reason: format!("{} drew {x}, outside [0, 1]", describe(m, term, cycle)),
            });
        }
        out[i] += x;
        sum += x;
    }
    finish_row(m, row, cycle, out, sum, "")
}

#[inline]
fn finish_row(m: &Model, row: &Row, cycle: usize, out: &mut [f64], sum: f64, context: &str) -> Step {
    const TOL: f64 = 1e-9;
    match row.rest {
        Some(r) => {
            let rest = 1.0 - sum;
            if rest < -TOL {
                return Err(DrawProblem {
                    path: row.path.clone(),
                    reason: format!(
                        "the entries sum to {sum:.6}{context}, more than 1, leaving {rest:.6} for 'rest'{}; narrow their distributions or use a dirichlet",
                        row_sources(m, row, cycle)
                    ),
                });
            }
            out[r] += rest.max(0.0);
        }
        None => {
            if (sum - 1.0).abs() > TOL {
                return Err(DrawProblem {
                    path: row.path.clone(),
                    reason: format!(
                        "the entries sum to {sum:.6}{context}, not 1{}; make one entry 'rest' or use a dirichlet",
                        row_sources(m, row, cycle)
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Builds the transition matrix of cycle `t` into `mat`. With `arm`, applies its transition
/// effects at weight `w` (ratio^w, so a fading effect moves smoothly to no effect).
#[allow(clippy::too_many_arguments)]
fn build_matrix(
    m: &Model,
    slots: &[f64],
    matrix: &Matrix,
    arm: Option<&Arm>,
    t: usize,
    w: f64,
    mat: &mut [f64],
    row_buf: &mut [f64],
) -> Step {
    let s = row_buf.len();
    let context = match arm {
        Some(_) => format!(" in cycle {t} for participants"),
        None => format!(" in cycle {t}"),
    };
    for (i, row) in matrix.rows.iter().enumerate() {
        let out = &mut mat[i * s..(i + 1) * s];
        let Some(row) = row else {
            out.fill(0.0);
            out[i] = 1.0;
            continue;
        };
        row_buf.fill(0.0);
        let mut sum = 0.0;
        for &(j, term) in &row.entries {
            let mut x = eval(m, slots, term, t);
            let bad_base = match matrix.kind {
                TransitionKind::Probability => !(0.0..=1.0).contains(&x),
                TransitionKind::Rate => !(x >= 0.0 && x.is_finite()),
            };
            if bad_base {
                return Err(DrawProblem {
                    path: format!("{}.{}", row.path, m.states[j].name),
                    reason: format!(
                        "{} drew {x}{context}, which is not a valid {}",
                        describe(m, term, t),
                        if matrix.kind == TransitionKind::Rate { "rate (>= 0)" } else { "probability" }
                    ),
                });
            }
            if let Some(a) = arm
                && w > 0.0
            {
                for e in &a.transition_effects {
                    if e.from == i && e.to == j && e.cycles.contains(t) {
                        let r = nonneg(m, slots, e.ratio, t, &e.path, e.field)?;
                        x *= if w == 1.0 { r } else { r.powf(w) };
                    }
                }
            }
            row_buf[j] += x;
            sum += x;
        }
        match matrix.kind {
            TransitionKind::Probability => {
                out.copy_from_slice(row_buf);
                finish_row(m, row, t, out, sum, &context)?;
            }
            TransitionKind::Rate => {
                // Competing risks: leave at total rate R, split by each rate's share.
                let total = sum;
                let stay = (-total * m.cycle_years).exp();
                let f = if total > 0.0 { (1.0 - stay) / total } else { 0.0 };
                for (o, r) in out.iter_mut().zip(row_buf.iter()) {
                    *o = r * f;
                }
                out[i] = stay;
            }
        }
    }
    Ok(())
}
