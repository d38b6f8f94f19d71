//! Sensitivity analysis and value of information, per budget, per payer and for society.
//!
//! Everything here looks at the discounted net over the horizon of the intervention against the
//! comparator, after the financing arrangements in force ("net" below; positive: the party gains).
//! The parties are the budgets, then the payers, then `total`.
//!
//! - [`tornado`]: one-way sensitivity at each parameter's 2.5 and 97.5 percentiles (or given values).
//! - [`two_way`]: a grid over two parameters with the others drawn as usual.
//! - [`first_order`]: first-order (main-effect) variance shares from the Monte Carlo sample.
//! - [`acceptability`]: the cost-effectiveness acceptability curve (society and health care).
//! - [`evpi`] and [`evppi`]: the expected value of perfect (partial) information per decision maker.

mod regression;

use crate::engine::{draw, stream};
use crate::error::{Error, Result};
use crate::format::Lang;
use crate::model::Model;
use crate::results::Results;
use crate::{Simulation, Stats};
use serde::Serialize;

/// Names of the parties of a model, in the order of every per-party vector here: budgets, then
/// payers, then `total`.
pub fn parties(model: &Model) -> Vec<String> {
    model
        .budgets()
        .iter()
        .map(|b| b.name.clone())
        .chain(model.payers().iter().map(|p| p.name.clone()))
        .chain(std::iter::once("total".to_owned()))
        .collect()
}

/// Per party (budgets, payers, total) and iteration: the discounted net after arrangements.
pub fn nets(results: &Results, arm: usize) -> Result<Vec<Vec<f64>>> {
    let meta = results.meta();
    let (n, years, nb) = (meta.iterations, meta.years, meta.budgets.len());
    let df = results.cost_discount_factors();
    let inc = results.increment(arm)?;
    let transfers = results.transfers(arm);
    let mut per_budget = vec![vec![0.0; n]; nb];
    for (b, out) in per_budget.iter_mut().enumerate() {
        for (i, o) in out.iter_mut().enumerate() {
            *o = -(0..years)
                .map(|y| (inc[[i, y, b]] + transfers.as_ref().map_or(0.0, |t| t[[i, y, b]])) * df[y])
                .sum::<f64>();
        }
    }
    let payers = (0..meta.payers.len()).map(|p| {
        (0..n).map(|i| (0..nb).filter(|&b| meta.budgets[b].payer == p).map(|b| per_budget[b][i]).sum()).collect()
    });
    let total: Vec<f64> = (0..n).map(|i| per_budget.iter().map(|b| b[i]).sum()).collect();
    let mut out: Vec<Vec<f64>> = per_budget.clone();
    out.extend(payers);
    out.push(total);
    Ok(out)
}

fn party_index(model: &Model, party: &str) -> Result<usize> {
    let names = parties(model);
    names.iter().position(|p| p == party).ok_or_else(|| Error::Settings {
        field: "party",
        reason: format!("no budget or payer named '{party}' (choose from: {})", names.join(", ")),
    })
}

fn check_arm(model: &Model, arm: usize) -> Result<()> {
    if arm == 0 || arm >= model.arms().len() {
        return Err(Error::Settings {
            field: "arm",
            reason: format!("must be an intervention arm, 1 to {}", model.arms().len() - 1),
        });
    }
    Ok(())
}

/// Uncertain scalar parameters (Dirichlet components are left out of one-way analyses).
fn uncertain(model: &Model) -> Vec<&crate::model::Param> {
    model.params.iter().filter(|p| !p.dist.is_fixed() && p.dist.width() == 1).collect()
}

/// Number of draws used to find a distribution's percentiles.
const PERCENTILE_DRAWS: usize = 100_000;

/// The 2.5 and 97.5 percentiles of a parameter, estimated from 100,000 draws of its own stream.
fn percentiles(p: &crate::model::Param) -> (f64, f64) {
    let mut rng = stream(0x5eed, usize::MAX, p.key);
    let mut x: Vec<f64> = (0..PERCENTILE_DRAWS)
        .map(|_| {
            let mut out = [0.0];
            p.dist.sample_into(&mut rng, &mut out);
            out[0]
        })
        .collect();
    let lo = crate::results::quantile(&mut x, 0.025);
    let hi = crate::results::quantile(&mut x, 0.975);
    (lo, hi)
}

