//! Invariants users rely on: money is conserved, results do not depend on the thread count,
//! Monte Carlo means agree with the deterministic run on a linear model, and draws are stable.

mod common;

use common::*;
use ndarray::Axis;
use ontschot::{Model, Scenario, Simulation};
use proptest::prelude::*;

/// A three-state scenario with uncertain shares, prices and transitions, varied by proptest.
fn scenario(zvw_share: f64, price: f64, p_ill: f64, p_die: f64, rr: f64, uptake: f64) -> Scenario {
    let text = format!(
        r#"
name = "conservation"
horizon_years = 4
cycle_years = 0.5
cycle_convention = "simpson"
[population]
size = 250
[simulation]
detail = true
[parameters.share]
dist = "beta"
mean = {zvw_share}
sd = 0.01
[parameters.price]
dist = "gamma"
mean = {price}
sd = {sd}
[parameters.p_ill]
dist = "uniform"
min = {lo}
max = {p_ill}
[parameters.split]
dist = "dirichlet"
shares = {{ a = 0.5, b = 0.3, c = 0.2 }}
n = 50
[[states]]
name = "well"
initial = "split.a"
utility = 0.9
[[states]]
name = "ill"
initial = "split.b"
utility = 0.6
[[states]]
name = "worse"
initial = "split.c"
utility = 0.4
[[states]]
name = "dead"
dead = true
[transitions.from.well]
well = "rest"
ill = "p_ill"
dead = {p_die}
[transitions.from.ill]
ill = "rest"
worse = 0.1
dead = {p_die}
[transitions.from.worse]
worse = "rest"
dead = 0.2
[[categories]]
name = "care"
price = "price"
paid_by = {{ zvw = "share", wmo = "rest" }}
use_per_year = {{ ill = 3, worse = 6 }}
[[categories]]
name = "home"
price = 30
paid_by = {{ wmo = 0.9, eigen_bijdrage = 0.1 }}
use_per_year = {{ well = 1, worse = 20 }}
[[arms]]
name = "usual_care"
[[arms]]
name = "intervention"
uptake = {uptake}
ramp_up = [0.3, 0.6, 1]
effect_duration_cycles = 3
effect_fade_cycles = 2
[[arms.costs]]
name = "start"
kind = "one_off"
amount = 1000
paid_by = {{ welzijn = 1 }}
[[arms.costs]]
name = "coach"
kind = "per_person_in_state"
states = ["ill", "worse"]
amount = 200
paid_by = {{ wmo = 0.5, zvw = 0.5 }}
[[arms.transition_effects]]
from = "well"
to = "ill"
relative_risk = {rr}
[[arms.use_effects]]
category = "care"
rate_ratio = {rr}
[budgets.welzijn]
payer = "municipality"
"#,
        sd = price / 5.0,
        lo = p_ill / 2.0
    );
    Scenario::from_toml_str(&text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn budgets_sum_to_the_total_in_every_iteration_and_year(
        zvw_share in 0.1f64..0.9, price in 10.0f64..1000.0, p_ill in 0.01f64..0.3,
        p_die in 0.0f64..0.2, rr in 0.3f64..1.5, uptake in 0.0f64..=1.0, seed in any::<u64>(),
    ) {
        let s = scenario(zvw_share, price, p_ill, p_die, rr, uptake);
        let r = run(&s, 20, seed);
        for arm in 0..2 {
            let care = r.care(arm).unwrap();
            let detail = r.detail(arm).unwrap().unwrap();
            for i in 0..20 {
                for y in 0..4 {
                    let by_budget: f64 = care.index_axis(Axis(0), i).index_axis(Axis(0), y).sum();
                    let by_category: f64 = detail.index_axis(Axis(0), i).index_axis(Axis(0), y).sum();
                    prop_assert!(close(by_budget, by_category, 1e-12), "arm {} it {} year {}: {} vs {}", arm, i, y, by_budget, by_category);
                }
            }
        }
        let sum = r.summary(1).unwrap();
        let budgets: f64 = sum.budgets.iter().map(|b| b.net.mean).sum();
        let payers: f64 = sum.payers.iter().map(|p| p.net.mean).sum();
        prop_assert!(close(budgets, sum.total.net.mean, 1e-9));
        prop_assert!(close(payers, sum.total.net.mean, 1e-9));
        let inv: f64 = sum.budgets.iter().map(|b| b.investment.mean).sum();
        prop_assert!(close(inv, sum.total.investment.mean, 1e-9));
    }
}

#[test]
fn same_seed_gives_identical_numbers_on_one_and_two_threads() {
    for seed_file in ["samenoud.toml", "welzijn_op_recept.toml"] {
        let s = Scenario::from_file(seed(seed_file)).unwrap();
        let model = Model::new(&s).unwrap();
        let one = Simulation::new(&model).iterations(500).seed(11).threads(Some(1)).run().unwrap();
        let two = Simulation::new(&model).iterations(500).seed(11).threads(Some(2)).run().unwrap();
        let default = Simulation::new(&model).iterations(500).seed(11).run().unwrap();
        for arm in 0..2 {
            assert_eq!(one.care(arm).unwrap(), two.care(arm).unwrap(), "{seed_file}");
            assert_eq!(one.programme(arm).unwrap(), two.programme(arm).unwrap(), "{seed_file}");
            assert_eq!(one.effects(arm).unwrap(), two.effects(arm).unwrap(), "{seed_file}");
            assert_eq!(one.care(arm).unwrap(), default.care(arm).unwrap(), "{seed_file}");
        }
        let other = Simulation::new(&model).iterations(500).seed(12).threads(Some(2)).run().unwrap();
        assert_ne!(one.care(1).unwrap(), other.care(1).unwrap(), "another seed gives other draws");
    }
}

#[test]
fn monte_carlo_mean_of_a_linear_model_is_within_three_standard_errors_of_the_deterministic_run() {
    // Costs are linear in the uncertain price and programme cost: E[f(X)] = f(E[X]).
    let text = ALIVE_DEAD
        .replace("CONVENTION", "half_cycle")
        .replace("price = 100", "price = \"price\"")
        .replace("amount = 50", "amount = \"coach\"")
        + r#"
[parameters.price]
dist = "lognormal"
mean = 100
sd = 40
[parameters.coach]
dist = "pert"
min = 10
mode = 30
max = 120
"#;
    let s = Scenario::from_toml_str(&text).unwrap();
    let model = Model::new(&s).unwrap();
    let sim = Simulation::new(&model).iterations(4000).seed(3);
    let mc = sim.run().unwrap().summary(1).unwrap();
    let det = sim.deterministic().unwrap().summary(1).unwrap();
    for (m, d) in mc.budgets.iter().zip(&det.budgets).chain(std::iter::once((&mc.total, &det.total))) {
        let se = m.net.standard_error(4000);
        assert!(se > 0.0, "{} has uncertainty", m.name);
        assert!(
            (m.net.mean - d.net.mean).abs() < 3.0 * se,
            "{}: MC {} vs deterministic {} (SE {se})",
            m.name,
            m.net.mean,
            d.net.mean
        );
    }
}

#[test]
fn adding_a_parameter_leaves_the_other_draws_unchanged() {
    let s = scenario(0.5, 100.0, 0.1, 0.05, 0.8, 0.7);
    let mut t = s.clone();
    t.parameters.insert(
        "unused".into(),
        ontschot::ParameterSpec {
            dist: ontschot::DistKind::Normal,
            mean: Some(1.0),
            sd: Some(1.0),
            ..Default::default()
        },
    );
    let (a, b) = (run(&s, 50, 9), run(&t, 50, 9));
    assert_eq!(a.care(1).unwrap(), b.care(1).unwrap());
}

#[test]
fn saved_results_with_an_unusable_header_are_refused() {
    let r = run(&alive_dead("start"), 3, 1);
    let bytes = r.to_bytes();
    let len = u64::from_le_bytes(bytes[4..12].try_into().unwrap()) as usize;
    let mut header: serde_json::Value = serde_json::from_slice(&bytes[12..12 + len]).unwrap();
    header[0]["iterations"] = 0.into();
    let header = serde_json::to_vec(&header).unwrap();
    // Forged with a checksum that matches: the header itself is checked.
    let mut forged = b"ONT2".to_vec();
    forged.extend_from_slice(&(header.len() as u64).to_le_bytes());
    forged.extend_from_slice(&header);
    let crc = crc32fast::hash(&forged);
    forged.extend_from_slice(&crc.to_le_bytes());
    let err = ontschot::Results::from_bytes(&forged).unwrap_err();
    assert!(err.to_string().contains("no usable run"), "{err}");
    assert!(ontschot::Results::from_bytes(&bytes[..bytes.len() - 8]).is_err(), "a truncated file is refused");
}

/// Saved results tell when they are damaged: every flipped bit, every truncation and random bytes
/// are refused with an error, never read as other numbers and never a panic; results saved by
/// format 1 (no checksum) are named.
#[test]
fn damaged_saved_results_are_refused() {
    use rand::{Rng, SeedableRng};
    let r = run(&alive_dead("start"), 4, 1);
    let bytes = r.to_bytes();
    assert!(ontschot::Results::from_bytes(&bytes).is_ok());
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(17);
    for _ in 0..3_000 {
        let mut flipped = bytes.clone();
        let k = rng.next_u64() as usize % flipped.len();
        flipped[k] ^= 1 << (rng.next_u64() % 8);
        let err = ontschot::Results::from_bytes(&flipped).unwrap_err().to_string();
        assert!(err.starts_with("results: "), "{err}");
    }
    for len in 0..bytes.len() {
        assert!(ontschot::Results::from_bytes(&bytes[..len]).is_err(), "truncated to {len}");
    }
    for n in [0, 3, 4, 12, 64, 4096] {
        let random: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
        assert!(ontschot::Results::from_bytes(&random).is_err());
        let mut tagged = b"ONT2".to_vec();
        tagged.extend_from_slice(&random);
        assert!(ontschot::Results::from_bytes(&tagged).is_err());
    }
    let mut old = bytes.clone();
    old[..4].copy_from_slice(b"ONTR");
    let err = ontschot::Results::from_bytes(&old).unwrap_err().to_string();
    assert!(err.contains("earlier version of ontschot"), "{err}");
}

#[test]
fn summaries_round_trip_through_serde_and_a_bad_arm_is_an_error() {
    let model = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    let r = ontschot::Simulation::new(&model).iterations(20).seed(3).run().unwrap();
    let s = r.summary(1).unwrap();
    let back: ontschot::Summary = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
    let b = r.budget_view(1).unwrap();
    let back: ontschot::BudgetView = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
    assert_eq!(back, b);
    let results: ontschot::Results = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
    assert_eq!(results.to_bytes(), r.to_bytes());
    for arm in [0, 2, usize::MAX] {
        let err = r.summary(arm).unwrap_err();
        assert!(matches!(&err, ontschot::Error::Settings { field: "arm", .. }), "{err}");
        assert!(r.budget_view(arm).is_err());
    }
    assert_eq!(ontschot::Stats::of(&[]), ontschot::Stats { mean: 0.0, sd: 0.0, p2_5: 0.0, p50: 0.0, p97_5: 0.0 });
    let _: ontschot::ndarray::Array3<f64> = r.increment(1).unwrap();
    // Every per-arm array: an arm the run does not have is an error, never a panic.
    for arm in [2, 7, usize::MAX] {
        let errors = [
            r.care(arm).map(|_| ()),
            r.programme(arm).map(|_| ()),
            r.cash(arm).map(|_| ()),
            r.cash_programme(arm).map(|_| ()),
            r.cash_increment(arm).map(|_| ()),
            r.effects(arm).map(|_| ()),
            r.units(arm).map(|_| ()),
            r.detail(arm).map(|_| ()),
            r.costs(arm).map(|_| ()),
            r.increment(arm).map(|_| ()),
            ontschot::analysis::nets(&r, arm).map(|_| ()),
        ];
        for e in errors {
            let e = e.unwrap_err();
            assert!(e.to_string().contains(&format!("arm {arm} is out of range: the run has 2 arms")), "{e}");
        }
    }
    assert!(r.care(1).is_ok() && r.care(0).is_ok());
}

#[test]
fn ranges_of_a_run_merge_into_the_whole_run_bit_for_bit() {
    use ontschot::{Mode, Results, Simulation};
    let cases = [
        (ontschot::seeds::samenoud(), Mode::Cohort, 40),
        (ontschot::seeds::region_samenoud(), Mode::Cohort, 40),
        (ontschot::seeds::welzijn_op_recept(), Mode::Individual, 12),
    ];
    for (scenario, mode, n) in cases {
        let model = ontschot::Model::new(&scenario).unwrap();
        let sim = Simulation::new(&model).seed(11).mode(mode).detail(true);
        let whole = sim.clone().iterations(n).run().unwrap();
        let cut = [n / 2, n / 4, n - n / 2 - n / 4];
        let firsts = [0, n / 2, n / 2 + n / 4];
        // Out of order, and on different thread counts: neither changes a bit.
        let parts: Vec<Results> = [2, 0, 1]
            .iter()
            .map(|&k| sim.clone().threads(Some(k + 1)).first_iteration(firsts[k]).iterations(cut[k]).run().unwrap())
            .collect();
        assert_eq!(parts[0].meta().first_iteration, firsts[2]);
        let merged = Results::merge(&model, parts).unwrap();
        assert_eq!(merged.to_bytes(), whole.to_bytes(), "{}", scenario.name);
    }
    let model = ontschot::Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    let part = |first: usize, n: usize, seed: u64| {
        Simulation::new(&model).seed(seed).first_iteration(first).iterations(n).run().unwrap()
    };
    let err = |parts: Vec<Results>| Results::merge(&model, parts).unwrap_err().to_string();
    assert!(err(vec![part(0, 5, 1), part(10, 5, 1)]).contains("iterations 5..10 are missing"));
    assert!(err(vec![part(0, 5, 1), part(3, 5, 1)]).contains("iterations 3..5 are there twice"));
    assert!(err(vec![part(0, 5, 1), part(5, 5, 2)]).contains("iterations 5..10 come from another run"));
    assert!(err(vec![]).contains("nothing to merge"));
    let other = ontschot::Model::new(&ontschot::seeds::samenoud()).unwrap();
    let foreign = Simulation::new(&other).iterations(5).run().unwrap();
    assert!(err(vec![foreign]).contains("not of the scenario 'Welzijn op Recept'"));
    // The same structure with another value is another scenario too.
    let changed = ontschot::seeds::welzijn_op_recept().with_values([("uptake", serde_json::json!(0.5))]).unwrap();
    let changed = ontschot::Model::new(&changed).unwrap();
    let theirs = Simulation::new(&changed).seed(1).first_iteration(5).iterations(5).run().unwrap();
    assert!(err(vec![part(0, 5, 1), theirs.clone()]).contains("iterations 5..10 come from another run"));
    assert!(Results::merge(&changed, vec![part(0, 5, 1)]).unwrap_err().to_string().contains("not of the scenario"));
    // A range's sensitivity pairs its outputs with its own iterations' draws.
    let range = Simulation::new(&model).seed(1).first_iteration(300).iterations(400).run().unwrap();
    let first = ontschot::analysis::first_order(&model, &range, 1).unwrap();
    let total = first[0].index.len() - 1;
    let cost = first.iter().find(|f| f.parameter == "coach_trajectory_cost").unwrap();
    assert!(cost.index[total] > 0.3, "the coach's cost explains much of the total: {}", cost.index[total]);
    // A range draws what the same iterations draw in a whole run: iteration 7's numbers are the same.
    let whole = part(0, 10, 1);
    let range = part(7, 2, 1);
    assert_eq!(
        range.care(1).unwrap().index_axis(ndarray::Axis(0), 0),
        whole.care(1).unwrap().index_axis(ndarray::Axis(0), 7)
    );
}
