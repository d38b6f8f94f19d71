//! A region's parties: municipalities and insurers that share the population, switching,
//! equalisation, keys, free riders, and the rule that parties always sum to the budgets.

mod common;

use ontschot::{Model, Scenario, Simulation};
use proptest::prelude::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn with_region(mut s: Scenario, region: &str) -> Scenario {
    s.region = Some(toml::from_str(region).unwrap_or_else(|e| panic!("{e}\n{region}")));
    s
}

/// The SamenOud seed without variants and without entrants: the closed forms below follow one
/// cohort from the start (tests with entrants set them).
fn samenoud() -> Scenario {
    let mut s = Scenario::from_file(common::seed("samenoud.toml")).unwrap();
    s.variants.clear();
    s.population.inflow = 0.0;
    s
}

const ONE: &str = r#"
[[insurers]]
name = "only"
[[municipalities]]
name = "all"
share = 1
insurers = { only = 1 }
"#;

#[test]
fn one_insurer_and_one_municipality_give_the_payers_results() {
    let model = Model::new(&with_region(samenoud(), ONE)).unwrap();
    let r = Simulation::new(&model).iterations(60).run().unwrap();
    let s = r.summary(1).unwrap();
    let names: Vec<&str> = s.parties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["all", "only", "care_office", "client", "grant_funder"]);
    let payer = |n: &str| s.payers.iter().find(|p| p.name == n).unwrap();
    for (party, payer_name) in
        [("all", "municipality"), ("only", "insurer"), ("care_office", "care_office"), ("client", "client")]
    {
        let p = s.parties.iter().find(|p| p.name == party).unwrap();
        let q = payer(payer_name);
        assert!(close(p.net.mean, q.net.mean) && close(p.net_after.mean, q.net_after.mean), "{party}");
        assert_eq!(p.probability_gain_after, q.probability_gain_after, "{party}");
    }
    // And the same in the budget view.
    let v = r.budget_view(1).unwrap();
    for (party, payer_name) in [("all", "municipality"), ("only", "insurer")] {
        let (p, q) = (
            v.parties.iter().find(|p| p.name == party).unwrap(),
            v.payers.iter().find(|p| p.name == payer_name).unwrap(),
        );
        for (a, b) in p.years.iter().zip(&q.years) {
            assert!(close(a.cash.mean, b.cash.mean) && close(a.cumulative.p97_5, b.cumulative.p97_5));
        }
    }
    // Without a region the parties are the payers.
    let plain = Model::new(&samenoud()).unwrap();
    let names: Vec<&str> = plain.parties().iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["insurer", "municipality", "care_office", "client", "grant_funder"]);
}

const TWO: &str = r#"
[[insurers]]
name = "a"
[[insurers]]
name = "b"
[[municipalities]]
name = "east"
share = 0.3
insurers = { a = 0.8, b = "rest" }
[[municipalities]]
name = "west"
share = "rest"
insurers = { a = 0.25, b = "rest" }
"#;

#[test]
fn without_switching_an_insurer_carries_its_market_share_of_the_zvw() {
    let model = Model::new(&with_region(samenoud(), TWO)).unwrap();
    let r = Simulation::new(&model).iterations(40).run().unwrap();
    let s = r.summary(1).unwrap();
    let zvw = s.budgets.iter().find(|b| b.name == "zvw").unwrap();
    let share_a = 0.3 * 0.8 + 0.7 * 0.25;
    let a = s.parties.iter().find(|p| p.name == "a").unwrap();
    let b = s.parties.iter().find(|p| p.name == "b").unwrap();
    assert!(close(a.savings.mean, share_a * zvw.savings.mean), "{} {}", a.savings.mean, zvw.savings.mean);
    assert!(close(b.savings.mean, (1.0 - share_a) * zvw.savings.mean));
    // The municipalities carry the Wmo by residence.
    let wmo = s.budgets.iter().find(|b| b.name == "wmo").unwrap();
    let east = s.parties.iter().find(|p| p.name == "east").unwrap();
    assert!(close(east.net.mean, 0.3 * wmo.net.mean));
}

