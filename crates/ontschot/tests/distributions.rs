//! Distributions given the way papers report them reproduce the reported figures.

use ontschot::{Dist, DistKind, ParameterSpec};
use rand::SeedableRng;

fn spec(dist: DistKind) -> ParameterSpec {
    ParameterSpec { dist, ..Default::default() }
}

/// Sample mean, sd and 2.5/97.5 percentiles of 200,000 draws.
fn sample(d: &Dist) -> (f64, f64, f64, f64) {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(42);
    let mut x: Vec<f64> = (0..200_000)
        .map(|_| {
            let mut out = [0.0];
            d.sample_into(&mut rng, &mut out);
            out[0]
        })
        .collect();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    x.sort_by(f64::total_cmp);
    (mean, sd, x[(0.025 * n) as usize], x[(0.975 * n) as usize])
}

/// Sampling tolerance: relative 1% on means and SDs (200,000 draws), 2% on tail percentiles.
const MOMENT: f64 = 0.01;
const TAIL: f64 = 0.02;

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

#[test]
fn beta_from_mean_and_sd() {
    let d = Dist::from_spec(&ParameterSpec { mean: Some(0.3), sd: Some(0.05), ..spec(DistKind::Beta) }).unwrap();
    let (m, s, _, _) = sample(&d);
    assert!(rel(m, 0.3) < MOMENT && rel(s, 0.05) < MOMENT, "{m} {s}");
}

#[test]
fn beta_from_counts() {
    let d = Dist::from_spec(&ParameterSpec { events: Some(1456.0), n: Some(2971.0), ..spec(DistKind::Beta) }).unwrap();
    assert!((d.mean()[0] - 1456.0 / 2971.0).abs() < 1e-12);
}

#[test]
fn gamma_from_mean_and_sd() {
    let d = Dist::from_spec(&ParameterSpec { mean: Some(8.0), sd: Some(2.0), ..spec(DistKind::Gamma) }).unwrap();
    let (m, s, _, _) = sample(&d);
    assert!(rel(m, 8.0) < MOMENT && rel(s, 2.0) < MOMENT, "{m} {s}");
}

#[test]
fn lognormal_from_mean_and_sd() {
    let d = Dist::from_spec(&ParameterSpec { mean: Some(100.0), sd: Some(40.0), ..spec(DistKind::Lognormal) }).unwrap();
    let (m, s, _, _) = sample(&d);
    assert!(rel(m, 100.0) < MOMENT && rel(s, 40.0) < 2.0 * MOMENT, "{m} {s}");
    assert!((d.mean()[0] - 100.0).abs() < 1e-9);
}

#[test]
fn lognormal_from_a_ratio_with_its_95_interval() {
    // Van der Elst 2018: institutionalisation OR 0.92 [0.63, 1.32].
    let d = Dist::from_spec(&ParameterSpec { median: Some(0.92), ci: Some([0.63, 1.32]), ..spec(DistKind::Lognormal) })
        .unwrap();
    let (_, _, lo, hi) = sample(&d);
    // The interval is not exactly symmetric on the log scale; the fit spreads the difference.
    assert!(rel(lo, 0.63) < 0.03 && rel(hi, 1.32) < 0.03, "{lo} {hi}");
}

#[test]
fn normal_from_mean_and_95_interval() {
    let d =
        Dist::from_spec(&ParameterSpec { mean: Some(10.0), ci: Some([6.0, 14.0]), ..spec(DistKind::Normal) }).unwrap();
    let (m, _, lo, hi) = sample(&d);
    assert!((m - 10.0).abs() < 0.02 && rel(lo, 6.0) < TAIL && rel(hi, 14.0) < TAIL, "{m} {lo} {hi}");
}

