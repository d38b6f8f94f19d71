//! Criterion benchmarks of the cohort engine on the seed scenarios.
//!
//! Target (issue: core engine): 100,000 SamenOud iterations in under 1 second on 2 cores.
//! Run with `cargo bench -p ontschot --bench cohort`.

use criterion::{Criterion, criterion_group, criterion_main};
use ontschot::{Model, Scenario, Simulation};
use std::hint::black_box;

fn seed(name: &str) -> Model {
    let path = format!("{}/../../seeds/{name}", env!("CARGO_MANIFEST_DIR"));
    Model::new(&Scenario::from_file(path).expect("seed reads")).expect("seed compiles")
}

fn cohort(c: &mut Criterion) {
    let samenoud = seed("samenoud.toml");
    let wor = seed("welzijn_op_recept.toml");
    let mut g = c.benchmark_group("cohort");
    g.sample_size(10);
    for threads in [1, 2] {
        g.bench_function(format!("samenoud_100k_iterations_{threads}_threads"), |b| {
            b.iter(|| Simulation::new(&samenoud).iterations(100_000).threads(Some(threads)).run().expect("runs"))
        });
    }
    g.bench_function("welzijn_op_recept_100k_iterations_2_threads", |b| {
        b.iter(|| Simulation::new(&wor).iterations(100_000).threads(Some(2)).run().expect("runs"))
    });
    g.bench_function("samenoud_summary_100k", |b| {
        let r = Simulation::new(&samenoud).iterations(100_000).threads(Some(2)).run().expect("runs");
        b.iter(|| black_box(r.summary(1)))
    });
    g.finish();
}

criterion_group!(benches, cohort);
criterion_main!(benches);
