//! Financing arrangements as written in a scenario, checked and resolved to budget indices.
//! Applying them to the results of a run is the work of [`crate::finance`].

use super::{Alternative, Arrangement, BudgetInfo, Financing, Label, Party, PayerInfo, Years};
use crate::error::Problem;
use crate::scenario::ArrangementSpec;

/// Resolves arrangement specs against the model's budgets, payers and categories.
pub(crate) struct Names<'a> {
    pub budgets: &'a [BudgetInfo],
    pub payers: &'a [PayerInfo],
    pub categories: &'a [Label],
    /// A region's parties (empty without a region).
    pub parties: &'a [super::PartyInfo],
}

impl Names<'_> {
    fn party(&self, path: &str, name: &str, problems: &mut Vec<Problem>) -> Option<Party> {
        let of_payer =
            |p: usize| -> Vec<usize> { (0..self.budgets.len()).filter(|&b| self.budgets[b].payer == p).collect() };
        if let Some(b) = self.budgets.iter().position(|b| b.name == name) {
            return Some(Party { budgets: vec![b], book: b, region: None });
        }
        if let Some(p) = self.payers.iter().position(|p| p.name == name) {
            let budgets = of_payer(p);
            if let Some(&book) = budgets.first() {
                return Some(Party { budgets, book, region: None });
            }
        }
        let regional = |k: &super::PartyKind| matches!(k, super::PartyKind::Municipality | super::PartyKind::Insurer);
        if let Some(q) = self.parties.iter().position(|q| q.name == name && regional(&q.kind)) {
            let payer = self.payers.iter().position(|p| p.name == self.parties[q].payer);
            let budgets = payer.map(of_payer).unwrap_or_default();
            if let Some(&book) = budgets.first() {
                return Some(Party { budgets, book, region: Some(q) });
            }
        }
        let known: Vec<&str> = self
            .budgets
            .iter()
            .map(|b| b.name.as_str())
            .chain(self.payers.iter().map(|p| p.name.as_str()))
            .chain(self.parties.iter().filter(|q| regional(&q.kind)).map(|q| q.name.as_str()))
            .collect();
        problems.push(Problem::new(
            path,
            format!(
                "'{name}' is not a {} of this scenario (known: {})",
                if self.parties.is_empty() { "budget or payer" } else { "budget, payer, municipality or insurer" },
                known.join(", ")
            ),
        ));
        None
    }

    fn category(&self, path: &str, name: &str, problems: &mut Vec<Problem>) -> Option<usize> {
        let found = self.categories.iter().position(|c| c.name == name);
        if found.is_none() {
            let known: Vec<&str> = self.categories.iter().map(|c| c.name.as_str()).collect();
            problems.push(Problem::new(path, format!("unknown category '{name}' (known: {})", known.join(", "))));
        }
        found
    }
}

fn number(path: String, x: f64, min: f64, max: f64, problems: &mut Vec<Problem>) -> f64 {
    if !x.is_finite() {
        problems.push(Problem::new(path, format!("must be a finite number, got {x}")));
    } else if x < min || x > max {
        let range = if max.is_infinite() { format!(">= {min}") } else { format!("in [{min}, {max}]") };
        problems.push(Problem::new(path, format!("must be {range}, got {x}")));
    }
    x
}

/// The price, unit size and category of an outcome-based arrangement.
fn outcome_terms(
    p: &str,
    price: f64,
    outcome: &crate::scenario::Outcome,
    names: &Names<'_>,
    problems: &mut Vec<Problem>,
) -> (f64, f64, Option<usize>) {
    let price = number(format!("{p}.price"), price, 0.0, f64::INFINITY, problems);
    let unit_size =
        number(format!("{p}.outcome.unit_size"), outcome.unit_size, f64::MIN_POSITIVE, f64::INFINITY, problems);
    (price, unit_size, names.category(&format!("{p}.outcome.avoided"), &outcome.avoided, problems))
}

