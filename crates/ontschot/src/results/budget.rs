//! The budget view's summaries: per party and calendar year, the change in cash.

use super::{Results, Stats, View};
use crate::model::Label;
use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// One calendar year of one party in the budget view. Amounts are the change in the party's cash
/// that the intervention brings, in nominal euros of that year, undiscounted: positive means the
/// party's cash position is better (it pays less), negative that it pays more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CashYear {
    /// Calendar year (or the model year 1, 2, ... when the scenario gives no start or price year).
    pub year: i32,
    /// Change in cash in this year, after the arrangements in force.
    pub cash: Stats,
    /// Probability that the cash position is better in this year.
    pub probability_better: f64,
    /// Change in cash from the first year to the end of this one.
    pub cumulative: Stats,
    /// Probability that the cumulative cash position is better.
    pub probability_better_cumulative: f64,
    /// Mean change in cash before the arrangements.
    pub before: f64,
    /// Mean money received through the arrangements (negative: paid).
    pub transfers: f64,
}

/// A party's (a budget's, a payer's or everybody's) budget view over the horizon.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyYears {
    /// Key of the budget or payer, `total` for everybody.
    pub name: String,
    /// Dutch display name.
    pub label: String,
    /// English display name.
    pub label_en: String,
    /// The payer's key, for a budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// False for a party that administers money without bearing its risk (the long-term care
    /// fund's care office): its figures are spending, not a gain of its own.
    pub bears_risk: bool,
    /// One entry per year of the horizon.
    pub years: Vec<CashYear>,
}

impl PartyYears {
    /// True when the party's cash does not change in any year or iteration, before or after the
    /// arrangements: tables may leave it out.
    pub fn untouched(&self) -> bool {
        self.years.iter().all(|y| y.cash.is_zero() && y.before == 0.0 && y.transfers == 0.0)
    }
}

/// The budget view of one intervention arm against the comparator: per budget, per payer and
/// for all parties, the change in cash per calendar year and cumulated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BudgetView {
    /// The intervention arm.
    pub arm: Label,
    /// The comparator.
    pub comparator: Label,
    /// Calendar years of the horizon (model years 1, 2, ... when `calendar` is false).
    pub years: Vec<i32>,
    /// True when the years are calendar years.
    pub calendar: bool,
    /// True when arrangements are in the numbers.
    pub financed: bool,
    /// Per budget.
    pub budgets: Vec<PartyYears>,
    /// Per payer (sums of its budgets).
    pub payers: Vec<PartyYears>,
    /// Per party: the payers, or a region's municipalities and insurers beside the other payers.
    pub parties: Vec<PartyYears>,
    /// All parties together.
    pub total: PartyYears,
    /// Iterations behind the numbers.
    pub iterations: usize,
}

impl BudgetView {
    /// A payer's or budget's entry by key (`total` for everybody).
    pub fn party(&self, name: &str) -> Option<&PartyYears> {
        if name == "total" {
            return Some(&self.total);
        }
        self.payers.iter().chain(&self.parties).chain(&self.budgets).find(|p| p.name == name)
    }
}

/// The calendar years of a run: from its start year, else 1, 2, ...
fn years(meta: &super::Meta) -> (Vec<i32>, bool) {
    let n = meta.years as i32;
    match meta.start_year {
        Some(y0) => ((y0..y0 + n).collect(), true),
        None => ((1..=n).collect(), false),
    }
}

impl Results {
    /// The change in cash of a budget, a payer or `total` that `arm` brings, after the
    /// arrangements in force, `[iteration, year]` in nominal euros: positive means the party's
    /// cash position is better. `None` for an unknown name.
    ///
    /// ```
    /// # use ontschot::{Model, Simulation};
    /// let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    /// let r = Simulation::new(&model).iterations(20).run().unwrap();
    /// let a = r.budget_array(1, "municipality").unwrap();
    /// assert_eq!(a.shape(), [20, model.n_years()]);
    /// assert!(r.budget_array(1, "nobody").is_none());
    /// ```
    pub fn budget_array(&self, arm: usize, name: &str) -> Option<Array2<f64>> {
        let t = self.kept(View::Budget, arm);
        let Some(weights) = self.party_weights(name) else {
            // A region's municipality or insurer.
            let p = self.meta.parties.iter().position(|p| p.name == name)?;
            let (n, ny, np) = (self.meta.iterations, self.layout.years, self.meta.parties.len());
            let f = self.party_flows(View::Budget, arm, &t, &self.meta.joiners);
            let after =
                (0..n * ny).map(|k| f.saved[k * np + p] - f.programme[k * np + p] - f.paid[k * np + p]).collect();
            return Some(Array2::from_shape_vec((n, ny), after).expect("shape"));
        };
        let mut after = vec![0.0; self.meta.iterations * self.layout.years];
        cash_of(self, arm, &t.budgets, &weights, &mut after);
        Some(Array2::from_shape_vec((self.meta.iterations, self.layout.years), after).expect("shape"))
    }

