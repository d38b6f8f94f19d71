use super::expr;
use super::*;
use crate::dist::Dist;
use crate::error::Problem;
use crate::scenario::{self as sc, TableAxis, Value};
use std::collections::{BTreeMap, HashMap};

/// Default payers: key, Dutch and English label, and whether the party bears the risk of its
/// budget. The Wlz is paid from the long-term care fund (Fonds langdurige zorg); the care office
/// (zorgkantoor) administers it on the fund's behalf and bears no financial risk.
const DEFAULT_PAYERS: [(&str, &str, &str, bool); 4] = [
    ("insurer", "Zorgverzekeraar", "Health insurer", true),
    ("municipality", "Gemeente", "Municipality", true),
    ("care_office", "Fonds langdurige zorg", "Long-term care fund", false),
    ("client", "Cliënt", "Client", true),
];

/// Default budgets: key, label, payer.
const DEFAULT_BUDGETS: [(&str, &str, &str); 5] = [
    ("zvw", "Zvw", "insurer"),
    ("wmo", "Wmo", "municipality"),
    ("wlz", "Wlz", "care_office"),
    ("jeugdwet", "Jeugdwet", "municipality"),
    ("eigen_bijdrage", "Eigen bijdrage", "client"),
];

/// Where a value may stand: some inputs may vary by cycle (tables), some may be `rest`.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    /// Constant over the horizon.
    Fixed,
    /// May vary by cycle (a table by cycle or age is allowed).
    PerCycle,
    /// A budget-view value: may vary by cycle or by calendar year.
    Calendar,
    /// A derived value, checked where it is used: any table.
    Any,
}

/// What a computed value reads that limits where it may stand.
#[derive(Clone, Copy, Debug, Default)]
struct Uses {
    /// The cohort's age (a variable or a table by age).
    age: bool,
    /// A table by calendar year.
    year: bool,
}

struct Compiler<'a> {
    s: &'a Scenario,
    problems: Vec<Problem>,
    slots: HashMap<String, usize>,
    tables: HashMap<String, usize>,
    states: HashMap<&'a str, usize>,
    budget_index: HashMap<String, usize>,
    /// Values of fixed parameters by slot, for checks before any draw.
    fixed: HashMap<usize, f64>,
    /// Every number written in the scenario, by field path, to name the likely cause when an
    /// amount overflows during a run.
    constants: Vec<(String, f64)>,
    /// Defaults the scenario relies on without saying so (see `Model::notes`).
    notes: Vec<String>,
    /// Where a drawn parameter is used in a field with a range: slot, field path, low, high.
    ranges: Vec<(usize, String, f64, f64)>,
    n_cycles: usize,
    /// Terms of each cycle of every table: the scenario's own, then those of expressions that
    /// vary by cycle.
    table_terms: Vec<Vec<Term>>,
    /// Names of the tables in `table_terms`, for messages.
    table_names: Vec<String>,
    /// Slots the parameters' draws fill; derived values come after them.
    param_slots: usize,
    /// Values computed from the draws, in the order they are computed.
    derived: Vec<Derived>,
    /// Names of the slots derived values fill, for messages.
    derived_names: Vec<String>,
    /// `[derived]` values compiled so far, with whether they use the cohort's age.
    derived_terms: HashMap<String, Option<(Term, Uses)>>,
    /// `[derived]` values being compiled, to catch one defined through itself.
    visiting: Vec<String>,
    /// The tables are compiled (a table's values cannot use a table).
    tables_done: bool,
}

/// The longest horizon a scenario may have, in years.
pub(crate) const MAX_YEARS: u32 = 200;
/// The most cycles a scenario may have over its horizon.
pub(crate) const MAX_CYCLES: usize = 10_000;

pub(super) fn compile(s: &Scenario) -> std::result::Result<Model, Vec<Problem>> {
    let mut c = Compiler {
        s,
        problems: Vec::new(),
        slots: HashMap::new(),
        tables: HashMap::new(),
        states: HashMap::new(),
        budget_index: HashMap::new(),
        fixed: HashMap::new(),
        constants: vec![("population.size".into(), s.population.size)],
        notes: Vec::new(),
        ranges: Vec::new(),
        n_cycles: 0,
        table_terms: Vec::new(),
        table_names: Vec::new(),
        param_slots: 0,
        derived: Vec::new(),
        derived_names: Vec::new(),
        derived_terms: HashMap::new(),
        visiting: Vec::new(),
        tables_done: false,
    };
    c.check_settings();
    let cycles_per_year = c.cycles_per_year();
    c.n_cycles = (s.horizon_years as usize).saturating_mul(cycles_per_year.unwrap_or(1));
    // Everything after this allocates per cycle: a horizon or a cycle length out of bounds is
    // reported here, before any work.
    if c.n_cycles > MAX_CYCLES && s.horizon_years <= MAX_YEARS {
        c.err(
            "cycle_years",
            format!(
                "{} years of cycles of {} years make {} cycles, more than the {MAX_CYCLES} supported (daily cycles over 27 years); choose a longer cycle",
                s.horizon_years, s.cycle_years, c.n_cycles
            ),
        );
    }
    // Go on with a bounded count, to find the other problems too.
    c.n_cycles = c.n_cycles.min(MAX_CYCLES);
    let (params, slot_names) = c.parameters();
    c.param_slots = slot_names.len();
    c.tables();
    let (states, dead, initial, utility) = c.states();
    let (budgets, payers) = c.budgets();
    let matrix = c.matrix(&s.transitions, "transitions");
    let (categories, category_labels) = c.categories();
    let (arms, arm_labels) = c.arms(&matrix, &categories);
    let subgroups = c.subgroups();
    let convention = c.convention();
    let (parties, region) = c.region(&budgets, &payers);
    let names = super::financing::Names {
        budgets: &budgets,
        payers: &payers,
        categories: &category_labels,
        parties: if region.is_some() { &parties } else { &[] },
    };
    let financing = super::financing::compile_all(s, &names, &mut c.problems);
    let cash = c.cash(&budgets, &categories);
    let societal = c.societal_year();
    c.all_derived();
    // A problem of the scenario itself comes back from every variant, sometimes in other words
    // (a NaN has no JSON form, so a variant reads it as null): a variant's problem at, above or
    // below the place of one of the scenario's own is reported once, as the scenario's.
    let own = c.problems.len();
    let near = |a: &str, b: &str| {
        let under = |long: &str, short: &str| {
            long.strip_prefix(short).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        };
        under(a, b) || under(b, a)
    };
    for (i, v) in s.variants.iter().enumerate() {
        let checked = s.variant(&v.name).map_err(|e| e.problems()).and_then(|vs| compile(&vs).map(|_| ()));
        if let Err(problems) = checked {
            for p in problems {
                if !c.problems[..own].iter().any(|q| near(&q.path, &p.path)) {
                    c.problems.push(Problem::new(format!("variants[{i}]: {}", p.path), p.reason));
                }
            }
        }
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let draw_risks = draw_risks(&params, &c.ranges);
    Ok(Model {
        scenario: s.clone(),
        params,
        slot_names,
        tables: c.table_terms,
        table_names: c.table_names,
        derived: c.derived,
        derived_names: c.derived_names,
        n_cycles: c.n_cycles,
        cycles_per_year: cycles_per_year.unwrap_or(1),
        cycle_years: 1.0 / cycles_per_year.unwrap_or(1) as f64,
        states,
        dead,
        initial,
        matrix: matrix.expect("no problems means a matrix"),
        categories,
        category_labels,
        utility,
        arms,
        arm_labels,
        budgets,
        payers,
        convention,
        population: s.population.size,
        inflow: s.population.inflow,
        subgroups,
        financing,
        cash,
        parties,
        region,
        societal,
        constants: c.constants,
        notes: c.notes,
        draw_risks,
    })
}

/// Per drawn parameter used where a range applies, the chance one draw falls outside the
/// narrowest of its ranges; parameters that cannot leave their ranges are left out.
fn draw_risks(params: &[Param], ranges: &[(usize, String, f64, f64)]) -> Vec<super::DrawRisk> {
    let mut out: Vec<super::DrawRisk> = Vec::new();
    for p in params.iter().filter(|p| p.dist.components().is_empty()) {
        let uses: Vec<&(usize, String, f64, f64)> = ranges.iter().filter(|r| r.0 == p.slot).collect();
        let Some(first) = uses.first() else { continue };
        let (lo, hi) = uses.iter().fold((first.2, first.3), |(lo, hi), r| (lo.max(r.2), hi.min(r.3)));
        let probability = p.dist.probability_outside(lo, hi);
        if probability > 0.0 {
            let mut fields: Vec<String> = uses.iter().map(|r| r.1.clone()).collect();
            fields.dedup();
            out.push(super::DrawRisk { parameter: p.name.clone(), fields, low: lo, high: hi, probability });
        }
    }
    out
}

/// A compiled term as a leaf of an expression.
fn leaf(t: Term) -> expr::Leaf {
    match t {
        Term::Const(x) => expr::Leaf::Const(x),
        Term::Slot(i) => expr::Leaf::Slot(i),
        Term::Table(k) => expr::Leaf::Table(k),
    }
}

/// FNV-1a: a stable hash of a parameter name, fixed across Rust versions and platforms.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// A sum shown without floating-point noise (0.9, not 0.8999999999999999).
fn tidy(x: f64) -> f64 {
    (x * 1e12).round() / 1e12
}

fn label(name: &str, label: &Option<String>) -> Label {
    Label { name: name.to_owned(), label: label.clone().unwrap_or_else(|| name.to_owned()) }
}

/// The closest known name, for "did you mean" hints: ` (did you mean 'uptake'?)`, the whole
/// list when it is short and nothing is close, or nothing.
///
/// ```
/// assert_eq!(ontschot::suggest("uptak", ["uptake", "rr_gp"].into_iter()), " (did you mean 'uptake'?)");
/// ```
pub fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    let mut known: Vec<&str> = known.collect();
    let best = known.iter().map(|k| (edit_distance(name, k), *k)).min();
    match best {
        Some((d, k)) if d <= 1 + name.len() / 4 => format!(" (did you mean '{k}'?)"),
        // Nothing close: a short list is shown whole, so the reader sees what the scenario has.
        Some(_) if known.len() <= 12 => {
            known.sort_unstable();
            known.dedup();
            format!(" (known: {})", known.join(", "))
        }
        None => " (none is defined)".into(),
        Some(_) => String::new(),
    }
}

/// Edits from `a` to `b`, a swap of two neighbouring letters counting as one (optimal string
/// alignment): `zwv` is one edit from `zvw`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for j in 0..=b.len() {
        d[0][j] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Where a checked value came from when the scenario names a parameter for it: the value is
/// wrong at the parameter, so the message points there too.
fn from_parameter(v: &Value) -> String {
    match v {
        Value::Name(n) => format!(" (the value of parameter '{n}')"),
        Value::Number(_) => String::new(),
    }
}

impl<'a> Compiler<'a> {
    fn err(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.problems.push(Problem::new(path, reason));
    }

    fn finite(&mut self, path: &str, x: f64) -> bool {
        if x.is_finite() {
            true
        } else {
            self.err(path, format!("must be a finite number, got {x}"));
            false
        }
    }

