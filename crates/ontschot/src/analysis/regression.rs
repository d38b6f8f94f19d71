//! Least squares for the EVPPI metamodel: a second-order polynomial in a few parameters.

/// Columns of the design matrix: 1, each x, each x_i * x_j (i <= j). Columns are centred and
/// scaled first so that the normal equations stay well conditioned.
pub(crate) fn quadratic(x: &[&[f64]]) -> Vec<Vec<f64>> {
    let n = x.first().map_or(0, |c| c.len());
    let scaled: Vec<Vec<f64>> = x
        .iter()
        .map(|c| {
            let m = c.iter().sum::<f64>() / n as f64;
            let sd = (c.iter().map(|v| (v - m).powi(2)).sum::<f64>() / n as f64).sqrt();
            let sd = if sd > 0.0 { sd } else { 1.0 };
            c.iter().map(|v| (v - m) / sd).collect()
        })
        .collect();
    let mut design = vec![vec![1.0; n]];
    design.extend(scaled.iter().cloned());
    for i in 0..scaled.len() {
        for j in i..scaled.len() {
            design.push((0..n).map(|k| scaled[i][k] * scaled[j][k]).collect());
        }
    }
    design
}

/// Fitted values of the least-squares regression of `y` on the `design` columns, by the normal
/// equations with a tiny ridge (1e-10 of the diagonal) against exactly collinear columns.
pub(crate) fn fit(design: &[Vec<f64>], y: &[f64]) -> Vec<f64> {
    let p = design.len();
    let n = y.len();
    let mut a = vec![vec![0.0; p]; p];
    let mut b = vec![0.0; p];
    for i in 0..p {
        for j in i..p {
            let v: f64 = (0..n).map(|k| design[i][k] * design[j][k]).sum();
            a[i][j] = v;
            a[j][i] = v;
        }
        b[i] = (0..n).map(|k| design[i][k] * y[k]).sum();
    }
    for i in 0..p {
        a[i][i] += 1e-10 * a[i][i].max(1.0);
    }
    let beta = solve(a, b);
    (0..n).map(|k| (0..p).map(|i| beta[i] * design[i][k]).sum()).collect()
}

/// Gaussian elimination with partial pivoting on a small symmetric system.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let p = b.len();
    for c in 0..p {
        let pivot = (c..p).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap_or(c);
        a.swap(c, pivot);
        b.swap(c, pivot);
        let d = a[c][c];
        if d == 0.0 {
            continue;
        }
        for r in c + 1..p {
            let f = a[r][c] / d;
            for k in c..p {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; p];
    for c in (0..p).rev() {
        let s: f64 = (c + 1..p).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c] != 0.0 { (b[c] - s) / a[c][c] } else { 0.0 };
    }
    x
}
