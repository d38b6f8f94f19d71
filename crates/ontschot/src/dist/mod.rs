//! Parameter distributions, and the conversions from the way papers report them (mean and SD,
//! a median with a 95% interval, counts) to each family's native parameters. All conversions live
//! here and nowhere else.

use crate::error::Problem;
use crate::scenario::{Alpha, DistKind, ParameterSpec};
use rand::Rng;
use rand_distr::{Beta, Distribution, Gamma, LogNormal, Normal, Pert, Triangular, Uniform};

/// z value of a two-sided 95% interval of the normal distribution.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A parameter's distribution, checked and ready to draw from.
///
/// ```
/// use ontschot::{Dist, ParameterSpec, DistKind};
/// let spec = ParameterSpec { dist: DistKind::Beta, mean: Some(0.2), sd: Some(0.05), ..Default::default() };
/// let d = Dist::from_spec(&spec).unwrap();
/// assert!((d.mean()[0] - 0.2).abs() < 1e-12);
/// ```
#[derive(Clone, Debug)]
pub struct Dist {
    kind: Kind,
    components: Vec<String>,
    tails: Tails,
}

/// A family's native parameters, for the probability of a draw outside a range.
#[derive(Clone, Debug)]
enum Tails {
    /// Every draw lies in [0, 1] (beta, dirichlet) or is one known value.
    Inside,
    Normal(f64, f64),
    LogNormal(f64, f64),
    /// Shape and scale.
    Gamma(f64, f64),
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
    /// Min, max and the shapes of the beta on [min, max].
    Pert(f64, f64, f64, f64),
    /// A family cut to [low, high].
    Cut(Box<Tails>, f64, f64),
}

#[derive(Clone, Debug)]
enum Kind {
    Fixed(f64),
    Normal(Normal<f64>, f64),
    /// A normal cut to an interval, drawn by inverting its CDF between the interval's ends:
    /// the normal, the interval, the CDF at both ends, and the cut normal's mean.
    TruncNormal(statrs::distribution::Normal, [f64; 2], [f64; 2], f64),
    LogNormal(LogNormal<f64>, f64),
    Gamma(Gamma<f64>, f64),
    Beta(Beta<f64>, f64),
    Uniform(Uniform<f64>, f64),
    Triangular(Triangular<f64>, f64),
    Pert(Pert<f64>, f64),
    /// Gammas per component (of alpha + 1 where alpha < 1, with 1 / alpha for the boost) and
    /// the means.
    Dirichlet(Vec<(Gamma<f64>, Option<f64>)>, Vec<f64>),
    /// The means and the lower Cholesky factor of the covariance, row by row.
    MvNormal(Vec<f64>, Vec<f64>),
}

impl Tails {
    /// The probability of a draw below `lo` or above `hi`.
    fn outside(&self, lo: f64, hi: f64) -> f64 {
        use statrs::distribution::{self as sd, ContinuousCDF};
        // Below `lo` plus above `hi`, from a distribution's CDF and survival function.
        fn tails<D: ContinuousCDF<f64, f64>>(d: D, lo: f64, hi: f64) -> f64 {
            let below = if lo.is_finite() { d.cdf(lo) } else { 0.0 };
            let above = if hi.is_finite() { d.sf(hi) } else { 0.0 };
            below + above
        }
        match *self {
            Tails::Inside => 0.0,
            Tails::Normal(m, s) => sd::Normal::new(m, s).map_or(0.0, |d| tails(d, lo, hi)),
            Tails::LogNormal(mu, sigma) => sd::LogNormal::new(mu, sigma).map_or(0.0, |d| tails(d, lo, hi)),
            Tails::Gamma(k, theta) => sd::Gamma::new(k, 1.0 / theta).map_or(0.0, |d| tails(d, lo, hi)),
            Tails::Uniform(a, b) => sd::Uniform::new(a, b).map_or(0.0, |d| tails(d, lo, hi)),
            Tails::Triangular(a, c, b) => sd::Triangular::new(a, b, c).map_or(0.0, |d| tails(d, lo, hi)),
            Tails::Pert(a, b, alpha, beta) => sd::Beta::new(alpha, beta)
                .map_or(0.0, |d| tails(d, ((lo - a) / (b - a)).max(0.0), ((hi - a) / (b - a)).min(1.0))),
            Tails::Cut(ref base, a, b) => {
                // Of the mass within the cut [a, b], the share outside [lo, hi].
                let kept = 1.0 - base.outside(a, b);
                let both = 1.0 - base.outside(lo.max(a), hi.min(b));
                if lo.max(a) >= hi.min(b) { 1.0 } else { 1.0 - both / kept }
            }
        }
    }
}

