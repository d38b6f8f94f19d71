//! What an intervention does for people, summarised from the trace a run keeps on request: how
//! many are in each state at each point, how many enter each state per year (admissions, deaths),
//! and the entries an intervention avoids against the comparator.

use super::{Results, Stats};
use crate::error::Result;
use crate::model::Label;
use ndarray::{ArrayView3, Axis};
use serde::Serialize;

/// One arm's trace and events, each figure over the iterations (mean and 95% interval).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArmTrace {
    /// The arm.
    pub arm: Label,
    /// People in each state at each trace point, `[point][state]`: point 0 is the start, point t
    /// the end of cycle t; empty when the run kept the events only.
    pub occupancy: Vec<Vec<Stats>>,
    /// People entering each state per year, `[year][state]`.
    pub events: Vec<Vec<Stats>>,
    /// People entering each state over the horizon, `[state]`.
    pub total_events: Vec<Stats>,
    /// For an intervention: entries the arm avoids over the horizon against the comparator
    /// (comparator minus arm, per iteration), `[state]`; empty for the comparator.
    pub avoided: Vec<Stats>,
}

/// The trace of every arm, when the run kept it (or its events only).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceSummary {
    /// The states (the last axis).
    pub states: Vec<Label>,
    /// Per arm, in the scenario's order.
    pub arms: Vec<ArmTrace>,
}

/// Per state, the people entering it over the horizon in each iteration.
fn horizon_entries(events: &ArrayView3<'_, f64>) -> Vec<Vec<f64>> {
    let sums = events.sum_axis(Axis(1));
    sums.axis_iter(Axis(1)).map(|c| c.to_vec()).collect()
}

impl Results {
    /// The trace and the events of every arm, summarised over the iterations; `None` when the
    /// run kept neither (see [`Simulation::trace`](crate::Simulation::trace) and
    /// [`Simulation::events`](crate::Simulation::events)).
    ///
    /// ```
    /// let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    /// let r = ontschot::Simulation::new(&model).iterations(20).trace(true).run().unwrap();
    /// let t = r.trace_summary().unwrap().unwrap();
    /// let dead = t.states.iter().position(|s| s.name == "dead").unwrap();
    /// // Deaths avoided are the comparator's deaths minus the intervention's, iteration by iteration.
    /// let avoided = t.arms[1].avoided[dead].mean;
    /// let difference = t.arms[0].total_events[dead].mean - t.arms[1].total_events[dead].mean;
    /// assert!((avoided - difference).abs() < 1e-9 * difference.abs().max(1.0));
    /// ```
    pub fn trace_summary(&self) -> Result<Option<TraceSummary>> {
        if !self.layout.events {
            return Ok(None);
        }
        let stats_of = |a: &ArrayView3<'_, f64>| -> Vec<Vec<Stats>> {
            a.axis_iter(Axis(1))
                .map(|row| row.axis_iter(Axis(1)).map(|col| Stats::of(&col.to_vec())).collect())
                .collect()
        };
        let comparator = self.events(0)?.map(|e| horizon_entries(&e)).unwrap_or_default();
        let mut arms = Vec::new();
        for (a, label) in self.meta.arms.iter().enumerate() {
            let Some(events) = self.events(a)? else { return Ok(None) };
            let occupancy = self.trace(a)?.map(|t| stats_of(&t)).unwrap_or_default();
            let totals = horizon_entries(&events);
            let avoided = if a == 0 {
                Vec::new()
            } else {
                totals
                    .iter()
                    .zip(&comparator)
                    .map(|(arm, base)| Stats::of(&base.iter().zip(arm).map(|(b, x)| b - x).collect::<Vec<_>>()))
                    .collect()
            };
            arms.push(ArmTrace {
                arm: label.clone(),
                occupancy,
                events: stats_of(&events),
                total_events: totals.iter().map(|t| Stats::of(t)).collect(),
                avoided,
            });
        }
        Ok(Some(TraceSummary { states: self.meta.states.clone(), arms }))
    }
}
