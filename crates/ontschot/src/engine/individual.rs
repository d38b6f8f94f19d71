//! One iteration of the individual model: every person simulated.
//!
//! For each arm the iteration's tables are built once from the drawn parameters: cumulative
//! transition rows, and a sampler of counts of use for every (group, cycle, state at the start of
//! the cycle, state at its end), where a group is usual care or the participants who start in a
//! given cycle. People are then simulated one at a time, each from its own random stream
//! (seed, iteration, person). A person's stream is the same in every arm, so a person starts in
//! the same state and takes the same first draws with and without the intervention (common random
//! numbers), and the difference between arms is not drowned in the luck of two separate samples.
//!
//! Each person adds to tallies per entry year and group: people per state at every cycle boundary,
//! and units of use per cycle and category. Tallies hold whole numbers, which sum exactly in any
//! order, so blocks of people can run on any thread and the results stay the same bit for bit.
//! The tallies then go through the cohort's own accounting ([`Workspace::group_flows`]) as a trace
//! of counts: one place for prices, budgets, utilities and programme costs in both modes. Memory
//! depends on the tables, never on the number of people.

use super::cohort::{DrawProblem, Flows, Sampled, Step, Workspace, nonneg};
use super::counts::{Counts, Tables, uniform};
use super::parties::RegionTables;
use super::{mix, stream};
use crate::model::{Arm, Model, RuleKind};
use crate::results::Record;
use rayon::prelude::*;

/// People per unit of parallel work when one iteration is split over threads.
const PEOPLE_BLOCK: u64 = 4096;

/// Stream key of the people, apart from the parameters' name hashes.
const PEOPLE: u64 = 0x5eed_0f9e_091e_5a00;

/// Stream key of where the people live and are insured, apart from their course.
const REGION: u64 = 0x9e61_0a5e_ed0f_0c11;

/// The first index whose cumulative share exceeds `u` (the last possible one is +inf).
#[inline(always)]
pub(super) fn pick(cum: &[f64], u: f64) -> usize {
    let mut j = 0;
    while u >= cum[j] {
        j += 1;
    }
    j
}

#[derive(Clone, Debug)]
struct Sampler {
    category: u32,
    counts: Counts,
}

/// Per-worker tables and tallies of the individual mode, sized once for the model.
///
/// A table or tally "by subgroup and group" is laid out `[subgroup][group]`, where a group is
/// usual care (0) or the participants starting in cycle `g` (g >= 1) of the current arm.
pub(crate) struct People {
    s: usize,
    c: usize,
    t: usize,
    /// Subgroups of the population (1 when the scenario has none).
    subgroups: usize,
    /// Groups of the current arm: usual care, then participants by start cycle.
    groups: usize,
    entry_years: usize,
    /// Cumulative shares of the subgroups.
    shares: Vec<f64>,
    /// Cumulative initial shares, [subgroup][state].
    initial: Vec<f64>,
    enrol: Vec<f64>,
    /// Uptake by subgroup.
    uptake: Vec<f64>,
    /// Cumulative transition rows, [subgroup][group][cycle - 1][from][to].
    cum: Vec<f64>,
    /// Samplers of [subgroup][group][cycle - 1][from][to] are `samplers[bounds[i]..bounds[i + 1]]`.
    bounds: Vec<u32>,
    samplers: Vec<Sampler>,
    dead: Vec<bool>,
    /// Weights of the states at the start and the end of a cycle in its occupancy.
    at_start: f64,
    at_end: f64,
    overdispersion: Vec<f64>,
    tables: Tables,
    tally: Tally,
    /// A region's tables: tallies are kept per (municipality, insurer) cell.
    region: RegionTables,
    cells: usize,
    cycles_per_year: usize,
    /// Own-contribution rules that need each person's counts: per rule, true for a deductible
    /// (a fee otherwise; per-unit contributions need no person's counts).
    deductible: Vec<bool>,
    /// Per [subgroup][rule][calendar cycle][category]: 1 where use makes a fee's user, the claim
    /// per unit where a deductible counts it.
    rule_price: Vec<f64>,
    /// Per [subgroup][rule][calendar cycle]: a deductible's threshold.
    rule_limit: Vec<f64>,
}