/// One bar of a tornado diagram.
#[derive(Clone, Debug, Serialize)]
pub struct TornadoBar {
    /// Parameter name.
    pub parameter: String,
    /// Its Dutch label (the name when the scenario gives none).
    pub label: String,
    /// Its English label.
    pub label_en: String,
    /// The low and high values tried.
    pub values: (f64, f64),
    /// Net per party with the parameter at its low value (others at their base case: the means,
    /// or `base` where a parameter gives one).
    pub low: Vec<f64>,
    /// Net per party at the high value.
    pub high: Vec<f64>,
    /// |high - low| for the ranking party.
    pub swing: f64,
}

/// A tornado diagram: the base case and one bar per parameter, widest first.
#[derive(Clone, Debug, Serialize)]
pub struct Tornado {
    /// Party names (budgets, payers, `total`).
    pub parties: Vec<String>,
    /// The party the bars are ranked by.
    pub ranked_by: String,
    /// Net per party with every parameter at its mean.
    pub base: Vec<f64>,
    /// The bars, widest first.
    pub bars: Vec<TornadoBar>,
}

/// One-way sensitivity: each uncertain parameter in turn at its 2.5 and 97.5 percentiles (or at
/// the `values` given for it), all others at their base case; bars ranked by the swing of `party`.
///
/// ```
/// let model = ontschot::Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
/// let t = ontschot::analysis::tornado(&model, 1, "total", &[]).unwrap();
/// assert!(t.bars[0].swing >= t.bars[1].swing);
/// ```
pub fn tornado(model: &Model, arm: usize, party: &str, values: &[(String, f64, f64)]) -> Result<Tornado> {
    check_arm(model, arm)?;
    let rank = party_index(model, party)?;
    let at = |fixes: &[(&str, f64)]| -> Result<Vec<f64>> {
        let mut sim = Simulation::new(model).threads(Some(1));
        for (name, v) in fixes {
            sim = sim.fix(name, *v)?;
        }
        let r = sim.deterministic()?;
        Ok(nets(&r, arm)?.into_iter().map(|p| p[0]).collect())
    };
    let base = at(&[])?;
    let mut bars = Vec::new();
    if let Some((name, ..)) = values.iter().find(|(n, ..)| model.slot_of(n).is_none()) {
        return Err(Error::Settings { field: "values", reason: format!("no parameter named '{name}'") });
    }
    for p in uncertain(model) {
        let (lo, hi) =
            values.iter().find(|(n, _, _)| *n == p.name).map_or_else(|| percentiles(p), |(_, l, h)| (*l, *h));
        let (low, high) = (at(&[(&p.name, lo)])?, at(&[(&p.name, hi)])?);
        let swing = (high[rank] - low[rank]).abs();
        bars.push(bar(model, &p.name, (lo, hi), low, high, swing));
    }
    // Values given for parameters that are fixed in the scenario count too.
    for (name, lo, hi) in values {
        if bars.iter().any(|b| &b.parameter == name) {
            continue;
        }
        let (low, high) = (at(&[(name, *lo)])?, at(&[(name, *hi)])?);
        let swing = (high[rank] - low[rank]).abs();
        bars.push(bar(model, name, (*lo, *hi), low, high, swing));
    }
    bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    Ok(Tornado { parties: parties(model), ranked_by: party.to_owned(), base, bars })
}

fn bar(model: &Model, name: &str, values: (f64, f64), low: Vec<f64>, high: Vec<f64>, swing: f64) -> TornadoBar {
    TornadoBar {
        parameter: name.to_owned(),
        label: model.parameter_label(name, Lang::Nl),
        label_en: model.parameter_label(name, Lang::En),
        values,
        low,
        high,
        swing,
    }
}

