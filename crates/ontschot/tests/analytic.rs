//! Results that can be computed by hand: every cycle convention on a fixed scenario, a two-state
//! chain against its closed form, and fixed parameters against the deterministic run.

mod common;

use common::*;
use ontschot::{Model, Scenario, Simulation};

const TOL: f64 = 1e-12;

/// Person-years alive per cycle, by convention, for survival 0.9^t (usual care) or 0.95^t.
fn weighted(convention: &str, s: f64) -> [f64; 3] {
    let m = [1.0, s, s * s, s * s * s];
    match convention {
        "start" => [m[0], m[1], m[2]],
        "end" => [m[1], m[2], m[3]],
        "half_cycle" => [(m[0] + m[1]) / 2.0, (m[1] + m[2]) / 2.0, (m[2] + m[3]) / 2.0],
        "simpson" => [
            (5.0 * m[0] + 8.0 * m[1] - m[2]) / 12.0,
            (-m[0] + 8.0 * m[1] + 5.0 * m[2]) / 12.0,
            (-m[1] + 8.0 * m[2] + 5.0 * m[3]) / 12.0,
        ],
        _ => unreachable!(),
    }
}

#[test]
fn every_cycle_convention_matches_hand_computed_discounted_totals() {
    for convention in ["start", "end", "half_cycle", "simpson"] {
        let r = run(&alive_dead(convention), 3, 1);
        let uc = weighted(convention, 0.9);
        let iv = weighted(convention, 0.95);
        let df = [1.0, 1.0 / 1.03, 1.0 / 1.03f64.powi(2)];
        let de = [1.0, 1.0 / 1.015, 1.0 / 1.015f64.powi(2)];
        // Arrays per year, undiscounted.
        for y in 0..3 {
            assert!(close(r.care(0).unwrap()[[0, y, 0]], 100.0 * uc[y], TOL), "{convention} usual care year {y}");
            assert!(close(r.care(1).unwrap()[[0, y, 0]], 100.0 * iv[y], TOL), "{convention} programme care year {y}");
            assert!(
                close(r.programme(1).unwrap()[[0, y, 1]], 50.0 * iv[y], TOL),
                "{convention} programme cost year {y}"
            );
            assert!(close(r.effects(1).unwrap()[[0, y, 1]], 0.8 * iv[y], TOL), "{convention} QALYs year {y}");
        }
        // Summary: discounted over the horizon.
        let s = r.summary(1).unwrap();
        let zvw_saves: f64 = (0..3).map(|y| 100.0 * (uc[y] - iv[y]) * df[y]).sum();
        let wmo_invests: f64 = (0..3).map(|y| 50.0 * iv[y] * df[y]).sum();
        let ly: f64 = (0..3).map(|y| (iv[y] - uc[y]) * de[y]).sum();
        assert!(
            close(s.budgets[0].savings.mean, zvw_saves, TOL),
            "{convention}: {} vs {zvw_saves}",
            s.budgets[0].savings.mean
        );
        assert!(close(s.budgets[1].investment.mean, wmo_invests, TOL), "{convention}");
        assert!(close(s.total.net.mean, zvw_saves - wmo_invests, TOL), "{convention}");
        assert!(close(s.health.life_years.mean, ly, TOL), "{convention}");
        assert!(close(s.health.qalys.unwrap().mean, 0.8 * ly, TOL), "{convention}");
        let icer = (wmo_invests - zvw_saves) / (0.8 * ly);
        assert!(close(s.health.icer.unwrap(), icer, 1e-9), "{convention}");
    }
}

#[test]
fn simpson_integrates_the_survival_curve_more_closely_than_the_trapezoid() {
    // Exact person-years under 0.9^t over 3 years: (1 - 0.9^3) / -ln(0.9).
    let exact = (1.0 - 0.9f64.powi(3)) / -(0.9f64.ln());
    let total = |c: &str| weighted(c, 0.9).iter().sum::<f64>();
    let simpson = (total("simpson") - exact).abs();
    let trapezoid = (total("half_cycle") - exact).abs();
    assert!(simpson < trapezoid / 10.0, "simpson error {simpson}, trapezoid error {trapezoid}");
    let r = run(&alive_dead("simpson"), 1, 1);
    let engine: f64 = (0..3).map(|y| r.effects(0).unwrap()[[0, y, 0]]).sum();
    assert!(close(engine, total("simpson"), TOL));
}

