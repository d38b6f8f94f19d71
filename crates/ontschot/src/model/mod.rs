//! Validation and compilation: [`Scenario`] -> [`Model`].
//!
//! Every name in the scenario is resolved here to an index, every value to a [`Term`] (a constant,
//! a slot in the per-iteration parameter vector, or a cycle-dependent table), so the simulation's
//! hot loop never looks up a string. Validation collects every problem it finds instead of stopping
//! at the first, and names each by its field path.

mod compile;
pub use compile::suggest;
pub(crate) mod expr;
mod financing;

use crate::dist::Dist;
use crate::error::{Error, Result};
use crate::scenario::{CostKind, CycleConvention, Per, Scenario, Settle, TransitionKind};

/// What keeps a scenario from running in the individual mode, as (field, reason) pairs.
pub(crate) fn individual_problems(s: &Scenario) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (field, x) in [("population.size", s.population.size), ("population.inflow", s.population.inflow)] {
        if x.is_finite() && x.fract() != 0.0 {
            out.push((field, format!("the individual mode simulates whole people; got {x}")));
        } else if x > 1e9 {
            // Tallies of whole numbers stay exact (below 2^53) for up to 1e9 people at up to 1e6
            // units each per cycle.
            out.push((field, format!("the individual mode simulates at most a billion people; got {x}")));
        }
    }
    if s.discount.timing == crate::scenario::DiscountTiming::Point {
        out.push((
            "discount.timing",
            "\"point\" discounts each point of the cohort trace; the individual mode has no trace: use start, end, middle or continuous".into(),
        ));
    }
    if matches!(s.cycle_convention, CycleConvention::Simpson | CycleConvention::Weights) {
        out.push((
            "cycle_convention",
            "simpson and weights integrate a smooth cohort trace, but a person's path is a step function; use half_cycle, start or end".into(),
        ));
    }
    out
}

/// A compiled value: a constant, a parameter slot, or a table (resolved per cycle).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Term {
    Const(f64),
    Slot(u32),
    Table(u32),
}

/// A value computed from the draws of an iteration: an expression over parameters, written in
/// one slot, or (`per_cycle`) in one slot per cycle from `slot` on.
#[derive(Clone, Debug)]
pub(crate) struct Derived {
    pub expr: expr::Expr,
    pub slot: usize,
    pub per_cycle: bool,
}

/// A row of shares or probabilities: explicit entries plus an optional `rest` entry.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub entries: Vec<(usize, Term)>,
    pub rest: Option<usize>,
    /// Field path, for messages.
    pub path: String,
}