/// A two-way grid for one party.
#[derive(Clone, Debug, Serialize)]
pub struct TwoWay {
    /// First parameter and its values (rows).
    pub x: (String, Vec<f64>),
    /// Second parameter and its values (columns).
    pub y: (String, Vec<f64>),
    /// The party.
    pub party: String,
    /// Expected net per cell, `[row][column]`.
    pub mean: Vec<Vec<f64>>,
    /// Probability that the net is positive per cell.
    pub probability: Vec<Vec<f64>>,
}

/// Two-way sensitivity: the expected net of `party` and its probability of gaining on a grid of
/// two parameters, all other parameters drawn as usual (the same draws in every cell).
#[allow(clippy::too_many_arguments)]
pub fn two_way(
    model: &Model,
    arm: usize,
    party: &str,
    x: (&str, &[f64]),
    y: (&str, &[f64]),
    iterations: usize,
    seed: u64,
) -> Result<TwoWay> {
    check_arm(model, arm)?;
    let k = party_index(model, party)?;
    if x.0 == y.0 {
        return Err(Error::Settings {
            field: "y",
            reason: format!("'{}' is also x: a two-way grid needs two different parameters", y.0),
        });
    }
    let mut mean = Vec::new();
    let mut probability = Vec::new();
    for &xv in x.1 {
        let mut m_row = Vec::new();
        let mut p_row = Vec::new();
        for &yv in y.1 {
            let r = Simulation::new(model).iterations(iterations).seed(seed).fix(x.0, xv)?.fix(y.0, yv)?.run()?;
            let net = &nets(&r, arm)?[k];
            m_row.push(Stats::of(net).mean);
            p_row.push(crate::results::share_gaining(net));
        }
        mean.push(m_row);
        probability.push(p_row);
    }
    Ok(TwoWay {
        x: (x.0.to_owned(), x.1.to_vec()),
        y: (y.0.to_owned(), y.1.to_vec()),
        party: party.to_owned(),
        mean,
        probability,
    })
}

/// Every parameter's value (a Dirichlet's components one by one) in each iteration of a run with
/// `seed`: the draws behind a run's results, recomputed from the seed (runs do not store them).
/// Returns the names and an array `[iteration, parameter]`; fixed parameters repeat their value.
///
/// ```
/// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
/// let (names, draws) = ontschot::analysis::parameter_draws(&model, 100, 7).unwrap();
/// let uptake = names.iter().position(|n| n == "uptake").unwrap();
/// assert_eq!(draws.shape(), [100, names.len()]);
/// assert!(draws.column(uptake).iter().all(|&u| (0.0..=1.0).contains(&u)));
/// ```
pub fn parameter_draws(model: &Model, iterations: usize, seed: u64) -> Result<(Vec<String>, ndarray::Array2<f64>)> {
    if iterations == 0 {
        return Err(Error::Settings { field: "iterations", reason: "must be at least 1".into() });
    }
    let values = iterations.saturating_mul(model.slot_names.len());
    let mut data = Vec::new();
    data.try_reserve_exact(values).map_err(|_| Error::Settings {
        field: "iterations",
        reason: format!("{iterations} iterations of draws do not fit in memory; ask for fewer"),
    })?;
    let mut slots = model.mean_slots();
    for i in 0..iterations {
        draw(model, seed, i, &mut slots);
        data.extend_from_slice(&slots[..model.slot_names.len()]);
    }
    let names = model.slot_names.clone();
    let draws = ndarray::Array2::from_shape_vec((iterations, names.len()), data).expect("one row of slots a draw");
    Ok((names, draws))
}

/// Draws of every slot per iteration, recomputed from the seed (they are not stored).
/// The draws of iterations `first..first + iterations` (a range of a larger run starts later).
fn draws(model: &Model, first: usize, iterations: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut slots = model.mean_slots();
    let mut out = vec![vec![0.0; iterations]; model.slot_names.len()];
    for i in 0..iterations {
        draw(model, seed, first + i, &mut slots);
        for (s, v) in slots[..model.slot_names.len()].iter().enumerate() {
            out[s][i] = *v;
        }
    }
    out
}

