//! Scenario types as users write them, in TOML or JSON, and loading them.
//!
//! These are plain serde structs: every table rejects unknown keys, so a typo is an error rather
//! than a silently ignored input. Validation and compilation into a fast [`Model`](crate::Model)
//! happen in [`Model::new`](crate::Model::new). The file format is documented field by field in
//! `docs/scenario-format.md`.

mod arrangement;
mod region;
mod value;

pub use arrangement::{Alternative, ArrangementSpec, Outcome, Per, Settle};
pub use region::{CostKey, Equalisation, KeyBy, Municipality, Region, RegionInsurer, Switching};
pub use value::Value;

use crate::error::{Error, Result};
use crate::format::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A complete business-case scenario: population, states, care categories, arms, horizon,
/// discounting and simulation settings.
///
/// ```
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/samenoud.toml")).unwrap();
/// let scenario = ontschot::Scenario::from_toml_str(&text).unwrap();
/// assert_eq!(scenario.arms[0].name, "usual_care");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name shown in reports.
    pub name: String,
    /// What the scenario models, in a sentence or two.
    #[serde(default)]
    pub description: String,
    /// Length of the time horizon in years (a whole number, at least 1).
    pub horizon_years: u32,
    /// Length of one model cycle in years: 1, or a fraction 1/k (0.5, 0.25, 1/12).
    #[serde(default = "default_cycle_years")]
    pub cycle_years: f64,
    /// How occupancy within a cycle is counted; see [`CycleConvention`].
    #[serde(default)]
    pub cycle_convention: CycleConvention,
    /// With `cycle_convention = "weights"`: per cycle, the weights `[start, end]` of the trace
    /// points at its start and its end (as many pairs as cycles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle_weights: Option<Vec<[f64; 2]>>,
    /// The price year of the reference prices and amounts (the societal view's euros).
    #[serde(default)]
    pub price_year: Option<u32>,
    /// The calendar year of the first model year, for the budget view (default: the price year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_year: Option<u32>,
    /// Discount rates per year.
    #[serde(default)]
    pub discount: Discount,
    /// Who is in the cohort.
    pub population: Population,
    /// Monte Carlo settings (overridable from the CLI and the API).
    #[serde(default)]
    pub simulation: SimulationSettings,
    /// Settings for the health-economic summaries.
    #[serde(default)]
    pub analysis: AnalysisSettings,
    /// Payers beyond the four defaults (insurer, municipality, care_office, client), or new labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub payers: BTreeMap<String, PayerSpec>,
    /// Budgets beyond the five defaults (zvw, wmo, wlz, jeugdwet, eigen_bijdrage), or new labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub budgets: BTreeMap<String, BudgetSpec>,
    /// Named uncertain inputs.
    #[serde(default)]
    pub parameters: BTreeMap<String, ParameterSpec>,
    /// Named price paths for the budget view: yearly rates such as consumer prices, the NZa
    /// indexation of Zvw tariffs or a wage agreement, named by categories, costs and budgets.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub indexation: BTreeMap<String, IndexSpec>,
    /// Own contributions as the law sets them, for the budget view: a flat fee per user and
    /// month (Wmo), a yearly deductible per person (Zvw), a contribution per unit net of the
    /// living costs a client no longer pays at home (Wlz).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_contributions: Vec<OwnContribution>,
    /// Cycle- or age-dependent values (e.g. mortality by age band).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, TableSpec>,
    /// Values defined by an expression over parameters, tables, other derived values and the
    /// variables `cycle`, `year`, `time`, `age` and `cycle_years`, e.g.
    /// `p_progress_b = "1 - exp(-r_progress * hr_b * cycle_years)"`. A value that reads only
    /// parameters is computed once per iteration, one that reads the time once per cycle. See
    /// docs/scenario-format.md, "Expressions and derived values".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub derived: BTreeMap<String, String>,
    /// Health or risk states, in order; exactly the states the transition matrix uses.
    pub states: Vec<StateSpec>,
    /// Usual-care transitions between states, per cycle.
    pub transitions: TransitionSpec,
    /// Kinds of care use with price, payer split and use per state.
    pub categories: Vec<CategorySpec>,
    /// The comparator (first) and one or more interventions.
    pub arms: Vec<ArmSpec>,
    /// Several municipalities and insurers sharing the population: results per party.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Financing arrangements in force, applied in order on top of the flows.
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "arrangement::arrangements")]
    pub arrangements: Vec<ArrangementSpec>,
    /// Other sets of arrangements to compare with the one in force (`ontschot compare`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<Alternative>,
    /// Named sets of overrides (e.g. low and high uptake) run side by side on the same draws.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
    /// Where the scenario came from (file name); set by the loaders, not part of the file.
    #[serde(skip)]
    pub origin: Option<String>,
}

fn default_cycle_years() -> f64 {
    1.0
}

/// A variant of a scenario: values replaced as by [`Scenario::with_values`].
///
/// ```toml
/// [[variants]]
/// name = "low_uptake"
/// label = "Uptake 30%"
/// values = { uptake = 0.3 }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Key.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// Parameter names or field paths and their new values.
    pub values: BTreeMap<String, serde_json::Value>,
}

/// How the occupancy of states is counted within a cycle (the "cycle correction").
///
/// With trace points `m[0..=T]` (state occupancy at cycle boundaries), cycle `t` counts:
/// `start` = `m[t-1]`; `end` = `m[t]`; `half_cycle` = `(m[t-1] + m[t]) / 2` (the trapezoid rule);
/// `simpson` = Simpson's 1/3 rule over pairs of cycles, split exactly between the two cycles of a
/// pair by the interpolating parabola (an odd last cycle uses the parabola through the last three
/// points).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleConvention {
    /// Count the occupancy at the start of each cycle.
    Start,
    /// Count the occupancy at the end of each cycle.
    End,
    /// Average of start and end (trapezoid rule); the default.
    #[default]
    HalfCycle,
    /// Simpson's 1/3 rule.
    Simpson,
    /// Weights given per cycle in `cycle_weights`: cycle t counts `a m[t-1] + b m[t]` with its
    /// pair `[a, b]` (e.g. a published model's own correction).
    Weights,
}

