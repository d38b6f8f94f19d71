//! Counts of use of one person in one cycle: Poisson, or negative binomial where a source gives
//! overdispersion.
//!
//! Drawing counts is the hottest path of the individual mode, a few draws for every person-cycle,
//! so counts are drawn by inverting a table of the distribution function with a guide table
//! (Chen & Asau, 1974): one uniform, one lookup and one or two comparisons, whatever the mean. The
//! tables are built once per iteration and arm for each distinct distribution, and shared by every
//! (subgroup, group, cycle, state pair) that has it.
//!
//! A Poisson table runs from where the probabilities rise above 1e-20 to where they fall below it:
//! far below the 2^-53 steps of the uniform draw, so the inversion is exact at double precision.
//! A negative binomial with a large overdispersion has a long tail (hours of district nursing: most
//! people none, a few hundreds); its table stops where less than 1e-4 is left, and the rare draw
//! beyond continues the inversion term by term, so it stays exact while the tables stay short
//! enough to build in every iteration.
//!
//! rand_distr's Poisson multiplies `mean + 1` uniforms below a mean of 12 and takes a normal
//! deviate, `floor` and often logarithms above it, and a negative binomial as a gamma mixture adds
//! a gamma draw and a Poisson set up anew for every count; with the tables the SamenOud seed runs
//! several times as fast (criterion, `benches/individual.rs`).

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::HashMap;

/// A uniform draw in [0, 1) from the top 53 bits.
#[inline(always)]
pub(super) fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Poisson probabilities below this are left out of a table.
const TAIL: f64 = 1e-20;

/// A negative binomial table stops when less than this is left in its tail.
const NB_TAIL: f64 = 1e-4;

/// Longest negative binomial table (3 MB with its guide): longer tails are refused.
const MAX_LEN: usize = 1 << 18;

/// Largest mean count of one person in one cycle.
pub(super) const MAX_MEAN: f64 = 1e6;

/// Below this `overdispersion × mean` a negative binomial differs from the Poisson by less than
/// a millionth of its variance, and its probabilities can no longer be computed more exactly
/// than the Poisson's: it is drawn as the Poisson.
const NEARLY_POISSON: f64 = 1e-6;

/// The probability that a person's count with this mean and overdispersion is zero: what the
/// cohort mode needs for a rule that charges users (a flat fee per month of use).
#[inline]
pub(crate) fn p_zero(mean: f64, overdispersion: f64) -> f64 {
    if mean <= 0.0 {
        1.0
    } else if overdispersion * mean < NEARLY_POISSON {
        (-mean).exp()
    } else {
        (1.0 + overdispersion * mean).powf(-1.0 / overdispersion)
    }
}

/// Most combinations of counts below a deductible that [`expected_capped`] enumerates for one
/// person-state: beyond it the categories are too cheap per unit for the exact sum.
const CAPPED_WORK: usize = 200_000;

/// `E[min(cap, X)]` for `X = sum_i price_i N_i`, the `N_i` independent counts with the given
/// (mean, overdispersion): what a person pays of a yearly deductible `cap` on claims `X`. Exact
/// sum over the counts below the cap, with probabilities carried as products, or in logarithms
/// at large means (no underflow); a count's tail is dropped once less than 1e-15 of it is left. Refuses (with
/// the number of combinations) when the categories are so cheap per unit that more than
/// 200,000 combinations lie below the cap.
#[cfg(test)]
pub(crate) fn expected_capped(terms: &[(f64, f64, f64)], cap: f64) -> Result<f64, String> {
    expected_capped_counts(&terms.iter().map(|&t| Count::new(t)).collect::<Vec<_>>(), cap)
}

/// [`expected_capped`] of counts whose first probabilities are worked out ([`Count::new`]):
/// the cohort keeps them while the use rates stay the same and only the prices change.
pub(crate) fn expected_capped_counts(terms: &[Count], cap: f64) -> Result<f64, String> {
    let mut work = 0;
    let x = capped(terms, cap, &mut work);
    if work > CAPPED_WORK {
        Err(format!(
            "the deductible's categories are too cheap per unit for the cohort's exact expectation: more than {CAPPED_WORK} combinations of counts lie below the threshold; count use in larger units (a pack rather than a pill) or use the individual mode"
        ))
    } else {
        Ok(x)
    }
}

