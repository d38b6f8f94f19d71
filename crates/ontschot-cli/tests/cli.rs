//! End to end: scenario files through the `ontschot` binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn ontschot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ontschot")).args(args).output().expect("the binary runs")
}

fn seed(name: &str) -> String {
    format!("{}/../../seeds/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ontschot-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn run_prints_who_pays_and_who_benefits_and_writes_json_and_csv() {
    let json = tmp("samenoud.json");
    let csv = tmp("samenoud.csv");
    let out = ontschot(&[
        "run",
        &seed("samenoud.toml"),
        "-n",
        "300",
        "--seed",
        "4",
        "--json",
        json.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in [
        "Budget view, SamenOud against Usual care",
        "P(better)",
        "2025",
        "2029",
        "Societal view, SamenOud against Usual care",
        "Zvw (Zorgverzekeraar)",
        "Wmo (Gemeente)",
        "Wlz (Fonds langdurige zorg)",
        "without financial risk",
        "per payer",
        "Total",
        "P(gain)",
        "break-even",
        "life-years gained",
    ] {
        assert!(stdout.contains(needle), "missing '{needle}' in:\n{stdout}");
    }
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["meta"]["iterations"], 300);
    assert_eq!(doc["meta"]["seed"], 4);
    let summary = &doc["summaries"][0];
    let budgets: f64 = summary["budgets"].as_array().unwrap().iter().map(|b| b["net"]["mean"].as_f64().unwrap()).sum();
    let total = summary["total"]["net"]["mean"].as_f64().unwrap();
    assert!((budgets - total).abs() < 1e-6 * total.abs().max(1.0), "{budgets} vs {total}");
    // The budget view comes first.
    assert!(stdout.find("Budget view").unwrap() < stdout.find("Societal view").unwrap());
    // In the budget view, parties add up to the total in every year.
    let view = &doc["budget"][0];
    for y in 0..5 {
        let payers: f64 =
            view["payers"].as_array().unwrap().iter().map(|p| p["years"][y]["cash"]["mean"].as_f64().unwrap()).sum();
        let total = view["total"]["years"][y]["cash"]["mean"].as_f64().unwrap();
        assert!((payers - total).abs() < 1e-6 * total.abs().max(1.0), "{payers} vs {total}");
        assert_eq!(view["total"]["years"][y]["year"], 2025 + y);
    }
    // The printed total net is the JSON's, rounded to the euro.
    let societal = &stdout[stdout.find("Societal view").unwrap()..];
    let printed = societal.lines().find(|l| l.trim_start().starts_with("Total")).unwrap();
    let rounded = format!("{:.0}", total.round().abs());
    let grouped: String = rounded
        .chars()
        .rev()
        .collect::<Vec<_>>()
        .chunks(3)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(",")
        .chars()
        .rev()
        .collect();
    assert!(printed.contains(&grouped), "{printed} should show {grouped}");
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert!(csv_text.starts_with("view,arm,level,name,label,year,investment_mean"));
    // Per party (five budgets, five payers with the grant funder, the total): one societal row
    // over the horizon, five budget rows (one per year). The table leaves the untouched funder
    // out and says so; the CSV keeps every party.
    assert_eq!(csv_text.lines().count(), 1 + (5 + 5 + 1) * (1 + 5), "{csv_text}");
    assert!(societal.contains("not shown, no flows at all: Subsidie (Subsidiegever)"), "{societal}");
    assert!(csv_text.contains("\nbudget,samenoud,payer,insurer,\"Zorgverzekeraar\",2025,"), "{csv_text}");
}

#[test]
fn the_view_option_prints_one_view_or_both() {
    let only = |view: &str| {
        let out = ontschot(&["run", &seed("welzijn_op_recept.toml"), "-n", "50", "--view", view]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        (stdout.contains("Budget view"), stdout.contains("Societal view"))
    };
    assert_eq!(only("budget"), (true, false));
    assert_eq!(only("societal"), (false, true));
    assert_eq!(only("both"), (true, true));
    let out = ontschot(&["run", &seed("welzijn_op_recept.toml"), "--view", "cash"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("budget"), "{}", text(&out.stderr));
}

#[test]
fn the_same_seed_gives_the_same_json_on_any_thread_count() {
    let a = tmp("wor-1.json");
    let b = tmp("wor-2.json");
    for (file, threads) in [(&a, "1"), (&b, "2")] {
        let out = ontschot(&[
            "run",
            &seed("welzijn_op_recept.toml"),
            "-n",
            "400",
            "--threads",
            threads,
            "--json",
            file.to_str().unwrap(),
            "-q",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    assert_eq!(std::fs::read_to_string(a).unwrap(), std::fs::read_to_string(b).unwrap());
}

#[test]
fn validate_accepts_the_seeds_and_counts_sourced_numbers_and_assumptions() {
    for (s, counts) in [
        ("samenoud.toml", "5 sourced, 48 marked as assumptions"),
        ("welzijn_op_recept.toml", "1 sourced, 25 marked as assumptions"),
        ("region_samenoud.toml", "5 sourced, 51 marked as assumptions"),
    ] {
        let out = ontschot(&["validate", &seed(s)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with("ok: ") && stdout.contains(counts), "{stdout}");
        assert!(!stdout.contains("without a source"), "{stdout}");
    }
}

#[test]
fn validate_lists_every_problem_with_file_and_field_path() {
    let original = std::fs::read_to_string(seed("samenoud.toml")).unwrap();
    let broken = original
        .replace("price = 30.87", "price = -30.87")
        .replace("horizon_years = 5", "horizon_years = 0")
        .replace("relative_risk = \"rr_death\"", "relative_risk = \"rr_dead\"");
    let path = tmp("broken.toml");
    std::fs::write(&path, broken).unwrap();
    let out = ontschot(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}: ", path.display())), "{err}");
    assert!(err.contains("horizon_years: must be at least 1 year"), "{err}");
    assert!(err.contains("categories[0].price: must be >= 0, got -30.87"), "{err}");
    assert!(err.contains("unknown parameter or table 'rr_dead' (did you mean 'rr_death'?)"), "{err}");
}

#[test]
fn a_missing_file_and_bad_arguments_fail_cleanly() {
    let out = ontschot(&["run", "/no/such.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("/no/such.toml: cannot read the file"));
    let out = ontschot(&["run", &seed("samenoud.toml"), "-n", "0"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("simulation.iterations: must be at least 1"), "{}", text(&out.stderr));
    let out = ontschot(&["run", &seed("samenoud.toml"), "--threads", "0"]);
    assert!(
        text(&out.stderr).contains("simulation.threads: must be between 1 and 1024, got 0"),
        "{}",
        text(&out.stderr)
    );
    let out = ontschot(&["run", &seed("samenoud.toml"), "--threads", "100000"]);
    assert!(text(&out.stderr).contains("got 100000"), "{}", text(&out.stderr));
    let out = ontschot(&["run", &seed("samenoud.toml"), "-n", "1000000000"]);
    assert!(text(&out.stderr).contains("above the limit of 8.0 GB"), "{}", text(&out.stderr));
    let out = ontschot(&["run", &seed("samenoud.toml"), "-n", "200", "--max-memory", "0.0001", "-q"]);
    assert!(text(&out.stderr).contains("above the limit of 0.0 GB"), "{}", text(&out.stderr));
}

#[test]
fn json_scenarios_read_like_toml() {
    let s = ontschot::Scenario::from_file(seed("welzijn_op_recept.toml")).unwrap();
    let path = tmp("wor.json");
    std::fs::write(&path, s.to_json_string()).unwrap();
    let a = ontschot(&["run", &seed("welzijn_op_recept.toml"), "-n", "100", "-q"]);
    let b = ontschot(&["run", path.to_str().unwrap(), "-n", "100", "-q"]);
    assert!(b.status.success(), "{}", text(&b.stderr));
    // Same numbers; only the file name in the heading differs.
    let strip = |o: &Output| text(&o.stdout).lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&a), strip(&b));
}

#[test]
fn solve_reports_the_range_or_says_why_there_is_none() {
    let out = ontschot(&[
        "solve",
        &seed("samenoud.toml"),
        "-n",
        "300",
        "--alternative",
        "shared_savings_wlz",
        "--arrangement",
        "1",
        "--term",
        "share",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("the intervention loses money in total"), "{}", text(&out.stdout));
    let json = tmp("solve.json");
    let out = ontschot(&[
        "solve",
        &seed("samenoud.toml"),
        "-n",
        "300",
        "--alternative",
        "shared_savings_wlz",
        "--arrangement",
        "1",
        "--term",
        "share",
        "--goal",
        "proportional",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let share = doc["proposal"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share));
    let out = ontschot(&[
        "solve",
        &seed("samenoud.toml"),
        "-n",
        "50",
        "--alternative",
        "shared_savings_wlz",
        "--arrangement",
        "1",
        "--term",
        "share",
        "--range",
        "0.2,0.9",
    ]);
    assert!(out.status.success(), "--range LOW,HIGH works: {}", text(&out.stderr));
    let out = ontschot(&["solve", &seed("samenoud.toml"), "--term", "share", "--range", "0.2"]);
    assert!(text(&out.stderr).contains("--range takes two numbers"), "{}", text(&out.stderr));
    let out = ontschot(&["solve", &seed("samenoud.toml"), "--term", "share", "--goal", "sometimes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--goal must be expected, proportional or probability:P"));
    let out = ontschot(&["solve", &seed("samenoud.toml"), "-n", "10", "--term", "share"]);
    assert!(text(&out.stderr).contains("has no term 'share'"), "{}", text(&out.stderr));
}

#[test]
fn compare_shows_every_option_with_the_same_totals() {
    let json = tmp("compare.json");
    let out = ontschot(&["compare", &seed("samenoud.toml"), "-n", "300", "--json", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in
        ["No arrangement", "In force", "Pooled budget, paid in proportion to expected care savings", "Zorgverzekeraar"]
    {
        assert!(stdout.contains(needle), "missing {needle}:\n{stdout}");
    }
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let options = doc.as_array().unwrap();
    // Six financing options on the same flows, then the scenario's five variants: three views
    // of the evidence and two of reach.
    assert_eq!(options.len(), 11);
    let labels: Vec<&str> = options[6..].iter().map(|o| o["option"].as_str().unwrap()).collect();
    assert!(
        labels[0].contains("Business case 2013") && labels[1].contains("Trial") && labels[2].contains("Meta-analysis")
    );
    assert!(options[6]["option"].as_str().unwrap().starts_with("variant: "));
    let totals: Vec<f64> =
        options[..6].iter().map(|o| o["summary"]["total"]["net_after"]["mean"].as_f64().unwrap()).collect();
    assert!(totals.iter().all(|t| (t - totals[0]).abs() < 1e-6 * totals[0].abs()), "{totals:?}");
}

#[test]
fn the_readme_shows_what_its_first_command_prints() {
    // As the README runs it: from the repository's root.
    let out = Command::new(env!("CARGO_BIN_EXE_ontschot"))
        .args(["run", "seeds/samenoud.toml"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let start = readme.find("```text\n").expect("README has the sample output") + "```text\n".len();
    let end = start + readme[start..].find("```").unwrap();
    assert_eq!(readme[start..end].trim_end(), text(&out.stdout).trim_end(), "README.md's sample output is stale");
}

#[test]
fn a_region_runs_per_party_with_its_free_riders_and_a_deal() {
    let out = ontschot(&["run", &seed("region_samenoud.toml"), "-n", "200", "--by", "party", "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    for needle in ["per party", "Gemeente Stadskanaal", "Menzis", "Vereveningsfonds"] {
        assert!(stdout.contains(needle), "missing '{needle}' in:\n{stdout}");
    }
    let out = ontschot(&["free-riders", &seed("region_samenoud.toml"), "-n", "200", "-q"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("to stay out"), "{}", text(&out.stdout));
    // compare shows each party as joiner and as free rider beside the options.
    let json = tmp("region-compare.json");
    let out =
        ontschot(&["compare", &seed("region_samenoud.toml"), "-n", "100", "-q", "--json", json.to_str().unwrap()]);
    assert!(out.status.success() && text(&out.stdout).contains("to stay out"), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let riders = &doc.as_array().unwrap().last().unwrap()["free_riders"][0]["parties"];
    assert!(riders.as_array().unwrap().iter().any(|p| p["party"] == "menzis" && p["incentive_to_stay_out"].is_f64()));
    let json = tmp("deal.json");
    let out = ontschot(&[
        "deal",
        &seed("region_samenoud.toml"),
        "-n",
        "200",
        "-q",
        "--goal",
        "maxmin",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let shares: f64 = doc[0]["parties"].as_array().unwrap().iter().map(|p| p["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9, "{shares}");
    // A scenario without a region has no free riders; a bad goal is named.
    let out = ontschot(&["free-riders", &seed("samenoud.toml"), "-n", "20"]);
    assert!(!out.status.success() && text(&out.stderr).contains("has no [region]"));
    let out = ontschot(&["deal", &seed("samenoud.toml"), "-n", "20", "--goal", "best"]);
    assert!(!out.status.success() && text(&out.stderr).contains("unknown goal 'best'"));
}

#[test]
fn excel_out_and_an_edited_parameter_sheet_back_in() {
    let (params, book, compared) = (tmp("params.xlsx"), tmp("results.xlsx"), tmp("compare.xlsx"));
    let out = ontschot(&["template", &seed("welzijn_op_recept.toml"), "-o", params.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("26 parameters"), "{}", text(&out.stderr));
    let json = tmp("with-params.json");
    let args = ["-n", "200", "--seed", "3", "--quiet"];
    let wor = seed("welzijn_op_recept.toml");
    let mut run = vec!["run", wor.as_str()];
    run.extend(args);
    let plain = ontschot(&[run.as_slice(), &["--json", json.to_str().unwrap()]].concat());
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    let before = std::fs::read_to_string(&json).unwrap();
    // The unedited sheet gives the same numbers as the scenario file.
    let same = ontschot(
        &[
            run.as_slice(),
            &["--params", params.to_str().unwrap(), "--json", json.to_str().unwrap(), "--xlsx", book.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(same.status.success(), "{}", text(&same.stderr));
    let after = std::fs::read_to_string(&json).unwrap();
    let summaries = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["summaries"].clone();
    assert_eq!(summaries(&before), summaries(&after));
    assert!(std::fs::read(&book).unwrap().starts_with(b"PK"));
    let cmp = ontschot(&[
        "compare",
        &seed("samenoud.toml"),
        "-n",
        "100",
        "--quiet",
        "--xlsx",
        compared.to_str().unwrap(),
        "--lang",
        "nl",
    ]);
    assert!(cmp.status.success(), "{}", text(&cmp.stderr));
    assert!(std::fs::read(&compared).unwrap().starts_with(b"PK"));
    // A file that is no sheet, and a bad language, fail before any run.
    let bad = ontschot(&[run.as_slice(), &["--params", &seed("gli.toml")]].concat());
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("--params: ") && text(&bad.stderr).contains("cannot read it as a spreadsheet"));
    let lang = ontschot(&[run.as_slice(), &["--xlsx", book.to_str().unwrap(), "--lang", "de"]].concat());
    assert_eq!(text(&lang.stderr).trim(), "error: --lang must be nl or en, got 'de'");
}

#[test]
fn run_with_trace_and_strategies_says_what_the_intervention_does_for_people() {
    let json = tmp("samenoud-trace.json");
    let out = ontschot(&[
        "run",
        &seed("samenoud.toml"),
        "-n",
        "100",
        "--trace",
        "--strategies",
        "--view",
        "societal",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("People entering each state over the horizon"), "{stdout}");
    assert!(stdout.contains("avoided by SamenOud"), "{stdout}");
    assert!(stdout.contains("Efficient frontier: costs of society, effect qalys"), "{stdout}");
    assert!(stdout.contains("Efficient frontier: costs of Health insurer"), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let dead = doc["trace"]["states"].as_array().unwrap().iter().position(|s| s["name"] == "dead").unwrap();
    let arms = doc["trace"]["arms"].as_array().unwrap();
    let deaths = |a: usize| arms[a]["total_events"][dead]["mean"].as_f64().unwrap();
    let avoided = arms[1]["avoided"][dead]["mean"].as_f64().unwrap();
    assert!((deaths(0) - deaths(1) - avoided).abs() < 1e-6 * avoided.abs().max(1.0));
    assert_eq!(doc["strategies"]["frontiers"][0]["perspective"], "society");
    // Without --trace the JSON says there is none.
    let plain = ontschot(&["run", &seed("samenoud.toml"), "-n", "50", "-q", "--json", json.to_str().unwrap()]);
    assert!(plain.status.success());
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(doc["trace"].is_null());
}

#[test]
fn a_reader_that_stops_early_is_not_an_error_and_files_are_still_written() {
    use std::process::Stdio;
    // `ontschot run ... | head -1`: the reader is gone before the tables are printed.
    let json = tmp("early.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ontschot"))
        .args(["run", &seed("samenoud.toml"), "-n", "2000", "-q", "--json", json.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("it ends");
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(written["meta"]["iterations"], 2000);
}

#[cfg(target_os = "linux")]
#[test]
fn a_failure_to_write_the_tables_is_reported_and_fails_the_command() {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full opens");
    let out = Command::new(env!("CARGO_BIN_EXE_ontschot"))
        .args(["run", &seed("welzijn_op_recept.toml"), "-n", "50", "-q"])
        .stdout(full)
        .output()
        .expect("the binary runs");
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: writing to standard output: No space left on device"), "{stderr}");
    assert_eq!(stderr.matches("error:").count(), 1, "reported once: {stderr}");
}

#[test]
fn a_memory_limit_that_is_no_positive_number_is_refused_by_name() {
    for bad in ["nan", "inf", "1e400", "0", "-2"] {
        let out = ontschot(&["run", &seed("welzijn_op_recept.toml"), "-n", "10", "-q", &format!("--max-memory={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains("--max-memory") && stderr.contains("must be a positive number of GB"), "{stderr}");
    }
    let out = ontschot(&["run", &seed("welzijn_op_recept.toml"), "-n", "10", "-q", "--max-memory", "1e30"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn validate_names_too_many_draws_as_the_option_at_fault() {
    let out = ontschot(&["validate", &seed("samenoud.toml"), "--draws", "100000000"]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error: --draws: 100000000 draws need about"), "{stderr}");
    assert!(stderr.contains("above the limit of 8.0 GB; choose fewer") && !stderr.contains("--max-memory"), "{stderr}");
}