/// People per state at each cycle boundary, [subgroup][entry year][group][cell][point][state],
/// units of use, [subgroup][entry year][group][cell][cycle - 1][category], and the
/// own-contribution rules' tallies, [subgroup][entry year][group][cell][cycle - 1][rule] (users of
/// a fee, cents of a deductible): whole numbers. A cell is a region's (municipality, insurer) of
/// the people in the cycle (one cell without a region).
///
/// With a region's cells, a person who switches insurer on 1 January ends the old year in one
/// cell and starts the new one in another, so a cell's points are no trace: each cycle's
/// occupancy (the convention's weights of its start and end, sums of halves that add up exactly)
/// and the people at its start are kept per cell, [..][cycle - 1][state], each in the cell of
/// that cycle.
#[derive(Clone)]
struct Tally {
    trace: Vec<f64>,
    units: Vec<f64>,
    rules: Vec<f64>,
    occupancy: Vec<f64>,
    starts: Vec<f64>,
}

impl Tally {
    fn parts(&mut self) -> [&mut Vec<f64>; 5] {
        [&mut self.trace, &mut self.units, &mut self.rules, &mut self.occupancy, &mut self.starts]
    }

    fn add(&mut self, other: &Tally) {
        let theirs = [&other.trace, &other.units, &other.rules, &other.occupancy, &other.starts];
        for (a, b) in self.parts().into_iter().zip(theirs) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    fn zeros_like(&self) -> Tally {
        let mut t = self.clone();
        for part in t.parts() {
            part.fill(0.0);
        }
        t
    }

    fn empty() -> Tally {
        Tally { trace: Vec::new(), units: Vec::new(), rules: Vec::new(), occupancy: Vec::new(), starts: Vec::new() }
    }
}

impl People {
    pub(crate) fn new(m: &Model) -> People {
        let (s, c, t) = (m.states.len(), m.categories.len(), m.n_cycles);
        let nr = m.cash.rules.len();
        let groups = 1 + m.arms.iter().map(starting_cycles).max().unwrap_or(0);
        let entry_years = m.entry_years();
        let h = m.subgroups.values.len();
        let region = RegionTables::new(m, h);
        let cells = region.cells();
        let (mut at_start, mut at_end) = (0.0, 0.0);
        // The individual mode allows start, end and half-cycle: two points, t - 1 and t.
        for &(point, coef) in &m.convention[0] {
            if point == 0 {
                at_start += coef;
            } else {
                at_end += coef;
            }
        }
        People {
            s,
            c,
            t,
            subgroups: h,
            groups,
            entry_years,
            shares: vec![0.0; h],
            initial: vec![0.0; h * s],
            enrol: Vec::with_capacity(groups),
            uptake: vec![0.0; h],
            cum: vec![0.0; h * groups * t * s * s],
            bounds: Vec::with_capacity(h * groups * t * s * s + 1),
            samplers: Vec::new(),
            dead: m.dead.clone(),
            at_start,
            at_end,
            overdispersion: vec![0.0; c],
            tables: Tables::default(),
            tally: Tally {
                trace: vec![0.0; h * entry_years * groups * cells * (t + 1) * s],
                units: vec![0.0; h * entry_years * groups * cells * t * c],
                rules: vec![0.0; h * entry_years * groups * cells * t * nr],
                occupancy: vec![0.0; if cells > 1 { h * entry_years * groups * cells * t * s } else { 0 }],
                starts: vec![0.0; if cells > 1 { h * entry_years * groups * cells * t * s } else { 0 }],
            },
            region,
            cells,
            cycles_per_year: m.cycles_per_year,
            deductible: m.cash.rules.iter().map(|r| matches!(r.kind, RuleKind::Deductible { .. })).collect(),
            rule_price: vec![0.0; h * nr * t * c],
            rule_limit: vec![0.0; h * nr * t],
        }
    }

