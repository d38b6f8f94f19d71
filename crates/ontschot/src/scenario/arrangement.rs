use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A financing agreement applied on top of the simulated flows, per iteration and year. Every
/// arrangement only moves money between budgets: its transfers sum to zero.
///
/// `from`, `to`, `investor` and `payer` name a budget (`zvw`) or a payer (`insurer`); a payer's
/// savings are those of all its budgets, and its transfers are booked on its first budget. In a
/// region they may also name one municipality or insurer (`veendam`, `menzis`): its own savings,
/// and transfers that are its own, booked on its payer's first budget.
///
/// ```
/// let a: ontschot::ArrangementSpec = toml::from_str(r#"
/// type = "shared_savings"
/// from = "wlz"
/// to = "insurer"
/// share = 0.5
/// "#).unwrap();
/// assert!(matches!(a, ontschot::ArrangementSpec::SharedSavings { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ArrangementSpec {
    /// `from` passes `share` of its realised net savings to `to`.
    SharedSavings {
        /// Display name.
        #[serde(default)]
        name: String,
        /// The party whose savings are shared.
        from: String,
        /// The party that receives them.
        to: String,
        /// Share of the savings passed on, in [0, 1].
        share: f64,
        /// Largest transfer per settlement, in euros.
        #[serde(default)]
        cap: Option<f64>,
        /// Smallest transfer per settlement, in euros: negative, how much `to` pays back at most
        /// when losses are shared; positive, a minimum payment even without savings. `cap`
        /// prevails when the two conflict.
        #[serde(default)]
        floor: Option<f64>,
        /// Share losses too: when `from` loses money, `to` pays it `share` of the loss.
        #[serde(default)]
        shared_losses: bool,
        /// Settle every year (default) or once over the horizon, booked in the last year.
        #[serde(default)]
        settle: Settle,
    },
    /// `from` pays `to` a fixed amount per year, per participant-year or per person starting.
    FixedContribution {
        /// Display name.
        #[serde(default)]
        name: String,
        /// The party that pays.
        from: String,
        /// The party that receives.
        to: String,
        /// Euros per unit of `per`.
        amount: f64,
        /// What the amount is counted per.
        #[serde(default)]
        per: Per,
    },
    /// A joint fund pays the intervention's own costs; parties pay into it by a fixed `key`, or in
    /// proportion to their expected (mean, discounted) care savings when `key` is not given.
    PooledBudget {
        /// Display name.
        #[serde(default)]
        name: String,
        /// Contribution shares per party, summing to 1.
        #[serde(default)]
        key: Option<BTreeMap<String, f64>>,
        /// Without a key: the parties that pay in by expected savings (default: every payer but
        /// the client).
        #[serde(default)]
        parties: Option<Vec<String>>,
    },
    /// `from` pays `to` a price per unit of outcome achieved: care use avoided in one category,
    /// counted in units of `unit_size` (e.g. an admission of 7 hospital days).
    OutcomePayment {
        /// Display name.
        #[serde(default)]
        name: String,
        /// The party that pays for outcomes.
        from: String,
        /// The party that is paid.
        to: String,
        /// Euros per outcome.
        price: f64,
        /// What counts as an outcome.
        outcome: Outcome,
        /// Largest payment per year, in euros.
        #[serde(default)]
        cap: Option<f64>,
    },
    /// A social impact bond: `investor` pre-finances the intervention's own costs and `payer` repays
    /// it per outcome, up to the outstanding balance grown at `max_return` a year (repaid money
    /// stops earning, so the investor's return is at most `max_return`).
    SocialImpactBond {
        /// Display name.
        #[serde(default)]
        name: String,
        /// The investor's budget (define it under `[budgets]`).
        investor: String,
        /// The party that pays for outcomes.
        payer: String,
        /// Euros per outcome.
        price: f64,
        /// What counts as an outcome.
        outcome: Outcome,
        /// Largest yearly return on the invested euros, e.g. 0.08.
        max_return: f64,
    },
}