/// When within a year its amounts count as paid or lived, for discounting: the factor of model
/// year `y` at yearly rate `r`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiscountTiming {
    /// At the start of the year: `(1 + r)^-(y - 1)`, year 1 undiscounted (the Dutch guideline's
    /// practice and the default; Briggs et al. 2006 exercise 3.5).
    #[default]
    Start,
    /// At the end of the year: `(1 + r)^-y` (heemod's `discount(first = TRUE)`, Briggs et al.
    /// 2006 exercise 2.5; TreeAge's default).
    End,
    /// In the middle of the year: `(1 + r)^-(y - 1/2)`.
    Middle,
    /// Spread evenly over the year, discounted continuously: the mean of `(1 + r)^-t` over the
    /// year, `((1 + r)^-(y - 1) - (1 + r)^-y) / ln(1 + r)`.
    Continuous,
    /// At each trace point, as the DARTH tutorials do: what is counted on the trace point at
    /// time `t` (years) by `(1 + r)^-t`, the start undiscounted; amounts not counted on the
    /// trace (one-off costs, per FTE, per enrolment) at the start of their cycle. The year's
    /// factor is then `(1 + r)^-(y - 1)` and the arrays of the societal view hold each year's
    /// amounts discounted to the year's start (the budget view stays undiscounted). Cohort mode.
    Point,
}

impl DiscountTiming {
    /// The factors of years 1 to `years` at yearly rate `rate`.
    ///
    /// ```
    /// use ontschot::DiscountTiming;
    /// assert_eq!(DiscountTiming::Start.factors(0.05, 2), vec![1.0, 1.0 / 1.05]);
    /// assert_eq!(DiscountTiming::End.factors(0.05, 1), vec![1.0 / 1.05]);
    /// let c = DiscountTiming::Continuous.factors(0.05, 1)[0];
    /// assert!((c - (1.0 - 1.0 / 1.05) / 1.05f64.ln()).abs() < 1e-15);
    /// assert_eq!(DiscountTiming::Continuous.factors(0.0, 1), vec![1.0]);
    /// ```
    pub fn factors(self, rate: f64, years: usize) -> Vec<f64> {
        let at = |y: usize| (1.0 + rate).powi(-(y as i32));
        (1..=years)
            .map(|y| match self {
                DiscountTiming::Start | DiscountTiming::Point => at(y - 1),
                DiscountTiming::End => at(y),
                DiscountTiming::Middle => at(y) * (1.0 + rate).sqrt(),
                DiscountTiming::Continuous if rate == 0.0 => 1.0,
                DiscountTiming::Continuous => (at(y - 1) - at(y)) / (1.0 + rate).ln(),
            })
            .collect()
    }
}

/// Yearly discount rates. Defaults follow the Zorginstituut guideline for economic evaluations
/// (2024): costs 3%, effects 1.5%.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discount {
    /// Rate for costs, e.g. 0.03.
    #[serde(default = "default_discount_costs")]
    pub costs: f64,
    /// Rate for life-years and QALYs, e.g. 0.015.
    #[serde(default = "default_discount_effects")]
    pub effects: f64,
    /// When within a year amounts count; see [`DiscountTiming`].
    #[serde(default, skip_serializing_if = "is_default")]
    pub timing: DiscountTiming,
}

fn is_default<T: Default + PartialEq>(x: &T) -> bool {
    *x == T::default()
}

fn default_discount_costs() -> f64 {
    0.03
}
fn default_discount_effects() -> f64 {
    0.015
}

impl Default for Discount {
    fn default() -> Self {
        Discount {
            costs: default_discount_costs(),
            effects: default_discount_effects(),
            timing: DiscountTiming::default(),
        }
    }
}

/// The cohort: how many people, and their age at the start (needed for age tables).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Number of eligible people; all money is in euros for this many people.
    pub size: f64,
    /// Mean age at the start, for tables `by = "age"`.
    #[serde(default)]
    pub start_age: Option<f64>,
    /// People entering each year from the second year on (e.g. turning 75). Each year's entrants
    /// start in the initial states and follow the course the starting population followed from
    /// its start: the same ramp-up, effects and tables counted from their entry.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub inflow: f64,
    /// Parts of the population with values of their own, such as age bands with their own rates.
    /// Each person belongs to one; shares apply to the starting population and to the inflow.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subgroups: Vec<Subgroup>,
    /// What the population is, in words.
    #[serde(default)]
    pub description: String,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// A part of the population whose people use other values for some parameters (heterogeneity):
/// an age band with its own mortality and use, a district with its own uptake.
///
/// ```
/// let mut s = ontschot::seeds::samenoud();
/// s.population.subgroups = serde_json::from_value(serde_json::json!([
///     { "name": "85+", "share": 0.35, "values": { "p_robust_death": 0.07, "uptake": 0.4 } },
///     { "name": "75-84", "share": "rest" },
/// ]))
/// .unwrap();
/// let model = ontschot::Model::new(&s).unwrap();
/// assert_eq!(model.subgroups()[0].name, "85+");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subgroup {
    /// Key, e.g. `85+`.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// Share of the population: a number, a parameter, or `rest` (for one subgroup).
    pub share: Value,
    /// Parameters (or Dirichlet components, `name.part`) that take another value for these
    /// people: a number or the name of another parameter.
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// Where the subgroup's values come from.
    #[serde(default)]
    pub source: String,
}

/// Default Monte Carlo settings of a scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSettings {
    /// Number of Monte Carlo iterations (parameter draws).
    #[serde(default = "default_iterations")]
    pub iterations: usize,
    /// Seed of the random streams.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Keep costs per care category (`detail` arrays).
    #[serde(default)]
    pub detail: bool,
    /// Expected values for the whole cohort, or every person simulated.
    #[serde(default)]
    pub mode: Mode,
}

/// How each iteration is evaluated.
///
/// In both modes every iteration draws the parameters once (parameter uncertainty). The cohort
/// mode then computes expected flows; the individual mode simulates each person: transitions
/// by random draw and counts of use from a Poisson (or negative binomial) distribution, so the
/// results also carry the luck of who happens to need care: the budget risk of a small population.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Expected values of the cohort (a Markov trace); the default.
    #[default]
    Cohort,
    /// Each person simulated; needs whole numbers of people.
    Individual,
}

impl Mode {
    /// The name as written in a scenario.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Cohort => "cohort",
            Mode::Individual => "individual",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Mode, String> {
        match s {
            "cohort" => Ok(Mode::Cohort),
            "individual" => Ok(Mode::Individual),
            _ => Err(format!("unknown mode '{s}': use 'cohort' or 'individual'")),
        }
    }
}