/// A normal cut to `[lo, hi]`; other families stay in range by their shape instead.
fn truncated(kind: Kind, tails: Tails, [lo, hi]: [f64; 2]) -> Result<(Kind, Tails), Problem> {
    use statrs::distribution::{Continuous, ContinuousCDF};
    let Tails::Normal(m, s) = tails else {
        return Err(bad(
            "truncate",
            "only a normal is truncated; gamma and lognormal stay above 0 and beta within [0, 1] by themselves",
        ));
    };
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(bad("truncate", format!("must be [low, high] with finite low < high, got [{lo}, {hi}]")));
    }
    let d = statrs::distribution::Normal::new(m, s).map_err(|e| bad("sd", e.to_string()))?;
    let (pa, pb) = (d.cdf(lo), d.cdf(hi));
    if pb - pa < 1e-9 {
        return Err(bad(
            "truncate",
            format!(
                "[{lo}, {hi}] holds almost none of the normal with mean {m} and sd {s}: move the bounds or the mean"
            ),
        ));
    }
    // The mean of a normal cut to [lo, hi].
    let mean = m + s * s * (d.pdf(lo) - d.pdf(hi)) / (pb - pa);
    drop(kind);
    Ok((Kind::TruncNormal(d, [lo, hi], [pa, pb], mean), Tails::Cut(Box::new(Tails::Normal(m, s)), lo, hi)))
}

/// Which keys each way of giving a family uses; the first set that is complete is taken.
fn forms(kind: DistKind) -> &'static [&'static [&'static str]] {
    match kind {
        DistKind::Fixed => &[&["value"]],
        DistKind::Normal => &[&["mean", "sd"], &["mean", "ci"]],
        DistKind::Lognormal => &[&["meanlog", "sdlog"], &["mean", "sd"], &["median", "ci"]],
        DistKind::Gamma => &[&["shape", "scale"], &["mean", "sd"]],
        DistKind::Beta => &[&["alpha", "beta"], &["mean", "sd"], &["events", "n"]],
        DistKind::Uniform => &[&["min", "max"]],
        DistKind::Triangular => &[&["min", "mode", "max"]],
        DistKind::Pert => &[&["min", "mode", "max", "shape"], &["min", "mode", "max"]],
        DistKind::Dirichlet => &[&["alpha"], &["shares", "n"]],
        DistKind::MultivariateNormal => &[&["means", "covariance"]],
    }
}

fn kind_name(kind: DistKind) -> &'static str {
    match kind {
        DistKind::Fixed => "fixed",
        DistKind::Normal => "normal",
        DistKind::Lognormal => "lognormal",
        DistKind::Gamma => "gamma",
        DistKind::Beta => "beta",
        DistKind::Uniform => "uniform",
        DistKind::Triangular => "triangular",
        DistKind::Pert => "pert",
        DistKind::Dirichlet => "dirichlet",
        DistKind::MultivariateNormal => "multivariate_normal",
    }
}

