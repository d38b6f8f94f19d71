//! Free riders in a region: each municipality's and insurer's position when every party joins
//! and pays by the keys, and when it alone stays out and still receives the savings on its
//! residents or members.

use crate::model::PartyKind;
use crate::results::{Results, Transfers, View};
use serde::Serialize;

/// One party's position when every party joins, and when it alone stays out, in both views of
/// money, before any arrangement: the keys decide who pays the intervention's own costs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FreeRider {
    /// The party's key.
    pub party: String,
    /// Display name.
    pub label: String,
    /// A municipality or an insurer.
    pub kind: PartyKind,
    /// Societal view: expected net over the horizon, discounted, when every party joins.
    pub net_joining: f64,
    /// The same when this party alone stays out (the others pay its part by their keys).
    pub net_free_riding: f64,
    /// Probability that the net is positive when every party joins.
    pub probability_gain_joining: f64,
    /// The same when this party alone stays out.
    pub probability_gain_free_riding: f64,
    /// Budget view: expected change in cash over the horizon, nominal, when every party joins.
    pub cash_joining: f64,
    /// The same when this party alone stays out.
    pub cash_free_riding: f64,
    /// What staying out is worth to the party in cash: `cash_free_riding - cash_joining`.
    pub incentive_to_stay_out: f64,
}

/// Per iteration, party `p`'s net over the horizon in one view (weighted by year), given who joins.
fn net(results: &Results, view: View, arm: usize, joiners: &[bool], p: usize) -> Vec<f64> {
    let meta = results.meta();
    let (n, years, np) = (meta.iterations, meta.years, meta.parties.len());
    // Before arrangements: an arrangement settles between budgets, and a budget's refund would
    // be shared by its parties whether they paid into it or not.
    let w = results.money_weights(view);
    let f = results.party_flows(view, arm, &Transfers::none(), joiners);
    (0..n)
        .map(|i| {
            (0..years)
                .map(|y| {
                    let k = (i * years + y) * np + p;
                    (f.saved[k] - f.programme[k] - f.paid[k]) * w[y]
                })
                .sum()
        })
        .collect()
}

/// Every municipality and insurer of a region as joiner and as free rider, for intervention
/// `arm`, before arrangements. Without a region there are no such parties, and the list is empty.
///
/// ```
/// let mut s = ontschot::seeds::welzijn_op_recept();
/// s.region = Some(toml::from_str(r#"
/// [[insurers]]
/// name = "a"
/// [[insurers]]
/// name = "b"
/// [[municipalities]]
/// name = "east"
/// share = 0.5
/// insurers = { a = 0.7, b = 0.3 }
/// [[municipalities]]
/// name = "west"
/// share = "rest"
/// insurers = { a = 0.2, b = 0.8 }
/// "#).unwrap());
/// let model = ontschot::Model::new(&s).unwrap();
/// let r = ontschot::Simulation::new(&model).iterations(50).run().unwrap();
/// let rows = ontschot::finance::free_riders(&r, 1).unwrap();
/// assert_eq!(rows.len(), 4);
/// // The municipalities pay the coach: staying out saves each its share.
/// assert!(rows[0].incentive_to_stay_out > 0.0);
/// ```
pub fn free_riders(results: &Results, arm: usize) -> crate::Result<Vec<FreeRider>> {
    results.intervention_arm(arm)?;
    let meta = results.meta();
    let n = meta.iterations as f64;
    let all = vec![true; meta.parties.len()];
    let mean = |x: &[f64]| x.iter().sum::<f64>() / n;
    let share = crate::results::share_gaining;
    Ok(meta
        .parties
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p.kind, PartyKind::Municipality | PartyKind::Insurer))
        .map(|(p, info)| {
            let mut out = all.clone();
            out[p] = false;
            let (joining, riding) =
                (net(results, View::Societal, arm, &all, p), net(results, View::Societal, arm, &out, p));
            let (cash_in, cash_out) =
                (net(results, View::Budget, arm, &all, p), net(results, View::Budget, arm, &out, p));
            FreeRider {
                party: info.name.clone(),
                label: info.label.clone(),
                kind: info.kind,
                net_joining: mean(&joining),
                net_free_riding: mean(&riding),
                probability_gain_joining: share(&joining),
                probability_gain_free_riding: share(&riding),
                cash_joining: mean(&cash_in),
                cash_free_riding: mean(&cash_out),
                incentive_to_stay_out: mean(&cash_out) - mean(&cash_in),
            }
        })
        .collect())
}
