//! The split solver: for one term of one arrangement (a share, an amount, a price), the values
//! under which every payer gains, or the value that splits the benefit in proportion to what each
//! payer invests.

use super::{Arrangement, transfers};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::results::Results;
use serde::Serialize;

/// What the solver looks for.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Goal {
    /// Every payer's expected (mean) net after the arrangements is at least zero.
    ExpectedGain,
    /// Every payer does not lose money (net after >= 0) with at least this probability.
    Probability(f64),
    /// The total net benefit is split in proportion to what each payer invests.
    Proportional,
}

/// Which term to vary, over what range, toward which goal.
#[derive(Clone, Debug)]
pub struct SolveOptions {
    /// Index of the arrangement in force (in `arrangements`).
    pub arrangement: usize,
    /// The term: `share`, `cap`, `floor`, `amount`, `price` or `max_return`.
    pub term: String,
    /// Lowest and highest value to consider.
    pub range: (f64, f64),
    /// The goal.
    pub goal: Goal,
    /// The intervention arm (1 for the first).
    pub arm: usize,
    /// Grid points before the boundaries are refined by bisection.
    pub grid: usize,
    /// Vary an arrangement of this alternative instead of those in force.
    pub alternative: Option<String>,
}

impl SolveOptions {
    /// Options for `term` of arrangement `arrangement` over `range`, for the first intervention.
    pub fn new(arrangement: usize, term: &str, range: (f64, f64), goal: Goal) -> Self {
        SolveOptions { arrangement, term: term.to_owned(), range, goal, arm: 1, grid: 201, alternative: None }
    }
}

/// One payer's position at a value of the term.
#[derive(Clone, Debug, Serialize)]
pub struct PayerOutcome {
    /// Payer key.
    pub name: String,
    /// Payer label.
    pub label: String,
    /// Mean net after the arrangements (discounted, over the horizon).
    pub net_after: f64,
    /// Probability of not losing money (net after >= 0).
    pub probability_no_loss: f64,
    /// Share of the total net benefit this payer would get under the proportional goal.
    pub target: Option<f64>,
}

/// The solver's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Solution {
    /// The term varied.
    pub term: String,
    /// The arrangement's index.
    pub arrangement: usize,
    /// The goal.
    pub goal: Goal,
    /// The range searched.
    pub range: (f64, f64),
    /// Intervals of values that meet the goal (empty when none does; unused for `proportional`).
    pub feasible: Vec<(f64, f64)>,
    /// The proposed value: the middle of the widest feasible interval, or the best proportional
    /// split; `None` when no value meets the goal.
    pub proposal: Option<f64>,
    /// Payers at the proposal (or at the closest value when none meets the goal).
    pub payers: Vec<PayerOutcome>,
    /// The answer in a sentence, including why there is none.
    pub message: String,
}

/// Per payer and iteration, the discounted net before arrangements; and per payer the mean
/// investment, for the proportional goal.
struct Base {
    before: Vec<Vec<f64>>,
    investment: Vec<f64>,
    books: Vec<Vec<usize>>,
}

fn base(model: &Model, results: &Results, arm: usize) -> Base {
    let meta = results.meta();
    let (n, years, nb) = (meta.iterations, meta.years, meta.budgets.len());
    let df = results.cost_discount_factors();
    let inc = results.increment(arm).expect("arm checked by the caller");
    let books: Vec<Vec<usize>> =
        (0..model.payers().len()).map(|p| (0..nb).filter(|&b| meta.budgets[b].payer == p).collect()).collect();
    let (prog_i, prog_c) =
        (results.programme(arm).expect("arm checked by the caller"), results.programme(0).expect("the comparator"));
    let prog = (&prog_i - &prog_c).to_owned();
    let before = books
        .iter()
        .map(|bs| {
            (0..n)
                .map(|i| -(0..years).map(|y| bs.iter().map(|&b| inc[[i, y, b]]).sum::<f64>() * df[y]).sum::<f64>())
                .collect()
        })
        .collect();
    let investment = books
        .iter()
        .map(|bs| {
            (0..n)
                .map(|i| (0..years).map(|y| bs.iter().map(|&b| prog[[i, y, b]]).sum::<f64>() * df[y]).sum::<f64>())
                .sum::<f64>()
                / n as f64
        })
        .collect();
    Base { before, investment, books }
}

