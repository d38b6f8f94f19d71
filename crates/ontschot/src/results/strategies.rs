//! Several strategies side by side: each arm's own discounted costs, life-years and QALYs (not
//! only its increments against the first arm), the efficient frontier with strict and extended
//! dominance and the ICERs along it, and the chance that each strategy is the one to choose at a
//! willingness to pay — for society and for each payer, whose costs are its own budgets'.

use super::{Results, Stats};
use crate::error::{Error, Result};
use crate::model::Label;
use serde::Serialize;

/// One arm's own totals over the horizon, discounted (the societal view, before arrangements).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmTotals {
    /// The arm.
    pub arm: Label,
    /// Costs of all budgets together: care at reference prices plus the arm's own costs.
    pub cost: Stats,
    /// Costs per payer (its budgets), in the order of [`Strategies::payers`].
    pub payers: Vec<Stats>,
    /// Life-years.
    pub life_years: Stats,
    /// QALYs, when the states have utilities.
    pub qalys: Option<Stats>,
    /// Per model year, undiscounted means: what the arm costs and brings that year.
    pub years: Vec<ArmYear>,
}

/// One arm's undiscounted flows in one model year (means over the iterations).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmYear {
    /// Costs of all budgets (care and the arm's own costs).
    pub cost: f64,
    /// Costs per payer, in the order of [`Strategies::payers`].
    pub payers: Vec<f64>,
    /// Life-years lived in the year.
    pub life_years: f64,
    /// QALYs lived in the year (0 without utilities).
    pub qalys: f64,
}

/// How a strategy stands on a frontier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Dominance {
    /// On the efficient frontier.
    Efficient,
    /// Another strategy costs no more and gives no less (and is better in one of the two).
    Dominated {
        /// The arm that dominates it.
        by: String,
    },
    /// A mix of two other strategies would give more for the same money: its ICER is higher
    /// than that of the next strategy on the frontier.
    ExtendedlyDominated {
        /// The arms between which it lies.
        between: [String; 2],
    },
}

/// One strategy on a frontier: its mean cost and effect, its standing and its ICER.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrontierPoint {
    /// The arm.
    pub arm: Label,
    /// Mean discounted cost from the frontier's perspective.
    pub cost: f64,
    /// Mean discounted effect (QALYs or life-years).
    pub effect: f64,
    /// Efficient or dominated, and by what.
    #[serde(flatten)]
    pub dominance: Dominance,
    /// For an efficient strategy after the first: the arm before it on the frontier.
    pub compared_with: Option<String>,
    /// Extra cost per extra unit of effect against `compared_with` (ratio of means).
    pub icer: Option<f64>,
}

/// The efficient frontier of one perspective and one effect measure.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Frontier {
    /// `society`, or a payer's key.
    pub perspective: String,
    /// `qalys` or `life_years`.
    pub effect: String,
    /// Every arm, cheapest first.
    pub points: Vec<FrontierPoint>,
}

/// Every arm's totals and the frontiers: for society and for each payer that pays anything, by
/// QALYs (when the states have utilities) and by life-years.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Strategies {
    /// The payers of [`ArmTotals::payers`].
    pub payers: Vec<crate::model::PayerInfo>,
    /// Per arm, in the scenario's order.
    pub arms: Vec<ArmTotals>,
    /// Society's frontiers first, then each payer's.
    pub frontiers: Vec<Frontier>,
}

/// Per iteration, each arm's discounted totals: cost per payer, life-years and QALYs; and each
/// arm's undiscounted yearly means.
struct Draws {
    /// [arm][year]
    years: Vec<Vec<ArmYear>>,
    /// [arm][payer][iteration]
    payer_costs: Vec<Vec<Vec<f64>>>,
    /// [arm][iteration]
    life_years: Vec<Vec<f64>>,
    qalys: Vec<Vec<f64>>,
}

impl Draws {
    /// Per iteration, an arm's cost to society: all its payers together.
    fn society(&self, arm: usize) -> Vec<f64> {
        let payers = &self.payer_costs[arm];
        (0..payers.first().map_or(0, Vec::len)).map(|i| payers.iter().map(|p| p[i]).sum()).collect()
    }
}

