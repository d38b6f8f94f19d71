use super::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A region: the scenario's population shared by several municipalities, insured by several
/// insurers with market shares per municipality. Every result is then also available per party
/// ("Gemeente Veendam", "Menzis"), and the parties always sum to the budgets.
///
/// ```toml
/// [region]
/// name = "Oost-Groningen"
/// [[region.insurers]]
/// name = "menzis"
/// [[region.insurers]]
/// name = "other"
/// [[region.municipalities]]
/// name = "veendam"
/// share = 0.4
/// insurers = { menzis = 0.6, other = "rest" }
/// [[region.municipalities]]
/// name = "pekela"
/// share = "rest"
/// insurers = { menzis = 0.5, other = "rest" }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Display name of the region.
    #[serde(default)]
    pub name: String,
    /// The municipalities; their shares of the population sum to 1.
    pub municipalities: Vec<Municipality>,
    /// The insurers of the region's people.
    pub insurers: Vec<RegionInsurer>,
    /// People switching insurer each year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switching: Option<Switching>,
    /// The share of an insurer's change in care costs that returns through risk equalisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equalisation: Option<Equalisation>,
    /// Who pays the intervention's own costs of a budget: one key per budget (default: by
    /// residence for the municipalities' budgets, by membership for the insurers').
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<CostKey>,
    /// The parties that join and pay by the keys (default: all). The others receive the savings
    /// on their residents or members without paying: free riders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joiners: Option<Vec<String>>,
    /// Where the region's figures come from.
    #[serde(default)]
    pub source: String,
}

/// A municipality of a region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    /// Key, e.g. `veendam`.
    pub name: String,
    /// Display name, e.g. "Gemeente Veendam".
    #[serde(default)]
    pub label: Option<String>,
    /// Share of the scenario's population living here: a number, a parameter, or `rest`.
    pub share: Value,
    /// Inhabitants (all ages), for a key per inhabitant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inhabitants: Option<f64>,
    /// Market shares of the insurers among the municipality's people: a row summing to 1.
    pub insurers: BTreeMap<String, Value>,
    /// Where the figures come from.
    #[serde(default)]
    pub source: String,
}

/// An insurer of a region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionInsurer {
    /// Key, e.g. `menzis`.
    pub name: String,
    /// Display name, e.g. "Menzis".
    #[serde(default)]
    pub label: Option<String>,
    /// Where the figures come from.
    #[serde(default)]
    pub source: String,
}

/// Yearly switching between insurers, on each 1 January: either a share `rate` of the people
/// choose an insurer anew, in proportion to their municipality's market shares, or a `matrix`
/// gives the yearly chance of moving from each insurer to each other. Either way the people
/// insured by an insurer at the start are spread over the market as the years pass; the
/// people entering later start with the same insurers as those at the start.
///
/// A rate or a matrix entry may name a parameter, so a subgroup (e.g. people 85+, who switch
/// less) gives it a value of its own.
///
/// ```toml
/// [region.switching]
/// matrix = { menzis = { menzis = 0.99, other = "rest" }, other = { menzis = 0.02, other = "rest" } }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switching {
    /// Share of people who choose anew each year, in [0, 1].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Value>,
    /// Per insurer, the yearly chances of being insured by each insurer a year later: rows over
    /// the insurers, summing to 1 (staying included).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub matrix: BTreeMap<String, BTreeMap<String, Value>>,
    /// Per municipality, the insurers of the scenario's people at the start where they differ
    /// from the market shares (e.g. a target group insured mostly by one insurer).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub start: BTreeMap<String, BTreeMap<String, Value>>,
    /// Where the rate comes from.
    #[serde(default)]
    pub source: String,
}

/// Risk equalisation: a share of an insurer's change in care costs returns to the national
/// equalisation fund ex post, so the insurer keeps the rest of its savings. The share may differ
/// by care category (ex-post settlement covered some categories more than others).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Equalisation {
    /// Share in [0, 1] of every category without a share of its own, and of the own
    /// contributions the insurers collect (default 0 without this table).
    pub share: Value,
    /// Shares of single care categories, in [0, 1].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub categories: BTreeMap<String, Value>,
    /// What the share rests on.
    #[serde(default)]
    pub source: String,
}

/// How the parties of a region pay the intervention's own costs of one budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostKey {
    /// The budget whose programme costs the key splits.
    pub budget: String,
    /// The key.
    pub by: KeyBy,
    /// Shares per party, for `by = "fixed"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares: Option<BTreeMap<String, f64>>,
}

/// A cost key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyBy {
    /// Municipalities by the share of the people living there.
    Residence,
    /// Municipalities by inhabitants (all ages).
    Inhabitants,
    /// Insurers by their members among the people in each year.
    Membership,
    /// Insurers by their regional market share.
    MarketShare,
    /// Fixed shares per party.
    Fixed,
}