#[test]
fn switching_spreads_an_insurers_people_over_the_market_as_the_closed_form_says() {
    // Everybody starts with insurer a; the market is half and half; a fifth choose anew each year.
    let region = r#"
[[insurers]]
name = "a"
[[insurers]]
name = "b"
[[municipalities]]
name = "all"
share = 1
insurers = { a = 0.5, b = 0.5 }
[switching]
rate = 0.2
start = { all = { a = 1, b = 0 } }
"#;
    let model = Model::new(&with_region(samenoud(), region)).unwrap();
    let r = Simulation::new(&model).iterations(5).run().unwrap();
    let v = r.budget_view(1).unwrap();
    let zvw = v.budgets.iter().find(|p| p.name == "zvw").unwrap();
    let a = v.parties.iter().find(|p| p.name == "a").unwrap();
    // Before arrangements: a's share of the Zvw's change in cash is its members' share.
    for (y, (mine, all)) in a.years.iter().zip(&zvw.years).enumerate() {
        let keep = 0.8f64.powi(y as i32);
        let members = keep + (1.0 - keep) * 0.5;
        assert!(close(mine.before, members * all.before), "year {y}: {} vs {}", mine.before, members * all.before);
    }
}

/// Insurer a's share of the Zvw's change in cash, year by year, before arrangements.
fn share_of_a(s: Scenario) -> Vec<f64> {
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(5).run().unwrap();
    let v = r.budget_view(1).unwrap();
    let zvw = v.budgets.iter().find(|p| p.name == "zvw").unwrap();
    let a = v.parties.iter().find(|p| p.name == "a").unwrap();
    a.years.iter().zip(&zvw.years).map(|(mine, all)| mine.before / all.before).collect()
}

const START_WITH_A: &str = r#"
[[insurers]]
name = "a"
[[insurers]]
name = "b"
[[municipalities]]
name = "all"
share = 1
insurers = { a = 0.5, b = 0.5 }
"#;

#[test]
fn a_switching_matrix_moves_members_as_its_markov_chain_says() {
    // From a, 10% move to b each year; from b, 30% to a: a's members tend to 0.3 / 0.4 = 75%,
    // and the distance to it shrinks by 1 - 0.1 - 0.3 = 0.6 a year.
    let region = START_WITH_A.to_owned()
        + "[switching]\nmatrix = { a = { a = 0.9, b = 0.1 }, b = { a = 0.3, b = \"rest\" } }\nstart = { all = { a = 1, b = 0 } }\n";
    for (y, share) in share_of_a(with_region(samenoud(), &region)).into_iter().enumerate() {
        let expected = 0.75 + 0.25 * 0.6f64.powi(y as i32);
        assert!(close(share, expected), "year {y}: {share} vs {expected}");
    }
}

#[test]
fn each_subgroup_switches_at_its_own_rate() {
    // Two halves alike in everything but switching: people 85+ keep their insurer.
    let mut s = samenoud();
    s.parameters.insert("p_switch".into(), toml::from_str("dist = \"fixed\"\nvalue = 0.2\nsource = \"test\"").unwrap());
    s.population.subgroups = toml::from_str::<toml::Table>(
        "[[s]]\nname = \"85+\"\nshare = 0.5\nvalues = { p_switch = 0 }\n[[s]]\nname = \"75-84\"\nshare = \"rest\"\n",
    )
    .unwrap()["s"]
        .clone()
        .try_into()
        .unwrap();
    let region = START_WITH_A.to_owned() + "[switching]\nrate = \"p_switch\"\nstart = { all = { a = 1, b = 0 } }\n";
    for (y, share) in share_of_a(with_region(s, &region)).into_iter().enumerate() {
        let keep = 0.8f64.powi(y as i32);
        let expected = 0.5 * 1.0 + 0.5 * (keep + (1.0 - keep) * 0.5);
        assert!(close(share, expected), "year {y}: {share} vs {expected}");
    }
}