/// A transition matrix as compiled: one row per state; `None` for an absorbing (dead) state.
#[derive(Clone, Debug)]
pub(crate) struct Matrix {
    pub kind: TransitionKind,
    pub rows: Vec<Option<Row>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Category {
    pub price: Term,
    pub split: Row,
    /// Use per person-year, per state.
    pub use_: Vec<Term>,
    /// Negative binomial alpha of a person's count per cycle (individual mode); None: Poisson.
    pub overdispersion: Option<Term>,
    pub path: String,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct CycleRange {
    pub first: usize,
    pub last: usize,
}

impl CycleRange {
    pub const ALL: CycleRange = CycleRange { first: 1, last: usize::MAX };
    #[inline]
    pub fn contains(&self, t: usize) -> bool {
        self.first <= t && t <= self.last
    }
}

#[derive(Clone, Debug)]
pub(crate) struct TransitionEffect {
    pub from: usize,
    pub to: usize,
    pub ratio: Term,
    pub cycles: CycleRange,
    pub path: String,
    /// `relative_risk` or `hazard_ratio`, for messages.
    pub field: &'static str,
    /// A hazard ratio on a probability, `1 - (1 - p)^hr`, rather than a factor on the entry.
    pub on_hazard: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct UseEffect {
    pub category: usize,
    pub ratio: Term,
    pub states: Vec<bool>,
    pub cycles: CycleRange,
    pub path: String,
}

#[derive(Clone, Debug)]
pub(crate) struct ArmCost {
    pub kind: CostKind,
    pub amount: Term,
    pub fte: Term,
    pub states: Vec<bool>,
    pub cycle: usize,
    pub cycles: CycleRange,
    pub split: Row,
    pub path: String,
}

#[derive(Clone, Debug)]
pub(crate) struct Arm {
    /// Position in the model's arms.
    pub index: usize,
    pub uptake: Term,
    /// Share of participants who start in cycle e (index e - 1); sums to 1.
    pub enrol: Vec<f64>,
    /// Effect weight by cycles since start k = 1.. (index k - 1).
    pub weight: Vec<f64>,
    pub matrix: Option<Matrix>,
    pub transition_effects: Vec<TransitionEffect>,
    pub use_effects: Vec<UseEffect>,
    pub costs: Vec<ArmCost>,
    /// (category, state, use) replacing usual care's use for participants.
    pub use_override: Vec<(usize, usize, Term)>,
    /// (state, utility) replacing usual care's utility for participants.
    pub utility_override: Vec<(usize, Term)>,
    pub path: String,
}

/// Parts of the population with values of their own.
#[derive(Clone, Debug)]
pub(crate) struct Subgroups {
    /// Shares, one entry per subgroup (one subgroup with share 1 when the scenario has none).
    pub shares: Row,
    /// Per subgroup: (slot, value) replacing the slot's draw for its people.
    pub values: Vec<Vec<(usize, Term)>>,
    /// Names, empty when the scenario has none.
    pub labels: Vec<Label>,
}

/// A drawn parameter that can fall outside the range of a field it is used in (a normal cost
/// below 0, a gamma probability above 1): such a draw stops the run at that iteration.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct DrawRisk {
    /// The parameter's key.
    pub parameter: String,
    /// The fields that use it with a range, by path.
    pub fields: Vec<String>,
    /// The narrowest range of those fields.
    pub low: f64,
    /// Its upper end (infinite for amounts).
    pub high: f64,
    /// The chance one draw falls outside it.
    pub probability: f64,
}

impl DrawRisk {
    /// Draws expected outside the range in `iterations` iterations.
    pub fn expected(&self, iterations: usize) -> f64 {
        self.probability * iterations as f64
    }

    /// What a reader should know, and do, for a run of `iterations` iterations.
    pub fn describe(&self, iterations: usize) -> String {
        let side = if self.high.is_finite() {
            format!("outside [{}, {}]", self.low, self.high)
        } else {
            format!("below {}", self.low)
        };
        let (fields, verb) = match self.fields.as_slice() {
            [one] => (one.clone(), "is"),
            more => (more.join(", "), "are"),
        };
        format!(
            "falls {side} with probability {:.2e} per draw, and {fields} {verb} never {side}: about {:.1} of {iterations} iterations would stop the run; give it a distribution that stays in range (gamma or lognormal for amounts, beta for probabilities), or cut a normal with truncate = [low, high]",
            self.probability,
            self.expected(iterations),
        )
    }
}

/// A compiled parameter: its distribution and where its draws go.
#[derive(Clone, Debug)]
pub(crate) struct Param {
    pub name: String,
    pub dist: Dist,
    pub slot: usize,
    /// The base-case value, when it is not the distribution's mean.
    pub base: Option<f64>,
    /// Stream key from the parameter's name, so adding a parameter leaves the others' draws alone.
    pub key: u64,
}

/// Names and labels of one axis of the results (budgets, payers, arms, states, categories).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Label {
    /// Key, as in the scenario.
    pub name: String,
    /// Display name.
    pub label: String,
}

/// A payer (organisation) in the results, with its Dutch and English names.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PayerInfo {
    /// Key, e.g. `insurer`.
    pub name: String,
    /// Dutch display name, e.g. "Zorgverzekeraar".
    pub label: String,
    /// English display name, e.g. "Health insurer".
    #[serde(default)]
    pub label_en: String,
    /// False for a party that administers money without bearing its risk (the care office for
    /// the long-term care fund): its results are spending, never a gain or a loss of its own.
    #[serde(default = "yes")]
    pub bears_risk: bool,
}

