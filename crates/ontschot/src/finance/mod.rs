//! Financing arrangements applied to the simulated flows, and the solver that looks for terms
//! under which every payer gains.
//!
//! Arrangements work on the results of a run, per iteration and year, in the order given, in
//! each view of money: on the societal view's yearly flows at reference prices (discounted by the
//! summaries, like the flows), and on the budget view's cash (an arrangement is a payment, so in the budget view it is nominal cash of
//! the year it is paid in). They only move money: every arrangement adds as much to one budget
//! as it takes from another, so the total of every iteration and year is unchanged. Because they
//! need no new simulation, the solver can try many terms on the same draws (common random
//! numbers).
//!
//! The data flows one way: the [`Model`] holds the compiled arrangements, the engine fills the
//! [`Results`], and this module reads results and hands the transfers back to them.

mod deal;
mod region;
mod solve;

pub use deal::{Deal, DealGoal, DealParty, deal};
pub use region::{FreeRider, free_riders};
pub use solve::{Goal, PayerOutcome, Solution, SolveOptions, solve, sweep};

pub(crate) use crate::model::{Arrangement, Party};
use crate::model::{Label, Model};
use crate::results::{BudgetView, Results, Summary, Transfers, View};
use crate::scenario::{Per, Settle};
use rayon::prelude::*;
use serde::Serialize;

impl Arrangement {
    /// The names of the terms the solver may vary.
    pub(crate) fn terms(&self) -> &'static [&'static str] {
        match self {
            Arrangement::SharedSavings { .. } => &["share", "cap", "floor"],
            Arrangement::FixedContribution { .. } => &["amount"],
            Arrangement::PooledBudget { .. } => &[],
            Arrangement::OutcomePayment { .. } => &["price", "cap"],
            Arrangement::SocialImpactBond { .. } => &["price", "max_return"],
        }
    }

    /// True when the arrangement names a region's municipality or insurer.
    pub(crate) fn names_region_party(&self) -> bool {
        let named = |p: &Party| p.region.is_some();
        match self {
            Arrangement::SharedSavings { from, to, .. }
            | Arrangement::FixedContribution { from, to, .. }
            | Arrangement::OutcomePayment { from, to, .. } => named(from) || named(to),
            Arrangement::PooledBudget { key, parties } => {
                parties.iter().any(named) || key.as_ref().is_some_and(|k| k.iter().any(|(p, _)| named(p)))
            }
            Arrangement::SocialImpactBond { investor, payer, .. } => named(investor) || named(payer),
        }
    }

    /// The values a term may take, as the scenario checks them: a share lies in [0, 1], a floor
    /// may be any number, the other terms are amounts of at least 0.
    pub(crate) fn term_range(term: &str) -> (f64, f64) {
        match term {
            "share" => (0.0, 1.0),
            "floor" => (f64::NEG_INFINITY, f64::INFINITY),
            _ => (0.0, f64::INFINITY),
        }
    }

    /// Sets one term; false when the arrangement has no such term.
    pub(crate) fn set(&mut self, term: &str, value: f64) -> bool {
        let slot = match (self, term) {
            (Arrangement::SharedSavings { share, .. }, "share") => share,
            (Arrangement::SharedSavings { cap, .. }, "cap") => cap,
            (Arrangement::SharedSavings { floor, .. }, "floor") => floor,
            (Arrangement::FixedContribution { amount, .. }, "amount") => amount,
            (Arrangement::OutcomePayment { price, .. }, "price") => price,
            (Arrangement::OutcomePayment { cap, .. }, "cap") => cap,
            (Arrangement::SocialImpactBond { price, .. }, "price") => price,
            (Arrangement::SocialImpactBond { max_return, .. }, "max_return") => max_return,
            _ => return false,
        };
        *slot = value;
        true
    }
}