fn present(spec: &ParameterSpec) -> Vec<(&'static str, Option<f64>)> {
    let mut v = vec![
        ("value", spec.value),
        ("mean", spec.mean),
        ("sd", spec.sd),
        ("median", spec.median),
        ("meanlog", spec.meanlog),
        ("sdlog", spec.sdlog),
        ("shape", spec.shape),
        ("scale", spec.scale),
        ("beta", spec.beta),
        ("events", spec.events),
        ("n", spec.n),
        ("min", spec.min),
        ("mode", spec.mode),
        ("max", spec.max),
    ];
    v.retain(|(_, x)| x.is_some());
    if let Some(ci) = spec.ci {
        v.push(("ci", Some(ci[0])));
        v.push(("ci", Some(ci[1])));
    }
    match &spec.alpha {
        Some(Alpha::Number(a)) => v.push(("alpha", Some(*a))),
        Some(Alpha::PerComponent(m)) => v.extend(m.values().map(|a| ("alpha", Some(*a)))),
        None => {}
    }
    if let Some(sh) = &spec.shares {
        v.extend(sh.values().map(|a| ("shares", Some(*a))));
    }
    if let Some(m) = &spec.means {
        v.extend(m.values().map(|a| ("means", Some(*a))));
    }
    if let Some(c) = &spec.covariance {
        v.extend(c.values().flat_map(|row| row.values()).map(|a| ("covariance", Some(*a))));
    }
    v
}

/// A problem about one key of the parameter; the caller prefixes the parameter's path.
fn bad(key: &str, reason: impl Into<String>) -> Problem {
    Problem::new(key, reason)
}

