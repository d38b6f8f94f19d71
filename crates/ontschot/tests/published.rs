//! Published Markov models (the scenarios are in examples/published), written natively (no numbers computed outside the tool, no shifted
//! prices or ages, no dummy arms) and reproduced to 1e-6 relative on every figure the publication
//! gives: each arm's own discounted costs and effects, the ICER, and trace rows where published.

// The figures are written with every digit the publication gives.
#![allow(clippy::excessive_precision)]

mod common;

use ontschot::{Model, Results, Scenario, Simulation};

const TOL: f64 = 1e-6;

fn deterministic(text: &str) -> Results {
    let s = Scenario::from_toml_str(text).unwrap();
    Simulation::new(&Model::new(&s).unwrap()).trace(true).deterministic().unwrap()
}

fn assert_close(what: &str, got: f64, published: f64) {
    let rel = (got - published).abs() / published.abs();
    println!("{what}: {got} against {published}, relative difference {rel:.1e}");
    assert!(rel <= TOL, "{what}: got {got}, published {published} (relative difference {rel:.1e})");
}

/// Each arm's discounted cost, the chosen effect, and the ICER of the second arm.
fn totals(r: &Results, qalys: bool) -> ([f64; 2], [f64; 2], f64) {
    let s = r.strategies().unwrap();
    let effect = |a: usize| if qalys { s.arms[a].qalys.as_ref().unwrap().mean } else { s.arms[a].life_years.mean };
    let cost = [s.arms[0].cost.mean, s.arms[1].cost.mean];
    let eff = [effect(0), effect(1)];
    let frontier = s
        .frontiers
        .iter()
        .find(|f| f.perspective == "society" && f.effect == if qalys { "qalys" } else { "life_years" })
        .unwrap();
    let icer = frontier.points.iter().find(|p| p.arm.name == r.meta().arms[1].name).unwrap().icer.unwrap();
    (cost, eff, icer)
}

/// Chancellor et al. 1997, as Briggs, Claxton & Sculpher (2006), *Decision Modelling for Health
/// Economic Evaluation*, exercise 2.5 (tables 2.3 and 2.4): zidovudine monotherapy against
/// zidovudine with lamivudine in HIV. Figures to full precision from the book's Excel solution as
/// heemod's test `exactly match HIV model` gives them (pierucci/heemod,
/// tests/testthat/test_dmhee.R, commit 98c7da0e). Counting at the end of each cycle, costs
/// discounted 6% from the first year (end of year), life-years undiscounted.
const CHANCELLOR: &str = include_str!("../../../examples/published/chancellor_hiv.toml");

#[test]
fn chancellor_hiv_model_as_briggs_exercise_2_5() {
    let r = deterministic(CHANCELLOR);
    let (cost, ly, icer) = totals(&r, false);
    assert_close("monotherapy cost", cost[0], 44663.4535637);
    assert_close("combination cost", cost[1], 50601.6513312);
    assert_close("monotherapy life-years", ly[0], 7.9912066);
    assert_close("combination life-years", ly[1], 8.9373889);
    assert_close("ICER", icer, 6275.95560);
}

/// Briggs, Claxton & Sculpher (2006), exercise 3.5: total hip replacement, a standard prosthesis
/// against NP1. Figures from the book's Excel solution as heemod's test `Exactly match THR model`
/// gives them (pierucci/heemod, tests/testthat/test_dmhee.R, commit 98c7da0e): totals and the
/// trace of cycles 1 to 8. Counting at the start of each cycle, the first year undiscounted;
/// revision by a Weibull regression on the cycle; background mortality of a woman by the age at
/// the end of each cycle.
const THR: &str = include_str!("../../../examples/published/briggs_hip_replacement.toml");

#[test]
fn total_hip_replacement_as_briggs_exercise_3_5() {
    let r = deterministic(THR);
    let (cost, qalys, icer) = totals(&r, true);
    assert_close("standard cost", cost[0], 512.434658);
    assert_close("standard QALYs", qalys[0], 14.6531896);
    assert_close("NP1 cost", cost[1], 610.311818);
    assert_close("NP1 QALYs", qalys[1], 14.69770986);
    assert_close("ICER", icer, 2198.486665);
    // The trace of cycles 1 to 8 (success after primary, revision, success after revision,
    // dead), published to 8 decimals: equal at the digits given.
    let standard = [
        [0.98000000, 0.0000000, 0.0000000, 0.0200000],
        [0.97265720, 0.0007768, 0.0000000, 0.02656600],
        [0.96516548, 0.00097491, 0.00075606, 0.03310354],
        [0.95757109, 0.00115802, 0.00166964, 0.03960125],
        [0.93783561, 0.00132115, 0.00268314, 0.05816010],
        [0.91838963, 0.00145307, 0.00379326, 0.07636404],
        [0.89924305, 0.00157339, 0.00496429, 0.09421927],
        [0.88040225, 0.00168398, 0.00618146, 0.11173231],
    ];
    let np1 = [
        [0.98000000, 0.00000000, 0.00000000, 0.02000000],
        [0.97323145, 0.00020255, 0.00000000, 0.02656600],
        [0.96645641, 0.00025438, 0.00019715, 0.03309206],
        [0.95968665, 0.00030239, 0.00043553, 0.03957543],
        [0.94083683, 0.00034529, 0.00070021, 0.05811767],
        [0.92232657, 0.00038012, 0.00099040, 0.07630291],
        [0.90415327, 0.00041201, 0.00129686, 0.09413786],
        [0.88631355, 0.00044144, 0.00161577, 0.11162924],
    ];
    for (arm, published) in [(0, standard), (1, np1)] {
        let trace = r.trace(arm).unwrap().unwrap();
        for (t, row) in published.iter().enumerate() {
            for (k, &p) in row.iter().enumerate() {
                let got = trace[[0, t + 1, k + 1]];
                assert!((got - p).abs() <= 5e-9, "arm {arm} cycle {} state {}: {got} against {p}", t + 1, k + 1);
            }
        }
    }
}