fn yes() -> bool {
    true
}

impl PayerInfo {
    /// The display name in a language (`nl` or `en`).
    pub fn label_in(&self, lang: &str) -> &str {
        if lang == "en" && !self.label_en.is_empty() { &self.label_en } else { &self.label }
    }
}

/// A budget in the results, with the index of its payer in [`Model::payers`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BudgetInfo {
    /// Key, e.g. `zvw`.
    pub name: String,
    /// Display name, e.g. "Zvw".
    pub label: String,
    /// Index into [`Model::payers`].
    pub payer: usize,
}

/// A scenario checked and compiled for simulation: names resolved to indices, values to flat
/// arrays. Build it with [`Model::new`]; run it with [`Simulation`](crate::Simulation).
///
/// ```
/// let s = ontschot::Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/samenoud.toml")).unwrap();
/// let model = ontschot::Model::new(&s).unwrap();
/// assert_eq!(model.budgets()[0].name, "zvw");
/// assert!(model.n_years() >= 1);
/// ```
#[derive(Clone, Debug)]
pub struct Model {
    pub(crate) scenario: Scenario,
    pub(crate) params: Vec<Param>,
    pub(crate) slot_names: Vec<String>,
    /// Every number written in the scenario with its field path (see `engine::finite`).
    pub(crate) constants: Vec<(String, f64)>,
    pub(crate) notes: Vec<String>,
    pub(crate) draw_risks: Vec<DrawRisk>,
    pub(crate) tables: Vec<Vec<Term>>,
    /// What each table is, for messages: a scenario's table or an expression that varies by cycle.
    pub(crate) table_names: Vec<String>,
    /// Values computed from each iteration's draws, in order; their slots follow the parameters'.
    pub(crate) derived: Vec<Derived>,
    /// What each derived slot holds, for messages.
    pub(crate) derived_names: Vec<String>,
    pub(crate) n_cycles: usize,
    pub(crate) cycles_per_year: usize,
    pub(crate) cycle_years: f64,
    pub(crate) states: Vec<Label>,
    pub(crate) dead: Vec<bool>,
    pub(crate) initial: Row,
    pub(crate) matrix: Matrix,
    pub(crate) categories: Vec<Category>,
    pub(crate) category_labels: Vec<Label>,
    pub(crate) utility: Option<Vec<Term>>,
    pub(crate) arms: Vec<Arm>,
    pub(crate) arm_labels: Vec<Label>,
    pub(crate) budgets: Vec<BudgetInfo>,
    pub(crate) payers: Vec<PayerInfo>,
    /// Per cycle (index t - 1): trace points and coefficients of the cycle convention.
    pub(crate) convention: Vec<[(usize, f64); 3]>,
    pub(crate) population: f64,
    /// People entering each year from the second year on.
    pub(crate) inflow: f64,
    pub(crate) subgroups: Subgroups,
    pub(crate) financing: Financing,
    pub(crate) cash: Cash,
    /// The parties that pay and save: one per payer, or a region's municipalities and insurers.
    pub(crate) parties: Vec<PartyInfo>,
    /// The factor that brings the societal view's amounts from the price year to the year it is
    /// expressed in (1 without `analysis.societal_year`), and that year.
    pub(crate) societal: (f64, Option<u32>),
    pub(crate) region: Option<RegionModel>,
}

/// What kind of party a [`PartyInfo`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A payer of the scenario (all its budgets).
    Payer,
    /// A municipality of a region (its share of the municipalities' budgets).
    Municipality,
    /// An insurer of a region (its members' share of the insurers' budgets).
    Insurer,
    /// The national risk-equalisation fund: what returns of the insurers' changes in care costs.
    Equalisation,
}

