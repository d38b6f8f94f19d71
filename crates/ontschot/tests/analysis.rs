//! Sensitivity and value of information against cases with known answers.

mod common;

use common::*;
use ontschot::analysis::{acceptability, evpi, evppi, first_order, nets, parties, tornado, two_way};
use ontschot::{Model, Scenario, Simulation};

/// ALIVE_DEAD with an uncertain care price and programme cost: every net is linear in them.
fn linear() -> Scenario {
    let text = ALIVE_DEAD
        .replace("CONVENTION", "half_cycle")
        .replace("price = 100", "price = \"price\"")
        .replace("amount = 50", "amount = \"coach\"")
        + "[parameters.price]\ndist = \"uniform\"\nmin = 50\nmax = 150\n[parameters.coach]\ndist = \"uniform\"\nmin = 10\nmax = 90\n";
    Scenario::from_toml_str(&text).unwrap()
}

/// Discounted person-years: extra in the intervention (D1) and participant-years (D2).
fn d1_d2(model: &Model) -> (f64, f64) {
    let r = Simulation::new(model).fix("price", 1.0).unwrap().fix("coach", 1.0).unwrap().deterministic().unwrap();
    let s = r.summary(1).unwrap();
    (-s.budgets[0].savings.mean, s.budgets[1].investment.mean)
}

#[test]
fn tornado_bars_of_a_linear_model_equal_slope_times_range() {
    let model = Model::new(&linear()).unwrap();
    let (d1, d2) = d1_d2(&model);
    let t = tornado(&model, 1, "total", &[("price".into(), 60.0, 140.0), ("coach".into(), 10.0, 90.0)]).unwrap();
    let bar = |p: &str| t.bars.iter().find(|b| b.parameter == p).unwrap();
    let total = t.parties.iter().position(|p| p == "total").unwrap();
    assert!(close(bar("price").swing, d1 * 80.0, 1e-12), "{} vs {}", bar("price").swing, d1 * 80.0);
    assert!(close(bar("coach").swing, d2 * 80.0, 1e-12));
    assert!(
        close(bar("price").high[total] - bar("price").low[total], -d1 * 80.0, 1e-12),
        "a higher price lowers the net"
    );
    // Without given values the bars span the 2.5 and 97.5 percentiles: for U(50, 150), 52.5 and 147.5.
    let t = tornado(&model, 1, "insurer", &[]).unwrap();
    let (lo, hi) = bar_values(&t, "price");
    assert!((lo - 52.5).abs() < 0.5 && (hi - 147.5).abs() < 0.5, "{lo} {hi}");
    assert_eq!(t.bars[0].parameter, "price", "only the price moves the insurer");
    assert!(tornado(&model, 1, "nobody", &[]).unwrap_err().to_string().contains("no budget or payer named 'nobody'"));
}

fn bar_values(t: &ontschot::analysis::Tornado, p: &str) -> (f64, f64) {
    t.bars.iter().find(|b| b.parameter == p).unwrap().values
}

#[test]
fn first_order_indices_of_an_additive_model_equal_the_analytic_variance_shares() {
    let model = Model::new(&linear()).unwrap();
    let (d1, d2) = d1_d2(&model);
    // total = -(price * d1 + coach * d2): shares d1^2 Var(price) : d2^2 Var(coach).
    let (v1, v2) = (d1 * d1 * 100.0f64.powi(2) / 12.0, d2 * d2 * 80.0f64.powi(2) / 12.0);
    let expected = [v1 / (v1 + v2), v2 / (v1 + v2)];
    let r = Simulation::new(&model).iterations(10_000).seed(8).run().unwrap();
    let s = first_order(&model, &r, 1).unwrap();
    let total = parties(&model).iter().position(|p| p == "total").unwrap();
    for (k, name) in ["coach", "price"].iter().enumerate() {
        let got = s.iter().find(|f| f.parameter == *name).unwrap().index[total];
        let want = if *name == "price" { expected[0] } else { expected[1] };
        assert!((got - want).abs() < 0.03, "{name}: {got} vs {want} ({k})");
    }
}

