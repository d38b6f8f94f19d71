//! Text and CSV rendering of summaries.

use ontschot::{BudgetView, FlowSummary, Meta, Model, Summary};
use std::fmt::Write;

/// Euros with thousands separators and a sign, e.g. `-1,234,567`.
pub fn eur(x: f64) -> String {
    ontschot::format::whole(x, ontschot::format::Lang::En)
}

/// One decimal, without a minus sign on a value that rounds to zero.
fn one(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".to_owned() } else { s }
}

/// One row of the societal table; a party without risk of its own gets no chance of gaining.
fn row(out: &mut String, name: &str, f: &FlowSummary, bears_risk: bool) {
    let interval = format!("[{}, {}]", eur(f.net.p2_5), eur(f.net.p97_5));
    let be = f.break_even_year.filter(|_| bears_risk).map_or("-".to_owned(), |y| format!("year {y}"));
    let ret = f.return_per_euro.map_or("-".to_owned(), |r| format!("{r:.2}"));
    let chance = if bears_risk { format!("{:.0}%", f.probability_gain * 100.0) } else { "-".to_owned() };
    let _ = writeln!(
        out,
        "  {name:<30} {:>13} {:>13} {:>13}  {interval:<29} {chance:>7}  {be:>10}  {ret:>8}",
        eur(f.investment.mean),
        eur(f.savings.mean),
        eur(f.net.mean),
    );
}

/// Whether the payer of key `name` bears the risk of its budgets (unknown keys do).
fn bears_risk(meta: &ontschot::Meta, name: Option<&str>) -> bool {
    meta.payers.iter().find(|p| Some(p.name.as_str()) == name).is_none_or(|p| p.bears_risk)
}

/// The heading of `ontschot run`: the scenario and the run's settings.
pub fn header(model: &Model, meta: &Meta) -> String {
    let s = model.scenario();
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", meta.scenario, meta.origin);
    if !s.description.is_empty() {
        let _ = writeln!(out, "{}", s.description.trim());
    }
    let _ = writeln!(
        out,
        "{} people{}, {} years, {} iterations{}, seed {}; costs discounted at {:.1}%, effects at {:.1}% a year{}",
        eur(meta.population),
        if meta.inflow > 0.0 { format!(" + {} a year", eur(meta.inflow)) } else { String::new() },
        meta.years,
        eur(meta.iterations as f64),
        if meta.mode == "individual" { ", every person simulated" } else { "" },
        meta.seed,
        meta.discount_costs * 100.0,
        meta.discount_effects * 100.0,
        meta.price_year.map_or(String::new(), |y| format!("; societal view in euros of {y}")),
    );
    if let Some(y0) = meta.start_year {
        let _ =
            writeln!(out, "Cash per calendar year {y0}-{} in nominal euros of each year", y0 + meta.years as i32 - 1);
    }
    if meta.payers.iter().any(|p| !p.bears_risk) {
        let names: Vec<&str> = meta.payers.iter().filter(|p| !p.bears_risk).map(|p| p.label.as_str()).collect();
        let _ = writeln!(
            out,
            "{}: administered without financial risk (the Wlz by the care office for the fund); its figures are spending, not a gain of its own",
            names.join(", ")
        );
    }
    out
}