/// Evaluates every payer at one value of the term.
fn evaluate(
    results: &Results,
    opts: &SolveOptions,
    base: &Base,
    (arrangements, years): (&[Arrangement], crate::model::Years),
    value: f64,
) -> Vec<(f64, f64)> {
    let mut arr = arrangements.to_vec();
    arr[opts.arrangement].set(&opts.term, value);
    let mut t = transfers(results, opts.arm, &arr, crate::results::View::Societal);
    super::within(results, years, &mut t);
    let meta = results.meta();
    let (n, years, nb) = (meta.iterations, meta.years, meta.budgets.len());
    let df = results.cost_discount_factors();
    base.books
        .iter()
        .zip(&base.before)
        .map(|(bs, before)| {
            let mut sum = 0.0;
            let mut no_loss = 0usize;
            for (i, b0) in before.iter().enumerate() {
                let received: f64 = (0..years)
                    .map(|y| -bs.iter().map(|&b| t.budgets[(i * years + y) * nb + b]).sum::<f64>() * df[y])
                    .sum();
                let after = b0 + received;
                sum += after;
                // A tolerance of a cent keeps rounding from turning a zero into a loss.
                if after >= -0.01 {
                    no_loss += 1;
                }
            }
            (sum / n as f64, no_loss as f64 / n as f64)
        })
        .collect()
}

/// Whether every payer that bears risk meets the goal: a fund administered without risk (the
/// long-term care fund), or a payer the intervention does not touch, is no party that must gain
/// from a deal.
fn meets(goal: Goal, payers: &[(f64, f64)], risk: &[bool]) -> bool {
    let mut at_risk = payers.iter().zip(risk).filter(|(_, r)| **r).map(|(p, _)| p);
    match goal {
        Goal::ExpectedGain => at_risk.all(|(mean, _)| *mean >= -0.01),
        Goal::Probability(p) => at_risk.all(|(_, q)| *q >= p),
        Goal::Proportional => true,
    }
}

/// The arrangement set `opts` points at, after checking the arrangement, term, range, arm and goal.
fn checked<'m>(model: &'m Model, opts: &SolveOptions) -> Result<(&'m [Arrangement], crate::model::Years)> {
    let bad = |field: &'static str, reason: String| Error::Settings { field, reason };
    let (arrangements, years) = match &opts.alternative {
        None => (&model.financing.in_force, (None, None)),
        Some(name) => match model.financing.alternatives.iter().find(|a| &a.label.name == name) {
            Some(a) if !a.offered() => {
                let why =
                    super::left_out(model).into_iter().find(|m| m.starts_with(&a.label.label)).unwrap_or_default();
                return Err(bad("alternative", format!("'{name}' is not offered: {why}")));
            }
            Some(a) => (&a.arrangements, a.years),
            None => {
                let known: Vec<&str> = model.financing.alternatives.iter().map(|a| a.label.name.as_str()).collect();
                return Err(bad(
                    "alternative",
                    format!("no alternative named '{name}' (there are: {})", known.join(", ")),
                ));
            }
        },
    };
    let Some(target) = arrangements.get(opts.arrangement) else {
        let n = arrangements.len();
        let names: Vec<&str> = model.financing.alternatives.iter().map(|a| a.label.name.as_str()).collect();
        let reason = match (n, &opts.alternative) {
            (0, None) if names.is_empty() => {
                "the scenario has no arrangements in force and no alternatives: add [[arrangements]] or [[alternatives]] with the term to solve for".to_owned()
            }
            (0, None) => format!(
                "the scenario has no arrangements in force to solve for: name an alternative (there are: {})",
                names.join(", ")
            ),
            (0, Some(name)) => format!("alternative '{name}' has no arrangements to solve for"),
            _ => format!("the chosen set has {n} arrangements, numbered from 0; {} does not exist", opts.arrangement),
        };
        return Err(bad("arrangement", reason));
    };
    if !target.terms().contains(&opts.term.as_str()) {
        let has = match target.terms() {
            [] => "it has no term to vary (a pooled budget's key is fixed)".to_owned(),
            terms => format!("it has: {}", terms.join(", ")),
        };
        return Err(bad("term", format!("arrangement {} has no term '{}'; {has}", opts.arrangement, opts.term)));
    }
    let (lo, hi) = opts.range;
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(bad("range", format!("must be two finite numbers, low < high; got [{lo}, {hi}]")));
    }
    if let Some(v) = [lo, hi].into_iter().find(|&v| outside(&opts.term, v)) {
        return Err(bad("range", format!("{v} {}", allowed(&opts.term))));
    }
    if opts.arm == 0 || opts.arm >= model.arms().len() {
        return Err(bad("arm", format!("must be an intervention arm, 1 to {}", model.arms().len() - 1)));
    }
    if let Goal::Probability(p) = opts.goal
        && !(0.0..=1.0).contains(&p)
    {
        return Err(bad("probability", format!("must lie in [0, 1], got {p}")));
    }
    Ok((arrangements, years))
}