#[test]
fn evpi_is_zero_without_uncertainty_and_never_negative() {
    let model = Model::new(&alive_dead("half_cycle")).unwrap();
    let r = Simulation::new(&model).iterations(200).run().unwrap();
    assert!(evpi(&model, &r, 1).unwrap().iter().all(|v| v.value == 0.0));
    let model = Model::new(&Scenario::from_file(seed("samenoud.toml")).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(500).run().unwrap();
    let v = evpi(&model, &r, 1).unwrap();
    assert!(v.iter().all(|x| x.value >= 0.0) && v.last().unwrap().party == "society");
}

/// One person, care 1,000 a year saved by (1 - rr), a coach of uncertain cost: the total net
/// changes sign across the draws.
const SIGN: &str = r#"
name = "sign"
horizon_years = 2
[discount]
costs = 0
[population]
size = 1
[parameters.rr]
dist = "uniform"
min = 0.5
max = 1.1
[parameters.coach]
dist = "gamma"
mean = 200
sd = 60
[[states]]
name = "alive"
initial = 1
[transitions.from.alive]
alive = "rest"
[[categories]]
name = "care"
price = 100
paid_by = { zvw = 1 }
use_per_year = { alive = 10 }
[[arms]]
name = "usual_care"
[[arms]]
name = "programme"
[[arms.costs]]
name = "coach"
kind = "per_participant_year"
amount = "coach"
paid_by = { wmo = 1 }
[[arms.use_effects]]
category = "care"
rate_ratio = "rr"
"#;

#[test]
fn evppi_by_regression_matches_a_brute_force_nested_monte_carlo() {
    let model = Model::new(&Scenario::from_toml_str(SIGN).unwrap()).unwrap();
    let total = parties(&model).iter().position(|p| p == "total").unwrap();
    let r = Simulation::new(&model).iterations(4000).seed(2).run().unwrap();
    let regression = evppi(&model, &r, 1, &["rr"]).unwrap()[total].value;
    // Nested: outer draws of rr, inner expectation over the coach's cost by re-running.
    let outer = 150;
    let inner = 400;
    let mut informed = 0.0;
    let mut all = 0.0;
    for k in 0..outer {
        let rr = 0.5 + 0.6 * (k as f64 + 0.5) / outer as f64;
        let run = Simulation::new(&model).iterations(inner).seed(100 + k as u64).fix("rr", rr).unwrap().run().unwrap();
        let m = nets(&run, 1).unwrap()[total].iter().sum::<f64>() / inner as f64;
        informed += m.max(0.0) / outer as f64;
        all += m / outer as f64;
    }
    let nested = informed - all.max(0.0);
    // Inner means carry Monte Carlo error (coach SD 60 x 2 years / sqrt(400) = 6 per outer draw);
    // compare within a tolerance of that size.
    assert!((regression - nested).abs() < 6.0, "regression {regression} vs nested {nested}");
    assert!(nested > 10.0, "the case has real value of information: {nested}");
    // Perfect information about everything is worth at least as much.
    assert!(evpi(&model, &r, 1).unwrap()[total].value >= regression - 1e-9);
}

#[test]
fn acceptability_at_zero_willingness_to_pay_is_the_probability_of_saving() {
    let model = Model::new(&Scenario::from_file(seed("samenoud.toml")).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(2000).seed(4).run().unwrap();
    let curve = acceptability(&r, 1, &[0.0, 20_000.0, 80_000.0]).unwrap();
    let s = r.summary(1).unwrap();
    assert_eq!(curve[0].society, s.total.probability_gain);
    assert_eq!(curve[1].society, s.health.probability_cost_effective.unwrap());
    assert!(curve[2].society >= curve[0].society - 0.2);
    let no_qalys = Model::new(&Scenario::from_file(seed("welzijn_op_recept.toml")).unwrap()).unwrap();
    let r = Simulation::new(&no_qalys).iterations(10).run().unwrap();
    assert!(acceptability(&r, 1, &[0.0]).unwrap_err().to_string().contains("needs QALYs"));
}

#[test]
fn an_acceptability_curve_refuses_a_willingness_to_pay_that_is_no_amount() {
    let model = Model::new(&Scenario::from_file(seed("samenoud.toml")).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(20).seed(4).run().unwrap();
    for (w, shown) in [(f64::NAN, "NaN"), (f64::INFINITY, "inf"), (-1.0, "-1")] {
        let err = acceptability(&r, 1, &[20_000.0, w]).unwrap_err().to_string();
        assert_eq!(err, format!("simulation.willingness_to_pay: must be a finite number >= 0, got {shown}"));
    }
}

#[test]
fn two_way_cells_equal_runs_with_both_parameters_fixed() {
    let model = Model::new(&linear()).unwrap();
    let g = two_way(&model, 1, "total", ("price", &[60.0, 140.0]), ("coach", &[20.0, 80.0]), 50, 3).unwrap();
    let direct = Simulation::new(&model)
        .iterations(50)
        .seed(3)
        .fix("price", 140.0)
        .unwrap()
        .fix("coach", 20.0)
        .unwrap()
        .run()
        .unwrap();
    assert!(close(g.mean[1][0], direct.summary(1).unwrap().total.net.mean, 1e-12));
    assert!(g.mean[0][0] > g.mean[1][0] && g.mean[0][0] > g.mean[0][1], "higher costs, lower net");
    // One parameter on both axes would let y overwrite x unseen.
    let err = two_way(&model, 1, "total", ("price", &[60.0]), ("price", &[140.0]), 50, 3).unwrap_err().to_string();
    assert_eq!(err, "simulation.y: 'price' is also x: a two-way grid needs two different parameters");
}

#[test]
fn the_health_summary_gives_every_dutch_reference_value_and_a_burden_sets_the_one_in_use() {
    let mut s = ontschot::seeds::samenoud();
    s.analysis.burden = Some(ontschot::Burden::Medium);
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(200).run().unwrap();
    let h = r.summary(1).unwrap().health;
    assert_eq!(h.willingness_to_pay, 50_000.0);
    let values: Vec<f64> = h.reference_values.iter().map(|v| v.willingness_to_pay).collect();
    assert_eq!(values, [20_000.0, 50_000.0, 80_000.0]);
    // The one in use is the medium class's; each is wtp x QALYs - costs.
    let medium = &h.reference_values[1];
    assert_eq!(medium.net_monetary_benefit.mean, h.net_monetary_benefit.as_ref().unwrap().mean);
    let q = h.qalys.as_ref().unwrap().mean;
    let step = h.reference_values[2].net_monetary_benefit.mean - medium.net_monetary_benefit.mean;
    assert!((step - 30_000.0 * q).abs() <= 1e-6 * step.abs().max(1.0));
    // A willingness to pay that contradicts the burden class is refused by field.
    s.analysis.willingness_to_pay = Some(30_000.0);
    let err = Model::new(&s).unwrap_err().to_string();
    assert!(err.contains("analysis.willingness_to_pay") && err.contains("burden 'medium'"), "{err}");
}
