//! Counts of use of one person in one cycle: Poisson, or negative binomial (a gamma mixture of
//! Poissons) where a source gives overdispersion.
//!
//! Drawing counts is the hottest path of the individual mode, a few draws for every person-cycle,
//! so Poisson counts are drawn by inverting a table of the distribution function with a guide
//! table (Chen & Asau, 1974): one uniform, one lookup and one or two comparisons, whatever the
//! mean. The tables are built once per iteration and arm for each distinct mean, and shared by
//! every (group, cycle, state) that has that mean. They stop where the tail is below 1e-20: far
//! below the 2^-53 steps of the uniform draw, so the inversion is exact at double precision.
//!
//! rand_distr's Poisson multiplies `mean + 1` uniforms below a mean of 12 and takes a normal
//! deviate, `floor` and often logarithms above it; with the tables the SamenOud seed runs about
//! 1.8 times as fast as with rand_distr's Poisson (criterion, `benches/individual.rs`). Negative binomial counts have a new Poisson mean every draw, so they use
//! inversion from zero for small means and Hörmann's transformed rejection (PTRS) from 10.

use rand::Rng;
use rand_distr::{Distribution, Gamma};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::HashMap;

/// A uniform draw in [0, 1) from the top 53 bits.
#[inline(always)]
pub(super) fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Probabilities below this end a table.
const TAIL: f64 = 1e-20;

/// A Poisson table: counts `first..first + len`, distribution function at `at..at + len` in
/// [`Tables::cdf`], guide at the same place in [`Tables::guide`].
#[derive(Clone, Copy, Debug)]
pub(super) struct Table {
    first: f64,
    at: u32,
    len: u32,
}

/// How one person's count in one cycle is drawn.
#[derive(Clone, Debug)]
pub(super) enum Counts {
    Poisson(Table),
    /// Negative binomial: a gamma-distributed rate, then a Poisson count.
    Mixture(Gamma<f64>),
}

/// The Poisson tables of one iteration and arm.
#[derive(Default)]
pub(super) struct Tables {
    cdf: Vec<f64>,
    guide: Vec<u32>,
    /// Tables by the bits of their mean, so equal means share one.
    known: HashMap<u64, Table>,
    pmf: Vec<f64>,
}

impl Tables {
    pub(super) fn clear(&mut self) {
        self.cdf.clear();
        self.guide.clear();
        self.known.clear();
    }

    /// The distribution of a count with `mean` > 0 and `overdispersion` >= 0 (both finite).
    pub(super) fn counts(&mut self, mean: f64, overdispersion: f64) -> Counts {
        if overdispersion > 0.0 {
            // Mean `mean`, variance mean + alpha mean^2: the rate is gamma with shape 1/alpha.
            let shape = 1.0 / overdispersion;
            return Counts::Mixture(Gamma::new(shape, mean / shape).expect("a positive finite shape and scale"));
        }
        if let Some(t) = self.known.get(&mean.to_bits()) {
            return Counts::Poisson(*t);
        }
        let t = self.build(mean);
        self.known.insert(mean.to_bits(), t);
        Counts::Poisson(t)
    }

    fn build(&mut self, mean: f64) -> Table {
        // The probabilities from the mode down and up, by the recurrence p(k+1) = p(k) mean/(k+1).
        let mode = mean.floor();
        let p_mode = (-mean + mode * mean.ln() - libm::lgamma(mode + 1.0)).exp();
        self.pmf.clear();
        let mut k = mode;
        let mut p = p_mode;
        while k > 0.0 {
            p *= k / mean;
            if p < TAIL {
                break;
            }
            self.pmf.push(p);
            k -= 1.0;
        }
        let first = k;
        self.pmf.reverse();
        self.pmf.push(p_mode);
        let (mut k, mut p) = (mode, p_mode);
        loop {
            k += 1.0;
            p *= mean / k;
            if p < TAIL {
                break;
            }
            self.pmf.push(p);
        }
        let at = self.cdf.len();
        let len = self.pmf.len();
        let total: f64 = self.pmf.iter().sum();
        let mut acc = 0.0;
        for p in &self.pmf {
            acc += p;
            self.cdf.push(acc / total);
        }
        // Every u < 1 finds its count.
        self.cdf[at + len - 1] = 1.0;
        // guide[j]: the first count whose distribution function exceeds j / len.
        let mut i = 0;
        for j in 0..len {
            let u = j as f64 / len as f64;
            while self.cdf[at + i] <= u {
                i += 1;
            }
            self.guide.push(i as u32);
        }
        Table { first, at: at as u32, len: len as u32 }
    }

    #[inline(always)]
    pub(super) fn sample(&self, counts: &Counts, rng: &mut Xoshiro256PlusPlus) -> f64 {
        match counts {
            Counts::Poisson(t) => {
                let (at, len) = (t.at as usize, t.len as usize);
                let cdf = &self.cdf[at..at + len];
                let u = uniform(rng);
                let mut i = self.guide[at + (u * len as f64) as usize] as usize;
                while cdf[i] <= u {
                    i += 1;
                }
                t.first + i as f64
            }
            Counts::Mixture(g) => {
                let rate = g.sample(rng);
                if rate <= 0.0 {
                    0.0
                } else if rate < 10.0 {
                    inversion(rate, rng)
                } else {
                    Ptrs::new(rate).sample(rng)
                }
            }
        }
    }
}

