//! Financing arrangements: an analytic case for each, conservation of money, and the solver
//! against a brute-force grid.

mod common;

use common::*;
use ontschot::finance::{Goal, SolveOptions, compare, solve};
use ontschot::{Model, Scenario, Simulation};
use proptest::prelude::*;

/// One person who never dies; usual care uses 10 units a year at 100 (Zvw, 1,000 a year); the
/// intervention cuts use by 20% (saving the Zvw 200 a year) and costs 150 a year, paid by the Wmo.
/// No discounting, so every year is alike: total net +50 a year.
const FLAT: &str = r#"
name = "flat"
horizon_years = 3
[discount]
costs = 0
effects = 0
[population]
size = 1
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
amount = 150
paid_by = { wmo = 1 }
[[arms.use_effects]]
category = "care"
rate_ratio = 0.8
[budgets.investor]
payer = "bank"
[payers.bank]
label = "Investor"
"#;

fn with(arrangements: &str) -> ontschot::Results {
    let s = Scenario::from_toml_str(&format!("{FLAT}\n{arrangements}")).unwrap();
    run(&s, 2, 1)
}

/// Transfers of year `y` for budgets zvw, wmo, investor (iteration 0), + = pays.
fn year(r: &ontschot::Results, y: usize) -> Vec<f64> {
    let t = r.transfers(1).expect("arrangements applied");
    (0..3).map(|b| t[[0, y, b]]).collect()
}

fn assert_year(r: &ontschot::Results, y: usize, expected: [f64; 3]) {
    let got = year(r, y);
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < 1e-9, "year {y}: got {got:?}, expected {expected:?}");
    }
}

#[test]
fn shared_savings_pass_a_share_of_realised_savings() {
    let r = with("[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"zvw\"\nto = \"wmo\"\nshare = 0.5\n");
    for y in 0..3 {
        assert_year(&r, y, [100.0, -100.0, 0.0]);
    }
    let s = r.summary(1).unwrap();
    assert!((s.budgets[0].net.mean - 600.0).abs() < 1e-9 && (s.budgets[0].net_after.mean - 300.0).abs() < 1e-9);
    assert!((s.budgets[1].net_after.mean - (-450.0 + 300.0)).abs() < 1e-9);
    assert!((s.budgets[1].transfers.mean - 300.0).abs() < 1e-9);
    // A cap per settlement, and settling once at the end.
    let r = with(
        "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"insurer\"\nto = \"municipality\"\nshare = 0.75\ncap = 120\n",
    );
    assert_year(&r, 1, [120.0, -120.0, 0.0]);
    let r = with(
        "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"zvw\"\nto = \"wmo\"\nshare = 0.5\nsettle = \"end\"\n",
    );
    assert_year(&r, 0, [0.0, 0.0, 0.0]);
    assert_year(&r, 2, [300.0, -300.0, 0.0]);
}

#[test]
fn shared_losses_and_a_floor() {
    // The Wmo "saves" -150 a year: without shared losses nothing moves, with them the Zvw pays
    // half the loss, and a floor limits what it pays.
    let r = with("[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"wmo\"\nto = \"zvw\"\nshare = 0.5\n");
    assert_year(&r, 0, [0.0, 0.0, 0.0]);
    let r = with(
        "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"wmo\"\nto = \"zvw\"\nshare = 0.5\nshared_losses = true\n",
    );
    assert_year(&r, 0, [75.0, -75.0, 0.0]);
    let r = with(
        "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"wmo\"\nto = \"zvw\"\nshare = 0.5\nshared_losses = true\nfloor = -40\n",
    );
    assert_year(&r, 0, [40.0, -40.0, 0.0]);
}

#[test]
fn fixed_contributions_per_year_and_per_participant() {
    let r = with("[[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"zvw\"\nto = \"wmo\"\namount = 30\n");
    assert_year(&r, 2, [30.0, -30.0, 0.0]);
    let r = with(
        "[[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"zvw\"\nto = \"wmo\"\namount = 30\nper = \"enrolment\"\n",
    );
    assert_year(&r, 0, [30.0, -30.0, 0.0]);
    assert_year(&r, 1, [0.0, 0.0, 0.0]);
    let r = with(
        "[[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"zvw\"\nto = \"wmo\"\namount = 30\nper = \"participant_year\"\n",
    );
    assert_year(&r, 1, [30.0, -30.0, 0.0]);
}