#[test]
fn two_state_chain_equals_its_closed_form() {
    // p(a -> b) = p, p(b -> a) = q per quarter: m_a(t) = q/(p+q) + (1 - q/(p+q)) (1-p-q)^t.
    let (p, q): (f64, f64) = (0.12, 0.05);
    let text = format!(
        r#"
name = "two-state"
horizon_years = 4
cycle_years = 0.25
cycle_convention = "end"
[discount]
costs = 0
effects = 0
[population]
size = 1000
[[states]]
name = "a"
initial = 1
[[states]]
name = "b"
[transitions.from.a]
a = "rest"
b = {p}
[transitions.from.b]
b = "rest"
a = {q}
[[categories]]
name = "in_a"
price = 1
paid_by = {{ zvw = 1 }}
use_per_year = {{ a = 1 }}
[[arms]]
name = "usual_care"
[[arms]]
name = "same"
"#
    );
    let r = run(&Scenario::from_toml_str(&text).unwrap(), 1, 1);
    let eq = q / (p + q);
    for year in 0..4 {
        let expected: f64 = (1..=4).map(|k| 1000.0 * 0.25 * (eq + (1.0 - eq) * (1.0 - p - q).powi(4 * year + k))).sum();
        let got = r.care(0).unwrap()[[0, year as usize, 0]];
        assert!(close(got, expected, 1e-12), "year {year}: {got} vs {expected}");
    }
}

#[test]
fn rates_convert_with_competing_risks() {
    // One exit at rate r gives p = 1 - exp(-r * dt); two exits share 1 - exp(-R dt) by rate.
    let text = r#"
name = "rates"
horizon_years = 1
cycle_years = 0.5
cycle_convention = "end"
[discount]
costs = 0
[population]
size = 1
[[states]]
name = "well"
initial = 1
[[states]]
name = "ill"
[[states]]
name = "dead"
dead = true
[transitions]
kind = "rate"
[transitions.from.well]
well = "rest"
ill = 0.3
dead = 0.1
[transitions.from.ill]
ill = "rest"
[[categories]]
name = "ill_days"
price = 1
paid_by = { zvw = 1 }
use_per_year = { ill = 1 }
[[arms]]
name = "usual_care"
[[arms]]
name = "same"
"#;
    let r = run(&Scenario::from_toml_str(text).unwrap(), 1, 1);
    let stay = (-0.4f64 * 0.5).exp();
    let to_ill = 0.3 / 0.4 * (1.0 - stay);
    let ill1 = to_ill;
    let ill2 = ill1 + stay * to_ill;
    let expected = 0.5 * (ill1 + ill2);
    assert!(close(r.care(0).unwrap()[[0, 0, 0]], expected, 1e-12), "{} vs {expected}", r.care(0).unwrap()[[0, 0, 0]]);
}

#[test]
fn with_fixed_parameters_every_iteration_equals_the_deterministic_run() {
    let s = alive_dead("half_cycle");
    let model = Model::new(&s).unwrap();
    let sim = Simulation::new(&model).iterations(37).seed(5);
    let mc = sim.run().unwrap();
    let det = sim.deterministic().unwrap();
    for arm in 0..2 {
        for it in 0..37 {
            assert_eq!(
                mc.care(arm).unwrap().index_axis(ndarray::Axis(0), it),
                det.care(arm).unwrap().index_axis(ndarray::Axis(0), 0)
            );
            assert_eq!(
                mc.programme(arm).unwrap().index_axis(ndarray::Axis(0), it),
                det.programme(arm).unwrap().index_axis(ndarray::Axis(0), 0)
            );
            assert_eq!(
                mc.effects(arm).unwrap().index_axis(ndarray::Axis(0), it),
                det.effects(arm).unwrap().index_axis(ndarray::Axis(0), 0)
            );
        }
    }
}