/// A party that pays and saves: a payer, or in a region a municipality or an insurer. The
/// parties always sum to the budgets.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartyInfo {
    /// Key, e.g. `veendam` or `insurer`.
    pub name: String,
    /// Dutch display name.
    pub label: String,
    /// English display name.
    pub label_en: String,
    /// What kind of party.
    pub kind: PartyKind,
    /// The payer whose budgets it shares (its own key for a payer).
    pub payer: String,
    /// False for a party that administers money without bearing its risk.
    pub bears_risk: bool,
}

/// A region, compiled: rows of shares and how each budget's flows split over the parties.
#[derive(Clone, Debug)]
pub(crate) struct RegionModel {
    /// Shares of the population per municipality.
    pub shares: Row,
    /// Per municipality: market shares over the insurers.
    pub market: Vec<Row>,
    /// Per municipality: the insurers of the people at the start, when they differ.
    pub start: Vec<Option<Row>>,
    pub switching: Switch,
    /// Equalisation share per care category, and of the own contributions the insurers collect.
    pub equalisation: Vec<Term>,
    pub equalisation_other: Term,
    pub inhabitants: Vec<f64>,
    /// Per budget: which parties share it and by what key its programme costs are paid.
    pub splits: Vec<Split>,
    /// The equalisation fund's party, when there is one.
    pub equalisation_party: Option<usize>,
    pub municipalities: usize,
    pub insurers: usize,
}

/// How people switch insurer each year.
#[derive(Clone, Debug)]
pub(crate) enum Switch {
    /// A share of the people choose anew by the market shares.
    Rate(Term),
    /// Per insurer, the row of chances of being with each insurer a year later.
    Matrix(Vec<Row>),
}

/// How one budget's flows split over the parties.
#[derive(Clone, Debug)]
pub(crate) enum Split {
    /// A payer's budget outside the region's municipalities and insurers: its own party.
    Own(usize),
    /// A municipalities' budget: care by residence, programme by the key.
    Municipalities(Key),
    /// An insurers' budget: care by membership (less equalisation), programme by the key.
    Insurers(Key),
}

/// A cost key, compiled: fixed shares are per municipality or per insurer.
#[derive(Clone, Debug)]
pub(crate) enum Key {
    Residence,
    Inhabitants,
    Membership,
    MarketShare,
    Fixed(Vec<f64>),
}

/// The budget view, compiled: how each budget's cash follows from the simulated use.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cash {
    /// Calendar year of the first model year, when known.
    pub start_year: Option<i32>,
    /// Index paths, by their position in `[indexation]`.
    pub indices: Vec<IndexPath>,
    /// Per category: tariffs, cash split, release and index paths per budget.
    pub categories: Vec<CashCategory>,
    /// Per arm, per cost, per budget: the index path of the amount.
    pub cost_index: Vec<Vec<Vec<Option<usize>>>>,
    /// Own-contribution rules.
    pub rules: Vec<Rule>,
}

impl Cash {
    /// True when a rule's expectation needs each cycle's transition matrices (a fee or a
    /// deductible, charged per person rather than per unit).
    pub(crate) fn needs_paths(&self) -> bool {
        self.rules.iter().any(|r| !matches!(r.kind, RuleKind::Contribution { .. }))
    }
}

/// A price path: per model year, the rates whose `1 + rate` multiply (`up`) or divide (`down`)
/// the price-year amount to reach that calendar year.
#[derive(Clone, Debug)]
pub(crate) struct IndexPath {
    pub up: Vec<Vec<Term>>,
    pub down: Vec<Vec<Term>>,
    pub path: String,
}

#[derive(Clone, Debug)]
pub(crate) struct CashCategory {
    pub split: Row,
    /// Per budget: the tariff per unit.
    pub tariff: Vec<Term>,
    /// Per budget: the share of a changed unit's cost that changes cash.
    pub release: Vec<Term>,
    /// Per budget: the index path.
    pub index: Vec<Option<usize>>,
}

