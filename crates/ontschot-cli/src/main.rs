//! `ontschot`: run and check business-case scenarios from the command line.
//!
//! A thin face over the `ontschot` crate: it reads arguments, shows progress on stderr, and
//! formats the summaries; all computing happens in the library.

mod output;
mod table;

use output::{out, outln};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use ontschot::finance::{Goal, SolveOptions};
use ontschot::{Mode, Model, Results, Scenario, Simulation, Summary};
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
    /// The most memory the run may take, in GB (default 8); a run that needs more is refused
    /// before it starts.
    #[arg(long, value_name = "GB", value_parser = positive_gigabytes)]
    max_memory: Option<f64>,
    /// `cohort` (expected values) or `individual` (every person simulated; default: the
    /// scenario's [simulation] mode).
    #[arg(long, value_parser = |s: &str| s.parse::<Mode>())]
    mode: Option<Mode>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// A parameter sheet (from `ontschot template`, edited) whose rows replace the scenario's
    /// parameters.
    #[arg(long, value_name = "XLSX")]
    params: Option<PathBuf>,
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
    #[arg(long, value_delimiter = ',', allow_negative_numbers = true)]
    range: Option<Vec<f64>>,
    /// Write the answer as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Write a self-contained HTML report for boards and councils: the answer in plain words,
    /// who pays and who benefits, the years, the arrangements, the deciding assumptions, every
    /// assumption with its source, and how to reproduce it.
    Report {
        /// Scenario file.
        scenario: PathBuf,
        /// The HTML file to write.
        #[arg(long, short = 'o')]
        output: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// Language of the labels: nl or en.
        #[arg(long, default_value = "nl")]
        lang: String,
        /// The intervention arm to report, by name (default: the first after the comparator).
        #[arg(long)]
        arm: Option<String>,
    },
    /// One-way sensitivity: each uncertain parameter at its 2.5 and 97.5 percentiles, the others
    /// at their means; the effect on each payer's net, widest first.
    Tornado {
        /// Scenario file.
        scenario: PathBuf,
        /// Rank by this budget, payer or `total`.
        #[arg(long, default_value = "total")]
        party: String,
        /// Show this many parameters.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Write the diagram's numbers as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Global sensitivity and value of information from the Monte Carlo sample: the share of the
    /// variance of each payer's net that each parameter explains, the EVPI per decision maker,
    /// and the acceptability curve.
    Sensitivity {
        /// Scenario file.
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// Also the EVPPI of this group of parameters (comma-separated).
        #[arg(long, value_delimiter = ',')]
        group: Vec<String>,
        /// Show this many parameters.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Write the results as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Two-way sensitivity: the expected net of one party and its probability of gaining on a
    /// grid of two parameters (the others drawn as usual).
    Twoway {
        /// Scenario file.
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// First parameter and its values: NAME=V1,V2,...
        #[arg(long)]
        x: String,
        /// Second parameter and its values: NAME=V1,V2,...
        #[arg(long)]
        y: String,
        /// The budget, payer or `total`.
        #[arg(long, default_value = "total")]
        party: String,
    },
    /// Run a scenario and print who pays and who benefits, per budget and per payer.
    Run {
        /// Scenario file (.toml or .json).
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// Write the summaries (and run settings) as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Write both views as CSV to this file.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Write who pays (societal view), the net per year, each party's cash per calendar year
        /// and every assumption to this Excel file, one sheet each.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        /// Language of the Excel sheets: nl or en.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Which view to print: `budget` (each party's cash per calendar year), `societal`
        /// (reference prices, discounted), or `both` (budget first).
        #[arg(long, default_value = "both", value_parser = ["both", "budget", "societal"])]
        view: String,
        /// Rows per `payer`, or per `party`: a region's municipalities and insurers.
        #[arg(long, default_value = "payer", value_parser = ["payer", "party"])]
        by: String,
        /// Keep the state trace: print the people entering each state (admissions, deaths) per
        /// arm and what each intervention avoids; the JSON gets the trace per cycle.
        #[arg(long)]
        trace: bool,
        /// Print each arm's own costs, life-years and QALYs and the efficient frontier with its
        /// ICERs, for society and each payer.
        #[arg(long)]
        strategies: bool,
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
    /// A deal every party can sign: the shares by which parties pay into a pooled budget that pays
    /// the intervention, so that each gains (or why there are none, and who blocks it).
    Deal {
        /// Scenario file.
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// The parties (comma-separated keys; default: all that bear risk and that the intervention touches, but the client).
        #[arg(long, value_delimiter = ',')]
        parties: Vec<String>,
        /// expected, probability:P, maxmin or nash.
        #[arg(long, default_value = "expected")]
        goal: String,
        /// In cash over the horizon (`budget`) or discounted at reference prices (`societal`).
        #[arg(long, default_value = "budget", value_parser = ["budget", "societal"])]
        view: String,
        /// Write the answer as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Free riders in a region: each municipality's and insurer's net when every party joins and
    /// pays by the keys, and when it alone stays out and still receives the savings.
    FreeRiders {
        /// Scenario file with a [region].
        scenario: PathBuf,
        #[command(flatten)]
        run: RunArgs,
        /// Write the table as JSON to this file.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Compare financing options side by side on the same draws: no arrangement, the
    /// arrangements in force, the scenario's alternatives, and other scenario files (variants);
    /// in a region also each party as joiner and as free rider.
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
        /// Write the comparison, who pays, the years and every assumption to this Excel file.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<PathBuf>,
        /// Language of the Excel sheets: nl or en.
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Write a scenario's parameters (name, labels, distribution, values, unit, source,
    /// assumption) to an Excel sheet to edit; read it back with `--params`.
    Template {
        /// Scenario file.
        scenario: PathBuf,
        /// The .xlsx file to write.
        #[arg(long, short = 'o')]
        output: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run { scenario, run: args, json, csv, xlsx, lang, view, by, trace, strategies } => {
            let out = Outputs { json: json.as_deref(), csv: csv.as_deref(), xlsx: xlsx.as_deref(), lang: &lang };
            run(&scenario, &args, &out, &view, by == "party", Extras { trace, strategies })
        }
        Command::Template { scenario, output } => template(&scenario, &output),
        Command::FreeRiders { scenario, run: args, json } => free_riders(&scenario, &args, json.as_deref()),
        Command::Deal { scenario, run: args, parties, goal, view, json } => {
            deal(&scenario, &args, &parties, &goal, &view, json.as_deref())
        }
        Command::Validate { scenario, draws } => validate(&scenario, draws),
        Command::Report { scenario, output, run: args, lang, arm } => {
            report(&scenario, &output, &args, &lang, arm.as_deref())
        }
        Command::Tornado { scenario, party, top, json } => tornado(&scenario, &party, top, json.as_deref()),
        Command::Sensitivity { scenario, run: args, group, top, json } => {
            sensitivity(&scenario, &args, &group, top, json.as_deref())
        }
        Command::Twoway { scenario, run: args, x, y, party } => twoway(&scenario, &args, &x, &y, &party),
        Command::Solve { scenario, run: args, solve: what } => solve(&scenario, &args, &what),
        Command::Compare { scenario, variants, run: args, json, xlsx, lang } => {
            let out = Outputs { json: json.as_deref(), csv: None, xlsx: xlsx.as_deref(), lang: &lang };
            compare(&scenario, &variants, &args, &out)
        }
    };
    match outcome {
        Ok(()) if output::failed() => ExitCode::FAILURE,
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

/// The scenario at `path` with the parameter sheet of `--params` applied.
fn load_with(path: &Path, args: &RunArgs) -> Result<Model, String> {
    let Some(sheet) = &args.params else { return load(path) };
    let scenario = Scenario::from_file(path).map_err(|e| e.to_string())?;
    let scenario = ontschot_xlsx::with_sheet(&scenario, sheet).map_err(|e| format!("--params: {e}"))?;
    Model::new(&scenario).map_err(|e| e.to_string())
}

/// `--max-memory`: a positive, finite number of GB.
fn positive_gigabytes(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(gb) if gb.is_finite() && gb > 0.0 => Ok(gb),
        Ok(_) => Err(format!("must be a positive number of GB, got {text}")),
        Err(e) => Err(format!("must be a number of GB: {e}")),
    }
}

/// A memory limit in GB as bytes (checked positive and finite by [`positive_gigabytes`]).
fn gigabytes(gb: f64) -> u64 {
    (gb * 1e9).min(u64::MAX as f64) as u64
}

fn simulation<'m>(model: &'m Model, args: &RunArgs) -> Simulation<'m> {
    let mut sim = Simulation::new(model).threads(args.threads);
    if let Some(gb) = args.max_memory {
        sim = sim.max_memory(gigabytes(gb));
    }
    if let Some(mode) = args.mode {
        sim = sim.mode(mode);
    }
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
    simulate_with(model, args, Keep::Flows)
}

/// What a run keeps besides the flows.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    Flows,
    /// The people entering each state per year.
    Events,
    /// The people in each state at each point, and the events.
    Trace,
}

/// A progress bar on stderr for a long run (hidden for a short or quiet one).
fn progress_bar(model: &Model, args: &RunArgs) -> ProgressBar {
    let n = args.iterations.unwrap_or(model.scenario().simulation.iterations);
    let individual = args.mode.unwrap_or(model.scenario().simulation.mode) == Mode::Individual;
    let long = if individual { n >= 10 } else { n >= 2_000 };
    let bar = if args.quiet || !long { ProgressBar::hidden() } else { ProgressBar::new(n as u64) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} iterations ({eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(model.scenario().name.clone());
    bar
}

/// A run with a progress bar on long runs, keeping the trace or the events when asked.
fn simulate_with(model: &Model, args: &RunArgs, keep: Keep) -> Result<Results, String> {
    let bar = progress_bar(model, args);
    let results = simulation(model, args)
        .trace(keep == Keep::Trace)
        .events(keep == Keep::Events)
        .run_with_progress(|done, _| {
            bar.set_position(done as u64);
            true
        })
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    Ok(results)
}

fn deal(
    path: &Path,
    args: &RunArgs,
    parties: &[String],
    goal: &str,
    view: &str,
    json: Option<&Path>,
) -> Result<(), String> {
    let goal: ontschot::finance::DealGoal = goal.parse()?;
    let view = if view == "societal" { ontschot::View::Societal } else { ontschot::View::Budget };
    let model = load_with(path, args)?;
    let results = simulate(&model, args)?;
    let mut all = Vec::new();
    for arm in 1..model.arms().len() {
        let d = ontschot::finance::deal(&results, arm, parties, goal, view).map_err(|e| e.to_string())?;
        out!("{}", table::deal(&model.arms()[arm].label, &d));
        all.push(d);
    }
    if let Some(file) = json {
        write(file, &serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

fn free_riders(path: &Path, args: &RunArgs, json: Option<&Path>) -> Result<(), String> {
    let model = load_with(path, args)?;
    if model.scenario().region.is_none() {
        return Err(format!(
            "{}: has no [region]: free riders are municipalities and insurers of a region",
            path.display()
        ));
    }
    let results = simulate(&model, args)?;
    let mut all = Vec::new();
    for arm in 1..model.arms().len() {
        let rows = ontschot::finance::free_riders(&results, arm).map_err(|e| e.to_string())?;
        out!("{}", table::free_riders(&model.arms()[arm].label, &rows));
        all.push(serde_json::json!({ "arm": model.arms()[arm].name, "parties": rows }));
    }
    if let Some(file) = json {
        write(file, &serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

/// Files a command writes besides what it prints.
struct Outputs<'a> {
    json: Option<&'a Path>,
    csv: Option<&'a Path>,
    xlsx: Option<&'a Path>,
    /// Language of the Excel sheets.
    lang: &'a str,
}

impl Outputs<'_> {
    /// The language of the Excel sheets, checked before a run so a typo costs no waiting.
    fn lang(&self) -> Result<ontschot::format::Lang, String> {
        ontschot::format::Lang::parse(self.lang).ok_or_else(|| format!("--lang must be nl or en, got '{}'", self.lang))
    }
}

/// What `ontschot run` prints besides who pays.
struct Extras {
    trace: bool,
    strategies: bool,
}

fn run(path: &Path, args: &RunArgs, out: &Outputs, view: &str, by_party: bool, extras: Extras) -> Result<(), String> {
    let lang = out.lang()?;
    let model = load_with(path, args)?;
    let deterministic = simulation(&model, args).deterministic().map_err(|e| e.to_string())?;
    let arms = 1..model.arms().len();
    let base: Vec<Summary> =
        arms.clone().map(|a| deterministic.summary(a)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let print = |meta: &ontschot::Meta, summaries: &[Summary], budget: &[ontschot::BudgetView]| {
        out!("{}", table::header(&model, meta));
        if view != "societal" {
            out!("{}", table::render_budget(&model, budget, by_party));
        }
        if view != "budget" {
            out!("{}", table::render(&model, meta, summaries, &base, by_party));
        }
    };
    // Only the summaries asked for: the records are not kept (less memory, less time).
    if !extras.trace && !extras.strategies && out.json.is_none() && out.xlsx.is_none() {
        let bar = progress_bar(&model, args);
        let run = simulation(&model, args).summarise_with_progress(|done, _| {
            bar.set_position(done as u64);
            true
        });
        bar.finish_and_clear();
        let run = run.map_err(|e| e.to_string())?;
        let (summaries, budget): (Vec<Summary>, Vec<ontschot::BudgetView>) =
            run.arms.into_iter().map(|a| (a.summary, a.budget)).unzip();
        print(&run.meta, &summaries, &budget);
        if let Some(file) = out.csv {
            write(file, &table::csv(&summaries, &budget, model.scenario().region.is_some()))?;
        }
        return Ok(());
    }
    let results = simulate_with(&model, args, if extras.trace { Keep::Trace } else { Keep::Flows })?;
    let summaries: Vec<Summary> =
        arms.clone().map(|a| results.summary(a)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    let budget: Vec<ontschot::BudgetView> =
        arms.map(|a| results.budget_view(a)).collect::<Result<_, _>>().map_err(|e| e.to_string())?;
    print(results.meta(), &summaries, &budget);
    let trace = results.trace_summary().map_err(|e| e.to_string())?;
    if let Some(t) = &trace {
        out!("{}", table::events(t));
    }
    // Each arm's totals: printed on request, always in the JSON.
    let strategies = if extras.strategies || out.json.is_some() {
        Some(results.strategies().map_err(|e| e.to_string())?)
    } else {
        None
    };
    if let (true, Some(s)) = (extras.strategies, &strategies) {
        out!("{}", table::strategies(s));
    }
    if let Some(file) = out.json {
        let doc = serde_json::json!({
            "ontschot_version": env!("CARGO_PKG_VERSION"),
            "meta": results.meta(),
            "summaries": summaries,
            "budget": budget,
            "deterministic": base,
            "strategies": strategies,
            "trace": trace,
        });
        write(file, &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?)?;
    }
    if let Some(file) = out.csv {
        write(file, &table::csv(&summaries, &budget, model.scenario().region.is_some()))?;
    }
    if let Some(file) = out.xlsx {
        let mut book = ontschot_xlsx::Book::new(lang);
        book.results(&model, &results).and_then(|b| b.assumptions(model.scenario())).map_err(|e| e.to_string())?;
        save_book(&mut book, file)?;
    }
    Ok(())
}

fn save_book(book: &mut ontschot_xlsx::Book, file: &Path) -> Result<(), String> {
    book.save(file).map_err(|e| format!("{}: {e}", file.display()))?;
    eprintln!("wrote {}", file.display());
    Ok(())
}

fn template(path: &Path, output: &Path) -> Result<(), String> {
    let model = load(path)?;
    let bytes = ontschot_xlsx::template(model.scenario()).map_err(|e| e.to_string())?;
    std::fs::write(output, bytes).map_err(|e| format!("{}: cannot write: {e}", output.display()))?;
    eprintln!(
        "wrote {} ({} parameters); edit it and run with --params {}",
        output.display(),
        model.scenario().parameters.len(),
        output.display()
    );
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
        // `validate` keeps the library's memory limit: too many draws is the option at fault.
        let (needed, limit) = (sim.memory_needed(draws), ontschot::DEFAULT_MAX_MEMORY);
        if needed > limit {
            return Err(format!(
                "--draws: {draws} draws need about {:.1} GB of memory, above the limit of {:.1} GB; choose fewer (the default is 200)",
                needed as f64 / 1e9,
                limit as f64 / 1e9
            ));
        }
        sim.clone().iterations(draws).run().map_err(|e| e.to_string())?;
    }
    let s = model.scenario();
    let uncertain = s.parameters.values().filter(|p| p.dist != ontschot::DistKind::Fixed).count();
    let assumptions = s.parameters.values().filter(|p| p.assumption).count();
    let sourced = s.parameters.values().filter(|p| !p.assumption && !p.source.trim().is_empty()).count();
    let unsourced: Vec<&str> = s
        .parameters
        .iter()
        .filter(|(_, p)| p.source.trim().is_empty() && !p.assumption)
        .map(|(k, _)| k.as_str())
        .collect();
    outln!(
        "ok: {} ({}): {} states, {} care categories, {} arms, {} budgets, {} parameters ({uncertain} uncertain; {sourced} sourced, {assumptions} marked as assumptions), {} arrangements in force, {} alternatives, {} years in {} cycles; the means and {draws} random draws run without problems",
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
        outln!("note: parameters without a source and not marked as assumption: {}", unsourced.join(", "));
    }
    for note in model.warnings(s.simulation.iterations) {
        outln!("note: {note}");
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
        None => (0.0, 1.0),
        Some(other) => return Err(format!("--range takes two numbers, LOW,HIGH; got {other:?}")),
    };
    let options = SolveOptions {
        alternative: what.alternative.clone(),
        ..SolveOptions::new(what.arrangement, &what.term, range, goal)
    };
    let model = load_with(path, args)?;
    let results = simulate(&model, args)?;
    let answer = ontschot::finance::solve(&model, &results, &options).map_err(|e| e.to_string())?;
    outln!(
        "{} ({}), {} iterations, seed {}",
        model.scenario().name,
        path.display(),
        results.meta().iterations,
        results.meta().seed
    );
    outln!("{}", answer.message);
    outln!(
        "  {:<18} {:>13} {:>16}{}",
        "payer",
        "net after",
        "P(no loss)",
        if goal == Goal::Proportional { "    proportional part" } else { "" }
    );
    for p in &answer.payers {
        let target = p.target.map_or(String::new(), |t| format!(" {:>20}", table::eur(t)));
        outln!("  {:<18} {:>13} {:>15.0}%{target}", p.label, table::eur(p.net_after), p.probability_no_loss * 100.0);
    }
    if let Some(file) = &what.json {
        write(file, &serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

fn compare(path: &Path, variants: &[PathBuf], args: &RunArgs, out: &Outputs) -> Result<(), String> {
    let lang = out.lang()?;
    let model = load_with(path, args)?;
    let results = simulate(&model, args)?;
    let mut rows: Vec<(String, Summary)> = Vec::new();
    // The budget view of each row, where it has one (the scenario's own options).
    let mut views: Vec<Option<ontschot::BudgetView>> = Vec::new();
    for arm in 1..model.arms().len() {
        let prefix = if model.arms().len() > 2 { format!("{}: ", model.arms()[arm].label) } else { String::new() };
        for option in ontschot::finance::compare(&model, &results, arm).map_err(|e| e.to_string())? {
            let mark = if option.hypothetical { " (hypothetical)" } else { "" };
            rows.push((format!("{prefix}{}{mark}", option.label), option.summary));
            views.push(Some(option.budget));
        }
    }
    // The scenario's own variants, and variant files, run with the same seed.
    if !model.scenario().variants.is_empty() {
        let n = args.iterations.unwrap_or(model.scenario().simulation.iterations);
        let seed = args.seed.unwrap_or(model.scenario().simulation.seed);
        let rows_v =
            ontschot::analysis::variants(model.scenario(), 1, n, seed, args.threads).map_err(|e| e.to_string())?;
        for v in rows_v.into_iter().skip(1) {
            rows.push((format!("variant: {}", v.label), v.summary));
        }
    }
    for variant in variants {
        let m = load(variant)?;
        let quiet = RunArgs { quiet: true, ..args.clone() };
        let r = simulate(&m, &quiet)?;
        let label =
            variant.file_stem().map_or_else(|| variant.display().to_string(), |s| s.to_string_lossy().into_owned());
        for arm in 1..m.arms().len() {
            rows.push((format!("{label}: {}", m.arms()[arm].label), r.summary(arm).map_err(|e| e.to_string())?));
        }
    }
    outln!(
        "{} ({}), {} iterations, seed {}; net over the horizon after arrangements, discounted; + means the payer gains",
        model.scenario().name,
        path.display(),
        results.meta().iterations,
        results.meta().seed
    );
    out!("{}", table::comparison(results.meta(), &rows));
    for note in ontschot::finance::left_out(&model) {
        outln!("  left out: {note}");
    }
    // In a region: each party as joiner and as free rider, on the same draws.
    let mut riders = Vec::new();
    if model.scenario().region.is_some() {
        for arm in 1..model.arms().len() {
            let rows = ontschot::finance::free_riders(&results, arm).map_err(|e| e.to_string())?;
            outln!();
            out!("{}", table::free_riders(&model.arms()[arm].label, &rows));
            riders.push(serde_json::json!({ "arm": model.arms()[arm].name, "parties": rows }));
        }
    }
    if let Some(file) = out.json {
        let mut doc: Vec<serde_json::Value> =
            rows.iter().map(|(label, s)| serde_json::json!({ "option": label, "summary": s })).collect();
        if !riders.is_empty() {
            doc.push(serde_json::json!({ "free_riders": riders }));
        }
        write(file, &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?)?;
    }
    if let Some(file) = out.xlsx {
        views.resize(rows.len(), None);
        let options: Vec<(String, &Summary, Option<&ontschot::BudgetView>)> =
            rows.iter().zip(&views).map(|((label, s), v)| (label.clone(), s, v.as_ref())).collect();
        let mut book = ontschot_xlsx::Book::new(lang);
        book.comparison(&model, &options)
            .and_then(|b| b.results(&model, &results))
            .and_then(|b| b.assumptions(model.scenario()))
            .map_err(|e| e.to_string())?;
        save_book(&mut book, file)?;
    }
    Ok(())
}

fn tornado(path: &Path, party: &str, top: usize, json: Option<&Path>) -> Result<(), String> {
    let model = load(path)?;
    let t = ontschot::analysis::tornado(&model, 1, party, &[]).map_err(|e| e.to_string())?;
    let k = t.parties.iter().position(|p| p == party).expect("checked by tornado");
    outln!(
        "{} ({}): net of {party} over the horizon, discounted; base case {}; each parameter at its 2.5 and 97.5 percentiles",
        model.scenario().name,
        path.display(),
        table::eur(t.base[k])
    );
    outln!(
        "  {:<44} {:>12} {:>12} {:>14} {:>14} {:>12}  key",
        "parameter",
        "low value",
        "high value",
        "net at low",
        "net at high",
        "swing"
    );
    for b in t.bars.iter().take(top) {
        outln!(
            "  {:<44} {:>12.4} {:>12.4} {:>14} {:>14} {:>12}  {}",
            b.label_en,
            b.values.0,
            b.values.1,
            table::eur(b.low[k]),
            table::eur(b.high[k]),
            table::eur(b.swing),
            b.parameter
        );
    }
    if let Some(file) = json {
        write(file, &serde_json::to_string_pretty(&t).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

fn sensitivity(path: &Path, args: &RunArgs, group: &[String], top: usize, json: Option<&Path>) -> Result<(), String> {
    let model = load_with(path, args)?;
    let results = simulate(&model, args)?;
    let first = ontschot::analysis::first_order(&model, &results, 1).map_err(|e| e.to_string())?;
    let evpi = ontschot::analysis::evpi(&model, &results, 1).map_err(|e| e.to_string())?;
    let parties = ontschot::analysis::parties(&model);
    let payers: Vec<usize> = (model.budgets().len()..parties.len()).collect();
    outln!(
        "{} ({}), {} iterations, seed {}",
        model.scenario().name,
        path.display(),
        results.meta().iterations,
        results.meta().seed
    );
    outln!("\nShare of the variance of each payer's net explained by one parameter (first-order index):");
    out!("  {:<44}", "parameter");
    for &k in &payers {
        out!(" {:>13}", parties[k]);
    }
    outln!("  key");
    let total = parties.len() - 1;
    let mut ranked: Vec<&ontschot::analysis::FirstOrder> = first.iter().collect();
    ranked.sort_by(|a, b| b.index[total].total_cmp(&a.index[total]));
    for f in ranked.iter().take(top) {
        out!("  {:<44}", f.label_en);
        for &k in &payers {
            out!(" {:>13.3}", f.index[k]);
        }
        outln!("  {}", f.parameter);
    }
    outln!("\nExpected value of perfect information (go/no-go on each one's own net), euros:");
    for v in evpi.iter().filter(|v| {
        payers.contains(&parties.iter().position(|p| p == &v.party).unwrap_or(usize::MAX)) || v.party == "society"
    }) {
        outln!(
            "  {:<18} decision now: {:<6} EVPI {:>12}  per person {:>8.2}",
            v.party,
            v.decision,
            table::eur(v.value),
            v.per_person
        );
    }
    let group_refs: Vec<&str> = group.iter().map(String::as_str).collect();
    let evppi = if group.is_empty() {
        None
    } else {
        let e = ontschot::analysis::evppi(&model, &results, 1, &group_refs).map_err(|e| e.to_string())?;
        outln!("\nExpected value of partial perfect information about {}, euros:", group.join(", "));
        for v in e.iter().filter(|v| {
            payers.contains(&parties.iter().position(|p| p == &v.party).unwrap_or(usize::MAX)) || v.party == "society"
        }) {
            outln!("  {:<18} EVPPI {:>12}  per person {:>8.2}", v.party, table::eur(v.value), v.per_person);
        }
        Some(e)
    };
    let curve = if results.meta().has_qalys {
        let wtp: Vec<f64> = (0..=10).map(|k| k as f64 * 10_000.0).collect();
        let c = ontschot::analysis::acceptability(&results, 1, &wtp).map_err(|e| e.to_string())?;
        outln!("\nProbability that the intervention is worth it (acceptability curve):");
        outln!("  {:>12} {:>10} {:>12}", "EUR per QALY", "society", "health care");
        for p in &c {
            outln!(
                "  {:>12} {:>9.0}% {:>11.0}%",
                table::eur(p.willingness_to_pay),
                p.society * 100.0,
                p.health_care * 100.0
            );
        }
        Some(c)
    } else {
        None
    };
    if let Some(file) = json {
        let doc = serde_json::json!({ "parties": parties, "first_order": first, "evpi": evpi, "evppi": evppi, "acceptability": curve });
        write(file, &serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?)?;
    }
    Ok(())
}

fn parse_axis(spec: &str) -> Result<(String, Vec<f64>), String> {
    let (name, values) = spec.split_once('=').ok_or_else(|| format!("expected NAME=V1,V2,..., got '{spec}'"))?;
    let values: Result<Vec<f64>, _> = values.split(',').map(|v| v.trim().parse::<f64>()).collect();
    let values = values.map_err(|e| format!("{spec}: {e}"))?;
    if values.is_empty() {
        return Err(format!("{spec}: give at least one value"));
    }
    Ok((name.to_owned(), values))
}

fn twoway(path: &Path, args: &RunArgs, x: &str, y: &str, party: &str) -> Result<(), String> {
    let model = load_with(path, args)?;
    let (xn, xs) = parse_axis(x)?;
    let (yn, ys) = parse_axis(y)?;
    let n = args.iterations.unwrap_or(model.scenario().simulation.iterations);
    let seed = args.seed.unwrap_or(model.scenario().simulation.seed);
    let g =
        ontschot::analysis::two_way(&model, 1, party, (&xn, &xs), (&yn, &ys), n, seed).map_err(|e| e.to_string())?;
    outln!(
        "{} ({}): expected net of {party} (probability of gaining), {n} iterations per cell",
        model.scenario().name,
        path.display()
    );
    out!("  {:>16}", format!("{xn} \\ {yn}"));
    for v in &ys {
        out!(" {:>22}", v);
    }
    outln!();
    for (r, xv) in xs.iter().enumerate() {
        out!("  {:>16}", xv);
        for c in 0..ys.len() {
            out!(" {:>22}", format!("{} ({:.0}%)", table::eur(g.mean[r][c]), g.probability[r][c] * 100.0));
        }
        outln!();
    }
    Ok(())
}

fn report(path: &Path, output: &Path, args: &RunArgs, lang: &str, arm: Option<&str>) -> Result<(), String> {
    let lang = ontschot_report::Lang::parse(lang).ok_or_else(|| format!("--lang must be nl or en, got '{lang}'"))?;
    let model = load_with(path, args)?;
    let arms = model.arms();
    let index = match arm {
        None => 1,
        Some(name) => match arms.iter().position(|a| a.name == name) {
            Some(0) => return Err(format!("--arm: '{name}' is the comparator; name an intervention arm")),
            Some(k) => k,
            None => {
                let names: Vec<&str> = arms[1..].iter().map(|a| a.name.as_str()).collect();
                return Err(format!("--arm: no arm named '{name}' (the intervention arms: {})", names.join(", ")));
            }
        },
    };
    // The events tell what the intervention changes in people's course (cohort mode).
    let cohort = args.mode.unwrap_or(model.scenario().simulation.mode) == Mode::Cohort;
    let results = simulate_with(&model, args, if cohort { Keep::Events } else { Keep::Flows })?;
    let mut command = format!("ontschot report {} -o {} --lang {}", path.display(), output.display(), lang.code());
    if let Some(name) = arm {
        command += &format!(" --arm {name}");
    }
    command += &format!(" --iterations {} --seed {}", results.meta().iterations, results.meta().seed);
    let options = ontschot_report::Options { lang, command, arm: index, ..Default::default() };
    let html = ontschot_report::render(&model, &results, &options).map_err(|e| e.to_string())?;
    write(output, &html)?;
    eprintln!("wrote {}", output.display());
    Ok(())
}