#[test]
fn uptake_ramp_up_and_fading_follow_their_definitions() {
    // Half take part; of them half start in cycle 1 and half in cycle 2; the effect lasts one
    // cycle and fades over one more (weight 1/2), so the relative risk applies as 0.5^w.
    let text = common::ALIVE_DEAD.replace("CONVENTION", "start").replace(
        "name = \"programme\"\n",
        "name = \"programme\"\nuptake = 0.5\nramp_up = [0.5, 1]\neffect_duration_cycles = 1\neffect_fade_cycles = 1\n",
    );
    let r = run(&Scenario::from_toml_str(&text).unwrap(), 1, 1);
    let uc = [1.0, 0.9, 0.81];
    // Group starting in cycle 1: death 0.05, then 0.1 * 0.5^0.5, then 0.1.
    let g1 = [1.0, 0.95, 0.95 * (1.0 - 0.1 * 0.5f64.sqrt())];
    // Group starting in cycle 2: usual care in cycle 1, then 0.05, then 0.1 * 0.5^0.5.
    let g2 = [1.0, 0.9, 0.9 * 0.95];
    for y in 0..3 {
        let expected = 100.0 * (0.5 * uc[y] + 0.25 * g1[y] + 0.25 * g2[y]);
        assert!(
            close(r.care(1).unwrap()[[0, y, 0]], expected, 1e-12),
            "year {y}: {} vs {expected}",
            r.care(1).unwrap()[[0, y, 0]]
        );
        let participants = 0.25 * g1[y] + if y >= 1 { 0.25 * g2[y] } else { 0.0 };
        assert!(close(r.programme(1).unwrap()[[0, y, 1]], 50.0 * participants, 1e-12), "programme year {y}");
    }
}

#[test]
fn tables_by_cycle_and_by_age_and_effects_limited_to_cycles() {
    // Death 0.1 in cycles 1-2 and 0.3 from cycle 3 (by cycle), or the same by age from 80 with a
    // band starting at 82; the intervention's relative risk 0.5 works only in cycle 2.
    let by = |axis: &str, breaks: &str| {
        common::ALIVE_DEAD
            .replace("CONVENTION", "end")
            .replace("dead = \"p_death\"", "dead = \"mortality\"")
            .replace("size = 1", "size = 1\nstart_age = 80")
            .replace("relative_risk = \"rr\"", "relative_risk = \"rr\"\ncycles = [2, 2]")
            + &format!("[tables.mortality]\nby = \"{axis}\"\nbreaks = {breaks}\nvalues = [\"p_death\", 0.3]\n")
    };
    for (axis, breaks) in [("cycle", "[1, 3]"), ("age", "[75, 82]")] {
        let r = run(&Scenario::from_toml_str(&by(axis, breaks)).unwrap(), 1, 1);
        let uc = [0.9, 0.81, 0.81 * 0.7];
        let iv = [0.9, 0.9 * 0.95, 0.9 * 0.95 * 0.7];
        for y in 0..3 {
            assert!(close(r.care(0).unwrap()[[0, y, 0]], 100.0 * uc[y], 1e-12), "{axis} usual care year {y}");
            assert!(close(r.care(1).unwrap()[[0, y, 0]], 100.0 * iv[y], 1e-12), "{axis} intervention year {y}");
        }
    }
    // A table where a value must be fixed over the horizon is refused.
    let text = by("cycle", "[1, 3]").replace("price = 100", "price = \"mortality\"");
    let (paths, message) = invalid(&Scenario::from_toml_str(&text).unwrap());
    assert!(paths.contains(&"categories[0].price".to_string()) && message.contains("varies by cycle"), "{message}");
}

#[test]
fn participants_and_units_are_counted() {
    let r = run(&alive_dead("start"), 1, 1);
    // Everyone takes part from cycle 1: participant-years equal life-years, 1 person starts.
    let e = r.effects(1).unwrap();
    for y in 0..3 {
        assert!(close(e[[0, y, 2]], e[[0, y, 0]], 1e-12));
        assert!(close(r.units(1).unwrap()[[0, y, 0]], e[[0, y, 0]], 1e-12), "one unit of care per person-year");
    }
    assert_eq!((e[[0, 0, 3]], e[[0, 1, 3]]), (1.0, 0.0));
    assert_eq!(r.effects(0).unwrap()[[0, 0, 2]], 0.0, "usual care has no participants");
}

#[test]
fn the_trace_and_the_events_follow_the_chain_and_its_participants() {
    // Half take part; participants die at 0.05 a year, the others at 0.1.
    let text = common::ALIVE_DEAD
        .replace("CONVENTION", "end")
        .replace("name = \"programme\"\n", "name = \"programme\"\nuptake = 0.5\n");
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(2).trace(true).run().unwrap();
    for (arm, alive) in [(0, [1.0, 0.9, 0.81, 0.729]), (1, [1.0, 0.925, 0.85625, 0.7931875])] {
        let (trace, events) = (r.trace(arm).unwrap().unwrap(), r.events(arm).unwrap().unwrap());
        assert_eq!(trace.shape(), [2, 4, 2]);
        assert_eq!(events.shape(), [2, 3, 2]);
        for (p, a) in alive.iter().enumerate() {
            assert!(close(trace[[1, p, 0]], *a, 1e-12), "arm {arm} point {p}: {}", trace[[1, p, 0]]);
            assert!(
                close(trace[[1, p, 0]] + trace[[1, p, 1]], 1.0, 1e-12),
                "arm {arm} point {p}: everybody is somewhere"
            );
        }
        for y in 0..3 {
            // Deaths in a year are the fall in the living; nobody enters the living.
            assert!(close(events[[1, y, 1]], alive[y] - alive[y + 1], 1e-12), "arm {arm} year {y}");
            assert_eq!(events[[1, y, 0]], 0.0);
        }
    }
    // Without the trace the arrays are not kept; the individual mode refuses it.
    assert!(run(&alive_dead("end"), 1, 1).trace(0).unwrap().is_none());
    let err = Simulation::new(&model).mode(ontschot::Mode::Individual).trace(true).iterations(1).run().unwrap_err();
    assert!(err.to_string().contains("trace"), "{err}");
}

