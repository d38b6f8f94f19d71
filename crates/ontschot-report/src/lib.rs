//! A self-contained HTML report of an ontschot run, for the people who decide: an alderman, an
//! insurer's purchasing board. One file with styles, charts (SVG drawn by plotters) and data
//! inline; no request to any network; every chart has its numbers in a table beside it.
//!
//! ```no_run
//! let scenario = ontschot::seeds::samenoud();
//! let model = ontschot::Model::new(&scenario).unwrap();
//! let results = ontschot::Simulation::new(&model).iterations(1000).run().unwrap();
//! let html = ontschot_report::render(&model, &results, &ontschot_report::Options::default()).unwrap();
//! std::fs::write("report.html", html).unwrap();
//! ```

mod charts;
mod text;

pub use text::Lang;

use ontschot::{Model, Results};
use serde::Serialize;
use text::BreakEven;

/// What can go wrong while rendering.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An analysis the report runs failed (e.g. a tornado on a scenario without uncertainty).
    #[error(transparent)]
    Core(#[from] ontschot::Error),
    /// The template could not be rendered.
    #[error("report template: {0}")]
    Template(String),
    /// A chart could not be drawn.
    #[error("report chart: {0}")]
    Chart(String),
}

/// Report settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Language of the labels.
    pub lang: Lang,
    /// The command that reproduces the report, shown in the method section.
    pub command: String,
    /// Parameters per tornado diagram.
    pub tornado_top: usize,
    /// The intervention arm reported against the comparator (arm 0), 1 or more.
    pub arm: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { lang: Lang::Nl, command: String::new(), tornado_top: 8, arm: 1 }
    }
}

#[derive(Serialize)]
struct Row {
    label: String,
    cells: Vec<String>,
    /// Raw numbers behind the cells, for machines (tests, screen readers' data tables).
    values: Vec<f64>,
}