    /// Simulates people `ids` of entry year `k` (entering `offset` cycles into the horizon) into
    /// `tally`.
    #[allow(clippy::too_many_arguments)]
    fn simulate(
        &self,
        seed: u64,
        iteration: usize,
        k: usize,
        ids: std::ops::Range<u64>,
        offset: usize,
        tally: &mut Tally,
    ) {
        let (s, c, t) = (self.s, self.c, self.t);
        let nr = self.deductible.len();
        let cycles = t - offset;
        // One person's units in one cycle, for the own-contribution rules.
        let mut mine = vec![0.0; if nr > 0 { c } else { 0 }];
        for id in ids {
            let mut rng = stream(seed, iteration, mix(id ^ PEOPLE));
            let h = if self.subgroups > 1 { pick(&self.shares, uniform(&mut rng)) } else { 0 };
            // Drawn in every arm, so the draws after it line up across arms.
            let u = uniform(&mut rng);
            let uptake = self.uptake[h];
            let g = if self.groups > 1 && u < uptake { 1 + pick(&self.enrol, u / uptake) } else { 0 };
            let mut state = pick(&self.initial[h * s..(h + 1) * s], uniform(&mut rng));
            // Where the person lives and is insured: its own stream, the same in every arm.
            let mut region = (self.cells > 1).then(|| stream(seed, iteration, mix(id ^ REGION)));
            let (home, mut insurer) = match &mut region {
                Some(r) => self.region.enter(h, uniform(r), uniform(r)),
                None => (0, 0),
            };
            let first = ((h * self.entry_years + k) * self.groups + g) * self.cells;
            let g = h * self.groups + g;
            let mut group = first + home * self.region.insurers + insurer;
            tally.trace[group * (t + 1) * s + state] += 1.0;
            if self.dead[state] {
                continue;
            }
            for cycle in 1..=cycles {
                if let Some(r) = &mut region
                    && cycle > 1
                    && (cycle - 1 + offset).is_multiple_of(self.cycles_per_year)
                {
                    // 1 January.
                    insurer = self.region.switch(h, home, insurer, uniform(r), uniform(r));
                    group = first + home * self.region.insurers + insurer;
                }
                let row = ((g * t + cycle - 1) * s + state) * s;
                let next = pick(&self.cum[row..row + s], uniform(&mut rng));
                if region.is_some() {
                    let at = (group * t + cycle - 1) * s;
                    tally.occupancy[at + state] += self.at_start;
                    tally.occupancy[at + next] += self.at_end;
                    tally.starts[at + state] += 1.0;
                }
                let i = row + next;
                let units = &mut tally.units[(group * t + cycle - 1) * c..(group * t + cycle) * c];
                let samplers = &self.samplers[self.bounds[i] as usize..self.bounds[i + 1] as usize];
                if nr == 0 {
                    for sampler in samplers {
                        units[sampler.category as usize] += self.tables.sample(&sampler.counts, &mut rng);
                    }
                } else {
                    mine.fill(0.0);
                    for sampler in samplers {
                        let n = self.tables.sample(&sampler.counts, &mut rng);
                        units[sampler.category as usize] += n;
                        mine[sampler.category as usize] += n;
                    }
                    let tc = cycle - 1 + offset;
                    for r in 0..nr {
                        let at = ((h * nr + r) * t + tc) * c;
                        let v: f64 = mine.iter().zip(&self.rule_price[at..at + c]).map(|(n, p)| n * p).sum();
                        tally.rules[(group * t + cycle - 1) * nr + r] += if self.deductible[r] {
                            // A payment in whole cents: tallies of whole numbers add up exactly.
                            (v.min(self.rule_limit[(h * nr + r) * t + tc]) * 100.0).round()
                        } else {
                            f64::from(u8::from(v > 0.0))
                        };
                    }
                }
                tally.trace[(group * (t + 1) + cycle) * s + next] += 1.0;
                state = next;
                // Dead states are absorbing and use no care: nothing more to count.
                if self.dead[state] {
                    break;
                }
            }
        }
    }
}

/// Cycles in which participants of an arm start: up to the last with a share of them.
fn starting_cycles(arm: &Arm) -> usize {
    arm.enrol.iter().rposition(|&x| x > 0.0).map_or(0, |i| i + 1)
}

/// Cumulative shares of `p` into `cum`, the last possible entry made +inf so that rounding in the
/// sum can never let a draw fall past it.
pub(super) fn cumulate(p: &[f64], cum: &mut [f64]) {
    let mut acc = 0.0;
    let mut last = 0;
    for (j, (x, c)) in p.iter().zip(cum.iter_mut()).enumerate() {
        acc += x;
        *c = acc;
        if *x > 0.0 {
            last = j;
        }
    }
    cum[last] = f64::INFINITY;
}

impl Workspace {
    /// Runs every arm of one iteration, person by person, with the parameter values in
    /// `self.slots`. `parallel` splits the people of the iteration over rayon's threads.
    pub(crate) fn simulate_people(
        &mut self,
        m: &Model,
        seed: u64,
        iteration: usize,
        parallel: bool,
        out: &mut Record<'_>,
    ) -> Step {
        out.clear();
        self.subgroup_shares(m)?;
        let mut people = self.people.take().unwrap_or_else(|| Box::new(People::new(m)));
        let result = (|| -> Step {
            cumulate(&self.shares, &mut people.shares);
            for (ai, arm) in m.arms.iter().enumerate() {
                let arm = (ai > 0).then_some(arm);
                self.tables(m, arm, &mut people)?;
                for part in people.tally.parts() {
                    part.fill(0.0);
                }
                for k in 0..m.entry_years() {
                    let first = if k == 0 { 0.0 } else { m.population + (k - 1) as f64 * m.inflow };
                    let (first, n) = (first as u64, m.entrants(k) as u64);
                    let offset = k * m.cycles_per_year;
                    if parallel && n > PEOPLE_BLOCK {
                        let shared: &People = &people;
                        let empty = shared.tally.zeros_like();
                        let sum = (0..n.div_ceil(PEOPLE_BLOCK))
                            .into_par_iter()
                            .fold(
                                || empty.clone(),
                                |mut acc, block| {
                                    let ids = first + block * PEOPLE_BLOCK..first + ((block + 1) * PEOPLE_BLOCK).min(n);
                                    shared.simulate(seed, iteration, k, ids, offset, &mut acc);
                                    acc
                                },
                            )
                            .reduce(
                                || empty.clone(),
                                |mut a, b| {
                                    a.add(&b);
                                    a
                                },
                            );
                        people.tally.add(&sum);
                    } else {
                        let mut tally = std::mem::replace(&mut people.tally, Tally::empty());
                        people.simulate(seed, iteration, k, first..first + n, offset, &mut tally);
                        people.tally = tally;
                    }
                }
                for h in 0..people.subgroups {
                    if self.shares[h] == 0.0 {
                        continue;
                    }
                    // The tables are drawn from: only prices and splits are needed again.
                    self.enter_subgroup(m, h);
                    self.prices_and_splits(m)?;
                    self.region_people(m)?;
                    if let Some(a) = arm {
                        self.arm_setup(m, a)?;
                    }
                    self.account(m, ai, arm, h, &people, out)?;
                }
                self.leave_subgroups();
                if let Some(a) = arm {
                    self.fixed_costs(m, ai, a, out)?;
                }
            }
            Ok(())
        })();
        self.leave_subgroups();
        self.people = Some(people);
        result
    }

