//! Financing arrangements applied to the simulated flows, and the solver that looks for terms
//! under which every payer gains.
//!
//! Arrangements work on the results of a run, per iteration and year, in the order given. They
//! only move money: every arrangement adds as much to one budget as it takes from another, so the
//! total of every iteration and year is unchanged. Because they need no new simulation, the solver
//! can try many terms on the same draws (common random numbers).

mod solve;

pub use solve::{Goal, PayerOutcome, Solution, SolveOptions, solve, sweep};

use crate::error::Problem;
use crate::model::{Label, Model};
use crate::results::Results;
use crate::results::Summary;
use crate::scenario::{ArrangementSpec, Per, Settle};
use serde::Serialize;

/// A party to an arrangement: the budgets whose flows count, and the budget that books transfers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Party {
    pub budgets: Vec<usize>,
    pub book: usize,
}

/// A compiled arrangement.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arrangement {
    SharedSavings { from: Party, to: Party, share: f64, cap: f64, floor: f64, losses: bool, settle: Settle },
    FixedContribution { from: Party, to: Party, amount: f64, per: Per },
    PooledBudget { key: Option<Vec<(Party, f64)>>, parties: Vec<Party> },
    OutcomePayment { from: Party, to: Party, price: f64, category: usize, unit_size: f64, cap: f64 },
    SocialImpactBond { investor: Party, payer: Party, price: f64, category: usize, unit_size: f64, max_return: f64 },
}

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

/// Resolves arrangement specs against the model's budgets, payers and categories.
pub(crate) struct Names<'a> {
    pub budgets: &'a [crate::model::BudgetInfo],
    pub payers: &'a [crate::model::Label],
    pub categories: &'a [crate::model::Label],
}

impl Names<'_> {
    fn party(&self, path: &str, name: &str, problems: &mut Vec<Problem>) -> Option<Party> {
        if let Some(b) = self.budgets.iter().position(|b| b.name == name) {
            return Some(Party { budgets: vec![b], book: b });
        }
        if let Some(p) = self.payers.iter().position(|p| p.name == name) {
            let budgets: Vec<usize> = (0..self.budgets.len()).filter(|&b| self.budgets[b].payer == p).collect();
            if let Some(&book) = budgets.first() {
                return Some(Party { budgets, book });
            }
        }
        let known: Vec<&str> =
            self.budgets.iter().map(|b| b.name.as_str()).chain(self.payers.iter().map(|p| p.name.as_str())).collect();
        problems.push(Problem::new(
            path,
            format!("'{name}' is not a budget or payer of this scenario (known: {})", known.join(", ")),
        ));
        None
    }

    fn category(&self, path: &str, name: &str, problems: &mut Vec<Problem>) -> Option<usize> {
        let found = self.categories.iter().position(|c| c.name == name);
        if found.is_none() {
            let known: Vec<&str> = self.categories.iter().map(|c| c.name.as_str()).collect();
            problems.push(Problem::new(path, format!("unknown category '{name}' (known: {})", known.join(", "))));
        }
        found
    }
}

fn number(path: String, x: f64, min: f64, max: f64, problems: &mut Vec<Problem>) -> f64 {
    if !x.is_finite() {
        problems.push(Problem::new(path, format!("must be a finite number, got {x}")));
    } else if x < min || x > max {
        let range = if max.is_infinite() { format!(">= {min}") } else { format!("in [{min}, {max}]") };
        problems.push(Problem::new(path, format!("must be {range}, got {x}")));
    }
    x
}

/// The price, unit size and category of an outcome-based arrangement.
fn outcome_terms(
    p: &str,
    price: f64,
    outcome: &crate::scenario::Outcome,
    names: &Names<'_>,
    problems: &mut Vec<Problem>,
) -> (f64, f64, Option<usize>) {
    let price = number(format!("{p}.price"), price, 0.0, f64::INFINITY, problems);
    let unit_size =
        number(format!("{p}.outcome.unit_size"), outcome.unit_size, f64::MIN_POSITIVE, f64::INFINITY, problems);
    (price, unit_size, names.category(&format!("{p}.outcome.avoided"), &outcome.avoided, problems))
}