/// First-order variance shares of one parameter.
#[derive(Clone, Debug, Serialize)]
pub struct FirstOrder {
    /// Parameter (or Dirichlet component) name.
    pub parameter: String,
    /// Its Dutch label (the name when the scenario gives none).
    pub label: String,
    /// Its English label.
    pub label_en: String,
    /// Per party: the share of the variance of its net explained by this parameter alone.
    pub index: Vec<f64>,
}

/// First-order (main-effect) sensitivity indices estimated from the Monte Carlo sample of
/// `results` (a run of `model` with `Simulation::run`, whose seed and iterations it reads).
///
/// The estimator is the given-data (binning) estimator of Sobol's first-order index
/// (Plischke, Borgonovo & Smith, *European Journal of Operational Research* 2013): the iterations
/// are sorted by the parameter and split into about sqrt(N) bins of equal count; the variance of
/// the bin means, corrected for the noise of finite bins as in a one-way ANOVA, divided by the
/// total variance. Small negative values are noise around zero and are reported as found.
pub fn first_order(model: &Model, results: &Results, arm: usize) -> Result<Vec<FirstOrder>> {
    check_arm(model, arm)?;
    let meta = results.meta();
    if meta.deterministic {
        return Err(Error::Settings {
            field: "results",
            reason: "needs a Monte Carlo run, not the deterministic run".into(),
        });
    }
    let n = meta.iterations;
    if n < 100 {
        return Err(Error::Settings { field: "iterations", reason: format!("needs at least 100 iterations, got {n}") });
    }
    let y = nets(results, arm)?;
    let x = draws(model, meta.first_iteration, n, meta.seed);
    let bins = (n as f64).sqrt().round() as usize;
    let mut out = Vec::new();
    for p in model.params.iter().filter(|p| !p.dist.is_fixed()) {
        for s in p.slot..p.slot + p.dist.width() {
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| x[s][a].total_cmp(&x[s][b]));
            let index = y.iter().map(|ys| main_effect(ys, &order, bins)).collect();
            let name = &model.slot_names[s];
            out.push(FirstOrder {
                parameter: name.clone(),
                label: model.parameter_label(name, Lang::Nl),
                label_en: model.parameter_label(name, Lang::En),
                index,
            });
        }
    }
    Ok(out)
}

/// Var(E[Y|X]) / Var(Y) from `y` ordered by X, with `bins` equal-count bins.
fn main_effect(y: &[f64], order: &[usize], bins: usize) -> f64 {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let total: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut between = 0.0;
    let mut within = 0.0;
    for b in 0..bins {
        let (lo, hi) = (b * n / bins, (b + 1) * n / bins);
        let members: Vec<f64> = order[lo..hi].iter().map(|&i| y[i]).collect();
        let m = members.iter().sum::<f64>() / members.len() as f64;
        between += members.len() as f64 * (m - mean).powi(2);
        within += members.iter().map(|v| (v - m).powi(2)).sum::<f64>();
    }
    // The between-bin sum of squares holds (bins - 1) times the within-bin variance of noise.
    let noise = (bins as f64 - 1.0) * within / (n - bins) as f64;
    (between - noise) / total
}

/// One point of an acceptability curve.
#[derive(Clone, Debug, Serialize)]
pub struct Acceptability {
    /// Willingness to pay per QALY.
    pub willingness_to_pay: f64,
    /// Probability that the net monetary benefit is positive counting every budget (society).
    pub society: f64,
    /// The same counting only the budgets of payers other than clients (health and social care).
    pub health_care: f64,
}