/// Applies the arrangements in force to a run's results, in both views of money.
pub(crate) fn apply_in_force(model: &Model, results: &mut Results) {
    let arrangements = &model.financing.in_force;
    if arrangements.is_empty() {
        return;
    }
    let meta = results.meta();
    let (n, a, y, b, np) = (meta.iterations, meta.arms.len(), meta.years, meta.budgets.len(), meta.parties.len());
    // Kept as `[view][iteration][arm][year][budget]`, then a region's parties'
    // `[view][iteration][arm][year][party]`; the comparator's rows stay zero.
    let parties = if results.layout_parties() > 0 { np } else { 0 };
    let mut moved = vec![0.0; 2 * n * a * y * (b + parties)];
    let (all_budgets, all_parties) = moved.split_at_mut(2 * n * a * y * b);
    let (societal, budget) = all_budgets.split_at_mut(n * a * y * b);
    let (societal_parties, budget_parties) = all_parties.split_at_mut(n * a * y * parties);
    let views = [(View::Societal, societal, societal_parties), (View::Budget, budget, budget_parties)];
    for (view, budgets, own) in views {
        let arms: Vec<Transfers> = (1..a).map(|arm| transfers(results, arm, arrangements, view)).collect();
        // Iteration by iteration, in parallel: each copies its own rows.
        budgets.par_chunks_mut((a * y * b).max(1)).enumerate().for_each(|(i, row)| {
            for (arm, t) in arms.iter().enumerate().map(|(k, t)| (k + 1, t)) {
                row[arm * y * b..(arm + 1) * y * b].copy_from_slice(&t.budgets[i * y * b..(i + 1) * y * b]);
            }
        });
        if parties > 0 {
            own.par_chunks_mut((a * y * np).max(1)).enumerate().for_each(|(i, row)| {
                for (arm, t) in arms.iter().enumerate().map(|(k, t)| (k + 1, t)) {
                    if !t.parties.is_empty() {
                        row[arm * y * np..(arm + 1) * y * np].copy_from_slice(&t.parties[i * y * np..(i + 1) * y * np]);
                    }
                }
            });
        }
    }
    results.keep_transfers(moved);
}

impl Party {
    /// Books `amount` paid by this party (negative: received) in one iteration-year: on its
    /// budget, and for a region's municipality or insurer on the party itself.
    #[inline]
    fn book_on(&self, t: &mut [f64], inc: &mut [f64], direct: &mut [f64], row: usize, prow: usize, amount: f64) {
        t[row + self.book] += amount;
        inc[row + self.book] += amount;
        if let Some(q) = self.region {
            direct[prow + q] += amount;
        }
    }
}