/// Checks and compiles a list of arrangements; problems carry paths under `prefix`.
pub(crate) fn compile(
    prefix: &str,
    specs: &[ArrangementSpec],
    names: &Names<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Arrangement> {
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let p = format!("{prefix}[{i}]");
        let before = problems.len();
        let a = match spec {
            ArrangementSpec::SharedSavings { from, to, share, cap, floor, shared_losses, settle, .. } => {
                let share = number(format!("{p}.share"), *share, 0.0, 1.0, problems);
                let cap = cap.map_or(f64::INFINITY, |c| number(format!("{p}.cap"), c, 0.0, f64::INFINITY, problems));
                let floor = floor.map_or(f64::NEG_INFINITY, |f| {
                    number(format!("{p}.floor"), f, f64::NEG_INFINITY, f64::INFINITY, problems)
                });
                if floor > cap {
                    problems
                        .push(Problem::new(format!("{p}.floor"), format!("must not exceed cap ({cap}), got {floor}")));
                }
                let (from, to) =
                    (names.party(&format!("{p}.from"), from, problems), names.party(&format!("{p}.to"), to, problems));
                from.zip(to).map(|(from, to)| Arrangement::SharedSavings {
                    from,
                    to,
                    share,
                    cap,
                    floor,
                    losses: *shared_losses,
                    settle: *settle,
                })
            }
            ArrangementSpec::FixedContribution { from, to, amount, per, .. } => {
                let amount = number(format!("{p}.amount"), *amount, 0.0, f64::INFINITY, problems);
                let (from, to) =
                    (names.party(&format!("{p}.from"), from, problems), names.party(&format!("{p}.to"), to, problems));
                from.zip(to).map(|(from, to)| Arrangement::FixedContribution { from, to, amount, per: *per })
            }
            ArrangementSpec::PooledBudget { key, parties, .. } => {
                if key.is_some() && parties.is_some() {
                    problems.push(Problem::new(format!("{p}.parties"), "give a key or parties, not both"));
                }
                let parties: Vec<Party> = match parties {
                    Some(list) => list
                        .iter()
                        .enumerate()
                        .filter_map(|(k, name)| names.party(&format!("{p}.parties[{k}]"), name, problems))
                        .collect(),
                    None => names
                        .payers
                        .iter()
                        .filter(|payer| payer.name != "client")
                        .filter_map(|payer| names.party(&p, &payer.name, &mut Vec::new()))
                        .collect(),
                };
                if parties.is_empty() {
                    problems.push(Problem::new(format!("{p}.parties"), "no party to pay into the pool"));
                }
                let key = key.as_ref().map(|key| {
                    let total: f64 = key.values().sum();
                    if (total - 1.0).abs() > 1e-9 {
                        problems.push(Problem::new(
                            format!("{p}.key"),
                            format!("the shares must sum to 1, they sum to {total}"),
                        ));
                    }
                    key.iter()
                        .filter_map(|(name, share)| {
                            let share = number(format!("{p}.key.{name}"), *share, 0.0, 1.0, problems);
                            names.party(&format!("{p}.key.{name}"), name, problems).map(|party| (party, share))
                        })
                        .collect()
                });
                Some(Arrangement::PooledBudget { key, parties })
            }
            ArrangementSpec::OutcomePayment { from, to, price, outcome, cap, .. } => {
                let (price, unit_size, category) = outcome_terms(&p, *price, outcome, names, problems);
                let cap = cap.map_or(f64::INFINITY, |c| number(format!("{p}.cap"), c, 0.0, f64::INFINITY, problems));
                let (from, to) =
                    (names.party(&format!("{p}.from"), from, problems), names.party(&format!("{p}.to"), to, problems));
                match (from, to, category) {
                    (Some(from), Some(to), Some(category)) => {
                        Some(Arrangement::OutcomePayment { from, to, price, category, unit_size, cap })
                    }
                    _ => None,
                }
            }
            ArrangementSpec::SocialImpactBond { investor, payer, price, outcome, max_return, .. } => {
                let (price, unit_size, category) = outcome_terms(&p, *price, outcome, names, problems);
                let max_return = number(format!("{p}.max_return"), *max_return, 0.0, f64::INFINITY, problems);
                let (investor, payer) = (
                    names.party(&format!("{p}.investor"), investor, problems),
                    names.party(&format!("{p}.payer"), payer, problems),
                );
                match (investor, payer, category) {
                    (Some(investor), Some(payer), Some(category)) => {
                        Some(Arrangement::SocialImpactBond { investor, payer, price, category, unit_size, max_return })
                    }
                    _ => None,
                }
            }
        };
        if let (Some(a), true) = (a, problems.len() == before) {
            out.push(a);
        }
    }
    out
}