impl Results {
    fn strategy_draws(&self) -> Result<Draws> {
        let meta = &self.meta;
        let (n, years, np) = (meta.iterations, meta.years, meta.payers.len());
        let (df, de) = (self.cost_discount_factors(), self.effect_discount_factors());
        let mut d = Draws { years: Vec::new(), payer_costs: Vec::new(), life_years: Vec::new(), qalys: Vec::new() };
        for arm in 0..meta.arms.len() {
            let (care, programme, effects) = (self.care(arm)?, self.programme(arm)?, self.effects(arm)?);
            let mut costs = vec![vec![0.0; n]; np];
            let (mut ly, mut q) = (vec![0.0; n], vec![0.0; n]);
            let mut yearly = vec![ArmYear { cost: 0.0, payers: vec![0.0; np], life_years: 0.0, qalys: 0.0 }; years];
            let share = 1.0 / n.max(1) as f64;
            for i in 0..n {
                for (y, (&fc, &fe)) in df.iter().zip(&de).enumerate().take(years) {
                    for (b, budget) in meta.budgets.iter().enumerate() {
                        let x = care[[i, y, b]] + programme[[i, y, b]];
                        costs[budget.payer][i] += fc * x;
                        yearly[y].payers[budget.payer] += x * share;
                        yearly[y].cost += x * share;
                    }
                    ly[i] += fe * effects[[i, y, 0]];
                    q[i] += fe * effects[[i, y, 1]];
                    yearly[y].life_years += effects[[i, y, 0]] * share;
                    yearly[y].qalys += effects[[i, y, 1]] * share;
                }
            }
            d.years.push(yearly);
            d.payer_costs.push(costs);
            d.life_years.push(ly);
            d.qalys.push(q);
        }
        Ok(d)
    }

    /// Each arm's own discounted costs (in total and per payer), life-years and QALYs, and the
    /// efficient frontiers of society and of each payer.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(20).run().unwrap();
    /// let s = r.strategies().unwrap();
    /// // An arm's increment is the difference of the two arms' own totals.
    /// let summary = r.summary(1).unwrap();
    /// let extra = s.arms[1].cost.mean - s.arms[0].cost.mean;
    /// assert!((extra + summary.total.net.mean).abs() < 1e-6 * extra.abs().max(1.0));
    /// assert_eq!(s.frontiers[0].perspective, "society");
    /// ```
    pub fn strategies(&self) -> Result<Strategies> {
        let d = self.strategy_draws()?;
        let meta = &self.meta;
        let arms = meta.arms.len();
        let totals: Vec<Vec<f64>> = (0..arms).map(|a| d.society(a)).collect();
        let out_arms = (0..arms)
            .map(|a| ArmTotals {
                arm: meta.arms[a].clone(),
                cost: Stats::of(&totals[a]),
                payers: d.payer_costs[a].iter().map(|p| Stats::of(p)).collect(),
                life_years: Stats::of(&d.life_years[a]),
                qalys: meta.has_qalys.then(|| Stats::of(&d.qalys[a])),
                years: d.years[a].clone(),
            })
            .collect::<Vec<_>>();
        let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len().max(1) as f64;
        let mut measures: Vec<(&str, Vec<f64>)> = Vec::new();
        if meta.has_qalys {
            measures.push(("qalys", d.qalys.iter().map(|q| mean(q)).collect()));
        }
        measures.push(("life_years", d.life_years.iter().map(|q| mean(q)).collect()));
        let mut perspectives: Vec<(String, Vec<f64>)> =
            vec![("society".to_owned(), totals.iter().map(|t| mean(t)).collect())];
        for (p, payer) in meta.payers.iter().enumerate() {
            let costs: Vec<f64> = (0..arms).map(|a| mean(&d.payer_costs[a][p])).collect();
            if costs.iter().any(|&c| c != 0.0) {
                perspectives.push((payer.name.clone(), costs));
            }
        }
        let mut frontiers = Vec::new();
        for (perspective, costs) in &perspectives {
            for (effect, effects) in &measures {
                frontiers.push(Frontier {
                    perspective: perspective.clone(),
                    effect: (*effect).to_owned(),
                    points: frontier_points(&meta.arms, costs, effects),
                });
            }
        }
        Ok(Strategies { payers: meta.payers.clone(), arms: out_arms, frontiers })
    }