/// An own-contribution rule: `from` (the client's budget) pays, `to` collects.
#[derive(Clone, Debug)]
pub(crate) struct Rule {
    pub kind: RuleKind,
    pub from: usize,
    pub to: usize,
    pub path: String,
}

#[derive(Clone, Debug)]
pub(crate) enum RuleKind {
    /// A fee per user-month: users are people with any use of `categories` in a cycle.
    FlatFee { categories: Vec<usize>, per_month: Term, per_user: Term },
    /// A yearly threshold on the budget `to`'s costs of the categories that count, less the
    /// claims outside the model that count against it.
    Deductible { threshold: Term, other: Term, counted: Vec<bool> },
    /// An amount per unit, of which `living` per unit the client no longer pays at home.
    Contribution { categories: Vec<bool>, per_unit: Term, living: Term },
}

/// The compiled arrangements in force and the alternatives, with their names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Financing {
    pub in_force: Vec<Arrangement>,
    pub alternatives: Vec<Alternative>,
}

/// Calendar years `(first, last)`; `None` leaves an end open.
pub(crate) type Years = (Option<u32>, Option<u32>);

/// An alternative set of arrangements, with the instrument it rests on.
#[derive(Clone, Debug)]
pub(crate) struct Alternative {
    pub label: Label,
    pub arrangements: Vec<Arrangement>,
    /// Key, name and legal basis of its instrument.
    pub instrument: Option<(String, String, String)>,
    /// Calendar years in which it pays.
    pub years: Years,
    pub hypothetical: bool,
    /// True when its instrument exists in some year of the horizon.
    pub available: bool,
}

impl Alternative {
    /// Whether comparisons and the solver may offer it: it exists in the horizon, or the
    /// analyst marked it hypothetical.
    pub(crate) fn offered(&self) -> bool {
        self.available || self.hypothetical
    }
}

/// A party to an arrangement: the budgets whose flows count, and the budget that books transfers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Party {
    pub budgets: Vec<usize>,
    pub book: usize,
    /// A region's municipality or insurer: the index of the party whose own money it is.
    pub region: Option<usize>,
}

/// A compiled arrangement.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arrangement {
    SharedSavings { from: Party, to: Party, share: f64, cap: f64, floor: f64, losses: bool, settle: Settle },
    FixedContribution { from: Party, to: Party, amount: f64, per: Per },
    PooledBudget { key: Option<Vec<(Party, f64)>>, parties: Vec<Party> },
    OutcomePayment { from: Party, to: Party, price: f64, category: usize, unit_size: f64, cap: f64 },
    SocialImpactBond { investor: Party, payer: Party, price: f64, category: usize, unit_size: f64, max_return: f64 },
}

impl Model {
    /// Validates the scenario and compiles it. On failure, the error lists every problem found,
    /// each with its field path.
    ///
    /// ```
    /// let mut s = ontschot::Scenario::from_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds/samenoud.toml")).unwrap();
    /// s.horizon_years = 0;
    /// let err = ontschot::Model::new(&s).unwrap_err();
    /// assert!(err.to_string().contains("horizon_years"));
    /// ```
    pub fn new(scenario: &Scenario) -> Result<Model> {
        compile::compile(scenario)
            .map_err(|problems| Error::Invalid { origin: scenario.origin_label().to_owned(), problems })
    }