#[test]
fn the_individual_mode_places_each_person_and_agrees_with_the_cohort() {
    // Entrants, a matrix, equalisation: each party's cash, iteration by iteration on the same
    // parameter draws, differs between the modes by the luck of the people alone.
    let mut s = samenoud();
    s.population.size = 1500.0;
    s.population.inflow = 300.0;
    let region = TWO.to_owned()
        + "[switching]\nmatrix = { a = { a = 0.8, b = 0.2 }, b = { a = 0.1, b = \"rest\" } }\nstart = { east = { a = 1, b = 0 } }\n[equalisation]\nshare = 0.2\n";
    let model = Model::new(&with_region(s, &region)).unwrap();
    let n = 150;
    let cohort = Simulation::new(&model).iterations(n).seed(3).run().unwrap();
    let people = Simulation::new(&model).mode(ontschot::Mode::Individual).iterations(n).seed(3).run().unwrap();
    for party in ["east", "west", "a", "b", "equalisation"] {
        let (c, p) = (cohort.budget_array(1, party).unwrap(), people.budget_array(1, party).unwrap());
        let d: Vec<f64> = (0..n).map(|i| p.row(i).sum() - c.row(i).sum()).collect();
        let mean = d.iter().sum::<f64>() / n as f64;
        let se = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt() / (n as f64).sqrt();
        assert!(se > 0.0 && mean.abs() < 3.0 * se, "{party}: individual - cohort = {mean} (SE {se})");
    }
    // Whole-number tallies: the same numbers on any thread count.
    let one = Simulation::new(&model).mode(ontschot::Mode::Individual).iterations(2).seed(3).threads(Some(1)).run();
    let two = Simulation::new(&model).mode(ontschot::Mode::Individual).iterations(2).seed(3).threads(Some(2)).run();
    assert_eq!(one.unwrap().budget_array(1, "a"), two.unwrap().budget_array(1, "a"));
    // The cohort splits the Wmo's change by the expected residents; the people drawn into each
    // municipality, and their own use of care, make the split a sample.
    let share = |r: &ontschot::Results| {
        let (east, wmo) = (r.budget_array(1, "east").unwrap(), r.budget_array(1, "wmo").unwrap());
        east[[0, 0]] / wmo[[0, 0]]
    };
    assert!(close(share(&cohort), 0.3), "{}", share(&cohort));
    assert!(!close(share(&people), 0.3), "{}", share(&people));
}

#[test]
fn arrangements_name_single_municipalities_and_insurers() {
    // Insurer a passes half of its own savings to municipality east; west pays b 100 a year.
    let text = common::VISITS.replace("AMOUNT", "10")
        + "[[arrangements]]\ntype = \"shared_savings\"\nfrom = \"a\"\nto = \"east\"\nshare = 0.5\n"
        + "[[arrangements]]\ntype = \"fixed_contribution\"\nfrom = \"west\"\nto = \"b\"\namount = 100\n";
    let model = Model::new(&with_region(Scenario::from_toml_str(&text).unwrap(), TWO)).unwrap();
    let r = Simulation::new(&model).iterations(3).run().unwrap();
    let v = r.budget_view(1).unwrap();
    let party = |n: &str| v.parties.iter().find(|p| p.name == n).unwrap();
    let share_a = 0.3 * 0.8 + 0.7 * 0.25;
    for y in 0..3 {
        // The Zvw's cash savings: 1,000 visits at 40, half released, indexed 10% a year from 2022.
        let zvw = 1000.0 * 40.0 * 0.5 * 1.1f64.powi(2 + y as i32);
        let passed = 0.5 * share_a * zvw;
        let (a, b, east, west) = (party("a"), party("b"), party("east"), party("west"));
        assert!(close(a.years[y].before, share_a * zvw) && close(a.years[y].cash.mean, share_a * zvw - passed));
        assert!(close(b.years[y].cash.mean, (1.0 - share_a) * zvw + 100.0), "{}", b.years[y].cash.mean);
        assert!(close(east.years[y].cash.mean - east.years[y].before, passed));
        assert!(close(west.years[y].cash.mean - west.years[y].before, -100.0));
        let total: f64 = v.parties.iter().map(|p| p.years[y].cash.mean).sum();
        assert!(close(total, v.total.years[y].cash.mean));
    }
    // The budgets carry the same money: the Zvw pays what a passes on and receives what b gets.
    let zvw = v.budgets.iter().find(|p| p.name == "zvw").unwrap();
    assert!(close(zvw.years[0].transfers, -(0.5 * share_a * 1000.0 * 40.0 * 0.5 * 1.21) + 100.0));
    // Saved and read back, the parties' own transfers come along.
    let back = ontschot::Results::from_bytes(&r.to_bytes()).unwrap();
    assert_eq!(back.budget_array(1, "east"), r.budget_array(1, "east"));
    // An unknown party is named by field, with the parties it could have been.
    let bad = text.replace("to = \"b\"", "to = \"c\"");
    let err = Model::new(&with_region(Scenario::from_toml_str(&bad).unwrap(), TWO)).unwrap_err().to_string();
    assert!(
        err.contains("arrangements[1].to") && err.contains("municipality or insurer") && err.contains("east"),
        "{err}"
    );
}

