//! The individual mode: every person simulated. Its mean equals the cohort's, its spread shrinks
//! like one over the square root of the population, counts follow their distributions, and the
//! numbers do not depend on the thread count.

mod common;

use common::*;
use ontschot::{Mode, Model, Results, Scenario, Simulation};

fn run_mode(s: &Scenario, mode: Mode, iterations: usize, seed: u64, threads: Option<usize>) -> Results {
    let model = Model::new(s).unwrap();
    Simulation::new(&model).mode(mode).iterations(iterations).seed(seed).threads(threads).run().unwrap()
}

/// Per iteration: an arm's care, programme cost and life-years summed over the years.
fn totals(r: &Results, arm: usize) -> Vec<(String, Vec<f64>)> {
    let mut out = Vec::new();
    let n = r.meta().iterations;
    for (b, budget) in r.meta().budgets.iter().enumerate() {
        for (what, a) in [("care", r.care(arm).unwrap()), ("programme", r.programme(arm).unwrap())] {
            let v: Vec<f64> = (0..n).map(|i| a.slice(ndarray::s![i, .., b]).sum()).collect();
            if v.iter().any(|&x| x != 0.0) {
                out.push((format!("arm {arm} {what} {}", budget.name), v));
            }
        }
    }
    let e = r.effects(arm).unwrap();
    out.push((format!("arm {arm} life-years"), (0..n).map(|i| e.slice(ndarray::s![i, .., 0]).sum()).collect()));
    out.push((format!("arm {arm} participant-years"), (0..n).map(|i| e.slice(ndarray::s![i, .., 2]).sum()).collect()));
    out
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, var.sqrt())
}

/// Same seed, so the same parameter draws: the iteration-by-iteration difference between the
/// modes is the luck of the people alone, and its mean must be zero within 3 standard errors.
fn assert_individual_mean_is_cohort_mean(s: &Scenario, iterations: usize) {
    let cohort = run_mode(s, Mode::Cohort, iterations, 11, None);
    let people = run_mode(s, Mode::Individual, iterations, 11, None);
    for arm in 0..cohort.meta().arms.len() {
        for ((name, c), (_, p)) in totals(&cohort, arm).into_iter().zip(totals(&people, arm)) {
            let d: Vec<f64> = p.iter().zip(&c).map(|(p, c)| p - c).collect();
            let (m, sd) = mean_sd(&d);
            let se = sd / (d.len() as f64).sqrt();
            let (level, _) = mean_sd(&c);
            assert!(
                m.abs() <= 3.0 * se + 1e-9 * level.abs(),
                "{}: {name}: individual - cohort = {m:.3} on a mean of {level:.1}, SE {se:.3}",
                s.name
            );
            assert!(sd > 0.0 || level == 0.0 || name.contains("programme"), "{name}: no individual noise at all");
        }
    }
}

#[test]
fn individual_mean_equals_cohort_mean_on_samenoud() {
    let mut s = Scenario::from_file(seed("samenoud.toml")).unwrap();
    s.population.size = 2000.0;
    assert_individual_mean_is_cohort_mean(&s, 300);
}

#[test]
fn individual_mean_equals_cohort_mean_with_inflow_ramp_up_and_rates() {
    // Welzijn op Recept: quarterly cycles, rates, ramp-up; with yearly entrants.
    let mut s = Scenario::from_file(seed("welzijn_op_recept.toml")).unwrap();
    s.population.size = 1500.0;
    s.population.inflow = 400.0;
    s.arms[1].ramp_up = Some(vec![0.4, 0.7, 1.0]);
    assert_individual_mean_is_cohort_mean(&s, 300);
    // SamenOud with entrants and every convention the individual mode allows.
    for convention in ["start", "end"] {
        let mut s = Scenario::from_file(seed("samenoud.toml")).unwrap();
        s.population.size = 1000.0;
        s.population.inflow = 300.0;
        s.cycle_convention = serde_json::from_value(serde_json::json!(convention)).unwrap();
        assert_individual_mean_is_cohort_mean(&s, 200);
    }
}