    /// Budget weights of a party: 1 for the budgets that belong to it.
    fn party_weights(&self, name: &str) -> Option<Vec<f64>> {
        let m = &self.meta;
        if name == "total" {
            return Some(vec![1.0; m.budgets.len()]);
        }
        if let Some(b) = m.budgets.iter().position(|b| b.name == name) {
            return Some((0..m.budgets.len()).map(|k| if k == b { 1.0 } else { 0.0 }).collect());
        }
        let p = m.payers.iter().position(|p| p.name == name)?;
        Some(m.budgets.iter().map(|b| if b.payer == p { 1.0 } else { 0.0 }).collect())
    }
}

/// Per iteration and year (flat): a party's change in cash after the transfers, written into
/// `after`; returned, the change before them.
fn cash_of(r: &Results, arm: usize, transfers: &[f64], weights: &[f64], after: &mut [f64]) -> Vec<f64> {
    let (n, years, nb) = (r.meta.iterations, r.layout.years, r.layout.budgets);
    let mut before = vec![0.0; n * years];
    // Iteration by iteration, in parallel, reading the arrays in place.
    let rows = years.max(1);
    before.par_chunks_mut(rows).zip(after.par_chunks_mut(rows)).enumerate().for_each(|(i, (before, after))| {
        for y in 0..years {
            let at = (i * years + y) * nb;
            let mut b = 0.0;
            let mut t = 0.0;
            for j in 0..nb {
                let (programme, saved) = r.extra_at(View::Budget, arm, i, y, j);
                b += (saved - programme) * weights[j];
                if !transfers.is_empty() {
                    t += transfers[at + j] * weights[j];
                }
            }
            before[y] = b;
            after[y] = b - t;
        }
    });
    before
}

/// One party's change in cash gathered block by block: per iteration and year after the
/// arrangements, and the sum over iterations before them, in the order of the iterations.
struct Ledger {
    /// `[year][iteration]` flat: a year's values side by side for its statistics.
    after: Vec<f64>,
    /// Per year, the sum of the change before the arrangements.
    before: Vec<f64>,
}

impl Ledger {
    fn new(n: usize, years: usize) -> Ledger {
        // `-0.0`, where a sum of floats starts, so that the sums are those of `Iterator::sum`.
        Ledger { after: vec![0.0; n * years], before: vec![-0.0; years] }
    }

    /// Adds a block of iterations from `first` on: the changes before and after the
    /// arrangements, `[iteration][year]` flat.
    fn add(&mut self, first: usize, before: &[f64], after: &[f64]) {
        let years = self.before.len().max(1);
        let n = self.after.len() / years;
        for (i, (before, after)) in before.chunks(years).zip(after.chunks(years)).enumerate() {
            for (y, (sum, x)) in self.before.iter_mut().zip(before).enumerate() {
                *sum += x;
                self.after[y * n + first + i] = after[y];
            }
        }
    }

    /// The yearly and cumulative statistics of the party's cash: the years side by side, beside
    /// the cumulative values, which add up year after year.
    fn years(&self, n: usize, years: &[i32]) -> Vec<CashYear> {
        let ny = years.len();
        let share = super::stats::share_gaining;
        let row = |y: usize| &self.after[y * n..(y + 1) * n];
        let (yearly, cumulative) = rayon::join(
            || (0..ny).into_par_iter().map(|y| (Stats::of(row(y)), share(row(y)))).collect::<Vec<_>>(),
            || {
                let mut cumulative = vec![0.0; n];
                (0..ny)
                    .map(|y| {
                        for (c, x) in cumulative.iter_mut().zip(row(y)) {
                            *c += x;
                        }
                        (Stats::of(&cumulative), share(&cumulative))
                    })
                    .collect::<Vec<_>>()
            },
        );
        (years.iter().zip(yearly).zip(cumulative).enumerate())
            .map(|(y, ((&year, (cash, probability_better)), (cumulative, probability_better_cumulative)))| {
                let before = self.before[y] / n as f64;
                CashYear {
                    year,
                    probability_better,
                    probability_better_cumulative,
                    cumulative,
                    transfers: cash.mean - before,
                    before,
                    cash,
                }
            })
            .collect()
    }
}

/// A budget view gathered block by block of iterations, in their order (see
/// [`super::SummaryTally`]): per party the change in cash per iteration and year.
pub(crate) struct BudgetTally {
    arm: usize,
    /// Iterations in the whole run.
    n: usize,
    /// Iterations added so far.
    filled: usize,
    /// Each different set of budget weights among the budgets, the payers and the total (a
    /// payer of one budget has that budget's numbers: they are worked out once).
    weights: Vec<Vec<f64>>,
    /// For each budget, each payer and the total, in that order, its weights in `weights`.
    ledger_of: Vec<usize>,
    /// Per set of weights.
    ledgers: Vec<Ledger>,
    /// A region's parties.
    parties: Vec<Ledger>,
    /// Some transfer is not zero.
    financed: bool,
}