/// One category's count in [`expected_capped`]: its price, mean, and the recurrence of its
/// probabilities from the first, `p(0)` (Poisson, or negative binomial with size `r` and
/// failure probability `q`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Count {
    /// Price per unit (the budget's tariff in the budget view): set by the caller.
    pub price: f64,
    /// Mean units (NaN marks a count not worked out yet).
    pub mean: f64,
    poisson: bool,
    r: f64,
    q: f64,
    log_p0: f64,
    p0: f64,
}

impl Count {
    /// A count of `mean` units with overdispersion `od` (0: Poisson) at `price` per unit.
    pub(crate) fn new((price, mean, od): (f64, f64, f64)) -> Count {
        let poisson = od * mean < NEARLY_POISSON;
        let (r, q) = if poisson { (0.0, 0.0) } else { (1.0 / od, od * mean / (1.0 + od * mean)) };
        let log_p0 = if poisson { -mean } else { -(1.0 + od * mean).ln() / od };
        Count { price, mean, poisson, r, q, log_p0, p0: log_p0.exp() }
    }

    /// The same count at another price.
    pub(crate) fn at(self, price: f64) -> Count {
        Count { price, ..self }
    }
}

fn capped(terms: &[Count], cap: f64, work: &mut usize) -> f64 {
    let Some((&Count { price, mean, poisson, r, q, log_p0, p0 }, rest)) = terms.split_first() else { return 0.0 };
    if cap <= 0.0 || *work > CAPPED_WORK {
        return 0.0;
    }
    if price <= 0.0 || mean <= 0.0 {
        return capped(rest, cap, work);
    }
    // The recurrence as products while the first probability is a normal number (a mean below
    // about 700); in logarithms beyond, where it would underflow to zero.
    let mut log_p = log_p0;
    let mut p = p0;
    let in_logs = !p.is_normal();
    let mut below = 0.0;
    let mut total = 0.0;
    let mut n = 0.0;
    while n * price < cap {
        *work += 1;
        if *work > CAPPED_WORK {
            return 0.0;
        }
        if in_logs {
            p = log_p.exp();
        }
        if p > 0.0 {
            total += p * (n * price + capped(rest, cap - n * price, work));
            below += p;
        }
        // Past the mode, once the rest of the distribution is negligible, the cap takes it.
        if n > mean && 1.0 - below < 1e-15 {
            break;
        }
        let ratio = if poisson { mean / (n + 1.0) } else { (n + r) / (n + 1.0) * q };
        if in_logs {
            log_p += ratio.ln();
        } else {
            p *= ratio;
        }
        n += 1.0;
    }
    total + (1.0 - below).max(0.0) * cap
}

/// The distribution of one person's count in one cycle, as a table: counts `first..first + len`,
/// distribution function at `at..at + len` in [`Tables::cdf`], guide at the same place in
/// [`Tables::guide`]. Draws beyond the table's last value `last` continue the negative binomial's
/// recurrence `p(k + 1) = p(k) (k + r) / (k + 1) q` from there.
#[derive(Clone, Copy, Debug)]
pub(super) struct Counts {
    first: f64,
    at: u32,
    len: u32,
    last: f64,
    /// The probability of the table's last count, to continue from.
    last_p: f64,
    /// Negative binomial size r and failure probability q; 0 for a Poisson table (which is whole).
    r: f64,
    q: f64,
}

/// The count tables of one iteration and arm.
#[derive(Default)]
pub(super) struct Tables {
    cdf: Vec<f64>,
    guide: Vec<u32>,
    /// Tables by the bits of their mean and overdispersion, so equal distributions share one.
    known: HashMap<(u64, u64), Counts>,
    pmf: Vec<f64>,
}

impl Tables {
    pub(super) fn clear(&mut self) {
        self.cdf.clear();
        self.guide.clear();
        self.known.clear();
    }

