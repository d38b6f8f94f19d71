//! Every kind of bad input gets an error that names the field path and the reason; none panics.

mod common;

use common::*;
use ontschot::{Error, Model, Scenario, Simulation, Value};

fn base() -> Scenario {
    alive_dead("half_cycle")
}

fn assert_problem(s: &Scenario, path: &str, reason: &str) {
    let (paths, message) = invalid(s);
    assert!(paths.iter().any(|p| p == path), "expected a problem at {path}, got {paths:?}\n{message}");
    assert!(message.contains(reason), "expected '{reason}' in:\n{message}");
}

fn parse_error(text: &str) -> Error {
    Scenario::from_toml_str(text).expect_err("the text should be rejected")
}

#[test]
fn initial_shares_that_do_not_sum_to_one() {
    let mut s = base();
    s.states[0].initial = Value::Number(0.7);
    assert_problem(&s, "states[].initial", "must sum to 1, they sum to 0.7");
}

#[test]
fn budget_shares_that_do_not_sum_to_one() {
    let mut s = base();
    s.categories[0].paid_by.insert("wmo".into(), Value::Number(0.5));
    assert_problem(&s, "categories[0].paid_by", "must sum to 1, they sum to 1.5");
}

#[test]
fn probability_outside_zero_one() {
    let mut s = base();
    s.transitions.from.get_mut("alive").unwrap().insert("dead".into(), Value::Number(1.2));
    assert_problem(&s, "transitions.from.alive.dead", "must lie in [0, 1], got 1.2");
}

#[test]
fn transition_row_that_does_not_sum_to_one() {
    let mut s = base();
    let row = s.transitions.from.get_mut("alive").unwrap();
    row.insert("alive".into(), Value::Number(0.8));
    assert_problem(&s, "transitions.from.alive", "must sum to 1, they sum to 0.9");
}

#[test]
fn transition_row_whose_entries_leave_nothing_for_rest() {
    let mut s = base();
    s.states.insert(
        1,
        ontschot::StateSpec {
            name: "ill".into(),
            label: None,
            initial: Value::Number(0.0),
            dead: false,
            utility: Some(Value::Number(0.5)),
        },
    );
    let row = s.transitions.from.get_mut("alive").unwrap();
    row.insert("ill".into(), Value::Number(0.95));
    s.transitions.from.insert("ill".into(), [("ill".to_string(), Value::from("rest"))].into());
    assert_problem(&s, "transitions.from.alive", "more than 1, leaving nothing for 'rest'");
}

#[test]
fn negative_price() {
    let mut s = base();
    s.categories[0].price = Value::Number(-5.0);
    assert_problem(&s, "categories[0].price", "must be >= 0, got -5");
}

#[test]
fn unknown_budget_with_a_hint() {
    let mut s = base();
    s.categories[0].paid_by = [("zvv".to_string(), Value::Number(1.0))].into();
    assert_problem(&s, "categories[0].paid_by.zvv", "unknown budget 'zvv' (did you mean 'zvw'?)");
}

#[test]
fn unknown_parameter_with_a_hint() {
    let mut s = base();
    s.transitions.from.get_mut("alive").unwrap().insert("dead".into(), Value::from("p_deth"));
    assert_problem(&s, "transitions.from.alive.dead", "unknown parameter or table 'p_deth' (did you mean 'p_death'?)");
}

#[test]
fn beta_with_an_impossible_sd() {
    let text = ALIVE_DEAD
        .replace("CONVENTION", "start")
        .replace("dist = \"fixed\"\nvalue = 0.1", "dist = \"beta\"\nmean = 0.1\nsd = 0.4");
    let s = Scenario::from_toml_str(&text).unwrap();
    assert_problem(&s, "parameters.p_death.sd", "0.4 is impossible for a beta with mean 0.1");
}

#[test]
fn nan_and_infinite_values() {
    let text = ALIVE_DEAD.replace("CONVENTION", "start").replace("value = 0.1", "value = nan");
    assert_problem(
        &Scenario::from_toml_str(&text).unwrap(),
        "parameters.p_death.value",
        "must be a finite number, got NaN",
    );
    let text = ALIVE_DEAD.replace("CONVENTION", "start").replace("price = 100", "price = inf");
    assert_problem(&Scenario::from_toml_str(&text).unwrap(), "categories[0].price", "must be a finite number, got inf");
}

#[test]
fn zero_horizon_and_zero_iterations() {
    let mut s = base();
    s.horizon_years = 0;
    s.simulation.iterations = 0;
    let (paths, message) = invalid(&s);
    assert!(
        paths.contains(&"horizon_years".to_string()) && paths.contains(&"simulation.iterations".to_string()),
        "{message}"
    );
    assert!(message.contains("2 problems found"), "every problem is listed: {message}");
    let model = Model::new(&base()).unwrap();
    let err = Simulation::new(&model).iterations(0).run().unwrap_err();
    assert_eq!(err.to_string(), "simulation.iterations: must be at least 1");
    let err = Simulation::new(&model).threads(Some(0)).run().unwrap_err();
    assert_eq!(
        err.to_string(),
        "simulation.threads: must be between 1 and 1024, got 0 (leave it out for one per core)"
    );
}