impl BudgetTally {
    pub(crate) fn new(meta: &super::Meta, arm: usize, n: usize) -> BudgetTally {
        let (nb, years) = (meta.budgets.len(), meta.years);
        let mut weights: Vec<Vec<f64>> =
            (0..nb).map(|b| (0..nb).map(|k| if k == b { 1.0 } else { 0.0 }).collect()).collect();
        weights.extend(
            (0..meta.payers.len())
                .map(|pi| meta.budgets.iter().map(|b| if b.payer == pi { 1.0 } else { 0.0 }).collect()),
        );
        weights.push(vec![1.0; nb]);
        let (weights, ledger_of) = super::distinct(weights);
        BudgetTally {
            arm,
            n,
            filled: 0,
            ledgers: weights.iter().map(|_| Ledger::new(n, years)).collect(),
            weights,
            ledger_of,
            parties: meta.parties.iter().map(|_| Ledger::new(n, years)).collect(),
            financed: false,
        }
    }

    /// Adds the iterations of `r`, the next block of the run, with the transfers `all` of the
    /// arrangements over those iterations.
    pub(crate) fn add(&mut self, r: &Results, all: &super::Transfers) {
        let (m, ny, arm) = (r.meta.iterations, r.meta.years, self.arm);
        let transfers = &all.budgets[..];
        self.financed |= transfers.iter().any(|t| *t != 0.0);
        // Each party on its own thread: the same numbers, in the same order.
        let first = self.filled;
        self.ledgers.par_iter_mut().zip(&self.weights).for_each(|(ledger, weights)| {
            let mut after = vec![0.0; m * ny];
            let before = cash_of(r, arm, transfers, weights, &mut after);
            ledger.add(first, &before, &after);
        });
        let np = r.meta.parties.len();
        if np > 0 {
            let flows = r.party_flows(View::Budget, arm, all, &r.meta.joiners);
            self.parties.par_iter_mut().enumerate().for_each(|(p, ledger)| {
                let mut before = vec![0.0; m * ny];
                let mut after = vec![0.0; m * ny];
                for (k, (before, after)) in before.iter_mut().zip(&mut after).enumerate() {
                    let at = k * np + p;
                    *before = flows.saved[at] - flows.programme[at];
                    *after = *before - flows.paid[at];
                }
                ledger.add(first, &before, &after);
            });
        }
        self.filled += m;
    }

    /// The budget view of all iterations added.
    pub(crate) fn finish(self, m: &super::Meta) -> BudgetView {
        assert_eq!(self.filled, self.n, "a budget view of a part of the iterations");
        let n = self.n;
        let (years, calendar) = years(m);
        let nb = m.budgets.len();
        // Each set of weights on its own thread: the same numbers, in the same order.
        let sets: Vec<Vec<CashYear>> = self.ledgers.par_iter().map(|ledger| ledger.years(n, &years)).collect();
        let of = |k: usize| sets[self.ledger_of[k]].clone();
        let budgets = (m.budgets.iter().enumerate())
            .map(|(k, b)| {
                let payer = &m.payers[b.payer];
                PartyYears {
                    name: b.name.clone(),
                    label: b.label.clone(),
                    label_en: b.label.clone(),
                    payer: Some(payer.name.clone()),
                    bears_risk: payer.bears_risk,
                    years: of(k),
                }
            })
            .collect();
        let payers = (m.payers.iter().enumerate())
            .map(|(k, p)| PartyYears {
                name: p.name.clone(),
                label: p.label.clone(),
                label_en: p.label_in("en").to_owned(),
                payer: None,
                bears_risk: p.bears_risk,
                years: of(nb + k),
            })
            .collect();
        let parties = m
            .parties
            .par_iter()
            .zip(self.parties)
            .map(|(info, ledger)| PartyYears {
                name: info.name.clone(),
                label: info.label.clone(),
                label_en: info.label_en.clone(),
                payer: Some(info.payer.clone()),
                bears_risk: info.bears_risk,
                years: ledger.years(n, &years),
            })
            .collect();
        let total = PartyYears {
            name: "total".into(),
            label: "Totaal".into(),
            label_en: "Total".into(),
            payer: None,
            bears_risk: true,
            years: of(nb + m.payers.len()),
        };
        BudgetView {
            arm: m.arms[self.arm].clone(),
            comparator: m.arms[0].clone(),
            years,
            calendar,
            financed: self.financed,
            budgets,
            payers,
            parties,
            total,
            iterations: n,
        }
    }
}

pub(super) fn budget_view(r: &Results, arm: usize, all: &super::Transfers) -> BudgetView {
    let mut tally = BudgetTally::new(&r.meta, arm, r.meta.iterations);
    tally.add(r, all);
    tally.finish(&r.meta)
}
