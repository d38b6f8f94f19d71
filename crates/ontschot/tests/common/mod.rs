#![allow(dead_code)]

use ontschot::{Model, Results, Scenario, Simulation};

/// Path of a seed scenario.
pub fn seed(name: &str) -> String {
    format!("{}/../../seeds/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A two-state (alive, dead) scenario with fixed numbers, small enough to compute by hand:
/// death probability 0.1 a year (0.05 for participants), care 100 euro per person-year alive
/// paid by the Zvw, a programme cost of 50 euro per participant-year alive paid by the Wmo.
pub const ALIVE_DEAD: &str = r#"
name = "alive-dead"
horizon_years = 3
cycle_convention = "CONVENTION"
[discount]
costs = 0.03
effects = 0.015
[population]
size = 1
[parameters.p_death]
dist = "fixed"
value = 0.1
[parameters.rr]
dist = "fixed"
value = 0.5
[[states]]
name = "alive"
initial = 1
utility = 0.8
[[states]]
name = "dead"
dead = true
[transitions.from.alive]
alive = "rest"
dead = "p_death"
[[categories]]
name = "care"
price = 100
paid_by = { zvw = 1 }
use_per_year = { alive = 1 }
[[arms]]
name = "usual_care"
[[arms]]
name = "programme"
[[arms.costs]]
name = "coach"
kind = "per_participant_year"
amount = 50
paid_by = { wmo = 1 }
[[arms.transition_effects]]
from = "alive"
to = "dead"
relative_risk = "rr"
"#;

pub fn alive_dead(convention: &str) -> Scenario {
    Scenario::from_toml_str(&ALIVE_DEAD.replace("CONVENTION", convention)).unwrap()
}

pub fn run(s: &Scenario, iterations: usize, seed: u64) -> Results {
    let model = Model::new(s).unwrap();
    Simulation::new(&model).iterations(iterations).seed(seed).run().unwrap()
}

/// The first problem's path and the whole message of a scenario that must not compile.
pub fn invalid(s: &Scenario) -> (Vec<String>, String) {
    let err = Model::new(s).expect_err("the scenario should be rejected");
    (err.problems().into_iter().map(|p| p.path).collect(), err.to_string())
}

pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

/// One state, fixed numbers, for the budget view: 1,000 people use 2 visits a year (price 100,
/// the insurer's tariff 40, half of a changed visit releases cash, Zvw tariffs indexed 10% a year
/// from price year 2022 to a start in 2024); the programme halves visits and costs `AMOUNT` per
/// participant-year, paid by the Wmo (not indexed).
pub const VISITS: &str = r#"
name = "visits"
horizon_years = 3
cycle_convention = "start"
price_year = 2022
start_year = 2024
[population]
size = 1000
[[states]]
name = "home"
initial = 1
[transitions.from.home]
home = "rest"
[indexation.idx]
rate = 0.1
[budgets.zvw]
index = "idx"
[[categories]]
name = "visit"
price = 100
paid_by = { zvw = 1 }
tariffs = { zvw = 40 }
cash_release = { zvw = 0.5 }
use_per_year = { home = 2 }
[[arms]]
name = "usual_care"
[[arms]]
name = "programme"
[[arms.use_effects]]
category = "visit"
rate_ratio = 0.5
[[arms.costs]]
name = "coach"
kind = "per_participant_year"
amount = AMOUNT
paid_by = { wmo = 1 }
"#;