    /// Builds the initial shares, uptake, transition rows and count samplers of every subgroup,
    /// group and cycle of an arm.
    fn tables(&mut self, m: &Model, arm: Option<&Arm>, people: &mut People) -> Step {
        let groups = 1 + arm.map_or(0, starting_cycles);
        people.groups = groups;
        people.enrol.clear();
        if let Some(a) = arm {
            people.enrol.resize(groups - 1, 0.0);
            cumulate(&a.enrol[..groups - 1], &mut people.enrol);
        }
        people.bounds.clear();
        people.samplers.clear();
        people.tables.clear();
        people.bounds.push(0);
        let s = self.s;
        let result = (|| -> Step {
            for h in 0..people.subgroups {
                if self.shares[h] == 0.0 {
                    // Nobody is drawn into it; its rows stay empty.
                    let rows = people.groups * self.t * s * s;
                    people.bounds.extend(std::iter::repeat_n(people.samplers.len() as u32, rows));
                    continue;
                }
                self.enter_subgroup(m, h);
                self.prepare(m)?;
                cumulate(&self.initial, &mut people.initial[h * s..(h + 1) * s]);
                people.uptake[h] = match arm {
                    Some(a) => self.arm_setup(m, a)?,
                    None => 0.0,
                };
                for (ci, cat) in m.categories.iter().enumerate() {
                    people.overdispersion[ci] = match cat.overdispersion {
                        Some(term) => nonneg(m, &self.slots, term, 1, &cat.path, "overdispersion")?,
                        None => 0.0,
                    };
                }
                self.subgroup_tables(m, arm, h, people)?;
                self.rule_tables(m, h, people);
                self.region_people(m)?;
                if let Some(ps) = &self.party {
                    ps.person_tables(people.region.of_mut(h));
                }
            }
            Ok(())
        })();
        self.leave_subgroups();
        result
    }

    /// What the own-contribution rules need per person of subgroup `h`: which units make a
    /// fee's user, a deductible's claim per unit and threshold, per calendar cycle.
    fn rule_tables(&self, m: &Model, h: usize, people: &mut People) {
        let (c, t, b) = (self.c, self.t, self.b);
        let nr = m.cash.rules.len();
        for (r, rule) in m.cash.rules.iter().enumerate() {
            for tc in 0..t {
                let at = ((h * nr + r) * t + tc) * c;
                for ci in 0..c {
                    people.rule_price[at + ci] = match &rule.kind {
                        RuleKind::FlatFee { categories, .. } => f64::from(u8::from(categories.contains(&ci))),
                        RuleKind::Deductible { counted, .. } if counted[ci] => self.gross[(tc * c + ci) * b + rule.to],
                        _ => 0.0,
                    };
                }
                people.rule_limit[(h * nr + r) * t + tc] = self.rule_amount[tc * nr + r];
            }
        }
    }

