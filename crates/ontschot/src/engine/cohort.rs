//! One iteration of the cohort (Markov trace) model.
//!
//! Participants are tracked as groups by the cycle they start in (ramp-up), each with its own
//! trace: before it starts a group follows usual care, after it the intervention with an effect
//! weight that depends on the time since its start (duration and fading). Non-participants follow
//! usual care. All buffers live in the [`Workspace`], allocated once per worker: the loop over
//! iterations allocates nothing and looks up no string.

use crate::error::Error;
use crate::model::{Arm, Matrix, Model, Row, RuleKind, Term};
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

pub(crate) type Step<T = ()> = Result<T, DrawProblem>;

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
    /// Whether the run keeps the events (and perhaps the trace): the courses are then recorded.
    keep_trace: bool,
    /// With the trace: usual care's people entering each state per cycle `[cycle][state]`, and
    /// a participant group's.
    uc_entries: Vec<f64>,
    entries: Vec<f64>,
    pub(super) trace: Vec<f64>,
    pub(super) occ: Vec<f64>,
    /// With discounting at each trace point: the occupancy of the cycle with each point
    /// discounted to the start of its year, for costs and for effects.
    occ_cost: Vec<f64>,
    occ_effect: Vec<f64>,
    pub(super) use_: Vec<f64>,
    pub(super) util: Vec<f64>,
    /// Usual care's per-person flows of one run for each entry year, kept to weight into each
    /// intervention arm: [entry year][year][budget] care and cash, [entry year][year][measure]
    /// effects, [entry year][year][category] units and detail.
    pub(super) uc_care: Vec<f64>,
    pub(super) uc_cash: Vec<f64>,
    pub(super) uc_eff: Vec<f64>,
    pub(super) uc_units: Vec<f64>,
    pub(super) uc_detail: Vec<f64>,
    /// Budget view: index factors [path][year]; per calendar cycle, category and budget the cash
    /// per unit before (`gross`) and after (`rate`) the release share; the current arm's cost
    /// index factors [cost][year][budget]; per calendar cycle and rule its amount (a fee per
    /// user-cycle, a threshold, an amount per unit) and living costs per unit.
    pub(super) index: Vec<f64>,
    pub(super) gross: Vec<f64>,
    pub(super) rate: Vec<f64>,
    pub(super) cost_index: Vec<f64>,
    pub(super) rule_amount: Vec<f64>,
    pub(super) rule_living: Vec<f64>,
    /// Overdispersion per category, for the probability of no use.
    pub(super) od: Vec<f64>,
    capped: Vec<super::counts::Count>,
    split_buf: Vec<f64>,
    /// A region's parties, and usual care's per-person care and cash per party of one run for
    /// each entry year, [entry year][year][party].
    pub(super) party: Option<super::parties::PartyState>,
    pub(super) uc_party_care: Vec<f64>,
    pub(super) uc_party_cash: Vec<f64>,
    /// Transition matrices of the participant group being run, [cycle - 1][from][to] (usual
    /// care's before its start), for the own-contribution rules' expectations.
    pub(super) part_mats: Vec<f64>,
    /// Per calendar cycle, category and budget: the share of a unit's cost that releases cash.
    pub(super) release: Vec<f64>,
    /// Years of the horizon.
    years: usize,
    /// The iteration's own draws, while a subgroup changes `slots`.
    pub(super) base: Vec<f64>,
    /// Shares of the subgroups in this iteration.
    pub(super) shares: Vec<f64>,
    /// Share of the population in the subgroup being run.
    pub(super) scale: f64,
    /// Tables and tallies of the individual mode, made on first use.
    pub(super) people: Option<Box<super::individual::People>>,
    /// What stays the same from cycle to cycle, known from the model.
    steady: Steady,
    /// The arm (index + 1, 0 for usual care) and effect weight whose use per person-year and
    /// utilities `use_` and `util` hold, while they are steady: no need to evaluate them again.
    use_for: Option<(usize, u64)>,
    util_for: Option<(usize, u64)>,
    /// Per own-contribution rule: what one person pays in a cycle by the pair of states at its
    /// start and end, `[rule][way][from][to]`, for the inputs in `paid_for` `[rule][way]`: a
    /// few sets of inputs are kept at once, as the groups of a cohort (usual care, participants,
    /// those entering in later years) meet the same inputs again; `paid_next` is the way each
    /// rule fills next.
    paid: Vec<f64>,
    paid_for: Vec<Option<PaidStamp>>,
    paid_next: Vec<usize>,
    /// A deductible's counts by category and pair of states `[category][from][to]` (their
    /// first probabilities, which the prices do not change), while `counts_for` stays the same.
    counts: Vec<super::counts::Count>,
    counts_for: Option<PaidStamp>,
}

/// Sets of inputs of an own-contribution rule whose payments per pair of states are kept at once.
const WAYS: usize = 8;

/// The inputs of a cycle's expected own contribution per person: the same stamp, the same values.
#[derive(Clone, Copy, Debug, PartialEq)]
struct PaidStamp {
    use_for: (usize, u64),
    weights: (u64, u64, bool),
    amount: u64,
    /// The budget view's rates: their year when index paths change them by year.
    rates: usize,
    participants: bool,
}

/// What does not change from one cycle to the next within an iteration (no value read from a
/// table by cycle or age, no effect limited to some cycles): evaluated once and reused, which
/// gives the same numbers, bit for bit, as evaluating it every cycle.
#[derive(Clone, Debug)]
struct Steady {
    /// Usual care's transition matrix.
    uc_matrix: bool,
    /// Per arm: its participants' matrix (its own or usual care's, with its effects).
    arm_matrix: Vec<bool>,
    /// Usual care's use per person-year, and per arm the participants'.
    uc_use: bool,
    arm_use: Vec<bool>,
    /// Usual care's utilities, and per arm the participants'.
    uc_utility: bool,
    arm_utility: Vec<bool>,
    /// The budget view's rates: the same every cycle (`Some(false)`), the same within a year
    /// (`Some(true)`: index paths change them by year), or by cycle (`None`).
    cash: Option<bool>,
    /// The own-contribution rules' amounts.
    rules: bool,
}

/// A value that is the same in every cycle: a number or a drawn parameter, not a table.
fn steady(term: Term) -> bool {
    !matches!(term, Term::Table(_))
}