/// Checks and compiles a list of arrangements; problems carry paths under `prefix`.
pub(crate) fn compile(
    prefix: &str,
    specs: &[ArrangementSpec],
    names: &Names<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<Arrangement> {
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let p = format!("{prefix}[{i}]");
        let before = problems.len();
        let a = match spec {
            ArrangementSpec::SharedSavings { from, to, share, cap, floor, shared_losses, settle, .. } => {
                let share = number(format!("{p}.share"), *share, 0.0, 1.0, problems);
                let cap = cap.map_or(f64::INFINITY, |c| number(format!("{p}.cap"), c, 0.0, f64::INFINITY, problems));
                let floor = floor.map_or(f64::NEG_INFINITY, |f| {
                    number(format!("{p}.floor"), f, f64::NEG_INFINITY, f64::INFINITY, problems)
                });
                if floor > cap {
                    problems
                        .push(Problem::new(format!("{p}.floor"), format!("must not exceed cap ({cap}), got {floor}")));
                }
                let (from, to) =
                    (names.party(&format!("{p}.from"), from, problems), names.party(&format!("{p}.to"), to, problems));
                from.zip(to).map(|(from, to)| Arrangement::SharedSavings {
                    from,
                    to,
                    share,
                    cap,
                    floor,
                    losses: *shared_losses,
                    settle: *settle,
                })
            }
            ArrangementSpec::FixedContribution { from, to, amount, per, .. } => {
                let amount = number(format!("{p}.amount"), *amount, 0.0, f64::INFINITY, problems);
                let (from, to) =
                    (names.party(&format!("{p}.from"), from, problems), names.party(&format!("{p}.to"), to, problems));
                from.zip(to).map(|(from, to)| Arrangement::FixedContribution { from, to, amount, per: *per })
            }
            ArrangementSpec::PooledBudget { key, parties, .. } => {
                if key.is_some() && parties.is_some() {
                    problems.push(Problem::new(format!("{p}.parties"), "give a key or parties, not both"));
                }
                let parties: Vec<Party> = match parties {
                    Some(list) => list
                        .iter()
                        .enumerate()
                        .filter_map(|(k, name)| names.party(&format!("{p}.parties[{k}]"), name, problems))
                        .collect(),
                    None => names
                        .payers
                        .iter()
                        .filter(|payer| payer.name != "client")
                        .filter_map(|payer| names.party(&p, &payer.name, &mut Vec::new()))
                        .collect(),
                };
                if parties.is_empty() {
                    problems.push(Problem::new(format!("{p}.parties"), "no party to pay into the pool"));
                }
                let key = key.as_ref().map(|key| {
                    let total: f64 = key.values().sum();
                    if (total - 1.0).abs() > 1e-9 {
                        problems.push(Problem::new(
                            format!("{p}.key"),
                            format!("the shares must sum to 1, they sum to {total}"),
                        ));
                    }
                    key.iter()
                        .filter_map(|(name, share)| {
                            let share = number(format!("{p}.key.{name}"), *share, 0.0, 1.0, problems);
                            names.party(&format!("{p}.key.{name}"), name, problems).map(|party| (party, share))
                        })
                        .collect()
                });
                Some(Arrangement::PooledBudget { key, parties })
            }
            ArrangementSpec::OutcomePayment { from, to, price, outcome, cap, .. } => {
                let (price, unit_size, category) = outcome_terms(&p, *price, outcome, names, problems);
                let cap = cap.map_or(f64::INFINITY, |c| number(format!("{p}.cap"), c, 0.0, f64::INFINITY, problems));
                let (from, to) =
                    (names.party(&format!("{p}.from"), from, problems), names.party(&format!("{p}.to"), to, problems));
                match (from, to, category) {
                    (Some(from), Some(to), Some(category)) => {
                        Some(Arrangement::OutcomePayment { from, to, price, category, unit_size, cap })
                    }
                    _ => None,
                }
            }
            ArrangementSpec::SocialImpactBond { investor, payer, price, outcome, max_return, .. } => {
                let (price, unit_size, category) = outcome_terms(&p, *price, outcome, names, problems);
                let max_return = number(format!("{p}.max_return"), *max_return, 0.0, f64::INFINITY, problems);
                let (investor, payer) = (
                    names.party(&format!("{p}.investor"), investor, problems),
                    names.party(&format!("{p}.payer"), payer, problems),
                );
                match (investor, payer, category) {
                    (Some(investor), Some(payer), Some(category)) => {
                        Some(Arrangement::SocialImpactBond { investor, payer, price, category, unit_size, max_return })
                    }
                    _ => None,
                }
            }
        };
        if let (Some(a), true) = (a, problems.len() == before) {
            out.push(a);
        }
    }
    out
}

/// A Dutch instrument against the wrong-pocket problem.
pub(crate) struct Instrument {
    pub key: &'static str,
    pub name: &'static str,
    /// The years it exists (`None`: open).
    pub years: Years,
    pub basis: &'static str,
}

