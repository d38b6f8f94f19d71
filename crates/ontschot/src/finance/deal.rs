//! A deal every party can sign: the shares by which several parties pay into a pooled budget
//! that pays the intervention's own costs, so that each of them gains.
//!
//! With a pool, party `p`'s net over the horizon in iteration `i` is its care savings minus its
//! share of the intervention's costs: `S_p(i) - x_p C(i)`, the shares `x_p >= 0` summing to 1.
//! Each party's condition bounds only its own share from above (its net falls as its share
//! rises), so every goal is solved exactly from the draws, with no search over the shares:
//!
//! - *expected gain*: `E[S_p] - x_p E[C] >= 0`, so `x_p <= E[S_p] / E[C]`;
//! - *gain with probability at least q*: `x_p` below the `ceil(q n)`-th largest of the draws'
//!   ratios `S_p / C` (an order statistic: the share then gains in at least that many draws);
//! - *maximise the smallest probability of gaining*: the largest number of draws at which the
//!   bounds still leave room for shares summing to 1 (bisection over the counts), reported as
//!   the smallest probability the shares reach;
//! - *Nash bargaining*: the split that maximises the product of the expected gains, which with
//!   money as utility gives every party the same expected gain (parties that would need a share
//!   below 0 pay nothing and the rest share the surplus).
//!
//! A deal exists when the bounds of all parties are at least 0 and sum to at least 1. Otherwise
//! the answer says which party blocks it (the one whose bound is lowest) and gives the closest
//! shares.

use crate::error::{Error, Result};
use crate::model::PartyKind;
use crate::results::{Results, View};
use serde::Serialize;

/// What a deal must achieve for every party in it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "goal", content = "probability")]
pub enum DealGoal {
    /// Every party gains on average.
    ExpectedGain,
    /// Every party gains with at least this probability.
    Probability(f64),
    /// The smallest probability of gaining among the parties, as large as it can be.
    MaxMinProbability,
    /// The split that maximises the product of the parties' expected gains (Nash bargaining).
    Nash,
}

impl std::str::FromStr for DealGoal {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<DealGoal, String> {
        match s {
            "expected" => Ok(DealGoal::ExpectedGain),
            "maxmin" => Ok(DealGoal::MaxMinProbability),
            "nash" => Ok(DealGoal::Nash),
            _ => match s.strip_prefix("probability:").map(str::parse::<f64>) {
                Some(Ok(p)) if p > 0.0 && p <= 1.0 => Ok(DealGoal::Probability(p)),
                _ => Err(format!("unknown goal '{s}': use expected, probability:P (P in (0, 1]), maxmin or nash")),
            },
        }
    }
}

/// One party of a deal: its share of the pool and where it stands.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DealParty {
    /// The party's key.
    pub party: String,
    /// Display name.
    pub label: String,
    /// Its proposed share of the intervention's costs.
    pub share: f64,
    /// The largest share at which it still meets the goal (negative: it cannot meet it even
    /// paying nothing).
    pub bound: f64,
    /// Its expected net at the proposed share.
    pub net: f64,
    /// The probability that its net is positive at the proposed share.
    pub probability_gain: f64,
}

/// The answer of [`deal`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deal {
    /// The goal.
    pub goal: DealGoal,
    /// The view of money the nets are in.
    pub view: View,
    /// True when the shares meet the goal for every party.
    pub feasible: bool,
    /// Per party, in the order asked.
    pub parties: Vec<DealParty>,
    /// The expected costs of the intervention that the pool pays.
    pub costs: f64,
    /// For [`DealGoal::MaxMinProbability`], the smallest probability of gaining reached.
    pub probability: Option<f64>,
    /// What was found, in words: the deal, or why there is none and who blocks it.
    pub message: String,
}