fn default_iterations() -> usize {
    1000
}
fn default_seed() -> u64 {
    2026
}

impl Default for SimulationSettings {
    fn default() -> Self {
        SimulationSettings { iterations: default_iterations(), seed: default_seed(), detail: false, mode: Mode::Cohort }
    }
}

/// Settings for health-economic summaries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisSettings {
    /// Willingness to pay per QALY in euros for the net monetary benefit. Default: the Dutch
    /// reference value of the `burden` class, else €20,000, the lowest reference value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub willingness_to_pay: Option<f64>,
    /// The burden of disease of the target group, which sets the Dutch reference value per QALY
    /// (Zorginstituut, *Kosteneffectiviteit in de praktijk*, 2015): the analyst's choice. The
    /// health summary shows all three reference values whatever the choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burden: Option<Burden>,
    /// Express the societal view in euros of this year rather than of the `price_year`,
    /// indexed by `societal_index` (whose rates for those years must be known numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub societal_year: Option<u32>,
    /// The index path (`[indexation.NAME]`) that brings the reference prices to `societal_year`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub societal_index: Option<String>,
}

/// A burden-of-disease class and its Dutch reference value per QALY (Zorginstituut,
/// *Kosteneffectiviteit in de praktijk*, 2015).
///
/// ```
/// assert_eq!(ontschot::Burden::Medium.reference_value(), 50_000.0);
/// assert_eq!(ontschot::Burden::ALL.len(), 3);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Burden {
    /// Burden 0.10-0.40: €20,000 per QALY.
    Low,
    /// Burden 0.41-0.70: €50,000 per QALY.
    Medium,
    /// Burden 0.71-1.00: €80,000 per QALY.
    High,
}

impl Burden {
    /// The three classes, lowest first.
    pub const ALL: [Burden; 3] = [Burden::Low, Burden::Medium, Burden::High];

    /// The reference value per QALY, in euros.
    pub fn reference_value(self) -> f64 {
        match self {
            Burden::Low => 20_000.0,
            Burden::Medium => 50_000.0,
            Burden::High => 80_000.0,
        }
    }

    /// The key, as written in scenarios.
    pub fn as_str(self) -> &'static str {
        match self {
            Burden::Low => "low",
            Burden::Medium => "medium",
            Burden::High => "high",
        }
    }
}

impl AnalysisSettings {
    /// The willingness to pay per QALY in use: the one given, else the reference value of the
    /// burden class, else €20,000.
    ///
    /// ```
    /// let mut a = ontschot::AnalysisSettings::default();
    /// assert_eq!(a.willingness_to_pay(), 20_000.0);
    /// a.burden = Some(ontschot::Burden::High);
    /// assert_eq!(a.willingness_to_pay(), 80_000.0);
    /// ```
    pub fn willingness_to_pay(&self) -> f64 {
        self.willingness_to_pay.or(self.burden.map(Burden::reference_value)).unwrap_or(20_000.0)
    }
}

/// A payer (organisation) that holds one or more budgets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerSpec {
    /// Display name, e.g. "Zorgverzekeraar".
    pub label: String,
    /// English display name, e.g. "Health insurer" (default: `label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// False for a party that administers money without bearing its risk, such as the care
    /// office for the long-term care fund: reports then speak of spending, never of gaining.
    /// Default true, false for `care_office`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bears_risk: Option<bool>,
}

/// A budget (law or pot) and the payer that holds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSpec {
    /// The payer's key, e.g. `municipality`; needed for a new budget, optional for the defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// Display name, e.g. "Wmo 2015".
    #[serde(default)]
    pub label: Option<String>,
    /// The index path (`[indexation.NAME]`) of this budget's tariffs and costs in the budget
    /// view, where a category or cost names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
}

/// A named uncertain input and its distribution.
///
/// `dist` names the family; which other keys it takes:
///
/// | dist | keys (one set) |
/// |---|---|
/// | `fixed` | `value` |
/// | `normal` | `mean`+`sd`, or `mean`+`ci` |
/// | `lognormal` | `meanlog`+`sdlog`, `mean`+`sd`, or `median`+`ci` |
/// | `gamma` | `shape`+`scale`, or `mean`+`sd` |
/// | `beta` | `alpha`+`beta`, `mean`+`sd`, or `events`+`n` |
/// | `uniform` | `min`+`max` |
/// | `triangular` | `min`+`mode`+`max` |
/// | `pert` | `min`+`mode`+`max` (+ `shape`, default 4) |
/// | `dirichlet` | `alpha` per component, or `shares` per component + `n` |
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterSpec {
    /// Distribution family.
    pub dist: DistKind,
    /// Dutch display name, e.g. "Kans op opname", shown in tornado charts, reports and tables
    /// (the key when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// English display name, e.g. "Chance of admission" (default: `label`, then the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Value of a `fixed` parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    /// The base-case value the deterministic run uses when it is not the distribution's mean,
    /// e.g. the published median of a lognormal hazard ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<f64>,
    /// Mean (normal, lognormal, gamma, beta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    /// Standard deviation (normal, lognormal, gamma, beta).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    /// Median, the point estimate of a ratio reported with a 95% interval (lognormal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
    /// 95% interval `[low, high]` as a paper reports it (normal, lognormal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<[f64; 2]>,
    /// A normal cut to `[low, high]`: draws outside never happen, the rest keep their relative
    /// chances (a cost that cannot be negative: `[0, 1e12]`). Its mean is the cut normal's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate: Option<[f64; 2]>,
    /// Mean of the log (lognormal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meanlog: Option<f64>,
    /// SD of the log (lognormal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdlog: Option<f64>,
    /// Shape (gamma; PERT's peakedness, default 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<f64>,
    /// Scale (gamma).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// Beta's first shape, or Dirichlet's concentration per component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alpha: Option<Alpha>,
    /// Beta's second shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
    /// Number of events (beta from counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<f64>,
    /// Number of people or trials (beta from counts; Dirichlet from shares).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<f64>,
    /// Shares per component (Dirichlet, with `n`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shares: Option<BTreeMap<String, f64>>,
    /// Mean per component (multivariate normal), e.g. `{ log_shape = 0.37, log_scale = 3.1 }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means: Option<BTreeMap<String, f64>>,
    /// Covariance per pair of components (multivariate normal), by name, as a regression's
    /// variance-covariance matrix gives it: `{ a = { a = 0.01, b = -0.002 }, b = { ... } }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covariance: Option<BTreeMap<String, BTreeMap<String, f64>>>,
    /// Lower bound (uniform, triangular, PERT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Most likely value (triangular, PERT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
    /// Upper bound (uniform, triangular, PERT).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Unit, e.g. "EUR 2022", "per person-year", "probability per year".
    #[serde(default)]
    pub unit: String,
    /// Where the number comes from: publication, table, year.
    #[serde(default)]
    pub source: String,
    /// True when the number is an assumption rather than a published figure.
    #[serde(default)]
    pub assumption: bool,
}