#[test]
fn malformed_toml_names_line_and_column() {
    let err = parse_error("name = \"x\"\nhorizon_years = = 3\n");
    let message = err.to_string();
    assert!(message.starts_with("<scenario>: .:"), "{message}");
    assert!(message.contains("line 2"), "{message}");
}

#[test]
fn unknown_keys_are_rejected_with_their_path() {
    let text = ALIVE_DEAD
        .replace("CONVENTION", "start")
        .replace("kind = \"per_participant_year\"", "kind = \"per_participant_year\"\namout = 3");
    let err = parse_error(&text);
    let problems = err.problems();
    assert_eq!(problems[0].path, "arms[1].costs[0].amout", "{err}");
    assert!(problems[0].reason.contains("unknown field `amout`"), "{err}");
}

#[test]
fn wrong_types_name_their_path() {
    let err = parse_error(&ALIVE_DEAD.replace("CONVENTION", "start").replace("size = 1", "size = \"many\""));
    assert_eq!(err.problems()[0].path, "population.size", "{err}");
}

#[test]
fn malformed_json_and_a_missing_file() {
    let err = Scenario::from_json_str("{\"name\": 1}").unwrap_err();
    assert_eq!(err.problems()[0].path, "name");
    let err = Scenario::from_file("/no/such/scenario.toml").unwrap_err();
    assert!(err.to_string().starts_with("/no/such/scenario.toml: cannot read the file"), "{err}");
}

#[test]
fn file_errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("ontschot-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, ALIVE_DEAD.replace("CONVENTION", "start").replace("price = 100", "price = -1")).unwrap();
    let s = Scenario::from_file(&path).unwrap();
    let err = Model::new(&s).unwrap_err();
    assert!(err.to_string().starts_with(&format!("{}: 1 problem found", path.display())), "{err}");
}

#[test]
fn distribution_keys_must_fit_the_family() {
    let text = ALIVE_DEAD
        .replace("CONVENTION", "start")
        .replace("dist = \"fixed\"\nvalue = 0.1", "dist = \"normal\"\nmean = 0.1");
    assert_problem(
        &Scenario::from_toml_str(&text).unwrap(),
        "parameters.p_death.dist",
        "dist = \"normal\" needs mean + sd, or mean + ci; given: mean",
    );
    let text = ALIVE_DEAD
        .replace("CONVENTION", "start")
        .replace("dist = \"fixed\"\nvalue = 0.1", "dist = \"beta\"\nmean = 0.1\nsd = 0.01\nmin = 0");
    assert_problem(
        &Scenario::from_toml_str(&text).unwrap(),
        "parameters.p_death.min",
        "is not used by dist = \"beta\"",
    );
}

#[test]
fn a_drawn_value_that_breaks_a_row_is_reported_with_its_iteration_and_parameter() {
    // A normal probability leaves [0, 1] in 31% of draws; nothing is clamped, and the run is
    // refused before it starts, naming the parameter and the field.
    let text = ALIVE_DEAD
        .replace("CONVENTION", "start")
        .replace("dist = \"fixed\"\nvalue = 0.1", "dist = \"normal\"\nmean = 0.1\nsd = 0.2");
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let err = Simulation::new(&model).iterations(200).run().unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("parameters.p_death: falls outside [0, 1] with probability 3.09e-1 per draw, and transitions.from.alive.dead is never outside [0, 1]"),
        "{message}"
    );
    // A row that only the draws and an effect together break is found in the run, with its
    // iteration: tests/hostile.rs, a_relative_risk_that_pushes_a_row_past_one_is_named.
}

#[test]
fn comparator_takes_no_intervention_fields_and_effects_need_the_right_ratio() {
    let mut s = base();
    s.arms[0].uptake = Some(Value::Number(0.5));
    s.arms[1].transition_effects[0].hazard_ratio = Some(Value::Number(0.5));
    let (paths, message) = invalid(&s);
    assert!(paths.contains(&"arms[0]".to_string()), "{message}");
    // A hazard ratio may scale a probability too, but not beside a relative risk.
    assert!(message.contains("give a relative_risk or a hazard_ratio, one of the two"), "{message}");
}

#[test]
fn cycle_length_must_divide_a_year() {
    let mut s = base();
    s.cycle_years = 0.3;
    assert_problem(&s, "cycle_years", "must be 1 or 1/k");
}

#[test]
fn missing_transition_row_and_dead_row() {
    let mut s = base();
    s.transitions.from.remove("alive");
    s.transitions.from.insert("dead".into(), [("dead".to_string(), Value::from("rest"))].into());
    let (paths, message) = invalid(&s);
    assert!(paths.contains(&"transitions.from.alive".to_string()), "{message}");
    assert!(message.contains("a dead state is absorbing"), "{message}");
}