    fn check_settings(&mut self) {
        let s = self.s;
        if s.horizon_years == 0 {
            self.err("horizon_years", "must be at least 1 year");
        } else if s.horizon_years > MAX_YEARS {
            self.err(
                "horizon_years",
                format!("must be at most {MAX_YEARS} years (a life-time horizon fits), got {}", s.horizon_years),
            );
        }
        if s.name.trim().is_empty() {
            self.err("name", "must not be empty");
        }
        for (path, r) in [("discount.costs", s.discount.costs), ("discount.effects", s.discount.effects)] {
            if self.finite(path, r) && !(0.0..1.0).contains(&r) {
                self.err(path, format!("must be a yearly rate in [0, 1), e.g. 0.03; got {r}"));
            }
        }
        let size = s.population.size;
        if self.finite("population.size", size) && size <= 0.0 {
            self.err("population.size", format!("must be > 0, got {size}"));
        }
        let inflow = s.population.inflow;
        if self.finite("population.inflow", inflow) && inflow < 0.0 {
            self.err("population.inflow", format!("must be >= 0 people a year, got {inflow}"));
        }
        if s.simulation.mode == crate::scenario::Mode::Individual {
            for (field, reason) in super::individual_problems(s) {
                self.err(field, reason);
            }
        }
        if let Some(age) = s.population.start_age
            && self.finite("population.start_age", age)
            && age < 0.0
        {
            self.err("population.start_age", format!("must be >= 0, got {age}"));
        }
        for (field, year) in [("price_year", s.price_year), ("start_year", s.start_year)] {
            if let Some(y) = year
                && !(1900..=2200).contains(&y)
            {
                self.err(field, format!("must be a calendar year from 1900 to 2200, got {y}"));
            }
        }
        if let (Some(p), Some(y)) = (s.price_year, s.start_year)
            && p.abs_diff(y) > 100
        {
            self.err(
                "start_year",
                format!("lies {} years from the price year {p}; at most 100 are indexed", p.abs_diff(y)),
            );
        }
        if s.simulation.iterations == 0 {
            self.err("simulation.iterations", "must be at least 1");
        }
        if let Some(wtp) = s.analysis.willingness_to_pay {
            if self.finite("analysis.willingness_to_pay", wtp) && wtp < 0.0 {
                self.err("analysis.willingness_to_pay", format!("must be >= 0, got {wtp}"));
            }
            if let Some(b) = s.analysis.burden
                && b.reference_value() != wtp
            {
                self.err(
                    "analysis.willingness_to_pay",
                    format!(
                        "{wtp} differs from the reference value of burden '{}' ({}): give one of the two",
                        b.as_str(),
                        b.reference_value()
                    ),
                );
            }
        }
        match (&s.cycle_weights, s.cycle_convention) {
            (Some(_), c) if c != CycleConvention::Weights => {
                self.err("cycle_weights", "are only used with cycle_convention = \"weights\"; remove them or set it")
            }
            (None, CycleConvention::Weights) => self.err(
                "cycle_convention",
                "\"weights\" needs cycle_weights: per cycle the weights [start, end] of its two trace points",
            ),
            (Some(w), _) => {
                let cycles = self.cycles_per_year().map(|k| (s.horizon_years as usize).saturating_mul(k));
                if let Some(n) = cycles
                    && w.len() != n
                {
                    self.err("cycle_weights", format!("needs one pair [start, end] per cycle: {n}, got {}", w.len()));
                }
                for (i, pair) in w.iter().enumerate() {
                    for (j, x) in pair.iter().enumerate() {
                        self.finite(&format!("cycle_weights[{i}][{j}]"), *x);
                    }
                }
                if s.population.inflow > 0.0 {
                    self.err(
                        "cycle_convention",
                        "\"weights\" are given for the cycles of the cohort followed from the start; with entrants (population.inflow) a later cohort's course is shorter: use start, end, half_cycle or simpson",
                    );
                }
            }
            (None, _) => {}
        }
        if s.cycle_convention == CycleConvention::Simpson
            && let Some(k) = self.cycles_per_year()
            && (s.horizon_years as usize) * k < 2
        {
            self.err("cycle_convention", "simpson needs at least 2 cycles over the horizon");
        }
    }

    /// 1 / cycle_years when it is a whole number; None (with a problem recorded once) otherwise.
    fn cycles_per_year(&mut self) -> Option<usize> {
        let cy = self.s.cycle_years;
        let k = 1.0 / cy;
        if cy.is_finite() && cy > 0.0 && cy <= 1.0 && (k - k.round()).abs() < 1e-6 * k {
            Some(k.round() as usize)
        } else {
            if !self.problems.iter().any(|p| p.path == "cycle_years") {
                self.err(
                    "cycle_years",
                    format!("must be 1 or 1/k for a whole k (0.5, 0.25, 0.0833333 for months), got {cy}"),
                );
            }
            None
        }
    }

    fn parameters(&mut self) -> (Vec<Param>, Vec<String>) {
        let mut params = Vec::new();
        let mut names = Vec::new();
        for (name, spec) in &self.s.parameters {
            let path = format!("parameters.{name}");
            if name.is_empty() || name.contains('.') || name == Value::REST {
                self.err(&path, "a parameter name must be non-empty, without '.', and not 'rest'");
                continue;
            }
            if expr::reserved(name) {
                self.err(&path, format!("'{name}' is a variable or function of expressions; choose another name"));
                continue;
            }
            match Dist::from_spec(spec) {
                Ok(dist) => {
                    let slot = names.len();
                    if dist.is_fixed() {
                        self.fixed.insert(slot, dist.mean()[0]);
                    }
                    if dist.components().is_empty() {
                        self.slots.insert(name.clone(), slot);
                        names.push(name.clone());
                    } else {
                        for comp in dist.components() {
                            let full = format!("{name}.{comp}");
                            self.slots.insert(full.clone(), names.len());
                            names.push(full);
                        }
                    }
                    let base = self.base(&path, spec, &dist);
                    params.push(Param { name: name.clone(), key: stable_hash(name), slot, dist, base });
                }
                Err(ps) => {
                    for p in ps {
                        self.err(format!("{path}.{}", p.path), p.reason);
                    }
                }
            }
        }
        (params, names)
    }

    /// A parameter's base case when it gives one: a finite number the distribution can take.
    fn base(&mut self, path: &str, spec: &sc::ParameterSpec, dist: &Dist) -> Option<f64> {
        let x = spec.base?;
        let path = format!("{path}.base");
        if !self.finite(&path, x) {
            return None;
        }
        if dist.is_fixed() {
            self.err(path, "a fixed parameter's value is its base case; remove base");
            return None;
        }
        if !dist.components().is_empty() {
            self.err(path, "a parameter of several components has its means as base case; remove base");
            return None;
        }
        let (lo, hi) = match spec.dist {
            sc::DistKind::Beta => (0.0, 1.0),
            sc::DistKind::Gamma | sc::DistKind::Lognormal => (0.0, f64::INFINITY),
            sc::DistKind::Uniform | sc::DistKind::Triangular | sc::DistKind::Pert => {
                (spec.min.unwrap_or(f64::NEG_INFINITY), spec.max.unwrap_or(f64::INFINITY))
            }
            _ => spec.truncate.map_or((f64::NEG_INFINITY, f64::INFINITY), |[lo, hi]| (lo, hi)),
        };
        if x < lo || x > hi {
            self.err(path, format!("{x} lies outside the values the distribution can take, [{lo}, {hi}]"));
            return None;
        }
        Some(x)
    }

