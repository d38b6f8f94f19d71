//! The budget view: cash per party and calendar year, against hand-computed figures, the
//! societal view where the two must agree, the individual mode, and the errors of its inputs.

mod common;

use ontschot::{Mode, Model, Scenario, Simulation, View};

/// The fixed-number scenario of `common::VISITS` at 10 euro per participant-year, with the
/// insurer paying the municipality 5,000 a year.
fn hand() -> String {
    common::VISITS.replace("AMOUNT", "10")
        + "[[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"zvw\"\nto = \"wmo\"\namount = 5000\n"
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn cash_per_year_equals_the_hand_computed_figures() {
    let model = Model::new(&Scenario::from_toml_str(&hand()).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(3).run().unwrap();
    let view = r.budget_view(1).unwrap();
    assert_eq!(view.years, vec![2024, 2025, 2026]);
    assert!(view.calendar && view.financed);
    // 1,000 visits avoided a year x 40 x 0.5 x 1.1^(year - 2022), less the 5,000 paid.
    let insurer = view.party("insurer").unwrap();
    let expected = [24_200.0 - 5000.0, 26_620.0 - 5000.0, 29_282.0 - 5000.0];
    for (y, e) in insurer.years.iter().zip(expected) {
        assert!(close(y.cash.mean, e), "{} {}", y.cash.mean, e);
        assert_eq!(y.probability_better, 1.0);
        assert!(close(y.before, e + 5000.0));
    }
    assert!(close(insurer.years[2].cumulative.mean, expected.iter().sum()));
    // The municipality pays 10,000 a year and receives 5,000.
    for y in &view.party("municipality").unwrap().years {
        assert!(close(y.cash.mean, -5000.0), "{}", y.cash.mean);
        assert_eq!(y.probability_better, 0.0);
    }
    // The societal view keeps reference prices: 1,000 visits x 100 a year, discounted.
    let s = r.summary(1).unwrap();
    let zvw = &s.budgets[0];
    let df: f64 = (0..3).map(|y| 1.03f64.powi(-y)).sum();
    assert!(close(zvw.savings.mean, 100_000.0 * df), "{}", zvw.savings.mean);
}

#[test]
fn rates_at_or_below_minus_one_releases_outside_the_unit_and_stray_tariffs_are_named() {
    let cases = [
        ("rate = 0.1", "rate = -1.0", "indexation.idx.rate", "above -1"),
        ("cash_release = { zvw = 0.5 }", "cash_release = { zvw = 1.5 }", "categories[0].cash_release.zvw", "[0, 1]"),
        ("tariffs = { zvw = 40 }", "tariffs = { wmo = 40 }", "categories[0].tariffs.wmo", "does not pay this category"),
        (
            "[budgets.zvw]\nindex = \"idx\"",
            "[budgets.zvw]\nindex = \"idk\"",
            "budgets.zvw.index",
            "unknown index path 'idk'",
        ),
    ];
    for (from, to, path, reason) in cases {
        let text = hand().replace(from, to);
        assert_ne!(text, hand(), "{from}");
        let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
        assert!(err.contains(path) && err.contains(reason), "{path}: {err}");
    }
}

#[test]
fn a_year_outside_the_horizon_and_a_rule_on_an_unused_category_are_named() {
    let text = hand().replace("rate = 0.1", "rate = \"r\"")
        + "[tables.r]\nby = \"year\"\nbreaks = [2023, 2030]\nvalues = [0.1, 0.2]\n";
    let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
    assert!(err.contains("tables.r.breaks[1]") && err.contains("within the horizon (2024-2026)"), "{err}");
    let text =
        hand().replace("rate = 0.1", "rate = \"r\"") + "[tables.r]\nby = \"year\"\nbreaks = [2024]\nvalues = [0.1]\n";
    let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
    assert!(err.contains("tables.r.breaks[0]") && err.contains("needs a rate for 2023"), "{err}");
    let text = hand()
        + "[[categories]]\nname = \"unused\"\nprice = 5\npaid_by = { wmo = 1 }\n"
        + "[[own_contributions]]\ntype = \"flat_fee\"\ncategories = [\"unused\"]\ncollected_by = \"wmo\"\npaid_by = \"eigen_bijdrage\"\nper_month = 20\n";
    let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
    assert!(err.contains("own_contributions[0].categories[0]") && err.contains("no state uses"), "{err}");
    // A table by calendar year is for budget-view values only.
    let text = hand().replace("use_per_year = { home = 2 }", "use_per_year = { home = \"u\" }")
        + "[tables.u]\nby = \"year\"\nbreaks = [2024]\nvalues = [2]\n";
    let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
    assert!(err.contains("categories[0].use_per_year.home") && err.contains("budget-view values only"), "{err}");
}

/// SamenOud with the budget view made equal to the societal one: tariffs are prices, all cash
/// released, no index, own contributions as the societal shares, no discounting.
fn samenoud_plain() -> Scenario {
    let mut s = Scenario::from_file(common::seed("samenoud.toml")).unwrap();
    s.indexation.clear();
    s.own_contributions.clear();
    // The grant funder's budget stays: it carries no index, and the grant option names it.
    s.budgets.retain(|name, _| name == "grant");
    s.discount.costs = 0.0;
    for c in &mut s.categories {
        c.tariffs.clear();
        c.cash_release.clear();
        c.cash_paid_by = None;
        c.index = None;
    }
    s.tables.retain(|_, t| t.by != ontschot::TableAxis::Year);
    s.variants.clear();
    s
}

#[test]
fn with_prices_as_tariffs_and_nothing_else_the_two_views_agree() {
    let model = Model::new(&samenoud_plain()).unwrap();
    let r = Simulation::new(&model).iterations(50).seed(3).run().unwrap();
    let (cash, societal) = (r.cash_increment(1).unwrap(), r.increment(1).unwrap());
    for (a, b) in cash.iter().zip(societal.iter()) {
        assert!(close(*a, *b), "{a} {b}");
    }
    let (s, v) = (r.summary(1).unwrap(), r.budget_view(1).unwrap());
    for (p, q) in s.payers.iter().zip(&v.payers) {
        let last = q.years.last().unwrap();
        assert!(
            close(p.net_after.mean, last.cumulative.mean),
            "{}: {} {}",
            p.name,
            p.net_after.mean,
            last.cumulative.mean
        );
    }
}

#[test]
fn arrangements_only_move_cash_between_parties() {
    let model = Model::new(&Scenario::from_file(common::seed("samenoud.toml")).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(40).run().unwrap();
    let t = r.transfers_in(View::Budget, 1).expect("arrangements in force");
    let mut moved = 0.0;
    for i in 0..40 {
        for y in 0..model.n_years() {
            let row = t.slice(ndarray::s![i, y, ..]);
            assert!(row.sum().abs() < 1e-6, "{row}");
            moved += row.iter().map(|x| x.abs()).sum::<f64>();
        }
    }
    assert!(moved > 0.0, "the arrangement moved nothing");
    // Parties sum to the total in every year, after the arrangements.
    let v = r.budget_view(1).unwrap();
    for y in 0..model.n_years() {
        let sum: f64 = v.payers.iter().map(|p| p.years[y].cash.mean).sum();
        assert!(close(sum, v.total.years[y].cash.mean));
    }
}

/// Every person uses so much that each pays the whole deductible every year and a fee every month.
#[test]
fn heavy_users_pay_the_whole_deductible_and_every_monthly_fee() {
    let text = r#"
name = "heavy"
horizon_years = 2
cycle_convention = "start"
price_year = 2025
[simulation]
mode = "individual"
[population]
size = 50
[[states]]
name = "home"
initial = 1
[transitions.from.home]
home = "rest"
[[categories]]
name = "hospital"
price = 600
paid_by = { zvw = 1 }
use_per_year = { home = 40 }
[[categories]]
name = "help"
price = 30
paid_by = { wmo = 1 }
use_per_year = { home = 200 }
[[arms]]
name = "usual_care"
[[arms]]
name = "other"
uptake = 0.0
[[own_contributions]]
type = "deductible"
budget = "zvw"
paid_by = "eigen_bijdrage"
threshold = 385
[[own_contributions]]
type = "flat_fee"
categories = ["help"]
collected_by = "wmo"
paid_by = "eigen_bijdrage"
per_month = 20.6
"#;
    let model = Model::new(&Scenario::from_toml_str(text).unwrap()).unwrap();
    for mode in [Mode::Individual, Mode::Cohort] {
        let r = Simulation::new(&model).mode(mode).iterations(4).run().unwrap();
        let cash = r.cash(0).unwrap();
        let client = model.budgets().iter().position(|b| b.name == "eigen_bijdrage").unwrap();
        let zvw = model.budgets().iter().position(|b| b.name == "zvw").unwrap();
        for i in 0..4 {
            for y in 0..2 {
                let expected = 50.0 * (385.0 + 12.0 * 20.6);
                assert!(close(cash[[i, y, client]], expected), "{mode:?}: {}", cash[[i, y, client]]);
                // The insurer's cash is its claims less what the clients pay of them.
                let claims = r.units(0).unwrap()[[i, y, 0]] * 600.0;
                assert!(close(cash[[i, y, zvw]], claims - 50.0 * 385.0));
            }
        }
    }
}

/// The cohort's expected own contributions agree with the individual mode's people within Monte
/// Carlo error, on the same parameter draws, with the seed's half-cycle convention and with counts
/// at the start of each cycle.
#[test]
fn cohort_own_contributions_agree_with_the_individual_mode() {
    for convention in [ontschot::CycleConvention::HalfCycle, ontschot::CycleConvention::Start] {
        let mut s = Scenario::from_file(common::seed("samenoud.toml")).unwrap();
        s.cycle_convention = convention;
        s.variants.clear();
        let model = Model::new(&s).unwrap();
        let n = 120;
        let cohort = Simulation::new(&model).iterations(n).seed(5).run().unwrap();
        let people = Simulation::new(&model).mode(Mode::Individual).iterations(n).seed(5).run().unwrap();
        for budget in ["eigen_bijdrage", "wmo", "zvw"] {
            let b = model.budgets().iter().position(|x| x.name == budget).unwrap();
            for arm in 0..2 {
                let (a, c) = (cohort.cash(arm).unwrap(), people.cash(arm).unwrap());
                let d: Vec<f64> =
                    (0..n).map(|i| (0..model.n_years()).map(|y| a[[i, y, b]] - c[[i, y, b]]).sum::<f64>()).collect();
                let mean = d.iter().sum::<f64>() / n as f64;
                let se =
                    (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt() / (n as f64).sqrt();
                assert!(
                    mean.abs() < 3.0 * se,
                    "{convention:?} {budget} arm {arm}: cohort - individual = {mean} (SE {se})"
                );
            }
        }
    }
}

#[test]
fn rules_on_a_category_twice_and_years_far_off_are_refused() {
    let text = hand()
        + "[[own_contributions]]\ntype = \"flat_fee\"\ncategories = [\"visit\", \"visit\"]\ncollected_by = \"zvw\"\npaid_by = \"eigen_bijdrage\"\nper_month = 20\n";
    let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
    assert!(err.contains("own_contributions[0].categories[1]") && err.contains("named twice"), "{err}");
    let twice = hand()
        + &"[[own_contributions]]\ntype = \"flat_fee\"\ncategories = [\"visit\"]\ncollected_by = \"zvw\"\npaid_by = \"eigen_bijdrage\"\nper_month = 20\n".repeat(2);
    let err = Model::new(&Scenario::from_toml_str(&twice).unwrap()).unwrap_err().to_string();
    assert!(err.contains("own_contributions[1]") && err.contains("charged twice"), "{err}");
    for (year, field) in [("start_year = 20250", "start_year"), ("start_year = 2147483647", "start_year")] {
        let text = hand().replace("start_year = 2024", year);
        let err = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap_err().to_string();
        assert!(err.contains(field) && err.contains("1900 to 2200"), "{err}");
    }
}

/// Monthly cycles: a table by calendar year changes value exactly at the turn of the year.
#[test]
fn a_table_by_year_follows_the_calendar_with_monthly_cycles() {
    let text = hand()
        .replace("horizon_years = 3", "horizon_years = 2\ncycle_years = 0.0833333")
        .replace("tariffs = { zvw = 40 }", "tariffs = { zvw = \"t\" }")
        .replace("[budgets.zvw]\nindex = \"idx\"", "")
        + "[tables.t]\nby = \"year\"\nbreaks = [2024, 2025]\nvalues = [10, 20]\n";
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(1).run().unwrap();
    let zvw = r.cash(0).unwrap();
    // 1,000 people, 2 visits a year, released at half: 1,000 x 10 and 1,000 x 20.
    assert!(close(zvw[[0, 0, 0]], 10_000.0), "{}", zvw[[0, 0, 0]]);
    assert!(close(zvw[[0, 1, 0]], 20_000.0), "{}", zvw[[0, 1, 0]]);
}

/// A freed nursing-home bed that is refilled brings the next resident's contribution: the fund
/// receives the contribution as it releases the day, the client stops paying it in full.
#[test]
fn a_contribution_follows_the_collecting_budgets_release() {
    let text = hand()
        + "[[own_contributions]]\ntype = \"contribution\"\ncategories = [\"visit\"]\ncollected_by = \"zvw\"\npaid_by = \"eigen_bijdrage\"\nper_unit = 8\nliving_costs = 3\n";
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(1).run().unwrap();
    let v = r.budget_view(1).unwrap();
    // 1,000 visits avoided a year: the client saves 8 - 3 a visit, the insurer loses 8 x 0.5.
    for y in 0..3 {
        assert!(close(v.party("client").unwrap().years[y].cash.mean, 5000.0), "{:?}", v.party("client"));
        let f = 1.1f64.powi(2 + y as i32);
        let insurer = 1000.0 * 40.0 * 0.5 * f - 5000.0 - 1000.0 * 8.0 * 0.5;
        assert!(
            close(v.party("insurer").unwrap().years[y].cash.mean, insurer),
            "{}",
            v.party("insurer").unwrap().years[y].cash.mean
        );
    }
}

#[test]
fn the_budget_view_is_the_same_on_any_thread_count() {
    let model = Model::new(&Scenario::from_file(common::seed("samenoud.toml")).unwrap()).unwrap();
    let one = Simulation::new(&model).iterations(70).threads(Some(1)).run().unwrap();
    let two = Simulation::new(&model).iterations(70).threads(Some(2)).run().unwrap();
    assert_eq!(one.to_bytes(), two.to_bytes());
    assert_eq!(one.budget_view(1).unwrap(), two.budget_view(1).unwrap());
}

/// The societal view in euros of another year: every reference price and programme cost times
/// the index path's known rates from the price year; the budget view does not change.
#[test]
fn the_societal_view_can_be_expressed_in_the_prices_of_another_year() {
    let base = Model::new(&Scenario::from_toml_str(&hand()).unwrap()).unwrap();
    let text =
        hand().replace("[population]", "[analysis]\nsocietal_year = 2024\nsocietal_index = \"idx\"\n[population]");
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let (a, b) =
        (Simulation::new(&base).iterations(2).run().unwrap(), Simulation::new(&model).iterations(2).run().unwrap());
    let (sa, sb) = (a.summary(1).unwrap(), b.summary(1).unwrap());
    assert!(close(sb.total.net.mean, 1.21 * sa.total.net.mean), "{} vs {}", sb.total.net.mean, sa.total.net.mean);
    assert_eq!(b.meta().price_year, Some(2024));
    assert_eq!(a.budget_view(1).unwrap(), b.budget_view(1).unwrap());
    // Rates that are drawn cannot fix one year's prices; the two keys go together.
    let drawn =
        text.replace("rate = 0.1", "rate = \"r\"") + "[parameters.r]\ndist = \"uniform\"\nmin = 0.0\nmax = 0.1\n";
    let err = Model::new(&Scenario::from_toml_str(&drawn).unwrap()).unwrap_err().to_string();
    assert!(err.contains("analysis.societal_index") && err.contains("is drawn"), "{err}");
    let alone = hand().replace("[population]", "[analysis]\nsocietal_year = 2024\n[population]");
    let err = Model::new(&Scenario::from_toml_str(&alone).unwrap()).unwrap_err().to_string();
    assert!(err.contains("analysis.societal_year") && err.contains("together"), "{err}");
}
