use serde::{Deserialize, Serialize};

/// Mean, standard deviation and the 2.5, 50 and 97.5 percentiles of a sample.
///
/// ```
/// let s = ontschot::Stats::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
/// assert_eq!(s.mean, 3.0);
/// assert_eq!(s.p50, 3.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (0 for one value).
    pub sd: f64,
    /// 2.5th percentile.
    pub p2_5: f64,
    /// Median.
    pub p50: f64,
    /// 97.5th percentile.
    pub p97_5: f64,
}

impl Stats {
    /// Summarises a sample; percentiles interpolate linearly between order statistics (type 7,
    /// as numpy's default), found by selection rather than a full sort. An empty sample (a run of
    /// no iterations) summarises as zeros, as its sum is.
    ///
    /// ```
    /// assert!(ontschot::Stats::of(&[]).is_zero());
    /// ```
    pub fn of(x: &[f64]) -> Stats {
        let n = x.len();
        if n == 0 {
            return Stats { mean: 0.0, sd: 0.0, p2_5: 0.0, p50: 0.0, p97_5: 0.0 };
        }
        let m = mean(x);
        let sd = if n > 1 { (x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt() } else { 0.0 };
        let mut work = x.to_vec();
        let [p2_5, p50, p97_5] = quantiles(&mut work, [0.025, 0.5, 0.975]);
        Stats { mean: m, sd, p2_5, p50, p97_5 }
    }

    /// True when every value of the sample was zero.
    ///
    /// ```
    /// assert!(ontschot::Stats::of(&[0.0, 0.0]).is_zero());
    /// assert!(!ontschot::Stats::of(&[1.0, -1.0]).is_zero());
    /// ```
    pub fn is_zero(&self) -> bool {
        self.mean == 0.0 && self.sd == 0.0
    }

    /// Standard error of the mean for a sample of `n`.
    pub fn standard_error(&self, n: usize) -> f64 {
        self.sd / (n as f64).sqrt()
    }
}

pub(crate) fn mean(x: &[f64]) -> f64 {
    if x.is_empty() { 0.0 } else { x.iter().sum::<f64>() / x.len() as f64 }
}

/// Quantile of data in any order (it is reordered), linear interpolation (numpy's default).
pub(crate) fn quantile(v: &mut [f64], q: f64) -> f64 {
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    let lo = h.floor() as usize;
    let (_, a, right) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let a = *a;
    let b = right.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
    a + (h - lo as f64) * (b - a)
}

/// Quantiles `qs` (rising) of data in any order (it is reordered), as [`quantile`] gives each:
/// each is selected among the values above the last one's, a smaller part every time.
fn quantiles<const N: usize>(v: &mut [f64], qs: [f64; N]) -> [f64; N] {
    let n = v.len();
    let mut from = 0;
    qs.map(|q| {
        if n == 0 {
            return f64::NAN;
        }
        let h = (n - 1) as f64 * q;
        let lo = (h.floor() as usize).max(from);
        // `v[from..]` holds the order statistics from `from` on (selected so by the last one).
        let (_, a, right) = v[from..].select_nth_unstable_by(lo - from, f64::total_cmp);
        let a = *a;
        let b = right.iter().copied().min_by(f64::total_cmp).unwrap_or(a);
        from = lo;
        a + (h - lo as f64) * (b - a)
    })
}

/// The share of a sample of euros that is a gain: above half a cent, so that flows which cancel
/// in floating point (a party the intervention does not touch) never show a chance of gaining.
pub(crate) fn share_gaining(x: &[f64]) -> f64 {
    x.iter().filter(|v| **v > 0.005).count() as f64 / x.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_selected_in_turn_equal_each_selected_alone() {
        for n in [1, 2, 3, 7, 40, 1001] {
            // Ties and both signs: a sample with repeated values.
            let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % 13) as f64 - 6.0 + (i % 3) as f64 * 0.25).collect();
            let qs = [0.0, 0.025, 0.5, 0.5, 0.975, 1.0];
            let together = quantiles(&mut x.clone(), qs);
            for (q, got) in qs.iter().zip(together) {
                assert_eq!(got.to_bits(), quantile(&mut x.clone(), *q).to_bits(), "n = {n}, q = {q}");
            }
        }
    }
}
