//! Expressions and derived values: formulas over parameters, tables and the time in the model give
//! the numbers their closed forms give, in the deterministic run and in every iteration; a bad
//! formula is named with its field and the character where it goes wrong.

mod common;

use common::*;
use ontschot::{Model, Scenario, Simulation};

/// Alive and dead, ending-of-cycle counting, no discounting, a care cost of 100 a person-year:
/// the care costs per year are 100 times the share alive at the end of each year.
fn two_state(death: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "expressions"
horizon_years = 5
cycle_convention = "end"
[discount]
costs = 0
effects = 0
[population]
size = 1
start_age = 70
[parameters.r_death]
dist = "gamma"
mean = 0.08
sd = 0.02
[parameters.hr]
dist = "lognormal"
median = 0.7
ci = [0.5, 0.98]
[[states]]
name = "alive"
initial = 1
[[states]]
name = "dead"
dead = true
[transitions.from.alive]
alive = "rest"
dead = "{death}"
[[categories]]
name = "care"
price = 100
paid_by = {{ zvw = 1 }}
use_per_year = {{ alive = 1 }}
[[arms]]
name = "usual_care"
[[arms]]
name = "same"
{extra}
"#
    );
    Scenario::from_toml_str(&text).unwrap()
}

/// Share alive at the end of each of 5 years when the chance of dying in year t is `p(t)`.
fn alive(p: impl Fn(f64) -> f64) -> Vec<f64> {
    let mut s = 1.0;
    (1..=5)
        .map(|t| {
            s *= 1.0 - p(t as f64);
            s
        })
        .collect()
}

#[test]
fn a_derived_probability_follows_every_iteration_s_draws() {
    let s = two_state("p_death", "[derived]\np_death = \"1 - exp(-r_death * hr * cycle_years)\"\n");
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(40).seed(3).run().unwrap();
    let (names, draws) = ontschot::analysis::parameter_draws(&model, 40, 3).unwrap();
    let col = |n: &str| names.iter().position(|x| x == n).unwrap();
    for it in 0..40 {
        let (rate, hr) = (draws[[it, col("r_death")]], draws[[it, col("hr")]]);
        let expected = alive(|_| 1.0 - (-rate * hr).exp());
        for (y, e) in expected.iter().enumerate() {
            let got = r.care(0).unwrap()[[it, y, 0]];
            assert!(close(got, 100.0 * e, 1e-12), "iteration {it} year {y}: {got} vs {}", 100.0 * e);
        }
    }
    // The deterministic run takes the formula at the base case: the means.
    let det = Simulation::new(&model).deterministic().unwrap();
    let hr_mean = (0.7f64.ln() + 0.5 * ((0.98f64.ln() - 0.5f64.ln()) / (2.0 * 1.959_963_984_540_054)).powi(2)).exp();
    let expected = alive(|_| 1.0 - (-0.08 * hr_mean).exp());
    assert!(close(det.care(0).unwrap()[[0, 4, 0]], 100.0 * expected[4], 1e-9));
}

#[test]
fn a_value_written_as_a_formula_equals_the_number_it_folds_to() {
    let formula = run(&two_state("1 - exp(-0.1 * 2)", ""), 3, 1);
    let number = run(&two_state(&format!("{}", 1.0 - (-0.2f64).exp()), ""), 3, 1);
    assert_eq!(formula.care(0).unwrap(), number.care(0).unwrap());
}