    /// The distribution of a count with `mean` > 0 and `overdispersion` >= 0 (both finite):
    /// Poisson at 0, else negative binomial with variance `mean + overdispersion * mean^2`. An
    /// error says why a distribution is too large to draw from person by person.
    pub(super) fn counts(&mut self, mean: f64, overdispersion: f64) -> Result<Counts, String> {
        let key = (mean.to_bits(), overdispersion.to_bits());
        if let Some(c) = self.known.get(&key) {
            return Ok(*c);
        }
        if mean > MAX_MEAN {
            return Err(format!(
                "gives {mean} units per person in one cycle; the individual mode draws each person's count and takes at most {MAX_MEAN}"
            ));
        }
        let c = if overdispersion * mean >= NEARLY_POISSON {
            self.negative_binomial(mean, overdispersion)?
        } else {
            self.poisson(mean)
        };
        if self.cdf.len() > u32::MAX as usize {
            return Err("the count tables of one iteration outgrow their index; use fewer states or cycles".into());
        }
        self.known.insert(key, c);
        Ok(c)
    }

    fn poisson(&mut self, mean: f64) -> Counts {
        // The probabilities from the mode down and up, by the recurrence p(k+1) = p(k) mean/(k+1).
        let mode = mean.floor();
        let p_mode = (-mean + mode * mean.ln() - libm::lgamma(mode + 1.0)).exp();
        let first = self.up_to_mode(mode, p_mode, |k| k / mean);
        let (mut k, mut p) = (mode, p_mode);
        loop {
            k += 1.0;
            p *= mean / k;
            if p < TAIL {
                break;
            }
            self.pmf.push(p);
        }
        // The table holds all but 1e-20 of the distribution: normalising removes the rounding of
        // p_mode, and every u < 1 finds its count.
        let total: f64 = self.pmf.iter().sum();
        self.pmf.iter_mut().for_each(|p| *p /= total);
        self.table(first, 0.0, 0.0)
    }

    /// Fills `pmf` with the probabilities from the first above TAIL up to the mode, found by
    /// walking down from the mode with `down(k) = p(k - 1) / p(k)`; returns the first count.
    fn up_to_mode(&mut self, mode: f64, p_mode: f64, down: impl Fn(f64) -> f64) -> f64 {
        self.pmf.clear();
        let (mut k, mut p) = (mode, p_mode);
        while k > 0.0 {
            p *= down(k);
            if p < TAIL {
                break;
            }
            self.pmf.push(p);
            k -= 1.0;
        }
        self.pmf.reverse();
        self.pmf.push(p_mode);
        k
    }

    fn negative_binomial(&mut self, mean: f64, alpha: f64) -> Result<Counts, String> {
        let r = 1.0 / alpha;
        // Failure probability q = mean / (r + mean) and its complement, each without cancellation.
        let q = mean / (r + mean);
        let (ln_q, ln_p) = (q.ln(), (r / (r + mean)).ln());
        // From the mode down and up, as for the Poisson: p(k) = p(k-1) (k - 1 + r) / k q.
        let mode = if r > 1.0 { ((r - 1.0) * mean / r).floor() } else { 0.0 };
        let p_mode =
            (libm::lgamma(mode + r) - libm::lgamma(r) - libm::lgamma(mode + 1.0) + r * ln_p + mode * ln_q).exp();
        let first = self.up_to_mode(mode, p_mode, |k| k / ((k - 1.0 + r) * q));
        let mut f: f64 = self.pmf.iter().sum();
        let (mut k, mut p) = (mode, p_mode);
        // Up to where less than NB_TAIL is left, or the terms no longer move the sum.
        while 1.0 - f >= NB_TAIL {
            if self.pmf.len() >= MAX_LEN {
                return Err(format!(
                    "a negative binomial with mean {mean} and overdispersion {alpha} has a tail longer than {MAX_LEN} counts; the individual mode cannot draw it person by person"
                ));
            }
            p *= (k + r) / (k + 1.0) * q;
            k += 1.0;
            if f + p == f {
                break;
            }
            self.pmf.push(p);
            f += p;
        }
        Ok(self.table(first, r, q))
    }

    /// Stores `self.pmf` (counts from `first`) as a distribution function and its guide.
    fn table(&mut self, first: f64, r: f64, q: f64) -> Counts {
        let at = self.cdf.len();
        let len = self.pmf.len();
        let mut acc = 0.0;
        for p in &self.pmf {
            acc += p;
            self.cdf.push(acc);
        }
        if r == 0.0 {
            self.cdf[at + len - 1] = 1.0;
        }
        let last = self.cdf[at + len - 1];
        let last_p = self.pmf[len - 1];
        // guide[j]: the first index whose distribution function exceeds j / len (the last index
        // when none does; a u that far goes on past the table).
        let mut i = 0;
        for j in 0..len {
            let u = j as f64 / len as f64;
            while i + 1 < len && self.cdf[at + i] <= u {
                i += 1;
            }
            self.guide.push(i as u32);
        }
        Counts { first, at: at as u32, len: len as u32, last, last_p, r, q }
    }