/// True when `v` is not a value the term may take in a scenario.
fn outside(term: &str, v: f64) -> bool {
    let (lo, hi) = Arrangement::term_range(term);
    !(v.is_finite() && v >= lo && v <= hi)
}

/// Why a value is refused for a term.
fn allowed(term: &str) -> String {
    match Arrangement::term_range(term) {
        (lo, hi) if hi.is_finite() => format!("is not a value of '{term}', which lies in [{lo}, {hi}]"),
        (lo, _) if lo.is_finite() => format!("is not a value of '{term}', which is at least {lo}"),
        _ => format!("is not a value of '{term}', which must be a finite number"),
    }
}

/// Finds the values of one term of an arrangement in force that meet the goal, on the draws of
/// `results` (a run of `model`).
///
/// ```
/// use ontschot::{Model, Simulation, finance::{Goal, SolveOptions, solve}};
/// let s = ontschot::seeds::samenoud().with_values([("arrangements", serde_json::json!([
///     {"type": "shared_savings", "from": "care_office", "to": "insurer", "share": 0.5}
/// ]))]).unwrap();
/// let model = Model::new(&s).unwrap();
/// let results = Simulation::new(&model).iterations(200).run().unwrap();
/// let answer = solve(&model, &results, &SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain)).unwrap();
/// assert!(answer.proposal.is_none());   // SamenOud loses money in total: no split helps everyone
/// assert!(answer.message.contains("loses money in total"));
/// ```
pub fn solve(model: &Model, results: &Results, opts: &SolveOptions) -> Result<Solution> {
    let bad = |field: &'static str, reason: String| Error::Settings { field, reason };
    let arrangements = checked(model, opts)?;
    let (lo, hi) = opts.range;
    let grid = opts.grid.max(3);
    let base = base(model, results, opts.arm);
    let eval = |v: f64| evaluate(results, opts, &base, arrangements, v);
    let values: Vec<f64> = (0..grid).map(|k| lo + (hi - lo) * k as f64 / (grid - 1) as f64).collect();
    let at: Vec<Vec<(f64, f64)>> = values.iter().map(|&v| eval(v)).collect();
    let payer_labels = model.payers();
    let outcome = |points: &[(f64, f64)], targets: Option<&[f64]>| -> Vec<PayerOutcome> {
        points
            .iter()
            .enumerate()
            .map(|(k, (mean, q))| PayerOutcome {
                name: payer_labels[k].name.clone(),
                label: payer_labels[k].label.clone(),
                net_after: *mean,
                probability_no_loss: *q,
                target: targets.map(|t| t[k]),
            })
            .collect()
    };
    let total_mean: f64 = base.before.iter().map(|b| b.iter().sum::<f64>() / b.len() as f64).sum();
    if opts.goal == Goal::Proportional {
        let invested: f64 = base.investment.iter().sum();
        if invested <= 0.0 {
            return Err(bad(
                "goal",
                "nobody invests in the intervention, so there is nothing to split in proportion to".into(),
            ));
        }
        let targets: Vec<f64> = base.investment.iter().map(|i| total_mean * i / invested + 0.0).collect();
        // The sum of squared gaps: payers the term cannot move add a constant, and do not flatten
        // the objective as the largest gap would.
        let deviation =
            |points: &[(f64, f64)]| points.iter().zip(&targets).map(|((m, _), t)| (m - t).powi(2)).sum::<f64>();
        let (mut best, mut best_dev) = (values[0], f64::INFINITY);
        for (v, p) in values.iter().zip(&at) {
            let d = deviation(p);
            if d < best_dev {
                best = *v;
                best_dev = d;
            }
        }
        // Golden-section search between the neighbours of the best grid point.
        let step = (hi - lo) / (grid - 1) as f64;
        let (mut a, mut b) = ((best - step).max(lo), (best + step).min(hi));
        let g = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..40 {
            let (c, d) = (b - g * (b - a), a + g * (b - a));
            if deviation(&eval(c)) < deviation(&eval(d)) {
                b = d;
            } else {
                a = c;
            }
        }
        let refined = (a + b) / 2.0;
        let proposal = if deviation(&eval(refined)) <= best_dev { refined } else { best };
        let points = eval(proposal);
        let dev = points.iter().zip(&targets).map(|((m, _), t)| (m - t).abs()).fold(0.0, f64::max);
        let message = format!(
            "{} = {proposal:.4} comes closest (least squares) to splitting the expected net ({:.0}) in proportion to what each payer invests; the largest gap to a payer's proportional part is {dev:.0}",
            opts.term, total_mean
        );
        return Ok(Solution {
            term: opts.term.clone(),
            arrangement: opts.arrangement,
            goal: opts.goal,
            range: opts.range,
            feasible: Vec::new(),
            proposal: Some(proposal),
            payers: outcome(&points, Some(&targets)),
            message,
        });
    }
    // Feasible intervals: grid, then bisection on every change.
    // A payer the intervention does not touch (a grant funder outside its grant) need not gain.
    let risk: Vec<bool> =
        model.payers().iter().zip(&base.before).map(|(p, b)| p.bears_risk && b.iter().any(|&v| v != 0.0)).collect();
    let ok: Vec<bool> = at.iter().map(|p| meets(opts.goal, p, &risk)).collect();
    let boundary = |mut a: f64, mut b: f64, a_ok: bool| -> f64 {
        for _ in 0..50 {
            let m = (a + b) / 2.0;
            if meets(opts.goal, &eval(m), &risk) == a_ok {
                a = m;
            } else {
                b = m;
            }
        }
        if a_ok { a } else { b }
    };
    let mut feasible = Vec::new();
    let mut start: Option<f64> = if ok[0] { Some(values[0]) } else { None };
    for k in 1..grid {
        if ok[k] != ok[k - 1] {
            let edge = boundary(values[k - 1], values[k], ok[k - 1]);
            if ok[k] {
                start = Some(edge);
            } else if let Some(s) = start.take() {
                feasible.push((s, edge));
            }
        }
    }
    if let Some(s) = start {
        feasible.push((s, hi));
    }
    let widest = feasible.iter().copied().max_by(|x, y| (x.1 - x.0).total_cmp(&(y.1 - y.0)));
    let goal_text = match opts.goal {
        Goal::ExpectedGain => "every payer that bears risk gains on average".to_owned(),
        Goal::Probability(p) => format!("every payer that bears risk loses no money with probability at least {p}"),
        Goal::Proportional => unreachable!("handled above"),
    };
    if let Some((a, b)) = widest {
        let proposal = (a + b) / 2.0;
        let ranges: Vec<String> = feasible.iter().map(|(a, b)| format!("[{a:.4}, {b:.4}]")).collect();
        let message = format!(
            "{goal_text} for {} in {}; proposed: {proposal:.4}, the middle of the widest range",
            opts.term,
            ranges.join(" and ")
        );
        return Ok(Solution {
            term: opts.term.clone(),
            arrangement: opts.arrangement,
            goal: opts.goal,
            range: opts.range,
            feasible,
            proposal: Some(proposal),
            payers: outcome(&eval(proposal), None),
            message,
        });
    }
    // None: say why, and show the closest value.
    let at_risk =
        |p: &[(f64, f64)]| -> Vec<(f64, f64)> { p.iter().zip(&risk).filter(|(_, r)| **r).map(|(x, _)| *x).collect() };
    let shortfall = |p: &[(f64, f64)]| match opts.goal {
        Goal::ExpectedGain => at_risk(p).iter().map(|(m, _)| (-m).max(0.0)).sum::<f64>(),
        Goal::Probability(q) => at_risk(p).iter().map(|(_, x)| (q - x).max(0.0)).sum::<f64>(),
        Goal::Proportional => 0.0,
    };
    let closest = (0..grid).min_by(|&a, &b| shortfall(&at[a]).total_cmp(&shortfall(&at[b]))).unwrap_or(0);
    let points = &at[closest];
    let worst = points
        .iter()
        .enumerate()
        .filter(|(k, _)| risk[*k])
        .min_by(|a, b| a.1.0.total_cmp(&b.1.0))
        .map(|(k, _)| k)
        .unwrap_or(0);
    let total_gain_probability = {
        let n = base.before[0].len();
        (0..n).filter(|&i| base.before.iter().map(|b| b[i]).sum::<f64>() >= -0.01).count() as f64 / n as f64
    };
    let message = match opts.goal {
        Goal::ExpectedGain if total_mean < 0.0 => format!(
            "no value of {} works: the intervention loses money in total (expected net {total_mean:.0}), and arrangements only move money between payers, so not every payer can gain",
            opts.term
        ),
        Goal::Probability(p) if total_gain_probability < p => format!(
            "no value of {} works: even all payers together lose no money only with probability {total_gain_probability:.3}, below {p}",
            opts.term
        ),
        _ => format!(
            "no value of {} in [{lo}, {hi}] meets the goal ({goal_text}); closest at {:.4}, where {} still expects {:.0} (probability of no loss {:.3})",
            opts.term, values[closest], payer_labels[worst].label, points[worst].0, points[worst].1
        ),
    };
    Ok(Solution {
        term: opts.term.clone(),
        arrangement: opts.arrangement,
        goal: opts.goal,
        range: opts.range,
        feasible,
        proposal: None,
        payers: outcome(points, None),
        message,
    })
}