impl Steady {
    fn of(m: &Model) -> Steady {
        let every = |r: crate::model::CycleRange| r.first <= 1 && r.last >= m.n_cycles;
        let matrix = |x: &Matrix| x.rows.iter().flatten().all(|r| r.entries.iter().all(|&(_, t)| steady(t)));
        let uc_use = m.categories.iter().all(|c| c.use_.iter().all(|&t| steady(t)));
        let uc_utility = m.utility.as_ref().is_none_or(|u| u.iter().all(|&t| steady(t)));
        let by_cycle = m.cash.categories.iter().any(|c| {
            c.split.entries.iter().any(|&(_, t)| !steady(t)) || c.tariff.iter().chain(&c.release).any(|&t| !steady(t))
        });
        let by_year = m.cash.categories.iter().any(|c| c.index.iter().any(Option::is_some));
        let rules = m.cash.rules.iter().all(|r| match &r.kind {
            RuleKind::FlatFee { per_month, per_user, .. } => steady(*per_month) && steady(*per_user),
            RuleKind::Deductible { threshold, other, .. } => steady(*threshold) && steady(*other),
            RuleKind::Contribution { per_unit, living, .. } => steady(*per_unit) && steady(*living),
        });
        Steady {
            uc_matrix: matrix(&m.matrix),
            arm_matrix: m
                .arms
                .iter()
                .map(|a| {
                    matrix(a.matrix.as_ref().unwrap_or(&m.matrix))
                        && a.transition_effects.iter().all(|e| steady(e.ratio) && every(e.cycles))
                })
                .collect(),
            uc_use,
            arm_use: m
                .arms
                .iter()
                .map(|a| {
                    uc_use
                        && a.use_override.iter().all(|&(_, _, t)| steady(t))
                        && a.use_effects.iter().all(|e| steady(e.ratio) && every(e.cycles))
                })
                .collect(),
            uc_utility,
            arm_utility: m
                .arms
                .iter()
                .map(|a| uc_utility && a.utility_override.iter().all(|&(_, t)| steady(t)))
                .collect(),
            cash: if by_cycle { None } else { Some(by_year) },
            rules,
        }
    }
}