#[test]
fn spread_of_the_net_per_person_shrinks_like_one_over_the_square_root_of_the_population() {
    // The difference to the cohort run with the same draws is the individual noise alone.
    let noise = |size: f64, budget: usize| -> (f64, usize) {
        let mut s = Scenario::from_file(seed("samenoud.toml")).unwrap();
        // Entrants in proportion, in whole people (39 and 351): 9x the people in every year.
        s.population.inflow = (s.population.inflow / s.population.size * size).round();
        s.population.size = size;
        s.arrangements.clear();
        let cohort = run_mode(&s, Mode::Cohort, 400, 5, None);
        let people = run_mode(&s, Mode::Individual, 400, 5, None);
        let net = |r: &Results| -> Vec<f64> {
            let inc = r.increment(1).unwrap();
            (0..400).map(|i| -inc.slice(ndarray::s![i, .., budget]).sum() / size).collect()
        };
        let d: Vec<f64> = net(&people).iter().zip(net(&cohort)).map(|(p, c)| p - c).collect();
        (mean_sd(&d).1, d.len())
    };
    for (budget, name) in [(0, "zvw"), (1, "wmo")] {
        let (small, n1) = noise(300.0, budget);
        let (large, n2) = noise(2700.0, budget);
        let ratio = small / large;
        // The standard error of a ratio of two sample SDs, each with relative SE 1/sqrt(2(n-1)).
        let se = ratio * (1.0 / (2.0 * (n1 - 1) as f64) + 1.0 / (2.0 * (n2 - 1) as f64)).sqrt();
        assert!(
            (ratio - 3.0).abs() <= 3.0 * se,
            "{name}: SD ratio {ratio:.3} for 9x the people, expected 3 (SE {se:.3})"
        );
    }
}

#[test]
fn one_and_two_threads_give_identical_arrays() {
    let mut s = Scenario::from_file(seed("samenoud.toml")).unwrap();
    s.population.size = 500.0;
    s.population.inflow = 50.0;
    // Parallel over iterations.
    let a = run_mode(&s, Mode::Individual, 40, 3, Some(1));
    let b = run_mode(&s, Mode::Individual, 40, 3, Some(2));
    assert_eq!(a.to_bytes(), b.to_bytes());
    // Parallel over people: one iteration, more people than one block.
    s.population.size = 20_000.0;
    let a = run_mode(&s, Mode::Individual, 1, 3, Some(1));
    let b = run_mode(&s, Mode::Individual, 1, 3, Some(2));
    assert_eq!(a.to_bytes(), b.to_bytes());
    // With more iterations than threads can share, each iteration's people run on one thread:
    // iteration 0 is the same as when its people were split over threads.
    let c = run_mode(&s, Mode::Individual, 9, 3, Some(2));
    for arm in 0..2 {
        assert_eq!(
            a.care(arm).unwrap().slice(ndarray::s![0, .., ..]),
            c.care(arm).unwrap().slice(ndarray::s![0, .., ..])
        );
        assert_eq!(
            a.effects(arm).unwrap().slice(ndarray::s![0, .., ..]),
            c.effects(arm).unwrap().slice(ndarray::s![0, .., ..])
        );
    }
}

/// One living state that nobody leaves within the horizon, one category with `mean` uses a year.
fn counts_scenario(mean: f64, overdispersion: Option<f64>) -> Scenario {
    let extra = overdispersion.map_or(String::new(), |a| format!("overdispersion = {a}"));
    let text = format!(
        r#"
name = "counts"
horizon_years = 1
[population]
size = 1
[simulation]
mode = "individual"
[[states]]
name = "alive"
initial = 1
[[states]]
name = "dead"
dead = true
[transitions.from.alive]
alive = "rest"
dead = 0
[[categories]]
name = "visits"
price = 1
paid_by = {{ zvw = 1 }}
use_per_year = {{ alive = {mean} }}
{extra}
[[arms]]
name = "usual_care"
[[arms]]
name = "other"
"#
    );
    Scenario::from_toml_str(&text).unwrap()
}