#[test]
fn values_that_vary_with_time_and_age_take_each_cycle_s_value() {
    // Weibull survival S(t) = exp(-(l t)^g): the chance of dying in the cycle from t to t + 1 is
    // 1 - S(t + 1) / S(t), written with `time` (years since the start, at the cycle's start).
    let (l, g) = (0.1f64, 1.5f64);
    let text = "1 - exp((0.1 * time)^1.5 - pow(0.1 * (time + cycle_years), 1.5))";
    let r = run(&two_state(text, ""), 1, 1);
    let s = |t: f64| (-(l * t).powf(g)).exp();
    for (y, e) in alive(|t| 1.0 - s(t) / s(t - 1.0)).iter().enumerate() {
        assert!(close(r.care(0).unwrap()[[0, y, 0]], 100.0 * e, 1e-12), "year {y}");
    }
    // With an uncertain rate the same formula is computed per iteration and cycle.
    let text = "1 - exp(-r_death * exp(0.05 * (age - 70)))";
    let model = Model::new(&two_state(text, "")).unwrap();
    let r = Simulation::new(&model).iterations(10).seed(9).run().unwrap();
    let (names, draws) = ontschot::analysis::parameter_draws(&model, 10, 9).unwrap();
    let k = names.iter().position(|x| x == "r_death").unwrap();
    for it in 0..10 {
        let rate = draws[[it, k]];
        let expected = alive(|t| 1.0 - (-rate * (0.05 * (t - 1.0)).exp()).exp());
        for (y, e) in expected.iter().enumerate() {
            assert!(close(r.care(0).unwrap()[[it, y, 0]], 100.0 * e, 1e-12), "iteration {it} year {y}");
        }
    }
    // A derived value can read a table and another derived value.
    let extra = "[derived]\nbase_rate = \"r_death * 2\"\np_death = \"1 - exp(-base_rate * factor)\"\n[tables.factor]\nby = \"cycle\"\nbreaks = [1, 3]\nvalues = [0.5, 1]\n";
    let model = Model::new(&two_state("p_death", extra)).unwrap();
    let det = Simulation::new(&model).deterministic().unwrap();
    let expected = alive(|t| 1.0 - (-0.16f64 * if t < 3.0 { 0.5 } else { 1.0 }).exp());
    for (y, e) in expected.iter().enumerate() {
        assert!(close(det.care(0).unwrap()[[0, y, 0]], 100.0 * e, 1e-12), "year {y}");
    }
}

#[test]
fn a_bad_formula_is_named_with_its_field_and_position() {
    let message = |death: &str, extra: &str| invalid(&two_state(death, extra));
    let (paths, m) = message("1 - exp(-r_deth * 2)", "");
    assert_eq!(paths, ["transitions.from.alive.dead"]);
    assert!(
        m.contains("in expression '1 - exp(-r_deth * 2)', at character 10: unknown parameter or table 'r_deth' (did you mean 'r_death'?)"),
        "{m}"
    );
    let (_, m) = message("1 - exp(-r_death *)", "");
    assert!(m.contains("at character 19: expected a number, a name or '(', found ')'"), "{m}");
    let (paths, m) = message("a", "[derived]\na = \"b + 1\"\nb = \"a / 2\"\n");
    assert!(paths.contains(&"derived.a".to_string()), "{paths:?}");
    assert!(m.contains("is defined through itself (a -> b -> a)"), "{m}");
    // A price must be the same in every cycle; a formula with the time is not.
    let mut s = two_state("0.1", "");
    s.categories[0].price = "100 * cycle".into();
    let (paths, m) = invalid(&s);
    assert_eq!(paths, ["categories[0].price"]);
    assert!(m.contains("expression '100 * cycle' varies by cycle"), "{m}");
    let (_, m) = message("0.1", "[derived]\nage = \"2\"\n");
    assert!(m.contains("derived.age") && m.contains("variable or function"), "{m}");
    // A formula that gives a probability above 1 stops the run with what it is.
    let model = Model::new(&two_state("r_death * 20", "")).unwrap();
    let err = Simulation::new(&model).iterations(50).seed(1).run().unwrap_err().to_string();
    assert!(err.contains("transitions.from.alive.dead") && err.contains("r_death * 20"), "{err}");
}

#[test]
fn a_base_case_apart_from_the_distribution_is_what_the_deterministic_run_uses() {
    let s = two_state("1 - exp(-0.1 * hr)", "");
    let mut with_base = s.clone();
    with_base.parameters.get_mut("hr").unwrap().base = Some(0.7);
    let det = Simulation::new(&Model::new(&with_base).unwrap()).deterministic().unwrap();
    let expected = alive(|_| 1.0 - (-0.07f64).exp());
    assert!(close(det.care(0).unwrap()[[0, 4, 0]], 100.0 * expected[4], 1e-12));
    // The draws do not change: the base case is for the deterministic run only.
    assert_eq!(run(&with_base, 5, 2).care(0).unwrap(), run(&s, 5, 2).care(0).unwrap());
    let mut bad = s.clone();
    bad.parameters.get_mut("r_death").unwrap().base = Some(-1.0);
    let (paths, m) = invalid(&bad);
    assert_eq!(paths, ["parameters.r_death.base"]);
    assert!(m.contains("-1 lies outside the values the distribution can take, [0, inf]"), "{m}");
}