    fn tables(&mut self) {
        let s = self.s;
        let mut out = Vec::new();
        for (name, t) in &s.tables {
            let path = format!("tables.{name}");
            if self.slots.contains_key(name) || s.parameters.contains_key(name) {
                self.err(&path, "a table and a parameter share this name");
                continue;
            }
            if expr::reserved(name) {
                self.err(&path, format!("'{name}' is a variable or function of expressions; choose another name"));
                continue;
            }
            if t.age_at != sc::AgeAt::Start && t.by != TableAxis::Age {
                self.err(format!("{path}.age_at"), "is for a table by age; remove it");
                continue;
            }
            if t.breaks.is_empty() || t.breaks.len() != t.values.len() {
                self.err(
                    &path,
                    format!("needs as many values ({}) as breaks ({}), at least one", t.values.len(), t.breaks.len()),
                );
                continue;
            }
            let mut ok = true;
            for (i, b) in t.breaks.iter().enumerate() {
                ok &= self.finite(&format!("{path}.breaks[{i}]"), *b);
                if i > 0 && *b <= t.breaks[i - 1] {
                    self.err(format!("{path}.breaks[{i}]"), "breaks must increase");
                    ok = false;
                }
            }
            let values: Vec<Option<Term>> = t
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| self.term(&format!("{path}.values[{i}]"), v, Ctx::Fixed))
                .collect();
            let start = match t.by {
                TableAxis::Cycle => 1.0,
                TableAxis::Year => match s.start_year.or(s.price_year) {
                    Some(y) => f64::from(y),
                    None => {
                        self.err(format!("{path}.by"), "a table by calendar year needs start_year (or price_year)");
                        ok = false;
                        0.0
                    }
                },
                TableAxis::Age => match s.population.start_age {
                    Some(a) => a,
                    None => {
                        self.err(format!("{path}.by"), "a table by age needs population.start_age");
                        ok = false;
                        0.0
                    }
                },
            };
            if ok && t.breaks[0] > start {
                self.err(
                    format!("{path}.breaks[0]"),
                    format!(
                        "the first band starts at {} but the cohort starts at {start}{}",
                        t.breaks[0],
                        match t.by {
                            TableAxis::Cycle => "",
                            TableAxis::Year if s.start_year.is_some() => " (start_year)",
                            TableAxis::Year => " (price_year, as start_year is not given)",
                            TableAxis::Age => " (population.start_age)",
                        }
                    ),
                );
                ok = false;
            }
            if ok && t.by == TableAxis::Year {
                let last = start + f64::from(s.horizon_years) - 1.0;
                if let Some((i, b)) = t.breaks.iter().enumerate().find(|(_, b)| **b > last || b.fract() != 0.0) {
                    self.err(
                        format!("{path}.breaks[{i}]"),
                        format!("must be a calendar year within the horizon ({start}-{last}), got {b}"),
                    );
                    ok = false;
                }
            }
            if !ok || values.iter().any(Option::is_none) {
                continue;
            }
            let per_cycle = (1..=self.n_cycles)
                .map(|cycle| {
                    let x = match t.by {
                        TableAxis::Cycle => cycle as f64,
                        TableAxis::Age => {
                            let end = usize::from(t.age_at == sc::AgeAt::End);
                            start + (cycle - 1 + end) as f64 * s.cycle_years
                        }
                        // Whole years of whole cycles: 1 / cycle_years is a whole number.
                        TableAxis::Year => {
                            start + ((cycle - 1) / (1.0 / s.cycle_years).round().max(1.0) as usize) as f64
                        }
                    };
                    let band = t.breaks.iter().rposition(|b| *b <= x + 1e-9).unwrap_or(0);
                    values[band].expect("checked")
                })
                .collect();
            self.tables.insert(name.clone(), out.len());
            self.table_names.push(format!("table '{name}'"));
            out.push(per_cycle);
        }
        self.table_terms = out;
        self.tables_done = true;
    }

    /// Resolves a value to a term; records a problem and returns None when it cannot.
    fn term(&mut self, path: &str, v: &Value, ctx: Ctx) -> Option<Term> {
        match v {
            Value::Number(x) => {
                let finite = self.finite(path, *x);
                if finite {
                    self.constants.push((path.to_owned(), *x));
                }
                finite.then_some(Term::Const(*x))
            }
            Value::Name(n) if n == Value::REST => {
                self.err(path, "'rest' is only allowed in a row of shares or transitions");
                None
            }
            Value::Name(n) => {
                if let Some(&slot) = self.slots.get(n) {
                    return Some(Term::Slot(slot as u32));
                }
                if let Some(&t) = self.tables.get(n) {
                    return self.table_allowed(path, n, ctx).then_some(Term::Table(t as u32));
                }
                if let Some(p) = self.s.parameters.get(n)
                    && matches!(p.dist, sc::DistKind::Dirichlet | sc::DistKind::MultivariateNormal)
                {
                    let kind = if p.dist == sc::DistKind::Dirichlet { "a dirichlet" } else { "a multivariate normal" };
                    self.err(path, format!("'{n}' is {kind}: name one of its components, as '{n}.COMPONENT'"));
                    return None;
                }
                if self.s.tables.contains_key(n) && !self.tables_done {
                    self.err(path, format!("table '{n}' cannot be used in the values of a table"));
                    return None;
                }
                if self.s.parameters.contains_key(n) || self.s.tables.contains_key(n) {
                    // Its own definition is broken; that problem is reported there.
                    return None;
                }
                if self.s.derived.contains_key(n) {
                    let (term, uses) = self.derived_value(n)?;
                    return self
                        .varying_allowed(path, &format!("derived value '{n}'"), term, uses, ctx)
                        .then_some(term);
                }
                if !expr::is_name(n) || expr::Var::named(n).is_some() {
                    return self.expression(path, n, ctx);
                }
                let hint = suggest(n, self.known_names().into_iter());
                self.err(path, format!("unknown parameter or table '{n}'{hint}"));
                None
            }
        }
    }

    /// Every name an expression or a value may use.
    fn known_names(&self) -> Vec<&'a str> {
        let s = self.s;
        let mut out: Vec<&str> = s.parameters.keys().map(String::as_str).collect();
        out.extend(s.tables.keys().map(String::as_str));
        out.extend(s.derived.keys().map(String::as_str));
        out
    }

    /// Whether table `n` may stand where a value of context `ctx` stands; records why not.
    fn table_allowed(&mut self, path: &str, n: &str, ctx: Ctx) -> bool {
        let by = self.s.tables[n].by;
        let why = match (ctx, by) {
            (Ctx::Fixed, _) => {
                format!("table '{n}' varies by cycle, but this value must be the same in every cycle")
            }
            (Ctx::Calendar, TableAxis::Age) => format!(
                "table '{n}' is by age, but a budget-view value follows the calendar (entrants are younger): use a table by year or by cycle"
            ),
            (Ctx::PerCycle, TableAxis::Year) => format!(
                "table '{n}' is by calendar year, which is for budget-view values only (tariffs, cash_paid_by, cash_release, indexation, own contributions); use a table by cycle here"
            ),
            _ => return true,
        };
        self.err(path, why);
        false
    }

    /// Whether a computed value (`what`), which varies by cycle when it is a table and reads
    /// what `uses` says, may stand in context `ctx`; records why not.
    fn varying_allowed(&mut self, path: &str, what: &str, term: Term, uses: Uses, ctx: Ctx) -> bool {
        let why = match (ctx, term) {
            (Ctx::Fixed, Term::Table(_)) => {
                format!("{what} varies by cycle, but this value must be the same in every cycle")
            }
            (Ctx::Calendar, Term::Table(_)) if uses.age => format!(
                "{what} follows the cohort's age, but a budget-view value follows the calendar (entrants are younger)"
            ),
            (Ctx::PerCycle, Term::Table(_)) if uses.year => format!(
                "{what} uses a table by calendar year, which is for budget-view values only (tariffs, cash_paid_by, cash_release, indexation, own contributions)"
            ),
            _ => return true,
        };
        self.err(path, why);
        false
    }

    /// A `[derived]` value, compiled the first time it is used; None when it cannot be.
    fn derived_value(&mut self, name: &str) -> Option<(Term, Uses)> {
        if let Some(done) = self.derived_terms.get(name) {
            return *done;
        }
        let path = format!("derived.{name}");
        if self.visiting.iter().any(|v| v == name) {
            let chain = self.visiting.join(" -> ");
            self.err(&path, format!("is defined through itself ({chain} -> {name})"));
            return None;
        }
        self.visiting.push(name.to_owned());
        let text = self.s.derived[name].clone();
        let out = if expr::reserved(name) || name.contains('.') {
            self.err(
                &path,
                format!("'{name}' is a variable or function of expressions, or has a '.'; choose another name"),
            );
            None
        } else if self.s.parameters.contains_key(name) || self.s.tables.contains_key(name) {
            self.err(&path, "a derived value and a parameter or table share this name");
            None
        } else {
            let uses = std::cell::Cell::new(Uses::default());
            let term = self.expression_named(&path, &text, Ctx::Any, Some(name), &uses);
            term.map(|t| (t, uses.get()))
        };
        self.visiting.pop();
        self.derived_terms.insert(name.to_owned(), out);
        out
    }

    /// Every `[derived]` value, so one that nothing uses is checked too.
    fn all_derived(&mut self) {
        for name in self.s.derived.keys() {
            self.derived_value(name);
        }
    }

    /// An expression as a term: a number when it is constant, a slot computed once per
    /// iteration when it reads parameters only, a table when it varies by cycle.
    fn expression(&mut self, path: &str, text: &str, ctx: Ctx) -> Option<Term> {
        let uses = std::cell::Cell::new(Uses::default());
        let term = self.expression_named(path, text, ctx, None, &uses)?;
        self.varying_allowed(path, &format!("expression '{text}'"), term, uses.get(), ctx).then_some(term)
    }

    fn expression_named(
        &mut self,
        path: &str,
        text: &str,
        ctx: Ctx,
        name: Option<&str>,
        uses: &std::cell::Cell<Uses>,
    ) -> Option<Term> {
        let add = |more: Uses| {
            let u = uses.get();
            uses.set(Uses { age: u.age || more.age, year: u.year || more.year });
        };
        let compiled = {
            let mut resolve = |n: &str, at: usize| -> std::result::Result<expr::Leaf, expr::ExprError> {
                let fail = |reason: String| expr::ExprError { at, reason };
                if let Some(v) = expr::Var::named(n) {
                    // The same in every cycle: a number, so what uses it can be folded.
                    if v == expr::Var::CycleYears {
                        return Ok(expr::Leaf::Const(1.0 / (1.0 / self.s.cycle_years).round().max(1.0)));
                    }
                    if v == expr::Var::Age {
                        if self.s.population.start_age.is_none() {
                            return Err(fail("'age' needs population.start_age".into()));
                        }
                        add(Uses { age: true, year: false });
                    }
                    return Ok(expr::Leaf::Var(v));
                }
                if self.s.derived.contains_key(n) {
                    let before = self.problems.len();
                    return match self.derived_value(n) {
                        Some((t, more)) => {
                            add(more);
                            Ok(leaf(t))
                        }
                        None if self.problems.len() > before => {
                            Err(fail(format!("derived value '{n}' is not valid (see derived.{n})")))
                        }
                        None => Err(fail(format!("derived value '{n}' is not valid"))),
                    };
                }
                if self.s.tables.contains_key(n) && !self.tables_done {
                    return Err(fail(format!("table '{n}' cannot be used in the values of a table")));
                }
                match self.s.tables.get(n).map(|t| t.by) {
                    Some(TableAxis::Age) => add(Uses { age: true, year: false }),
                    Some(TableAxis::Year) => add(Uses { age: false, year: true }),
                    _ => {}
                }
                let before = self.problems.len();
                match self.term(path, &Value::Name(n.to_owned()), if ctx == Ctx::Fixed { Ctx::PerCycle } else { ctx }) {
                    Some(t) => Ok(leaf(t)),
                    None => {
                        // The name's own problem, said at the expression's position instead.
                        let reason = self.problems.drain(before..).map(|p| p.reason).collect::<Vec<_>>().join("; ");
                        Err(fail(if reason.is_empty() {
                            format!("'{n}' is not valid (see its own definition)")
                        } else {
                            reason
                        }))
                    }
                }
            };
            expr::compile(text, &mut resolve)
        };
        let e = match compiled {
            Ok(e) => e,
            Err(e) => {
                self.err(path, format!("in expression '{text}', at character {}: {}", e.at, e.reason));
                return None;
            }
        };
        let label = name.map_or_else(|| format!("expression '{text}' ({path})"), |n| format!("derived value '{n}'"));
        if let Some(x) = e.constant() {
            if !x.is_finite() {
                self.err(path, format!("expression '{text}' is {x}, not a finite number"));
                return None;
            }
            self.constants.push((path.to_owned(), x));
            return Some(Term::Const(x));
        }
        if let [expr::Op::Slot(i)] = e.ops.as_slice() {
            return Some(Term::Slot(*i));
        }
        if let [expr::Op::Table(k)] = e.ops.as_slice() {
            return Some(Term::Table(*k));
        }
        let reads = e.reads();
        if !reads.tables && !reads.vars {
            let slot = self.param_slots + self.derived_names.len();
            self.derived_names.push(label);
            self.derived.push(Derived { expr: e, slot, per_cycle: false });
            return Some(Term::Slot(slot as u32));
        }
        let table = self.table_terms.len();
        let start_age = self.s.population.start_age.unwrap_or(0.0);
        let per_year = (1.0 / self.s.cycle_years).round().max(1.0) as usize;
        let cycle_years = 1.0 / per_year as f64;
        let constant_tables = !reads.slots
            && e.ops.iter().all(|op| match op {
                expr::Op::Table(k) => self.table_terms[*k as usize].iter().all(|t| matches!(t, Term::Const(_))),
                _ => true,
            });
        let per_cycle: Vec<Term> = if constant_tables {
            (1..=self.n_cycles)
                .map(|c| {
                    Term::Const(e.eval(&[], &self.table_terms, c, &expr::Vars::of(c, cycle_years, per_year, start_age)))
                })
                .collect()
        } else {
            let base = self.param_slots + self.derived_names.len();
            for c in 1..=self.n_cycles {
                self.derived_names.push(format!("{label} in cycle {c}"));
            }
            self.derived.push(Derived { expr: e, slot: base, per_cycle: true });
            (0..self.n_cycles).map(|c| Term::Slot((base + c) as u32)).collect()
        };
        if let Some((c, x)) = per_cycle.iter().enumerate().find_map(|(c, t)| match t {
            Term::Const(x) if !x.is_finite() => Some((c, *x)),
            _ => None,
        }) {
            self.err(path, format!("expression '{text}' is {x} in cycle {}", c + 1));
            return None;
        }
        self.table_names.push(label);
        self.table_terms.push(per_cycle);
        Some(Term::Table(table as u32))
    }

    /// The value of a term known before any draw: a constant or a fixed parameter.
    fn known(&self, t: Term) -> Option<f64> {
        match t {
            Term::Const(x) => Some(x),
            Term::Slot(i) => self.fixed.get(&(i as usize)).copied(),
            Term::Table(_) => None,
        }
    }

    /// A term that must be >= 0 (and <= 1 when `unit`), checked now when its value is known.
    fn bounded(&mut self, path: &str, v: &Value, ctx: Ctx, unit: bool) -> Option<Term> {
        let t = self.term(path, v, ctx)?;
        if let Term::Slot(slot) = t
            && !self.fixed.contains_key(&(slot as usize))
        {
            let hi = if unit { 1.0 } else { f64::INFINITY };
            self.ranges.push((slot as usize, path.to_owned(), 0.0, hi));
        }
        if let Some(x) = self.known(t) {
            let from = from_parameter(v);
            if x < 0.0 {
                self.err(path, format!("must be >= 0, got {x}{from}"));
                return None;
            }
            if unit && x > 1.0 {
                self.err(path, format!("a probability or share must lie in [0, 1], got {x}{from}"));
                return None;
            }
        }
        Some(t)
    }

    /// When a budget is expected and a payer is named (by key or by its Dutch or English label,
    /// as `gemeente`): the payer's budgets, which are what a split names.
    fn payer_hint(&self, key: &str) -> Option<String> {
        let s = self.s;
        let defaults = DEFAULT_PAYERS.iter().map(|(k, nl, en, _)| (k.to_string(), nl.to_string(), en.to_string()));
        let own = s.payers.iter().map(|(k, p)| (k.clone(), p.label.clone(), p.label_en.clone().unwrap_or_default()));
        let (payer, label) = defaults.chain(own).find_map(|(k, nl, en)| {
            [&k, &nl, &en].iter().any(|n| n.eq_ignore_ascii_case(key)).then(|| (k.clone(), nl.clone()))
        })?;
        let mut budgets: Vec<String> = DEFAULT_BUDGETS
            .iter()
            .filter(|(k, _, p)| {
                *p == payer && s.budgets.get(*k).is_none_or(|b| b.payer.as_ref().is_none_or(|q| *q == payer))
            })
            .map(|(k, _, _)| k.to_string())
            .chain(s.budgets.iter().filter(|(_, b)| b.payer.as_deref() == Some(payer.as_str())).map(|(k, _)| k.clone()))
            .collect();
        budgets.sort_unstable();
        budgets.dedup();
        Some(format!(
            ": '{key}' is a payer ({label}), and a split names budgets; {payer}'s are: {}",
            budgets.join(", ")
        ))
    }

    /// A row of shares over `index` (budgets or states), one entry of which may be `rest`.
    fn row(
        &mut self,
        path: &str,
        entries: &BTreeMap<String, Value>,
        kind: &str,
        index: &HashMap<String, usize>,
        ctx: Ctx,
        rest_allowed: bool,
    ) -> Option<Row> {
        let mut row = Row { entries: Vec::new(), rest: None, path: path.to_owned() };
        let mut ok = true;
        let mut fixed_sum = 0.0;
        let mut all_fixed = true;
        for (key, v) in entries {
            let p = format!("{path}.{key}");
            let Some(&i) = index.get(key) else {
                let budgets = DEFAULT_BUDGETS.iter().map(|b| b.0).chain(self.s.budgets.keys().map(String::as_str));
                let hint = if kind == "budget" {
                    self.payer_hint(key).unwrap_or_else(|| suggest(key, budgets))
                } else {
                    suggest(key, index.keys().map(String::as_str))
                };
                self.err(&p, format!("unknown {kind} '{key}'{hint}"));
                ok = false;
                continue;
            };
            if v.is_rest() {
                if !rest_allowed {
                    self.err(&p, "'rest' is not allowed here");
                    ok = false;
                } else if row.rest.is_some() {
                    self.err(&p, "only one entry of a row may be 'rest'");
                    ok = false;
                }
                row.rest = Some(i);
                continue;
            }
            match self.bounded(&p, v, ctx, true) {
                Some(t) => {
                    match self.known(t) {
                        Some(x) => fixed_sum += x,
                        None => all_fixed = false,
                    }
                    row.entries.push((i, t));
                }
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        if entries.is_empty() {
            self.err(path, format!("must name at least one {kind}"));
            return None;
        }
        if all_fixed {
            if row.rest.is_some() && fixed_sum > 1.0 + 1e-9 {
                self.err(
                    path,
                    format!("the entries sum to {}, more than 1, leaving nothing for 'rest'", tidy(fixed_sum)),
                );
                return None;
            }
            if row.rest.is_none() && (fixed_sum - 1.0).abs() > 1e-9 {
                self.err(
                    path,
                    format!(
                        "the entries must sum to 1, they sum to {}{}",
                        tidy(fixed_sum),
                        if rest_allowed { "; or make one entry 'rest'" } else { "" }
                    ),
                );
                return None;
            }
        }
        Some(row)
    }

    fn states(&mut self) -> (Vec<Label>, Vec<bool>, Row, Option<Vec<Term>>) {
        let s = self.s;
        let mut labels = Vec::new();
        let mut dead = Vec::new();
        let mut index = HashMap::new();
        if s.states.is_empty() {
            self.err("states", "needs at least one state");
        }
        for (i, st) in s.states.iter().enumerate() {
            if index.insert(st.name.clone(), i).is_some() {
                self.err(format!("states[{i}].name"), format!("state '{}' is defined twice", st.name));
            }
            self.states.insert(st.name.as_str(), i);
            labels.push(label(&st.name, &st.label));
            dead.push(st.dead);
        }
        let initial_map: BTreeMap<String, Value> =
            s.states.iter().map(|st| (st.name.clone(), st.initial.clone())).collect();
        let initial = self.row("states[].initial", &initial_map, "state", &index, Ctx::Fixed, true).map(|mut r| {
            // Paths in messages name the state's own field.
            r.path = "states[].initial".into();
            r
        });
        let living: Vec<usize> = (0..s.states.len()).filter(|&i| !dead[i]).collect();
        let with_utility = s.states.iter().filter(|st| st.utility.is_some()).count();
        let mut utility = None;
        for (i, st) in s.states.iter().enumerate() {
            if st.dead && st.utility.is_some() {
                self.err(format!("states[{i}].utility"), "a dead state has no utility; remove it");
            }
        }
        if with_utility > 0 {
            let mut u = vec![Term::Const(0.0); s.states.len()];
            for &i in &living {
                match &s.states[i].utility {
                    Some(v) => {
                        let path = format!("states[{i}].utility");
                        if let Some(t) = self.term(&path, v, Ctx::PerCycle) {
                            if let Some(x) = self.known(t)
                                && x > 1.0
                            {
                                let from = from_parameter(v);
                                self.err(&path, format!("a utility is at most 1 (full health), got {x}{from}"));
                            }
                            u[i] = t;
                        }
                    }
                    None => self.err(
                        format!("states[{i}].utility"),
                        "missing: give a utility for every living state, or for none",
                    ),
                }
            }
            utility = Some(u);
        }
        if living.is_empty() && !s.states.is_empty() {
            self.err("states", "needs at least one living state (dead = false)");
        }
        let initial = initial.unwrap_or(Row { entries: Vec::new(), rest: None, path: String::new() });
        (labels, dead, initial, utility)
    }

    fn budgets(&mut self) -> (Vec<BudgetInfo>, Vec<PayerInfo>) {
        let s = self.s;
        // Payers: defaults, relabelled or extended by the scenario.
        let mut payer_labels: BTreeMap<String, PayerInfo> = DEFAULT_PAYERS
            .iter()
            .map(|(k, nl, en, risk)| {
                let info = PayerInfo {
                    name: k.to_string(),
                    label: nl.to_string(),
                    label_en: en.to_string(),
                    bears_risk: *risk,
                };
                (k.to_string(), info)
            })
            .collect();
        for (k, p) in &s.payers {
            let default = payer_labels.get(k);
            let info = PayerInfo {
                name: k.clone(),
                label: p.label.clone(),
                label_en: p.label_en.clone().unwrap_or_else(|| p.label.clone()),
                bears_risk: p.bears_risk.unwrap_or_else(|| default.is_none_or(|d| d.bears_risk)),
            };
            payer_labels.insert(k.clone(), info);
        }
        // Budgets: the defaults that are used, in canonical order, then the scenario's own.
        let mut used: Vec<&str> = Vec::new();
        let splits = s
            .categories
            .iter()
            .flat_map(|c| [Some(&c.paid_by), c.cash_paid_by.as_ref()].into_iter().flatten())
            .chain(s.arms.iter().flat_map(|a| a.costs.iter().map(|c| &c.paid_by)));
        for split in splits {
            used.extend(split.keys().map(String::as_str));
        }
        for rule in &s.own_contributions {
            let (a, b) = match rule {
                sc::OwnContribution::FlatFee { collected_by, paid_by, .. }
                | sc::OwnContribution::Contribution { collected_by, paid_by, .. } => (collected_by, paid_by),
                sc::OwnContribution::Deductible { budget, paid_by, .. } => (budget, paid_by),
            };
            used.extend([a.as_str(), b.as_str()]);
        }
        let mut order: Vec<(String, String, String)> = Vec::new();
        for (k, l, p) in DEFAULT_BUDGETS {
            if used.contains(&k) || s.budgets.contains_key(k) {
                let spec = s.budgets.get(k);
                let label = spec.and_then(|b| b.label.clone()).unwrap_or_else(|| l.to_owned());
                let payer = spec.and_then(|b| b.payer.clone()).unwrap_or_else(|| p.to_owned());
                order.push((k.to_owned(), label, payer));
            }
        }
        for (k, b) in &s.budgets {
            if !DEFAULT_BUDGETS.iter().any(|(d, _, _)| d == k) {
                let Some(payer) = b.payer.clone() else {
                    self.err(format!("budgets.{k}.payer"), "a new budget needs the payer that holds it");
                    continue;
                };
                order.push((k.clone(), b.label.clone().unwrap_or_else(|| k.clone()), payer));
            }
        }
        let mut payers: Vec<PayerInfo> = Vec::new();
        let mut budgets = Vec::new();
        for (name, label, payer) in order {
            let Some(pl) = payer_labels.get(&payer) else {
                let hint = suggest(&payer, payer_labels.keys().map(String::as_str));
                self.err(
                    format!("budgets.{name}.payer"),
                    format!("unknown payer '{payer}'{hint}; define it under [payers.{payer}]"),
                );
                continue;
            };
            let pi = match payers.iter().position(|p| p.name == payer) {
                Some(i) => i,
                None => {
                    payers.push(pl.clone());
                    payers.len() - 1
                }
            };
            self.budget_index.insert(name.clone(), budgets.len());
            budgets.push(BudgetInfo { name, label, payer: pi });
        }
        // Tables, tornado bars and `budget_array` find a party by its name: one name, one party.
        // A payer's only budget may carry the payer's name, as both are the same money.
        for b in &budgets {
            let alone = budgets.iter().filter(|o| o.payer == b.payer).count() == 1;
            if b.name == "total" {
                self.err(
                    format!("budgets.{}", b.name),
                    "'total' names all parties together in the results; choose another name for the budget",
                );
            } else if let Some(p) =
                payers.iter().enumerate().find(|(pi, p)| p.name == b.name && !(*pi == b.payer && alone)).map(|(_, p)| p)
            {
                self.err(
                    format!("budgets.{}", b.name),
                    format!("'{}' is also the name of payer '{}' ({}), so results could not tell them apart; choose another name for the budget", b.name, p.name, p.label),
                );
            }
        }
        if payers.iter().any(|p| p.name == "total") {
            self.err(
                "payers.total",
                "'total' names all parties together in the results; choose another name for the payer",
            );
        }
        (budgets, payers)
    }

    /// The subgroups' shares and values; one subgroup of everybody when the scenario has none.
    fn subgroups(&mut self) -> Subgroups {
        let groups = &self.s.population.subgroups;
        if groups.is_empty() {
            return Subgroups {
                shares: Row { entries: vec![(0, Term::Const(1.0))], rest: None, path: "population.subgroups".into() },
                values: vec![Vec::new()],
                labels: Vec::new(),
            };
        }
        let mut index = HashMap::new();
        let mut shares = BTreeMap::new();
        let mut values = Vec::new();
        for (i, g) in groups.iter().enumerate() {
            let path = format!("population.subgroups[{i}]");
            if index.insert(g.name.clone(), i).is_some() {
                self.err(format!("{path}.name"), format!("subgroup '{}' is defined twice", g.name));
            }
            shares.insert(g.name.clone(), g.share.clone());
            let mut own = Vec::new();
            for (name, v) in &g.values {
                let p = format!("{path}.values.{name}");
                let Some(&slot) = self.slots.get(name) else {
                    let hint = suggest(name, self.slots.keys().map(String::as_str));
                    self.err(&p, format!("unknown parameter '{name}'{hint}"));
                    continue;
                };
                if let Some(t) = self.term(&p, v, Ctx::Fixed) {
                    own.push((slot, t));
                }
            }
            values.push(own);
        }
        let fallback = Row { entries: Vec::new(), rest: None, path: "population.subgroups".into() };
        let shares =
            self.row("population.subgroups", &shares, "subgroup", &index, Ctx::Fixed, true).unwrap_or(fallback);
        let labels = groups.iter().map(|g| label(&g.name, &g.label)).collect();
        Subgroups { shares, values, labels }
    }

    fn state_index(&self) -> HashMap<String, usize> {
        self.states.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    fn split(&mut self, path: &str, paid_by: &BTreeMap<String, Value>) -> Option<Row> {
        let index = self.budget_index.clone();
        self.row(path, paid_by, "budget", &index, Ctx::Fixed, true)
    }

    fn matrix(&mut self, spec: &sc::TransitionSpec, path: &str) -> Option<Matrix> {
        // Rates read as probabilities change every result; a file that does not say is told.
        if spec.kind.is_none() {
            self.notes.push(format!(
                "{path}.kind is not given: the entries are read as probabilities per cycle; write kind = \"probability\" or \"rate\""
            ));
        }
        let index = self.state_index();
        let n = self.s.states.len();
        let mut rows: Vec<Option<Row>> = vec![None; n];
        let mut ok = true;
        for (from, entries) in &spec.from {
            let p = format!("{path}.from.{from}");
            let Some(&i) = index.get(from) else {
                let hint = suggest(from, index.keys().map(String::as_str));
                self.err(&p, format!("unknown state '{from}'{hint}"));
                ok = false;
                continue;
            };
            if self.s.states[i].dead {
                self.err(&p, "a dead state is absorbing and takes no row; remove it");
                ok = false;
                continue;
            }
            let row = match spec.kind() {
                TransitionKind::Probability => self.row(&p, entries, "state", &index, Ctx::PerCycle, true),
                TransitionKind::Rate => self.rate_row(&p, i, entries, &index),
            };
            match row {
                Some(r) => rows[i] = Some(r),
                None => ok = false,
            }
        }
        for (i, st) in self.s.states.iter().enumerate() {
            if !st.dead && !spec.from.contains_key(&st.name) && index.contains_key(&st.name) {
                self.err(
                    format!("{path}.from.{}", st.name),
                    format!("missing: every living state needs a row (write {} = \"rest\" to stay)", st.name),
                );
                ok = false;
            }
            let _ = i;
        }
        ok.then_some(Matrix { kind: spec.kind(), rows })
    }

    fn rate_row(
        &mut self,
        path: &str,
        from: usize,
        entries: &BTreeMap<String, Value>,
        index: &HashMap<String, usize>,
    ) -> Option<Row> {
        let mut row = Row { entries: Vec::new(), rest: None, path: path.to_owned() };
        let mut ok = true;
        for (to, v) in entries {
            let p = format!("{path}.{to}");
            let Some(&j) = index.get(to) else {
                let hint = suggest(to, index.keys().map(String::as_str));
                self.err(&p, format!("unknown state '{to}'{hint}"));
                ok = false;
                continue;
            };
            if v.is_rest() {
                if j != from {
                    self.err(&p, "with kind = \"rate\", 'rest' must be the state itself (staying)");
                    ok = false;
                }
                row.rest = Some(j);
            } else if j == from {
                self.err(&p, "with kind = \"rate\", staying is the 'rest' entry, not a rate");
                ok = false;
            } else {
                match self.bounded(&p, v, Ctx::PerCycle, false) {
                    Some(t) => row.entries.push((j, t)),
                    None => ok = false,
                }
            }
        }
        if row.rest.is_none() && ok {
            self.err(
                path,
                format!("with kind = \"rate\", the row needs '{0} = \"rest\"' for staying", self.s.states[from].name),
            );
            ok = false;
        }
        ok.then_some(row)
    }

    fn categories(&mut self) -> (Vec<Category>, Vec<Label>) {
        let s = self.s;
        let mut out = Vec::new();
        let mut labels = Vec::new();
        let mut seen = HashMap::new();
        let index = self.state_index();
        if s.categories.is_empty() {
            self.err("categories", "needs at least one care category");
        }
        for (ci, c) in s.categories.iter().enumerate() {
            let path = format!("categories[{ci}]");
            if seen.insert(c.name.clone(), ci).is_some() {
                self.err(format!("{path}.name"), format!("category '{}' is defined twice", c.name));
            }
            let price = self.bounded(&format!("{path}.price"), &c.price, Ctx::Fixed, false);
            let split = self.split(&format!("{path}.paid_by"), &c.paid_by);
            let mut use_ = vec![Term::Const(0.0); s.states.len()];
            let mut ok = true;
            for (st, v) in &c.use_per_year {
                let p = format!("{path}.use_per_year.{st}");
                if index.get(st).is_some_and(|&i| s.states[i].dead) {
                    self.err(&p, "a dead state uses no care");
                    ok = false;
                    continue;
                }
                match index.get(st) {
                    Some(&i) => match self.bounded(&p, v, Ctx::PerCycle, false) {
                        Some(t) => use_[i] = t,
                        None => ok = false,
                    },
                    None => {
                        let hint = suggest(st, index.keys().map(String::as_str));
                        self.err(&p, format!("unknown state '{st}'{hint}"));
                        ok = false;
                    }
                }
            }
            let overdispersion = match &c.overdispersion {
                Some(v) => match self.bounded(&format!("{path}.overdispersion"), v, Ctx::Fixed, false) {
                    Some(Term::Const(0.0)) => None,
                    Some(t) => Some(t),
                    None => {
                        ok = false;
                        None
                    }
                },
                None => None,
            };
            labels.push(label(&c.name, &c.label));
            if let (Some(price), Some(split), true) = (price, split, ok) {
                out.push(Category { price, split, use_, overdispersion, path });
            }
        }
        (out, labels)
    }

    fn cycles(&mut self, path: &str, r: &Option<[u32; 2]>) -> CycleRange {
        match r {
            None => CycleRange::ALL,
            Some([a, b]) => {
                let (a, b) = (*a as usize, *b as usize);
                if a < 1 || a > b || b > self.n_cycles {
                    self.err(path, format!("must be [first, last] with 1 <= first <= last <= {} (the number of cycles), got [{a}, {b}]", self.n_cycles));
                }
                CycleRange { first: a, last: b }
            }
        }
    }

    fn state_mask(&mut self, path: &str, states: &Option<Vec<String>>) -> Vec<bool> {
        let n = self.s.states.len();
        match states {
            None => vec![true; n],
            Some(list) => {
                let mut m = vec![false; n];
                for (i, st) in list.iter().enumerate() {
                    match self.states.get(st.as_str()) {
                        Some(&j) => m[j] = true,
                        None => {
                            let hint = suggest(st, self.states.keys().copied());
                            self.err(format!("{path}[{i}]"), format!("unknown state '{st}'{hint}"));
                        }
                    }
                }
                m
            }
        }
    }

    fn arms(&mut self, base: &Option<Matrix>, categories: &[Category]) -> (Vec<Arm>, Vec<Label>) {
        let s = self.s;
        let mut arms = Vec::new();
        let mut labels = Vec::new();
        let mut seen = HashMap::new();
        if s.arms.len() < 2 {
            self.err("arms", "needs usual care (the first arm) and at least one intervention");
        }
        let cat_index: HashMap<String, usize> =
            s.categories.iter().enumerate().map(|(i, c)| (c.name.clone(), i)).collect();
        for (ai, a) in s.arms.iter().enumerate() {
            let path = format!("arms[{ai}]");
            labels.push(label(&a.name, &a.label));
            if seen.insert(a.name.clone(), ai).is_some() {
                self.err(format!("{path}.name"), format!("arm '{}' is defined twice", a.name));
            }
            if ai == 0 {
                let comparator_only = a.uptake.is_none()
                    && a.ramp_up.is_none()
                    && a.effect_duration_cycles.is_none()
                    && a.effect_fade_cycles == 0
                    && a.transitions.is_none()
                    && a.transition_effects.is_empty()
                    && a.use_effects.is_empty()
                    && a.costs.is_empty()
                    && a.state_overrides.is_empty();
                if !comparator_only {
                    self.err(&path, "the first arm is the comparator (usual care): it takes only name and label");
                }
            }
            let uptake = match &a.uptake {
                None => Some(Term::Const(1.0)),
                Some(v) => self.bounded(&format!("{path}.uptake"), v, Ctx::Fixed, true),
            };
            let enrol = self.ramp_up(&path, &a.ramp_up);
            if a.effect_fade_cycles > 0 && a.effect_duration_cycles.is_none() {
                self.err(
                    format!("{path}.effect_fade_cycles"),
                    "effects fade after effect_duration_cycles, which is not given",
                );
            }
            let weight = (1..=self.n_cycles.max(1))
                .map(|k| match a.effect_duration_cycles {
                    None => 1.0,
                    Some(d) if k <= d as usize => 1.0,
                    Some(d) => {
                        let f = a.effect_fade_cycles as usize;
                        let j = k - d as usize;
                        if j <= f { 1.0 - j as f64 / (f + 1) as f64 } else { 0.0 }
                    }
                })
                .collect();
            let matrix = a.transitions.as_ref().and_then(|t| self.matrix(t, &format!("{path}.transitions")));
            if a.transitions.is_some() && matrix.is_none() {
                continue;
            }
            let effective = matrix.as_ref().or(base.as_ref());
            let mut transition_effects = Vec::new();
            for (ei, e) in a.transition_effects.iter().enumerate() {
                let p = format!("{path}.transition_effects[{ei}]");
                if let Some(te) = self.transition_effect(&p, e, effective) {
                    transition_effects.push(te);
                }
            }
            let mut use_effects = Vec::new();
            for (ei, e) in a.use_effects.iter().enumerate() {
                let p = format!("{path}.use_effects[{ei}]");
                let Some(&category) = cat_index.get(&e.category) else {
                    let hint = suggest(&e.category, cat_index.keys().map(String::as_str));
                    self.err(format!("{p}.category"), format!("unknown category '{}'{hint}", e.category));
                    continue;
                };
                let ratio = self.bounded(&format!("{p}.rate_ratio"), &e.rate_ratio, Ctx::PerCycle, false);
                let states = self.state_mask(&format!("{p}.states"), &e.states);
                let cycles = self.cycles(&format!("{p}.cycles"), &e.cycles);
                if let Some(ratio) = ratio {
                    use_effects.push(UseEffect { category, ratio, states, cycles, path: p });
                }
            }
            let mut costs = Vec::new();
            for (ci, c) in a.costs.iter().enumerate() {
                let p = format!("{path}.costs[{ci}]");
                if let Some(cost) = self.arm_cost(&p, c) {
                    costs.push(cost);
                }
            }
            let mut use_override = Vec::new();
            let mut utility_override = Vec::new();
            for (st, o) in &a.state_overrides {
                let p = format!("{path}.state_overrides.{st}");
                let Some(&si) = self.states.get(st.as_str()) else {
                    let hint = suggest(st, self.states.keys().copied());
                    self.err(&p, format!("unknown state '{st}'{hint}"));
                    continue;
                };
                for (cat, v) in &o.use_per_year {
                    let q = format!("{p}.use_per_year.{cat}");
                    match cat_index.get(cat) {
                        Some(&k) => {
                            if let Some(t) = self.bounded(&q, v, Ctx::PerCycle, false) {
                                use_override.push((k, si, t));
                            }
                        }
                        None => {
                            let hint = suggest(cat, cat_index.keys().map(String::as_str));
                            self.err(&q, format!("unknown category '{cat}'{hint}"));
                        }
                    }
                }
                if let Some(v) = &o.utility {
                    if s.states.iter().all(|st| st.utility.is_none()) {
                        self.err(format!("{p}.utility"), "the states have no utilities to override");
                    } else if let Some(t) = self.term(&format!("{p}.utility"), v, Ctx::PerCycle) {
                        match self.known(t) {
                            Some(x) if x > 1.0 => self.err(
                                format!("{p}.utility"),
                                format!("a utility is at most 1 (full health), got {x}{}", from_parameter(v)),
                            ),
                            _ => utility_override.push((si, t)),
                        }
                    }
                }
            }
            let _ = categories;
            if let (Some(uptake), Some(enrol)) = (uptake, enrol) {
                arms.push(Arm {
                    index: ai,
                    uptake,
                    enrol,
                    weight,
                    matrix,
                    transition_effects,
                    use_effects,
                    costs,
                    use_override,
                    utility_override,
                    path,
                });
            }
        }
        (arms, labels)
    }

    fn ramp_up(&mut self, path: &str, ramp: &Option<Vec<f64>>) -> Option<Vec<f64>> {
        let n = self.n_cycles.max(1);
        let Some(r) = ramp else {
            let mut v = vec![0.0; n];
            v[0] = 1.0;
            return Some(v);
        };
        let p = format!("{path}.ramp_up");
        if r.is_empty() || r.len() > n {
            self.err(&p, format!("needs 1 to {n} entries (one per cycle), got {}", r.len()));
            return None;
        }
        let mut prev = 0.0;
        let mut enrol = vec![0.0; n];
        for (i, x) in r.iter().enumerate() {
            if !x.is_finite() || *x < prev || *x > 1.0 {
                self.err(format!("{p}[{i}]"), format!("cumulative shares must rise from 0 to 1, got {x} after {prev}"));
                return None;
            }
            enrol[i] = x - prev;
            prev = *x;
        }
        if (prev - 1.0).abs() > 1e-9 {
            self.err(&p, format!("the last entry must be 1 (all participants have started), got {prev}"));
            return None;
        }
        Some(enrol)
    }

    fn transition_effect(
        &mut self,
        p: &str,
        e: &sc::TransitionEffect,
        matrix: Option<&Matrix>,
    ) -> Option<TransitionEffect> {
        let (from, to) = (self.states.get(e.from.as_str()).copied(), self.states.get(e.to.as_str()).copied());
        if from.is_none() {
            let hint = suggest(&e.from, self.states.keys().copied());
            self.err(format!("{p}.from"), format!("unknown state '{}'{hint}", e.from));
        }
        if to.is_none() {
            let hint = suggest(&e.to, self.states.keys().copied());
            self.err(format!("{p}.to"), format!("unknown state '{}'{hint}", e.to));
        }
        let (from, to) = (from?, to?);
        let matrix = matrix?;
        let (ratio_v, field) = match (matrix.kind, &e.relative_risk, &e.hazard_ratio) {
            (TransitionKind::Probability, Some(v), None) => (v, "relative_risk"),
            (_, None, Some(v)) => (v, "hazard_ratio"),
            (TransitionKind::Probability, _, _) => {
                self.err(p, "give a relative_risk or a hazard_ratio, one of the two");
                return None;
            }
            (TransitionKind::Rate, _, _) => {
                self.err(p, "transitions are rates: give a hazard_ratio (and no relative_risk)");
                return None;
            }
        };
        let present = matrix.rows[from].as_ref().is_some_and(|r| r.entries.iter().any(|(j, _)| *j == to));
        if !present {
            self.err(p, format!("{} -> {} is not an entry of the transition matrix (or is its 'rest' entry), so there is nothing to scale", e.from, e.to));
            return None;
        }
        if matrix.kind == TransitionKind::Probability && matrix.rows[from].as_ref().is_some_and(|r| r.rest.is_none()) {
            self.err(p, format!("the row of '{}' has no 'rest' entry to absorb the change a relative risk makes; make one of its entries 'rest'", e.from));
            return None;
        }
        let ratio = self.bounded(&format!("{p}.{field}"), ratio_v, Ctx::PerCycle, false)?;
        let cycles = self.cycles(&format!("{p}.cycles"), &e.cycles);
        let on_hazard = matrix.kind == TransitionKind::Probability && field == "hazard_ratio";
        Some(TransitionEffect { from, to, ratio, cycles, path: p.to_owned(), field, on_hazard })
    }

    fn arm_cost(&mut self, p: &str, c: &sc::ArmCost) -> Option<ArmCost> {
        let amount = self.bounded(&format!("{p}.amount"), &c.amount, Ctx::Fixed, false);
        let split = self.split(&format!("{p}.paid_by"), &c.paid_by);
        let cycles = self.cycles(&format!("{p}.cycles"), &c.cycles);
        if c.kind == CostKind::OneOff && c.cycles.is_some() {
            self.err(format!("{p}.cycles"), "a one_off cost falls in one cycle: use cycle = N");
        }
        let needs = |field: &str| format!("is required for kind = \"{}\"", field);
        let fte = match (c.kind, &c.fte) {
            (CostKind::PerFte, Some(v)) => self.bounded(&format!("{p}.fte"), v, Ctx::Fixed, false),
            (CostKind::PerFte, None) => {
                self.err(format!("{p}.fte"), needs("per_fte"));
                None
            }
            (_, Some(_)) => {
                self.err(format!("{p}.fte"), "is only for kind = \"per_fte\"");
                None
            }
            (_, None) => Some(Term::Const(0.0)),
        };
        let states = match (c.kind, &c.states) {
            (CostKind::PerPersonInState, Some(_)) => Some(self.state_mask(&format!("{p}.states"), &c.states)),
            (CostKind::PerPersonInState, None) => {
                self.err(format!("{p}.states"), needs("per_person_in_state"));
                None
            }
            (_, Some(_)) => {
                self.err(format!("{p}.states"), "is only for kind = \"per_person_in_state\"");
                None
            }
            (_, None) => Some(vec![true; self.s.states.len()]),
        };
        let cycle = match (c.kind, c.cycle) {
            (CostKind::OneOff, Some(k)) => {
                if k < 1 || k as usize > self.n_cycles {
                    self.err(format!("{p}.cycle"), format!("must lie in 1..={}, got {k}", self.n_cycles));
                }
                k as usize
            }
            (CostKind::OneOff, None) => 1,
            (_, Some(_)) => {
                self.err(
                    format!("{p}.cycle"),
                    "is only for kind = \"one_off\" (use cycles = [first, last] for a range)",
                );
                0
            }
            (_, None) => 0,
        };
        Some(ArmCost {
            kind: c.kind,
            amount: amount?,
            fte: fte?,
            states: states?,
            cycle,
            cycles,
            split: split?,
            path: p.to_owned(),
        })
    }

    /// The parties: one per payer, or a region's municipalities and insurers beside the other
    /// payers, and how each budget splits over them.
    fn region(&mut self, budgets: &[BudgetInfo], payers: &[PayerInfo]) -> (Vec<PartyInfo>, Option<RegionModel>) {
        let own = |p: &PayerInfo| PartyInfo {
            name: p.name.clone(),
            label: p.label.clone(),
            label_en: p.label_en.clone(),
            kind: PartyKind::Payer,
            payer: p.name.clone(),
            bears_risk: p.bears_risk,
        };
        let Some(r) = &self.s.region else {
            return (payers.iter().map(own).collect(), None);
        };
        let mut parties = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        if r.municipalities.is_empty() {
            self.err("region.municipalities", "needs at least one municipality");
        }
        if r.insurers.is_empty() {
            self.err("region.insurers", "needs at least one insurer");
        }
        for (i, m) in r.municipalities.iter().enumerate() {
            if seen.insert(m.name.clone(), parties.len()).is_some() {
                self.err(format!("region.municipalities[{i}].name"), format!("party '{}' is defined twice", m.name));
            }
            parties.push(PartyInfo {
                name: m.name.clone(),
                label: m.label.clone().unwrap_or_else(|| m.name.clone()),
                label_en: m.label.clone().unwrap_or_else(|| m.name.clone()),
                kind: PartyKind::Municipality,
                payer: "municipality".into(),
                bears_risk: true,
            });
        }
        let insurer_index: HashMap<String, usize> =
            r.insurers.iter().enumerate().map(|(i, x)| (x.name.clone(), i)).collect();
        for (i, x) in r.insurers.iter().enumerate() {
            if seen.insert(x.name.clone(), parties.len()).is_some() {
                self.err(format!("region.insurers[{i}].name"), format!("party '{}' is defined twice", x.name));
            }
            parties.push(PartyInfo {
                name: x.name.clone(),
                label: x.label.clone().unwrap_or_else(|| x.name.clone()),
                label_en: x.label.clone().unwrap_or_else(|| x.name.clone()),
                kind: PartyKind::Insurer,
                payer: "insurer".into(),
                bears_risk: true,
            });
        }
        let (nm, ni) = (r.municipalities.len(), r.insurers.len());
        let regional = |p: &str| p == "municipality" || p == "insurer";
        let mut payer_party = HashMap::new();
        for p in payers.iter().filter(|p| !regional(&p.name)) {
            if seen.insert(p.name.clone(), parties.len()).is_some() {
                self.err("region", format!("'{}' names both a payer and a municipality or insurer", p.name));
            }
            payer_party.insert(p.name.clone(), parties.len());
            parties.push(own(p));
        }
        let equalisation_party = r.equalisation.as_ref().map(|_| {
            parties.push(PartyInfo {
                name: "equalisation".into(),
                label: "Vereveningsfonds".into(),
                label_en: "Risk-equalisation fund".into(),
                kind: PartyKind::Equalisation,
                payer: "insurer".into(),
                bears_risk: false,
            });
            parties.len() - 1
        });
        // Shares of the population and market shares.
        let muni_index: HashMap<String, usize> =
            r.municipalities.iter().enumerate().map(|(i, m)| (m.name.clone(), i)).collect();
        let share_map: BTreeMap<String, Value> =
            r.municipalities.iter().map(|m| (m.name.clone(), m.share.clone())).collect();
        let shares =
            self.row("region.municipalities[].share", &share_map, "municipality", &muni_index, Ctx::Fixed, true);
        let mut market = Vec::new();
        for (i, m) in r.municipalities.iter().enumerate() {
            market.push(self.row(
                &format!("region.municipalities[{i}].insurers"),
                &m.insurers,
                "insurer",
                &insurer_index,
                Ctx::Fixed,
                true,
            ));
            if let Some(x) = m.inhabitants
                && !(x.is_finite() && x > 0.0)
            {
                self.err(
                    format!("region.municipalities[{i}].inhabitants"),
                    format!("must be a number above 0, got {x}"),
                );
            }
        }
        let mut start = vec![None; nm];
        let switching = match &r.switching {
            Some(sw) => {
                for (name, row) in &sw.start {
                    let p = format!("region.switching.start.{name}");
                    match muni_index.get(name) {
                        Some(&i) => start[i] = self.row(&p, row, "insurer", &insurer_index, Ctx::Fixed, true),
                        None => {
                            let hint = suggest(name, muni_index.keys().map(String::as_str));
                            self.err(p, format!("unknown municipality '{name}'{hint}"));
                        }
                    }
                }
                match (&sw.rate, sw.matrix.is_empty()) {
                    (Some(rate), true) => {
                        self.bounded("region.switching.rate", rate, Ctx::Fixed, true).map(Switch::Rate)
                    }
                    (None, false) => self.switching_matrix(&sw.matrix, &insurer_index, &r.insurers),
                    (Some(_), false) => {
                        self.err("region.switching", "give a rate or a matrix, not both");
                        None
                    }
                    (None, true) => {
                        self.err("region.switching", "needs a rate or a matrix");
                        None
                    }
                }
            }
            None => Some(Switch::Rate(Term::Const(0.0))),
        };
        let categories = &self.s.categories;
        let (equalisation, equalisation_other) = match &r.equalisation {
            Some(e) => {
                let other = self.bounded("region.equalisation.share", &e.share, Ctx::Fixed, true);
                for name in e.categories.keys() {
                    if !categories.iter().any(|c| &c.name == name) {
                        let hint = suggest(name, categories.iter().map(|c| c.name.as_str()));
                        self.err(
                            format!("region.equalisation.categories.{name}"),
                            format!("unknown category '{name}'{hint}"),
                        );
                    }
                }
                let per: Option<Vec<Term>> = categories
                    .iter()
                    .map(|c| match e.categories.get(&c.name) {
                        Some(v) => {
                            self.bounded(&format!("region.equalisation.categories.{}", c.name), v, Ctx::Fixed, true)
                        }
                        None => other,
                    })
                    .collect();
                (per, other)
            }
            None => (Some(vec![Term::Const(0.0); categories.len()]), Some(Term::Const(0.0))),
        };
        // Keys, one per budget at most.
        let mut keys: HashMap<usize, Key> = HashMap::new();
        for (k, key) in r.keys.iter().enumerate() {
            let p = format!("region.keys[{k}]");
            let Some(&b) = self.budget_index.get(&key.budget) else {
                let hint = suggest(&key.budget, budgets.iter().map(|b| b.name.as_str()));
                self.err(format!("{p}.budget"), format!("unknown budget '{}'{hint}", key.budget));
                continue;
            };
            let payer = payers[budgets[b].payer].name.as_str();
            if !regional(payer) {
                self.err(format!("{p}.budget"), format!("budget '{}' is paid by '{payer}', not by the region's municipalities or insurers: a key splits only their budgets", key.budget));
                continue;
            }
            let of_municipalities = payer == "municipality";
            let fits = matches!(
                (key.by, of_municipalities),
                (sc::KeyBy::Residence | sc::KeyBy::Inhabitants, true)
                    | (sc::KeyBy::Membership | sc::KeyBy::MarketShare, false)
                    | (sc::KeyBy::Fixed, _)
            );
            if !fits {
                self.err(
                    format!("{p}.by"),
                    format!(
                        "{:?} does not split a budget of the {}",
                        key.by,
                        if of_municipalities {
                            "municipalities (use residence, inhabitants or fixed)"
                        } else {
                            "insurers (use membership, market_share or fixed)"
                        }
                    )
                    .to_lowercase(),
                );
                continue;
            }
            if key.by == sc::KeyBy::Inhabitants && r.municipalities.iter().any(|m| m.inhabitants.is_none()) {
                self.err(format!("{p}.by"), "a key by inhabitants needs inhabitants for every municipality");
                continue;
            }
            if (key.by == sc::KeyBy::Fixed) != key.shares.is_some() {
                self.err(format!("{p}.shares"), "shares go with by = \"fixed\", and only with it");
                continue;
            }
            let compiled = match key.by {
                sc::KeyBy::Residence => Key::Residence,
                sc::KeyBy::Inhabitants => Key::Inhabitants,
                sc::KeyBy::Membership => Key::Membership,
                sc::KeyBy::MarketShare => Key::MarketShare,
                sc::KeyBy::Fixed => {
                    let index = if of_municipalities { &muni_index } else { &insurer_index };
                    let mut v = vec![0.0; if of_municipalities { nm } else { ni }];
                    let mut ok = true;
                    for (name, x) in key.shares.as_ref().expect("checked") {
                        match index.get(name) {
                            Some(&i) if x.is_finite() && (0.0..=1.0).contains(x) => v[i] = *x,
                            Some(_) => {
                                self.err(format!("{p}.shares.{name}"), format!("a share must lie in [0, 1], got {x}"));
                                ok = false;
                            }
                            None => {
                                let kind = if of_municipalities { "municipality" } else { "insurer" };
                                self.err(format!("{p}.shares.{name}"), format!("'{name}' is not a {kind} of the region, so it cannot pay this budget's costs (known: {})", index.keys().cloned().collect::<Vec<_>>().join(", ")));
                                ok = false;
                            }
                        }
                    }
                    let total: f64 = v.iter().sum();
                    if ok && (total - 1.0).abs() > 1e-9 {
                        self.err(
                            format!("{p}.shares"),
                            format!("the shares must sum to 1, they sum to {}", tidy(total)),
                        );
                        ok = false;
                    }
                    if !ok {
                        continue;
                    }
                    Key::Fixed(v)
                }
            };
            if keys.insert(b, compiled).is_some() {
                self.err(format!("{p}.budget"), format!("budget '{}' has a key already", key.budget));
            }
        }
        let splits: Vec<Split> = budgets
            .iter()
            .enumerate()
            .map(|(b, info)| match payers[info.payer].name.as_str() {
                "municipality" => Split::Municipalities(keys.remove(&b).unwrap_or(Key::Residence)),
                "insurer" => Split::Insurers(keys.remove(&b).unwrap_or(Key::Membership)),
                other => Split::Own(payer_party[other]),
            })
            .collect();
        if let Some(joiners) = &r.joiners {
            for (k, name) in joiners.iter().enumerate() {
                let known = parties
                    .iter()
                    .any(|p| &p.name == name && matches!(p.kind, PartyKind::Municipality | PartyKind::Insurer));
                if !known {
                    self.err(
                        format!("region.joiners[{k}]"),
                        format!("'{name}' is not a municipality or insurer of the region"),
                    );
                }
            }
            // Every budget that pays part of the intervention needs a joiner to pay it.
            for (b, split) in splits.iter().enumerate() {
                let name = &budgets[b].name;
                let pays_costs = self.s.arms.iter().any(|a| a.costs.iter().any(|c| c.paid_by.contains_key(name)));
                let (offset, members, key) = match split {
                    Split::Municipalities(key) => (0, nm, key),
                    Split::Insurers(key) => (nm, ni, key),
                    Split::Own(_) => continue,
                };
                let paying = (0..members).any(|k| {
                    joiners.contains(&parties[offset + k].name) && !matches!(key, Key::Fixed(v) if v[k] == 0.0)
                });
                if pays_costs && !paying {
                    self.err(
                        "region.joiners",
                        format!("no joining party pays budget '{name}''s part of the intervention: name at least one of its parties with a share in its key"),
                    );
                }
            }
        }
        // A party's key names one party only.
        let reserved = budgets.iter().map(|b| b.name.as_str()).chain(payers.iter().map(|p| p.name.as_str()));
        for name in reserved.chain(["total", "equalisation"]) {
            if let Some(p) = parties.iter().take(nm + ni).find(|p| p.name == name) {
                let kind = if p.kind == PartyKind::Municipality { "municipalities" } else { "insurers" };
                self.err(
                    format!("region.{kind}"),
                    format!(
                        "'{name}' names a budget, a payer or a reserved party (total, equalisation): choose another key"
                    ),
                );
            }
        }
        let inhabitants = r.municipalities.iter().map(|m| m.inhabitants.unwrap_or(0.0)).collect();
        let region = match (
            shares,
            market.into_iter().collect::<Option<Vec<Row>>>(),
            switching,
            equalisation,
            equalisation_other,
        ) {
            (Some(shares), Some(market), Some(switching), Some(equalisation), Some(equalisation_other)) => {
                Some(RegionModel {
                    shares,
                    market,
                    start,
                    switching,
                    equalisation,
                    equalisation_other,
                    inhabitants,
                    splits,
                    equalisation_party,
                    municipalities: nm,
                    insurers: ni,
                })
            }
            _ => None,
        };
        (parties, region)
    }

    /// A switching matrix: a row per insurer over the insurers, each summing to 1.
    fn switching_matrix(
        &mut self,
        matrix: &BTreeMap<String, BTreeMap<String, Value>>,
        insurer_index: &HashMap<String, usize>,
        insurers: &[sc::RegionInsurer],
    ) -> Option<Switch> {
        let mut rows = vec![None; insurers.len()];
        let mut ok = true;
        for (name, row) in matrix {
            let p = format!("region.switching.matrix.{name}");
            match insurer_index.get(name) {
                Some(&i) => rows[i] = self.row(&p, row, "insurer", insurer_index, Ctx::Fixed, true),
                None => {
                    let hint = suggest(name, insurer_index.keys().map(String::as_str));
                    self.err(p, format!("unknown insurer '{name}'{hint}"));
                    ok = false;
                }
            }
        }
        for x in insurers {
            if !matrix.contains_key(&x.name) {
                self.err(
                    "region.switching.matrix",
                    format!("needs a row for insurer '{}': where its members are a year later", x.name),
                );
                ok = false;
            }
        }
        let rows: Option<Vec<Row>> = rows.into_iter().collect();
        rows.filter(|_| ok).map(Switch::Matrix)
    }

    /// The factor to the year the societal view is expressed in: the product of the index
    /// path's known rates between the price year and that year.
    fn societal_year(&mut self) -> (f64, Option<u32>) {
        let a = &self.s.analysis;
        let (year, path) = match (a.societal_year, &a.societal_index) {
            (None, None) => return (1.0, None),
            (Some(y), Some(p)) => (y, p),
            _ => {
                self.err("analysis.societal_year", "give societal_year and societal_index together");
                return (1.0, None);
            }
        };
        let Some(p) = self.s.price_year else {
            self.err("analysis.societal_year", "needs price_year: the year of the reference prices");
            return (1.0, None);
        };
        if !(1900..=2200).contains(&year) || year.abs_diff(p) > 100 {
            self.err(
                "analysis.societal_year",
                format!("must be a calendar year within 100 years of the price year {p}, got {year}"),
            );
            return (1.0, None);
        }
        let Some(spec) = self.s.indexation.get(path) else {
            let hint = suggest(path, self.s.indexation.keys().map(String::as_str));
            self.err("analysis.societal_index", format!("unknown index path '{path}'{hint}"));
            return (1.0, None);
        };
        let field = format!("indexation.{path}.rate");
        let mut factor = 1.0;
        let (lo, hi, up) = if year >= p { (p + 1, year, true) } else { (year + 1, p, false) };
        for k in lo..=hi {
            let Some(t) = self.year_term(&field, &spec.rate, k as i32) else { return (1.0, None) };
            match self.known(t) {
                Some(r) if up => factor *= 1.0 + r,
                Some(r) => factor /= 1.0 + r,
                None => {
                    self.err(
                        "analysis.societal_index",
                        format!("the rate of '{path}' for {k} is drawn, not known: the societal view is expressed in one year's prices with known rates"),
                    );
                    return (1.0, None);
                }
            }
        }
        (factor, Some(year))
    }

    /// The term of an index rate in calendar year `year`: a number, a parameter, or the band of
    /// a table by year.
    fn year_term(&mut self, path: &str, v: &Value, year: i32) -> Option<Term> {
        let s = self.s;
        let (v, path) = match v {
            Value::Name(n) if s.tables.contains_key(n) => {
                let t = &s.tables[n];
                if t.by != TableAxis::Year {
                    self.err(
                        path,
                        format!(
                            "table '{n}' is by {:?}; an index rate varies by calendar year: use a table by = \"year\"",
                            t.by
                        )
                        .to_lowercase(),
                    );
                    return None;
                }
                let Some(band) = t.breaks.iter().rposition(|b| *b <= f64::from(year) + 1e-9) else {
                    let reason = format!(
                        "the first band starts in {} but the index needs a rate for {year} (every year between the price year and the horizon's last year)",
                        t.breaks[0]
                    );
                    if !self.problems.iter().any(|p| p.path == format!("tables.{n}.breaks[0]")) {
                        self.err(format!("tables.{n}.breaks[0]"), reason);
                    }
                    return None;
                };
                (t.values.get(band)?, format!("tables.{n}.values[{band}]"))
            }
            _ => (v, path.to_owned()),
        };
        let t = self.term(&path, v, Ctx::Fixed)?;
        if let Some(x) = self.known(t)
            && x <= -1.0
        {
            self.err(&path, format!("an index rate must be above -1 (-100%), got {x}{}", from_parameter(v)));
            return None;
        }
        Some(t)
    }

    /// The budget view: index paths, tariffs, cash splits, release and own-contribution rules.
    fn cash(&mut self, budgets: &[BudgetInfo], categories: &[Category]) -> Cash {
        let s = self.s;
        if categories.len() != s.categories.len() || self.problems.iter().any(|p| p.path.ends_with("_year")) {
            // A category or a year that failed: its problems are reported; the budget view's
            // checks would only add noise about it.
            return Cash::default();
        }
        let start = s.start_year.or(s.price_year).map(|y| y as i32);
        let years = s.horizon_years.min(1000) as i32;
        let mut indices = Vec::new();
        let index_names: Vec<&String> = s.indexation.keys().collect();
        for (name, spec) in &s.indexation {
            let path = format!("indexation.{name}.rate");
            let (Some(p), Some(y0)) = (s.price_year.map(|p| p as i32), start) else {
                self.err(format!("indexation.{name}"), "indexation needs price_year: the year whose prices it indexes");
                continue;
            };
            // One term per calendar year, each checked once.
            let first = (p + 1).min(y0 + 1);
            let last = p.max(y0 + years - 1);
            let rates: Vec<Option<Term>> = (first..=last).map(|k| self.year_term(&path, &spec.rate, k)).collect();
            let rate = |k: i32| rates[(k - first) as usize];
            let mut up = Vec::new();
            let mut down = Vec::new();
            for y in y0..y0 + years {
                up.push(((p + 1)..=y).filter_map(rate).collect());
                down.push(((y + 1)..=p).filter_map(rate).collect());
            }
            indices.push(IndexPath { up, down, path });
        }
        let find_index = |c: &mut Self, path: String, name: &Option<String>| -> Option<usize> {
            let n = name.as_ref()?;
            let found = index_names.iter().position(|k| *k == n);
            if found.is_none() {
                let hint = suggest(n, index_names.iter().map(|k| k.as_str()));
                c.err(path, format!("unknown index path '{n}'{hint}; define it under [indexation.{n}]"));
            }
            found
        };
        let budget_index: Vec<Option<usize>> = budgets
            .iter()
            .map(|b| {
                let spec = s.budgets.get(&b.name).and_then(|x| x.index.clone());
                find_index(self, format!("budgets.{}.index", b.name), &spec)
            })
            .collect();
        let names: Vec<&str> = budgets.iter().map(|b| b.name.as_str()).collect();
        let index = self.budget_index.clone();
        let mut cats = Vec::new();
        for (ci, c) in s.categories.iter().enumerate() {
            let path = format!("categories[{ci}]");
            let split = match &c.cash_paid_by {
                Some(map) => self.row(&format!("{path}.cash_paid_by"), map, "budget", &index, Ctx::Calendar, true),
                None => categories.get(ci).map(|cat| cat.split.clone()),
            };
            let Some(split) = split else { continue };
            let paying: Vec<usize> = split.entries.iter().map(|e| e.0).chain(split.rest).collect();
            let pays = |b: &str| index.get(b).is_some_and(|i| paying.contains(i));
            let paying_names: Vec<&str> = paying.iter().map(|&i| names[i]).collect();
            let price = categories.get(ci).map_or(Term::Const(0.0), |cat| cat.price);
            // A value per paying budget (tariffs, release), each for a budget that pays.
            let per_budget =
                |c: &mut Self, field: &str, values: &BTreeMap<String, Value>, unit: bool, default: Term| {
                    let mut out = vec![default; budgets.len()];
                    for (b, v) in values {
                        let p = format!("{path}.{field}.{b}");
                        if !pays(b) {
                            let paid = paying_names.join(", ");
                            c.err(
                                &p,
                                format!(
                                    "budget '{b}' does not pay this category in the budget view (it is paid by: {paid})"
                                ),
                            );
                        } else if let Some(t) = c.bounded(&p, v, Ctx::Calendar, unit) {
                            out[index[b]] = t;
                        }
                    }
                    out
                };
            let tariff = per_budget(self, "tariffs", &c.tariffs, false, price);
            let release = per_budget(self, "cash_release", &c.cash_release, true, Term::Const(1.0));
            let own = find_index(self, format!("{path}.index"), &c.index);
            let idx = (0..budgets.len()).map(|b| own.or(budget_index[b])).collect();
            cats.push(CashCategory { split, tariff, release, index: idx });
        }
        let cost_index = s
            .arms
            .iter()
            .enumerate()
            .map(|(ai, a)| {
                a.costs
                    .iter()
                    .enumerate()
                    .map(|(k, cost)| {
                        let own = find_index(self, format!("arms[{ai}].costs[{k}].index"), &cost.index);
                        (0..budgets.len()).map(|b| own.or(budget_index[b])).collect()
                    })
                    .collect()
            })
            .collect();
        let rules = self.rules(budgets, &cats);
        Cash { start_year: start, indices, categories: cats, cost_index, rules }
    }

    /// Own-contribution rules, checked against the categories' budget-view splits.
    fn rules(&mut self, budgets: &[BudgetInfo], cats: &[CashCategory]) -> Vec<Rule> {
        let s = self.s;
        let cat_index: HashMap<&str, usize> =
            s.categories.iter().enumerate().map(|(i, c)| (c.name.as_str(), i)).collect();
        let budget_of = |c: &mut Self, path: String, name: &str| -> Option<usize> {
            let found = c.budget_index.get(name).copied();
            if found.is_none() {
                let hint = suggest(name, budgets.iter().map(|b| b.name.as_str()));
                c.err(path, format!("unknown budget '{name}'{hint}"));
            }
            found
        };
        let used = |ci: usize| {
            !s.categories[ci].use_per_year.is_empty()
                || s.arms
                    .iter()
                    .any(|a| a.state_overrides.values().any(|o| o.use_per_year.contains_key(&s.categories[ci].name)))
        };
        let pays = |ci: usize, b: usize| {
            cats.get(ci).is_some_and(|c| c.split.rest == Some(b) || c.split.entries.iter().any(|e| e.0 == b))
        };
        let mut out = Vec::new();
        for (i, rule) in s.own_contributions.iter().enumerate() {
            let p = format!("own_contributions[{i}]");
            let categories_of = |c: &mut Self,
                                 list: &[String],
                                 to: Option<usize>,
                                 from: Option<usize>|
             -> Option<Vec<usize>> {
                let mut found = Vec::new();
                if list.is_empty() {
                    c.err(format!("{p}.categories"), "must name at least one category");
                    return None;
                }
                for (k, name) in list.iter().enumerate() {
                    let q = format!("{p}.categories[{k}]");
                    let Some(&ci) = cat_index.get(name.as_str()) else {
                        let hint = suggest(name, cat_index.keys().copied());
                        c.err(q, format!("unknown category '{name}'{hint}"));
                        continue;
                    };
                    if !used(ci) {
                        c.err(q, format!("no state uses category '{name}', so the rule would never apply"));
                        continue;
                    }
                    if let Some(to) = to
                        && !pays(ci, to)
                    {
                        c.err(q, format!("category '{name}' is not paid by '{}' in the budget view, so it cannot collect a contribution on it", budgets[to].name));
                        continue;
                    }
                    if let Some(from) = from
                        && pays(ci, from)
                    {
                        c.err(q, format!("category '{name}' already gives '{}' a share in the budget view; give the category a cash_paid_by without it, since this rule sets what the client pays", budgets[from].name));
                        continue;
                    }
                    if found.contains(&ci) {
                        c.err(q, format!("category '{name}' is named twice"));
                        continue;
                    }
                    found.push(ci);
                }
                (found.len() == list.len()).then_some(found)
            };
            let compiled = match rule {
                sc::OwnContribution::FlatFee { categories, collected_by, paid_by, per_month, per_user, .. } => {
                    let to = budget_of(self, format!("{p}.collected_by"), collected_by);
                    let from = budget_of(self, format!("{p}.paid_by"), paid_by);
                    let cs = categories_of(self, categories, to, from);
                    let per_month = self.bounded(&format!("{p}.per_month"), per_month, Ctx::Calendar, false);
                    let per_user = match per_user {
                        Some(v) => self.bounded(&format!("{p}.per_user"), v, Ctx::Calendar, true),
                        None => Some(Term::Const(1.0)),
                    };
                    match (to, from, cs, per_month, per_user) {
                        (Some(to), Some(from), Some(categories), Some(per_month), Some(per_user)) => Some(Rule {
                            kind: RuleKind::FlatFee { categories, per_month, per_user },
                            from,
                            to,
                            path: p.clone(),
                        }),
                        _ => None,
                    }
                }
                sc::OwnContribution::Contribution {
                    categories, collected_by, paid_by, per_unit, living_costs, ..
                } => {
                    let to = budget_of(self, format!("{p}.collected_by"), collected_by);
                    let from = budget_of(self, format!("{p}.paid_by"), paid_by);
                    let cs = categories_of(self, categories, to, from);
                    let per_unit = self.bounded(&format!("{p}.per_unit"), per_unit, Ctx::Calendar, false);
                    let living = match living_costs {
                        Some(v) => self.bounded(&format!("{p}.living_costs"), v, Ctx::Calendar, false),
                        None => Some(Term::Const(0.0)),
                    };
                    match (to, from, cs, per_unit, living) {
                        (Some(to), Some(from), Some(cs), Some(per_unit), Some(living)) => {
                            let mut mask = vec![false; s.categories.len()];
                            for ci in cs {
                                mask[ci] = true;
                            }
                            Some(Rule {
                                kind: RuleKind::Contribution { categories: mask, per_unit, living },
                                from,
                                to,
                                path: p.clone(),
                            })
                        }
                        _ => None,
                    }
                }
                sc::OwnContribution::Deductible { budget, paid_by, threshold, exempt, other_claims, .. } => {
                    if s.cycle_years != 1.0 {
                        self.err(
                            format!("{p}.type"),
                            format!(
                                "a yearly deductible needs cycle_years = 1 (a person's year of claims), got {}",
                                s.cycle_years
                            ),
                        );
                    }
                    let to = budget_of(self, format!("{p}.budget"), budget);
                    let from = budget_of(self, format!("{p}.paid_by"), paid_by);
                    let mut counted: Vec<bool> =
                        (0..s.categories.len()).map(|ci| to.is_some_and(|b| pays(ci, b))).collect();
                    for (k, name) in exempt.iter().enumerate() {
                        match cat_index.get(name.as_str()) {
                            Some(&ci) => counted[ci] = false,
                            None => {
                                let hint = suggest(name, cat_index.keys().copied());
                                self.err(format!("{p}.exempt[{k}]"), format!("unknown category '{name}'{hint}"));
                            }
                        }
                    }
                    if let (Some(to), Some(from)) = (to, from) {
                        if !counted.iter().enumerate().any(|(ci, c)| *c && used(ci)) {
                            self.err(
                                format!("{p}.budget"),
                                format!("'{}' pays no used category that the deductible counts", budgets[to].name),
                            );
                        }
                        if let Some(ci) = (0..s.categories.len()).find(|&ci| counted[ci] && pays(ci, from)) {
                            self.err(format!("{p}.paid_by"), format!("category '{}' already gives '{}' a share in the budget view; give it a cash_paid_by without it, since this rule sets what the client pays", s.categories[ci].name, budgets[from].name));
                        }
                    }
                    let threshold = self.bounded(&format!("{p}.threshold"), threshold, Ctx::Calendar, false);
                    let other = match other_claims {
                        Some(v) => self.bounded(&format!("{p}.other_claims"), v, Ctx::Calendar, false),
                        None => Some(Term::Const(0.0)),
                    };
                    match (to, from, threshold, other) {
                        (Some(to), Some(from), Some(threshold), Some(other)) => Some(Rule {
                            kind: RuleKind::Deductible { threshold, other, counted },
                            from,
                            to,
                            path: p.clone(),
                        }),
                        _ => None,
                    }
                }
            };
            if let Some(r) = compiled {
                if r.from == r.to {
                    self.err(format!("{p}.paid_by"), "the client's budget and the collecting budget must differ");
                }
                let overlaps = out.iter().find(|o: &&Rule| match (&o.kind, &r.kind) {
                    (RuleKind::FlatFee { categories: a, .. }, RuleKind::FlatFee { categories: b, .. }) => {
                        a.iter().any(|c| b.contains(c))
                    }
                    (RuleKind::Contribution { categories: a, .. }, RuleKind::Contribution { categories: b, .. }) => {
                        a.iter().zip(b).any(|(x, y)| *x && *y)
                    }
                    (RuleKind::Deductible { .. }, RuleKind::Deductible { .. }) => o.to == r.to,
                    _ => false,
                });
                if let Some(o) = overlaps {
                    self.err(
                        &p,
                        format!(
                            "a rule of the same type as {} applies to the same care already: it would be charged twice",
                            o.path
                        ),
                    );
                }
                out.push(r);
            }
        }
        out
    }

    fn convention(&self) -> Vec<[(usize, f64); 3]> {
        let n = self.n_cycles;
        (1..=n)
            .map(|t| match self.s.cycle_convention {
                CycleConvention::Start => [(t - 1, 1.0), (t, 0.0), (t, 0.0)],
                CycleConvention::End => [(t, 1.0), (t, 0.0), (t, 0.0)],
                CycleConvention::HalfCycle => [(t - 1, 0.5), (t, 0.5), (t, 0.0)],
                CycleConvention::Simpson if n < 2 => [(t - 1, 0.5), (t, 0.5), (t, 0.0)],
                CycleConvention::Weights => {
                    let [a, b] =
                        self.s.cycle_weights.as_deref().and_then(|w| w.get(t - 1)).copied().unwrap_or_default();
                    [(t - 1, a), (t, b), (t, 0.0)]
                }
                CycleConvention::Simpson => {
                    // Exact integrals of the parabola through three trace points over each half.
                    if t % 2 == 1 && t < n {
                        [(t - 1, 5.0 / 12.0), (t, 8.0 / 12.0), (t + 1, -1.0 / 12.0)]
                    } else {
                        [(t - 2, -1.0 / 12.0), (t - 1, 8.0 / 12.0), (t, 5.0 / 12.0)]
                    }
                }
            })
            .collect()
    }
}