    /// The transition rows and count samplers of one subgroup, with its values in the slots.
    fn subgroup_tables(&mut self, m: &Model, arm: Option<&Arm>, h: usize, people: &mut People) -> Step {
        let (s, t) = (self.s, self.t);
        let cy = m.cycle_years;
        let groups = people.groups;
        for g in 0..groups {
            if let Some(a) = arm
                && g > 0
                && a.enrol[g - 1] == 0.0
            {
                // Nobody starts in this cycle: no rows to draw from.
                people.bounds.extend(std::iter::repeat_n(people.samplers.len() as u32, t * s * s));
                continue;
            }
            for cycle in 1..=t {
                let part = arm.filter(|_| g > 0 && cycle >= g);
                let w = part.map_or(0.0, |a| a.weight[cycle - g]);
                match part {
                    Some(a) => self.participant_matrix(m, a, cycle, w)?,
                    None => self.mat.copy_from_slice(&self.uc_mats[(cycle - 1) * s * s..cycle * s * s]),
                }
                self.use_rates(m, part, w, cycle)?;
                let base = ((h * groups + g) * t + cycle - 1) * s * s;
                for from in 0..s {
                    let p = &self.mat[from * s..(from + 1) * s];
                    cumulate(p, &mut people.cum[base + from * s..base + (from + 1) * s]);
                    for to in 0..s {
                        if !m.dead[from] && p[to] > 0.0 {
                            for ci in 0..self.c {
                                let u = &self.use_[ci * s..(ci + 1) * s];
                                let mean = cy * (people.at_start * u[from] + people.at_end * u[to]);
                                if mean > 0.0 {
                                    let counts =
                                        people.tables.counts(mean, people.overdispersion[ci]).map_err(|reason| {
                                            DrawProblem {
                                                path: format!("{}.use_per_year", m.categories[ci].path),
                                                reason,
                                            }
                                        })?;
                                    people.samplers.push(Sampler { category: ci as u32, counts });
                                }
                            }
                        }
                        people.bounds.push(people.samplers.len() as u32);
                    }
                }
            }
        }
        Ok(())
    }

    /// Turns the tallies of an arm's subgroup `h` into its record, through the cohort's
    /// accounting (with the subgroup's values in the slots).
    fn account<'p>(
        &mut self,
        m: &Model,
        ai: usize,
        arm: Option<&Arm>,
        h: usize,
        people: &'p People,
        out: &mut Record<'_>,
    ) -> Step {
        let (s, c, t) = (self.s, self.c, self.t);
        let (cells, insurers) = (people.cells, people.region.insurers);
        for group in 0..people.entry_years * people.groups * cells {
            let (k, g, cell) = (group / (people.groups * cells), group / cells % people.groups, group % cells);
            let group = h * people.entry_years * people.groups * cells + group;
            let trace = &people.tally.trace[group * (t + 1) * s..(group + 1) * (t + 1) * s];
            // People may switch into a cell after the start.
            if trace.iter().all(|&n| n == 0.0) {
                continue;
            }
            if let Some(ps) = &mut self.party {
                ps.cell = Some((cell / insurers, cell % insurers));
            }
            let nr = m.cash.rules.len();
            let per_cell = |v: &'p [f64]| (!v.is_empty()).then(|| &v[group * t * s..(group + 1) * t * s]);
            let sampled = Sampled {
                units: &people.tally.units[group * t * c..(group + 1) * t * c],
                rules: &people.tally.rules[group * t * nr..(group + 1) * t * nr],
                occupancy: per_cell(&people.tally.occupancy),
                starts: per_cell(&people.tally.starts),
            };
            let part = arm.filter(|_| g > 0);
            let offset = k * m.cycles_per_year;
            let mut sink = Flows::Arm { index: ai, out: &mut *out };
            let result = self.group_flows(m, trace, part, g, 1.0, offset, Some(sampled), &mut sink);
            if let Some(ps) = &mut self.party {
                ps.cell = None;
            }
            result?;
        }
        Ok(())
    }
}