/// Transfers of one set of arrangements for intervention `arm`, `[iteration][year][budget]` flat:
/// positive means the budget pays (its costs rise), negative that it receives.
pub(crate) fn transfers(results: &Results, arm: usize, arrangements: &[Arrangement]) -> Vec<f64> {
    let meta = results.meta();
    let (n, years, nb) = (meta.iterations, meta.years, meta.budgets.len());
    let mut t = vec![0.0; n * years * nb];
    if arrangements.is_empty() {
        return t;
    }
    let (units_i, units_c) = (results.units(arm), results.units(0));
    let effects = results.effects(arm);
    let df = results.cost_discount_factors();
    // Extra programme costs, and extra costs per budget (updated as arrangements apply).
    let (prog, saved) = results.extra_flows(arm);
    let mut inc: Vec<f64> = prog.iter().zip(&saved).map(|(p, s)| p - s).collect();
    // The intervention's own costs not yet taken over by a pool or an investor, so that a second
    // pool or bond in the same set does not refund them again.
    let mut unfunded = prog.clone();
    for a in arrangements {
        // Parties' expected discounted care savings, for a pool keyed by expected benefit.
        let expected_key = match a {
            Arrangement::PooledBudget { key: None, parties } => {
                let savings: Vec<f64> = parties
                    .iter()
                    .map(|p| {
                        let mut s = 0.0;
                        for i in 0..n {
                            for y in 0..years {
                                for &b in &p.budgets {
                                    let k = (i * years + y) * nb + b;
                                    s += saved[k] * df[y];
                                }
                            }
                        }
                        (s / n as f64).max(0.0)
                    })
                    .collect();
                let total: f64 = savings.iter().sum();
                Some(
                    savings
                        .iter()
                        .map(|s| if total > 0.0 { s / total } else { 1.0 / parties.len() as f64 })
                        .collect::<Vec<f64>>(),
                )
            }
            _ => None,
        };
        for i in 0..n {
            let row = |y: usize| (i * years + y) * nb;
            let pay = |t: &mut [f64], inc: &mut [f64], y: usize, from: &Party, to: &Party, amount: f64| {
                let (f, r) = (row(y) + from.book, row(y) + to.book);
                t[f] += amount;
                t[r] -= amount;
                inc[f] += amount;
                inc[r] -= amount;
            };
            let savings_of =
                |inc: &[f64], p: &Party, y: usize| -> f64 { -p.budgets.iter().map(|&b| inc[row(y) + b]).sum::<f64>() };
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
                                let amount = rule(savings_of(&inc, from, y));
                                pay(&mut t, &mut inc, y, from, to, amount);
                            }
                        }
                        Settle::End => {
                            let total: f64 = (0..years).map(|y| savings_of(&inc, from, y)).sum();
                            pay(&mut t, &mut inc, years - 1, from, to, rule(total));
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
                        pay(&mut t, &mut inc, y, from, to, amount * units);
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
                        let shares: Vec<(&Party, f64)> = match (key, &expected_key) {
                            (Some(key), _) => key.iter().map(|(p, s)| (p, *s)).collect(),
                            (None, Some(w)) => parties.iter().zip(w.iter().copied()).collect(),
                            (None, None) => Vec::new(),
                        };
                        for (p, s) in shares {
                            t[row(y) + p.book] += s * total;
                            inc[row(y) + p.book] += s * total;
                        }
                    }
                }
                Arrangement::OutcomePayment { from, to, price, category, unit_size, cap } => {
                    for y in 0..years {
                        let outcomes = (units_c[[i, y, *category]] - units_i[[i, y, *category]]) / unit_size;
                        pay(&mut t, &mut inc, y, from, to, (price * outcomes.max(0.0)).min(*cap));
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
                        t[row(y) + investor.book] += invested;
                        inc[row(y) + investor.book] += invested;
                        // ... and is repaid per outcome, up to its balance grown at the maximum return.
                        balance = (balance + invested) * (1.0 + max_return);
                        let outcomes = (units_c[[i, y, *category]] - units_i[[i, y, *category]]) / unit_size;
                        let amount = (price * outcomes.max(0.0)).min(balance.max(0.0));
                        balance -= amount;
                        pay(&mut t, &mut inc, y, payer, investor, amount);
                    }
                }
            }
        }
    }
    t
}