#[test]
fn equalisation_goes_by_care_category() {
    // Only hospital care is equalised, half of it.
    let region = TWO.to_owned() + "[equalisation]\nshare = 0\ncategories = { hospital = 0.5 }\n";
    let model = Model::new(&with_region(samenoud(), &region)).unwrap();
    let r = Simulation::new(&model).iterations(20).detail(true).run().unwrap();
    let s = r.summary(1).unwrap();
    let fund = s.parties.iter().find(|p| p.name == "equalisation").unwrap();
    let hospital = model.categories().iter().position(|c| c.name == "hospital").unwrap();
    let (uc, arm) = (r.detail(0).unwrap().unwrap(), r.detail(1).unwrap().unwrap());
    let n = r.meta().iterations;
    let rate: f64 = model.scenario().discount.costs;
    let saved: f64 = (0..n)
        .map(|i| {
            (0..model.n_years())
                .map(|y| (uc[[i, y, hospital]] - arm[[i, y, hospital]]) / (1.0 + rate).powi(y as i32))
                .sum::<f64>()
        })
        .sum::<f64>()
        / n as f64;
    assert!(close(fund.savings.mean, 0.5 * saved), "{} vs {}", fund.savings.mean, 0.5 * saved);
    let zvw = s.budgets.iter().find(|b| b.name == "zvw").unwrap();
    let insurers: f64 = s.parties.iter().filter(|p| p.name == "a" || p.name == "b").map(|p| p.savings.mean).sum();
    assert!(close(insurers + fund.savings.mean, zvw.savings.mean));
}

#[test]
fn equalisation_returns_its_share_of_the_insurers_care_costs() {
    let region = TWO.to_owned() + "[equalisation]\nshare = 0.25\n";
    let model = Model::new(&with_region(samenoud(), &region)).unwrap();
    let r = Simulation::new(&model).iterations(30).run().unwrap();
    let s = r.summary(1).unwrap();
    let zvw = s.budgets.iter().find(|b| b.name == "zvw").unwrap();
    let fund = s.parties.iter().find(|p| p.name == "equalisation").unwrap();
    assert!(close(fund.savings.mean, 0.25 * zvw.savings.mean));
    let insurers: f64 = s.parties.iter().filter(|p| p.name == "a" || p.name == "b").map(|p| p.savings.mean).sum();
    assert!(close(insurers, 0.75 * zvw.savings.mean));
}

#[test]
fn a_free_rider_escapes_its_part_of_the_programme_costs() {
    let mut s = ontschot::seeds::welzijn_op_recept();
    s.variants.clear();
    let model = Model::new(&with_region(s, TWO)).unwrap();
    let r = Simulation::new(&model).iterations(40).run().unwrap();
    let rows = ontschot::finance::free_riders(&r, 1).unwrap();
    let names: Vec<&str> = rows.iter().map(|x| x.party.as_str()).collect();
    assert_eq!(names, ["east", "west", "a", "b"]);
    // The welfare coach is the municipalities' cost, by residence: staying out saves east its 30%.
    let v = r.budget_view(1).unwrap();
    let coach: f64 = v.budgets.iter().find(|b| b.name == "welzijn").unwrap().years.last().unwrap().cumulative.mean;
    assert!(close(rows[0].incentive_to_stay_out, -0.3 * coach), "{} vs {}", rows[0].incentive_to_stay_out, coach);
    assert!(close(rows[1].cash_free_riding - rows[1].cash_joining, -0.7 * coach));
    // The insurers pay nothing for it: nothing to gain by staying out.
    assert_eq!(rows[2].incentive_to_stay_out, 0.0);
}