    /// The scenario this model was compiled from.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    /// Budgets in the results, in order: the defaults used (zvw, wmo, wlz, jeugdwet,
    /// eigen_bijdrage), then the scenario's own.
    pub fn budgets(&self) -> &[BudgetInfo] {
        &self.budgets
    }
    /// Payers that hold at least one budget, in order of first appearance.
    pub fn payers(&self) -> &[PayerInfo] {
        &self.payers
    }
    /// Arms; the first is the comparator (usual care).
    pub fn arms(&self) -> &[Label] {
        &self.arm_labels
    }
    /// States in the order of the scenario.
    pub fn states(&self) -> &[Label] {
        &self.states
    }
    /// Care categories in the order of the scenario.
    pub fn categories(&self) -> &[Label] {
        &self.category_labels
    }
    /// Parameter names, sorted.
    pub fn parameters(&self) -> Vec<&str> {
        self.params.iter().map(|p| p.name.as_str()).collect()
    }
    /// What the scenario leaves to a default that changes its results, each with the field
    /// path: a reader should check these. Empty for the seeds.
    ///
    /// ```
    /// let mut s = ontschot::seeds::samenoud();
    /// assert!(ontschot::Model::new(&s).unwrap().notes().is_empty());
    /// s.transitions.kind = None;
    /// let model = ontschot::Model::new(&s).unwrap();
    /// assert!(model.notes()[0].starts_with("transitions.kind is not given"));
    /// ```
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
    /// What a reader should check before a run of `iterations` iterations, one line each: the
    /// defaults the scenario relies on ([`Model::notes`]) and the drawn parameters that would stop
    /// the run once in a thousand runs or more ([`Model::draw_risks`]). `ontschot validate`
    /// prints them; Python's `validate()` gives them as warnings.
    pub fn warnings(&self, iterations: usize) -> Vec<String> {
        let risks = self.draw_risks.iter().filter(|r| r.expected(iterations) >= 1e-3);
        self.notes
            .iter()
            .cloned()
            .chain(risks.map(|r| format!("parameters.{}: {}", r.parameter, r.describe(iterations))))
            .collect()
    }
    /// The drawn parameters that can fall outside the range of a field they are used in, with
    /// the chance per draw (see [`DrawRisk`]). A run refuses to start when one of them would stop
    /// it with a chance of 5% or more.
    pub fn draw_risks(&self) -> &[DrawRisk] {
        &self.draw_risks
    }
    /// Number of model cycles over the horizon.
    pub fn n_cycles(&self) -> usize {
        self.n_cycles
    }
    /// Number of years over the horizon (the year axis of the results).
    pub fn n_years(&self) -> usize {
        self.n_cycles / self.cycles_per_year
    }
    /// True when every living state has a utility, so QALYs are computed.
    pub fn has_utilities(&self) -> bool {
        self.utility.is_some()
    }
    /// Number of people in the cohort.
    pub fn population(&self) -> f64 {
        self.population
    }
    /// People entering each year from the second year on.
    pub fn inflow(&self) -> f64 {
        self.inflow
    }
    /// Subgroups of the population (empty when the scenario has none).
    pub fn subgroups(&self) -> &[Label] {
        &self.subgroups.labels
    }
    /// People times cycles of one arm over the horizon, entrants included: the work of one
    /// individual iteration per arm.
    pub(crate) fn person_cycles(&self) -> usize {
        let cpy = self.cycles_per_year;
        let people: f64 = (0..self.entry_years()).map(|k| self.entrants(k) * (self.n_cycles - k * cpy) as f64).sum();
        people.min(usize::MAX as f64 / 2.0) as usize
    }
    /// Number of entry years: every year with inflow, else only the first.
    pub(crate) fn entry_years(&self) -> usize {
        if self.inflow > 0.0 { self.n_years() } else { 1 }
    }
    /// People entering at the start of a year: the population in the first year, the inflow after.
    pub(crate) fn entrants(&self, year: usize) -> f64 {
        if year == 0 { self.population } else { self.inflow }
    }
    /// The parties that pay and save: one per payer, or with a region its municipalities and
    /// insurers (and the equalisation fund) beside the other payers.
    pub fn parties(&self) -> &[PartyInfo] {
        &self.parties
    }
    /// Per party: whether it joins and pays by the region's keys (all without a region, or
    /// without `region.joiners`).
    pub fn joiners(&self) -> Vec<bool> {
        let listed = self.scenario.region.as_ref().and_then(|r| r.joiners.as_ref());
        self.parties
            .iter()
            .map(|p| match (listed, p.kind) {
                (Some(list), PartyKind::Municipality | PartyKind::Insurer) => list.contains(&p.name),
                _ => true,
            })
            .collect()
    }
    /// The calendar year of the first model year (the budget view's first year), when the
    /// scenario gives a `start_year` or a `price_year`.
    pub fn start_year(&self) -> Option<i32> {
        self.cash.start_year
    }
    /// The cycle convention in force.
    pub fn cycle_convention(&self) -> CycleConvention {
        self.scenario.cycle_convention
    }
    /// The name a reader sees for a parameter (or a Dirichlet component written `name.part`)
    /// in `lang`: its label from the scenario, the key when it has none.
    ///
    /// ```
    /// use ontschot::format::Lang;
    /// let model = ontschot::Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
    /// assert_eq!(model.parameter_label("nope", Lang::En), "nope");
    /// ```
    pub fn parameter_label(&self, name: &str, lang: crate::format::Lang) -> String {
        if let Some(p) = self.scenario.parameters.get(name) {
            return p.label_in(name, lang).to_owned();
        }
        match name.split_once('.') {
            Some((key, part)) if self.scenario.parameters.contains_key(key) => {
                format!("{}: {part}", self.scenario.parameters[key].label_in(key, lang))
            }
            _ => name.to_owned(),
        }
    }