/// Transfers of one set of arrangements for intervention `arm` in one view of money: per budget
/// `[iteration][year][budget]` flat, positive where the budget pays (its costs rise), negative
/// where it receives; and what a region's named municipalities and insurers pay themselves.
pub(crate) fn transfers(results: &Results, arm: usize, arrangements: &[Arrangement], view: View) -> Transfers {
    let meta = results.meta();
    let (n, years, nb, np) = (meta.iterations, meta.years, meta.budgets.len(), meta.parties.len());
    let mut t = vec![0.0; n * years * nb];
    let regional = arrangements.iter().any(Arrangement::names_region_party);
    let mut direct = vec![0.0; if regional { n * years * np } else { 0 }];
    if arrangements.is_empty() {
        return Transfers { budgets: t, parties: direct };
    }
    // Arms are checked where a run's results enter (summary, budget view, compare, solve).
    let (units_i, units_c) = (results.units(arm).expect("arm checked"), results.units(0).expect("the comparator"));
    let effects = results.effects(arm).expect("arm checked");
    // Yearly weights of expected savings (a pool keyed by them): discounted in the societal
    // view, nominal in the budget view.
    let df = results.money_weights(view);
    // Extra programme costs, and extra costs per budget (updated as arrangements apply).
    let (prog, saved) = results.extra_flows(view, arm);
    // Filled per iteration below, in parallel.
    let mut inc = vec![0.0; n * years * nb];
    // A region's parties: their own flows before arrangements, and the shares by which they
    // carry their budgets' transfers, to know a named party's savings as arrangements apply.
    let base = regional.then(|| results.party_flows(view, arm, &Transfers::none(), &meta.joiners));
    let (own, books) = (results.own_parties(), results.books());
    // The intervention's own costs not yet taken over by a pool or an investor, so that a second
    // pool or bond in the same set does not refund them again.
    let mut unfunded = vec![0.0; n * years * nb];
    // A party's savings in iteration `i`, year `y`, given the transfers so far in that
    // iteration's rows (`t`, `inc` `[year][budget]`, `direct` `[year][party]`).
    let savings_of = |t: &[f64], inc: &[f64], direct: &[f64], pays: &[f64], p: &Party, i: usize, y: usize| -> f64 {
        let row = y * nb;
        match (p.region, &base) {
            (Some(q), Some(base)) => {
                let (k, prow) = ((i * years + y) * np + q, y * np);
                let mut paid = direct[prow + q];
                for b in 0..nb {
                    let named: f64 = (0..np).filter(|&r| books[r] == Some(b)).map(|r| direct[prow + r]).sum();
                    paid += (t[row + b] - named) * pays[(y * np + q) * nb + b];
                }
                base.saved[k] - base.programme[k] - paid
            }
            _ => -p.budgets.iter().map(|&b| inc[row + b]).sum::<f64>(),
        }
    };
    // Parties' expected discounted care savings, for a pool keyed by expected benefit: before
    // any arrangement, over all iterations.
    let expected_keys: Vec<Option<Vec<f64>>> = arrangements
        .iter()
        .map(|a| match a {
            Arrangement::PooledBudget { key: None, parties } => {
                let savings: Vec<f64> = parties
                    .iter()
                    .map(|p| {
                        let mut s = 0.0;
                        for i in 0..n {
                            for y in 0..years {
                                s += df[y]
                                    * match (p.region, &base) {
                                        (Some(q), Some(base)) => base.saved[(i * years + y) * np + q],
                                        _ => p.budgets.iter().map(|&b| saved[(i * years + y) * nb + b]).sum(),
                                    };
                            }
                        }
                        (s / n as f64).max(0.0)
                    })
                    .collect();
                let total: f64 = savings.iter().sum();
                Some(savings.iter().map(|s| if total > 0.0 { s / total } else { 1.0 / parties.len() as f64 }).collect())
            }
            _ => None,
        })
        .collect();
    // Iteration by iteration, in parallel: each applies the arrangements in order to its own rows.
    let rows = (years * nb).max(1);
    let party_rows = if regional { (years * np).max(1) } else { 0 };
    let mut direct_rows: Vec<&mut [f64]> =
        if regional { direct.chunks_mut(party_rows).collect() } else { (0..n).map(|_| Default::default()).collect() };
    t.par_chunks_mut(rows)
        .zip(inc.par_chunks_mut(rows))
        .zip(unfunded.par_chunks_mut(rows))
        .zip(direct_rows.par_iter_mut())
        .enumerate()
        .for_each_init(
            || vec![0.0; if regional { years * np * nb } else { 0 }],
            |pays, (i, (((t, inc), unfunded), direct))| {
                let direct: &mut [f64] = direct;
                // Each row written before any `-=` reads it: a fresh page read first is mapped to
                // the zero page and then copied on the write, each a fault.
                t.fill(0.0);
                direct.fill(0.0);
                let rows = i * years * nb..(i + 1) * years * nb;
                for ((inc, p), s) in inc.iter_mut().zip(&prog[rows.clone()]).zip(&saved[rows.clone()]) {
                    *inc = p - s;
                }
                unfunded.copy_from_slice(&prog[rows]);
                if regional {
                    for y in 0..years {
                        results.pays(&own, i, arm, y, &meta.joiners, &mut pays[y * np * nb..(y + 1) * np * nb]);
                    }
                }
                let row = |y: usize| y * nb;
                let prow = |y: usize| if regional { y * np } else { 0 };
                let pay = |t: &mut [f64],
                           inc: &mut [f64],
                           direct: &mut [f64],
                           y: usize,
                           from: &Party,
                           to: &Party,
                           amount: f64| {
                    from.book_on(t, inc, direct, row(y), prow(y), amount);
                    to.book_on(t, inc, direct, row(y), prow(y), -amount);
                };
                for (a, expected_key) in arrangements.iter().zip(&expected_keys) {
                    match a {
                        Arrangement::SharedSavings { from, to, share, cap, floor, losses, settle } => {
                            let rule = |s: f64| {
                                let base = if *losses { s } else { s.max(0.0) };
                                // `cap` prevails over `floor` (clamp would panic when a solver sets floor > cap).
                                (share * base).max(*floor).min(*cap)
                            };
                            match settle {
                                Settle::Yearly => {
                                    for y in 0..years {
                                        let amount = rule(savings_of(t, inc, direct, pays, from, i, y));
                                        pay(t, inc, direct, y, from, to, amount);
                                    }
                                }
                                Settle::End => {
                                    let total: f64 =
                                        (0..years).map(|y| savings_of(t, inc, direct, pays, from, i, y)).sum();
                                    pay(t, inc, direct, years - 1, from, to, rule(total));
                                }
                            }
                        }
                        Arrangement::FixedContribution { from, to, amount, per } => {
                            for y in 0..years {
                                let units = match per {
                                    Per::Year => 1.0,
                                    Per::ParticipantYear => effects[[i, y, 2]],
                                    Per::Enrolment => effects[[i, y, 3]],
                                };
                                pay(t, inc, direct, y, from, to, amount * units);
                            }
                        }
                        Arrangement::PooledBudget { key, parties } => {
                            for y in 0..years {
                                let total: f64 = (0..nb).map(|b| unfunded[row(y) + b]).sum();
                                // Each budget gets back what it paid for the intervention ...
                                for b in 0..nb {
                                    let k = row(y) + b;
                                    t[k] -= unfunded[k];
                                    inc[k] -= unfunded[k];
                                    unfunded[k] = 0.0;
                                }
                                // ... and the parties pay the total by their shares.
                                let shares: &mut dyn Iterator<Item = (&Party, f64)> = match (key, expected_key) {
                                    (Some(key), _) => &mut key.iter().map(|(p, s)| (p, *s)),
                                    (None, Some(w)) => &mut parties.iter().zip(w.iter().copied()),
                                    (None, None) => &mut std::iter::empty(),
                                };
                                for (p, s) in shares {
                                    p.book_on(t, inc, direct, row(y), prow(y), s * total);
                                }
                            }
                        }
                        Arrangement::OutcomePayment { from, to, price, category, unit_size, cap } => {
                            for y in 0..years {
                                let outcomes = (units_c[[i, y, *category]] - units_i[[i, y, *category]]) / unit_size;
                                pay(t, inc, direct, y, from, to, (price * outcomes.max(0.0)).min(*cap));
                            }
                        }
                        Arrangement::SocialImpactBond { investor, payer, price, category, unit_size, max_return } => {
                            // The investor takes over the intervention's own costs ...
                            // The investor's outstanding balance earns at most `max_return` a year; what is
                            // repaid stops earning, so the investor's return never exceeds the maximum.
                            let mut balance = 0.0;
                            for y in 0..years {
                                let mut invested = 0.0;
                                for b in 0..nb {
                                    let k = row(y) + b;
                                    invested += unfunded[k];
                                    t[k] -= unfunded[k];
                                    inc[k] -= unfunded[k];
                                    unfunded[k] = 0.0;
                                }
                                investor.book_on(t, inc, direct, row(y), prow(y), invested);
                                // ... and is repaid per outcome, up to its balance grown at the maximum return.
                                balance = (balance + invested) * (1.0 + max_return);
                                let outcomes = (units_c[[i, y, *category]] - units_i[[i, y, *category]]) / unit_size;
                                let amount = (price * outcomes.max(0.0)).min(balance.max(0.0));
                                balance -= amount;
                                pay(t, inc, direct, y, payer, investor, amount);
                            }
                        }
                    }
                }
            },
        );
    Transfers { budgets: t, parties: direct }
}

