//! `ontschot`: run and check business-case scenarios from the command line.
//!
//! A thin face over the `ontschot` crate: it reads arguments, shows progress on stderr, and
//! formats the summaries; all computing happens in the library.

mod table;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ontschot::{Model, Scenario, Simulation, Summary};
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

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and print who pays and who benefits, per budget and per payer.
    Run {
        /// Scenario file (.toml or .json).
        scenario: PathBuf,
        /// Monte Carlo iterations (default: the scenario's [simulation] iterations).
        #[arg(long, short = 'n')]
        iterations: Option<usize>,
        /// Seed of the random streams (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Worker threads (default: one per core). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
        /// Write the summaries (and run settings) as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write the summary table as CSV to this file.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run {
            scenario,
            iterations,
            seed,
            threads,
            json,
            csv,
            quiet,
        } => run(
            &scenario,
            iterations,
            seed,
            threads,
            json.as_deref(),
            csv.as_deref(),
            quiet,
        ),
        Command::Validate { scenario, draws } => validate(&scenario, draws),
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

fn run(
    path: &Path,
    iterations: Option<usize>,
    seed: Option<u64>,
    threads: Option<usize>,
    json: Option<&Path>,
    csv: Option<&Path>,
    quiet: bool,
) -> Result<(), String> {
    let model = load(path)?;
    let mut sim = Simulation::new(&model).threads(threads);
    if let Some(n) = iterations {
        sim = sim.iterations(n);
    }
    if let Some(s) = seed {
        sim = sim.seed(s);
    }
    let deterministic = sim.deterministic().map_err(|e| e.to_string())?;
    let n = iterations.unwrap_or(model.scenario().simulation.iterations);
    let bar = if quiet || n < 2_000 {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(n as u64)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {msg} [{bar:30}] {pos}/{len} iterations ({eta} left)",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message(model.scenario().name.clone());
    let results = sim
        .run_with_progress(|done, _| {
            bar.set_position(done as u64);
            true
        })
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    let summaries: Vec<Summary> = (1..model.arms().len())
        .map(|a| results.summary(a))
        .collect();
    let base: Vec<Summary> = (1..model.arms().len())
        .map(|a| deterministic.summary(a))
        .collect();
    print!("{}", table::render(&model, &results, &summaries, &base));
    if let Some(file) = json {
        let doc = serde_json::json!({
            "ontschot_version": env!("CARGO_PKG_VERSION"),
            "meta": results.meta(),
            "summaries": summaries,
            "deterministic": base,
        });
        write(
            file,
            &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?,
        )?;
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
    sim.deterministic()
        .map_err(|e| format!("at the parameters' means: {e}"))?;
    if draws > 0 {
        sim.clone()
            .iterations(draws)
            .run()
            .map_err(|e| e.to_string())?;
    }
    let s = model.scenario();
    let uncertain = s
        .parameters
        .values()
        .filter(|p| p.dist != ontschot::DistKind::Fixed)
        .count();
    let assumptions = s.parameters.values().filter(|p| p.assumption).count();
    let unsourced: Vec<&str> = s
        .parameters
        .iter()
        .filter(|(_, p)| p.source.trim().is_empty() && !p.assumption)
        .map(|(k, _)| k.as_str())
        .collect();
    println!(
        "ok: {} ({}): {} states, {} care categories, {} arms, {} budgets, {} parameters ({uncertain} uncertain, {assumptions} marked as assumptions), {} years in {} cycles; the means and {draws} random draws run without problems",
        s.name,
        path.display(),
        model.states().len(),
        model.categories().len(),
        model.arms().len(),
        model.budgets().len(),
        s.parameters.len(),
        model.n_years(),
        model.n_cycles(),
    );
    if !unsourced.is_empty() {
        println!(
            "note: parameters without a source and not marked as assumption: {}",
            unsourced.join(", ")
        );
    }
    Ok(())
}