#[test]
fn pert_and_triangular_means() {
    let p = Dist::from_spec(&ParameterSpec {
        min: Some(200.0),
        mode: Some(500.0),
        max: Some(1500.0),
        ..spec(DistKind::Pert)
    })
    .unwrap();
    let (m, _, lo, hi) = sample(&p);
    assert!(rel(m, (200.0 + 4.0 * 500.0 + 1500.0) / 6.0) < MOMENT && lo > 200.0 && hi < 1500.0, "{m}");
    let t = Dist::from_spec(&ParameterSpec {
        min: Some(0.0),
        mode: Some(1.0),
        max: Some(5.0),
        ..spec(DistKind::Triangular)
    })
    .unwrap();
    let (m, _, _, _) = sample(&t);
    assert!(rel(m, 2.0) < MOMENT, "{m}");
}

#[test]
fn dirichlet_draws_sum_to_one_with_the_given_shares() {
    let shares = [("a".to_string(), 0.59), ("b".to_string(), 0.16), ("c".to_string(), 0.25)].into();
    let d =
        Dist::from_spec(&ParameterSpec { shares: Some(shares), n: Some(1476.0), ..spec(DistKind::Dirichlet) }).unwrap();
    assert_eq!(d.components(), ["a", "b", "c"]);
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
    let mut mean = [0.0; 3];
    for _ in 0..20_000 {
        let mut out = [0.0; 3];
        d.sample_into(&mut rng, &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for k in 0..3 {
            mean[k] += out[k] / 20_000.0;
        }
    }
    assert!((mean[0] - 0.59).abs() < 0.002 && (mean[1] - 0.16).abs() < 0.002, "{mean:?}");
}

#[test]
fn impossible_specifications_are_refused() {
    let bad = [
        ParameterSpec { mean: Some(1.2), sd: Some(0.1), ..spec(DistKind::Beta) },
        ParameterSpec { median: Some(2.0), ci: Some([0.5, 1.5]), ..spec(DistKind::Lognormal) },
        ParameterSpec { min: Some(3.0), max: Some(1.0), ..spec(DistKind::Uniform) },
        ParameterSpec { min: Some(0.0), mode: Some(4.0), max: Some(3.0), ..spec(DistKind::Pert) },
        ParameterSpec { mean: Some(5.0), sd: Some(0.0), ..spec(DistKind::Gamma) },
    ];
    for b in bad {
        assert!(Dist::from_spec(&b).is_err(), "{b:?} should be refused");
    }
}

#[test]
fn summary_percentiles_interpolate_like_numpy() {
    // numpy.percentile([1..10], [2.5, 50, 97.5]) = [1.225, 5.5, 9.775], in any input order.
    let s = ontschot::Stats::of(&[7.0, 1.0, 10.0, 3.0, 5.0, 2.0, 9.0, 4.0, 8.0, 6.0]);
    assert!((s.p2_5 - 1.225).abs() < 1e-12 && (s.p50 - 5.5).abs() < 1e-12 && (s.p97_5 - 9.775).abs() < 1e-12, "{s:?}");
    assert!((s.sd - 3.0276503540974917).abs() < 1e-12);
    let one = ontschot::Stats::of(&[4.0]);
    assert_eq!((one.p2_5, one.p50, one.p97_5, one.sd), (4.0, 4.0, 4.0, 0.0));
}

/// Alphas far below 1 make every gamma underflow to 0 in the direct construction (0 / 0): the
/// draws come from log space instead, finite, summing to 1, with the Dirichlet's mean and variance.
#[test]
fn dirichlet_draws_with_tiny_alphas_are_finite_with_the_right_moments() {
    let shares = [("a".to_string(), 0.5), ("b".to_string(), 0.25), ("c".to_string(), 0.25)].into();
    let d =
        Dist::from_spec(&ParameterSpec { shares: Some(shares), n: Some(0.003), ..spec(DistKind::Dirichlet) }).unwrap();
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let n = 40_000;
    let (mut mean, mut square) = (0.0, 0.0);
    for _ in 0..n {
        let mut out = [0.0; 3];
        d.sample_into(&mut rng, &mut out);
        assert!(out.iter().all(|x| x.is_finite() && *x >= 0.0), "{out:?}");
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{out:?}");
        mean += out[0] / n as f64;
        square += out[0] * out[0] / n as f64;
    }
    // Component a: mean 0.5, variance a(a0 - a) / (a0^2 (a0 + 1)) = 0.25 / 1.003.
    let var = 0.25 / 1.003;
    let se = (var / n as f64).sqrt();
    assert!((mean - 0.5).abs() < 4.0 * se, "{mean}");
    assert!((square - mean * mean - var).abs() < 0.01, "{}", square - mean * mean);
}

#[test]
fn the_chance_of_a_draw_outside_a_range_matches_the_closed_forms() {
    let normal =
        Dist::from_spec(&ParameterSpec { mean: Some(100.0), sd: Some(150.0), ..spec(DistKind::Normal) }).unwrap();
    // P(Z < -2/3) + P(Z > 6): the normal's two tails.
    assert!((normal.probability_outside(0.0, 1000.0) - 0.252_492_537_546_923).abs() < 1e-9);
    let uniform =
        Dist::from_spec(&ParameterSpec { min: Some(-1.0), max: Some(3.0), ..spec(DistKind::Uniform) }).unwrap();
    assert!((uniform.probability_outside(0.0, 1.0) - 0.75).abs() < 1e-12);
    // A triangular on [-1, 1] with its mode at 0 puts half its mass below 0.
    let tri = Dist::from_spec(&ParameterSpec {
        min: Some(-1.0),
        mode: Some(0.0),
        max: Some(1.0),
        ..spec(DistKind::Triangular)
    })
    .unwrap();
    assert!((tri.probability_outside(0.0, f64::INFINITY) - 0.5).abs() < 1e-12);
    // A gamma with mean 0.5 and sd 0.5 (exponential, rate 2) exceeds 1 with probability exp(-2).
    let gamma = Dist::from_spec(&ParameterSpec { mean: Some(0.5), sd: Some(0.5), ..spec(DistKind::Gamma) }).unwrap();
    assert!((gamma.probability_outside(0.0, 1.0) - (-2.0f64).exp()).abs() < 1e-12);
    let beta = Dist::from_spec(&ParameterSpec { mean: Some(0.3), sd: Some(0.1), ..spec(DistKind::Beta) }).unwrap();
    assert_eq!(beta.probability_outside(0.0, 1.0), 0.0);
}

#[test]
fn a_truncated_normal_stays_in_its_interval_with_the_cut_normals_mean() {
    let cut =
        ParameterSpec { mean: Some(100.0), sd: Some(150.0), truncate: Some([0.0, 1e12]), ..spec(DistKind::Normal) };
    let d = Dist::from_spec(&cut).unwrap();
    // Mean of a normal cut below at 0: mu + sigma * phi(a) / (1 - Phi(a)), a = -2/3.
    let a: f64 = -2.0 / 3.0;
    let phi = (-a * a / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let expected = 100.0 + 150.0 * phi / (1.0 - 0.252_492_537_546_923);
    assert!((d.mean()[0] - expected).abs() < 1e-9, "{} against {expected}", d.mean()[0]);
    let (mean, _, p2_5, _) = sample(&d);
    assert!(rel(mean, expected) < MOMENT && p2_5 >= 0.0, "{mean} {p2_5}");
    assert_eq!(d.probability_outside(0.0, f64::INFINITY), 0.0);
    let err = Dist::from_spec(&ParameterSpec { truncate: Some([1e5, 1e6]), ..cut.clone() }).unwrap_err();
    assert!(err[0].to_string().contains("truncate: [100000, 1000000] holds almost none"), "{:?}", err);
    let gamma = ParameterSpec { mean: Some(1.0), sd: Some(1.0), truncate: Some([0.0, 1.0]), ..spec(DistKind::Gamma) };
    let err = Dist::from_spec(&gamma).unwrap_err();
    assert!(err[0].to_string().contains("only a normal is truncated"), "{:?}", err);
}

fn mvn(covariance: &[(&str, &[(&str, f64)])]) -> ParameterSpec {
    let means = [("log_shape", 0.37), ("log_scale", 3.1), ("beta_age", -0.02)];
    ParameterSpec {
        means: Some(means.iter().map(|(k, v)| (k.to_string(), *v)).collect()),
        covariance: Some(
            covariance
                .iter()
                .map(|(row, cols)| (row.to_string(), cols.iter().map(|(k, v)| (k.to_string(), *v)).collect()))
                .collect(),
        ),
        ..spec(DistKind::MultivariateNormal)
    }
}

/// A survival regression's variance-covariance matrix (shape, scale, age coefficient).
const COVARIANCE: [(&str, &[(&str, f64)]); 3] = [
    ("log_shape", &[("log_shape", 0.0100), ("log_scale", -0.0030), ("beta_age", 0.0002)]),
    ("log_scale", &[("log_shape", -0.0030), ("log_scale", 0.0400), ("beta_age", -0.0004)]),
    ("beta_age", &[("log_shape", 0.0002), ("log_scale", -0.0004), ("beta_age", 0.0001)]),
];

#[test]
fn a_multivariate_normal_reproduces_its_means_and_covariance() {
    let d = Dist::from_spec(&mvn(&COVARIANCE)).unwrap();
    // Components in name order.
    assert_eq!(d.components(), ["beta_age", "log_scale", "log_shape"]);
    let (means, cov) =
        ([-0.02, 3.1, 0.37], [[0.0001, -0.0004, 0.0002], [-0.0004, 0.04, -0.003], [0.0002, -0.003, 0.01]]);
    assert_eq!(d.mean(), means);
    let n = 200_000;
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
    let draws: Vec<[f64; 3]> = (0..n)
        .map(|_| {
            let mut out = [0.0; 3];
            d.sample_into(&mut rng, &mut out);
            out
        })
        .collect();
    let mean = |i: usize| draws.iter().map(|x| x[i]).sum::<f64>() / n as f64;
    let m: Vec<f64> = (0..3).map(mean).collect();
    for i in 0..3 {
        // Within 4 standard errors of the mean.
        assert!((m[i] - means[i]).abs() < 4.0 * (cov[i][i] / n as f64).sqrt(), "mean {i}: {}", m[i]);
        for j in 0..3 {
            let c = draws.iter().map(|x| (x[i] - m[i]) * (x[j] - m[j])).sum::<f64>() / (n - 1) as f64;
            // The standard error of a sample covariance: sqrt((s_ii s_jj + s_ij^2) / n).
            let se = ((cov[i][i] * cov[j][j] + cov[i][j] * cov[i][j]) / n as f64).sqrt();
            assert!((c - cov[i][j]).abs() < 4.0 * se, "covariance {i},{j}: {c} against {}", cov[i][j]);
        }
    }
}

#[test]
fn a_covariance_that_cannot_be_one_is_named() {
    let reason = |c: &[(&str, &[(&str, f64)])]| {
        let problems = Dist::from_spec(&mvn(c)).unwrap_err();
        format!("{}: {}", problems[0].path, problems[0].reason)
    };
    let mut asymmetric = COVARIANCE;
    asymmetric[0] = ("log_shape", &[("log_shape", 0.0100), ("log_scale", -0.0031), ("beta_age", 0.0002)]);
    assert_eq!(
        reason(&asymmetric),
        "covariance: must be symmetric: log_shape.log_scale = -0.0031 but log_scale.log_shape = -0.003"
    );
    let mut missing = COVARIANCE;
    missing[2] = ("beta_age", &[("log_shape", 0.0002), ("log_scale", -0.0004)]);
    assert_eq!(reason(&missing), "covariance.beta_age: has no entry for 'beta_age'");
    // A correlation above 1: variances 0.01 and 0.04, covariance 0.03 (correlation 1.5).
    let mut too_strong = COVARIANCE;
    too_strong[0] = ("log_shape", &[("log_shape", 0.0100), ("log_scale", 0.03), ("beta_age", 0.0002)]);
    too_strong[1] = ("log_scale", &[("log_shape", 0.03), ("log_scale", 0.0400), ("beta_age", -0.0004)]);
    assert!(
        reason(&too_strong).starts_with("covariance: is not positive definite (at component"),
        "{}",
        reason(&too_strong)
    );
}
