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
pub(crate) fn years(r: &Results) -> (Vec<i32>, bool) {
    let n = r.meta.years as i32;
    match r.meta.start_year {
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
        let (_, after) = cash_of(self, arm, &t.budgets, &weights);
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

/// Per iteration and year (flat): a party's change in cash before and after the transfers.
fn cash_of(r: &Results, arm: usize, transfers: &[f64], weights: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let (n, years, nb) = (r.meta.iterations, r.layout.years, r.layout.budgets);
    let mut before = vec![0.0; n * years];
    let mut after = vec![0.0; n * years];
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
    (before, after)
}

fn party_years(r: &Results, arm: usize, transfers: &[f64], weights: &[f64], years: &[i32]) -> Vec<CashYear> {
    let (before, after) = cash_of(r, arm, transfers, weights);
    years_of(r.meta.iterations, &before, &after, years)
}

/// The yearly and cumulative statistics of a party's cash, `[iteration][year]` flat, before and
/// after the arrangements.
fn years_of(n: usize, before: &[f64], after: &[f64], years: &[i32]) -> Vec<CashYear> {
    let ny = years.len();
    let share = super::stats::share_gaining;
    let mut cumulative = vec![0.0; n];
    let mut out = Vec::with_capacity(ny);
    for (y, &year) in years.iter().enumerate() {
        let cash: Vec<f64> = (0..n).map(|i| after[i * ny + y]).collect();
        for (c, x) in cumulative.iter_mut().zip(&cash) {
            *c += x;
        }
        let before_mean = (0..n).map(|i| before[i * ny + y]).sum::<f64>() / n as f64;
        let cash_stats = Stats::of(&cash);
        out.push(CashYear {
            year,
            probability_better: share(&cash),
            probability_better_cumulative: share(&cumulative),
            cumulative: Stats::of(&cumulative),
            transfers: cash_stats.mean - before_mean,
            before: before_mean,
            cash: cash_stats,
        });
    }
    out
}

pub(super) fn budget_view(r: &Results, arm: usize, all: &super::Transfers) -> BudgetView {
    let transfers = &all.budgets[..];
    let m = &r.meta;
    let (years, calendar) = years(r);
    let nb = m.budgets.len();
    let unit = |b: usize| -> Vec<f64> { (0..nb).map(|k| if k == b { 1.0 } else { 0.0 }).collect() };
    // Each party on its own thread: the same numbers, in the same order.
    let budgets = m
        .budgets
        .par_iter()
        .enumerate()
        .map(|(bi, b)| {
            let payer = &m.payers[b.payer];
            PartyYears {
                name: b.name.clone(),
                label: b.label.clone(),
                label_en: b.label.clone(),
                payer: Some(payer.name.clone()),
                bears_risk: payer.bears_risk,
                years: party_years(r, arm, transfers, &unit(bi), &years),
            }
        })
        .collect();
    let payers = m
        .payers
        .par_iter()
        .enumerate()
        .map(|(pi, p)| {
            let w: Vec<f64> = m.budgets.iter().map(|b| if b.payer == pi { 1.0 } else { 0.0 }).collect();
            PartyYears {
                name: p.name.clone(),
                label: p.label.clone(),
                label_en: p.label_in("en").to_owned(),
                payer: None,
                bears_risk: p.bears_risk,
                years: party_years(r, arm, transfers, &w, &years),
            }
        })
        .collect();
    let np = m.parties.len();
    let flows = r.party_flows(View::Budget, arm, all, &m.joiners);
    let parties = m
        .parties
        .par_iter()
        .enumerate()
        .map(|(p, info)| {
            let ny = years.len();
            let mut before = vec![0.0; m.iterations * ny];
            let mut after = vec![0.0; m.iterations * ny];
            for k in 0..m.iterations * ny {
                let at = k * np + p;
                before[k] = flows.saved[at] - flows.programme[at];
                after[k] = before[k] - flows.paid[at];
            }
            PartyYears {
                name: info.name.clone(),
                label: info.label.clone(),
                label_en: info.label_en.clone(),
                payer: Some(info.payer.clone()),
                bears_risk: info.bears_risk,
                years: years_of(m.iterations, &before, &after, &years),
            }
        })
        .collect();
    let total = PartyYears {
        name: "total".into(),
        label: "Totaal".into(),
        label_en: "Total".into(),
        payer: None,
        bears_risk: true,
        years: party_years(r, arm, transfers, &vec![1.0; nb], &years),
    };
    BudgetView {
        arm: m.arms[arm].clone(),
        comparator: m.arms[0].clone(),
        years,
        calendar,
        financed: transfers.iter().any(|t| *t != 0.0),
        budgets,
        payers,
        parties,
        total,
        iterations: m.iterations,
    }
}