/// The compiled arrangements in force and the alternatives, with their names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Financing {
    pub in_force: Vec<Arrangement>,
    pub alternatives: Vec<(crate::model::Label, Vec<Arrangement>)>,
}

/// Checks the scenario's arrangements and alternatives.
pub(crate) fn compile_all(s: &crate::scenario::Scenario, names: &Names<'_>, problems: &mut Vec<Problem>) -> Financing {
    let in_force = compile("arrangements", &s.arrangements, names, problems);
    let mut seen = std::collections::HashSet::new();
    let alternatives = s
        .alternatives
        .iter()
        .enumerate()
        .map(|(i, alt)| {
            if !seen.insert(alt.name.as_str()) || alt.name == "none" || alt.name == "in_force" {
                problems.push(Problem::new(
                    format!("alternatives[{i}].name"),
                    format!("'{}' is used twice or reserved (none, in_force)", alt.name),
                ));
            }
            let label = crate::model::Label {
                name: alt.name.clone(),
                label: alt.label.clone().unwrap_or_else(|| alt.name.clone()),
            };
            (label, compile(&format!("alternatives[{i}].arrangements"), &alt.arrangements, names, problems))
        })
        .collect();
    Financing { in_force, alternatives }
}

/// One financing option in a comparison, with its summary.
#[derive(Clone, Debug, Serialize)]
pub struct Compared {
    /// Key: `none`, `in_force` or an alternative's name.
    pub name: String,
    /// Display name.
    pub label: String,
    /// Who pays and who benefits under this option (`net_after`, `probability_gain_after`).
    pub summary: Summary,
}

/// Every financing option of the scenario on the same draws (common random numbers): no
/// arrangement, the arrangements in force (if any), and each alternative.
///
/// ```
/// let s = ontschot::seeds::welzijn_op_recept();
/// let model = ontschot::Model::new(&s).unwrap();
/// let results = ontschot::Simulation::new(&model).iterations(100).run().unwrap();
/// let options = ontschot::finance::compare(&model, &results, 1);
/// assert_eq!(options[0].name, "none");
/// // Arrangements only move money: the total is the same under every option.
/// let totals: Vec<f64> = options.iter().map(|o| o.summary.total.net_after.mean).collect();
/// assert!(totals.iter().all(|t| (t - totals[0]).abs() < 1e-6 * totals[0].abs()));
/// ```
pub fn compare(model: &Model, results: &Results, arm: usize) -> Vec<Compared> {
    let mut out =
        vec![Compared { name: "none".into(), label: "No arrangement".into(), summary: results.summary_with(arm, &[]) }];
    if !model.financing.in_force.is_empty() {
        out.push(Compared {
            name: "in_force".into(),
            label: "In force".into(),
            summary: results.summary_with(arm, &model.financing.in_force),
        });
    }
    for (label, arrangements) in &model.financing.alternatives {
        let Label { name, label } = label.clone();
        out.push(Compared { name, label, summary: results.summary_with(arm, arrangements) });
    }
    out
}