impl Workspace {
    pub(crate) fn new(m: &Model, detail: bool, courses: bool) -> Self {
        let (s, b, c, t) = (m.states.len(), m.budgets.len(), m.categories.len(), m.n_cycles);
        let y = m.n_years();
        let k = m.entry_years();
        let n_costs = m.arms.iter().map(|a| a.costs.len()).max().unwrap_or(0);
        let nr = m.cash.rules.len();
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
            keep_trace: courses,
            uc_entries: vec![0.0; if courses { (t + 1) * s } else { 0 }],
            entries: vec![0.0; if courses { (t + 1) * s } else { 0 }],
            occ: vec![0.0; s],
            occ_cost: vec![0.0; s],
            occ_effect: vec![0.0; s],
            use_: vec![0.0; c * s],
            util: vec![0.0; s],
            uc_care: vec![0.0; k * y * b],
            uc_cash: vec![0.0; k * y * b],
            uc_eff: vec![0.0; k * y * MEASURES],
            uc_units: vec![0.0; k * y * c],
            uc_detail: vec![0.0; k * y * c],
            index: vec![1.0; m.cash.indices.len() * y],
            gross: vec![0.0; t * c * b],
            rate: vec![0.0; t * c * b],
            cost_index: vec![1.0; n_costs * y * b],
            rule_amount: vec![0.0; t * nr],
            rule_living: vec![0.0; t * nr],
            od: vec![0.0; c],
            capped: Vec::with_capacity(c),
            split_buf: vec![0.0; b],
            part_mats: vec![0.0; t * s * s],
            release: vec![0.0; t * c * b],
            party: super::parties::PartyState::new(m),
            uc_party_care: vec![0.0; if m.region.is_some() { k * y * m.parties.len() } else { 0 }],
            uc_party_cash: vec![0.0; if m.region.is_some() { k * y * m.parties.len() } else { 0 }],
            years: y,
            base: m.mean_slots(),
            shares: vec![0.0; m.subgroups.values.len()],
            scale: 1.0,
            people: None,
            steady: Steady::of(m),
            use_for: None,
            util_for: None,
            paid: vec![0.0; nr * WAYS * m.states.len() * m.states.len()],
            paid_for: vec![None; nr * WAYS],
            paid_next: vec![0; nr],
            counts: vec![super::counts::Count::default(); c * m.states.len() * m.states.len()],
            counts_for: None,
        }
    }

    /// Evaluates what every arm and group shares in one iteration: initial shares, prices,
    /// splits and usual care's transition matrices.
    pub(super) fn prepare(&mut self, m: &Model) -> Step {
        let s = self.s;
        eval_row(m, &self.slots, &m.initial, 1, &mut self.initial)?;
        self.prices_and_splits(m)?;
        for t in 1..=self.t {
            if t > 1 && self.steady.uc_matrix {
                self.uc_mats.copy_within((t - 2) * s * s..(t - 1) * s * s, (t - 1) * s * s);
                continue;
            }
            let mat = &mut self.uc_mats[(t - 1) * s * s..t * s * s];
            build_matrix(m, &self.slots, &m.matrix, None, t, 1.0, mat, &mut self.row)?;
        }
        Ok(())
    }

    /// Forgets the values kept from cycle to cycle and from group to group (use, utilities, own
    /// contributions): they hold for one set of slots, which is about to change.
    fn forget(&mut self) {
        self.use_for = None;
        self.util_for = None;
        self.paid_for.fill(None);
        self.paid_next.fill(0);
        self.counts_for = None;
    }

    /// Evaluates the prices and budget splits of the categories: all that accounting for counted
    /// units needs besides the slots, which have changed: what was kept for the last slots is
    /// forgotten.
    pub(super) fn prices_and_splits(&mut self, m: &Model) -> Step {
        let b = self.b;
        self.forget();
        for (ci, cat) in m.categories.iter().enumerate() {
            self.prices[ci] = nonneg(m, &self.slots, cat.price, 1, &cat.path, "price")? * m.societal.0;
            eval_row(m, &self.slots, &cat.split, 1, &mut self.splits[ci * b..(ci + 1) * b])?;
            self.od[ci] = match cat.overdispersion {
                Some(term) => nonneg(m, &self.slots, term, 1, &cat.path, "overdispersion")?,
                None => 0.0,
            };
        }
        self.cash_rates(m)
    }

    /// The budget view's values of this iteration: index factors per year, cash per unit per
    /// calendar cycle, category and budget, and the own-contribution rules' amounts.
    fn cash_rates(&mut self, m: &Model) -> Step {
        let (b, c, y) = (self.b, self.c, m.n_years());
        let slots = &self.slots;
        for (p, path) in m.cash.indices.iter().enumerate() {
            for year in 0..y {
                let mut f = 1.0;
                for (terms, up) in [(&path.up[year], true), (&path.down[year], false)] {
                    for &term in terms {
                        let r = eval(m, slots, term, 1);
                        if !(r > -1.0 && r.is_finite()) {
                            return Err(DrawProblem {
                                path: path.path.clone(),
                                reason: format!(
                                    "{} drew {r}, but an index rate must be above -1 (-100%)",
                                    describe(m, term, 1)
                                ),
                            });
                        }
                        if up { f *= 1.0 + r } else { f /= 1.0 + r }
                    }
                }
                self.index[p * y + year] = f;
            }
        }
        let nr = m.cash.rules.len();
        for tc in 0..self.t {
            let (cycle, year) = (tc + 1, tc / m.cycles_per_year);
            // Rates that are last cycle's: copied, not evaluated again.
            let same = tc > 0
                && match self.steady.cash {
                    Some(by_year) => !by_year || year == (tc - 1) / m.cycles_per_year,
                    None => false,
                };
            if same {
                let block = c * b;
                for v in [&mut self.gross, &mut self.rate, &mut self.release] {
                    v.copy_within((tc - 1) * block..tc * block, tc * block);
                }
            }
            if tc > 0 && self.steady.rules {
                self.rule_amount.copy_within((tc - 1) * nr..tc * nr, tc * nr);
                self.rule_living.copy_within((tc - 1) * nr..tc * nr, tc * nr);
            }
            for (ci, cat) in m.cash.categories.iter().enumerate() {
                if same {
                    break;
                }
                eval_row(m, slots, &cat.split, cycle, &mut self.split_buf)?;
                let path = &m.categories[ci].path;
                for bi in 0..b {
                    let at = (tc * c + ci) * b + bi;
                    let share = self.split_buf[bi];
                    if share == 0.0 {
                        self.gross[at] = 0.0;
                        self.rate[at] = 0.0;
                        self.release[at] = 0.0;
                        continue;
                    }
                    let tariff = nonneg(m, slots, cat.tariff[bi], cycle, path, "tariffs")?;
                    let release = unit(m, slots, cat.release[bi], cycle, path, "cash_release")?;
                    let index = cat.index[bi].map_or(1.0, |p| self.index[p * y + year]);
                    self.gross[at] = tariff * share * index;
                    self.rate[at] = self.gross[at] * release;
                    self.release[at] = release;
                }
            }
            for (r, rule) in m.cash.rules.iter().enumerate() {
                if tc > 0 && self.steady.rules {
                    break;
                }
                let at = tc * nr + r;
                let (amount, living) = match &rule.kind {
                    RuleKind::FlatFee { per_month, per_user, .. } => (
                        nonneg(m, slots, *per_month, cycle, &rule.path, "per_month")?
                            * 12.0
                            * m.cycle_years
                            * unit(m, slots, *per_user, cycle, &rule.path, "per_user")?,
                        0.0,
                    ),
                    RuleKind::Deductible { threshold, other, .. } => {
                        // What the model's categories can still take of the threshold.
                        let left = nonneg(m, slots, *threshold, cycle, &rule.path, "threshold")?
                            - nonneg(m, slots, *other, cycle, &rule.path, "other_claims")?;
                        (left.max(0.0), 0.0)
                    }
                    RuleKind::Contribution { per_unit, living, .. } => (
                        nonneg(m, slots, *per_unit, cycle, &rule.path, "per_unit")?,
                        nonneg(m, slots, *living, cycle, &rule.path, "living_costs")?,
                    ),
                };
                self.rule_amount[at] = amount;
                self.rule_living[at] = living;
            }
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
        // The base's derived values were computed from the same draws; a subgroup's own values
        // change them.
        if !m.subgroups.values[h].is_empty() {
            m.derive(&mut self.slots);
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
        self.region_people(m)?;
        // Usual care's trace, shared by every arm.
        self.uc_trace[..s].copy_from_slice(&self.initial);
        for t in 1..=self.t {
            let (prev, next) = self.uc_trace.split_at_mut(t * s);
            step(&prev[(t - 1) * s..], &self.uc_mats[(t - 1) * s * s..t * s * s], &mut next[..s]);
            if self.keep_trace {
                let p = &self.uc_mats[(t - 1) * s * s..t * s * s];
                entering(&prev[(t - 1) * s..t * s], p, &mut self.uc_entries[t * s..(t + 1) * s]);
            }
        }
        // Usual care's own flows, per person, for each entry year (whose calendar years differ).
        self.uc_care.fill(0.0);
        self.uc_cash.fill(0.0);
        self.uc_eff.fill(0.0);
        self.uc_units.fill(0.0);
        self.uc_detail.fill(0.0);
        self.uc_party_care.fill(0.0);
        self.uc_party_cash.fill(0.0);
        let trace = std::mem::take(&mut self.uc_trace);
        let result = (0..m.entry_years()).try_for_each(|k| {
            self.group_flows(m, &trace, None, 0, 1.0, k * m.cycles_per_year, None, &mut Flows::UsualCare { entry: k })
        });
        self.uc_trace = trace;
        result?;
        self.add_usual_care(m, 0, 1.0, out);
        for (ai, arm) in m.arms.iter().enumerate().skip(1) {
            self.arm(m, ai, arm, out)?;
        }
        Ok(())
    }

    /// Adds usual care's per-person flows for a share of every entry year's people to an arm:
    /// each year's entrants follow the starting population's course from their entry.
    fn add_usual_care(&self, m: &Model, ai: usize, share: f64, out: &mut Record<'_>) {
        let (y, b, c) = (m.n_years(), self.b, self.c);
        for k in 0..m.entry_years() {
            let people = m.entrants(k) * self.scale * share;
            if people > 0.0 {
                out.add_scaled_care(ai, &self.uc_care[k * y * b..(k + 1) * y * b], people, 0);
                out.add_scaled_cash(ai, &self.uc_cash[k * y * b..(k + 1) * y * b], people, 0);
                out.add_scaled_effects(ai, &self.uc_eff[k * y * MEASURES..(k + 1) * y * MEASURES], people, 0);
                out.add_scaled_units(ai, &self.uc_units[k * y * c..(k + 1) * y * c], people, 0);
                if self.detail {
                    out.add_scaled_detail(ai, &self.uc_detail[k * y * c..(k + 1) * y * c], people, 0);
                }
                if let Some(ps) = &self.party {
                    let at = k * y * ps.np..(k + 1) * y * ps.np;
                    out.add_scaled_party(0, ai, &self.uc_party_care[at.clone()], people);
                    out.add_scaled_party(1, ai, &self.uc_party_cash[at], people);
                }
                if self.keep_trace {
                    out.add_course(
                        ai,
                        &self.uc_trace,
                        &self.uc_entries,
                        people,
                        k * m.cycles_per_year,
                        m.cycles_per_year,
                    );
                }
            }
        }
    }

    /// Evaluates an arm's uptake and cost splits; returns the uptake.
    pub(super) fn arm_setup(&mut self, m: &Model, arm: &Arm) -> Step<f64> {
        let b = self.b;
        let uptake = unit(m, &self.slots, arm.uptake, 1, &arm.path, "uptake")?;
        let y = m.n_years();
        let ai = arm.index;
        for (k, cost) in arm.costs.iter().enumerate() {
            eval_row(m, &self.slots, &cost.split, 1, &mut self.cost_splits[k * b..(k + 1) * b])?;
            for year in 0..y {
                for bi in 0..b {
                    let f = m.cash.cost_index[ai][k][bi].map_or(1.0, |p| self.index[p * y + year]);
                    self.cost_index[(k * y + year) * b + bi] = f;
                }
            }
        }
        Ok(uptake)
    }

    /// Adds the costs of an arm that do not depend on who is where (one-off and per FTE), once
    /// for the whole population, with the iteration's own draws.
    pub(super) fn fixed_costs(&mut self, m: &Model, ai: usize, arm: &Arm, out: &mut Record<'_>) -> Step {
        // With the iteration's own draws, not the last subgroup's (the same when subgroups
        // change no value).
        if m.subgroups.values.iter().any(|v| !v.is_empty()) {
            self.cash_rates(m)?;
        }
        self.arm_setup(m, arm)?;
        self.region_people(m)?;
        if let Some(ps) = &mut self.party {
            ps.entry = 0;
        }
        for (k, cost) in arm.costs.iter().enumerate() {
            let amount = nonneg(m, &self.slots, cost.amount, 1, &cost.path, "amount")?;
            let per_cycle = match cost.kind {
                CostKind::OneOff => {
                    let year = (cost.cycle - 1) / m.cycles_per_year;
                    let valued = m.within_year(cost.cycle - 1, year).map_or(amount, |(gc, _)| amount * gc);
                    self.programme(m, out, ai, k, year, amount, valued);
                    continue;
                }
                CostKind::PerFte => amount * nonneg(m, &self.slots, cost.fte, 1, &cost.path, "fte")? * m.cycle_years,
                _ => continue,
            };
            for t in 1..=self.t {
                if cost.cycles.contains(t) {
                    let year = (t - 1) / m.cycles_per_year;
                    let valued = m.within_year(t - 1, year).map_or(per_cycle, |(gc, _)| per_cycle * gc);
                    self.programme(m, out, ai, k, year, per_cycle, valued);
                }
            }
        }
        Ok(())
    }

    /// Adds `amount` of the current arm's cost `k` in `year` to both views: split over budgets,
    /// and in the budget view indexed to the calendar year.
    #[inline]
    /// An arm's own cost `k` in a year: `amount` in the budget view, `valued` (the same, or
    /// discounted within the year at each trace point) in the societal view.
    #[allow(clippy::too_many_arguments)]
    fn programme(&self, m: &Model, out: &mut Record<'_>, ai: usize, k: usize, year: usize, amount: f64, valued: f64) {
        let (b, y) = (self.b, m.n_years());
        let split = &self.cost_splits[k * b..(k + 1) * b];
        out.add_programme(ai, year, split, valued * m.societal.0);
        out.add_cash_programme(ai, year, split, &self.cost_index[(k * y + year) * b..(k * y + year + 1) * b], amount);
        if let Some(ps) = &self.party {
            ps.key_costs(year, split, amount, out.keys_mut(ai, year));
        }
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
        // The caller says whose rates these are once they are evaluated.
        self.use_for = None;
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
                if self.keep_trace {
                    self.entries[..e * s].copy_from_slice(&self.uc_entries[..e * s]);
                }
                let keep = m.cash.needs_paths();
                if keep {
                    self.part_mats[..(e - 1) * s * s].copy_from_slice(&self.uc_mats[..(e - 1) * s * s]);
                }
                // A steady matrix at the same effect weight as last cycle is last cycle's.
                let steady = self.steady.arm_matrix[arm.index] && (arm.matrix.is_none() || self.steady.uc_matrix);
                for t in e..=self.t {
                    if !(steady && t > e && arm.weight[t - e] == arm.weight[t - 1 - e]) {
                        self.participant_matrix(m, arm, t, arm.weight[t - e])?;
                    }
                    let (prev, next) = trace.split_at_mut(t * s);
                    step(&prev[(t - 1) * s..], &self.mat, &mut next[..s]);
                    if self.keep_trace {
                        entering(&prev[(t - 1) * s..t * s], &self.mat, &mut self.entries[t * s..(t + 1) * s]);
                    }
                    if keep {
                        self.part_mats[(t - 1) * s * s..t * s * s].copy_from_slice(&self.mat);
                    }
                }
                // Later entrants follow the same course from their entry, cut at the horizon.
                for k in 0..m.entry_years() {
                    let weight = m.entrants(k) * self.scale * uptake * share;
                    if weight > 0.0 {
                        let offset = k * m.cycles_per_year;
                        let mut sink = Flows::Arm { index: ai, out: &mut *out };
                        self.group_flows(m, &trace, Some(arm), e, weight, offset, None, &mut sink)?;
                        if self.keep_trace {
                            out.add_course(ai, &trace, &self.entries, weight, offset, m.cycles_per_year);
                        }
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
        sampled: Option<Sampled<'_>>,
        sink: &mut Flows<'_, '_>,
    ) -> Step {
        let (s, c) = (self.s, self.c);
        let cy = m.cycle_years;
        let nr = m.cash.rules.len();
        if let Some(ps) = &mut self.party {
            ps.entry = offset / m.cycles_per_year;
        }
        let point = m.within_year(0, 0).is_some();
        for t in 1..=self.t - offset {
            let year = (t - 1 + offset) / m.cycles_per_year;
            // The calendar cycle, for the budget view's values of the year.
            let tc = t - 1 + offset;
            let part = arm.filter(|_| t >= start);
            let w = part.map_or(0.0, |a| a.weight[t - start]);
            match sampled.as_ref().and_then(|x| x.occupancy) {
                Some(occupancy) => {
                    for (o, occ) in self.occ.iter_mut().enumerate() {
                        *occ = occupancy[(t - 1) * s + o] * cy;
                    }
                }
                None => {
                    let points = &m.convention[t - 1];
                    for (o, occ) in self.occ.iter_mut().enumerate() {
                        *occ = points.iter().map(|&(point, coef)| coef * trace[point * s + o]).sum::<f64>() * cy;
                    }
                }
            }
            // Discounting at each point: each point of the cycle to the start of its year.
            let discounted = point && sampled.is_none();
            if discounted {
                self.occ_cost.fill(0.0);
                self.occ_effect.fill(0.0);
                for &(point, coef) in &m.convention[t - 1] {
                    let (gc, ge) = m.within_year(point + offset, year).expect("timing is point");
                    for o in 0..s {
                        let x = coef * trace[point * s + o] * cy;
                        self.occ_cost[o] += x * gc;
                        self.occ_effect[o] += x * ge;
                    }
                }
            }
            // Amounts not counted on the trace: at the start of the cycle.
            let at_start = if point { m.within_year(t - 1 + offset, year) } else { None };
            // People at the start of the group's start cycle, for enrolments.
            let starting_people = |trace: &[f64]| -> f64 {
                match sampled.as_ref().and_then(|x| x.starts) {
                    Some(starts) => (0..s).filter(|&si| !m.dead[si]).map(|si| starts[(start - 1) * s + si]).sum(),
                    None => (0..s).filter(|&si| !m.dead[si]).map(|si| trace[(start - 1) * s + si]).sum(),
                }
            };
            if let Some(sampled) = &sampled {
                for ci in 0..c {
                    let n = sampled.units[(t - 1) * c + ci];
                    if n != 0.0 {
                        sink.care(self, year, tc, ci, self.prices[ci] * n, n);
                    }
                }
                for ci in 0..c {
                    self.per_unit_contributions(m, sink, year, tc, ci, sampled.units[(t - 1) * c + ci]);
                }
                for (r, rule) in m.cash.rules.iter().enumerate() {
                    let tally = sampled.rules[(t - 1) * nr + r];
                    let amount = match rule.kind {
                        // People who used the service in this cycle.
                        RuleKind::FlatFee { .. } => tally * self.rule_amount[tc * nr + r],
                        // Whole cents paid.
                        RuleKind::Deductible { .. } => tally / 100.0,
                        RuleKind::Contribution { .. } => continue,
                    };
                    sink.own_contribution(self, year, rule.from, rule.to, amount);
                }
            } else {
                let key = (part.map_or(0, |a| a.index + 1), w.to_bits());
                if self.use_for != Some(key) {
                    self.use_rates(m, part, w, t)?;
                    let steady = part.map_or(self.steady.uc_use, |a| self.steady.arm_use[a.index]);
                    self.use_for = steady.then_some(key);
                }
                for ci in 0..c {
                    let use_ = &self.use_[ci * s..(ci + 1) * s];
                    let person_units: f64 = self.occ.iter().zip(use_).map(|(o, u)| o * u).sum();
                    let cost = if discounted {
                        let units: f64 = self.occ_cost.iter().zip(use_).map(|(o, u)| o * u).sum();
                        self.prices[ci] * units * weight
                    } else {
                        self.prices[ci] * person_units * weight
                    };
                    if person_units != 0.0 {
                        sink.care(self, year, tc, ci, cost, person_units * weight);
                        self.per_unit_contributions(m, sink, year, tc, ci, person_units * weight);
                    }
                }
                for (r, rule) in m.cash.rules.iter().enumerate() {
                    let amount = self.expected_contribution(m, r, trace, arm.is_some(), t, tc)? * weight;
                    if amount != 0.0 {
                        sink.own_contribution(self, year, rule.from, rule.to, amount);
                    }
                }
            }
            // Life-years and QALYs.
            let mut ly = 0.0;
            let mut qaly = 0.0;
            let key = (part.map_or(0, |a| a.index + 1), w.to_bits());
            if let Some(u) = &m.utility
                && self.util_for != Some(key)
            {
                for (si, term) in u.iter().enumerate() {
                    self.util[si] = utility(m, &self.slots, *term, t, si)?;
                }
                if let Some(a) = part {
                    for &(si, term) in &a.utility_override {
                        let v = utility(m, &self.slots, term, t, si)?;
                        self.util[si] = w * v + (1.0 - w) * self.util[si];
                    }
                }
                let steady = part.map_or(self.steady.uc_utility, |a| self.steady.arm_utility[a.index]);
                self.util_for = steady.then_some(key);
            }
            let lived = if discounted { &self.occ_effect } else { &self.occ };
            for si in 0..s {
                if !m.dead[si] {
                    ly += lived[si];
                    qaly += lived[si] * self.util[si];
                }
            }
            // Participants alive, and people starting in this cycle: counts, never discounted.
            let alive = if discounted { (0..s).filter(|&si| !m.dead[si]).map(|si| self.occ[si]).sum() } else { ly };
            let (participant_years, starting) = match part {
                Some(_) => (alive, if t == start { starting_people(trace) } else { 0.0 }),
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
                    let in_states = |occ: &[f64]| {
                        (0..s).filter(|&si| !m.dead[si] && cost.states[si]).map(|si| occ[si]).sum::<f64>()
                    };
                    let alive = |occ: &[f64]| (0..s).filter(|&si| !m.dead[si]).map(|si| occ[si]).sum::<f64>();
                    // The units counted, and the units the societal view discounts.
                    let (units, valued) = match cost.kind {
                        CostKind::PerParticipantYear if discounted => (alive(&self.occ), alive(&self.occ_cost)),
                        CostKind::PerParticipantYear => {
                            let u = alive(&self.occ);
                            (u, u)
                        }
                        CostKind::PerPersonInState if discounted => (in_states(&self.occ), in_states(&self.occ_cost)),
                        CostKind::PerPersonInState => {
                            let u = in_states(&self.occ);
                            (u, u)
                        }
                        CostKind::PerEnrolment if t == start => {
                            let u = starting_people(trace);
                            (u, at_start.map_or(u, |(gc, _)| u * gc))
                        }
                        _ => continue,
                    };
                    let amount = nonneg(m, &self.slots, cost.amount, t, &cost.path, "amount")?;
                    self.programme(m, out, *index, k, year, amount * units * weight, amount * valued * weight);
                }
            }
        }
        Ok(())
    }
}

impl Workspace {
    /// The contributions per unit of use of category `ci` (a Wlz contribution per day): the
    /// client pays the amount, the collecting budget receives it, and the client no longer pays
    /// the living costs per unit that it would have paid at home.
    #[inline]
    fn per_unit_contributions(
        &mut self,
        m: &Model,
        sink: &mut Flows<'_, '_>,
        year: usize,
        tc: usize,
        ci: usize,
        units: f64,
    ) {
        let nr = m.cash.rules.len();
        if units == 0.0 {
            return;
        }
        for (r, rule) in m.cash.rules.iter().enumerate() {
            if let RuleKind::Contribution { categories, .. } = &rule.kind
                && categories[ci]
            {
                let (amount, living) = (self.rule_amount[tc * nr + r], self.rule_living[tc * nr + r]);
                // The client pays it, and no longer pays its living costs at home, in full; the
                // collecting budget receives it as it releases the unit: a bed refilled from the
                // waiting list brings the next resident's contribution.
                let release = self.release[(tc * self.c + ci) * self.b + rule.to];
                sink.cash_to(self, year, rule.from, (amount - living) * units);
                sink.cash_to(self, year, rule.to, -amount * units * release);
            }
        }
    }

    /// What the people of a group's trace pay in cycle `t` by an own-contribution rule, expected
    /// over the counts of use the individual mode draws (per person of the trace; the caller
    /// multiplies by the group's weight). Needs `self.use_` of the cycle and the group's
    /// transition matrices (`uc_mats` for usual care, `part_mats` for participants).
    ///
    /// The individual mode draws a person's counts in a cycle from the means of the states at
    /// its start and end, weighted as the cycle convention weights them; so the expectation runs
    /// over the pairs (state at the start, state at the end): the share of the trace in each
    /// pair times, for a flat fee, the probability of some use, `1 - prod P(N_c = 0)`, and for a
    /// deductible `E[min(threshold, X)]` of that pair's claims. This equals the individual mode's
    /// mean for the `start`, `end` and `half_cycle` conventions; Simpson's rule, which the
    /// individual mode does not allow, counts the occupancy of each state as people who spend the
    /// cycle in it.
    fn expected_contribution(
        &mut self,
        m: &Model,
        r: usize,
        trace: &[f64],
        participants: bool,
        t: usize,
        tc: usize,
    ) -> Step<f64> {
        let (s, c, b) = (self.s, self.c, self.b);
        let cy = m.cycle_years;
        let rule = &m.cash.rules[r];
        let amount = self.rule_amount[tc * m.cash.rules.len() + r];
        let (mut at_start, mut at_end, mut simpson) = (0.0, 0.0, false);
        for &(point, coef) in &m.convention[t - 1] {
            match point {
                p if p + 1 == t => at_start += coef,
                p if p == t => at_end += coef,
                _ => simpson |= coef != 0.0,
            }
        }
        // What one person pays by pair of states is last cycle's when its inputs are: the use
        // rates steady and the same, the same weights, amount and rates.
        let stamp = self.use_for.and_then(|use_for| {
            // A deductible counts the budget's costs at its rates; a fee counts users only.
            let rates = match (&rule.kind, self.steady.cash) {
                (RuleKind::FlatFee { .. }, _) | (_, Some(false)) => 0,
                (_, Some(true)) => tc / m.cycles_per_year,
                (_, None) => return None,
            };
            Some(PaidStamp {
                use_for,
                weights: (at_start.to_bits(), at_end.to_bits(), simpson),
                // A fee's share of users is kept without its amount, which multiplies it after.
                amount: if matches!(rule.kind, RuleKind::FlatFee { .. }) { 0 } else { amount.to_bits() },
                rates,
                participants,
            })
        });
        let kept = stamp.and_then(|_| (0..WAYS).find(|&w| self.paid_for[r * WAYS + w] == stamp));
        let way = kept.unwrap_or_else(|| {
            // A pair not yet worked out under this stamp is NaN: worked out when first needed.
            let w = self.paid_next[r];
            self.paid_next[r] = (w + 1) % WAYS;
            self.paid_for[r * WAYS + w] = stamp;
            self.paid[(r * WAYS + w) * s * s..(r * WAYS + w + 1) * s * s].fill(f64::NAN);
            w
        });
        let pairs = (r * WAYS + way) * s * s..(r * WAYS + way + 1) * s * s;
        // A deductible's counts do not depend on the prices: kept over a change of rates.
        let counts_stamp = stamp.map(|p| PaidStamp { rates: 0, amount: 0, ..p });
        if matches!(rule.kind, RuleKind::Deductible { .. })
            && (counts_stamp.is_none() || self.counts_for != counts_stamp)
        {
            for k in &mut self.counts {
                k.mean = f64::NAN;
            }
            self.counts_for = counts_stamp;
        }
        // (share of people, state at the start, state at the end) of each pair in the cycle.
        let mats = if participants { &self.part_mats } else { &self.uc_mats };
        let mut total = 0.0;
        for from in 0..s {
            for to in 0..s {
                let (people, a, z) = if simpson {
                    if from != to {
                        continue;
                    }
                    (self.occ[from] / cy, from, from)
                } else {
                    let p = mats[((t - 1) * s + from) * s + to];
                    (trace[(t - 1) * s + from] * p, from, to)
                };
                if people == 0.0 || m.dead[a] {
                    continue;
                }
                let pair = pairs.start + from * s + to;
                if !self.paid[pair].is_nan() {
                    total += match rule.kind {
                        RuleKind::FlatFee { .. } => people * self.paid[pair] * amount,
                        _ => people * self.paid[pair],
                    };
                    continue;
                }
                let (w_start, w_end) = if simpson { (1.0, 0.0) } else { (at_start, at_end) };
                let use_ = &self.use_;
                let mean = |ci: usize| cy * (w_start * use_[ci * s + a] + w_end * use_[ci * s + z]);
                match &rule.kind {
                    RuleKind::FlatFee { categories, .. } => {
                        let none: f64 =
                            categories.iter().map(|&ci| super::counts::p_zero(mean(ci), self.od[ci])).product();
                        self.paid[pair] = 1.0 - none;
                        total += people * (1.0 - none) * amount;
                    }
                    RuleKind::Deductible { counted, .. } => {
                        self.capped.clear();
                        for ci in (0..c).filter(|&ci| counted[ci]) {
                            let k = (ci * s + a) * s + z;
                            if self.counts[k].mean.is_nan() {
                                self.counts[k] = super::counts::Count::new((0.0, mean(ci), self.od[ci]));
                            }
                            let price = self.gross[(tc * c + ci) * b + rule.to];
                            self.capped.push(self.counts[k].at(price));
                        }
                        let paid = super::counts::expected_capped_counts(&self.capped, amount)
                            .map_err(|reason| DrawProblem { path: format!("{}.threshold", rule.path), reason })?;
                        self.paid[pair] = paid;
                        total += people * paid;
                    }
                    RuleKind::Contribution { .. } => return Ok(0.0),
                }
            }
        }
        Ok(total)
    }
}

/// Counts of the individual mode for one group: units of use `[cycle - 1][category]` and the
/// tallies of the own-contribution rules `[cycle - 1][rule]` (users of a flat fee; cents of a
/// deductible paid).
#[derive(Clone, Copy)]
pub(super) struct Sampled<'a> {
    pub units: &'a [f64],
    pub rules: &'a [f64],
    /// In a region's cell: each cycle's occupancy and the people at its start, [cycle - 1][state]
    /// (the trace's points then belong to several cells).
    pub occupancy: Option<&'a [f64]>,
    pub starts: Option<&'a [f64]>,
}

/// Where a group's flows go: usual care's per-person buffers of an entry year, or an arm's record.
pub(super) enum Flows<'r, 'a> {
    UsualCare { entry: usize },
    Arm { index: usize, out: &'r mut Record<'a> },
}

impl Flows<'_, '_> {
    /// Care use of one category in a year: at reference prices split over budgets, and in the
    /// budget view at the cash rates of calendar cycle `tc`, with contributions per unit.
    #[inline]
    fn care(&mut self, ws: &mut Workspace, year: usize, tc: usize, category: usize, cost: f64, units: f64) {
        let (b, c) = (ws.b, ws.c);
        let split = &ws.splits[category * b..(category + 1) * b];
        let rates = &ws.rate[(tc * c + category) * b..(tc * c + category + 1) * b];
        match self {
            Flows::UsualCare { entry } => {
                let row = *entry * ws.years + year;
                ws.uc_units[row * c + category] += units;
                for (acc, share) in ws.uc_care[row * b..(row + 1) * b].iter_mut().zip(split) {
                    *acc += cost * share;
                }
                for (cash, r) in ws.uc_cash[row * b..(row + 1) * b].iter_mut().zip(rates) {
                    *cash += units * r;
                }
                if ws.detail {
                    ws.uc_detail[row * c + category] += cost;
                }
                if let Some(ps) = &ws.party {
                    let at = row * ps.np..(row + 1) * ps.np;
                    for j in 0..b {
                        ps.spread(year, j, Some(category), cost * split[j], &mut ws.uc_party_care[at.clone()]);
                        ps.spread(year, j, Some(category), units * rates[j], &mut ws.uc_party_cash[at.clone()]);
                    }
                }
            }
            Flows::Arm { index, out } => {
                out.add_care(*index, year, split, cost);
                out.add_cash(*index, year, rates, units);
                out.add_units(*index, year, category, units);
                if ws.detail {
                    out.add_detail(*index, year, category, cost);
                }
                if let Some(ps) = &ws.party {
                    for j in 0..b {
                        ps.spread(year, j, Some(category), cost * split[j], out.party_mut(0, *index, year));
                        ps.spread(year, j, Some(category), units * rates[j], out.party_mut(1, *index, year));
                    }
                }
            }
        }
    }

    #[inline]
    fn effects(&mut self, ws: &mut Workspace, year: usize, measures: [f64; MEASURES]) {
        match self {
            Flows::UsualCare { entry } => {
                let row = *entry * ws.years + year;
                for (v, x) in ws.uc_eff[row * MEASURES..(row + 1) * MEASURES].iter_mut().zip(measures) {
                    *v += x;
                }
            }
            Flows::Arm { index, out } => out.add_effects(*index, year, measures),
        }
    }

    /// An own contribution: `from` (the client's budget) pays `amount`, `to` collects it.
    #[inline]
    fn own_contribution(&mut self, ws: &mut Workspace, year: usize, from: usize, to: usize, amount: f64) {
        self.cash_to(ws, year, from, amount);
        self.cash_to(ws, year, to, -amount);
    }

    /// Adds `amount` to one budget's cash in the budget view.
    #[inline]
    fn cash_to(&mut self, ws: &mut Workspace, year: usize, budget: usize, amount: f64) {
        match self {
            Flows::UsualCare { entry } => {
                let row = *entry * ws.years + year;
                ws.uc_cash[row * ws.b + budget] += amount;
                if let Some(ps) = &ws.party {
                    ps.spread(year, budget, None, amount, &mut ws.uc_party_cash[row * ps.np..(row + 1) * ps.np]);
                }
            }
            Flows::Arm { index, out } => {
                out.add_cash_to(*index, year, budget, amount);
                if let Some(ps) = &ws.party {
                    ps.spread(year, budget, None, amount, out.party_mut(1, *index, year));
                }
            }
        }
    }
}

/// One cycle of the trace: `next = prev * P`.
#[inline]
/// The people entering each state in one cycle: from every other state, by the cycle's matrix.
fn entering(prev: &[f64], p: &[f64], out: &mut [f64]) {
    let s = out.len();
    out.fill(0.0);
    for (i, &mi) in prev.iter().enumerate() {
        if mi == 0.0 {
            continue;
        }
        for (j, (o, pij)) in out.iter_mut().zip(&p[i * s..(i + 1) * s]).enumerate() {
            if j != i {
                *o += mi * pij;
            }
        }
    }
}

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
        Term::Slot(i) => m.slot_label(i as usize),
        Term::Table(k) => {
            let name = m.table_names.get(k as usize).map_or("?", String::as_str);
            match m.tables[k as usize][cycle - 1] {
                Term::Slot(i) if i as usize >= m.slot_names.len() => name.to_owned(),
                t => format!("{name} ({})", describe(m, t, cycle)),
            }
        }
    }
}