impl ParameterSpec {
    /// The distribution in a few words, for lists of assumptions: `beta (mean 0.81, sd 0.08)`.
    ///
    /// ```
    /// use ontschot::{DistKind, ParameterSpec};
    /// let p = ParameterSpec { dist: DistKind::Beta, mean: Some(0.81), sd: Some(0.08), ..Default::default() };
    /// assert_eq!(p.describe(), "beta (mean 0.81, sd 0.08)");
    /// ```
    pub fn describe(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or_default();
        let keys = [
            "value", "base", "mean", "sd", "median", "ci", "truncate", "meanlog", "sdlog", "shape", "scale", "alpha",
            "beta", "events", "n", "shares", "min", "mode", "max",
        ];
        let parts: Vec<String> = keys.iter().filter_map(|k| v.get(*k).map(|x| format!("{k} {x}"))).collect();
        format!("{} ({})", v.get("dist").and_then(|d| d.as_str()).unwrap_or(""), parts.join(", "))
    }

    /// The name a reader sees in `lang`: that language's label, else the other one, else `key`.
    ///
    /// ```
    /// use ontschot::{format::Lang, ParameterSpec};
    /// let p = ParameterSpec { label: Some("Kans op opname".into()), ..Default::default() };
    /// assert_eq!(p.label_in("p_admission", Lang::Nl), "Kans op opname");
    /// assert_eq!(p.label_in("p_admission", Lang::En), "Kans op opname");
    /// assert_eq!(ParameterSpec::default().label_in("p_admission", Lang::En), "p_admission");
    /// ```
    pub fn label_in<'a>(&'a self, key: &'a str, lang: Lang) -> &'a str {
        let (first, second) = match lang {
            Lang::Nl => (&self.label, &self.label_en),
            Lang::En => (&self.label_en, &self.label),
        };
        first.as_deref().or(second.as_deref()).filter(|l| !l.trim().is_empty()).unwrap_or(key)
    }
}

/// Beta's `alpha` is a number; Dirichlet's is a table of component concentrations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Alpha {
    /// A single shape (beta).
    Number(f64),
    /// A concentration per named component (Dirichlet).
    PerComponent(BTreeMap<String, f64>),
}

/// Distribution families a parameter can take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistKind {
    /// A known number.
    #[default]
    Fixed,
    /// Normal.
    Normal,
    /// Log-normal (positive, right-skewed; ratios and costs).
    Lognormal,
    /// Gamma (positive; costs and rates).
    Gamma,
    /// Beta (probabilities and shares in [0, 1]).
    Beta,
    /// Uniform between `min` and `max`.
    Uniform,
    /// Triangular.
    Triangular,
    /// Beta-PERT.
    Pert,
    /// Dirichlet (shares over several components that sum to 1).
    Dirichlet,
    /// Multivariate normal (correlated components, e.g. a survival regression's coefficients).
    MultivariateNormal,
}

/// A table of values by age band or by cycle, referenced by name like a parameter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// `age` (cohort age at the start of the cycle, or at its end with `age_at = "end"`),
    /// `cycle` (1-based) or `year` (calendar).
    pub by: TableAxis,
    /// Lower bound of each band, increasing; the first must cover the start.
    pub breaks: Vec<f64>,
    /// Value for each band: numbers or parameter names.
    pub values: Vec<Value>,
    /// For a table by age: whether a cycle takes the band of the cohort's age at its start (the
    /// default) or at its end (as Briggs et al. 2006 read a life table: the mortality of cycle t
    /// at age `start_age + t`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub age_at: AgeAt,
    /// Where the table comes from.
    #[serde(default)]
    pub source: String,
}

/// The moment of a cycle whose age a table by age reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeAt {
    /// The cohort's age at the start of the cycle.
    #[default]
    Start,
    /// The cohort's age at the end of the cycle.
    End,
}

/// What a table is indexed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableAxis {
    /// Cohort age at the start of the cycle.
    Age,
    /// Cycle number, from 1.
    Cycle,
    /// Calendar year (needs `start_year` or `price_year`); only for budget-view values
    /// (tariffs, cash splits and release, index rates, own contributions).
    Year,
}

/// A health or risk state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSpec {
    /// Key used in transitions and use tables.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// Share of the population in this state at the start (a number, a parameter, or `rest`).
    #[serde(default = "zero_value")]
    pub initial: Value,
    /// Death: absorbing, no life-years, no QALYs.
    #[serde(default)]
    pub dead: bool,
    /// Utility (QALY weight per year) in this state; needed on all living states for QALYs.
    #[serde(default)]
    pub utility: Option<Value>,
}

fn zero_value() -> Value {
    Value::Number(0.0)
}

/// A transition matrix: for each state a row naming the states it moves to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionSpec {
    /// Whether entries are probabilities per cycle or rates per year; left out, probabilities
    /// (and [`Model::notes`](crate::Model::notes) says so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TransitionKind>,
    /// `from.STATE.TO_STATE = value`; one entry per row may be `rest`.
    pub from: BTreeMap<String, BTreeMap<String, Value>>,
}

impl TransitionSpec {
    /// How the entries are read: the kind given, or probabilities per cycle.
    pub fn kind(&self) -> TransitionKind {
        self.kind.unwrap_or_default()
    }
}

/// How transition entries are given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionKind {
    /// Probabilities per cycle; a row's non-`rest` entries sum to at most 1.
    #[default]
    Probability,
    /// Rates per year; converted per cycle with competing risks:
    /// `p_j = r_j / R * (1 - exp(-R * cycle_years))`, `R` the row's total rate (for a single exit
    /// this is `1 - exp(-r * cycle_years)`). The `rest` entry (staying) is required.
    Rate,
}

