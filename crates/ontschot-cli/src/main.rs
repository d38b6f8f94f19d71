//! `ontschot`: run and check business-case scenarios from the command line.
//!
//! A thin face over the `ontschot` crate: it reads arguments, shows progress on stderr, and
//! formats the summaries; all computing happens in the library.

mod table;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ontschot::finance::{Goal, SolveOptions};
use ontschot::{Model, Results, Scenario, Simulation, Summary};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ontschot",
    version,
    about = "Who pays and who benefits: Monte Carlo business cases for interventions across Dutch care budgets (Zvw, Wmo, Wlz)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Settings shared by every command that runs a simulation.
#[derive(Args, Clone)]
struct RunArgs {
    /// Monte Carlo iterations (default: the scenario's [simulation] iterations).
    #[arg(long, short = 'n')]
    iterations: Option<usize>,
    /// Seed of the random streams (default: the scenario's).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

/// What `ontschot solve` varies and looks for.
#[derive(Args)]
struct SolveArgs {
    /// Index of the arrangement (0 for the first).
    #[arg(long, default_value_t = 0)]
    arrangement: usize,
    /// Vary an arrangement of this alternative instead of those in force.
    #[arg(long)]
    alternative: Option<String>,
    /// The term to vary: share, cap, floor, amount, price or max_return.
    #[arg(long)]
    term: String,
    /// `expected` (every payer gains on average), `probability:P` (every payer loses no money
    /// with probability at least P) or `proportional`.
    #[arg(long, default_value = "expected")]
    goal: String,
    /// Range to search, `LOW,HIGH` (default 0,1, for shares).
    #[arg(long, value_delimiter = ',', num_args = 2)]
    range: Option<Vec<f64>>,
    /// Write the answer as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print who pays and who benefits, per budget and per payer.
    Run {
        /// Scenario file (.toml or .json).
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// Write the summaries (and run settings) as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the summary table as CSV to this file.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Check a scenario file and list every problem found; also evaluates the model at the
    /// parameters' means and at a number of random draws.
    Validate {
        /// Scenario file (.toml or .json).
        scenario: PathBuf,
        /// Random draws to try after the deterministic run.
        #[arg(long, default_value_t = 200)]
        draws: usize,
    },
    /// Find the value of one term of an arrangement in force (a share, an amount, a price) under
    /// which every payer gains, or that splits the benefit in proportion to what each invests.
    Solve {
        /// Scenario file with at least one arrangement in force (or an alternative).
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        #[command(flatten)]
        solve: SolveArgs,
    },
    /// Compare financing options side by side on the same draws: no arrangement, the
    /// arrangements in force, the scenario's alternatives, and other scenario files (variants).
    Compare {
        /// Scenario file.
        scenario: PathBuf,
        /// Variants: other scenario files, run with the same seed.
        variants: Vec<PathBuf>,
        #[command(flatten)]
        run: RunArgs,
        /// Write the comparison as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run { scenario, run: args, json, csv } => run(&scenario, &args, json.as_deref(), csv.as_deref()),
        Command::Validate { scenario, draws } => validate(&scenario, draws),
        Command::Solve { scenario, run: args, solve: what } => solve(&scenario, &args, &what),
        Command::Compare { scenario, variants, run: args, json } => {
            compare(&scenario, &variants, &args, json.as_deref())
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &Path) -> Result<Model, String> {
    let scenario = Scenario::from_file(path).map_err(|e| e.to_string())?;
    Model::new(&scenario).map_err(|e| e.to_string())
}

fn simulation<'m>(model: &'m Model, args: &RunArgs) -> Simulation<'m> {
    let mut sim = Simulation::new(model).threads(args.threads);
    if let Some(n) = args.iterations {
        sim = sim.iterations(n);
    }
    if let Some(s) = args.seed {
        sim = sim.seed(s);
    }
    sim
}

/// Runs the Monte Carlo simulation with a progress bar on stderr for long runs.
fn simulate(model: &Model, args: &RunArgs) -> Result<Results, String> {
    let n = args.iterations.unwrap_or(model.scenario().simulation.iterations);
    let bar = if args.quiet || n < 2_000 { ProgressBar::hidden() } else { ProgressBar::new(n as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} iterations ({eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(model.scenario().name.clone());
    let results = simulation(model, args)
        .run_with_progress(|done, _| {
            bar.set_position(done as u64);
            true
        })
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    Ok(results)
}

fn run(path: &Path, args: &RunArgs, json: Option<&Path>, csv: Option<&Path>) -> Result<(), String> {
    let model = load(path)?;
    let deterministic = simulation(&model, args).deterministic().map_err(|e| e.to_string())?;
    let results = simulate(&model, args)?;
    let summaries: Vec<Summary> = (1..model.arms().len()).map(|a| results.summary(a)).collect();
    let base: Vec<Summary> = (1..model.arms().len()).map(|a| deterministic.summary(a)).collect();
    print!("{}", table::render(&model, &results, &summaries, &base));
    if let Some(file) = json {
        let doc = serde_json::json!({
            "ontschot_version": env!("CARGO_PKG_VERSION"),
            "meta": results.meta(),
            "summaries": summaries,
            "deterministic": base,
        });
        write(file, &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?)?;
    }
    if let Some(file) = csv {
        write(file, &table::csv(&summaries))?;
    }
    Ok(())
}

fn write(file: &Path, text: &str) -> Result<(), String> {
    std::fs::write(file, text).map_err(|e| format!("{}: cannot write: {e}", file.display()))
}

fn validate(path: &Path, draws: usize) -> Result<(), String> {
    let model = load(path)?;
    let sim = Simulation::new(&model);
    sim.deterministic().map_err(|e| format!("at the parameters' means: {e}"))?;
    if draws > 0 {
        sim.clone().iterations(draws).run().map_err(|e| e.to_string())?;
    }
    let s = model.scenario();
    let uncertain = s.parameters.values().filter(|p| p.dist != ontschot::DistKind::Fixed).count();
    let assumptions = s.parameters.values().filter(|p| p.assumption).count();
    let unsourced: Vec<&str> = s
        .parameters
        .iter()
        .filter(|(_, p)| p.source.trim().is_empty() && !p.assumption)
        .map(|(k, _)| k.as_str())
        .collect();
    println!(
        "ok: {} ({}): {} states, {} care categories, {} arms, {} budgets, {} parameters ({uncertain} uncertain, {assumptions} marked as assumptions), {} arrangements in force, {} alternatives, {} years in {} cycles; the means and {draws} random draws run without problems",
        s.name,
        path.display(),
        model.states().len(),
        model.categories().len(),
        model.arms().len(),
        model.budgets().len(),
        s.parameters.len(),
        s.arrangements.len(),
        s.alternatives.len(),
        model.n_years(),
        model.n_cycles(),
    );
    if !unsourced.is_empty() {
        println!("note: parameters without a source and not marked as assumption: {}", unsourced.join(", "));
    }
    Ok(())
}

fn parse_goal(goal: &str) -> Result<Goal, String> {
    match goal {
        "expected" => Ok(Goal::ExpectedGain),
        "proportional" => Ok(Goal::Proportional),
        g => match g.strip_prefix("probability:").map(str::parse::<f64>) {
            Some(Ok(p)) => Ok(Goal::Probability(p)),
            _ => {
                Err(format!("--goal must be expected, proportional or probability:P (e.g. probability:0.8), got '{g}'"))
            }
        },
    }
}

fn solve(path: &Path, args: &RunArgs, what: &SolveArgs) -> Result<(), String> {
    let goal = parse_goal(&what.goal)?;
    let range = match what.range.as_deref() {
        Some([lo, hi]) => (*lo, *hi),
        _ => (0.0, 1.0),
    };
    let options = SolveOptions {
        alternative: what.alternative.clone(),
        ..SolveOptions::new(what.arrangement, &what.term, range, goal)
    };
    let model = load(path)?;
    let results = simulate(&model, args)?;
    let answer = ontschot::finance::solve(&model, &results, &options).map_err(|e| e.to_string())?;
    println!(
        "{} ({}), {} iterations, seed {}",
        model.scenario().name,
        path.display(),
        results.meta().iterations,
        results.meta().seed
    );
    println!("{}", answer.message);
    println!(
        "  {:<18} {:>13} {:>16}{}",
        "payer",
        "net after",
        "P(no loss)",
        if goal == Goal::Proportional { "    proportional part" } else { "" }
    );
    for p in &answer.payers {
        let target = p.target.map_or(String::new(), |t| format!(" {:>20}", table::eur(t)));
        println!("  {:<18} {:>13} {:>15.0}%{target}", p.label, table::eur(p.net_after), p.probability_no_loss * 100.0);
    }
    if let Some(file) = &what.json {
        write(file, &serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

fn compare(path: &Path, variants: &[PathBuf], args: &RunArgs, json: Option<&Path>) -> Result<(), String> {
    let model = load(path)?;
    let results = simulate(&model, args)?;
    let mut rows: Vec<(String, Summary)> = Vec::new();
    for arm in 1..model.arms().len() {
        let prefix = if model.arms().len() > 2 { format!("{}: ", model.arms()[arm].label) } else { String::new() };
        for option in ontschot::finance::compare(&model, &results, arm) {
            rows.push((format!("{prefix}{}", option.label), option.summary));
        }
    }
    // Variants run with the same seed: the same draws for every parameter they share.
    for variant in variants {
        let m = load(variant)?;
        let quiet = RunArgs { quiet: true, ..args.clone() };
        let r = simulate(&m, &quiet)?;
        let label =
            variant.file_stem().map_or_else(|| variant.display().to_string(), |s| s.to_string_lossy().into_owned());
        for arm in 1..m.arms().len() {
            rows.push((format!("{label}: {}", m.arms()[arm].label), r.summary(arm)));
        }
    }
    println!(
        "{} ({}), {} iterations, seed {}; net over the horizon after arrangements, discounted; + means the payer gains",
        model.scenario().name,
        path.display(),
        results.meta().iterations,
        results.meta().seed
    );
    print!("{}", table::comparison(&rows));
    if let Some(file) = json {
        let doc: Vec<serde_json::Value> =
            rows.iter().map(|(label, s)| serde_json::json!({ "option": label, "summary": s })).collect();
        write(file, &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}
