//! Charts as inline SVG, drawn with plotters.

use ontschot::Results;
use ontschot::format::Lang;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A named line: per year the mean, 2.5th and 97.5th percentile.
pub(crate) type Series = (String, Vec<(f64, f64, f64)>);

/// Labels readable at the width the report shows charts.
const FONT: (&str, u32) = ("sans-serif", 15);

const COLOURS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for v in values {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let pad = ((hi - lo) * 0.08).max(1.0);
    (lo - pad, hi + pad)
}

/// Bars of each party's net with its 95% interval as whiskers.
pub(crate) fn bars(items: &[(String, f64, f64, f64)], y_label: &str, lang: Lang) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (lo, hi) = range(items.iter().flat_map(|(_, m, l, h)| [*m, *l, *h]));
        let n = items.len();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(80)
            .build_cartesian_2d(0f64..n as f64, lo..hi)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .disable_x_axis()
            .y_desc(y_label)
            .y_label_formatter(&|y| ontschot::format::tick(*y, lang))
            .label_style(FONT)
            .axis_desc_style(FONT)
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (name, mean, l, h)) in items.iter().enumerate() {
            let x = k as f64;
            let colour = if *mean >= 0.0 { COLOURS[2] } else { COLOURS[3] };
            chart
                .draw_series(std::iter::once(Rectangle::new([(x + 0.2, 0.0), (x + 0.8, *mean)], colour.filled())))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x + 0.5, *l), (x + 0.5, *h)],
                    BLACK.stroke_width(2),
                )))
                .map_err(|e| e.to_string())?;
            for y in [*l, *h] {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x + 0.4, y), (x + 0.6, y)],
                        BLACK.stroke_width(2),
                    )))
                    .map_err(|e| e.to_string())?;
            }
            // The party's name under its bar, at the bottom of the plot.
            let style = TextStyle::from(FONT).pos(Pos::new(HPos::Center, VPos::Top));
            chart
                .draw_series(std::iter::once(Text::new(name.clone(), (x + 0.5, lo), style)))
                .map_err(|e| e.to_string())?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(0.0, 0.0), (n as f64, 0.0)], BLACK)))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Lines of each party's mean cumulative net over the years with 95% bands.
pub(crate) fn lines(
    series: &[Series],
    years: &[usize],
    x_label: &str,
    y_label: &str,
    lang: Lang,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (lo, hi) = range(series.iter().flat_map(|(_, s)| s.iter().flat_map(|(m, l, h)| [*m, *l, *h])));
        let last = *years.last().unwrap_or(&1) as f64;
        let first = *years.first().unwrap_or(&1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(80)
            .build_cartesian_2d(first - 0.2..last + 0.2, lo..hi)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_labels(years.len().max(2))
            .x_label_formatter(&|x| if (x - x.round()).abs() < 1e-6 { format!("{x:.0}") } else { String::new() })
            .x_desc(x_label)
            .y_desc(y_label)
            .y_label_formatter(&|y| ontschot::format::tick(*y, lang))
            .label_style(FONT)
            .axis_desc_style(FONT)
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (name, s)) in series.iter().enumerate() {
            let colour = COLOURS[k % COLOURS.len()];
            let mut band: Vec<(f64, f64)> = years.iter().zip(s).map(|(y, (_, l, _))| (*y as f64, *l)).collect();
            band.extend(years.iter().zip(s).rev().map(|(y, (_, _, h))| (*y as f64, *h)));
            chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.15)))).map_err(|e| e.to_string())?;
            chart
                .draw_series(LineSeries::new(
                    years.iter().zip(s).map(|(y, (m, _, _))| (*y as f64, *m)),
                    colour.stroke_width(3),
                ))
                .map_err(|e| e.to_string())?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour.stroke_width(3)));
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(0.8, 0.0), (last + 0.2, 0.0)], BLACK)))
            .map_err(|e| e.to_string())?;
        chart
            .configure_series_labels()
            .label_font(FONT)
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// A tornado: from the base case to the net at each parameter's low and high value.
pub(crate) fn tornado(bars: &[(String, f64, f64)], base: f64, x_label: &str, lang: Lang) -> Result<String, String> {
    let mut svg = String::new();
    {
        let n = bars.len().max(1);
        let root = SVGBackend::with_string(&mut svg, (760, 70 + 34 * n as u32)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (lo, hi) = range(bars.iter().flat_map(|(_, l, h)| [*l, *h]).chain(std::iter::once(base)));
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(230)
            .build_cartesian_2d(lo..hi, 0f64..n as f64)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .disable_y_axis()
            .x_desc(x_label)
            .x_label_formatter(&|x| ontschot::format::tick(*x, lang))
            .label_style(FONT)
            .axis_desc_style(FONT)
            .draw()
            .map_err(|e| e.to_string())?;
        for (k, (_, low, high)) in bars.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            chart
                .draw_series(std::iter::once(Rectangle::new([(base, y + 0.2), (*low, y + 0.8)], COLOURS[0].filled())))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Rectangle::new([(base, y + 0.2), (*high, y + 0.8)], COLOURS[1].filled())))
                .map_err(|e| e.to_string())?;
            // The parameter's name left of the plot area.
            let style = TextStyle::from(FONT).pos(Pos::new(HPos::Right, VPos::Center));
            chart
                .draw_series(std::iter::once(Text::new(bars[k].0.clone(), (lo, y + 0.5), style)))
                .map_err(|e| e.to_string())?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(base, 0.0), (base, n as f64)], BLACK)))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// Per payer and year: mean, 2.5 and 97.5 percentiles of the cumulative discounted net after
/// the arrangements.
pub(crate) struct Cumulative {
    pub per_payer: Vec<Vec<(f64, f64, f64)>>,
}

impl Cumulative {
    pub(crate) fn of(results: &Results, arm: usize) -> ontschot::Result<Cumulative> {
        let meta = results.meta();
        let (n, years, nb) = (meta.iterations, meta.years, meta.budgets.len());
        let df = results.cost_discount_factors();
        let inc = results.increment(arm)?;
        let transfers = results.transfers(arm);
        let per_payer = (0..meta.payers.len())
            .map(|p| {
                let budgets: Vec<usize> = (0..nb).filter(|&b| meta.budgets[b].payer == p).collect();
                let mut acc = vec![0.0; n];
                (0..years)
                    .map(|y| {
                        for (i, a) in acc.iter_mut().enumerate() {
                            *a -= budgets
                                .iter()
                                .map(|&b| inc[[i, y, b]] + transfers.as_ref().map_or(0.0, |t| t[[i, y, b]]))
                                .sum::<f64>()
                                * df[y];
                        }
                        let s = ontschot::Stats::of(&acc);
                        (s.mean, s.p2_5, s.p97_5)
                    })
                    .collect()
            })
            .collect();
        Ok(Cumulative { per_payer })
    }
}