/// A kind of care use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySpec {
    /// Key used in arm effects.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// Unit of use, e.g. "consult", "day", "hour".
    #[serde(default)]
    pub unit: String,
    /// Price per unit of use, in euros of the price year.
    pub price: Value,
    /// Budgets that pay it, with their shares (summing to 1; one may be `rest`).
    pub paid_by: BTreeMap<String, Value>,
    /// Units of use per person-year, per state; states not named use none.
    #[serde(default)]
    pub use_per_year: BTreeMap<String, Value>,
    /// Overdispersion of a person's count of use in one cycle, for the individual mode: counts
    /// are negative binomial with variance `mean + overdispersion * mean^2` (the `alpha` of a
    /// negative binomial regression). Without it (or 0) counts are Poisson. Expected values, and
    /// so the cohort mode, do not depend on it.
    #[serde(default)]
    pub overdispersion: Option<Value>,
    /// Budget view: the tariff per unit each budget pays (e.g. the NZa consult tariff), where it
    /// differs from the reference `price`. May vary by calendar year (a table `by = "year"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tariffs: BTreeMap<String, Value>,
    /// Budget view: which budgets pay, with shares, where it differs from `paid_by` (e.g. when an
    /// own-contribution rule replaces a client's share). May vary by calendar year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cash_paid_by: Option<BTreeMap<String, Value>>,
    /// Budget view: per budget, the share of an avoided or added unit's cost that changes that
    /// budget's cash (a hospital under a lump-sum contract: little; default 1). May vary by year
    /// since the start (a table `by = "cycle"`) and be uncertain (a parameter).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cash_release: BTreeMap<String, Value>,
    /// Budget view: the index path (`[indexation.NAME]`) of this category's tariffs (default:
    /// the paying budget's, else none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Where price and use come from.
    #[serde(default)]
    pub source: String,
}

/// Usual care (the first arm) or an intervention.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmSpec {
    /// Key, e.g. `usual_care`, `samenoud`.
    pub name: String,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// Share of the population that takes part (default 1). Non-participants get usual care.
    #[serde(default)]
    pub uptake: Option<Value>,
    /// Cumulative share of eventual participants who have started by cycle 1, 2, ...; the last
    /// entry must be 1 (default `[1]`: everyone starts in cycle 1).
    #[serde(default)]
    pub ramp_up: Option<Vec<f64>>,
    /// Cycles after a participant starts during which effects work in full (default: always).
    #[serde(default)]
    pub effect_duration_cycles: Option<u32>,
    /// Cycles over which effects then fade linearly to nothing (default 0: they stop at once).
    #[serde(default)]
    pub effect_fade_cycles: u32,
    /// A whole transition matrix for participants, replacing usual care's.
    #[serde(default)]
    pub transitions: Option<TransitionSpec>,
    /// Relative risks (probabilities) or hazard ratios (rates) on single transitions.
    #[serde(default)]
    pub transition_effects: Vec<TransitionEffect>,
    /// Rate ratios on care use.
    #[serde(default)]
    pub use_effects: Vec<UseEffect>,
    /// The intervention's own costs.
    #[serde(default)]
    pub costs: Vec<ArmCost>,
    /// Per state: participants' use or utility that differs from usual care.
    #[serde(default)]
    pub state_overrides: BTreeMap<String, StateOverride>,
}

/// A relative risk or hazard ratio on one transition, for participants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionEffect {
    /// From state.
    pub from: String,
    /// To state (not the row's `rest` entry).
    pub to: String,
    /// Multiplies a probability (transitions of kind `probability`).
    #[serde(default)]
    pub relative_risk: Option<Value>,
    /// Multiplies a rate (transitions of kind `rate`).
    #[serde(default)]
    pub hazard_ratio: Option<Value>,
    /// Only in cycles `[first, last]` (1-based, inclusive) of the horizon.
    #[serde(default)]
    pub cycles: Option<[u32; 2]>,
}

/// A rate ratio on the use of one care category, for participants.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UseEffect {
    /// Category name.
    pub category: String,
    /// Multiplies use per person-year.
    pub rate_ratio: Value,
    /// Only in these states (default: all).
    #[serde(default)]
    pub states: Option<Vec<String>>,
    /// Only in cycles `[first, last]` (1-based, inclusive).
    #[serde(default)]
    pub cycles: Option<[u32; 2]>,
}

/// One of the intervention's own costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmCost {
    /// Key, e.g. `case_management`.
    pub name: String,
    /// How the amount counts; see [`CostKind`].
    pub kind: CostKind,
    /// Euros (per unit of `kind`).
    pub amount: Value,
    /// Number of FTE (kind `per_fte`).
    #[serde(default)]
    pub fte: Option<Value>,
    /// States (kind `per_person_in_state`).
    #[serde(default)]
    pub states: Option<Vec<String>>,
    /// The cycle of a `one_off` cost (default 1).
    #[serde(default)]
    pub cycle: Option<u32>,
    /// Only in cycles `[first, last]` (1-based, inclusive).
    #[serde(default)]
    pub cycles: Option<[u32; 2]>,
    /// Budgets that pay it, with shares summing to 1.
    pub paid_by: BTreeMap<String, Value>,
    /// Budget view: the index path of the amount (default: the paying budget's, else none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Where the amount comes from.
    #[serde(default)]
    pub source: String,
}

/// A price path for the budget view: the yearly rate by which tariffs and costs change.
///
/// Amounts are in euros of the scenario's `price_year`; in calendar year `Y` of the budget view
/// they are multiplied by the product of `1 + rate` over the years after the price year up to `Y`.
///
/// ```toml
/// [indexation.cpi]
/// rate = "cpi_rate"        # a number, a parameter, or a table by = "year"
/// source = "CBS consumer prices"
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexSpec {
    /// Yearly rate, e.g. 0.03; above -1.
    pub rate: Value,
    /// Display name.
    #[serde(default)]
    pub label: Option<String>,
    /// Where the rates come from.
    #[serde(default)]
    pub source: String,
}

