//! Criterion benchmarks of the cohort engine on the seed scenarios.
//!
//! Target (issue: core engine): 100,000 SamenOud iterations in under 1 second on 2 cores.
//! Target (issue: the region): a deal among 8 parties in seconds on this 2-core machine.
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
        b.iter(|| black_box(r.summary(1).unwrap()))
    });
    g.finish();
}

/// SamenOud in a region of four municipalities and four insurers: 8 parties, each a term (its
/// share of a pooled budget), on 10,000 iterations.
fn deal(c: &mut Criterion) {
    let mut s =
        Scenario::from_file(format!("{}/../../seeds/samenoud.toml", env!("CARGO_MANIFEST_DIR"))).expect("reads");
    let mut region = String::new();
    for i in 0..4 {
        region += &format!("[[insurers]]\nname = \"i{i}\"\n");
    }
    for m in 0..4 {
        let share = if m == 3 { "\"rest\"".to_owned() } else { "0.25".to_owned() };
        region += &format!(
            "[[municipalities]]\nname = \"m{m}\"\nshare = {share}\ninsurers = {{ i0 = 0.4, i1 = 0.3, i2 = 0.2, i3 = \"rest\" }}\n"
        );
    }
    region += "[switching]\nrate = 0.03\n";
    s.region = Some(toml::from_str(&region).expect("region reads"));
    let model = Model::new(&s).expect("compiles");
    let r = Simulation::new(&model).iterations(10_000).threads(Some(2)).run().expect("runs");
    let parties: Vec<String> = (0..4).map(|k| format!("m{k}")).chain((0..4).map(|k| format!("i{k}"))).collect();
    let mut g = c.benchmark_group("deal");
    g.sample_size(10);
    for (name, goal) in
        [("maxmin", ontschot::finance::DealGoal::MaxMinProbability), ("nash", ontschot::finance::DealGoal::Nash)]
    {
        g.bench_function(format!("8_parties_10k_iterations_{name}"), |b| {
            b.iter(|| {
                black_box(ontschot::finance::deal(&r, 1, &parties, goal, ontschot::View::Budget).expect("solves"))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, cohort, deal);
criterion_main!(benches);
