//! SamenOud at national scale, every person simulated: 1.5 million people aged 75 and over
//! living at home, followed for 10 years, with the people turning 75 entering each year.
//!
//! Run it with `cargo run --release -p ontschot --example national_scale [iterations]`.
//! It prints the simulated person-years per second and who pays and who benefits.

use ontschot::{Mode, Model, Simulation};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let iterations: usize = std::env::args().nth(1).map(|a| a.parse()).transpose()?.unwrap_or(4);
    let mut scenario = ontschot::seeds::samenoud();
    // 1.4 million people 75+ in 2020, 2.6 million expected in 2040 (Ministerie van BZK, Programma
    // Wonen en zorg voor ouderen): about 60,000 more a year, so about 1.6 million by 2024, of whom
    // 92.4% live at home (7.6% in an institution in 2020, FACTS): 1.5 million. Entrants a year
    // (assumption, derived): that growth plus those who leave, about 6.7% dying (ISCOPE, as in the
    // seed) and 2% moving to a nursing home: 60,000 + 0.087 x 1.5 million, about 190,000.
    scenario.population.size = 1_500_000.0;
    scenario.population.inflow = 190_000.0;
    scenario.horizon_years = 10;
    let model = Model::new(&scenario)?;
    let threads = rayon::current_num_threads();
    let start = Instant::now();
    let results = Simulation::new(&model).mode(Mode::Individual).iterations(iterations).run()?;
    let seconds = start.elapsed().as_secs_f64();
    // Person-years lived in every arm: each arm simulates every person.
    let person_years: f64 =
        (0..model.arms().len()).map(|a| results.effects(a).unwrap().slice(ndarray::s![.., .., 0]).sum()).sum();
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
    let summary = results.summary(1)?;
    let interval = iterations >= 40;
    println!(
        "\nNet over {} years in euros (discounted, after the arrangement in force), mean over {iterations} iterations{}:",
        model.n_years(),
        if interval { " and 95% interval" } else { " (ask for 40 or more for an interval)" }
    );
    for b in summary.payers.iter().chain(std::iter::once(&summary.total)) {
        let range =
            if interval { format!("   [{:.3e}, {:.3e}]", b.net_after.p2_5, b.net_after.p97_5) } else { String::new() };
        println!("  {:<22} {:>12.3e}{range}", b.label, b.net_after.mean);
    }
    Ok(())
}