#[test]
fn survival_transitions_keep_the_cohort_on_its_survival_curve() {
    // With p = 1 - S(time + dt) / S(time) the products telescope: the share alive at the end of
    // cycle k is S(k dt), for every family, here with half-year cycles.
    type Survival = fn(f64) -> f64;
    let families: [(&str, Survival); 5] = [
        ("surv_exp(T, 0.15)", |t| (-0.15 * t).exp()),
        ("surv_weibull(T, 1.4, 6)", |t| (-(t / 6.0).powf(1.4)).exp()),
        ("surv_gompertz(T, 0.12, 0.05)", |t| (-0.05 / 0.12 * ((0.12 * t).exp() - 1.0)).exp()),
        ("surv_llogis(T, 2.2, 5)", |t| 1.0 / (1.0 + (t / 5.0).powf(2.2))),
        ("surv_lnorm(T, 1.6, 0.7)", |t| {
            if t == 0.0 { 1.0 } else { 0.5 * erfc_series((t.ln() - 1.6) / (0.7 * std::f64::consts::SQRT_2)) }
        }),
    ];
    for (s, closed) in families {
        let p = format!("1 - {} / {}", s.replace('T', "(time + cycle_years)"), s.replace('T', "time"));
        let mut scenario = two_state(&p, "");
        scenario.cycle_years = 0.5;
        let model = Model::new(&scenario).unwrap();
        let r = Simulation::new(&model).trace(true).deterministic().unwrap();
        let trace = r.trace(0).unwrap().unwrap();
        for k in 0..=10 {
            let expected = closed(k as f64 * 0.5);
            assert!(close(trace[[0, k, 0]], expected, 1e-12), "{s} at point {k}: {} vs {expected}", trace[[0, k, 0]]);
        }
    }
}

/// The complementary error function from the Taylor series of erf, for the small arguments this
/// test needs (|x| < 3), to about 1e-15: a reference independent of the engine's.
fn erfc_series(x: f64) -> f64 {
    // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1))
    let (mut sum, mut term, mut n) = (0.0, x, 0.0);
    while term.abs() > 1e-18 {
        sum += term / (2.0 * n + 1.0);
        n += 1.0;
        term *= -x * x / n;
    }
    1.0 - 2.0 / std::f64::consts::PI.sqrt() * sum
}

#[test]
fn correlated_survival_coefficients_drive_each_iteration_s_curve() {
    let extra = r#"
[parameters.weibull]
dist = "multivariate_normal"
means = { log_shape = 0.3, log_scale = 1.8 }
covariance = { log_shape = { log_shape = 0.01, log_scale = -0.004 }, log_scale = { log_shape = -0.004, log_scale = 0.02 } }
[derived]
shape = "exp(weibull.log_shape)"
scale = "exp(weibull.log_scale)"
p_death = "1 - surv_weibull(time + cycle_years, shape, scale) / surv_weibull(time, shape, scale)"
"#;
    let model = Model::new(&two_state("p_death", extra)).unwrap();
    let r = Simulation::new(&model).iterations(20).seed(4).trace(true).run().unwrap();
    let (names, draws) = ontschot::analysis::parameter_draws(&model, 20, 4).unwrap();
    let col = |n: &str| names.iter().position(|x| x == n).unwrap();
    let trace = r.trace(0).unwrap().unwrap();
    for it in 0..20 {
        let (k, l) = (draws[[it, col("weibull.log_shape")]].exp(), draws[[it, col("weibull.log_scale")]].exp());
        for t in 0..=5 {
            let s = (-(t as f64 / l).powf(k)).exp();
            assert!(close(trace[[it, t, 0]], s, 1e-12), "iteration {it} point {t}");
        }
    }
    // The parameter as a whole is not a number.
    let (paths, m) = invalid(&two_state("weibull", extra));
    assert_eq!(paths, ["transitions.from.alive.dead"]);
    assert!(m.contains("'weibull' is a multivariate normal: name one of its components"), "{m}");
}