    /// Per willingness to pay, the share of iterations in which each arm has the highest net
    /// monetary benefit (`wtp * effect - cost`): the acceptability curves of several strategies,
    /// `[wtp][arm]`, and per willingness to pay the arm with the highest mean net benefit (the
    /// acceptability frontier follows that arm's curve). `perspective` is `society` or a payer's
    /// key, `effect` is `qalys` or `life_years`.
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(50).run().unwrap();
    /// let (chances, best) = r.acceptability(&[0.0, 50_000.0], "society", "qalys").unwrap();
    /// assert!((chances[1].iter().sum::<f64>() - 1.0).abs() < 1e-12);
    /// assert!(best[1] < 2);
    /// assert!(r.acceptability(&[0.0], "nobody", "qalys").unwrap_err().to_string().contains("perspective"));
    /// ```
    pub fn acceptability(&self, wtps: &[f64], perspective: &str, effect: &str) -> Result<(Vec<Vec<f64>>, Vec<usize>)> {
        let d = self.strategy_draws()?;
        let meta = &self.meta;
        let (n, arms) = (meta.iterations, meta.arms.len());
        let costs: Vec<Vec<f64>> = match perspective {
            "society" => {
                (0..arms).map(|a| (0..n).map(|i| d.payer_costs[a].iter().map(|p| p[i]).sum()).collect()).collect()
            }
            key => match meta.payers.iter().position(|p| p.name == key) {
                Some(p) => (0..arms).map(|a| d.payer_costs[a][p].clone()).collect(),
                None => {
                    let known: Vec<&str> =
                        std::iter::once("society").chain(meta.payers.iter().map(|p| p.name.as_str())).collect();
                    return Err(Error::Settings {
                        field: "perspective",
                        reason: format!("unknown perspective '{key}'; known: {}", known.join(", ")),
                    });
                }
            },
        };
        let effects = match effect {
            "qalys" if meta.has_qalys => &d.qalys,
            "life_years" => &d.life_years,
            "qalys" => {
                return Err(Error::Settings {
                    field: "effect",
                    reason: "the states have no utilities, so no QALYs; use life_years".into(),
                });
            }
            other => {
                return Err(Error::Settings {
                    field: "effect",
                    reason: format!("'{other}' is not an effect; use qalys or life_years"),
                });
            }
        };
        check_willingness_to_pay(wtps)?;
        let mut chances = Vec::with_capacity(wtps.len());
        let mut best = Vec::with_capacity(wtps.len());
        for &w in wtps {
            let mut wins = vec![0usize; arms];
            let mut sums = vec![0.0; arms];
            for i in 0..n {
                let nmb = |a: usize| w * effects[a][i] - costs[a][i];
                // Ties go to the first arm, so the shares always sum to one.
                let top = (1..arms).fold(0, |b, a| if nmb(a) > nmb(b) { a } else { b });
                wins[top] += 1;
                for (a, s) in sums.iter_mut().enumerate() {
                    *s += nmb(a);
                }
            }
            chances.push(wins.iter().map(|&k| k as f64 / n as f64).collect());
            best.push((1..arms).fold(0, |b, a| if sums[a] > sums[b] { a } else { b }));
        }
        Ok((chances, best))
    }
}

/// The frontier of strategies with mean `costs` and `effects`, cheapest first.
fn frontier_points(arms: &[Label], costs: &[f64], effects: &[f64]) -> Vec<FrontierPoint> {
    let standing = frontier(costs, effects);
    let mut order: Vec<usize> = (0..costs.len()).collect();
    order.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]).then(effects[b].total_cmp(&effects[a])).then(a.cmp(&b)));
    order
        .into_iter()
        .map(|a| {
            let (dominance, previous) = &standing[a];
            let name = |k: usize| arms[k].name.clone();
            FrontierPoint {
                arm: arms[a].clone(),
                cost: costs[a],
                effect: effects[a],
                dominance: match dominance {
                    Standing::Efficient => Dominance::Efficient,
                    Standing::Dominated(k) => Dominance::Dominated { by: name(*k) },
                    Standing::Extended(j, k) => Dominance::ExtendedlyDominated { between: [name(*j), name(*k)] },
                },
                compared_with: previous.map(name),
                icer: previous.map(|p| (costs[a] - costs[p]) / (effects[a] - effects[p])),
            }
        })
        .collect()
}

/// How a strategy stands, by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    Efficient,
    Dominated(usize),
    Extended(usize, usize),
}