/// Briggs & Sculpher (1998), "Introducing Markov models for economic evaluation",
/// PharmacoEconomics 13(4):397-409: asymptomatic and progressive disease, a drug that halves
/// progression. Figures are the values the authors' workbook holds (Excel-R-tutorials/
/// Markov-model-introduction, original_Excel_files/Media_343196_smxx.xlsm, commit c7177d5e, sheet
/// "Markov Model" B60:C63, K53, AA53), which Green et al. (2023, PharmacoEconomics 41) print
/// rounded. Counting at the end of each cycle, costs and QALYs discounted 6% from the first year
/// (end of year). The workbook charges the cost of a disease death on the progressive state's
/// occupancy at the end of a cycle (its occupancy times the chance of a disease death in the next
/// cycle times the cost of a death), up to the last cycle but one: so does this scenario.
const BRIGGS_SCULPHER: &str = include_str!("../../../examples/published/briggs_sculpher_three_state.toml");

#[test]
fn briggs_sculpher_three_state_model() {
    let r = deterministic(BRIGGS_SCULPHER);
    let (cost, qalys, icer) = totals(&r, true);
    assert_close("no drug cost", cost[0], 9264.8968067327023);
    assert_close("no drug QALYs", qalys[0], 7.7559516801447357);
    assert_close("drug cost", cost[1], 16155.440438662308);
    assert_close("drug QALYs", qalys[1], 8.6247378423777317);
    assert_close("ICER", icer, 7931.2308729908855);
    let (_, ly, _) = totals(&r, false);
    assert_close("no drug life-years", ly[0], 8.560172448161028);
    assert_close("drug life-years", ly[1], 9.3504181283309364);
}

/// Alarid-Escudero et al. (2023), the DARTH time-independent Sick-Sicker model with four
/// strategies: every trace point weighted by DARTH's Simpson weights and discounted at its own
/// time. The publication (manuscript/cSTM_Tutorial_Intro.tex of
/// DARTH-git/cohort-modeling-tutorial-intro, commit d3c5497) prints costs to $1, QALYs and the
/// trace to 0.001: equal at those digits. The reference code's own figures (computed from
/// analysis/cSTM_time_indep.R operation for operation) to 1e-9.
const DARTH: &str = include_str!("../../../examples/published/darth_sick_sicker.toml");

#[test]
fn darth_sick_sicker_with_four_strategies() {
    let r = deterministic(DARTH);
    let s = r.strategies().unwrap();
    let code = [
        (151579.8659573899, 20.711331464322),
        (284804.5133705726, 21.498662808438),
        (259100.4106170045, 22.184465140845),
        (378875.1983944922, 23.136844135003),
    ];
    let printed = [(151_580.0, 20.711), (284_805.0, 21.499), (259_100.0, 22.184), (378_875.0, 23.137)];
    for (a, arm) in s.arms.iter().enumerate() {
        let (cost, qalys) = (arm.cost.mean, arm.qalys.as_ref().unwrap().mean);
        let rel = |x: f64, y: f64| (x - y).abs() / y;
        println!(
            "{}: cost {cost} (code {}, {:.1e}), QALYs {qalys} (code {}, {:.1e})",
            arm.arm.name,
            code[a].0,
            rel(cost, code[a].0),
            code[a].1,
            rel(qalys, code[a].1)
        );
        assert!(rel(cost, code[a].0) <= 1e-9 && rel(qalys, code[a].1) <= 1e-9, "{}", arm.arm.name);
        assert_eq!(
            (cost.round(), (qalys * 1000.0).round() / 1000.0),
            printed[a],
            "{} at the printed digits",
            arm.arm.name
        );
    }
    let f = s.frontiers.iter().find(|f| f.perspective == "society" && f.effect == "qalys").unwrap();
    let at = |name: &str| f.points.iter().find(|p| p.arm.name == name).unwrap();
    assert_eq!(at("b").icer.unwrap().round(), 72_988.0);
    assert_eq!(at("ab").icer.unwrap().round(), 125_764.0);
    assert_eq!(at("a").dominance, ontschot::Dominance::Dominated { by: "b".into() });
    // The trace of standard of care, cycles 0 to 5 (healthy, sick, sicker, dead).
    let published = [
        [1.000, 0.000, 0.000, 0.000],
        [0.859, 0.139, 0.000, 0.002],
        [0.792, 0.189, 0.014, 0.005],
        [0.755, 0.206, 0.032, 0.008],
        [0.729, 0.208, 0.052, 0.011],
        [0.707, 0.206, 0.072, 0.015],
    ];
    let trace = r.trace(0).unwrap().unwrap();
    for (t, row) in published.iter().enumerate() {
        for (k, p) in row.iter().enumerate() {
            assert_eq!((trace[[0, t, k]] * 1000.0).round() / 1000.0, *p, "cycle {t} state {k}");
        }
    }
}