#[test]
fn pooled_budgets_by_key_and_by_expected_benefit() {
    let r = with("[[arrangements]]\ntype = \"pooled_budget\"\nkey = { insurer = 0.6, municipality = 0.4 }\n");
    assert_year(&r, 0, [90.0, -150.0 + 60.0, 0.0]);
    // Only the insurer expects a benefit, so it pays the whole intervention.
    let r = with("[[arrangements]]\ntype = \"pooled_budget\"\n");
    assert_year(&r, 0, [150.0, -150.0, 0.0]);
}

#[test]
fn outcome_payments_and_a_social_impact_bond() {
    // 2 units of care avoided a year.
    let r = with(
        "[[arrangements]]\ntype = \"outcome_payment\"\nfrom = \"zvw\"\nto = \"wmo\"\nprice = 10\noutcome = { avoided = \"care\" }\n",
    );
    assert_year(&r, 0, [20.0, -20.0, 0.0]);
    let r = with(
        "[[arrangements]]\ntype = \"outcome_payment\"\nfrom = \"zvw\"\nto = \"wmo\"\nprice = 10\noutcome = { avoided = \"care\", unit_size = 0.5 }\ncap = 30\n",
    );
    assert_year(&r, 0, [30.0, -30.0, 0.0]);
    // The investor pays the 150 a year and is repaid 100 per unit avoided (200 a year), capped at
    // its outstanding balance grown by 10% a year: 165 every year (repaid money stops earning).
    let r = with(
        "[[arrangements]]\ntype = \"social_impact_bond\"\ninvestor = \"investor\"\npayer = \"zvw\"\nprice = 100\noutcome = { avoided = \"care\" }\nmax_return = 0.1\n",
    );
    assert_year(&r, 0, [165.0, -150.0, 150.0 - 165.0]);
    assert_year(&r, 1, [165.0, -150.0, 150.0 - 165.0]);
    assert_year(&r, 2, [165.0, -150.0, 150.0 - 165.0]);
    // A pool after the bond has nothing left to refund: the investor keeps paying.
    let r = with(
        "[[arrangements]]\ntype = \"social_impact_bond\"\ninvestor = \"investor\"\npayer = \"zvw\"\nprice = 100\noutcome = { avoided = \"care\" }\nmax_return = 0.1\n\
         [[arrangements]]\ntype = \"pooled_budget\"\nkey = { insurer = 1 }\n",
    );
    assert_year(&r, 0, [165.0, -150.0, 150.0 - 165.0]);
    // A cap below the floor: the cap prevails (and nothing panics).
    let r = with("[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"zvw\"\nto = \"wmo\"\nshare = 0.5\ncap = 10\n");
    assert_year(&r, 0, [10.0, -10.0, 0.0]);
}

#[test]
fn unknown_parties_and_bad_terms_are_refused() {
    let s = Scenario::from_toml_str(&format!(
        "{FLAT}\n[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"zwv\"\nto = \"wmo\"\nshare = 1.5\n"
    ))
    .unwrap();
    let (paths, message) = invalid(&s);
    assert!(
        paths.contains(&"arrangements[0].from".to_string()) && message.contains("'zwv' is not a budget or payer"),
        "{message}"
    );
    assert!(message.contains("arrangements[0].share: must be in [0, 1], got 1.5"), "{message}");
    let err = Scenario::from_toml_str(&format!("{FLAT}\n[[arrangements]]\ntype = \"gift\"\n")).unwrap_err();
    assert!(err.to_string().contains("unknown variant `gift`"), "{err}");
}

