//! Hostile input: work bounded before it starts, finite answers or a named error, threads
//! bounded. Each test is a defect a user met: an aborted process, silent NaN, people who left the
//! model without dying.

mod common;

use ontschot::{Error, Model, Scenario, Simulation};

fn seed_text(name: &str) -> String {
    std::fs::read_to_string(common::seed(name)).unwrap()
}

fn compile(text: &str) -> Result<Model, String> {
    let s = Scenario::from_toml_str(text).map_err(|e| e.to_string())?;
    Model::new(&s).map_err(|e| e.to_string())
}

#[test]
fn a_tiny_cycle_or_a_huge_horizon_is_refused_before_any_work() {
    // Once: 3e9 cycles, an allocation of 48 GB and an abort.
    let text = seed_text("welzijn_op_recept.toml").replace("cycle_years = 0.25", "cycle_years = 1e-9");
    let err = compile(&text).unwrap_err();
    assert!(err.contains("cycle_years") && err.contains("3000000000 cycles, more than the 10000 supported"), "{err}");
    let text = seed_text("welzijn_op_recept.toml").replace("horizon_years = 3", "horizon_years = 4294967295");
    let err = compile(&text).unwrap_err();
    assert!(err.contains("horizon_years: must be at most 200 years"), "{err}");
    assert!(!err.contains("cycle_years"), "one cause, one message: {err}");
}

#[test]
fn a_run_that_needs_more_memory_than_allowed_is_refused_with_the_estimate() {
    let model = Model::new(&ontschot::seeds::samenoud()).unwrap();
    let sim = Simulation::new(&model).iterations(100_000_000);
    let needed = sim.memory_needed(100_000_000);
    assert!(needed > ontschot::DEFAULT_MAX_MEMORY);
    let err = sim.run().unwrap_err().to_string();
    assert!(err.starts_with("simulation.iterations: 100000000 iterations need about"), "{err}");
    assert!(err.contains("above the limit of 8.0 GB") && err.contains("--max-memory"), "{err}");
    assert!(err.contains("or ranges of them one after another"), "a kept run's ranges join: {err}");
    // Summaries of ranges cannot be joined: their refusal does not suggest it.
    let err = Simulation::new(&model).iterations(100_000).max_memory(1_000_000).summarise().unwrap_err().to_string();
    assert!(err.starts_with("simulation.iterations: 100000 iterations need about"), "{err}");
    assert!(!err.contains("ranges") && err.contains("run fewer iterations, or raise the limit"), "{err}");
    // A raised limit lets a run through that the default refuses; a lowered one stops a small run.
    let small = Simulation::new(&model).iterations(10);
    assert!(small.clone().max_memory(small.memory_needed(10)).run().is_ok());
    assert!(small.max_memory(1).run().is_err());
}

#[test]
fn thread_counts_are_bounded() {
    let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    for n in [0, ontschot::MAX_THREADS + 1, usize::MAX] {
        let err = Simulation::new(&model).iterations(10).threads(Some(n)).run().unwrap_err();
        assert!(
            matches!(&err, Error::Settings { field: "threads", reason } if reason.contains("between 1 and 1024")),
            "{err}"
        );
    }
}

#[test]
fn an_overflowing_price_is_a_named_error_not_nan() {
    let text = seed_text("welzijn_op_recept.toml").replacen("price = 30.87", "price = 1e306", 1);
    let model = compile(&text).unwrap();
    let err = Simulation::new(&model).iterations(20).run().unwrap_err().to_string();
    assert!(err.contains("iteration 0: care costs of arm 'usual_care', year 1, budget 'zvw': is inf"), "{err}");
    assert!(err.contains("categories[0].price = 1e306"), "{err}");
}

#[test]
fn an_overflowing_number_anywhere_in_the_scenario_is_among_the_named_inputs() {
    // A rate ratio of 1e308 written in place of the parameter: the message points at it.
    let text = seed_text("welzijn_op_recept.toml").replacen("rate_ratio = \"rr_gp\"", "rate_ratio = 1e308", 1);
    let model = compile(&text).unwrap();
    let err = Simulation::new(&model).iterations(5).run().unwrap_err().to_string();
    assert!(err.contains("is inf") && err.contains("arms[1].use_effects[0].rate_ratio = 1e308"), "{err}");
    let text = seed_text("welzijn_op_recept.toml").replacen("size = ", "size = 1e308 #", 1);
    let err = Simulation::new(&compile(&text).unwrap()).iterations(5).run().unwrap_err().to_string();
    assert!(err.contains("population.size = 1e308"), "{err}");
}