#[test]
fn bad_regions_are_named_by_field() {
    let cases = [
        (TWO.replace("a = 0.8, b = \"rest\"", "a = 0.8, b = 0.3"), "region.municipalities[0].insurers", "sum to 1"),
        (TWO.replace("a = 0.8", "c = 0.8"), "region.municipalities[0].insurers.c", "unknown insurer 'c'"),
        (TWO.to_owned() + "[switching]\nrate = 1.5\n", "region.switching.rate", "[0, 1]"),
        (
            TWO.to_owned() + "[[keys]]\nbudget = \"zvw\"\nby = \"fixed\"\nshares = { a = 0.5, zorgkantoor = 0.5 }\n",
            "region.keys[0].shares.zorgkantoor",
            "not a insurer of the region",
        ),
        (
            TWO.to_owned() + "[[keys]]\nbudget = \"wlz\"\nby = \"residence\"\n",
            "region.keys[0].budget",
            "not by the region's municipalities or insurers",
        ),
        (TWO.to_owned() + "[[keys]]\nbudget = \"zvw\"\nby = \"residence\"\n", "region.keys[0].by", "membership"),
        ("joiners = [\"north\"]\n".to_owned() + TWO, "region.joiners[0]", "not a municipality or insurer"),
        (
            TWO.to_owned() + "[switching]\nrate = 0.1\nmatrix = { a = { a = 1 }, b = { b = 1 } }\n",
            "region.switching",
            "a rate or a matrix, not both",
        ),
        (
            TWO.to_owned() + "[switching]\nmatrix = { a = { a = 1 } }\n",
            "region.switching.matrix",
            "row for insurer 'b'",
        ),
        (
            TWO.to_owned() + "[switching]\nmatrix = { a = { a = 0.9, b = 0.2 }, b = { b = 1 } }\n",
            "region.switching.matrix.a",
            "sum to 1",
        ),
        (
            TWO.to_owned() + "[equalisation]\nshare = 0.1\ncategories = { hospitals = 0.5 }\n",
            "region.equalisation.categories.hospitals",
            "unknown category",
        ),
        (
            TWO.to_owned() + "[equalisation]\nshare = 0.1\ncategories = { hospital = -0.5 }\n",
            "region.equalisation.categories.hospital",
            ">= 0",
        ),
    ];
    for (region, path, reason) in cases {
        let err = Model::new(&with_region(samenoud(), &region)).unwrap_err().to_string();
        assert!(err.contains(path) && err.contains(reason), "{path}: {err}");
    }
}

#[test]
fn the_region_seed_extends_samenoud_and_its_parties_sum_to_the_budgets() {
    let s = Scenario::from_file(common::seed("region_samenoud.toml")).unwrap();
    assert_eq!(s.population.size, 7170.0);
    assert_eq!(s.categories.len(), ontschot::seeds::samenoud().categories.len());
    assert_eq!(ontschot::seeds::load("region_samenoud").unwrap().region, s.region);
    let model = Model::new(&s).unwrap();
    let r = Simulation::new(&model).iterations(50).run().unwrap();
    let (sum, v) = (r.summary(1).unwrap(), r.budget_view(1).unwrap());
    let parties: f64 = sum.parties.iter().map(|p| p.net_after.mean).sum();
    assert!(close(parties, sum.total.net_after.mean));
    for y in 0..model.n_years() {
        let cash: f64 = v.parties.iter().map(|p| p.years[y].cash.mean).sum();
        assert!(close(cash, v.total.years[y].cash.mean));
    }
}