#[test]
fn tables_derived_values_and_hazard_ratios_at_their_edges() {
    // A table's values cannot name a table, earlier or later: an error, never a crash.
    let tables = "[tables.a]\nby = \"cycle\"\nbreaks = [1]\nvalues = [\"b\"]\n[tables.b]\nby = \"cycle\"\nbreaks = [1]\nvalues = [0.1]\n";
    let (paths, m) = invalid(&two_state("a", tables));
    assert!(paths.contains(&"tables.a.values[0]".to_string()), "{paths:?}");
    assert!(m.contains("table 'b' cannot be used in the values of a table"), "{m}");
    let (_, m) = invalid(&two_state("a", &tables.replace("values = [\"b\"]", "values = [\"2 * b\"]")));
    assert!(
        m.contains("in expression '2 * b', at character 5: table 'b' cannot be used in the values of a table"),
        "{m}"
    );
    // A derived value of a table by calendar year stands where a budget-view value does, not in
    // a transition.
    let by_year = "price_year = 2024\n[tables.index]\nby = \"year\"\nbreaks = [2024]\nvalues = [1.02]\n[derived]\np_death = \"0.1 * index\"\n";
    let mut s = two_state("p_death", "");
    s.price_year = Some(2024);
    let text = toml::to_string(&s).unwrap() + &by_year.replace("price_year = 2024\n", "");
    let (paths, m) = invalid(&Scenario::from_toml_str(&text).unwrap());
    assert_eq!(paths, ["transitions.from.alive.dead"]);
    assert!(
        m.contains("derived value 'p_death' uses a table by calendar year, which is for budget-view values only"),
        "{m}"
    );
    // A hazard ratio of 0 on a certain event removes it; any other keeps it certain.
    let extra = "[[arms.transition_effects]]\nfrom = \"alive\"\nto = \"dead\"\nhazard_ratio = HR\n";
    for (hr, alive) in [("0", 1.0), ("0.5", 0.0)] {
        let r =
            Simulation::new(&Model::new(&two_state("1", &extra.replace("HR", hr))).unwrap()).deterministic().unwrap();
        assert_eq!(r.effects(1).unwrap()[[0, 0, 0]], alive, "hazard ratio {hr}");
    }
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Any text as a transition probability is a named error or a model that runs: never a
        /// panic, never a number outside the field's range passed on.
        #[test]
        fn any_formula_loads_or_is_named(text in "[-+*/^!<>=&|(),. 0-9a-z_]{0,40}") {
            let s = two_state(&text.replace('"', ""), "");
            match Model::new(&s) {
                Err(e) => {
                    let m = e.to_string();
                    prop_assert!(m.contains("transitions.from.alive.dead") || m.contains("transitions"), "{m}");
                }
                Ok(model) => {
                    if let Ok(r) = Simulation::new(&model).iterations(2).seed(1).run() {
                        let care = r.care(0).unwrap();
                        prop_assert!(care.iter().all(|x| x.is_finite() && *x >= 0.0));
                    }
                }
            }
        }

        /// Formulas built from the grammar's pieces evaluate without a panic and fold exactly
        /// as the engine computes them.
        #[test]
        fn built_formulas_fold_to_what_they_compute(a in 0.01f64..5.0, b in 0.01f64..5.0, op in 0usize..8) {
            let forms = ["{a} + {b}", "{a} * {b} - 1", "{a} / ({b} + 1)", "{a} ^ 0.5 * {b}", "exp(-{a}) * {b}",
                "min({a}, {b}, 1)", "if({a} > {b}, {a}, {b})", "logistic(logit(1 / (1 + {a})))"];
            let text = forms[op].replace("{a}", &a.to_string()).replace("{b}", &b.to_string());
            let expected = match op {
                0 => a + b,
                1 => a * b - 1.0,
                2 => a / (b + 1.0),
                3 => a.powf(0.5) * b,
                4 => (-a).exp() * b,
                5 => a.min(b).min(1.0),
                6 => if a > b { a } else { b },
                _ => 1.0 / (1.0 + a),
            };
            // As a price, a value the model keeps exactly.
            let mut s = two_state("0.1", "");
            s.categories[0].price = text.as_str().into();
            match Model::new(&s) {
                Ok(model) => {
                    let r = Simulation::new(&model).deterministic().unwrap();
                    let got = r.care(0).unwrap()[[0, 0, 0]] / 0.9;
                    prop_assert!((got - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{text}: {got} vs {expected}");
                }
                // A negative price is refused by name.
                Err(e) => prop_assert!(expected < 0.0 && e.to_string().contains("categories[0].price"), "{text}: {e}"),
            }
        }
    }
}