#[inline]
pub(super) fn nonneg(m: &Model, slots: &[f64], term: Term, cycle: usize, path: &str, field: &str) -> Step<f64> {
    let x = eval(m, slots, term, cycle);
    if x >= 0.0 && x.is_finite() { Ok(x) } else { Err(negative(m, term, cycle, x, path, field)) }
}

/// The problem of a value that must be a finite number >= 0: built only when there is one.
#[cold]
#[inline(never)]
fn negative(m: &Model, term: Term, cycle: usize, x: f64, path: &str, field: &str) -> DrawProblem {
    {
        let why = if x < 0.0 && x.is_finite() {
            "this value cannot be negative: give it a distribution that stays positive (gamma, lognormal, beta)"
        } else {
            "this value must be a finite number: the distribution's draws overflow, narrow it"
        };
        DrawProblem {
            path: format!("{path}.{field}"),
            reason: format!("{} drew {x} in cycle {cycle}, but {why}", describe(m, term, cycle)),
        }
    }
}

/// A utility: at most 1 (full health); below 0 is allowed (states worse than death).
#[inline]
fn utility(m: &Model, slots: &[f64], term: Term, cycle: usize, state: usize) -> Step<f64> {
    let x = eval(m, slots, term, cycle);
    if x <= 1.0 && x.is_finite() { Ok(x) } else { Err(above_one(m, term, cycle, x, state)) }
}