    #[inline(always)]
    pub(super) fn sample(&self, c: &Counts, rng: &mut Xoshiro256PlusPlus) -> f64 {
        let (at, len) = (c.at as usize, c.len as usize);
        let cdf = &self.cdf[at..at + len];
        let u = uniform(rng);
        if u >= c.last {
            return self.beyond(c, u);
        }
        let mut i = self.guide[at + (u * len as f64) as usize] as usize;
        while cdf[i] <= u {
            i += 1;
        }
        c.first + i as f64
    }

    /// Inversion past the end of a negative binomial table, term by term.
    #[cold]
    fn beyond(&self, c: &Counts, u: f64) -> f64 {
        debug_assert!(c.r > 0.0, "a Poisson table is whole");
        let mut k = c.first + (c.len - 1) as f64;
        let mut p = c.last_p;
        let mut f = c.last;
        loop {
            p *= (k + c.r) / (k + 1.0) * c.q;
            k += 1.0;
            let g = f + p;
            // Rounding may leave the summed function a hair below 1: stop where the terms no
            // longer move it.
            if g > u || g == f {
                return k;
            }
            f = g;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn ln_nb(k: f64, r: f64, q: f64) -> f64 {
        libm::lgamma(k + r) - libm::lgamma(r) - libm::lgamma(k + 1.0) + r * (1.0 - q).ln() + k * q.ln()
    }

    /// The tables hold the probabilities themselves (to the rounding of the reference).
    #[test]
    fn tables_hold_the_distribution_function() {
        let mut tables = Tables::default();
        for (mean, alpha) in [
            (1e-6, 0.0),
            (0.3, 0.0),
            (6.5, 0.0),
            (10.0, 0.0),
            (365.0, 0.0),
            (5000.0, 0.0),
            (1.0, 4.0),
            (30.0, 0.6),
            (80.0, 11.0),
            // The mode far from 0: p(0) underflows (r = 50, or r = 10,000 at mean 1,000).
            (365.0, 0.02),
            (1000.0, 0.0001),
        ] {
            let t = tables.counts(mean, alpha).unwrap();
            let (r, q) = (1.0 / alpha, mean / (1.0 / alpha + mean));
            let ln_p =
                |k: f64| if alpha > 0.0 { ln_nb(k, r, q) } else { -mean + k * mean.ln() - libm::lgamma(k + 1.0) };
            let below: f64 = (0..t.first as usize).map(|k| ln_p(k as f64).exp()).sum();
            assert!(below < 1e-18, "mean {mean}: table starts at {} leaving {below}", t.first);
            let mut cdf = below;
            for i in 0..t.len as usize {
                let k = t.first + i as f64;
                cdf += ln_p(k).exp();
                let got = tables.cdf[t.at as usize + i];
                // The reference's own rounding: log terms of size `scale` carry scale * 2^-52.
                let scale = mean
                    + k * mean.ln().abs()
                    + libm::lgamma(k + 1.0)
                    + if alpha > 0.0 { libm::lgamma(k + r) + libm::lgamma(r) } else { 0.0 };
                let tol = 1e-13 + 4.0 * scale * f64::EPSILON * (i as f64 + 1.0).sqrt();
                assert!(
                    (got - cdf.min(1.0)).abs() < tol,
                    "mean {mean} alpha {alpha}, k {k}: F = {got}, expected {cdf}"
                );
            }
            if alpha == 0.0 {
                assert_eq!(tables.cdf[(t.at + t.len - 1) as usize], 1.0);
            } else {
                assert!(1.0 - t.last < NB_TAIL, "mean {mean} alpha {alpha}: {} left past the table", 1.0 - t.last);
            }
        }
    }

    #[test]
    fn draws_past_a_negative_binomial_table_continue_the_inversion() {
        let mut tables = Tables::default();
        let (mean, alpha) = (80.0, 11.0);
        let t = tables.counts(mean, alpha).unwrap();
        let (r, q) = (1.0 / alpha, mean / (1.0 / alpha + mean));
        for u in [t.last, t.last + (1.0 - t.last) * 0.5, t.last + (1.0 - t.last) * 0.99] {
            let k = tables.beyond(&t, u);
            // The answer is the first k whose distribution function exceeds u.
            let f = |k: f64| -> f64 { (0..=k as usize).map(|j| ln_nb(j as f64, r, q).exp()).sum() };
            assert!(f(k) > u - 1e-13 && f(k - 1.0) <= u + 1e-13, "u {u}: k {k}, F(k-1) {} F(k) {}", f(k - 1.0), f(k));
            assert!(k >= t.first + (t.len - 1) as f64);
        }
    }

    #[test]
    fn distributions_too_large_to_draw_are_refused() {
        let mut tables = Tables::default();
        assert!(tables.counts(2e6, 0.0).unwrap_err().contains("at most"));
        assert!(tables.counts(1e5, 50.0).unwrap_err().contains("tail longer"));
        // Nearly Poisson: the Poisson's table.
        let poisson = tables.counts(20.0, 0.0).unwrap();
        let nearly = tables.counts(20.0, 1e-9).unwrap();
        assert_eq!((poisson.first, poisson.len, nearly.r), (nearly.first, nearly.len, 0.0));
    }

    #[test]
    fn equal_distributions_share_a_table() {
        let mut tables = Tables::default();
        tables.counts(6.5, 0.0).unwrap();
        let len = tables.cdf.len();
        tables.counts(6.5, 0.0).unwrap();
        assert_eq!(tables.cdf.len(), len);
        tables.counts(6.5, 0.5).unwrap();
        assert!(tables.cdf.len() > len, "another overdispersion is another table");
    }

    #[test]
    fn every_table_has_its_mean_and_variance() {
        let mut tables = Tables::default();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let n = 200_000;
        // About 1e-4 of the negative binomial draws go past their table.
        for (mean, alpha) in [(0.2, 0.0), (6.5, 0.0), (80.0, 0.0), (4.0, 0.3), (25.0, 1.7), (300.0, 0.05), (80.0, 11.0)]
        {
            let counts = tables.counts(mean, alpha).unwrap();
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

#[cfg(test)]
mod capped_tests {
    use super::*;

    #[test]
    fn capped_sum_matches_a_direct_sum() {
        // One category of price 100, Poisson mean 2, cap 250: min(250, 100 N).
        let mut direct = 0.0;
        let mut p = (-2.0f64).exp();
        for n in 0..60 {
            direct += p * (100.0 * n as f64).min(250.0);
            p *= 2.0 / (n as f64 + 1.0);
        }
        assert!((expected_capped(&[(100.0, 2.0, 0.0)], 250.0).unwrap() - direct).abs() < 1e-9);
        // Two categories: enumerate the joint distribution.
        let pmf = |mean: f64, n: usize| (0..n).fold((-mean).exp(), |p, k| p * mean / (k as f64 + 1.0));
        let mut joint = 0.0;
        for a in 0..40 {
            for b in 0..40 {
                joint += pmf(0.7, a) * pmf(1.5, b) * (300.0 * a as f64 + 40.0 * b as f64).min(385.0);
            }
        }
        assert!((expected_capped(&[(300.0, 0.7, 0.0), (40.0, 1.5, 0.0)], 385.0).unwrap() - joint).abs() < 1e-9);
        // Many cheap units: P(0) underflows, yet nearly every claim stays below the cap.
        let cheap = expected_capped(&[(0.1, 800.0, 0.0)], 385.0).unwrap();
        assert!((cheap - 80.0).abs() < 1e-6, "{cheap}");
        // Too many combinations below the cap is refused, not slow.
        let many = [(1.0, 3.0, 0.0), (1.1, 3.0, 0.0), (1.2, 3.0, 0.0), (1.3, 3.0, 0.0), (0.5, 100.0, 0.0)];
        assert!(expected_capped(&many, 385.0).unwrap_err().contains("too cheap"));
        // A negative binomial's zero.
        assert!((p_zero(2.0, 0.5) - 2.0f64.powf(-2.0)).abs() < 1e-15);
    }
}
