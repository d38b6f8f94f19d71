//! Criterion benchmarks of the individual mode on the SamenOud seed, in person-years a second.
//!
//! Targets (issue: individual-level simulation): at least 10 million person-years a second per
//! core, at least 1.8x that on 2 threads. Run with `cargo bench -p ontschot --bench individual`;
//! criterion prints the throughput as elements (person-years lived, summed over the arms) a second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ontschot::{Mode, Model, Scenario, Simulation};

fn samenoud(size: f64) -> Model {
    let path = format!("{}/../../seeds/samenoud.toml", env!("CARGO_MANIFEST_DIR"));
    let mut s = Scenario::from_file(path).expect("seed reads");
    s.population.size = size;
    Model::new(&s).expect("seed compiles")
}

/// Person-years lived in every arm of a run: the work the individual mode does.
fn person_years(model: &Model, iterations: usize) -> u64 {
    let r = Simulation::new(model).mode(Mode::Individual).iterations(iterations).run().expect("runs");
    (0..model.arms().len()).map(|a| r.effects(a).unwrap().slice(ndarray::s![.., .., 0]).sum()).sum::<f64>() as u64
}

fn individual(c: &mut Criterion) {
    let mut g = c.benchmark_group("individual");
    g.sample_size(10);
    // The seed as it is (2,971 people, 5 years): many iterations, parallel over iterations.
    let seed = samenoud(2971.0);
    let iterations = 200;
    g.throughput(Throughput::Elements(person_years(&seed, iterations)));
    for threads in [1, 2] {
        g.bench_function(format!("samenoud_seed_{iterations}_iterations_{threads}_threads"), |b| {
            let sim = Simulation::new(&seed).mode(Mode::Individual).iterations(iterations).threads(Some(threads));
            b.iter(|| sim.run().expect("runs"))
        });
    }
    // One iteration of a large population: parallel over people.
    let large = samenoud(500_000.0);
    g.throughput(Throughput::Elements(person_years(&large, 1)));
    for threads in [1, 2] {
        g.bench_function(format!("samenoud_500k_people_1_iteration_{threads}_threads"), |b| {
            let sim = Simulation::new(&large).mode(Mode::Individual).iterations(1).threads(Some(threads));
            b.iter(|| sim.run().expect("runs"))
        });
    }
    g.finish();
}

criterion_group!(benches, individual);
criterion_main!(benches);