/// A Poisson count with a small mean by inversion from zero: about `mean + 1` steps.
fn inversion(mean: f64, rng: &mut Xoshiro256PlusPlus) -> f64 {
    let u = uniform(rng);
    let mut k = 0.0;
    let mut p = (-mean).exp();
    let mut f = p;
    // The terms underflow long before k reaches 200 (mean < 10), which ends the loop even for a
    // u the summed probabilities cannot reach by rounding.
    while u >= f && k < 200.0 {
        k += 1.0;
        p *= mean / k;
        f += p;
    }
    k
}

/// Hörmann's transformed rejection with squeeze for Poisson means of 10 and more (W. Hörmann,
/// "The transformed rejection method for generating Poisson random variables", *Insurance:
/// Mathematics and Economics* 12, 1993); NumPy's Generator uses the same method.
struct Ptrs {
    mean: f64,
    log_mean: f64,
    a: f64,
    b: f64,
    log_inv_alpha: f64,
    v_r: f64,
}

impl Ptrs {
    fn new(mean: f64) -> Ptrs {
        let b = 0.931 + 2.53 * mean.sqrt();
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        Ptrs {
            mean,
            log_mean: mean.ln(),
            a: -0.059 + 0.02483 * b,
            b,
            log_inv_alpha: inv_alpha.ln(),
            v_r: 0.9277 - 3.6224 / (b - 2.0),
        }
    }

    fn sample(&self, rng: &mut Xoshiro256PlusPlus) -> f64 {
        loop {
            let u = uniform(rng) - 0.5;
            let v = uniform(rng);
            let us = 0.5 - u.abs();
            let k = ((2.0 * self.a / us + self.b) * u + self.mean + 0.43).floor();
            if us >= 0.07 && v <= self.v_r {
                return k;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            let lhs = v.ln() + self.log_inv_alpha - (self.a / (us * us) + self.b).ln();
            if lhs <= -self.mean + k * self.log_mean - libm::lgamma(k + 1.0) {
                return k;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// The table holds the Poisson probabilities themselves (to rounding).
    #[test]
    fn tables_hold_the_poisson_distribution_function() {
        let mut tables = Tables::default();
        for mean in [1e-6, 0.3, 1.0, 6.5, 10.0, 40.0, 365.0, 5000.0] {
            let Counts::Poisson(t) = tables.counts(mean, 0.0) else { unreachable!() };
            let mut cdf = 0.0;
            let mut p = (-mean).exp();
            let mut lo_mass = 0.0;
            for k in 0..(t.first as usize) {
                lo_mass += p;
                p *= mean / (k + 1) as f64;
            }
            assert!(lo_mass < 1e-18, "mean {mean}: table starts at {} leaving {lo_mass}", t.first);
            // Compare on the log scale where probabilities underflow.
            for i in 0..t.len as usize {
                let k = t.first + i as f64;
                let log_p = -mean + k * mean.ln() - libm::lgamma(k + 1.0);
                cdf += log_p.exp();
                let got = tables.cdf[t.at as usize + i];
                // The reference's own rounding: log terms of size `scale` carry scale * 2^-52.
                let scale = mean + k * mean.ln().abs() + libm::lgamma(k + 1.0);
                let tol = 1e-13 + 4.0 * scale * f64::EPSILON;
                assert!((got - cdf.min(1.0)).abs() < tol, "mean {mean}, k {k}: F = {got}, expected {cdf}");
            }
            assert_eq!(tables.cdf[(t.at + t.len - 1) as usize], 1.0);
        }
    }

    #[test]
    fn equal_means_share_a_table() {
        let mut tables = Tables::default();
        tables.counts(6.5, 0.0);
        let len = tables.cdf.len();
        tables.counts(6.5, 0.0);
        assert_eq!(tables.cdf.len(), len);
    }

    #[test]
    fn every_sampler_has_its_mean_and_variance() {
        let mut tables = Tables::default();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 200_000;
        for (mean, alpha) in [(0.2, 0.0), (6.5, 0.0), (80.0, 0.0), (4.0, 0.3), (25.0, 0.1), (300.0, 0.05)] {
            let counts = tables.counts(mean, alpha);
            let draws: Vec<f64> = (0..n).map(|_| tables.sample(&counts, &mut rng)).collect();
            let m = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
            let expected = mean + alpha * mean * mean;
            let se = (expected / n as f64).sqrt();
            assert!((m - mean).abs() < 4.0 * se, "mean {mean} alpha {alpha}: sample mean {m}");
            let m4 = draws.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n as f64;
            let se_var = ((m4 - var * var) / n as f64).sqrt();
            assert!((var - expected).abs() < 4.0 * se_var, "mean {mean} alpha {alpha}: variance {var}");
        }
    }
}