#[test]
fn fields_that_would_be_silently_ignored_are_refused() {
    let mut s = base();
    s.arms[1].effect_fade_cycles = 2;
    assert_problem(&s, "arms[1].effect_fade_cycles", "effect_duration_cycles, which is not given");
    let mut s = base();
    s.arms[1].costs[0].kind = ontschot::CostKind::OneOff;
    s.arms[1].costs[0].cycles = Some([1, 2]);
    assert_problem(&s, "arms[1].costs[0].cycles", "a one_off cost falls in one cycle");
    let mut s = base();
    s.categories[0].use_per_year.insert("dead".into(), Value::Number(1.0));
    assert_problem(&s, "categories[0].use_per_year.dead", "a dead state uses no care");
}

#[test]
fn a_relative_risk_needs_a_rest_entry_to_absorb_it() {
    let mut s = base();
    let row = s.transitions.from.get_mut("alive").unwrap();
    row.insert("alive".into(), Value::Number(0.9));
    assert_problem(&s, "arms[1].transition_effects[0]", "has no 'rest' entry to absorb the change");
}

#[test]
fn utilities_above_one_are_refused_known_or_drawn() {
    let mut s = base();
    s.states[0].utility = Some(Value::Number(1.2));
    assert_problem(&s, "states[0].utility", "a utility is at most 1 (full health), got 1.2");
    let text = ALIVE_DEAD.replace("CONVENTION", "start").replace("utility = 0.8", "utility = \"u\"")
        + "[parameters.u]\ndist = \"normal\"\nmean = 0.95\nsd = 0.2\n";
    let model = Model::new(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let err = Simulation::new(&model).iterations(100).run().unwrap_err();
    assert!(err.to_string().contains("states.alive.utility: parameter 'u' drew"), "{err}");
}

#[test]
fn a_payer_named_where_a_budget_is_meant_gets_the_payers_budgets() {
    let mut s = base();
    let split = &mut s.categories[0].paid_by;
    split.clear();
    split.insert("gemeente".into(), Value::Number(1.0));
    assert_problem(
        &s,
        "categories[0].paid_by.gemeente",
        "unknown budget 'gemeente': 'gemeente' is a payer (Gemeente), and a split names budgets; municipality's are: jeugdwet, wmo",
    );
    let split = &mut s.categories[0].paid_by;
    split.clear();
    split.insert("foo".into(), Value::Number(1.0));
    assert_problem(
        &s,
        "categories[0].paid_by.foo",
        "unknown budget 'foo' (known: eigen_bijdrage, jeugdwet, wlz, wmo, zvw)",
    );
}

#[test]
fn types_are_said_in_words() {
    let text = std::fs::read_to_string(seed("welzijn_op_recept.toml")).unwrap();
    let err = parse_error(&text.replacen("horizon_years = 3", "horizon_years = 3.0", 1)).to_string();
    assert!(err.contains("expected a whole number, like 5") && !err.contains("u32"), "{err}");
    let mut doc = serde_json::to_value(ontschot::seeds::welzijn_op_recept()).unwrap();
    doc["population"]["size"] = serde_json::json!("many");
    let err = Scenario::from_json_value(doc).unwrap_err().to_string();
    assert!(err.contains("population.size") && err.contains("expected a number"), "{err}");
    assert!(!err.contains("line") && !err.contains("column"), "a dict has no lines: {err}");
}

#[test]
fn solving_without_arrangements_says_where_to_find_some() {
    use ontschot::finance::{Goal, SolveOptions, solve};
    let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    let r = Simulation::new(&model).iterations(5).run().unwrap();
    let err = solve(&model, &r, &SolveOptions::new(0, "share", (0.0, 1.0), Goal::ExpectedGain)).unwrap_err();
    assert!(
        err.to_string().contains(
            "the scenario has no arrangements in force to solve for: name an alternative (there are: shared_savings, per_gp_contact_avoided, solver_proportional)"
        ),
        "{err}"
    );
}

#[test]
fn a_budget_named_total_or_after_another_payer_is_refused() {
    let budget = |payer: &str| ontschot::scenario::BudgetSpec { payer: Some(payer.into()), label: None, index: None };
    // Results would show that budget where people read all parties together, or the payer.
    for (name, reason) in [
        ("total", "'total' names all parties together in the results"),
        (
            "insurer",
            "'insurer' is also the name of payer 'insurer' (Zorgverzekeraar), so results could not tell them apart",
        ),
    ] {
        let mut s = base();
        s.budgets.insert(name.into(), budget("municipality"));
        s.categories[0].paid_by.insert(name.into(), Value::Number(0.0));
        assert_problem(&s, &format!("budgets.{name}"), reason);
    }
    // A payer's only budget may carry the payer's name: both are the same money.
    let mut s = base();
    s.payers.insert(
        "sports_club".into(),
        ontschot::scenario::PayerSpec { label: "Sportvereniging".into(), label_en: None, bears_risk: None },
    );
    s.budgets.insert("sports_club".into(), budget("sports_club"));
    s.categories[0].paid_by.insert("sports_club".into(), Value::Number(0.0));
    assert!(Model::new(&s).is_ok());
}