#[test]
fn counts_have_the_mean_and_variance_of_their_distribution() {
    // One person a iteration: each iteration's units are one draw.
    let n = 40_000;
    for (mean, alpha) in
        [(0.3, None), (3.0, None), (11.5, None), (40.0, None), (365.0, None), (3.0, Some(0.5)), (40.0, Some(0.2))]
    {
        let r = run_mode(&counts_scenario(mean, alpha), Mode::Individual, n, 9, None);
        let draws: Vec<f64> = (0..n).map(|i| r.units(0).unwrap()[[i, 0, 0]]).collect();
        assert!(draws.iter().all(|x| x.fract() == 0.0 && *x >= 0.0), "counts are whole numbers");
        let (m, sd) = mean_sd(&draws);
        let var = mean + alpha.unwrap_or(0.0) * mean * mean;
        let se_mean = (var / n as f64).sqrt();
        assert!((m - mean).abs() <= 3.0 * se_mean, "mean {m} for {mean} (alpha {alpha:?}), SE {se_mean}");
        // The sample variance's SE from the sample's fourth central moment.
        let m4 = draws.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
        let se_var = ((m4 - sd.powi(4)) / n as f64).sqrt();
        assert!(
            (sd * sd - var).abs() <= 3.0 * se_var,
            "variance {} for {var} (mean {mean}, alpha {alpha:?}), SE {se_var}",
            sd * sd
        );
    }
}

#[test]
fn scenarios_the_individual_mode_cannot_run_are_rejected_with_the_field() {
    let mut s = Scenario::from_file(seed("samenoud.toml")).unwrap();
    s.simulation.mode = Mode::Individual;
    s.population.size = 2971.5;
    let (paths, message) = invalid(&s);
    assert!(paths.iter().any(|p| p.contains("population.size")), "{paths:?}");
    assert!(message.contains("whole people"), "{message}");
    s.population.size = 2971.0;
    s.cycle_convention = ontschot::CycleConvention::Simpson;
    let (paths, message) = invalid(&s);
    assert!(paths.iter().any(|p| p.contains("cycle_convention")), "{paths:?}");
    assert!(message.contains("half_cycle"), "{message}");
    // The same check when the mode is chosen at run time.
    s.simulation.mode = Mode::Cohort;
    let model = Model::new(&s).unwrap();
    let err = Simulation::new(&model).mode(Mode::Individual).iterations(2).run().unwrap_err();
    assert!(err.to_string().contains("cycle_convention"), "{err}");
    // A use too large to draw person by person is an error, not a hang.
    let mut huge = counts_scenario(3.0, None);
    huge.categories[0].use_per_year.insert("alive".into(), 5e6.into());
    let model = Model::new(&huge).unwrap();
    let err = Simulation::new(&model).iterations(2).run().unwrap_err();
    assert!(err.to_string().contains("categories[0].use_per_year") && err.to_string().contains("at most"), "{err}");
    let mut too_many = counts_scenario(3.0, None);
    too_many.population.size = 2e9;
    let (paths, message) = invalid(&too_many);
    assert!(paths.iter().any(|p| p.contains("population.size")) && message.contains("billion"), "{message}");
    // Negative inflow, and an overdispersion below zero.
    let mut s = counts_scenario(3.0, Some(-0.5));
    s.population.inflow = -3.0;
    let (paths, _) = invalid(&s);
    assert!(paths.contains(&"population.inflow".to_owned()), "{paths:?}");
    assert!(paths.contains(&"categories[0].overdispersion".to_owned()), "{paths:?}");
}

#[test]
fn inflow_adds_entrants_who_follow_the_course_of_the_starting_population() {
    // Cohort mode: entrants of year k are the starting population's flows shifted by k years.
    let mut s = alive_dead("half_cycle");
    s.population.size = 10.0;
    let base = run(&s, 1, 1);
    s.population.inflow = 4.0;
    let with = run(&s, 1, 1);
    for y in 0..3 {
        let expected: f64 =
            (0..=y).map(|k| if k == 0 { 10.0 } else { 4.0 } * base.care(1).unwrap()[[0, y - k, 0]] / 10.0).sum();
        assert!(close(with.care(1).unwrap()[[0, y, 0]], expected, 1e-12), "year {y}");
    }
    assert_eq!(with.meta().inflow, 4.0);
}