    /// The slot of a parameter, or of a Dirichlet component written `name.part`.
    pub(crate) fn slot_of(&self, name: &str) -> Option<usize> {
        self.slot_names.iter().position(|n| n == name)
    }

    /// Parameter values of the base case, slot by slot (what the deterministic run uses): each
    /// parameter's `base` when it gives one, its distribution's mean otherwise; the derived
    /// values computed from them.
    pub(crate) fn mean_slots(&self) -> Vec<f64> {
        let mut v = vec![0.0; self.slot_names.len() + self.derived_names.len()];
        for p in &self.params {
            match p.base {
                Some(x) => v[p.slot] = x,
                None => {
                    let m = p.dist.mean();
                    v[p.slot..p.slot + m.len()].copy_from_slice(&m);
                }
            }
        }
        self.derive(&mut v);
        v
    }

    /// Computes the derived values from the parameter values in `slots`.
    #[inline]
    pub(crate) fn derive(&self, slots: &mut [f64]) {
        for d in &self.derived {
            if d.per_cycle {
                for c in 1..=self.n_cycles {
                    let vars = expr::Vars::of(c, self.cycle_years, self.cycles_per_year, self.start_age());
                    slots[d.slot + c - 1] = d.expr.eval(slots, &self.tables, c, &vars);
                }
            } else {
                slots[d.slot] = d.expr.eval(slots, &self.tables, 1, &expr::Vars::default());
            }
        }
    }

    fn start_age(&self) -> f64 {
        self.scenario.population.start_age.unwrap_or(0.0)
    }

    /// The key of slot `i`: a parameter's name, or the expression a derived value is.
    pub(crate) fn slot_key(&self, i: usize) -> String {
        self.slot_names.get(i).cloned().unwrap_or_else(|| self.slot_label(i))
    }

    /// With discounting at each trace point: the factors (costs, effects) that bring an amount
    /// counted at time `at` (in cycles from the start) to the start of model year `year`
    /// (0-based); `None` with any other timing.
    #[inline]
    pub(crate) fn within_year(&self, at: usize, year: usize) -> Option<(f64, f64)> {
        let d = &self.scenario.discount;
        (d.timing == crate::scenario::DiscountTiming::Point).then(|| {
            let t = at as f64 * self.cycle_years - year as f64;
            ((1.0 + d.costs).powf(-t), (1.0 + d.effects).powf(-t))
        })
    }

    /// What slot `i` holds, for messages: a parameter, or the expression a derived value is.
    pub(crate) fn slot_label(&self, i: usize) -> String {
        match self.slot_names.get(i) {
            Some(name) => format!("parameter '{name}'"),
            None => self.derived_names.get(i - self.slot_names.len()).cloned().unwrap_or_default(),
        }
    }
}