fn conservation_scenario(arrangements: &str) -> Scenario {
    let mut base = Scenario::from_file(seed("samenoud.toml")).unwrap();
    base.arrangements.clear();
    base.alternatives.clear();
    let text = format!(
        "{}\n[budgets.investor]\npayer = \"bank\"\n[payers.bank]\nlabel = \"Bank\"\n{arrangements}",
        base.to_toml_string()
    );
    Scenario::from_toml_str(&text).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]
    #[test]
    fn arrangements_only_move_money(share in 0.0f64..=1.0, amount in 0.0f64..1e5, price in 0.0f64..5e3, losses in any::<bool>(), end in any::<bool>(), seed in any::<u64>()) {
        let arrangements = format!(
            "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"care_office\"\nto = \"insurer\"\nshare = {share}\nshared_losses = {losses}\nsettle = \"{}\"\n\
             [[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"wlz\"\nto = \"municipality\"\namount = {amount}\nper = \"participant_year\"\n\
             [[arrangements]]\ntype = \"pooled_budget\"\n\
             [[arrangements]]\ntype = \"social_impact_bond\"\ninvestor = \"investor\"\npayer = \"wlz\"\nprice = {price}\noutcome = {{ avoided = \"nursing_home\", unit_size = 30.4 }}\nmax_return = 0.08\n\
             [[arrangements]]\ntype = \"outcome_payment\"\nfrom = \"zvw\"\nto = \"wmo\"\nprice = {price}\noutcome = {{ avoided = \"hospital\", unit_size = 7 }}\n",
            if end { "end" } else { "yearly" }
        );
        let r = run(&conservation_scenario(&arrangements), 30, seed);
        let t = r.transfers(1).unwrap();
        for i in 0..30 {
            for y in 0..5 {
                let sum: f64 = (0..t.shape()[2]).map(|b| t[[i, y, b]]).sum();
                let scale: f64 = (0..t.shape()[2]).map(|b| t[[i, y, b]].abs()).sum::<f64>().max(1.0);
                prop_assert!(sum.abs() <= 1e-9 * scale, "iteration {} year {}: transfers sum to {}", i, y, sum);
            }
        }
        let s = r.summary(1).unwrap();
        prop_assert!(close(s.total.net_after.mean, s.total.net.mean, 1e-9));
        let after: f64 = s.payers.iter().map(|p| p.net_after.mean).sum();
        prop_assert!(close(after, s.total.net.mean, 1e-9));
        prop_assert!(r.transfers(0).unwrap().iter().all(|x| *x == 0.0), "the comparator has no transfers");
    }
}

#[test]
fn solver_matches_a_brute_force_grid_of_reruns() {
    // Welzijn op Recept with the coach paid half by the insurer's budget through a fixed
    // contribution per person starting; vary the amount.
    let base = Scenario::from_file(seed("welzijn_op_recept.toml")).unwrap();
    let text = format!(
        "{}\n[[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"insurer\"\nto = \"municipality\"\namount = 0\nper = \"enrolment\"\n",
        base.to_toml_string()
    );
    // A cheap coach (40 euro a trajectory) so that the intervention can pay for itself.
    let s = Scenario::from_toml_str(&text).unwrap().with_values([("coach_trajectory_cost", 40.0.into())]).unwrap();
    let model = Model::new(&s).unwrap();
    let results = Simulation::new(&model).iterations(400).seed(5).run().unwrap();
    // Goal: each payer loses no money with probability >= 0.3.
    let opts = SolveOptions { grid: 101, ..SolveOptions::new(0, "amount", (0.0, 300.0), Goal::Probability(0.3)) };
    let answer = solve(&model, &results, &opts).unwrap();
    // Brute force: rerun the scenario with each amount (same seed: the same draws).
    let step = 7.5;
    let mut brute = Vec::new();
    for k in 0..=40 {
        let amount = k as f64 * step;
        let variant = s.with_values([("arrangements.0.amount", amount.into())]).unwrap();
        let r = run(&variant, 400, 5);
        let t = r.transfers(1).unwrap();
        let inc = r.increment(1).unwrap();
        let df = r.cost_discount_factors();
        let meta = r.meta();
        let ok = (0..meta.payers.len()).all(|p| {
            let budgets: Vec<usize> = (0..meta.budgets.len()).filter(|&b| meta.budgets[b].payer == p).collect();
            let no_loss = (0..400)
                .filter(|&i| {
                    let net: f64 = (0..3)
                        .map(|y| -budgets.iter().map(|&b| inc[[i, y, b]] + t[[i, y, b]]).sum::<f64>() * df[y])
                        .sum();
                    net >= -0.01
                })
                .count();
            no_loss as f64 / 400.0 >= 0.3
        });
        brute.push((amount, ok));
    }
    let first = brute.iter().find(|(_, ok)| *ok).map(|(a, _)| *a);
    let last = brute.iter().rev().find(|(_, ok)| *ok).map(|(a, _)| *a);
    match (first, last, answer.feasible.first(), answer.feasible.last()) {
        (Some(f), Some(l), Some(lo), Some(hi)) => {
            assert!((lo.0 - f).abs() <= step, "lower edge {} vs grid {f}", lo.0);
            assert!((hi.1 - l).abs() <= step, "upper edge {} vs grid {l}", hi.1);
            assert!(answer.proposal.is_some());
        }
        other => panic!("solver and grid disagree: {other:?}\n{}", answer.message),
    }
}