/// The budget view printed by `ontschot run`: per payer a row per calendar year, then the
/// cumulative, in nominal euros, after the arrangements in force.
pub fn render_budget(model: &Model, views: &[BudgetView], by_party: bool) -> String {
    let mut out = String::new();
    for v in views {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Budget view, {} against {}: each party's cash per {} year, nominal euros, not discounted{}; + means the party's cash position is better",
            v.arm.label,
            v.comparator.label,
            if v.calendar { "calendar" } else { "model" },
            if v.financed {
                format!(", after the arrangements in force ({})", arrangement_names(model))
            } else {
                String::new()
            },
        );
        let _ = writeln!(
            out,
            "  {:<30} {:>6} {:>13}  {:<29} {:>9}  {:>13}  {:<29} {:>9}",
            "",
            "year",
            "cash (mean)",
            "cash 95% interval",
            "P(better)",
            "cumulative",
            "cumulative 95% interval",
            "P(better)"
        );
        let rows = if by_party { &v.parties } else { &v.payers };
        let hidden: Vec<String> = rows.iter().filter(|p| p.untouched()).map(|p| p.label.clone()).collect();
        for p in rows.iter().filter(|p| !p.untouched()).chain(std::iter::once(&v.total)) {
            let p_risk = p.bears_risk;
            for (k, y) in p.years.iter().enumerate() {
                let name = match (k, p.name.as_str()) {
                    (0, "total") => "Total",
                    (0, _) => p.label.as_str(),
                    _ => "",
                };
                // A fund administered without risk is never "better off": its figures are spending.
                // Nor is a party whose cash does not change at all in the year.
                let unchanged = y.cash.p2_5 == 0.0 && y.cash.p97_5 == 0.0;
                let chance = |p: f64| if p_risk && !unchanged { format!("{:.0}%", p * 100.0) } else { "-".to_owned() };
                let _ = writeln!(
                    out,
                    "  {name:<30} {:>6} {:>13}  {:<29} {:>9}  {:>13}  {:<29} {:>9}",
                    y.year,
                    eur(y.cash.mean),
                    format!("[{}, {}]", eur(y.cash.p2_5), eur(y.cash.p97_5)),
                    chance(y.probability_better),
                    eur(y.cumulative.mean),
                    format!("[{}, {}]", eur(y.cumulative.p2_5), eur(y.cumulative.p97_5)),
                    chance(y.probability_better_cumulative),
                );
            }
        }
        untouched_note(&mut out, &hidden);
    }
    out
}

/// Names the parties a table leaves out because the intervention does not touch them.
fn untouched_note(out: &mut String, hidden: &[String]) {
    if !hidden.is_empty() {
        let _ = writeln!(out, "  not shown, no flows at all: {}", hidden.join(", "));
    }
}

/// The societal view printed by `ontschot run`: who pays and who benefits at reference prices,
/// discounted over the horizon.
pub fn render(model: &Model, meta: &Meta, summaries: &[Summary], base: &[Summary], by_party: bool) -> String {
    let mut out = String::new();
    for (sum, det) in summaries.iter().zip(base) {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Societal view, {} against {}: reference prices{}, discounted, over {} years; + means the party gains",
            sum.arm.label,
            sum.comparator.label,
            meta.price_year.map_or(String::new(), |y| format!(" of {y}")),
            meta.years
        );
        let _ = writeln!(
            out,
            "  {:<30} {:>13} {:>13} {:>13}  {:<29} {:>7}  {:>10}  {:>8}",
            "", "invests", "saves on care", "net (mean)", "net 95% interval", "P(gain)", "break-even", "return/€"
        );
        let _ = writeln!(out, "  per budget");
        let mut hidden: Vec<String> = Vec::new();
        for b in &sum.budgets {
            let payer = meta.payers.iter().find(|p| Some(&p.name) == b.payer.as_ref()).map_or("", |p| p.label.as_str());
            if b.untouched() {
                hidden.push(format!("{} ({payer})", b.label));
                continue;
            }
            row(&mut out, &format!("{} ({payer})", b.label), b, bears_risk(meta, b.payer.as_deref()));
        }
        if by_party {
            let _ = writeln!(out, "  per party");
            for (p, info) in sum.parties.iter().zip(&meta.parties).filter(|(p, _)| !p.untouched()) {
                row(&mut out, &p.label, p, info.bears_risk);
            }
        } else {
            let _ = writeln!(out, "  per payer");
            for p in sum.payers.iter().filter(|p| !p.untouched()) {
                row(&mut out, &p.label, p, bears_risk(meta, Some(&p.name)));
            }
        }
        row(&mut out, "Total", &sum.total, true);
        untouched_note(&mut out, &hidden);
        let h = &sum.health;
        let _ = write!(
            out,
            "  health: life-years gained {} [{}, {}]",
            one(h.life_years.mean),
            one(h.life_years.p2_5),
            one(h.life_years.p97_5)
        );
        if let (Some(q), Some(nmb), Some(p)) = (&h.qalys, &h.net_monetary_benefit, h.probability_cost_effective) {
            let icer = match h.icer {
                Some(_) if sum.total.net.mean > 0.0 && q.mean > 0.0 => {
                    "dominant (saves money and gains QALYs)".to_owned()
                }
                Some(_) if sum.total.net.mean < 0.0 && q.mean < 0.0 => "dominated (costs more, loses QALYs)".to_owned(),
                Some(i) => format!("{} per QALY", eur(i)),
                None => "-".to_owned(),
            };
            let _ = write!(
                out,
                "; QALYs gained {} [{}, {}]; cost per QALY: {icer}; net monetary benefit at {} per QALY: {} [{}, {}], P(cost-effective) {:.0}%",
                one(q.mean),
                one(q.p2_5),
                one(q.p97_5),
                eur(h.willingness_to_pay),
                eur(nmb.mean),
                eur(nmb.p2_5),
                eur(nmb.p97_5),
                p * 100.0
            );
        }
        let _ = writeln!(out);
        if !h.reference_values.is_empty() {
            let at: Vec<String> = h
                .reference_values
                .iter()
                .map(|r| {
                    format!(
                        "{} ({} burden) {}, P {:.0}%",
                        eur(r.willingness_to_pay),
                        r.burden.as_str(),
                        eur(r.net_monetary_benefit.mean),
                        r.probability_cost_effective * 100.0
                    )
                })
                .collect();
            let _ = writeln!(out, "  net monetary benefit at the Dutch reference values per QALY: {}", at.join("; "));
        }
        let det_line: Vec<String> =
            det.payers.iter().filter(|p| !p.untouched()).map(|p| format!("{} {}", p.label, eur(p.net.mean))).collect();
        let _ = writeln!(
            out,
            "  deterministic run at the means, net per payer: {}; total {}",
            det_line.join(", "),
            eur(det.total.net.mean)
        );
        if meta.financed {
            let _ = writeln!(out);
            let _ = writeln!(out, "  after the financing arrangements in force ({}):", arrangement_names(model));
            let rows = if by_party { &sum.parties } else { &sum.payers };
            out.push_str(&after_table(meta, rows, &sum.total));
        }
    }
    out
}