/// An own contribution as the law sets it, applied in the budget view. The client's budget
/// (`paid_by`) pays and the collecting budget's cash falls by as much.
///
/// ```
/// let rule: ontschot::OwnContribution = toml::from_str(r#"
/// type = "flat_fee"
/// categories = ["household_help"]
/// collected_by = "wmo"
/// paid_by = "eigen_bijdrage"
/// per_month = 20.60
/// "#).unwrap();
/// assert!(matches!(rule, ontschot::OwnContribution::FlatFee { .. }));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum OwnContribution {
    /// A fee per month for every month in which a person uses any of `categories`, whatever the
    /// amount used (the Wmo abonnementstarief).
    FlatFee {
        /// Display name.
        #[serde(default)]
        name: String,
        /// Categories whose use makes a person pay the fee.
        categories: Vec<String>,
        /// The budget that collects the fee (its cash falls by it).
        collected_by: String,
        /// The budget that pays it (the client's).
        paid_by: String,
        /// Euros per month (may vary by calendar year: a table `by = "year"`).
        per_month: Value,
        /// Fees per user: below 1 where users share a household that pays one fee (default 1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        per_user: Option<Value>,
        /// Where the rule comes from.
        #[serde(default)]
        source: String,
    },
    /// A yearly threshold per person (the Zvw eigen risico): the client pays the budget's costs
    /// of the non-exempt categories up to it each year.
    Deductible {
        /// Display name.
        #[serde(default)]
        name: String,
        /// The budget whose costs count (its cash falls by what the client pays).
        budget: String,
        /// The budget that pays it (the client's).
        paid_by: String,
        /// Euros per person per year (may vary by calendar year).
        threshold: Value,
        /// Categories that do not count (GP care, district nursing).
        #[serde(default)]
        exempt: Vec<String>,
        /// Euros per person per year of claims outside the model that count against the
        /// threshold (medicines, other care): the model's categories take only what is left.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        other_claims: Option<Value>,
        /// Where the rule comes from.
        #[serde(default)]
        source: String,
    },
    /// A contribution per unit of use (per nursing-home day), of which the client no longer
    /// pays `living_costs` per unit that living at home would have cost (rent, food).
    Contribution {
        /// Display name.
        #[serde(default)]
        name: String,
        /// Categories it applies to.
        categories: Vec<String>,
        /// The budget that collects the contribution.
        collected_by: String,
        /// The budget that pays it (the client's).
        paid_by: String,
        /// Euros per unit of use (may vary by calendar year).
        per_unit: Value,
        /// Euros per unit that the client would have paid anyway at home (default 0).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        living_costs: Option<Value>,
        /// Where the rule comes from.
        #[serde(default)]
        source: String,
    },
}

/// How an arm cost's amount counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostKind {
    /// Once, in cycle `cycle`.
    OneOff,
    /// Per participant when they start (an intake, a trajectory).
    PerEnrolment,
    /// Per participant-year alive.
    PerParticipantYear,
    /// Per participant-year spent in `states`.
    PerPersonInState,
    /// Per FTE-year, times `fte`.
    PerFte,
}

/// Participants' use or utility in one state, replacing usual care's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateOverride {
    /// Units per person-year per category.
    #[serde(default)]
    pub use_per_year: BTreeMap<String, Value>,
    /// Utility.
    #[serde(default)]
    pub utility: Option<Value>,
}

const INLINE: &str = "<scenario>";

/// The largest scenario file read, in bytes: the largest seed is about 60 kB, and a file that
/// never ends (`/dev/zero`) or holds millions of parameters would otherwise take all memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A scenario file's text, read up to [`MAX_FILE_BYTES`].
fn read_file(path: &Path, origin: &str) -> Result<String> {
    use std::io::Read;
    let io = |source: std::io::Error| Error::Io { origin: origin.to_owned(), source };
    let mut bytes = Vec::new();
    std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io(std::io::Error::other(format!(
            "it is larger than {} MB, the most a scenario file may hold",
            MAX_FILE_BYTES / (1024 * 1024)
        ))));
    }
    String::from_utf8(bytes).map_err(|e| {
        io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("it is not UTF-8 text (byte {} is not)", e.utf8_error().valid_up_to()),
        ))
    })
}