#[test]
fn a_value_out_of_range_names_the_parameter_it_came_from_once_not_per_variant() {
    let at = "[parameters.day_care_half_days]\ndist = \"fixed\"\nvalue = 0";
    let text = seed_text("welzijn_op_recept.toml").replacen(at, &at.replace("value = 0", "value = -1"), 1);
    let err = compile(&text).unwrap_err();
    assert!(
        err.contains(
            "categories[5].use_per_year.complaints: must be >= 0, got -1 (the value of parameter 'day_care_half_days')"
        ),
        "{err}"
    );
    // The seed has variants; they share the problem, and it is told once.
    assert!(!err.contains("variants["), "{err}");
    // A number near the range limit is written short.
    let text = seed_text("welzijn_op_recept.toml").replacen(at, &at.replace("value = 0", "value = -1e308"), 1);
    let err = compile(&text).unwrap_err();
    assert!(err.contains("got -1e308 (the value"), "{err}");
}

#[test]
fn rates_whose_sum_overflows_do_not_let_people_vanish() {
    let text = seed_text("welzijn_op_recept.toml")
        .replace(
            "[parameters.r_recover]\ndist = \"gamma\"\nmean = 0.4\nsd = 0.15",
            "[parameters.r_recover]\ndist = \"fixed\"\nvalue = 1e308",
        )
        .replace(
            "[parameters.r_death]\ndist = \"gamma\"\nmean = 0.02\nsd = 0.008",
            "[parameters.r_death]\ndist = \"fixed\"\nvalue = 1e308",
        );
    let model = compile(&text).unwrap();
    let err = Simulation::new(&model).iterations(5).run().unwrap_err().to_string();
    assert!(err.contains("transitions.from.complaints: the rates sum to inf"), "{err}");
    assert!(err.contains("leave the model without dying") && err.contains("'r_recover'"), "{err}");
}

#[test]
fn a_relative_risk_that_pushes_a_row_past_one_is_named() {
    let text = seed_text("samenoud.toml").replacen(
        "[parameters.rr_nursing_home]\n",
        "[parameters.rr_nursing_home]\ndist = \"fixed\"\nvalue = 40\n[parameters.unused]\n",
        1,
    );
    let model = compile(&text).unwrap();
    let err = Simulation::new(&model).iterations(5).run().unwrap_err().to_string();
    assert!(err.contains("for participants, after the effects arms[1].transition_effects["), "{err}");
}

#[test]
fn json_with_a_key_given_twice_is_refused_at_every_level() {
    let json = ontschot::seeds::welzijn_op_recept().to_json_string();
    // Top level: an invalid first value would vanish if the last one won.
    let twice = json.replacen("{\n", "{\n  \"horizon_years\": 5000,\n", 1);
    let err = Scenario::from_json_str(&twice).unwrap_err().to_string();
    assert!(err.contains("horizon_years: the key is given twice; keep one"), "{err}");
    // Inside a map of parameters.
    let twice =
        json.replacen("\"uptake\": {", "\"uptake\": {\"dist\": \"fixed\", \"value\": 5.0},\n    \"uptake\": {", 1);
    let err = Scenario::from_json_str(&twice).unwrap_err().to_string();
    assert!(err.contains("parameters.uptake: the key is given twice"), "{err}");
}