/// Both views as one tidy CSV: per arm and party, the societal view over the horizon (`year`
/// empty), and the budget view per year (`net_*` the change in cash, `probability_gain` that the
/// cash position is better, `cumulative_*` from the first year on). A region adds a row per
/// municipality and insurer (level `party`).
pub fn csv(summaries: &[Summary], views: &[BudgetView], region: bool) -> String {
    let mut out = String::from(
        "view,arm,level,name,label,year,investment_mean,savings_mean,net_mean,net_sd,net_p2_5,net_p50,net_p97_5,probability_gain,break_even_year,return_per_euro,cumulative_mean,cumulative_p2_5,cumulative_p97_5,probability_gain_cumulative\n",
    );
    for v in views {
        let parties: &[ontschot::PartyYears] = if region { &v.parties } else { &[] };
        let rows = v
            .budgets
            .iter()
            .map(|p| ("budget", p))
            .chain(v.payers.iter().map(|p| ("payer", p)))
            .chain(parties.iter().map(|p| ("party", p)))
            .chain(std::iter::once(("total", &v.total)));
        for (level, p) in rows {
            for y in &p.years {
                let _ = writeln!(
                    out,
                    "budget,{},{level},{},\"{}\",{},,,{},{},{},{},{},{},,,{},{},{},{}",
                    v.arm.name,
                    p.name,
                    p.label.replace('"', "\"\""),
                    y.year,
                    y.cash.mean,
                    y.cash.sd,
                    y.cash.p2_5,
                    y.cash.p50,
                    y.cash.p97_5,
                    y.probability_better,
                    y.cumulative.mean,
                    y.cumulative.p2_5,
                    y.cumulative.p97_5,
                    y.probability_better_cumulative,
                );
            }
        }
    }
    for s in summaries {
        let parties: &[FlowSummary] = if region { &s.parties } else { &[] };
        let rows = s
            .budgets
            .iter()
            .map(|f| ("budget", f))
            .chain(s.payers.iter().map(|f| ("payer", f)))
            .chain(parties.iter().map(|f| ("party", f)))
            .chain(std::iter::once(("total", &s.total)));
        for (level, f) in rows {
            let _ = writeln!(
                out,
                "societal,{},{level},{},\"{}\",,{},{},{},{},{},{},{},{},{},{},,,,",
                s.arm.name,
                f.name,
                f.label.replace('"', "\"\""),
                f.investment.mean,
                f.savings.mean,
                f.net.mean,
                f.net.sd,
                f.net.p2_5,
                f.net.p50,
                f.net.p97_5,
                f.probability_gain,
                f.break_even_year.map_or(String::new(), |y| y.to_string()),
                f.return_per_euro.map_or(String::new(), |r| r.to_string()),
            );
        }
    }
    out
}