impl Dist {
    /// Checks a parameter's keys and values and builds its distribution. Problems carry the key
    /// (e.g. `sd`) as path; callers prefix the parameter's own path.
    pub fn from_spec(spec: &ParameterSpec) -> Result<Dist, Vec<Problem>> {
        let name = kind_name(spec.dist);
        let keys = present(spec);
        let mut problems = Vec::new();
        for (k, x) in &keys {
            if let Some(x) = x
                && !x.is_finite()
            {
                problems.push(bad(k, format!("must be a finite number, got {x}")));
            }
        }
        let mut given: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        given.dedup();
        let form = forms(spec.dist).iter().find(|f| f.iter().all(|k| given.contains(k)));
        let Some(form) = form else {
            let options: Vec<String> = forms(spec.dist).iter().map(|f| f.join(" + ")).collect();
            problems.push(bad(
                "dist",
                format!(
                    "dist = \"{name}\" needs {}; given: {}",
                    options.join(", or "),
                    if given.is_empty() { "nothing".to_owned() } else { given.join(", ") }
                ),
            ));
            return Err(problems);
        };
        for k in &given {
            if !form.contains(k) {
                problems
                    .push(bad(k, format!("is not used by dist = \"{name}\" given as {}; remove it", form.join(" + "))));
            }
        }
        if matches!(spec.alpha, Some(Alpha::PerComponent(_))) && spec.dist != DistKind::Dirichlet {
            problems.push(bad("alpha", "a table of components is only for dist = \"dirichlet\""));
        }
        if matches!(spec.alpha, Some(Alpha::Number(_))) && spec.dist == DistKind::Dirichlet {
            problems.push(bad("alpha", "dirichlet needs a concentration per component, e.g. alpha = { a = 3, b = 7 }"));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let (kind, tails) = build(spec, form).map_err(|p| vec![p])?;
        let (kind, tails) = match spec.truncate {
            None => (kind, tails),
            Some(bounds) => truncated(kind, tails, bounds).map_err(|p| vec![p])?,
        };
        let components = match (&spec.alpha, &spec.shares) {
            (Some(Alpha::PerComponent(m)), _) | (_, Some(m)) if spec.dist == DistKind::Dirichlet => {
                m.keys().cloned().collect()
            }
            _ if spec.dist == DistKind::MultivariateNormal => {
                spec.means.as_ref().map(|m| m.keys().cloned().collect()).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        Ok(Dist { kind, components, tails })
    }

    /// Number of values the parameter holds: 1, or the number of components of a Dirichlet or a
    /// multivariate normal.
    pub fn width(&self) -> usize {
        match &self.kind {
            Kind::Dirichlet(_, m) | Kind::MvNormal(m, _) => m.len(),
            _ => 1,
        }
    }

    /// Component names of a Dirichlet (sorted), empty otherwise.
    pub fn components(&self) -> &[String] {
        &self.components
    }

    /// The probability that one draw falls below `lo` or above `hi`: how often a field that
    /// allows only [lo, hi] would stop a run. A fixed value and the shares of a beta or a
    /// dirichlet count as inside (a fixed value is checked where it is used).
    ///
    /// ```
    /// use ontschot::{Dist, DistKind, ParameterSpec};
    /// let cost = ParameterSpec { dist: DistKind::Normal, mean: Some(100.0), sd: Some(150.0), ..Default::default() };
    /// let p = Dist::from_spec(&cost).unwrap().probability_outside(0.0, f64::INFINITY);
    /// assert!((p - 0.2525).abs() < 1e-4); // P(Z < -2/3)
    /// ```
    pub fn probability_outside(&self, lo: f64, hi: f64) -> f64 {
        self.tails.outside(lo, hi).clamp(0.0, 1.0)
    }

    /// The distribution's mean, one value per component.
    pub fn mean(&self) -> Vec<f64> {
        match &self.kind {
            Kind::Fixed(x) => vec![*x],
            Kind::Normal(_, m)
            | Kind::TruncNormal(_, _, _, m)
            | Kind::LogNormal(_, m)
            | Kind::Gamma(_, m)
            | Kind::Beta(_, m)
            | Kind::Uniform(_, m)
            | Kind::Triangular(_, m)
            | Kind::Pert(_, m) => vec![*m],
            Kind::Dirichlet(_, m) | Kind::MvNormal(m, _) => m.clone(),
        }
    }

    /// True when the parameter has no uncertainty.
    pub fn is_fixed(&self) -> bool {
        matches!(self.kind, Kind::Fixed(_))
    }

    /// Draws once into `out` (length [`width`](Self::width)).
    #[inline]
    pub fn sample_into<R: Rng + ?Sized>(&self, rng: &mut R, out: &mut [f64]) {
        match &self.kind {
            Kind::Fixed(x) => out[0] = *x,
            Kind::Normal(d, _) => out[0] = d.sample(rng),
            Kind::TruncNormal(d, [lo, hi], [pa, pb], _) => {
                use statrs::distribution::ContinuousCDF;
                let u: f64 = rand::distr::StandardUniform.sample(rng);
                // Far in a tail the inverse may round past an end.
                out[0] = d.inverse_cdf(pa + u * (pb - pa)).clamp(*lo, *hi);
            }
            Kind::LogNormal(d, _) => out[0] = d.sample(rng),
            Kind::Gamma(d, _) => out[0] = d.sample(rng),
            Kind::Beta(d, _) => out[0] = d.sample(rng),
            Kind::Uniform(d, _) => out[0] = d.sample(rng),
            Kind::Triangular(d, _) => out[0] = d.sample(rng),
            Kind::Pert(d, _) => out[0] = d.sample(rng),
            Kind::MvNormal(mu, l) => {
                // mu + L z with independent standard normals z.
                let n = mu.len();
                let mut z = [0.0f64; MAX_COMPONENTS];
                for zi in z.iter_mut().take(n) {
                    *zi = rand_distr::StandardNormal.sample(rng);
                }
                for (i, o) in out.iter_mut().enumerate() {
                    *o = mu[i] + l[i * n..i * n + i + 1].iter().zip(&z).map(|(a, b)| a * b).sum::<f64>();
                }
            }
            Kind::Dirichlet(gs, _) if gs.iter().all(|(_, boost)| boost.is_none()) => {
                // Normalised independent gammas: the standard construction of a Dirichlet draw.
                let mut total = 0.0;
                for (o, (g, _)) in out.iter_mut().zip(gs) {
                    *o = g.sample(rng);
                    total += *o;
                }
                for o in out.iter_mut() {
                    *o /= total;
                }
            }
            Kind::Dirichlet(gs, _) => {
                // With an alpha below 1 every gamma can underflow to 0 (0 / 0): draw them in log
                // space, Gamma(a) = Gamma(a + 1) * U^(1/a), and normalise from the largest.
                for (o, (g, boost)) in out.iter_mut().zip(gs) {
                    *o = g.sample(rng).ln();
                    if let Some(inv) = boost {
                        // A uniform in (0, 1]: 53 random bits, never 0.
                        let u = ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
                        *o += u.ln() * inv;
                    }
                }
                let top = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let mut total = 0.0;
                for o in out.iter_mut() {
                    *o = (*o - top).exp();
                    total += *o;
                }
                for o in out.iter_mut() {
                    *o /= total;
                }
            }
        }
    }
}

/// The most components a multivariate normal may have.
pub const MAX_COMPONENTS: usize = 32;

/// A multivariate normal from its means and covariance by component name: the covariance must
/// name the same components, be symmetric and positive definite.
fn multivariate_normal(spec: &ParameterSpec) -> Result<(Kind, Tails), Problem> {
    let means = spec.means.clone().unwrap_or_default();
    let cov = spec.covariance.clone().unwrap_or_default();
    let names: Vec<&String> = means.keys().collect();
    let n = names.len();
    if n < 2 {
        return Err(bad("means", "a multivariate normal needs at least two components"));
    }
    if n > MAX_COMPONENTS {
        return Err(bad("means", format!("at most {MAX_COMPONENTS} components, got {n}")));
    }
    if let Some(k) = names.iter().find(|k| k.is_empty() || k.contains('.')) {
        return Err(bad("means", format!("component '{k}': a name must be non-empty and without '.'")));
    }
    let mut c = vec![0.0; n * n];
    for (i, a) in names.iter().enumerate() {
        let Some(row) = cov.get(*a) else {
            return Err(bad("covariance", format!("has no row for component '{a}'")));
        };
        if let Some(extra) =
            row.keys().find(|k| !means.contains_key(*k)).or(cov.keys().find(|k| !means.contains_key(*k)))
        {
            return Err(bad("covariance", format!("names '{extra}', which is not a component of means")));
        }
        for (j, b) in names.iter().enumerate() {
            let Some(&x) = row.get(*b) else {
                return Err(bad(&format!("covariance.{a}"), format!("has no entry for '{b}'")));
            };
            c[i * n + j] = x;
        }
    }
    for i in 0..n {
        for j in 0..i {
            let (x, y) = (c[i * n + j], c[j * n + i]);
            if (x - y).abs() > 1e-12 * x.abs().max(y.abs()).max(f64::MIN_POSITIVE) {
                return Err(bad(
                    "covariance",
                    format!("must be symmetric: {}.{} = {x} but {}.{} = {y}", names[i], names[j], names[j], names[i]),
                ));
            }
        }
    }
    // Cholesky: C = L L^T, row by row.
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = c[i * n + i] - s;
                if d.is_nan() || d <= 0.0 {
                    return Err(bad(
                        "covariance",
                        format!(
                            "is not positive definite (at component '{}'): a variance must be > 0 and each correlation within (-1, 1), jointly",
                            names[i]
                        ),
                    ));
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (c[i * n + j] - s) / l[j * n + j];
            }
        }
    }
    Ok((Kind::MvNormal(means.values().copied().collect(), l), Tails::Inside))
}

fn build(spec: &ParameterSpec, form: &[&str]) -> Result<(Kind, Tails), Problem> {
    let g = |k: &str| -> f64 {
        match k {
            "value" => spec.value,
            "mean" => spec.mean,
            "sd" => spec.sd,
            "median" => spec.median,
            "meanlog" => spec.meanlog,
            "sdlog" => spec.sdlog,
            "shape" => spec.shape,
            "scale" => spec.scale,
            "beta" => spec.beta,
            "events" => spec.events,
            "n" => spec.n,
            "min" => spec.min,
            "mode" => spec.mode,
            "max" => spec.max,
            "alpha" => match spec.alpha {
                Some(Alpha::Number(a)) => Some(a),
                _ => None,
            },
            _ => None,
        }
        .unwrap_or(f64::NAN)
    };
    let positive = |k: &str| -> Result<f64, Problem> {
        let x = g(k);
        if x > 0.0 { Ok(x) } else { Err(bad(k, format!("must be > 0, got {x}"))) }
    };
    let ci = || -> Result<(f64, f64), Problem> {
        let [lo, hi] = spec.ci.unwrap_or([f64::NAN; 2]);
        if lo < hi {
            Ok((lo, hi))
        } else {
            Err(bad("ci", format!("must be [low, high] with low < high, got [{lo}, {hi}]")))
        }
    };
    Ok(match (spec.dist, form) {
        (DistKind::MultivariateNormal, _) => multivariate_normal(spec)?,
        (DistKind::Fixed, _) => (Kind::Fixed(g("value")), Tails::Inside),
        (DistKind::Normal, ["mean", "sd"]) => {
            let (m, s) = (g("mean"), positive("sd")?);
            (Kind::Normal(Normal::new(m, s).map_err(|e| bad("sd", e.to_string()))?, m), Tails::Normal(m, s))
        }
        (DistKind::Normal, _) => {
            let m = g("mean");
            let (lo, hi) = ci()?;
            if !(lo < m && m < hi) {
                return Err(bad("mean", format!("{m} lies outside its interval [{lo}, {hi}]")));
            }
            let s = (hi - lo) / (2.0 * Z95);
            (Kind::Normal(Normal::new(m, s).map_err(|e| bad("ci", e.to_string()))?, m), Tails::Normal(m, s))
        }
        (DistKind::Lognormal, form) => {
            let (mu, sigma) = match form {
                ["meanlog", "sdlog"] => (g("meanlog"), positive("sdlog")?),
                ["mean", "sd"] => {
                    let (m, s) = (positive("mean")?, positive("sd")?);
                    let sigma2 = (1.0 + (s / m).powi(2)).ln();
                    (m.ln() - sigma2 / 2.0, sigma2.sqrt())
                }
                _ => {
                    let med = positive("median")?;
                    let (lo, hi) = ci()?;
                    if lo <= 0.0 {
                        return Err(bad("ci", format!("a lognormal interval must be above 0, got low = {lo}")));
                    }
                    if !(lo < med && med < hi) {
                        return Err(bad("median", format!("{med} lies outside its interval [{lo}, {hi}]")));
                    }
                    (med.ln(), (hi.ln() - lo.ln()) / (2.0 * Z95))
                }
            };
            let d = LogNormal::new(mu, sigma).map_err(|e| bad("sdlog", e.to_string()))?;
            (Kind::LogNormal(d, (mu + sigma * sigma / 2.0).exp()), Tails::LogNormal(mu, sigma))
        }
        (DistKind::Gamma, ["shape", "scale"]) => {
            let (k, th) = (positive("shape")?, positive("scale")?);
            (Kind::Gamma(Gamma::new(k, th).map_err(|e| bad("shape", e.to_string()))?, k * th), Tails::Gamma(k, th))
        }
        (DistKind::Gamma, _) => {
            let (m, s) = (positive("mean")?, positive("sd")?);
            let (k, th) = ((m / s).powi(2), s * s / m);
            (Kind::Gamma(Gamma::new(k, th).map_err(|e| bad("sd", e.to_string()))?, m), Tails::Gamma(k, th))
        }
        (DistKind::Beta, form) => {
            let (a, b) = match form {
                ["alpha", "beta"] => (positive("alpha")?, positive("beta")?),
                ["mean", "sd"] => {
                    let (m, s) = (g("mean"), positive("sd")?);
                    if !(m > 0.0 && m < 1.0) {
                        return Err(bad("mean", format!("a beta mean must lie strictly between 0 and 1, got {m}")));
                    }
                    let var = s * s;
                    let max_sd = (m * (1.0 - m)).sqrt();
                    if var >= m * (1.0 - m) {
                        return Err(bad(
                            "sd",
                            format!(
                                "{s} is impossible for a beta with mean {m}: the SD must be below sqrt(mean * (1 - mean)) = {max_sd:.4}"
                            ),
                        ));
                    }
                    let common = m * (1.0 - m) / var - 1.0;
                    (m * common, (1.0 - m) * common)
                }
                _ => {
                    let (e, n) = (g("events"), positive("n")?);
                    if !(e > 0.0 && e < n) {
                        return Err(bad("events", format!("must lie strictly between 0 and n = {n}, got {e}")));
                    }
                    (e, n - e)
                }
            };
            (Kind::Beta(Beta::new(a, b).map_err(|e| bad("alpha", e.to_string()))?, a / (a + b)), Tails::Inside)
        }
        (DistKind::Uniform, _) => {
            let (lo, hi) = (g("min"), g("max"));
            if lo >= hi {
                return Err(bad("max", format!("must be above min ({lo}), got {hi}")));
            }
            let d = Uniform::new(lo, hi).map_err(|e| bad("max", e.to_string()))?;
            (Kind::Uniform(d, (lo + hi) / 2.0), Tails::Uniform(lo, hi))
        }
        (DistKind::Triangular | DistKind::Pert, form) => {
            let (lo, mode, hi) = (g("min"), g("mode"), g("max"));
            if lo >= hi {
                return Err(bad("max", format!("must be above min ({lo}), got {hi}")));
            }
            if !(lo <= mode && mode <= hi) {
                return Err(bad("mode", format!("must lie within [min, max] = [{lo}, {hi}], got {mode}")));
            }
            if spec.dist == DistKind::Triangular {
                let d = Triangular::new(lo, hi, mode).map_err(|e| bad("mode", e.to_string()))?;
                (Kind::Triangular(d, (lo + mode + hi) / 3.0), Tails::Triangular(lo, mode, hi))
            } else {
                let shape = if form.len() == 4 { positive("shape")? } else { 4.0 };
                let d = Pert::new(lo, hi).with_shape(shape).with_mode(mode).map_err(|e| bad("mode", e.to_string()))?;
                // PERT is a beta on [min, max] with these shapes.
                let (a, b) = (1.0 + shape * (mode - lo) / (hi - lo), 1.0 + shape * (hi - mode) / (hi - lo));
                (Kind::Pert(d, (lo + shape * mode + hi) / (shape + 2.0)), Tails::Pert(lo, hi, a, b))
            }
        }
        (DistKind::Dirichlet, form) => {
            let alphas: Vec<(String, f64)> = if form == ["alpha"] {
                match &spec.alpha {
                    Some(Alpha::PerComponent(m)) => m.iter().map(|(k, v)| (k.clone(), *v)).collect(),
                    _ => Vec::new(),
                }
            } else {
                let n = positive("n")?;
                let shares = spec.shares.clone().unwrap_or_default();
                let total: f64 = shares.values().sum();
                if (total - 1.0).abs() > 1e-6 {
                    return Err(bad("shares", format!("must sum to 1, they sum to {total}")));
                }
                shares.into_iter().map(|(k, s)| (k, s * n)).collect()
            };
            if alphas.len() < 2 {
                return Err(bad("alpha", "a dirichlet needs at least two components"));
            }
            if let Some((k, a)) = alphas.iter().find(|(_, a)| a.is_nan() || *a <= 0.0) {
                return Err(bad(&format!("alpha.{k}"), format!("must be > 0, got {a}")));
            }
            let total: f64 = alphas.iter().map(|(_, a)| a).sum();
            let gammas = alphas
                .iter()
                .map(|(_, a)| {
                    let boost = (*a < 1.0).then(|| 1.0 / a);
                    (Gamma::new(if *a < 1.0 { a + 1.0 } else { *a }, 1.0).expect("alpha checked > 0"), boost)
                })
                .collect();
            (Kind::Dirichlet(gammas, alphas.iter().map(|(_, a)| a / total).collect()), Tails::Inside)
        }
    })
}