/// One financing option in a comparison, with its summary.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    /// Key: `none`, `in_force` or an alternative's name.
    pub name: String,
    /// Display name.
    pub label: String,
    /// Who pays and who benefits under this option in the societal view (`net_after`,
    /// `probability_gain_after`).
    pub summary: Summary,
    /// The same option in the budget view: each party's cash per calendar year.
    pub budget: BudgetView,
    /// True when the option does not exist in law in the scenario's years: compared because
    /// the analyst asked for it.
    pub hypothetical: bool,
    /// The Dutch instrument it rests on, when the scenario names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The instrument's legal basis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
}

impl Compared {
    /// One option with its arrangements applied to `results` in both views.
    pub(crate) fn new(
        name: String,
        label: String,
        results: &Results,
        arm: usize,
        arrangements: &[Arrangement],
    ) -> Self {
        Compared {
            name,
            label,
            summary: results.summary_with(arm, &transfers(results, arm, arrangements, View::Societal)),
            budget: results.budget_view_with(arm, &transfers(results, arm, arrangements, View::Budget)),
            hypothetical: false,
            instrument: None,
            legal_basis: None,
        }
    }
}

/// Every financing option of the scenario on the same draws (common random numbers): no
/// arrangement, the arrangements in force (if any), and each alternative.
///
/// ```
/// let s = ontschot::seeds::welzijn_op_recept();
/// let model = ontschot::Model::new(&s).unwrap();
/// let results = ontschot::Simulation::new(&model).iterations(100).run().unwrap();
/// let options = ontschot::finance::compare(&model, &results, 1).unwrap();
/// assert!(ontschot::finance::compare(&model, &results, 7).is_err()); // no such arm
/// assert_eq!(options[0].name, "none");
/// // Arrangements only move money: the total is the same under every option.
/// let totals: Vec<f64> = options.iter().map(|o| o.summary.total.net_after.mean).collect();
/// assert!(totals.iter().all(|t| (t - totals[0]).abs() < 1e-6 * totals[0].abs()));
/// ```
pub fn compare(model: &Model, results: &Results, arm: usize) -> crate::Result<Vec<Compared>> {
    results.intervention_arm(arm)?;
    let mut out = vec![Compared::new("none".into(), "No arrangement".into(), results, arm, &[])];
    if !model.financing.in_force.is_empty() {
        out.push(Compared::new("in_force".into(), "In force".into(), results, arm, &model.financing.in_force));
    }
    for alt in model.financing.alternatives.iter().filter(|a| a.offered()) {
        let Label { name, label } = alt.label.clone();
        let mut c = Compared::new(name, label, results, arm, &[]);
        let (mut societal, mut cash) = (
            transfers(results, arm, &alt.arrangements, View::Societal),
            transfers(results, arm, &alt.arrangements, View::Budget),
        );
        within(results, alt.years, &mut societal);
        within(results, alt.years, &mut cash);
        c.summary = results.summary_with(arm, &societal);
        c.budget = results.budget_view_with(arm, &cash);
        c.hypothetical = alt.hypothetical;
        c.instrument = alt.instrument.as_ref().map(|i| i.1.clone());
        c.legal_basis = alt.instrument.as_ref().map(|i| i.2.clone());
        out.push(c);
    }
    Ok(out)
}