/// Names of the arrangements in force, for headings.
pub fn arrangement_names(model: &Model) -> String {
    let names: Vec<String> = model
        .scenario()
        .arrangements
        .iter()
        .map(|a| {
            let (name, kind) = match a {
                ontschot::ArrangementSpec::SharedSavings { name, .. } => (name, "shared savings"),
                ontschot::ArrangementSpec::FixedContribution { name, .. } => (name, "fixed contribution"),
                ontschot::ArrangementSpec::PooledBudget { name, .. } => (name, "pooled budget"),
                ontschot::ArrangementSpec::OutcomePayment { name, .. } => (name, "outcome payment"),
                ontschot::ArrangementSpec::SocialImpactBond { name, .. } => (name, "social impact bond"),
            };
            if name.is_empty() { kind.to_owned() } else { name.clone() }
        })
        .collect();
    names.join("; ")
}

/// Per payer: transfers received, net after, its interval and probability of gain.
pub fn after_table(meta: &ontschot::Meta, payers: &[FlowSummary], total: &FlowSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "  {:<30} {:>13} {:>13}  {:<29} {:>7}",
        "", "receives", "net after", "net after 95% interval", "P(gain)"
    );
    for f in payers.iter().filter(|f| !f.untouched()).chain(std::iter::once(total)) {
        let interval = format!("[{}, {}]", eur(f.net_after.p2_5), eur(f.net_after.p97_5));
        let chance = if bears_risk(meta, Some(&f.name)) {
            format!("{:.0}%", f.probability_gain_after * 100.0)
        } else {
            "-".to_owned()
        };
        let _ = writeln!(
            out,
            "  {:<30} {:>13} {:>13}  {interval:<29} {chance:>7}",
            f.label,
            eur(f.transfers.mean),
            eur(f.net_after.mean),
        );
    }
    out
}

/// The deal printed by `ontschot deal`.
pub fn deal(arm: &str, d: &ontschot::finance::Deal) -> String {
    let mut out = String::new();
    let view = match d.view {
        ontschot::View::Budget => "cash over the horizon, nominal",
        ontschot::View::Societal => "societal view, discounted",
    };
    let _ = writeln!(
        out,
        "{arm}: a pooled budget pays the intervention ({} expected, {view}); the parties pay into it by shares",
        eur(d.costs)
    );
    let _ = writeln!(out, "  {}", d.message);
    let _ = writeln!(out, "  {:<30} {:>8} {:>13} {:>13} {:>8}", "", "share", "largest share", "net (mean)", "P(gain)");
    for p in &d.parties {
        let bound = if p.bound >= 1e6 { "any".to_owned() } else { format!("{:.1}%", p.bound * 100.0) };
        let _ = writeln!(
            out,
            "  {:<30} {:>7.1}% {:>13} {:>13} {:>7.0}%",
            p.label,
            p.share * 100.0,
            bound,
            eur(p.net),
            p.probability_gain * 100.0
        );
    }
    out
}

/// The free-rider table printed by `ontschot free-riders`.
pub fn free_riders(arm: &str, rows: &[ontschot::finance::FreeRider]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{arm}: each party when every party joins and pays by the keys, and when it alone stays out; societal view (discounted) and budget view (cash over the horizon, nominal), before arrangements"
    );
    let _ = writeln!(
        out,
        "  {:<30} {:>13} {:>8} {:>13} {:>8}  {:>13} {:>13} {:>13}",
        "", "net joining", "P(gain)", "net staying", "P(gain)", "cash joining", "cash staying", "to stay out"
    );
    for r in rows {
        let _ = writeln!(
            out,
            "  {:<30} {:>13} {:>7.0}% {:>13} {:>7.0}%  {:>13} {:>13} {:>13}",
            r.label,
            eur(r.net_joining),
            r.probability_gain_joining * 100.0,
            eur(r.net_free_riding),
            r.probability_gain_free_riding * 100.0,
            eur(r.cash_joining),
            eur(r.cash_free_riding),
            eur(r.incentive_to_stay_out),
        );
    }
    out
}