/// A region drawn from `seed`: 1-4 municipalities and 1-4 insurers with shares, switching,
/// equalisation and which parties join.
fn random_region(seed: u64) -> String {
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let (nm, ni) = (1 + (next() * 4.0) as usize, 1 + (next() * 4.0) as usize);
    let mut text = String::from("joiners = [\"m0\", \"i0\"]\n");
    for i in 0..ni {
        text += &format!("[[insurers]]\nname = \"i{i}\"\n");
    }
    for m in 0..nm {
        let share = if m + 1 == nm { "\"rest\"".to_owned() } else { format!("{:.3}", next() / nm as f64) };
        let mut row: Vec<String> = (0..ni - 1).map(|i| format!("i{i} = {:.3}", next() / ni as f64)).collect();
        row.push(format!("i{} = \"rest\"", ni - 1));
        text += &format!(
            "[[municipalities]]\nname = \"m{m}\"\nshare = {share}\ninhabitants = {}\ninsurers = {{ {} }}\n",
            1000 + m,
            row.join(", ")
        );
    }
    if next() < 0.5 {
        text += &format!("[switching]\nrate = {:.3}\n", next());
    } else {
        let rows: Vec<String> = (0..ni)
            .map(|from| {
                let mut row: Vec<String> = (0..ni - 1).map(|i| format!("i{i} = {:.3}", next() / ni as f64)).collect();
                row.push(format!("i{} = \"rest\"", ni - 1));
                format!("i{from} = {{ {} }}", row.join(", "))
            })
            .collect();
        text += &format!("[switching]\nmatrix = {{ {} }}\n", rows.join(", "));
    }
    text += &format!("[equalisation]\nshare = {:.3}\ncategories = {{ hospital = {:.3} }}\n", next() * 0.5, next());
    text += "[[keys]]\nbudget = \"wmo\"\nby = \"inhabitants\"\n[[keys]]\nbudget = \"zvw\"\nby = \"market_share\"\n";
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn parties_sum_to_the_budgets_in_every_region(seed in 0u64..1_000_000) {
        let mut s = samenoud();
        s.population.size = 400.0;
        let model = Model::new(&with_region(s, &random_region(seed))).unwrap();
        // Every iteration and year, in both modes.
        for mode in [ontschot::Mode::Cohort, ontschot::Mode::Individual] {
            let r = Simulation::new(&model).mode(mode).iterations(4).run().unwrap();
            let total = r.budget_array(1, "total").unwrap();
            let mut parties = total.clone() * 0.0;
            for p in model.parties() {
                parties = parties + r.budget_array(1, &p.name).unwrap();
            }
            for (a, b) in parties.iter().zip(&total) {
                prop_assert!(close(*a, *b), "{:?}: {} vs {}", mode, a, b);
            }
        }
        let r = Simulation::new(&model).iterations(8).run().unwrap();
        let (sum, v) = (r.summary(1).unwrap(), r.budget_view(1).unwrap());
        let parties: f64 = sum.parties.iter().map(|p| p.net_after.mean).sum();
        prop_assert!(close(parties, sum.total.net_after.mean), "{} vs {}", parties, sum.total.net_after.mean);
        for y in 0..model.n_years() {
            let cash: f64 = v.parties.iter().map(|p| p.years[y].cash.mean).sum();
            prop_assert!(close(cash, v.total.years[y].cash.mean));
        }
        // Free riding moves costs between parties, never out of the region.
        for row in ontschot::finance::free_riders(&r, 1).unwrap() {
            prop_assert!(row.cash_free_riding.is_finite() && row.net_joining.is_finite());
        }
    }
}