fn with_subgroups(mut s: Scenario, groups: &str) -> Scenario {
    let table: toml::Table = toml::from_str(groups).unwrap();
    s.population.subgroups = table["population"]["subgroups"].clone().try_into().unwrap();
    s
}

#[test]
fn subgroups_are_a_mixture_of_the_population_with_their_own_values() {
    let groups = r#"
[[population.subgroups]]
name = "old"
share = 0.3
values = { p_death = 0.2, rr = 0.8 }
[[population.subgroups]]
name = "young"
share = "rest"
"#;
    let mut s = alive_dead("half_cycle");
    s.population.size = 10.0;
    s.population.inflow = 2.0;
    let mixed = run(&with_subgroups(s.clone(), groups), 1, 1);
    let young = run(&s, 1, 1);
    let old = run(&s.with_values([("p_death", 0.2.into()), ("rr", 0.8.into())]).unwrap(), 1, 1);
    for arm in 0..2 {
        for y in 0..3 {
            for b in 0..2 {
                let expected = 0.3 * old.care(arm).unwrap()[[0, y, b]] + 0.7 * young.care(arm).unwrap()[[0, y, b]];
                assert!(
                    close(mixed.care(arm).unwrap()[[0, y, b]], expected, 1e-12),
                    "care arm {arm} year {y} budget {b}"
                );
                let expected =
                    0.3 * old.programme(arm).unwrap()[[0, y, b]] + 0.7 * young.programme(arm).unwrap()[[0, y, b]];
                assert!(
                    close(mixed.programme(arm).unwrap()[[0, y, b]], expected, 1e-12),
                    "programme arm {arm} year {y}"
                );
            }
            let expected = 0.3 * old.effects(arm).unwrap()[[0, y, 0]] + 0.7 * young.effects(arm).unwrap()[[0, y, 0]];
            assert!(close(mixed.effects(arm).unwrap()[[0, y, 0]], expected, 1e-12), "life-years arm {arm} year {y}");
        }
    }
    let model = Model::new(&with_subgroups(s, groups)).unwrap();
    assert_eq!(model.subgroups().iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["old", "young"]);
}

#[test]
fn individual_mean_equals_cohort_mean_with_subgroups() {
    // An older band with its own mortality, nursing-home risk, starting profile and uptake.
    let groups = r#"
[[population.subgroups]]
name = "85+"
share = 0.3
values = { p_robust_death = 0.08, p_frail_death = 0.16, p_frail_nh = 0.06, "profile.robust" = 0.4, "profile.frail" = 0.25, "profile.complex" = 0.35, uptake = 0.35 }
source = "test values"
[[population.subgroups]]
name = "75-84"
share = "rest"
"#;
    let mut s = with_subgroups(Scenario::from_file(seed("samenoud.toml")).unwrap(), groups);
    s.population.size = 2000.0;
    s.population.inflow = 200.0;
    assert_individual_mean_is_cohort_mean(&s, 300);
    let a = run_mode(&s, Mode::Individual, 8, 3, Some(1));
    let b = run_mode(&s, Mode::Individual, 8, 3, Some(2));
    assert_eq!(a.to_bytes(), b.to_bytes());
}

#[test]
fn subgroup_problems_name_their_field() {
    let groups = r#"
[[population.subgroups]]
name = "old"
share = 0.7
values = { p_deat = 0.2 }
[[population.subgroups]]
name = "young"
share = 0.6
"#;
    let (paths, message) = invalid(&with_subgroups(alive_dead("half_cycle"), groups));
    assert!(paths.contains(&"population.subgroups[0].values.p_deat".to_owned()), "{paths:?}");
    assert!(message.contains("p_death"), "suggests the name: {message}");
    assert!(paths.iter().any(|p| p == "population.subgroups"), "shares sum to 1.3: {paths:?}");
}