/// The deal of a pooled budget among `parties` (keys of payers or of a region's municipalities
/// and insurers; when empty, all of those that bear risk and that the intervention touches, but
/// the client) for intervention `arm`,
/// in one view of money (cash over the horizon in the budget view; discounted in the societal).
///
/// ```
/// use ontschot::finance::{DealGoal, deal};
/// let model = ontschot::Model::new(&ontschot::seeds::region_samenoud()).unwrap();
/// let r = ontschot::Simulation::new(&model).iterations(200).run().unwrap();
/// let d = deal(&r, 1, &[], DealGoal::ExpectedGain, ontschot::View::Budget).unwrap();
/// assert!(!d.feasible); // the seed loses money in total: no split lets every party gain
/// assert!(d.message.starts_with("no split of the pool"), "{}", d.message);
/// let shares: f64 = d.parties.iter().map(|p| p.share).sum();
/// assert!((shares - 1.0).abs() < 1e-9);
/// ```
pub fn deal(results: &Results, arm: usize, parties: &[String], goal: DealGoal, view: View) -> Result<Deal> {
    let meta = results.meta();
    let bad = |reason: String| Error::Settings { field: "deal", reason };
    if arm == 0 || arm >= meta.arms.len() {
        return Err(bad(format!("arm {arm} is not an intervention: choose 1 to {}", meta.arms.len() - 1)));
    }
    let (n, years, np) = (meta.iterations, meta.years, meta.parties.len());
    let flows = results.party_flows(view, arm, &crate::results::Transfers::none(), &vec![true; np]);
    // A party the intervention does not touch (a grant funder outside its grant) has nothing
    // to bring to a pool.
    let touched =
        |p: usize| (0..n * years).any(|r| flows.programme[r * np + p] != 0.0 || flows.saved[r * np + p] != 0.0);
    let chosen: Vec<usize> = if parties.is_empty() {
        (0..meta.parties.len())
            .filter(|&p| {
                let info = &meta.parties[p];
                info.bears_risk && !(info.kind == PartyKind::Payer && info.name == "client") && touched(p)
            })
            .collect()
    } else {
        parties
            .iter()
            .map(|name| {
                meta.parties.iter().position(|p| &p.name == name).ok_or_else(|| {
                    let known: Vec<&str> = meta.parties.iter().map(|p| p.name.as_str()).collect();
                    bad(format!("no party named '{name}' (parties: {})", known.join(", ")))
                })
            })
            .collect::<Result<_>>()?
    };
    if let Some(k) = (1..chosen.len()).find(|&k| chosen[..k].contains(&chosen[k])) {
        return Err(bad(format!("party '{}' is named twice", meta.parties[chosen[k]].name)));
    }
    if chosen.len() < 2 {
        return Err(bad("a deal needs at least two parties".into()));
    }
    let w = results.money_weights(view);
    // Per iteration: the intervention's costs, and each chosen party's care savings.
    let mut costs = vec![0.0; n];
    let mut savings = vec![vec![0.0; n]; chosen.len()];
    for i in 0..n {
        for y in 0..years {
            let row = (i * years + y) * np;
            costs[i] += (0..np).map(|p| flows.programme[row + p]).sum::<f64>() * w[y];
            for (k, &p) in chosen.iter().enumerate() {
                savings[k][i] += flows.saved[row + p] * w[y];
            }
        }
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / n as f64;
    let cost = mean(&costs);
    if cost <= 0.0 {
        return Err(bad("the intervention costs nothing in this view: there is nothing to pool".into()));
    }
    let at = |k: usize, share: f64| -> (f64, f64) {
        let nets: Vec<f64> = (0..n).map(|i| savings[k][i] - share * costs[i]).collect();
        (mean(&nets), crate::results::share_gaining(&nets))
    };
    // Per party, its draws' ratios of savings to costs, largest first: a share x gains in the
    // draws whose ratio is above x.
    let ratios: Vec<Vec<f64>> = (0..chosen.len())
        .map(|k| {
            // A draw without costs: any share gains when the party saves, none when not.
            let mut r: Vec<f64> = (0..n)
                .map(|i| {
                    if costs[i] > 0.0 {
                        savings[k][i] / costs[i]
                    } else if savings[k][i] > 0.0 {
                        1e12
                    } else {
                        -1e12
                    }
                })
                .collect();
            r.sort_by(|a, b| b.total_cmp(a));
            r
        })
        .collect();
    // The largest share that gains in at least `count` draws: just below the count-th ratio.
    let bound_at = |k: usize, count: usize| -> f64 {
        let r = ratios[k][count.clamp(1, n) - 1];
        r - r.abs() * 1e-12 - 1e-15
    };
    let expected: Vec<f64> = savings.iter().map(|s| mean(s) / cost).collect();
    let room = |b: &[f64]| b.iter().all(|x| *x >= 0.0) && b.iter().map(|x| x.min(1.0)).sum::<f64>() >= 1.0;
    let (bounds, probability) = match goal {
        DealGoal::ExpectedGain | DealGoal::Nash => (expected.clone(), None),
        DealGoal::Probability(q) => {
            let count = (q * n as f64 - 1e-9).ceil() as usize;
            ((0..chosen.len()).map(|k| bound_at(k, count)).collect(), None)
        }
        DealGoal::MaxMinProbability => {
            // The largest number of draws in which every party can gain: the bounds fall as it
            // grows, so a bisection over the counts finds it.
            let fits = |count: usize| room(&(0..chosen.len()).map(|k| bound_at(k, count)).collect::<Vec<f64>>());
            let (mut lo, mut hi) = (0usize, n);
            while lo < hi {
                let mid = (lo + hi).div_ceil(2);
                if fits(mid) { lo = mid } else { hi = mid - 1 }
            }
            ((0..chosen.len()).map(|k| bound_at(k, lo.max(1))).collect(), Some(lo))
        }
    };
    let feasible = room(&bounds) && probability != Some(0);
    let shares: Vec<f64> = if goal == DealGoal::Nash && feasible {
        nash(&expected)
    } else {
        // Each party leaves the same fraction of its room; an illustration when there is none.
        let room: Vec<f64> = bounds.iter().map(|b| b.clamp(0.0, 1.0)).collect();
        let total: f64 = room.iter().sum();
        if total > 0.0 {
            room.iter().map(|r| r / total).collect()
        } else {
            vec![1.0 / chosen.len() as f64; chosen.len()]
        }
    };
    let label = |p: usize| meta.parties[p].label.clone();
    let out: Vec<DealParty> = chosen
        .iter()
        .enumerate()
        .map(|(k, &p)| {
            let (net, probability_gain) = at(k, shares[k]);
            DealParty {
                party: meta.parties[p].name.clone(),
                label: label(p),
                share: shares[k],
                bound: bounds[k],
                net,
                probability_gain,
            }
        })
        .collect();
    // The smallest probability of gaining reached at the shares.
    let reached = out.iter().map(|p| p.probability_gain).fold(1.0, f64::min);
    let probability = probability.map(|_| reached);
    let goal_text = match goal {
        DealGoal::ExpectedGain | DealGoal::Nash => "every party gains on average".to_owned(),
        DealGoal::Probability(q) => format!("every party gains with probability at least {q}"),
        DealGoal::MaxMinProbability => format!("every party gains with probability at least {reached:.3}"),
    };
    let savings_total: f64 = savings.iter().map(|s| mean(s)).sum();
    let message = if feasible {
        let split: Vec<String> = out.iter().map(|p| format!("{} {:.1}%", p.label, p.share * 100.0)).collect();
        format!("{goal_text} when the pool's {cost:.0} is paid as {}", split.join(", "))
    } else {
        let blockers: Vec<&str> =
            (0..chosen.len()).filter(|&k| bounds[k] < 0.0).map(|k| out[k].label.as_str()).collect();
        let reason = if goal == DealGoal::MaxMinProbability && blockers.is_empty() {
            "in no draw can every party gain at once".to_owned()
        } else if !blockers.is_empty() {
            let one = blockers.len() == 1;
            format!(
                "{} {} it: even paying nothing {} not meet the goal",
                blockers.join(", "),
                if one { "blocks" } else { "block" },
                if one { "it does" } else { "they do" }
            )
        } else {
            let least = (0..chosen.len()).min_by(|&a, &b| bounds[a].total_cmp(&bounds[b])).unwrap_or(0);
            format!(
                "together the parties can carry only {:.1}% of the costs; {} has the least room ({:.1}%)",
                bounds.iter().map(|b| b.min(1.0)).sum::<f64>() * 100.0,
                out[least].label,
                bounds[least] * 100.0
            )
        };
        let goal_text = if goal == DealGoal::MaxMinProbability { "every party gains in some draw" } else { &goal_text };
        format!(
            "no split of the pool's {cost:.0} meets the goal ({goal_text}; the parties' expected savings together: {savings_total:.0}): {reason}; the shares shown are only an illustration (in proportion to each party's room, or equal when none has any)"
        )
    };
    Ok(Deal { goal, view, feasible, parties: out, costs: cost, probability, message })
}

/// Shares that give every party the same expected gain, `e` the parties' expected savings as
/// shares of the costs; a party that would need a share below 0 pays nothing.
fn nash(e: &[f64]) -> Vec<f64> {
    let mut active: Vec<bool> = vec![true; e.len()];
    loop {
        let k = active.iter().filter(|a| **a).count() as f64;
        let sum: f64 = e.iter().zip(&active).filter(|(_, a)| **a).map(|(x, _)| x).sum();
        // Each active party's gain, as a share of the costs: what is left after paying 1.
        let gain = (sum - 1.0) / k;
        let shares: Vec<f64> = e.iter().zip(&active).map(|(x, a)| if *a { x - gain } else { 0.0 }).collect();
        match shares.iter().position(|s| *s < 0.0) {
            Some(p) => active[p] = false,
            None => return shares,
        }
    }
}