/// The alternatives that [`compare`] leaves out, each with the reason: its instrument does not
/// exist in the scenario's years, and it is not marked hypothetical.
pub fn left_out(model: &Model) -> Vec<String> {
    model
        .financing
        .alternatives
        .iter()
        .filter(|a| !a.offered())
        .map(|a| {
            let (name, basis) = a.instrument.as_ref().map_or(("?", "?"), |i| (i.1.as_str(), i.2.as_str()));
            let years = |y: Option<u32>| y.map_or("…".to_owned(), |y| y.to_string());
            format!(
                "{}: {name} exists in {}-{} ({basis}), not in the scenario's years; mark it hypothetical = true to compare it anyway",
                a.label.label,
                years(a.years.0),
                years(a.years.1)
            )
        })
        .collect()
}

/// Drops the transfers of the years outside `years` (calendar years; open ends), so that an
/// option pays only while its instrument exists.
pub(crate) fn within(results: &Results, years: crate::model::Years, transfers: &mut Transfers) {
    let meta = results.meta();
    let (Some(y0), (first, last)) = (meta.start_year, years) else { return };
    let ny = meta.years;
    let (nb, np) = (meta.budgets.len(), meta.parties.len());
    for (v, width) in [(&mut transfers.budgets, nb), (&mut transfers.parties, np)] {
        for (k, row) in v.chunks_mut(width).enumerate() {
            let year = y0 + (k % ny) as i32;
            if first.is_some_and(|a| year < a as i32) || last.is_some_and(|b| year > b as i32) {
                row.fill(0.0);
            }
        }
    }
}