#[test]
fn a_byte_order_mark_is_accepted_and_the_wrong_format_is_named() {
    let toml = format!("\u{feff}{}", seed_text("welzijn_op_recept.toml"));
    assert!(Scenario::from_toml_str(&toml).is_ok());
    let json = format!("\u{feff}{}", ontschot::seeds::welzijn_op_recept().to_json_string());
    assert!(Scenario::from_json_str(&json).is_ok());
    let dir = std::env::temp_dir().join(format!("ontschot-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.json");
    std::fs::write(&path, seed_text("welzijn_op_recept.toml")).unwrap();
    let err = Scenario::from_file(&path).unwrap_err().to_string();
    assert!(err.contains("is it TOML? name the file .toml"), "{err}");
    let path = dir.join("scenario.toml");
    std::fs::write(&path, ontschot::seeds::welzijn_op_recept().to_json_string()).unwrap();
    let err = Scenario::from_file(&path).unwrap_err().to_string();
    assert!(err.contains("this looks like JSON: name the file .json"), "{err}");
}

#[test]
fn a_file_that_never_ends_or_is_not_text_is_refused_by_name() {
    // Once: reading /dev/zero ran until memory was gone.
    if std::path::Path::new("/dev/zero").exists() {
        let err = Scenario::from_file("/dev/zero").unwrap_err().to_string();
        assert!(err.starts_with("/dev/zero: cannot read the file: it is larger than 64 MB"), "{err}");
    }
    let dir = std::env::temp_dir().join(format!("ontschot-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("latin1.toml");
    std::fs::write(&file, b"name = \"Caf\xe9\"\n").unwrap();
    let err = Scenario::from_file(&file).unwrap_err().to_string();
    assert!(err.contains("latin1.toml: cannot read the file: it is not UTF-8 text (byte 11 is not)"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_field_of_an_arrangement_is_named_not_only_its_table() {
    let seed = seed_text("welzijn_op_recept.toml");
    for (from, to, named) in [
        ("share = 0.5", "share = \"half\"", "share: invalid type: string \"half\", expected a number, like 0.5"),
        ("from = \"insurer\"", "from = 5", "from: invalid type: integer `5`, expected a string"),
        ("outcome = { avoided = \"gp\" }", "outcome = { avoided = 3 }", "outcome: invalid type: integer `3`"),
    ] {
        let err = compile(&seed.replacen(from, to, 1)).unwrap_err();
        assert!(err.contains("arrangements[0]") && err.contains(named), "{err}");
    }
    // The same from JSON, where a null is a term left out.
    let mut doc: serde_json::Value = serde_json::to_value(ontschot::seeds::welzijn_op_recept()).unwrap();
    doc["alternatives"][0]["arrangements"][0]["to"] = serde_json::json!(["municipality"]);
    doc["alternatives"][0]["arrangements"][0]["cap"] = serde_json::Value::Null;
    let err = Scenario::from_json_str(&doc.to_string()).unwrap_err().to_string();
    assert!(err.contains("alternatives[0].arrangements[0]: to: invalid type: sequence"), "{err}");
}

#[test]
fn a_nan_is_told_once_not_again_by_each_variant_in_other_words() {
    let seed = seed_text("welzijn_op_recept.toml");
    for (from, to, told) in [
        ("share = 0.5", "share = nan", "alternatives[0].arrangements[0].share: must be a finite number, got NaN"),
        ("price = 30.87", "price = inf", "categories[0].price: must be a finite number, got inf"),
    ] {
        let err = compile(&seed.replacen(from, to, 1)).unwrap_err();
        assert!(err.contains("1 problem found") && err.contains(told), "{err}");
        assert!(!err.contains("null") && !err.contains("variants["), "{err}");
    }
}

#[test]
fn a_variant_value_that_is_no_parameter_is_called_a_misspelt_parameter() {
    let seed = seed_text("welzijn_op_recept.toml");
    let err = compile(&seed.replacen("values = {}", "values = { rr_gpp = 0.9 }", 1)).unwrap_err();
    assert!(
        err.contains(
            "variants[2]: rr_gpp: no parameter named 'rr_gpp' (did you mean 'rr_gp'?), and no field of that name"
        ),
        "{err}"
    );
    assert!(!err.contains("expected one of"), "the scenario's fields are not the answer: {err}");
    // A top-level field is still a value a variant may set.
    assert!(compile(&seed.replacen("values = {}", "values = { horizon_years = 4 }", 1)).is_ok());
}

#[test]
fn an_infinite_draw_is_called_an_overflow_not_a_negative_value() {
    let at = "[parameters.day_care_half_days]\ndist = \"fixed\"\nvalue = 0";
    let wide = "[parameters.day_care_half_days]\ndist = \"lognormal\"\nmedian = 1\nci = [1e-300, 1e300]";
    let model = compile(&seed_text("welzijn_op_recept.toml").replacen(at, wide, 1)).unwrap();
    let err = Simulation::new(&model).deterministic().unwrap_err().to_string();
    assert!(err.contains("parameter 'day_care_half_days' drew inf"), "{err}");
    assert!(err.contains("must be a finite number") && !err.contains("negative"), "{err}");
}

#[test]
fn a_run_that_a_draw_would_likely_stop_is_refused_before_it_starts() {
    // Once: validate passed with 200 draws and a 10,000-iteration run stopped at iteration 6134.
    let pert = "[parameters.coach_trajectory_cost]\ndist = \"pert\"\nmin = 200\nmode = 500\nmax = 1500";
    let normal = "[parameters.coach_trajectory_cost]\ndist = \"normal\"\nmean = 500\nsd = 150";
    let model = compile(&seed_text("welzijn_op_recept.toml").replacen(pert, normal, 1)).unwrap();
    let risk = &model.draw_risks()[0];
    assert_eq!(
        (risk.parameter.as_str(), risk.fields.as_slice()),
        ("coach_trajectory_cost", &["arms[1].costs[0].amount".to_owned()][..])
    );
    let err = Simulation::new(&model).iterations(10_000).run().unwrap_err().to_string();
    assert!(err.contains("parameters.coach_trajectory_cost: falls below 0 with probability 4.29e-4 per draw"), "{err}");
    assert!(err.contains("about 4.3 of 10000 iterations would stop the run"), "{err}");
    // A few iterations are let through, and warned about.
    assert!(Simulation::new(&model).iterations(20).run().is_ok());
    assert!(model.warnings(2_000)[0].starts_with("parameters.coach_trajectory_cost: falls below 0"));
    // Cut at 0, the same normal runs.
    let cut = format!("{normal}\ntruncate = [0, 1e9]");
    let model = compile(&seed_text("welzijn_op_recept.toml").replacen(pert, &cut, 1)).unwrap();
    assert!(model.draw_risks().is_empty());
    assert!(Simulation::new(&model).iterations(10_000).run().is_ok());
}