impl Scenario {
    /// Reads a scenario from a `.toml` or `.json` file (by extension; other names are read as TOML).
    ///
    /// ```
    /// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/welzijn_op_recept.toml");
    /// let s = ontschot::Scenario::from_file(path).unwrap();
    /// assert_eq!(s.origin.as_deref(), Some(path));
    /// ```
    ///
    /// A file may start from another with `extends = "other.toml"` (relative to the file): the
    /// other's tables are merged key by key, and every value or array the file gives replaces
    /// the other's. A region built on a seed names the seed and adds only what differs.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let text = read_file(path, &origin)?;
        let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
        // Each file names the one it extends relative to itself.
        let read = |name: &str, from: &str| -> Result<(String, String)> {
            let file = Path::new(from).parent().map(|d| d.join(name)).unwrap_or_else(|| name.into());
            let origin = file.display().to_string();
            let text = read_file(&file, &origin)?;
            Ok((text, origin))
        };
        let mut s = match extended(&text, &origin, is_json, &read, 0)? {
            Some(doc) => from_document(doc, &origin)?,
            None if is_json => parse_json(&text, &origin)?,
            None => parse_toml(&text, &origin)?,
        };
        s.origin = Some(origin);
        Ok(s)
    }

    /// Reads a scenario from TOML text that may `extends` another, found by `read` (a file name
    /// to its text): how built-in seeds extend each other.
    pub fn from_toml_str_with(text: &str, read: &dyn Fn(&str) -> Result<String>) -> Result<Scenario> {
        let read = |name: &str, _: &str| -> Result<(String, String)> { Ok((read(name)?, name.to_owned())) };
        match extended(text, INLINE, false, &read, 0)? {
            Some(doc) => from_document(doc, INLINE),
            None => parse_toml(text, INLINE),
        }
    }

    /// Reads a scenario from TOML text.
    pub fn from_toml_str(text: &str) -> Result<Scenario> {
        parse_toml(text, INLINE)
    }

    /// Reads a scenario from JSON text.
    ///
    /// ```
    /// let err = ontschot::Scenario::from_json_str("{\"name\": \"x\"").unwrap_err();
    /// assert!(err.to_string().contains("EOF"));
    /// ```
    pub fn from_json_str(text: &str) -> Result<Scenario> {
        parse_json(text, INLINE)
    }

    /// Builds a scenario from a JSON value made by a program (a Python dict, say): errors name
    /// the field path only, as no line of text exists to point at.
    ///
    /// ```
    /// let mut doc = serde_json::to_value(ontschot::seeds::welzijn_op_recept()).unwrap();
    /// doc["horizon_years"] = serde_json::json!(5.5);
    /// let err = ontschot::Scenario::from_json_value(doc).unwrap_err().to_string();
    /// assert_eq!(err, "<scenario>: horizon_years: invalid type: floating point `5.5`, expected a whole number, like 5");
    /// ```
    pub fn from_json_value(doc: serde_json::Value) -> Result<Scenario> {
        from_document(doc, INLINE)
    }

    /// Writes the scenario as TOML.
    pub fn to_toml_string(&self) -> String {
        toml::to_string(self).expect("a scenario always serialises to TOML")
    }

    /// Writes the scenario as pretty JSON.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises to JSON")
    }

    /// A copy with some values replaced, for what-if analyses and variants.
    ///
    /// A key is either a parameter name, which makes that parameter fixed at the value (keeping
    /// its unit and source; give a JSON object instead to replace its whole distribution), or a
    /// dotted field path such as `discount.costs`, `population.size`, `arms.samenoud.uptake` or
    /// `parameters.rr_gp.median`, where list elements are named by their `name` or their index.
    ///
    /// ```
    /// let s = ontschot::seeds::samenoud();
    /// let t = s.with_values([("uptake", 0.3.into()), ("discount.costs", 0.04.into())]).unwrap();
    /// assert_eq!(t.discount.costs, 0.04);
    /// assert_eq!(t.parameters["uptake"].value, Some(0.3));
    /// let err = s.with_values([("arms.nobody.uptake", 0.5.into())]).unwrap_err();
    /// assert!(err.to_string().contains("no element named 'nobody'"));
    /// ```
    pub fn with_values<'a, I>(&self, values: I) -> Result<Scenario>
    where
        I: IntoIterator<Item = (&'a str, serde_json::Value)>,
    {
        let origin = self.origin_label().to_owned();
        let fail =
            |path: &str, reason: String| Error::Override { origin: origin.clone(), path: path.to_owned(), reason };
        let mut doc = serde_json::to_value(self).map_err(|e| fail(".", e.to_string()))?;
        for (key, value) in values {
            if let Some(spec) = doc.get_mut("parameters").and_then(|p| p.get_mut(key)) {
                let replacement = match value {
                    serde_json::Value::Object(_) => value,
                    _ => {
                        let mut fixed = serde_json::json!({ "dist": "fixed", "value": value });
                        for keep in ["unit", "source", "assumption"] {
                            if let Some(v) = spec.get(keep) {
                                fixed[keep] = v.clone();
                            }
                        }
                        fixed
                    }
                };
                *spec = replacement;
                continue;
            }
            // A single name that is neither a parameter nor a field is most likely a misspelt
            // parameter: say so, rather than list the scenario's fields.
            let field = |k: &str| {
                let probe = serde_json::from_value::<Scenario>(serde_json::json!({ k: null }));
                !probe.is_err_and(|e| e.to_string().starts_with("unknown field"))
            };
            if !key.contains('.') && !field(key) {
                let names = self.parameters.keys().map(String::as_str);
                return Err(fail(
                    key,
                    format!(
                        "no parameter named '{key}'{}, and no field of that name; a field is given by its path, as population.size",
                        crate::model::suggest(key, names)
                    ),
                ));
            }
            let mut node = &mut doc;
            let parts: Vec<&str> = key.split('.').collect();
            for (i, part) in parts.iter().enumerate() {
                let last = i + 1 == parts.len();
                node = match node {
                    serde_json::Value::Array(items) => {
                        let names: Vec<String> =
                            items.iter().filter_map(|x| x.get("name")?.as_str().map(str::to_owned)).collect();
                        let at = part
                            .parse::<usize>()
                            .ok()
                            .filter(|k| *k < items.len())
                            .or_else(|| names.iter().position(|n| n == part));
                        match at {
                            Some(k) => &mut items[k],
                            None => {
                                return Err(fail(
                                    key,
                                    format!("no element named '{part}' (there are: {})", names.join(", ")),
                                ));
                            }
                        }
                    }
                    serde_json::Value::Object(map) => {
                        if !map.contains_key(*part) && !last {
                            return Err(fail(key, format!("no field '{part}' here")));
                        }
                        map.entry(part.to_string()).or_insert(serde_json::Value::Null)
                    }
                    _ => {
                        return Err(fail(key, format!("'{part}' is inside a value that has no fields")));
                    }
                };
            }
            *node = value;
        }
        let mut s: Scenario = serde_path_to_error::deserialize(doc)
            .map_err(|e| fail(&display_path(e.path()), in_words(&e.into_inner().to_string())))?;
        s.origin = self.origin.clone();
        Ok(s)
    }

    /// The scenario with the overrides of variant `name` applied (and no variants of its own).
    pub fn variant(&self, name: &str) -> Result<Scenario> {
        let Some(v) = self.variants.iter().find(|v| v.name == name) else {
            let known: Vec<&str> = self.variants.iter().map(|v| v.name.as_str()).collect();
            return Err(Error::Override {
                origin: self.origin_label().to_owned(),
                path: "variants".into(),
                reason: format!("no variant named '{name}' (there are: {})", known.join(", ")),
            });
        };
        let mut s = self.with_values(v.values.iter().map(|(k, x)| (k.as_str(), x.clone())))?;
        s.variants.clear();
        Ok(s)
    }

    /// The name used in messages: the file, or `<scenario>`.
    pub fn origin_label(&self) -> &str {
        self.origin.as_deref().unwrap_or(INLINE)
    }
}

/// Text without the byte-order mark some editors put at the start of a file.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// A hint when a text is in the other format than its name says.
fn format_hint(text: &str, json: bool) -> &'static str {
    let first = text.trim_start().chars().next();
    match (json, first) {
        (true, Some(c)) if c != '{' => {
            " (this does not look like JSON, which starts with '{': is it TOML? name the file .toml)"
        }
        (false, Some('{')) => " (this looks like JSON: name the file .json)",
        _ => "",
    }
}

/// Walks a JSON document and fails on the first object that gives a key twice, which a map
/// would otherwise take as the last value given, silently dropping the first.
struct UniqueKeys(String);

impl<'de> serde::de::DeserializeSeed<'de> for UniqueKeys {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, de: D) -> std::result::Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut i = 0;
        while seq.next_element_seed(UniqueKeys(format!("{}[{i}]", self.0)))?.is_some() {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.0.is_empty() { key.clone() } else { format!("{}.{key}", self.0) };
            if !seen.insert(key) {
                return Err(serde::de::Error::custom(format!("{path}: the key is given twice; keep one")));
            }
            map.next_value_seed(UniqueKeys(path))?;
        }
        Ok(())
    }
}