#[derive(Serialize)]
struct Section {
    title: String,
    intro: String,
    chart: Option<String>,
    head: Vec<String>,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Headline {
    payer: String,
    sentence: String,
    net: f64,
    net_after: f64,
    probability_after: f64,
}

/// Renders the report of intervention arm `options.arm` against the comparator; an arm the run
/// does not have is an error.
pub fn render(model: &Model, results: &Results, options: &Options) -> Result<String, Error> {
    let t = text::Text::new(options.lang);
    // Every amount and chance in the reader's own notation.
    let lang = options.lang;
    // Non-breaking spaces keep an amount on one line, on screen and on paper.
    let eur = |x: f64| ontschot::format::euro_short(x, lang).replace(' ', "\u{a0}");
    let pct = |p: f64| ontschot::format::percent(p, 0, lang);
    let arm = options.arm;
    let summary = results.summary(arm)?;
    let meta = results.meta();
    let nets = ontschot::analysis::nets(results, arm)?;
    let nb = meta.budgets.len();
    let payer_rows: Vec<usize> = (nb..nb + meta.payers.len()).collect();
    // A payer the catalogue has no words for is called by the scenario's label in the language.
    let shown = |name: &str, label: &str| -> String {
        meta.payers.iter().find(|p| p.name == name).map_or(label, |p| p.label_in(options.lang.code())).to_owned()
    };
    // When a party that puts money in earns it back: a calendar year when the run has them.
    let break_even = |f: &ontschot::FlowSummary| -> BreakEven {
        if f.investment.mean <= 0.0 {
            return BreakEven::Skip;
        }
        match (f.break_even_year, meta.start_year) {
            (Some(y), Some(start)) => BreakEven::In((i64::from(start) + y as i64 - 1).to_string()),
            (Some(y), None) => BreakEven::In(t.model_year(y)),
            (None, _) => BreakEven::Never(meta.years),
        }
    };
    // Headlines: per payer, before and after the arrangements.
    // A payer the intervention does not touch (a grant funder without its grant) is left out.
    let headlines: Vec<Headline> = summary
        .payers
        .iter()
        .filter(|p| !p.untouched())
        .map(|p| {
            let who = t.payer(&p.name, &shown(&p.name, &p.label));
            let bears_risk = meta.payers.iter().find(|x| x.name == p.name).is_none_or(|x| x.bears_risk);
            let sentence = if bears_risk {
                let after = meta.financed.then_some(p.net_after.mean);
                let (lo, hi) = (p.net.p2_5, p.net.p97_5);
                t.headline(&who, false, p.net.mean, lo, hi, after, p.probability_gain_after, break_even(p))
            } else {
                t.spending(&who, p.net_after.mean, p.net_after.p2_5, p.net_after.p97_5)
            };
            Headline {
                payer: who,
                sentence,
                net: p.net.mean,
                net_after: p.net_after.mean,
                probability_after: p.probability_gain_after,
            }
        })
        .collect();
    // All parties together, and what it brings people: the two lines a board reads first.
    let total = &summary.total;
    let total_sentence = t.headline(
        &t.all_parties(),
        true,
        total.net.mean,
        total.net.p2_5,
        total.net.p97_5,
        meta.financed.then_some(total.net_after.mean),
        total.probability_gain_after,
        break_even(total),
    );
    let h = &summary.health;
    let health_sentence = t
        .health(h.qalys.map(|q| (q.mean, q.p2_5, q.p97_5)), (h.life_years.mean, h.life_years.p2_5, h.life_years.p97_5));
    // What changes in people's course, when the run kept the trace.
    let events_sentence = results.trace_summary()?.and_then(|tr| {
        let rows: Vec<(String, f64, f64, f64)> = tr
            .states
            .iter()
            .zip(&tr.arms[arm].avoided)
            .map(|(s, a)| (s.label.clone(), a.mean, a.p2_5, a.p97_5))
            .collect();
        t.events(&rows)
    });
    let n = meta.iterations;
    let active: Vec<usize> = payer_rows.iter().copied().filter(|&k| nets[k].iter().any(|v| *v != 0.0)).collect();
    // A fund administered without risk neither wins nor loses: it does not count here.
    let at_risk: Vec<usize> = active.iter().copied().filter(|&k| meta.payers[k - nb].bears_risk).collect();
    let all_gain = (0..n).filter(|&i| at_risk.iter().all(|&k| nets[k][i] > 0.0)).count() as f64 / n as f64;
    let mut sections = Vec::new();
    // The budget view first: each party's cash per calendar year.
    let view = results.budget_view(arm)?;
    let cal: Vec<usize> = view.years.iter().map(|y| (*y).max(0) as usize).collect();
    let budget_series: Vec<charts::Series> = view
        .payers
        .iter()
        .filter(|p| !p.untouched())
        .map(|p| {
            (
                t.payer(&p.name, &shown(&p.name, &p.label)),
                p.years.iter().map(|y| (y.cumulative.mean, y.cumulative.p2_5, y.cumulative.p97_5)).collect(),
            )
        })
        .collect();
    let budget_rows: Vec<Row> = view
        .payers
        .iter()
        .filter(|p| !p.untouched())
        .zip(&budget_series)
        .map(|(p, (label, _))| {
            let last = p.years.last().expect("at least one year");
            Row {
                label: label.clone(),
                cells: p
                    .years
                    .iter()
                    .map(|y| eur(y.cash.mean))
                    .chain([
                        format!(
                            "{} ({} … {})",
                            eur(last.cumulative.mean),
                            eur(last.cumulative.p2_5),
                            eur(last.cumulative.p97_5)
                        ),
                        if p.bears_risk { pct(last.probability_better_cumulative) } else { "—".into() },
                    ])
                    .collect(),
                values: p.years.iter().map(|y| y.cash.mean).chain([last.cumulative.mean]).collect(),
            }
        })
        .collect();
    sections.push(Section {
        title: t.s("budget_title"),
        intro: t.s("budget_intro"),
        chart: Some(
            charts::lines(&budget_series, &cal, &t.s("year"), &t.s("budget_axis"), lang).map_err(Error::Chart)?,
        ),
        head: std::iter::once(t.s("payer"))
            .chain(view.years.iter().map(|y| y.to_string()))
            .chain([t.s("cumulative"), t.s("p_better")])
            .collect(),
        rows: budget_rows,
    });
    // Who pays and who benefits.
    let labels: Vec<String> =
        summary.payers.iter().filter(|p| !p.untouched()).map(|p| t.payer(&p.name, &shown(&p.name, &p.label))).collect();
    let who_rows: Vec<Row> = summary
        .payers
        .iter()
        .filter(|p| !p.untouched())
        .zip(&labels)
        .map(|(p, l)| Row {
            label: l.clone(),
            cells: {
                // The fund bears no risk of its own: no chance of gaining.
                let risk = meta.payers.iter().find(|x| x.name == p.name).is_none_or(|x| x.bears_risk);
                let chance = |x: f64| if risk { pct(x) } else { "—".into() };
                let mut cells = vec![
                    eur(p.investment.mean),
                    eur(p.savings.mean),
                    eur(p.net.mean),
                    format!("{} … {}", eur(p.net.p2_5), eur(p.net.p97_5)),
                    chance(p.probability_gain),
                ];
                if meta.financed {
                    cells.extend([eur(p.net_after.mean), chance(p.probability_gain_after)]);
                }
                cells
            },
            values: {
                let mut values =
                    vec![p.investment.mean, p.savings.mean, p.net.mean, p.net.p2_5, p.net.p97_5, p.probability_gain];
                if meta.financed {
                    values.extend([p.net_after.mean, p.probability_gain_after]);
                }
                values
            },
        })
        .collect();
    let bars: Vec<(String, f64, f64, f64)> = summary
        .payers
        .iter()
        .filter(|p| !p.untouched())
        .zip(&labels)
        .map(|(p, l)| (l.clone(), p.net_after.mean, p.net_after.p2_5, p.net_after.p97_5))
        .collect();
    sections.push(Section {
        title: format!("{} ({})", t.s("who_title"), t.s("societal_note")),
        intro: t.s("who_intro"),
        chart: Some(
            charts::bars(&bars, &t.s(if meta.financed { "net_after_axis" } else { "net_axis" }), lang)
                .map_err(Error::Chart)?,
        ),
        // Without arrangements in force, "after" would repeat "before": those columns are left out.
        head: ["payer", "invests", "saves", "net", "interval", "p_gain", "net_after", "p_gain_after"]
            .iter()
            .take(if meta.financed { 8 } else { 6 })
            .map(|k| t.s(k))
            .collect(),
        rows: who_rows,
    });
    // A region: per party (municipalities and insurers), who would stay out, and a deal.
    if model.scenario().region.is_some() {
        let party_label =
            |p: &ontschot::PartyInfo| if options.lang == Lang::En { p.label_en.clone() } else { p.label.clone() };
        let rows: Vec<Row> = view
            .parties
            .iter()
            .zip(&meta.parties)
            .map(|(p, info)| {
                let last = p.years.last().expect("at least one year");
                Row {
                    label: party_label(info),
                    cells: vec![
                        eur(last.cumulative.mean),
                        format!("{} … {}", eur(last.cumulative.p2_5), eur(last.cumulative.p97_5)),
                        if info.bears_risk { pct(last.probability_better_cumulative) } else { "—".into() },
                    ],
                    values: vec![last.cumulative.mean, last.cumulative.p2_5, last.cumulative.p97_5],
                }
            })
            .collect();
        let bars: Vec<(String, f64, f64, f64)> = view
            .parties
            .iter()
            .zip(&meta.parties)
            .map(|(p, info)| {
                let last = p.years.last().expect("at least one year");
                (short_name(&party_label(info)), last.cumulative.mean, last.cumulative.p2_5, last.cumulative.p97_5)
            })
            .collect();
        sections.push(Section {
            title: t.s("party_title"),
            intro: t.s("party_intro"),
            chart: Some(charts::bars(&bars, &t.s("budget_axis"), lang).map_err(Error::Chart)?),
            head: ["payer", "cumulative", "interval", "p_better"].iter().map(|k| t.s(k)).collect(),
            rows,
        });
        let riders = ontschot::finance::free_riders(results, arm)?;
        sections.push(Section {
            title: t.s("riders_title"),
            intro: t.s("riders_intro"),
            chart: None,
            head: ["payer", "cash_joining", "cash_staying", "to_stay_out"].iter().map(|k| t.s(k)).collect(),
            rows: riders
                .iter()
                .map(|r| Row {
                    label: r.label.clone(),
                    cells: vec![eur(r.cash_joining), eur(r.cash_free_riding), eur(r.incentive_to_stay_out)],
                    values: vec![r.cash_joining, r.cash_free_riding, r.incentive_to_stay_out],
                })
                .collect(),
        });
        // A region whose intervention costs nothing has no pool to split: no section then.
        let goal = ontschot::finance::DealGoal::MaxMinProbability;
        if let Ok(deal) = ontschot::finance::deal(results, arm, &[], goal, ontschot::View::Budget) {
            let outcome = if deal.feasible { t.deal(deal.probability.unwrap_or(0.0)) } else { t.s("no_deal") };
            sections.push(Section {
                title: t.s("deal_title"),
                intro: format!("{} {outcome}", t.s("deal_intro")),
                chart: None,
                head: ["payer", "share", "net", "p_gain"].iter().map(|k| t.s(k)).collect(),
                rows: deal
                    .parties
                    .iter()
                    .map(|p| Row {
                        label: p.label.clone(),
                        cells: vec![pct(p.share), eur(p.net), pct(p.probability_gain)],
                        values: vec![p.share, p.net, p.probability_gain],
                    })
                    .collect(),
            });
        }
    }
    // Cumulative net per payer over the years.
    let cumulative = charts::Cumulative::of(results, arm)?;
    let years: Vec<usize> = (1..=meta.years).collect();
    let series: Vec<charts::Series> = cumulative
        .per_payer
        .iter()
        .zip(&summary.payers)
        .filter(|(_, p)| !p.untouched())
        .zip(&labels)
        .map(|((s, _), l)| (l.clone(), s.clone()))
        .collect();
    // The break-even year of the plotted series: after the arrangements.
    let break_even = |s: &[(f64, f64, f64)]| -> String {
        let flows = s.iter().any(|(m, _, _)| *m != 0.0);
        (0..s.len())
            .find(|&y| flows && s[y..].iter().all(|(m, _, _)| *m >= 0.0))
            .map_or("—".into(), |y| (y + 1).to_string())
    };
    let cum_rows: Vec<Row> = series
        .iter()
        .map(|(l, s)| Row {
            label: l.clone(),
            cells: s.iter().map(|(m, _, _)| eur(*m)).chain(std::iter::once(break_even(s))).collect(),
            values: s.iter().map(|(m, _, _)| *m).collect(),
        })
        .collect();
    sections.push(Section {
        title: t.s("cum_title"),
        intro: t.s("cum_intro"),
        chart: Some(charts::lines(&series, &years, &t.s("year"), &t.s("cum_axis"), lang).map_err(Error::Chart)?),
        head: std::iter::once(t.s("payer"))
            .chain(years.iter().map(|y| format!("{} {y}", t.s("year"))))
            .chain(std::iter::once(t.s("break_even")))
            .collect(),
        rows: cum_rows,
    });
    // Arrangements side by side.
    let options_cmp = ontschot::finance::compare(model, results, arm)?;
    if options_cmp.len() > 1 {
        // A payer gets a column when some option touches it (the grant funder in a grant option).
        let cols: Vec<usize> =
            (0..meta.payers.len()).filter(|&k| options_cmp.iter().any(|o| !o.summary.payers[k].untouched())).collect();
        let rows = options_cmp
            .iter()
            .map(|o| Row {
                label: match o.name.as_str() {
                    "none" => t.s("no_arrangement"),
                    "in_force" => t.s("in_force"),
                    _ if o.hypothetical => format!("{} ({})", o.label, t.s("hypothetical")),
                    _ => o.label.clone(),
                },
                cells: cols
                    .iter()
                    .map(|&k| &o.summary.payers[k])
                    .map(|p| format!("{} ({})", eur(p.net_after.mean), pct(p.probability_gain_after)))
                    .collect(),
                values: cols.iter().map(|&k| o.summary.payers[k].net_after.mean).collect(),
            })
            .collect();
        sections.push(Section {
            title: t.s("arr_title"),
            intro: t.s("arr_intro"),
            chart: None,
            head: std::iter::once(t.s("option"))
                .chain(cols.iter().map(|&k| {
                    t.payer(&summary.payers[k].name, &shown(&summary.payers[k].name, &summary.payers[k].label))
                }))
                .collect(),
            rows,
        });
    }
    // Tornado per payer with flows.
    for &k in &active {
        let p = &meta.payers[k - nb];
        let tornado = ontschot::analysis::tornado(model, arm, &p.name, &[])?;
        let top: Vec<&ontschot::analysis::TornadoBar> = tornado.bars.iter().take(options.tornado_top).collect();
        let label =
            |b: &ontschot::analysis::TornadoBar| if lang == Lang::En { b.label_en.clone() } else { b.label.clone() };
        let bars: Vec<(String, f64, f64)> = top.iter().map(|b| (label(b), b.low[k], b.high[k])).collect();
        let rows = top
            .iter()
            .map(|b| Row {
                label: label(b),
                cells: vec![
                    ontschot::format::decimal(b.values.0, 4, lang),
                    ontschot::format::decimal(b.values.1, 4, lang),
                    eur(b.low[k]),
                    eur(b.high[k]),
                ],
                values: vec![b.values.0, b.values.1, b.low[k], b.high[k]],
            })
            .collect();
        let who = t.payer(&p.name, &shown(&p.name, &p.label));
        sections.push(Section {
            title: format!("{}: {who}", t.s("tornado_title")),
            intro: t.s("tornado_intro"),
            chart: Some(charts::tornado(&bars, tornado.base[k], &t.s("net_axis"), lang).map_err(Error::Chart)?),
            head: ["parameter", "low", "high", "net_low", "net_high"].iter().map(|k| t.s(k)).collect(),
            rows,
        });
    }
    // Assumptions.
    let s = model.scenario();
    let rows = s
        .parameters
        .iter()
        .map(|(name, p)| Row {
            // The key too, so an analyst finds the line in the scenario file.
            label: match p.label_in(name, lang) {
                l if l == name => name.clone(),
                l => format!("{l} ({name})"),
            },
            cells: vec![
                p.describe(),
                p.unit.clone(),
                p.source.clone(),
                if p.assumption { t.s("yes") } else { String::new() },
            ],
            values: Vec::new(),
        })
        .collect();
    sections.push(Section {
        title: t.s("assumptions_title"),
        intro: t.s("assumptions_intro"),
        chart: None,
        head: ["parameter", "distribution", "unit", "source", "assumption"].iter().map(|k| t.s(k)).collect(),
        rows,
    });
    let method = vec![
        (t.s("iterations"), meta.iterations.to_string()),
        (t.s("seed"), meta.seed.to_string()),
        (
            t.s("discount"),
            format!(
                "{} / {} ({})",
                ontschot::format::percent(meta.discount_costs, 1, lang),
                ontschot::format::percent(meta.discount_effects, 1, lang),
                t.discount_timing(meta.discount_timing),
            ),
        ),
        (t.s("convention"), meta.cycle_convention.clone()),
        (t.s("price_year"), meta.price_year.map_or("—".into(), |y| y.to_string())),
        (t.s("start_year"), meta.start_year.map_or("—".into(), |y| y.to_string())),
        (t.s("population"), ontschot::format::whole(meta.population, lang)),
        (t.s("inflow"), ontschot::format::whole(meta.inflow, lang)),
        (t.s("mode"), t.s(if meta.mode == "individual" { "mode_individual" } else { "mode_cohort" })),
        (t.s("version"), format!("ontschot {}", env!("CARGO_PKG_VERSION"))),
        (t.s("command"), options.command.clone()),
    ];
    let mut env = minijinja::Environment::new();
    env.add_template("report", include_str!("report.html")).map_err(|e| Error::Template(e.to_string()))?;
    let template = env.get_template("report").map_err(|e| Error::Template(e.to_string()))?;
    let context = serde_json::json!({
        "lang": options.lang.code(),
        "title": format!("{}: {}", s.name, t.s("title")),
        "subtitle": t.subtitle(&summary.arm.label, &summary.comparator.label, meta.years, meta.population),
        "headlines": headlines,
        "total": total_sentence,
        "health": health_sentence,
        "events": events_sentence,
        "all_gain": t.all_gain(all_gain),
        "all_gain_value": all_gain,
        "sections": sections,
        "method_title": t.s("method_title"),
        "method": method,
        "description": s.description,
    });
    template.render(minijinja::value::Serde(&context)).map_err(|e| Error::Template(e.to_string()))
}

/// A party's name short enough to stand under one of many bars: without "Gemeente" and what is in
/// brackets, at most 14 characters (the table beside the chart has the full names).
fn short_name(label: &str) -> String {
    let name = label.strip_prefix("Gemeente ").unwrap_or(label);
    let name = name.split(" (").next().unwrap_or(name).trim();
    if name.chars().count() > 14 {
        format!("{}…", name.chars().take(13).collect::<String>())
    } else {
        name.to_owned()
    }
}