/// The cost-effectiveness acceptability curve: at each willingness to pay per QALY, the
/// probability that the intervention is worth it, `wtp * dQALY - dCost > 0`.
pub fn acceptability(results: &Results, arm: usize, wtp: &[f64]) -> Result<Vec<Acceptability>> {
    let meta = results.meta();
    if !meta.has_qalys {
        return Err(Error::Settings {
            field: "utilities",
            reason: "acceptability needs QALYs: give every living state a utility".into(),
        });
    }
    if arm == 0 || arm >= meta.arms.len() {
        return Err(Error::Settings {
            field: "arm",
            reason: format!("must be an intervention arm, 1 to {}", meta.arms.len() - 1),
        });
    }
    crate::results::check_willingness_to_pay(wtp)?;
    let (n, years, nb) = (meta.iterations, meta.years, meta.budgets.len());
    let (df, de) = (results.cost_discount_factors(), results.effect_discount_factors());
    let inc = results.increment(arm)?;
    let transfers = results.transfers(arm);
    let (qi, qc) = (results.effects(arm)?, results.effects(0)?);
    let client = meta.payers.iter().position(|p| p.name == "client");
    let mut society = vec![0.0; n];
    let mut care = vec![0.0; n];
    let mut qaly = vec![0.0; n];
    for i in 0..n {
        for y in 0..years {
            qaly[i] += (qi[[i, y, 1]] - qc[[i, y, 1]]) * de[y];
            for b in 0..nb {
                let c = (inc[[i, y, b]] + transfers.as_ref().map_or(0.0, |t| t[[i, y, b]])) * df[y];
                society[i] += c;
                if Some(meta.budgets[b].payer) != client {
                    care[i] += c;
                }
            }
        }
    }
    let share = |costs: &[f64], l: f64| (0..n).filter(|&i| l * qaly[i] - costs[i] > 0.0).count() as f64 / n as f64;
    Ok(wtp
        .iter()
        .map(|&l| Acceptability { willingness_to_pay: l, society: share(&society, l), health_care: share(&care, l) })
        .collect())
}

/// The value of information for one decision maker.
#[derive(Clone, Debug, Serialize)]
pub struct ValueOfInformation {
    /// Party (budget, payer, `total`, or `society` for the net monetary benefit).
    pub party: String,
    /// The decision with current information: `go` when the expected net is positive.
    pub decision: String,
    /// Expected value of information in euros for the whole population over the horizon.
    pub value: f64,
    /// The same per person of the population.
    pub per_person: f64,
}

fn voi(party: &str, net: &[f64], fitted: Option<&[f64]>, population: f64) -> ValueOfInformation {
    let n = net.len() as f64;
    let mean = net.iter().sum::<f64>() / n;
    let g = fitted.unwrap_or(net);
    // With information the decision maker picks go/no-go per state of the world: E[max(NB, 0)].
    let informed = g.iter().map(|v| v.max(0.0)).sum::<f64>() / n;
    let current = g.iter().sum::<f64>() / n;
    let value = informed - current.max(0.0);
    ValueOfInformation {
        party: party.to_owned(),
        decision: if mean > 0.0 { "go" } else { "no go" }.into(),
        value,
        per_person: value / population,
    }
}

/// Society's objective: the net monetary benefit at the scenario's willingness to pay when QALYs
/// are computed, else the total net.
fn society(results: &Results, arm: usize, total: &[f64]) -> Vec<f64> {
    let meta = results.meta();
    if !meta.has_qalys {
        return total.to_vec();
    }
    let de = results.effect_discount_factors();
    let (qi, qc) =
        (results.effects(arm).expect("arm checked by the caller"), results.effects(0).expect("the comparator"));
    (0..meta.iterations)
        .map(|i| {
            total[i]
                + meta.willingness_to_pay
                    * (0..meta.years).map(|y| (qi[[i, y, 1]] - qc[[i, y, 1]]) * de[y]).sum::<f64>()
        })
        .collect()
}

/// The expected value of perfect information for the go/no-go decision of every party (its own
/// net as objective) and of society, from the Monte Carlo sample: `E[max(NB, 0)] - max(E[NB], 0)`.
///
/// ```
/// let s = ontschot::seeds::welzijn_op_recept();
/// let model = ontschot::Model::new(&s).unwrap();
/// let r = ontschot::Simulation::new(&model).iterations(500).run().unwrap();
/// let v = ontschot::analysis::evpi(&model, &r, 1).unwrap();
/// assert!(v.iter().all(|x| x.value >= 0.0));
/// ```
pub fn evpi(model: &Model, results: &Results, arm: usize) -> Result<Vec<ValueOfInformation>> {
    check_arm(model, arm)?;
    let y = nets(results, arm)?;
    let names = parties(model);
    let pop = model.population();
    let mut out: Vec<ValueOfInformation> = names.iter().zip(&y).map(|(p, net)| voi(p, net, None, pop)).collect();
    out.push(voi("society", &society(results, arm, &y[y.len() - 1]), None, pop));
    Ok(out)
}