/// The first key given twice in one JSON object, as an error.
fn unique_keys(text: &str, origin: &str) -> Result<()> {
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(text);
    UniqueKeys(String::new()).deserialize(&mut de).map_err(|e| {
        let message = e.to_string();
        match message.split_once(": the key is given twice") {
            Some((path, _)) => Error::Parse {
                origin: origin.to_owned(),
                path: path.to_owned(),
                message: "the key is given twice; keep one".into(),
            },
            None => Error::Parse {
                origin: origin.to_owned(),
                path: ".".into(),
                message: format!("{message}{}", format_hint(text, true)),
            },
        }
    })
}

fn parse_toml(text: &str, origin: &str) -> Result<Scenario> {
    let text = without_bom(text);
    let de = toml::Deserializer::parse(text).map_err(|e| Error::Parse {
        origin: origin.to_owned(),
        path: ".".into(),
        message: format!("{}{}", e.to_string().trim_end(), format_hint(text, false)),
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| Error::Parse {
        origin: origin.to_owned(),
        path: display_path(e.path()),
        message: in_words(e.into_inner().to_string().trim_end()),
    })
}

fn parse_json(text: &str, origin: &str) -> Result<Scenario> {
    let text = without_bom(text);
    unique_keys(text, origin)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let s: Scenario = serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Parse {
        origin: origin.to_owned(),
        path: display_path(e.path()),
        message: in_words(&e.into_inner().to_string()),
    })?;
    de.end().map_err(|e| Error::Parse { origin: origin.to_owned(), path: ".".into(), message: e.to_string() })?;
    Ok(s)
}

/// Reads `name` as extended from the file `from`: its text and its origin.
type Reader<'a> = dyn Fn(&str, &str) -> Result<(String, String)> + 'a;

/// The document of a scenario text as JSON with the files it `extends` merged under it, or
/// `None` when it extends nothing (it is then read as it is, with lines and columns in errors).
fn extended(
    text: &str,
    origin: &str,
    is_json: bool,
    read: &Reader<'_>,
    depth: usize,
) -> Result<Option<serde_json::Value>> {
    if !text.contains("extends") {
        return Ok(None);
    }
    let text = without_bom(text);
    if is_json {
        unique_keys(text, origin)?;
    }
    let parse_error =
        |path: &str, message: String| Error::Parse { origin: origin.to_owned(), path: path.to_owned(), message };
    let mut doc: serde_json::Value = if is_json {
        serde_json::from_str(text).map_err(|e| parse_error(".", e.to_string()))?
    } else {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| parse_error(".", e.to_string().trim_end().to_owned()))?;
        if let Some(path) = non_finite(&toml::Value::Table(table.clone()), String::new()) {
            return Err(parse_error(&path, "must be a finite number".into()));
        }
        serde_json::to_value(table).map_err(|e| parse_error(".", e.to_string()))?
    };
    let Some(base) = doc.as_object_mut().and_then(|d| d.remove("extends")) else {
        return Ok(None);
    };
    let Some(name) = base.as_str() else {
        return Err(parse_error("extends", "must be the name of a scenario file, e.g. \"samenoud.toml\"".into()));
    };
    if depth >= 8 {
        return Err(parse_error("extends", format!("'{name}': more than 8 files extend each other (a cycle?)")));
    }
    let (base_text, base_origin) = read(name, origin)?;
    let base_json = name.to_ascii_lowercase().ends_with(".json");
    let mut merged = match extended(&base_text, &base_origin, base_json, read, depth + 1)? {
        Some(doc) => doc,
        None if base_json => serde_json::from_str(without_bom(&base_text)).map_err(|e| Error::Parse {
            origin: base_origin.clone(),
            path: ".".into(),
            message: e.to_string(),
        })?,
        None => {
            let table: toml::Table = toml::from_str(without_bom(&base_text)).map_err(|e| Error::Parse {
                origin: base_origin.clone(),
                path: ".".into(),
                message: e.to_string().trim_end().to_owned(),
            })?;
            serde_json::to_value(table).map_err(|e| parse_error(".", e.to_string()))?
        }
    };
    merge(&mut merged, doc, false);
    Ok(Some(merged))
}

/// The path of the first number that is not finite, which JSON cannot hold.
fn non_finite(v: &toml::Value, path: String) -> Option<String> {
    match v {
        toml::Value::Float(x) if !x.is_finite() => Some(if path.is_empty() { ".".into() } else { path }),
        toml::Value::Table(t) => {
            t.iter().find_map(|(k, v)| non_finite(v, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }))
        }
        toml::Value::Array(a) => a.iter().enumerate().find_map(|(i, v)| non_finite(v, format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Merges `over` into `base`: tables key by key, everything else replaced. A parameter, table
/// or index path is replaced whole (its distribution's keys belong together).
fn merge(base: &mut serde_json::Value, over: serde_json::Value, whole: bool) {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                let entities = matches!(k.as_str(), "parameters" | "tables" | "indexation");
                match b.get_mut(&k) {
                    Some(slot) if !whole => merge(slot, v, entities),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn from_document(doc: serde_json::Value, origin: &str) -> Result<Scenario> {
    serde_path_to_error::deserialize(doc).map_err(|e| Error::Parse {
        origin: origin.to_owned(),
        path: display_path(e.path()),
        message: in_words(&e.into_inner().to_string()),
    })
}

/// A reader's words for the types serde names: `expected u32` says little to an analyst.
fn in_words(message: &str) -> String {
    let mut out = message.to_owned();
    for (rust, words) in [
        ("expected u32", "expected a whole number, like 5"),
        ("expected u64", "expected a whole number, like 5"),
        ("expected usize", "expected a whole number, like 5"),
        ("expected i32", "expected a whole number, like 2025"),
        ("expected f64", "expected a number, like 0.5"),
        ("expected a boolean", "expected true or false"),
    ] {
        if let Some(at) = out.find(rust) {
            // Only the whole word: `expected u32` but not a longer name that starts the same.
            let end = at + rust.len();
            if !out[end..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                out.replace_range(at..end, words);
            }
        }
    }
    out
}

fn display_path(p: &serde_path_to_error::Path) -> String {
    let s = p.to_string();
    if s.is_empty() { ".".into() } else { s }
}