#[test]
fn a_deal_of_a_pooled_budget_is_the_analytic_one() {
    use ontschot::finance::{DealGoal, deal};
    let s = with_region(Scenario::from_toml_str(&common::VISITS.replace("AMOUNT", "10")).unwrap(), TWO);
    let model = Model::new(&s).unwrap();
    let one = Simulation::new(&model).iterations(4).threads(Some(1)).run().unwrap();
    let two = Simulation::new(&model).iterations(4).threads(Some(2)).run().unwrap();
    // Insurer a's members: 0.3 x 0.8 + 0.7 x 0.25; savings 1,000 visits x 20 x 1.1^(2..4); costs 30,000.
    let share_a = 0.3 * 0.8 + 0.7 * 0.25;
    let zvw = 1000.0 * 20.0 * (1.1f64.powi(2) + 1.1f64.powi(3) + 1.1f64.powi(4));
    let (t_a, t_b) = (share_a * zvw / 30_000.0, (1.0 - share_a) * zvw / 30_000.0);
    let parties = ["a".to_owned(), "b".to_owned()];
    let d = deal(&one, 1, &parties, DealGoal::ExpectedGain, ontschot::View::Budget).unwrap();
    assert!(d.feasible, "{}", d.message);
    assert!(close(d.parties[0].bound, t_a) && close(d.parties[1].bound, t_b));
    // Each leaves the same fraction of its room (a bound above 1 is room for all of it): shares
    // in proportion to the bounds, at most 1.
    let (r_a, r_b) = (t_a.min(1.0), t_b.min(1.0));
    assert!(close(d.parties[0].share, r_a / (r_a + r_b)), "{:?}", d.parties);
    assert!(close(d.parties[0].net, share_a * zvw - d.parties[0].share * 30_000.0));
    // Nash: the same expected gain for both.
    let n = deal(&one, 1, &parties, DealGoal::Nash, ontschot::View::Budget).unwrap();
    assert!(close(n.parties[0].net, n.parties[1].net), "{:?}", n.parties);
    assert!(close(n.parties[0].net + n.parties[1].net, zvw - 30_000.0));
    // Fixed numbers: every draw is the same, so any probability is met as the expected gain is.
    let p = deal(&one, 1, &parties, DealGoal::Probability(0.9), ontschot::View::Budget).unwrap();
    assert!(p.feasible && (p.parties[0].bound - t_a).abs() < 1e-9);
    // The same answer on any thread count.
    assert_eq!(d, deal(&two, 1, &parties, DealGoal::ExpectedGain, ontschot::View::Budget).unwrap());
    // Ten times the costs: together the insurers can carry only 26.7% of them.
    let s = with_region(Scenario::from_toml_str(&common::VISITS.replace("AMOUNT", "100")).unwrap(), TWO);
    let r = Simulation::new(&Model::new(&s).unwrap()).iterations(4).run().unwrap();
    let d = deal(&r, 1, &parties, DealGoal::ExpectedGain, ontschot::View::Budget).unwrap();
    assert!(!d.feasible);
    assert!(d.message.contains(&format!("carry only {:.1}%", zvw / 300_000.0 * 100.0)), "{}", d.message);
    // A municipality saves nothing here: it blocks a deal that asks it to gain.
    let d =
        deal(&r, 1, &["east".to_owned(), "a".to_owned()], DealGoal::Probability(0.5), ontschot::View::Budget).unwrap();
    assert!(!d.feasible && d.message.contains("east blocks it"), "{}", d.message);
    // Bad requests are named.
    let err = deal(&r, 1, &["north".to_owned(), "a".to_owned()], DealGoal::Nash, ontschot::View::Budget).unwrap_err();
    assert!(err.to_string().contains("no party named 'north'"), "{err}");
    assert!("probability:2".parse::<DealGoal>().unwrap_err().contains("P in (0, 1]"));
    assert!("probability:0".parse::<DealGoal>().is_err());
    let err = deal(&r, 1, &["a".to_owned(), "a".to_owned()], DealGoal::Nash, ontschot::View::Budget).unwrap_err();
    assert!(err.to_string().contains("named twice"), "{err}");
}

/// With uncertain draws a deal claims only what its shares reach: every party gains in at least
/// the share of draws the goal asks, and max-min reports the smallest probability reached.
#[test]
fn a_deals_probabilities_are_what_its_shares_reach() {
    use ontschot::finance::{DealGoal, deal};
    let mut s = ontschot::seeds::welzijn_op_recept();
    s.variants.clear();
    let model = Model::new(&with_region(s, TWO)).unwrap();
    for n in [10, 13, 200] {
        let r = Simulation::new(&model).iterations(n).run().unwrap();
        let m = deal(&r, 1, &[], DealGoal::MaxMinProbability, ontschot::View::Budget).unwrap();
        let reached = m.parties.iter().map(|p| p.probability_gain).fold(1.0, f64::min);
        assert_eq!(m.probability, Some(reached), "{n}: {:?}", m.parties);
        for q in [0.05, 0.5, 0.75] {
            let d = deal(&r, 1, &[], DealGoal::Probability(q), ontschot::View::Budget).unwrap();
            if d.feasible {
                assert!(d.parties.iter().all(|p| p.probability_gain >= q), "{n} {q}: {:?}", d.parties);
            } else {
                // Not feasible at q means max-min reached less than q.
                assert!(reached < q, "{n} {q}: max-min reached {reached}");
            }
        }
    }
}