#[cold]
#[inline(never)]
fn above_one(m: &Model, term: Term, cycle: usize, x: f64, state: usize) -> DrawProblem {
    {
        DrawProblem {
            path: format!("states.{}.utility", m.states[state].name),
            reason: format!(
                "{} drew {x} in cycle {cycle}, but a utility is at most 1 (full health)",
                describe(m, term, cycle)
            ),
        }
    }
}

#[inline]
pub(super) fn unit(m: &Model, slots: &[f64], term: Term, cycle: usize, path: &str, field: &str) -> Step<f64> {
    let x = eval(m, slots, term, cycle);
    if (0.0..=1.0).contains(&x) { Ok(x) } else { Err(outside_unit(m, term, cycle, x, path, field)) }
}

#[cold]
#[inline(never)]
fn outside_unit(m: &Model, term: Term, cycle: usize, x: f64, path: &str, field: &str) -> DrawProblem {
    DrawProblem {
        path: format!("{path}.{field}"),
        reason: format!(
            "{} drew {x}, outside [0, 1]: give it a distribution on [0, 1] (beta, or a narrower one)",
            describe(m, term, cycle)
        ),
    }
}

fn row_sources(m: &Model, row: &Row, cycle: usize) -> String {
    let names: Vec<String> =
        row.entries.iter().filter(|(_, t)| !matches!(t, Term::Const(_))).map(|(_, t)| describe(m, *t, cycle)).collect();
    if names.is_empty() { String::new() } else { format!(" (from {})", names.join(", ")) }
}

