//! Criterion benchmarks of the cohort engine on the seed scenarios.
//!
//! Target (issue: core engine): 100,000 SamenOud iterations in under 1 second on 2 cores.
//! Target (issue: the region): a deal among 8 parties in seconds on this 2-core machine.
//! Target (issue: the modeller's toolkit): formulas cost at most 10% of a cohort run with the
//! same values written as numbers (`expressions/*`).
//! Target (issue: the cohort engine ahead of a NumPy peer): a 3-state, 60-cycle model with a
//! probabilistic sensitivity analysis, 1,000 draws, simulated and summarised in under 5 ms
//! (`psa/*`).
//! Run with `cargo bench -p ontschot --bench cohort`.

use criterion::{Criterion, criterion_group, criterion_main};
use ontschot::{Model, Scenario, Simulation};
use std::hint::black_box;

fn seed(name: &str) -> Model {
    let path = format!("{}/../../seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    Model::new(&Scenario::from_file(path).expect("seed reads")).expect("seed compiles")
}

fn cohort(c: &mut Criterion) {
    let samenoud = seed("samenoud.toml");
    let wor = seed("welzijn_op_recept.toml");
    let mut g = c.benchmark_group("cohort");
    g.sample_size(10);
    for threads in [1, 2] {
        g.bench_function(format!("samenoud_100k_iterations_{threads}_threads"), |b| {
            b.iter(|| Simulation::new(&samenoud).iterations(100_000).threads(Some(threads)).run().expect("runs"))
        });
    }
    g.bench_function("welzijn_op_recept_100k_iterations_2_threads", |b| {
        b.iter(|| Simulation::new(&wor).iterations(100_000).threads(Some(2)).run().expect("runs"))
    });
    // Both views' summaries of a run: from the kept records, and without keeping them.
    for threads in [1, 2] {
        g.bench_function(format!("samenoud_100k_run_then_summaries_{threads}_threads"), |b| {
            b.iter(|| {
                let r = Simulation::new(&samenoud).iterations(100_000).threads(Some(threads)).run().expect("runs");
                black_box((r.summary(1).unwrap(), r.budget_view(1).unwrap()))
            })
        });
    }
    for threads in [1, 2] {
        g.bench_function(format!("samenoud_100k_summarise_{threads}_threads"), |b| {
            b.iter(|| Simulation::new(&samenoud).iterations(100_000).threads(Some(threads)).summarise().expect("runs"))
        });
    }
    g.bench_function("samenoud_summary_100k", |b| {
        let r = Simulation::new(&samenoud).iterations(100_000).threads(Some(2)).run().expect("runs");
        b.iter(|| black_box(r.summary(1).unwrap()))
    });
    g.finish();
}

/// SamenOud in a region of four municipalities and four insurers: 8 parties, each a term (its
/// share of a pooled budget), on 10,000 iterations.
fn deal(c: &mut Criterion) {
    let mut s =
        Scenario::from_file(format!("{}/../../seeds/samenoud.toml", env!("CARGO_MANIFEST_DIR"))).expect("reads");
    let mut region = String::new();
    for i in 0..4 {
        region += &format!("[[insurers]]\nname = \"i{i}\"\n");
    }
    for m in 0..4 {
        let share = if m == 3 { "\"rest\"".to_owned() } else { "0.25".to_owned() };
        region += &format!(
            "[[municipalities]]\nname = \"m{m}\"\nshare = {share}\ninsurers = {{ i0 = 0.4, i1 = 0.3, i2 = 0.2, i3 = \"rest\" }}\n"
        );
    }
    region += "[switching]\nrate = 0.03\n";
    s.region = Some(toml::from_str(&region).expect("region reads"));
    let model = Model::new(&s).expect("compiles");
    let r = Simulation::new(&model).iterations(10_000).threads(Some(2)).run().expect("runs");
    let parties: Vec<String> = (0..4).map(|k| format!("m{k}")).chain((0..4).map(|k| format!("i{k}"))).collect();
    let mut g = c.benchmark_group("deal");
    g.sample_size(10);
    for (name, goal) in
        [("maxmin", ontschot::finance::DealGoal::MaxMinProbability), ("nash", ontschot::finance::DealGoal::Nash)]
    {
        g.bench_function(format!("8_parties_10k_iterations_{name}"), |b| {
            b.iter(|| {
                black_box(ontschot::finance::deal(&r, 1, &parties, goal, ontschot::View::Budget).expect("solves"))
            })
        });
    }
    g.finish();
}

/// A four-state model over 20 yearly cycles whose transitions are written as formulas (rates
/// converted to probabilities, a Gompertz mortality by age) or as the same kind of inputs given as
/// numbers (the drawn values used as probabilities, mortality from a table by cycle).
fn expressions(c: &mut Criterion) {
    let head = r#"
name = "bench"
horizon_years = 20
[population]
size = 1000
start_age = 40
[parameters.a]
dist = "gamma"
mean = 0.15
sd = 0.02
[parameters.b]
dist = "gamma"
mean = 0.1
sd = 0.02
[parameters.m0]
dist = "gamma"
mean = 0.005
sd = 0.001
[parameters.rr]
dist = "lognormal"
median = 0.7
ci = [0.5, 0.9]
[[states]]
name = "well"
initial = 1
utility = 0.9
[[states]]
name = "sick"
utility = 0.7
[[states]]
name = "sicker"
utility = 0.5
[[states]]
name = "dead"
dead = true
[[categories]]
name = "care"
price = 1000
paid_by = { zvw = 1 }
use_per_year = { well = 1, sick = 4, sicker = 12 }
[[arms]]
name = "usual_care"
[[arms]]
name = "treatment"
[[arms.transition_effects]]
from = "sick"
to = "sicker"
relative_risk = "rr"
"#;
    let rows = |p_ws: &str, p_ss: &str, death: &str| {
        format!(
            "[transitions.from.well]\nwell = \"rest\"\nsick = \"{p_ws}\"\ndead = \"{death}\"\n[transitions.from.sick]\nsick = \"rest\"\nsicker = \"{p_ss}\"\ndead = \"{death}\"\n[transitions.from.sicker]\nsicker = \"rest\"\ndead = \"{death}\"\n"
        )
    };
    let mortality: Vec<String> =
        (0..20).map(|k| format!("{}", 1.0 - (-0.005 * (0.08 * k as f64).exp()).exp())).collect();
    let numbers = format!(
        "{head}{}[tables.mortality]\nby = \"cycle\"\nbreaks = [{}]\nvalues = [{}]\n",
        rows("a", "b", "mortality"),
        (1..=20).map(|k| k.to_string()).collect::<Vec<_>>().join(", "),
        mortality.join(", ")
    );
    let formulas = format!(
        "{head}{}[derived]\np_ws = \"1 - exp(-a * cycle_years)\"\np_ss = \"1 - exp(-b * cycle_years)\"\nmortality = \"1 - exp(-m0 * exp(0.08 * (age - 40)) * cycle_years)\"\n",
        rows("p_ws", "p_ss", "mortality")
    );
    let mut g = c.benchmark_group("expressions");
    g.sample_size(10);
    for (name, text) in [("numbers", numbers), ("formulas", formulas)] {
        let model = Model::new(&Scenario::from_toml_str(&text).expect("reads")).expect("compiles");
        g.bench_function(format!("four_states_20_cycles_10k_iterations_{name}"), |b| {
            b.iter(|| Simulation::new(&model).iterations(10_000).threads(Some(1)).run().expect("runs"))
        });
    }
    g.finish();
}

/// A 3-state (well, ill, dead), 60-cycle model with a probabilistic sensitivity analysis: Dirichlet
/// transition rows, gamma costs, a beta utility and a lognormal relative risk of a treatment. The
/// inputs are illustrative, not a published model: the size of hesim's 3-state example, which
/// hesim reports at 1.2 s for 1,000 draws.
fn psa(c: &mut Criterion) {
    let text = r#"
name = "Three states, 60 cycles"
horizon_years = 60
cycle_convention = "half_cycle"
[discount]
costs = 0.03
effects = 0.015
[population]
size = 1000
[parameters]
p_well = { dist = "dirichlet", alpha = { well = 900.0, ill = 80.0, dead = 20.0 }, assumption = true }
p_ill = { dist = "dirichlet", alpha = { ill = 850.0, dead = 150.0 }, assumption = true }
c_well = { dist = "gamma", mean = 1000, sd = 150, assumption = true }
c_ill = { dist = "gamma", mean = 8000, sd = 1200, assumption = true }
u_ill = { dist = "beta", mean = 0.7, sd = 0.05, assumption = true }
c_drug = { dist = "gamma", mean = 2000, sd = 300, assumption = true }
rr = { dist = "lognormal", median = 0.7, ci = [0.5, 0.95], assumption = true }
[[states]]
name = "well"
initial = 1
utility = 1
[[states]]
name = "ill"
utility = "u_ill"
[[states]]
name = "dead"
dead = true
[transitions]
kind = "probability"
[transitions.from.well]
well = "rest"
ill = "p_well.ill"
dead = "p_well.dead"
[transitions.from.ill]
ill = "rest"
dead = "p_ill.dead"
[[categories]]
name = "care_well"
price = "c_well"
paid_by = { zvw = 1 }
use_per_year = { well = 1 }
source = "assumption"
[[categories]]
name = "care_ill"
price = "c_ill"
paid_by = { zvw = 1 }
use_per_year = { ill = 1 }
source = "assumption"
[[arms]]
name = "usual_care"
[[arms]]
name = "treatment"
costs = [{ name = "drug", kind = "per_participant_year", amount = "c_drug", paid_by = { zvw = 1 } }]
transition_effects = [{ from = "well", to = "ill", relative_risk = "rr" }]
"#;
    let model = Model::new(&Scenario::from_toml_str(text).expect("reads")).expect("compiles");
    let mut g = c.benchmark_group("psa");
    g.sample_size(30);
    for threads in [1, 2] {
        g.bench_function(format!("three_states_60_cycles_1000_draws_summarise_{threads}_threads"), |b| {
            b.iter(|| Simulation::new(&model).iterations(1000).threads(Some(threads)).summarise().expect("runs"))
        });
    }
    g.finish();
}

criterion_group!(benches, cohort, deal, expressions, psa);
criterion_main!(benches);