/// An option rests on a Dutch instrument that exists in some years: compared and solved only
/// then, paying only then, unless marked hypothetical.
#[test]
fn instruments_are_offered_in_their_years_and_hypothetical_options_are_marked() {
    let alternatives = r#"
[[alternatives]]
name = "iza"
instrument = "iza_transformation"
[[alternatives.arrangements]]
type = "pooled_budget"
key = { insurer = 1 }
[[alternatives]]
name = "fund_shares"
hypothetical = true
[[alternatives.arrangements]]
type = "shared_savings"
from = "insurer"
to = "municipality"
share = 0.5
"#;
    let text = common::VISITS.replace("AMOUNT", "10") + alternatives;
    // 2024-2026: the IZA funds (2023-2025) pay in 2024 and 2025, not in 2026.
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(2).run().unwrap();
    let options = ontschot::finance::compare(&model, &r, 1).unwrap();
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["none", "iza", "fund_shares"]);
    let iza = &options[1];
    assert!(!iza.hypothetical && iza.legal_basis.as_deref().unwrap().contains("Integraal Zorgakkoord"));
    let municipality = iza.budget.payers.iter().find(|p| p.name == "municipality").unwrap();
    // The pool refunds the municipality's 10,000 a year while the funds exist, then the cliff.
    let cash: Vec<f64> = municipality.years.iter().map(|y| y.cash.mean).collect();
    assert!(close(cash[0], 0.0) && close(cash[1], 0.0) && close(cash[2], -10_000.0), "{cash:?}");
    assert!(options[2].hypothetical);
    // From 2027 the IZA funds are gone: left out, and the solver says why.
    let later = text.replace("start_year = 2024", "start_year = 2027");
    let model = Model::new(&Scenario::from_toml_str(&later).unwrap()).unwrap();
    let r = Simulation::new(&model).iterations(2).run().unwrap();
    let names: Vec<String> = ontschot::finance::compare(&model, &r, 1).unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["none", "fund_shares"]);
    let notes = ontschot::finance::left_out(&model);
    assert!(notes[0].contains("2023-2025") && notes[0].contains("hypothetical = true"), "{notes:?}");
    let opts = ontschot::finance::SolveOptions::new(0, "share", (0.0, 1.0), ontschot::finance::Goal::ExpectedGain);
    let err = ontschot::finance::solve(
        &model,
        &r,
        &ontschot::finance::SolveOptions { alternative: Some("iza".into()), ..opts },
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("'iza' is not offered"), "{err}");
    // An unknown instrument, and a grant without years, are named.
    let bad = text.replace("instrument = \"iza_transformation\"", "instrument = \"iza\"");
    let err = Model::new(&Scenario::from_toml_str(&bad).unwrap()).unwrap_err().to_string();
    assert!(err.contains("alternatives[0].instrument") && err.contains("unknown instrument 'iza'"), "{err}");
    let grant = text.replace("instrument = \"iza_transformation\"", "instrument = \"grant\"");
    let err = Model::new(&Scenario::from_toml_str(&grant).unwrap()).unwrap_err().to_string();
    assert!(err.contains("alternatives[0].years") && err.contains("a grant needs the years"), "{err}");
}

/// A file extends another relative to itself, replaces a parameter whole, and refuses numbers
/// that are not finite.
#[test]
fn extends_resolves_each_file_from_its_own_folder_and_replaces_parameters_whole() {
    let dir = std::env::temp_dir().join(format!("ontschot-extends-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(common::seed("samenoud.toml"), dir.join("sub/base.toml")).unwrap();
    std::fs::write(dir.join("sub/mid.toml"), "extends = \"base.toml\"\nname = \"mid\"\n").unwrap();
    std::fs::write(
        dir.join("top.toml"),
        "extends = \"sub/mid.toml\"\nname = \"top\"\n[parameters.prevention_cost]\ndist = \"fixed\"\nvalue = 80\n",
    )
    .unwrap();
    let s = Scenario::from_file(dir.join("top.toml")).unwrap();
    assert_eq!(s.name, "top");
    let p = &s.parameters["prevention_cost"];
    assert_eq!((p.value, p.min, p.assumption), (Some(80.0), None, false));
    Model::new(&s).unwrap();
    std::fs::write(dir.join("nan.toml"), "extends = \"sub/base.toml\"\n[population]\ninflow = nan\n").unwrap();
    let err = Scenario::from_file(dir.join("nan.toml")).unwrap_err().to_string();
    assert!(err.contains("population.inflow") && err.contains("finite"), "{err}");
    std::fs::write(dir.join("missing.toml"), "extends = \"nowhere.toml\"\n").unwrap();
    let err = Scenario::from_file(dir.join("missing.toml")).unwrap_err().to_string();
    assert!(err.contains("nowhere.toml") && err.contains("cannot read"), "{err}");
    // A word "extends" in a comment changes nothing: errors keep their line and column.
    std::fs::write(dir.join("comment.toml"), "# extends nothing\nname = 5\n").unwrap();
    let err = Scenario::from_file(dir.join("comment.toml")).unwrap_err().to_string();
    assert!(err.contains("line 2"), "{err}");
}