/// The comparison printed by `ontschot compare`: per option and payer, the expected net after the
/// arrangements, its 95% interval and the probability of gaining.
pub fn comparison(meta: &ontschot::Meta, rows: &[(String, ontschot::Summary)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  {:<30} {:>13}  {:<29} {:>7}", "option and payer", "net (mean)", "95% interval", "P(gain)");
    for (label, s) in rows {
        let _ = writeln!(out, "  {label}");
        for f in s.payers.iter().filter(|f| !f.untouched()).chain(std::iter::once(&s.total)) {
            let interval = format!("[{}, {}]", eur(f.net_after.p2_5), eur(f.net_after.p97_5));
            let chance = if bears_risk(meta, Some(&f.name)) {
                format!("{:.0}%", f.probability_gain_after * 100.0)
            } else {
                "-".to_owned()
            };
            let _ = writeln!(out, "    {:<26} {:>13}  {interval:<29} {chance:>7}", f.label, eur(f.net_after.mean));
        }
    }
    out
}

/// The people entering each state over the horizon per arm, and what each intervention avoids
/// (`ontschot run --trace`); states nobody enters are left out.
pub fn events(t: &ontschot::TraceSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nPeople entering each state over the horizon (mean [95% interval])");
    let mut head = format!("  {:<24}", "state");
    for a in &t.arms {
        let _ = write!(head, " {:>14}", a.arm.label);
    }
    for a in t.arms.iter().skip(1) {
        let _ = write!(head, "  {:>32}", format!("avoided by {}", a.arm.label));
    }
    let _ = writeln!(out, "{head}");
    for (k, state) in t.states.iter().enumerate() {
        if t.arms.iter().all(|a| a.total_events[k].mean == 0.0 && a.total_events[k].p97_5 == 0.0) {
            continue;
        }
        let mut line = format!("  {:<24}", state.label);
        for a in &t.arms {
            let _ = write!(line, " {:>14}", one(a.total_events[k].mean));
        }
        for a in t.arms.iter().skip(1) {
            let s = &a.avoided[k];
            let _ = write!(line, "  {:>32}", format!("{} [{}, {}]", one(s.mean), one(s.p2_5), one(s.p97_5)));
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

/// Each arm's own costs and effects, and the frontiers (`ontschot run --strategies`).
pub fn strategies(s: &ontschot::Strategies) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\nEach arm's own totals (society, discounted, mean)");
    let _ = writeln!(out, "  {:<30} {:>15} {:>11} {:>11}", "arm", "costs", "life-years", "QALYs");
    for a in &s.arms {
        let q = a.qalys.as_ref().map_or("-".to_owned(), |q| format!("{:.3}", q.mean));
        let _ = writeln!(out, "  {:<30} {:>15} {:>11.3} {:>11}", a.arm.label, eur(a.cost.mean), a.life_years.mean, q);
    }
    for f in &s.frontiers {
        let perspective =
            s.payers.iter().find(|p| p.name == f.perspective).map_or(f.perspective.as_str(), |p| p.label_in("en"));
        let label =
            |key: &str| s.arms.iter().find(|a| a.arm.name == key).map_or(key.to_owned(), |a| a.arm.label.clone());
        let _ = writeln!(out, "\nEfficient frontier: costs of {perspective}, effect {}", f.effect.replace('_', "-"));
        for p in &f.points {
            let standing = match &p.dominance {
                ontschot::Dominance::Efficient => "efficient".to_owned(),
                ontschot::Dominance::Dominated { by } => format!("dominated by {}", label(by)),
                ontschot::Dominance::ExtendedlyDominated { between } => {
                    format!("extendedly dominated ({} - {})", label(&between[0]), label(&between[1]))
                }
            };
            let icer = match (&p.icer, &p.compared_with) {
                (Some(i), Some(c)) => format!("ICER {} against {}", eur(*i), label(c)),
                _ => String::new(),
            };
            let _ =
                writeln!(out, "  {:<30} {:>15} {:>11.3}  {:<40} {icer}", p.arm.label, eur(p.cost), p.effect, standing);
        }
    }
    out
}