/// Every payer's position at each of `values` of the term in `opts` (the goal is not used): the
/// curves of the probability of not losing money against, say, a shared-savings share.
///
/// ```
/// use ontschot::{Model, Simulation, finance::{Goal, SolveOptions, sweep}};
/// let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
/// let r = Simulation::new(&model).iterations(100).run().unwrap();
/// let opts = SolveOptions { alternative: Some("shared_savings".into()), ..SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain) };
/// let curve = sweep(&model, &r, &opts, &[0.0, 0.5, 1.0]).unwrap();
/// assert!(curve[2].1[0].net_after <= curve[0].1[0].net_after); // the insurer passes on more
/// ```
pub fn sweep(
    model: &Model,
    results: &Results,
    opts: &SolveOptions,
    values: &[f64],
) -> Result<Vec<(f64, Vec<PayerOutcome>)>> {
    let range = match Arrangement::term_range(&opts.term) {
        (lo, hi) if hi.is_finite() => (lo, hi),
        (lo, _) if lo.is_finite() => (lo, lo + 1.0),
        _ => (0.0, 1.0),
    };
    let arrangements = checked(model, &SolveOptions { range, ..opts.clone() })?;
    if let Some((i, &v)) = values.iter().enumerate().find(|&(_, &v)| outside(&opts.term, v)) {
        return Err(Error::Settings { field: "values", reason: format!("values[{i}] = {v} {}", allowed(&opts.term)) });
    }
    let base = base(model, results, opts.arm);
    let labels = model.payers();
    Ok(values
        .iter()
        .map(|&v| {
            let points = evaluate(results, opts, &base, arrangements, v);
            let payers = points
                .iter()
                .enumerate()
                .map(|(k, (mean, q))| PayerOutcome {
                    name: labels[k].name.clone(),
                    label: labels[k].label.clone(),
                    net_after: *mean,
                    probability_no_loss: *q,
                    target: None,
                })
                .collect();
            (v, payers)
        })
        .collect())
}