/// Per strategy: its standing, and for an efficient one after the first, the efficient strategy
/// before it. Strict dominance first (no more cost and no less effect, better in one; of two
/// equal strategies the later is dominated), then extended dominance: while an efficient
/// strategy's ICER exceeds the next one's, it is dropped.
pub(crate) fn frontier(costs: &[f64], effects: &[f64]) -> Vec<(Standing, Option<usize>)> {
    let n = costs.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| costs[a].total_cmp(&costs[b]).then(effects[b].total_cmp(&effects[a])).then(a.cmp(&b)));
    let mut out = vec![(Standing::Efficient, None); n];
    let mut efficient: Vec<usize> = Vec::new();
    for &a in &order {
        // The cheapest strategy that dominates it, if any.
        let by = order.iter().copied().find(|&b| {
            b != a
                && costs[b] <= costs[a]
                && effects[b] >= effects[a]
                && (costs[b] < costs[a] || effects[b] > effects[a] || b < a)
        });
        match by {
            Some(b) => out[a].0 = Standing::Dominated(b),
            None => efficient.push(a),
        }
    }
    let icer = |a: usize, b: usize| (costs[b] - costs[a]) / (effects[b] - effects[a]);
    while let Some(k) = (1..efficient.len().saturating_sub(1))
        .find(|&k| icer(efficient[k - 1], efficient[k]) > icer(efficient[k], efficient[k + 1]))
    {
        out[efficient[k]].0 = Standing::Extended(efficient[k - 1], efficient[k + 1]);
        efficient.remove(k);
    }
    for pair in efficient.windows(2) {
        out[pair[1]].1 = Some(pair[0]);
    }
    out
}

/// Each willingness to pay per QALY of a curve is a finite number >= 0.
pub(crate) fn check_willingness_to_pay(wtps: &[f64]) -> Result<()> {
    match wtps.iter().find(|w| !w.is_finite() || **w < 0.0) {
        Some(w) => Err(Error::Settings {
            field: "willingness_to_pay",
            reason: format!("must be a finite number >= 0, got {w}"),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_five_strategy_frontier_drops_the_dominated_and_the_extendedly_dominated() {
        // A (0, 0); B costs more than C for less: strictly dominated; D lies below the line from
        // C to E: extendedly dominated; E is efficient.
        let costs = [0.0, 12_000.0, 10_000.0, 25_000.0, 30_000.0];
        let effects = [0.0, 0.4, 0.5, 0.6, 1.0];
        let f = frontier(&costs, &effects);
        assert_eq!(f[0], (Standing::Efficient, None));
        assert_eq!(f[1].0, Standing::Dominated(2));
        assert_eq!(f[2], (Standing::Efficient, Some(0)));
        assert_eq!(f[3].0, Standing::Extended(2, 4));
        assert_eq!(f[4], (Standing::Efficient, Some(2)));
        let arms: Vec<Label> =
            ["a", "b", "c", "d", "e"].iter().map(|n| Label { name: n.to_string(), label: n.to_string() }).collect();
        let points = frontier_points(&arms, &costs, &effects);
        let names: Vec<&str> = points.iter().map(|p| p.arm.name.as_str()).collect();
        assert_eq!(names, ["a", "c", "b", "d", "e"]);
        assert_eq!(points[1].icer, Some(20_000.0));
        assert_eq!(points[4].icer, Some(40_000.0));
        assert_eq!(points[4].compared_with.as_deref(), Some("c"));
        assert_eq!(points[2].icer, None);
        assert_eq!(points[3].dominance, Dominance::ExtendedlyDominated { between: ["c".into(), "e".into()] });
    }

    #[test]
    fn extended_dominance_is_applied_until_the_icers_rise() {
        // Two strategies in a row under the line from the first to the last.
        let costs = [0.0, 10.0, 21.0, 40.0];
        let effects = [0.0, 0.1, 0.2, 1.0];
        let f = frontier(&costs, &effects);
        assert_eq!(f[2].0, Standing::Extended(1, 3));
        assert_eq!(f[1].0, Standing::Extended(0, 3));
        assert_eq!(f[3], (Standing::Efficient, Some(0)));
        // Equal strategies: the later one is dominated by the earlier.
        let f = frontier(&[1.0, 1.0], &[2.0, 2.0]);
        assert_eq!(f[1].0, Standing::Dominated(0));
        assert_eq!(f[0].0, Standing::Efficient);
    }
}