#[test]
fn weights_per_cycle_give_the_conventions_they_spell_out() {
    // [0.5, 0.5] in every cycle is the half-cycle correction, [1, 0] counting at the start: the
    // same numbers, bit for bit.
    for (convention, pair) in [("half_cycle", [0.5, 0.5]), ("start", [1.0, 0.0]), ("end", [0.0, 1.0])] {
        let mut weighted = alive_dead("weights");
        weighted.cycle_weights = Some(vec![pair; 3]);
        let (a, b) = (run(&weighted, 2, 1), run(&alive_dead(convention), 2, 1));
        for arm in 0..2 {
            assert_eq!(a.care(arm).unwrap(), b.care(arm).unwrap(), "{convention}");
            assert_eq!(a.effects(arm).unwrap(), b.effects(arm).unwrap(), "{convention}");
        }
    }
    // One pair per cycle; not with entrants, whose courses are shorter.
    let mut s = alive_dead("weights");
    s.cycle_weights = Some(vec![[0.5, 0.5]; 2]);
    let (paths, m) = invalid(&s);
    assert_eq!(paths, ["cycle_weights"]);
    assert!(m.contains("needs one pair [start, end] per cycle: 3, got 2"), "{m}");
    s.cycle_weights = Some(vec![[0.5, 0.5]; 3]);
    s.population.inflow = 10.0;
    let (paths, _) = invalid(&s);
    assert_eq!(paths, ["cycle_convention"]);
    let (paths, _) = invalid(&alive_dead("weights"));
    assert_eq!(paths, ["cycle_convention"], "weights without cycle_weights");
}

#[test]
fn discounting_at_each_point_discounts_every_trace_point_at_its_own_time() {
    // Half-cycle counting, each point at its own time: usual care's care costs are
    // 100 * sum over cycles of (m[t-1] d^(t-1) + m[t] d^t) / 2 with d = 1/1.03, over 3 years.
    let mut s = alive_dead("half_cycle");
    s.discount.timing = ontschot::DiscountTiming::Point;
    let r = run(&s, 1, 1);
    let m = |t: i32| 0.9f64.powi(t);
    let d = |t: i32| 1.03f64.powi(-t);
    let expected: f64 = (1..=3).map(|t| 100.0 * (m(t - 1) * d(t - 1) + m(t) * d(t)) / 2.0).sum();
    let got = r.strategies().unwrap().arms[0].cost.mean;
    assert!(close(got, expected, 1e-12), "{got} vs {expected}");
    // Life-years at their own rate (1.5%).
    let de = |t: i32| 1.015f64.powi(-t);
    let ly: f64 = (1..=3).map(|t| (m(t - 1) * de(t - 1) + m(t) * de(t)) / 2.0).sum();
    assert!(close(r.strategies().unwrap().arms[0].life_years.mean, ly, 1e-12));
    // The budget view, the units and the people are never discounted.
    let plain = run(&alive_dead("half_cycle"), 1, 1);
    for arm in 0..2 {
        assert_eq!(r.cash(arm).unwrap(), plain.cash(arm).unwrap());
        assert_eq!(r.units(arm).unwrap(), plain.units(arm).unwrap());
        assert_eq!(r.effects(arm).unwrap()[[0, 2, 2]], plain.effects(arm).unwrap()[[0, 2, 2]], "participant-years");
    }
    // Not in the individual mode, which has no trace.
    let mut s = alive_dead("half_cycle");
    s.discount.timing = ontschot::DiscountTiming::Point;
    s.simulation.mode = ontschot::Mode::Individual;
    let (paths, _) = invalid(&s);
    assert_eq!(paths, ["discount.timing"]);
}