#[test]
fn solver_finds_the_analytic_range_of_a_shared_savings_share() {
    // Zvw saves 200 a year, Wmo invests 150: every payer gains for share in [0.75, 1].
    let s = Scenario::from_toml_str(&format!(
        "{FLAT}\n[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"zvw\"\nto = \"wmo\"\nshare = 0.5\n"
    ))
    .unwrap();
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(3).run().unwrap();
    let answer = solve(&model, &r, &SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain)).unwrap();
    assert_eq!(answer.feasible.len(), 1, "{}", answer.message);
    let (lo, hi) = answer.feasible[0];
    assert!((lo - 0.75).abs() < 1e-4 && (hi - 1.0).abs() < 1e-9, "{lo} {hi}");
    assert!((answer.proposal.unwrap() - 0.875).abs() < 1e-4);
    // Proportional: the Wmo invests everything, so it should get the whole net (+50 a year):
    // share = 200/200 = 1.0.
    let p = solve(&model, &r, &SolveOptions::new(0, "share", (0.0, 1.0), Goal::Proportional)).unwrap();
    assert!((p.proposal.unwrap() - 1.0).abs() < 1e-3, "{}", p.message);
    // A term the arrangement does not have, and a bad range.
    assert!(
        solve(&model, &r, &SolveOptions::new(0, "price", (0.0, 1.0), Goal::ExpectedGain))
            .unwrap_err()
            .to_string()
            .contains("has no term 'price'")
    );
    assert!(solve(&model, &r, &SolveOptions::new(0, "share", (1.0, 0.0), Goal::ExpectedGain)).is_err());
    // A share outside [0, 1] is no share: the solver and the sweep refuse it, naming the value.
    let err = solve(&model, &r, &SolveOptions::new(0, "share", (0.0, 2.0), Goal::ExpectedGain)).unwrap_err();
    assert!(err.to_string().contains("range: 2 is not a value of 'share', which lies in [0, 1]"), "{err}");
    let opts = SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain);
    for (values, named) in
        [(vec![0.5, 2.0], "values[1] = 2"), (vec![-1.0], "values[0] = -1"), (vec![f64::NAN], "values[0] = NaN")]
    {
        let err = ontschot::finance::sweep(&model, &r, &opts, &values).unwrap_err().to_string();
        assert!(err.contains(named) && err.contains("which lies in [0, 1]"), "{err}");
    }
    assert_eq!(ontschot::finance::sweep(&model, &r, &opts, &[0.0, 1.0]).unwrap().len(), 2);
}

#[test]
fn a_pooled_budget_has_no_term_to_solve_for_and_says_so() {
    let s = Scenario::from_toml_str(&format!(
        "{FLAT}\n[[arrangements]]\ntype = \"pooled_budget\"\nparties = [\"zvw\", \"wmo\"]\n"
    ))
    .unwrap();
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(3).run().unwrap();
    let err = solve(&model, &r, &SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain)).unwrap_err();
    assert!(err.to_string().contains("has no term 'share'; it has no term to vary"), "{err}");
}

#[test]
fn infeasible_goals_say_why() {
    let s = conservation_scenario(
        "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"care_office\"\nto = \"insurer\"\nshare = 0.5\n",
    );
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(300).run().unwrap();
    let answer = solve(&model, &r, &SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain)).unwrap();
    assert!(answer.proposal.is_none() && answer.feasible.is_empty());
    assert!(answer.message.contains("the intervention loses money in total"), "{}", answer.message);
}

#[test]
fn comparison_runs_every_option_on_the_same_draws() {
    let s = Scenario::from_toml_str(&format!(
        "{FLAT}\n[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"zvw\"\nto = \"wmo\"\nshare = 0.5\n\
         [[alternatives]]\nname = \"pool\"\nlabel = \"Pooled by benefit\"\n[[alternatives.arrangements]]\ntype = \"pooled_budget\"\n"
    ))
    .unwrap();
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(3).run().unwrap();
    let options = compare(&model, &r, 1).unwrap();
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["none", "in_force", "pool"]);
    let wmo = |k: usize| options[k].summary.budgets[1].net_after.mean;
    assert!((wmo(0) + 450.0).abs() < 1e-9 && (wmo(1) + 150.0).abs() < 1e-9 && wmo(2).abs() < 1e-9);
}