/// When shared savings are settled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Settle {
    /// Every year, on that year's savings.
    #[default]
    Yearly,
    /// Once, on the savings over the whole horizon, booked in the last year.
    End,
}

/// What a fixed contribution is counted per.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    /// A fixed amount every year.
    #[default]
    Year,
    /// Per participant-year alive.
    ParticipantYear,
    /// Per person starting the intervention.
    Enrolment,
}

/// An outcome: care use avoided in one category against usual care.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// The care category whose avoided use counts.
    pub avoided: String,
    /// Units of use per outcome (e.g. 7 hospital days per admission, 30.4 nursing-home days per
    /// month); default 1.
    #[serde(default = "one")]
    pub unit_size: f64,
}

fn one() -> f64 {
    1.0
}

/// A named set of arrangements to compare with the one in force.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alternative {
    /// Key.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// The arrangements, applied in order (none: every budget keeps its own flows).
    #[serde(default, deserialize_with = "arrangements")]
    pub arrangements: Vec<ArrangementSpec>,
    /// The Dutch instrument the option rests on, with its legal basis and the years it exists:
    /// `nza_innovation`, `wlz_prevention`, `iza_transformation`, `gala_spuk` or `grant` (give
    /// `years`). Comparisons and the solver offer an option only in the years its instrument
    /// exists, unless it is marked `hypothetical`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The calendar years `[first, last]` in which the option's payments are made (default: the
    /// instrument's years); outside them every party keeps its own flows (the cliff at the end
    /// of a grant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<[u32; 2]>,
    /// The option does not exist in law in the scenario's years (or at all): it is compared
    /// anyway, and marked as hypothetical wherever it is shown.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hypothetical: bool,
}

/// Reads a list of arrangements so that an error names the field it is about.
///
/// An arrangement is a table tagged by `type`; serde reads such a table whole before it knows
/// the variant, and then reports a bad `share` or `from` at the table. Each table is read here as
/// plain values first, and a failure is traced to the one field that causes it.
pub(crate) fn arrangements<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ArrangementSpec>, D::Error> {
    struct List;
    impl<'de> Visitor<'de> for List {
        type Value = Vec<ArrangementSpec>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of arrangements")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(a) = seq.next_element_seed(One)? {
                out.push(a);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(List)
}

/// One arrangement, read through its plain values.
struct One;

impl<'de> DeserializeSeed<'de> for One {
    type Value = ArrangementSpec;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ArrangementSpec, D::Error> {
        let table = d.deserialize_map(Fields)?;
        ArrangementSpec::deserialize(toml::Value::Table(table.clone())).map_err(|e| {
            let message = e.message().trim_end().to_owned();
            // These already name their field or the type.
            let named = ["unknown field", "missing field", "unknown variant"].iter().any(|p| message.starts_with(p));
            de::Error::custom(match culprit(&table) {
                Some(field) if !named => format!("{field}: {message}"),
                _ => message,
            })
        })
    }
}

/// The fields of one arrangement as plain values; a null (JSON) is a field left out.
struct Fields;

impl<'de> Visitor<'de> for Fields {
    type Value = toml::Table;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an arrangement: a table with a `type` and its terms")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<toml::Table, A::Error> {
        let mut table = toml::Table::new();
        while let Some(key) = map.next_key::<String>()? {
            if let Some(v) = map.next_value::<Option<toml::Value>>()? {
                table.insert(key, v);
            }
        }
        Ok(table)
    }
}

/// The field whose value alone fails: with the `type` and that field only, any other failure
/// than a missing field is that field's.
fn culprit(table: &toml::Table) -> Option<&str> {
    let kind = table.get("type")?;
    table.iter().filter(|(k, _)| k.as_str() != "type").find_map(|(k, v)| {
        let alone = toml::Table::from_iter([("type".to_owned(), kind.clone()), (k.clone(), v.clone())]);
        match ArrangementSpec::deserialize(toml::Value::Table(alone)) {
            Err(e) if !e.message().starts_with("missing field") => Some(k.as_str()),
            _ => None,
        }
    })
}