/// The instruments an alternative may name.
pub(crate) const INSTRUMENTS: [Instrument; 5] = [
    Instrument {
        key: "nza_innovation",
        name: "NZa-beleidsregel innovatie voor kleinschalige experimenten",
        years: (None, None),
        basis: "Beleidsregel Innovatie voor kleinschalige experimenten (NZa): a temporary Zvw or Wlz service and tariff, at most 5 years, not for Wmo or welfare work",
    },
    Instrument {
        key: "wlz_prevention",
        name: "Bijdrage zorgkantoor aan preventieve maatregelen",
        years: (Some(2026), None),
        basis: "Wet 36 486 and the decree of 4 February 2026 (Stb. 2026, 24), Besluit langdurige zorg art. 7.1.2: a contribution backed by a project plan with substantiated expected Wlz savings, not a transfer of savings",
    },
    Instrument {
        key: "iza_transformation",
        name: "IZA-transformatiemiddelen",
        years: (Some(2023), Some(2025)),
        basis: "Integraal Zorgakkoord (2022): transformation funds through the insurers, or a specific grant to municipalities; no new plans after 1 July 2025, exhausted in September 2025",
    },
    Instrument {
        key: "gala_spuk",
        name: "GALA specifieke uitkering",
        years: (Some(2023), Some(2026)),
        basis: "Regeling brede SPUK (Stcrt. 2023, 4245), on the Kaderwet VWS-subsidies: a municipal grant with milestones",
    },
    Instrument {
        key: "grant",
        name: "Subsidie met einddatum",
        years: (None, None),
        basis: "a grant for the years given",
    },
];

/// Checks the scenario's arrangements and alternatives.
pub(crate) fn compile_all(s: &crate::scenario::Scenario, names: &Names<'_>, problems: &mut Vec<Problem>) -> Financing {
    let in_force = compile("arrangements", &s.arrangements, names, problems);
    let mut seen = std::collections::HashSet::new();
    let first = s.start_year.or(s.price_year);
    let alternatives = s
        .alternatives
        .iter()
        .enumerate()
        .map(|(i, alt)| {
            if !seen.insert(alt.name.as_str()) || alt.name == "none" || alt.name == "in_force" {
                problems.push(Problem::new(
                    format!("alternatives[{i}].name"),
                    format!("'{}' is used twice or reserved (none, in_force)", alt.name),
                ));
            }
            let label = Label { name: alt.name.clone(), label: alt.label.clone().unwrap_or_else(|| alt.name.clone()) };
            let arrangements = compile(&format!("alternatives[{i}].arrangements"), &alt.arrangements, names, problems);
            let instrument = alt.instrument.as_ref().and_then(|key| {
                let found = INSTRUMENTS.iter().find(|x| x.key == key);
                if found.is_none() {
                    let known: Vec<&str> = INSTRUMENTS.iter().map(|x| x.key).collect();
                    problems.push(Problem::new(
                        format!("alternatives[{i}].instrument"),
                        format!("unknown instrument '{key}' (known: {})", known.join(", ")),
                    ));
                }
                found
            });
            if alt.instrument.as_deref() == Some("grant") && alt.years.is_none() {
                problems.push(Problem::new(
                    format!("alternatives[{i}].years"),
                    "a grant needs the years it pays, [first, last]",
                ));
            }
            let years = match alt.years {
                Some([a, b]) => {
                    if a > b {
                        problems.push(Problem::new(
                            format!("alternatives[{i}].years"),
                            format!("must be [first, last] with first <= last, got [{a}, {b}]"),
                        ));
                    }
                    (Some(a), Some(b))
                }
                None => instrument.map_or((None, None), |x| x.years),
            };
            if years != (None, None) && first.is_none() {
                problems.push(Problem::new(
                    format!("alternatives[{i}].years"),
                    "years need the scenario's start_year (or price_year)",
                ));
            }
            // The instrument exists in some year of the horizon.
            let available = match (first, instrument) {
                (Some(y0), Some(x)) => {
                    let last = y0 + s.horizon_years.saturating_sub(1);
                    x.years.0.is_none_or(|a| a <= last) && x.years.1.is_none_or(|b| b >= y0)
                }
                _ => true,
            };
            Alternative {
                label,
                arrangements,
                instrument: instrument.map(|x| (x.key.to_owned(), x.name.to_owned(), x.basis.to_owned())),
                years,
                hypothetical: alt.hypothetical,
                available,
            }
        })
        .collect();
    Financing { in_force, alternatives }
}
