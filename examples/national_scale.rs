//! SamenOud at national scale, every person simulated: 1.5 million people aged 75 and over
//! living at home, followed for 10 years, with the people turning 75 entering each year.
//!
//! Run it with `cargo run --release -p ontschot --example national_scale [iterations]`.
//! It prints the simulated person-years per second and who pays and who benefits.

use ontschot::{Mode, Model, Simulation};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let iterations: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(2);
    let mut scenario = ontschot::seeds::samenoud();
    // CBS StatLine: about 1.6 million people aged 75+ in 2023, of whom about 1.5 million live at
    // home (not in an institution); about 180,000 turn 75 each year (assumptions for this example,
    // rounded).
    scenario.population.size = 1_500_000.0;
    scenario.population.inflow = 180_000.0;
    scenario.horizon_years = 10;
    let model = Model::new(&scenario)?;
    let threads = rayon::current_num_threads();
    let start = Instant::now();
    let results = Simulation::new(&model).mode(Mode::Individual).iterations(iterations).run()?;
    let seconds = start.elapsed().as_secs_f64();
    // Person-years lived in every arm: each arm simulates every person.
    let person_years: f64 =
        (0..model.arms().len()).map(|a| results.effects(a).slice(ndarray::s![.., .., 0]).sum()).sum();
    println!(
        "{} iterations x {} arms, {:.0} people at the start + {:.0} a year, {} years",
        iterations,
        model.arms().len(),
        scenario.population.size,
        scenario.population.inflow,
        model.n_years()
    );
    println!(
        "{:.3e} person-years in {seconds:.2} s on {threads} threads: {:.1} million person-years per second ({:.1} per thread)",
        person_years,
        person_years / seconds / 1e6,
        person_years / seconds / 1e6 / threads as f64
    );
    let summary = results.summary(1);
    println!(
        "\nNet over {} years (discounted, after the arrangement in force), mean and 95% interval:",
        model.n_years()
    );
    for b in summary.payers.iter().chain(std::iter::once(&summary.total)) {
        println!("  {:<22} {:>16.0}   [{:.0}, {:.0}]", b.label, b.net_after.mean, b.net_after.p2_5, b.net_after.p97_5);
    }
    Ok(())
}