/// The expected value of partial perfect information about a group of parameters, per party and
/// for society, with the regression-based estimator of Strong, Oakley & Brennan (*Medical
/// Decision Making* 2014): each party's net is regressed on the group's parameters (a
/// second-order polynomial: linear, square and cross terms) and the fitted values stand for the
/// expected net given the group.
pub fn evppi(model: &Model, results: &Results, arm: usize, group: &[&str]) -> Result<Vec<ValueOfInformation>> {
    check_arm(model, arm)?;
    if group.is_empty() {
        return Err(Error::Settings { field: "group", reason: "name at least one parameter".into() });
    }
    let meta = results.meta();
    if meta.deterministic {
        return Err(Error::Settings {
            field: "results",
            reason: "needs a Monte Carlo run, not the deterministic run".into(),
        });
    }
    let slots: Vec<usize> = group
        .iter()
        .map(|g| {
            model
                .slot_of(g)
                .ok_or_else(|| Error::Settings { field: "group", reason: format!("no parameter named '{g}'") })
        })
        .collect::<Result<_>>()?;
    let n = meta.iterations;
    let x = draws(model, meta.first_iteration, n, meta.seed);
    let columns: Vec<&[f64]> = slots.iter().map(|&s| x[s].as_slice()).collect();
    let design = regression::quadratic(&columns);
    if n < 5 * design.len() {
        return Err(Error::Settings {
            field: "iterations",
            reason: format!("the regression has {} terms; run at least {} iterations", design.len(), 5 * design.len()),
        });
    }
    let y = nets(results, arm)?;
    let names = parties(model);
    let pop = model.population();
    let mut out = Vec::new();
    for (p, net) in names.iter().zip(&y) {
        let fitted = regression::fit(&design, net);
        out.push(voi(p, net, Some(&fitted), pop));
    }
    let soc = society(results, arm, &y[y.len() - 1]);
    out.push(voi("society", &soc, Some(&regression::fit(&design, &soc)), pop));
    Ok(out)
}

/// The scenario and each of its variants, run with the same seed (the same draws for every
/// parameter they share), summarised after the arrangements in force.
///
/// ```
/// let mut s = ontschot::seeds::welzijn_op_recept();
/// s.variants.push(ontschot::Variant { name: "half".into(), label: None, values: [("uptake".to_string(), 0.4.into())].into() });
/// let rows = ontschot::analysis::variants(&s, 1, 100, 1, None).unwrap();
/// assert_eq!(rows.len(), 1 + s.variants.len()); // the base case, then each variant
/// assert_eq!(rows.last().unwrap().name, "half");
/// ```
pub fn variants(
    scenario: &crate::Scenario,
    arm: usize,
    iterations: usize,
    seed: u64,
    threads: Option<usize>,
) -> Result<Vec<crate::finance::Compared>> {
    let mut out = Vec::new();
    let base = std::iter::once(("base".to_owned(), "Base case".to_owned(), scenario.clone()));
    let others = scenario.variants.iter().map(|v| {
        scenario.variant(&v.name).map(|s| (v.name.clone(), v.label.clone().unwrap_or_else(|| v.name.clone()), s))
    });
    for item in base.map(Ok).chain(others) {
        let (name, label, s) = item?;
        let model = Model::new(&s)?;
        check_arm(&model, arm)?;
        // Only the summaries are needed: the records are not kept.
        let mut r = Simulation::new(&model).iterations(iterations).seed(seed).threads(threads).summarise()?;
        let crate::results::ArmSummary { summary, budget } = r.arms.swap_remove(arm - 1);
        out.push(crate::finance::Compared {
            name,
            label,
            summary,
            budget,
            hypothetical: false,
            instrument: None,
            legal_basis: None,
        });
    }
    Ok(out)
}