/// Evaluates a row of shares into `out`, filling `rest`; the entries must sum to 1.
#[inline]
pub(super) fn eval_row(m: &Model, slots: &[f64], row: &Row, cycle: usize, out: &mut [f64]) -> Step {
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
    finish_row(m, row, cycle, out, sum, &String::new)
}

/// Fills `rest` of a row of shares whose given entries sum to `sum`, or says why it cannot;
/// `context` (where, for whom) is written only into a problem.
#[inline]
fn finish_row(m: &Model, row: &Row, cycle: usize, out: &mut [f64], sum: f64, context: &dyn Fn() -> String) -> Step {
    const TOL: f64 = 1e-9;
    match row.rest {
        Some(r) => {
            let rest = 1.0 - sum;
            if rest < -TOL {
                let context = context();
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
                let context = context();
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
    // Where, for messages: written only when there is a problem.
    let context = || match arm {
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
                        "{} drew {x}{}, which is not a valid {}",
                        describe(m, term, t),
                        context(),
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
                        let r = if w == 1.0 { r } else { r.powf(w) };
                        // A hazard ratio on a probability scales the constant hazard within the
                        // cycle: 1 - (1 - p)^hr.
                        x = if e.on_hazard {
                            // A certain event stays certain under any hazard but none.
                            if r == 0.0 {
                                0.0
                            } else if x >= 1.0 {
                                1.0
                            } else {
                                -(r * (-x).ln_1p()).exp_m1()
                            }
                        } else {
                            x * r
                        };
                    }
                }
            }
            row_buf[j] += x;
            sum += x;
        }
        // The participants' effects on this row, named only when the row fails.
        let effects = || match arm {
            Some(a) if w > 0.0 => {
                let paths: Vec<&str> = a
                    .transition_effects
                    .iter()
                    .filter(|e| e.from == i && e.cycles.contains(t))
                    .map(|e| e.path.as_str())
                    .collect();
                if paths.is_empty() { String::new() } else { format!(", after the effects {}", paths.join(", ")) }
            }
            _ => String::new(),
        };
        match matrix.kind {
            TransitionKind::Probability => {
                out.copy_from_slice(row_buf);
                finish_row(m, row, t, out, sum, &|| format!("{}{}", context(), effects()))?;
            }
            TransitionKind::Rate => {
                if !sum.is_finite() {
                    return Err(DrawProblem {
                        path: row.path.clone(),
                        reason: format!(
                            "the rates sum to {sum}{}{}, beyond the range of numbers, so people would leave the model without dying{}",
                            context(),
                            effects(),
                            row_sources(m, row, t)
                        ),
                    });
                }
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
