//! Excel in and out for ontschot, for analysts who live in spreadsheets (MKBA sheets).
//!
//! Out: a [`Book`] writes who pays and who benefits (the societal view and, per calendar year,
//! each party's cash), a comparison of financing options and every assumption with its source,
//! one sheet each, with words for headers and Excel number formats (euros with thousands
//! separators, percentages), so the tables go into Word and PowerPoint as they are. Excel shows
//! the separators of the reader's own locale.
//!
//! In: [`template`] writes a scenario's parameters to a sheet (name, labels, distribution, its
//! values, unit, source, assumption); [`read_parameters`] reads an edited sheet back and
//! [`with_sheet`] applies it to the scenario as overrides. A cell that cannot be read is an error
//! naming the sheet, the row and the column.
//!
//! ```
//! use ontschot::{format::Lang, Model, Simulation};
//! let model = Model::new(&ontschot::seeds::welzijn_op_recept()).unwrap();
//! let results = Simulation::new(&model).iterations(50).seed(1).run().unwrap();
//! let bytes = ontschot_xlsx::Book::new(Lang::En).results(&model, &results).unwrap().to_bytes().unwrap();
//! assert!(bytes.starts_with(b"PK")); // an xlsx file is a zip archive
//! ```

use calamine::{Data, Reader};
use ontschot::format::Lang;
use ontschot::{Alpha, BudgetView, Dist, DistKind, FlowSummary, Model, ParameterSpec, Results, Scenario, Summary};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};
use std::collections::BTreeMap;
use std::path::Path;

/// What can go wrong writing or reading a sheet.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The xlsx writer failed (e.g. the file cannot be written).
    #[error("cannot write the workbook: {0}")]
    Write(#[from] XlsxError),
    /// The file cannot be opened as a spreadsheet.
    #[error("{path}: cannot read it as a spreadsheet (.xlsx, .xls or .ods): {reason}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The workbook has no sheet of the expected name.
    #[error("{path}: no sheet named '{sheet}'; the workbook has: {found}")]
    NoSheet {
        /// The file.
        path: String,
        /// The sheet looked for.
        sheet: String,
        /// The sheets it has, comma-separated.
        found: String,
    },
    /// A cell (or a header) that cannot be read.
    #[error("sheet '{sheet}', row {row}, column {column} ({header}): {reason}")]
    Cell {
        /// Sheet name.
        sheet: String,
        /// Row as Excel numbers it (from 1).
        row: usize,
        /// Column as Excel names it (`A`, `B`, ..., `AA`).
        column: String,
        /// The column's header.
        header: String,
        /// Why the value is not accepted.
        reason: String,
    },
    /// The scenario with the sheet's values applied is not valid, or a run failed.
    #[error(transparent)]
    Ontschot(#[from] ontschot::Error),
}

/// Shorthand for results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The sheet [`template`] writes and [`read_parameters`] reads.
pub const PARAMETER_SHEET: &str = "Parameters";

/// Columns of the parameter sheet, in order. `ci_*` and `truncate_*` are the two ends of the
/// scenario's `ci` and `truncate`; Dirichlet `alpha` and `shares` and a multivariate normal's
/// `means` are written `name: value; ...`, its `covariance` `row.column: value; ...`.
pub const PARAMETER_COLUMNS: [&str; 30] = [
    "parameter",
    "label",
    "label_en",
    "dist",
    "value",
    "base",
    "mean",
    "sd",
    "median",
    "ci_low",
    "ci_high",
    "truncate_low",
    "truncate_high",
    "meanlog",
    "sdlog",
    "shape",
    "scale",
    "alpha",
    "beta",
    "events",
    "n",
    "min",
    "mode",
    "max",
    "shares",
    "means",
    "covariance",
    "unit",
    "source",
    "assumption",
];

/// A cell of a table: what it holds decides its Excel format.
enum Cell {
    Text(String),
    Euro(f64),
    Chance(f64),
    Whole(f64),
    Flag(bool),
    Empty,
}

fn words(lang: Lang, nl: &str, en: &str) -> String {
    if lang == Lang::Nl { nl.to_owned() } else { en.to_owned() }
}

/// A workbook of results, one sheet per table, in one language.
pub struct Book {
    workbook: Workbook,
    lang: Lang,
    head: Format,
    euro: Format,
    chance: Format,
    whole: Format,
    wrap: Format,
}

impl Book {
    /// An empty workbook whose headers and labels are in `lang`.
    pub fn new(lang: Lang) -> Book {
        Book {
            workbook: Workbook::new(),
            lang,
            head: Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top),
            euro: Format::new().set_num_format("€ #,##0;-€ #,##0"),
            chance: Format::new().set_num_format("0%"),
            whole: Format::new().set_num_format("0"),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    /// Adds a sheet with a title line, headers and rows; column widths follow the content.
    fn table(&mut self, name: &str, title: &str, head: &[String], rows: &[Vec<Cell>]) -> Result<()> {
        let sheet: &mut Worksheet = self.workbook.add_worksheet();
        sheet.set_name(name)?;
        sheet.write_string_with_format(0, 0, title, &Format::new().set_bold())?;
        for (c, h) in head.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, h, &self.head)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 3;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    // Long texts (sources) wrap in their column instead of running over the next.
                    Cell::Text(s) if s.chars().count() > 60 => {
                        sheet.write_string_with_format(r, c, s, &self.wrap).map(|_| ())?
                    }
                    Cell::Text(s) => sheet.write_string(r, c, s).map(|_| ())?,
                    Cell::Euro(x) => sheet.write_number_with_format(r, c, *x, &self.euro).map(|_| ())?,
                    Cell::Chance(x) => sheet.write_number_with_format(r, c, *x, &self.chance).map(|_| ())?,
                    Cell::Whole(x) => sheet.write_number_with_format(r, c, *x, &self.whole).map(|_| ())?,
                    Cell::Flag(b) => sheet.write_boolean(r, c, *b).map(|_| ())?,
                    Cell::Empty => (),
                }
            }
        }
        for c in 0..head.len() {
            let longest = rows
                .iter()
                .map(|row| match row.get(c) {
                    Some(Cell::Text(s)) => s.chars().count().min(60),
                    Some(Cell::Empty) | None => 0,
                    _ => 12,
                })
                .max()
                .unwrap_or(0);
            sheet.set_column_width(c as u16, (longest.max(10) + 2) as f64)?;
        }
        sheet.set_row_height(2, 45)?;
        sheet.set_freeze_panes(3, 0)?;
        Ok(())
    }

    /// A party's name in the book's language.
    fn party(&self, model: &Model, f: &FlowSummary) -> String {
        if f.name == "total" {
            return words(self.lang, "Alle partijen samen", "All parties together");
        }
        model
            .payers()
            .iter()
            .find(|p| p.name == f.name)
            .map_or(f.label.clone(), |p| p.label_in(self.lang.code()).to_owned())
    }

    /// Who pays and who benefits: the societal view per budget, payer and in total for every
    /// intervention arm; the net per year (discounted, cumulative); each party's cash per
    /// calendar year (the budget view).
    pub fn results(&mut self, model: &Model, results: &Results) -> Result<&mut Book> {
        let lang = self.lang;
        let arms = 1..model.arms().len();
        let summaries: Vec<Summary> = arms.clone().map(|a| results.summary(a)).collect::<ontschot::Result<_>>()?;
        let views: Vec<BudgetView> = arms.map(|a| results.budget_view(a)).collect::<ontschot::Result<_>>()?;
        // After-arrangements columns when arrangements are in force, as in the report.
        let financed = results.meta().financed;
        let mut head: Vec<String> = [
            ("Interventie", "Intervention"),
            ("Niveau", "Level"),
            ("Partij", "Party"),
            ("Investeert", "Invests"),
            ("Bespaart op zorg", "Saves on care"),
            ("Netto", "Net"),
            ("Netto, 95%-interval van", "Net, 95% interval from"),
            ("Netto, 95%-interval tot", "Net, 95% interval to"),
            ("Kans op winst", "Chance of gaining"),
            ("Terugverdienjaar", "Break-even year"),
        ]
        .iter()
        .map(|(nl, en)| words(lang, nl, en))
        .collect();
        if financed {
            for (nl, en) in [
                ("Ontvangen via afspraken", "Received through arrangements"),
                ("Netto na afspraken", "Net after arrangements"),
                ("Kans op winst na afspraken", "Chance of gaining after"),
            ] {
                head.push(words(lang, nl, en));
            }
        }
        let mut rows = Vec::new();
        for s in &summaries {
            let levels = [
                (words(lang, "begroting", "budget"), &s.budgets),
                (words(lang, "betaler", "payer"), &s.payers),
                (words(lang, "partij", "party"), &s.parties),
            ];
            let total = (words(lang, "totaal", "total"), std::slice::from_ref(&s.total));
            let all = levels
                .iter()
                .map(|(l, v)| (l.clone(), v.as_slice()))
                .chain(std::iter::once((total.0.clone(), total.1)));
            for (level, flows) in all {
                for f in flows.iter().filter(|f| touched(f)) {
                    let mut row = vec![
                        Cell::Text(s.arm.label.clone()),
                        Cell::Text(level.clone()),
                        Cell::Text(self.party(model, f)),
                        Cell::Euro(f.investment.mean),
                        Cell::Euro(f.savings.mean),
                        Cell::Euro(f.net.mean),
                        Cell::Euro(f.net.p2_5),
                        Cell::Euro(f.net.p97_5),
                        Cell::Chance(f.probability_gain),
                        f.break_even_year.map_or(Cell::Empty, |y| Cell::Whole(y as f64)),
                    ];
                    if financed {
                        row.extend([
                            Cell::Euro(f.transfers.mean),
                            Cell::Euro(f.net_after.mean),
                            Cell::Chance(f.probability_gain_after),
                        ]);
                    }
                    rows.push(row);
                }
            }
        }
        let title = words(
            lang,
            "Wie betaalt en wie profiteert: maatschappelijk perspectief, referentieprijzen, verdisconteerd over de looptijd; netto boven nul: de partij wint",
            "Who pays and who benefits: societal view, reference prices, discounted over the horizon; a net above zero means the party gains",
        );
        self.table(&words(lang, "Wie betaalt", "Who pays"), &title, &head, &rows)?;

        // The net per year: cumulative, discounted, per payer and in total.
        let years = results.meta().years;
        let mut head = vec![words(lang, "Interventie", "Intervention"), words(lang, "Partij", "Party")];
        head.extend((1..=years).map(|y| words(lang, &format!("Jaar {y}"), &format!("Year {y}"))));
        let rows: Vec<Vec<Cell>> = summaries
            .iter()
            .flat_map(|s| s.payers.iter().chain(std::iter::once(&s.total)).filter(|f| touched(f)).map(move |f| (s, f)))
            .map(|(s, f)| {
                let mut row = vec![Cell::Text(s.arm.label.clone()), Cell::Text(self.party(model, f))];
                row.extend(f.cumulative_net.iter().map(|x| Cell::Euro(*x)));
                row
            })
            .collect();
        let title = words(
            lang,
            "Cumulatief netto per jaar (gemiddelde, verdisconteerd, na de afspraken die gelden)",
            "Cumulative net by year (mean, discounted, after the arrangements in force)",
        );
        self.table(&words(lang, "Netto per jaar", "Net per year"), &title, &head, &rows)?;

        // The budget view: each party's cash per calendar year.
        let head: Vec<String> = [
            ("Interventie", "Intervention"),
            ("Partij", "Party"),
            ("Jaar", "Year"),
            ("Kassaldo", "Cash"),
            ("Kassaldo, 95%-interval van", "Cash, 95% interval from"),
            ("Kassaldo, 95%-interval tot", "Cash, 95% interval to"),
            ("Kans beter uit", "Chance better off"),
            ("Cumulatief", "Cumulative"),
            ("Kans beter uit, cumulatief", "Chance better off, cumulative"),
            ("Vóór afspraken", "Before arrangements"),
            ("Ontvangen via afspraken", "Received through arrangements"),
        ]
        .iter()
        .map(|(nl, en)| words(lang, nl, en))
        .collect();
        let mut rows = Vec::new();
        for v in &views {
            for p in v.payers.iter().chain(std::iter::once(&v.total)) {
                if p.untouched() && p.name != "total" {
                    continue;
                }
                let name = if p.name == "total" {
                    words(lang, "Alle partijen samen", "All parties together")
                } else if lang == Lang::En && !p.label_en.is_empty() {
                    p.label_en.clone()
                } else {
                    p.label.clone()
                };
                for y in &p.years {
                    rows.push(vec![
                        Cell::Text(v.arm.label.clone()),
                        Cell::Text(name.clone()),
                        Cell::Whole(f64::from(y.year)),
                        Cell::Euro(y.cash.mean),
                        Cell::Euro(y.cash.p2_5),
                        Cell::Euro(y.cash.p97_5),
                        Cell::Chance(y.probability_better),
                        Cell::Euro(y.cumulative.mean),
                        Cell::Chance(y.probability_better_cumulative),
                        Cell::Euro(y.before),
                        Cell::Euro(y.transfers),
                    ]);
                }
            }
        }
        let title = words(
            lang,
            "Begroting per jaar: wat elke partij in kas merkt, in euro's van dat jaar, niet verdisconteerd, na de afspraken die gelden; plus: de partij is beter uit",
            "Budget per year: what each party sees in its cash, in euros of that year, not discounted, after the arrangements in force; plus: the party is better off",
        );
        self.table(&words(lang, "Begroting per jaar", "Budget per year"), &title, &head, &rows)?;
        Ok(self)
    }

    /// Financing options side by side: per option and payer, the net after the option
    /// (societal view) with its interval and chance of gaining, and the cash over the horizon
    /// (budget view) where the option has one. Rows are `(option label, summary, budget view)`.
    pub fn comparison(
        &mut self,
        model: &Model,
        options: &[(String, &Summary, Option<&BudgetView>)],
    ) -> Result<&mut Book> {
        let lang = self.lang;
        let head: Vec<String> = [
            ("Afspraak", "Arrangement"),
            ("Partij", "Party"),
            ("Netto na afspraak", "Net after the arrangement"),
            ("95%-interval van", "95% interval from"),
            ("95%-interval tot", "95% interval to"),
            ("Kans op winst", "Chance of gaining"),
            ("Kassaldo over de looptijd", "Cash over the horizon"),
            ("Kans beter uit in kas", "Chance better off in cash"),
        ]
        .iter()
        .map(|(nl, en)| words(lang, nl, en))
        .collect();
        let mut rows = Vec::new();
        for (label, s, view) in options {
            for f in s.payers.iter().chain(std::iter::once(&s.total)).filter(|f| touched(f)) {
                let cash = view.and_then(|v| {
                    let p = if f.name == "total" { Some(&v.total) } else { v.payers.iter().find(|p| p.name == f.name) };
                    p.and_then(|p| p.years.last())
                });
                rows.push(vec![
                    Cell::Text(label.clone()),
                    Cell::Text(self.party(model, f)),
                    Cell::Euro(f.net_after.mean),
                    Cell::Euro(f.net_after.p2_5),
                    Cell::Euro(f.net_after.p97_5),
                    Cell::Chance(f.probability_gain_after),
                    cash.map_or(Cell::Empty, |y| Cell::Euro(y.cumulative.mean)),
                    cash.map_or(Cell::Empty, |y| Cell::Chance(y.probability_better_cumulative)),
                ]);
            }
        }
        let title = words(
            lang,
            "Financieringsafspraken naast elkaar, op dezelfde trekkingen: afspraken verschuiven alleen geld, het totaal blijft gelijk",
            "Financing arrangements side by side on the same draws: arrangements only move money, the total stays the same",
        );
        self.table(&words(lang, "Afspraken", "Arrangements"), &title, &head, &rows)?;
        Ok(self)
    }

    /// Every parameter with its label, distribution, unit and source, assumptions marked.
    pub fn assumptions(&mut self, scenario: &Scenario) -> Result<&mut Book> {
        let lang = self.lang;
        let head: Vec<String> = [
            ("Parameter", "Parameter"),
            ("Sleutel", "Key"),
            ("Verdeling", "Distribution"),
            ("Eenheid", "Unit"),
            ("Bron", "Source"),
            ("Aanname", "Assumption"),
        ]
        .iter()
        .map(|(nl, en)| words(lang, nl, en))
        .collect();
        let rows: Vec<Vec<Cell>> = scenario
            .parameters
            .iter()
            .map(|(key, p)| {
                vec![
                    Cell::Text(p.label_in(key, lang).to_owned()),
                    Cell::Text(key.clone()),
                    Cell::Text(p.describe()),
                    Cell::Text(p.unit.clone()),
                    Cell::Text(p.source.clone()),
                    Cell::Flag(p.assumption),
                ]
            })
            .collect();
        let title = words(
            lang,
            "Alle aannames: elke invoer met haar verdeling, eenheid en bron",
            "Every assumption: each input with its distribution, unit and source",
        );
        self.table(&words(lang, "Aannames", "Assumptions"), &title, &head, &rows)?;
        Ok(self)
    }

    /// The workbook as the bytes of an .xlsx file.
    pub fn to_bytes(&mut self) -> Result<Vec<u8>> {
        Ok(self.workbook.save_to_buffer()?)
    }

    /// Writes the workbook to `path`.
    pub fn save(&mut self, path: &Path) -> Result<()> {
        Ok(self.workbook.save(path)?)
    }
}

/// A party the run touches, or the total: an untouched one would be a row of zeros.
fn touched(f: &FlowSummary) -> bool {
    f.name == "total" || !f.untouched()
}

fn components(m: &BTreeMap<String, f64>) -> String {
    m.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ")
}

/// The parameters of `scenario` as an editable sheet ([`PARAMETER_SHEET`]), with a second sheet
/// that says how to fill it in. Read it back with [`read_parameters`] or [`with_sheet`].
pub fn template(scenario: &Scenario) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    let head = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(PARAMETER_SHEET)?;
    for (c, h) in PARAMETER_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (r, (key, p)) in scenario.parameters.iter().enumerate() {
        let r = r as u32 + 1;
        let text = |c: &str| PARAMETER_COLUMNS.iter().position(|x| *x == c).expect("a known column") as u16;
        sheet.write_string(r, text("parameter"), key)?;
        if let Some(l) = &p.label {
            sheet.write_string(r, text("label"), l)?;
        }
        if let Some(l) = &p.label_en {
            sheet.write_string(r, text("label_en"), l)?;
        }
        let dist = serde_json::to_value(p.dist).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        sheet.write_string(r, text("dist"), &dist)?;
        let numbers = [
            ("value", p.value),
            ("base", p.base),
            ("mean", p.mean),
            ("sd", p.sd),
            ("median", p.median),
            ("ci_low", p.ci.map(|c| c[0])),
            ("ci_high", p.ci.map(|c| c[1])),
            ("truncate_low", p.truncate.map(|c| c[0])),
            ("truncate_high", p.truncate.map(|c| c[1])),
            ("meanlog", p.meanlog),
            ("sdlog", p.sdlog),
            ("shape", p.shape),
            ("scale", p.scale),
            ("beta", p.beta),
            ("events", p.events),
            ("n", p.n),
            ("min", p.min),
            ("mode", p.mode),
            ("max", p.max),
        ];
        for (c, x) in numbers {
            if let Some(x) = x {
                sheet.write_number(r, text(c), x)?;
            }
        }
        match &p.alpha {
            Some(Alpha::Number(a)) => sheet.write_number(r, text("alpha"), *a).map(|_| ())?,
            Some(Alpha::PerComponent(m)) => sheet.write_string(r, text("alpha"), components(m)).map(|_| ())?,
            None => (),
        }
        if let Some(m) = &p.shares {
            sheet.write_string(r, text("shares"), components(m))?;
        }
        if let Some(m) = &p.means {
            sheet.write_string(r, text("means"), components(m))?;
        }
        if let Some(c) = &p.covariance {
            let pairs: BTreeMap<String, f64> = c
                .iter()
                .flat_map(|(row, cols)| cols.iter().map(move |(col, v)| (format!("{row}.{col}"), *v)))
                .collect();
            sheet.write_string(r, text("covariance"), components(&pairs))?;
        }
        sheet.write_string(r, text("unit"), &p.unit)?;
        sheet.write_string(r, text("source"), &p.source)?;
        sheet.write_boolean(r, text("assumption"), p.assumption)?;
    }
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 36)?;
    sheet.set_column_width(2, 36)?;
    let at = |c: &str| PARAMETER_COLUMNS.iter().position(|x| *x == c).expect("a known column") as u16;
    sheet.set_column_width(at("unit"), 30)?;
    sheet.set_column_width(at("source"), 60)?;
    sheet.set_freeze_panes(1, 1)?;
    let help = workbook.add_worksheet();
    help.set_name("Read me")?;
    let lines = [
        format!("Parameters of '{}', for ontschot (who pays, who benefits).", scenario.name),
        "Edit values in the sheet 'Parameters' and read it back with `ontschot run SCENARIO --params FILE.xlsx` or, in Python, `scenario.with_sheet(path)`.".into(),
        "Each row replaces that parameter's distribution: give exactly one complete key set of the family in 'dist' (see docs/scenario-format.md, Parameters). Leave other cells empty.".into(),
        "Numbers are numbers (not text); ci_low/ci_high and truncate_low/truncate_high go in pairs; Dirichlet alpha and shares, and a multivariate normal's means, are written 'name: value; name: value', its covariance 'row.column: value; ...'. base is the value of the deterministic run when it is not the mean.".into(),
        "Rows may be deleted: a parameter without a row keeps the scenario's value. A row for a parameter the scenario does not have is an error.".into(),
        "Pas waarden aan in het blad 'Parameters' en lees het terug met `ontschot run SCENARIO --params BESTAND.xlsx` of in Python `scenario.with_sheet(pad)`. Elke rij vervangt de verdeling van die parameter.".into(),
    ];
    for (r, line) in lines.iter().enumerate() {
        help.write_string(r as u32, 0, line)?;
    }
    help.set_column_width(0, 140)?;
    Ok(workbook.save_to_buffer()?)
}

/// Excel's name of a column: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII letters")
}

/// One row of the parameter sheet: the parameter, its row as Excel numbers it, and its values.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetRow {
    /// The parameter's key.
    pub name: String,
    /// The row, from 1.
    pub row: usize,
    /// The column of the parameter's name, as Excel names it (`A`).
    pub column: String,
    /// The distribution and texts the row gives.
    pub spec: ParameterSpec,
}

/// Reads the parameter sheet of the workbook at `path` (.xlsx, .xls or .ods): one [`SheetRow`]
/// per filled row. Every value is checked as the scenario file checks it (a complete key set of
/// the family, numbers where numbers belong); an error names the sheet, row and column.
pub fn read_parameters(path: &Path) -> Result<Vec<SheetRow>> {
    let shown = path.display().to_string();
    let mut book =
        calamine::open_workbook_auto(path).map_err(|e| Error::Open { path: shown.clone(), reason: e.to_string() })?;
    let names = book.sheet_names();
    if !names.iter().any(|n| n == PARAMETER_SHEET) {
        return Err(Error::NoSheet { path: shown, sheet: PARAMETER_SHEET.into(), found: names.join(", ") });
    }
    let range = book
        .worksheet_range(PARAMETER_SHEET)
        .map_err(|e| Error::Open { path: shown.clone(), reason: e.to_string() })?;
    let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows = range.rows();
    let header = rows.next().ok_or_else(|| Error::Cell {
        sheet: PARAMETER_SHEET.into(),
        row: first_row + 1,
        column: column_name(first_col),
        header: String::new(),
        reason: "the sheet is empty: the first row must name the columns (parameter, dist, ...)".into(),
    })?;
    let at = |r: usize, c: usize, header: &str, reason: String| Error::Cell {
        sheet: PARAMETER_SHEET.into(),
        row: first_row + r + 1,
        column: column_name(first_col + c),
        header: header.to_owned(),
        reason,
    };
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    for (c, cell) in header.iter().enumerate() {
        let h = cell.to_string().trim().to_lowercase();
        if h.is_empty() {
            columns.push(None);
            continue;
        }
        match PARAMETER_COLUMNS.iter().find(|k| **k == h) {
            Some(k) if columns.contains(&Some(*k)) => return Err(at(0, c, &h, "this column appears twice".into())),
            Some(k) => columns.push(Some(*k)),
            None => {
                return Err(at(
                    0,
                    c,
                    &h,
                    format!("unknown column; the sheet's columns are: {}", PARAMETER_COLUMNS.join(", ")),
                ));
            }
        }
    }
    for needed in ["parameter", "dist"] {
        if !columns.contains(&Some(needed)) {
            return Err(at(0, columns.len(), needed, format!("the column '{needed}' is missing")));
        }
    }
    let mut out: Vec<SheetRow> = Vec::new();
    for (r, row) in rows.enumerate() {
        let r = r + 1;
        if row.iter().all(|c| matches!(c, Data::Empty) || c.to_string().trim().is_empty()) {
            continue;
        }
        let mut spec = ParameterSpec::default();
        let mut name = None;
        let mut pairs: BTreeMap<&str, (Option<f64>, usize)> = BTreeMap::new();
        for (c, col) in columns.iter().enumerate() {
            let Some(col) = *col else { continue };
            let cell = row.get(c).unwrap_or(&Data::Empty);
            let err = |reason: String| at(r, c, col, reason);
            match col {
                "parameter" => name = text(cell).filter(|s| !s.is_empty()),
                "label" => spec.label = text(cell).filter(|s| !s.is_empty()),
                "label_en" => spec.label_en = text(cell).filter(|s| !s.is_empty()),
                "unit" => spec.unit = text(cell).unwrap_or_default(),
                "source" => spec.source = text(cell).unwrap_or_default(),
                "assumption" => spec.assumption = flag(cell).map_err(err)?,
                "dist" => {
                    let s = text(cell).unwrap_or_default();
                    spec.dist = serde_json::from_value::<DistKind>(serde_json::Value::String(s.trim().to_lowercase()))
                        .map_err(|_| {
                            err(format!(
                                "'{s}' is no distribution; one of fixed, normal, lognormal, gamma, beta, uniform, triangular, pert, dirichlet, multivariate_normal"
                            ))
                        })?;
                }
                "alpha" => {
                    spec.alpha = match cell {
                        Data::String(s) if s.contains(':') => {
                            Some(Alpha::PerComponent(parse_components(s).map_err(err)?))
                        }
                        _ => number(cell).map_err(err)?.map(Alpha::Number),
                    }
                }
                "shares" => {
                    spec.shares = match text(cell).filter(|s| !s.trim().is_empty()) {
                        Some(s) => Some(parse_components(&s).map_err(err)?),
                        None => None,
                    }
                }
                "means" => {
                    spec.means = match text(cell).filter(|s| !s.trim().is_empty()) {
                        Some(s) => Some(parse_components(&s).map_err(err)?),
                        None => None,
                    }
                }
                "covariance" => {
                    spec.covariance = match text(cell).filter(|s| !s.trim().is_empty()) {
                        Some(s) => {
                            let mut rows: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
                            for (pair, v) in parse_components(&s).map_err(err)? {
                                let (row, col) = pair.split_once('.').ok_or_else(|| {
                                    err(format!("'{pair}' names no pair of components; write 'row.column: value'"))
                                })?;
                                rows.entry(row.to_owned()).or_default().insert(col.to_owned(), v);
                            }
                            Some(rows)
                        }
                        None => None,
                    }
                }
                "ci_low" | "ci_high" | "truncate_low" | "truncate_high" => {
                    pairs.insert(col, (number(cell).map_err(err)?, c));
                }
                key => {
                    let x = number(cell).map_err(err)?;
                    let slot = match key {
                        "value" => &mut spec.value,
                        "base" => &mut spec.base,
                        "mean" => &mut spec.mean,
                        "sd" => &mut spec.sd,
                        "median" => &mut spec.median,
                        "meanlog" => &mut spec.meanlog,
                        "sdlog" => &mut spec.sdlog,
                        "shape" => &mut spec.shape,
                        "scale" => &mut spec.scale,
                        "beta" => &mut spec.beta,
                        "events" => &mut spec.events,
                        "n" => &mut spec.n,
                        "min" => &mut spec.min,
                        "mode" => &mut spec.mode,
                        "max" => &mut spec.max,
                        other => unreachable!("column {other} is listed in PARAMETER_COLUMNS"),
                    };
                    *slot = x;
                }
            }
        }
        for (low, high, target) in
            [("ci_low", "ci_high", &mut spec.ci), ("truncate_low", "truncate_high", &mut spec.truncate)]
        {
            // A column the sheet lacks is reported one past the last.
            let get = |k: &str| pairs.get(k).copied().unwrap_or((None, columns.len()));
            match (get(low), get(high)) {
                ((Some(a), _), (Some(b), _)) => *target = Some([a, b]),
                ((Some(_), _), (None, c)) => {
                    return Err(at(r, c, high, format!("{low} is given, so {high} is needed too")));
                }
                ((None, c), (Some(_), _)) => {
                    return Err(at(r, c, low, format!("{high} is given, so {low} is needed too")));
                }
                _ => (),
            }
        }
        let pc = columns.iter().position(|c| *c == Some("parameter")).expect("checked above");
        let name = name.ok_or_else(|| at(r, pc, "parameter", "the row has values but no parameter name".into()))?;
        if let Err(problems) = Dist::from_spec(&spec) {
            // The cell of the key the first problem names (`max`), else the row's `dist`.
            let key = problems.first().map(|p| p.path.rsplit('.').next().unwrap_or(&p.path).to_owned());
            let named = key.and_then(|k| columns.iter().position(|c| c.is_some_and(|c| c == k)));
            let c = named.unwrap_or_else(|| columns.iter().position(|c| *c == Some("dist")).expect("checked above"));
            let header = columns[c].expect("a named column");
            let reason = problems.iter().map(|p| p.reason.clone()).collect::<Vec<_>>().join("; ");
            return Err(at(r, c, header, format!("{name}: {reason}")));
        }
        if let Some(before) = out.iter().find(|x| x.name == name) {
            return Err(at(r, pc, "parameter", format!("'{name}' has a row already (row {})", before.row)));
        }
        out.push(SheetRow { name, row: first_row + r + 1, column: column_name(first_col + pc), spec });
    }
    Ok(out)
}

/// `scenario` with the parameters of the sheet at `path` in place of its own ([`read_parameters`]);
/// a row for a parameter the scenario does not have is an error naming the row. The result is
/// checked as a whole (`Model::new`), so a value out of a field's range is reported by field.
pub fn with_sheet(scenario: &Scenario, path: &Path) -> Result<Scenario> {
    let rows = read_parameters(path)?;
    let mut out = scenario.clone();
    for SheetRow { name, row, column, mut spec } in rows {
        let Some(old) = out.parameters.get(&name) else {
            let hint = ontschot::suggest(&name, scenario.parameters.keys().map(String::as_str));
            return Err(Error::Cell {
                sheet: PARAMETER_SHEET.into(),
                row,
                column,
                header: "parameter".into(),
                reason: format!("the scenario has no parameter named '{name}'{hint}"),
            });
        };
        // A sheet without labels, unit or source (an empty cell, or no such column) keeps the
        // scenario's.
        spec.label = spec.label.or_else(|| old.label.clone());
        spec.label_en = spec.label_en.or_else(|| old.label_en.clone());
        if spec.unit.trim().is_empty() {
            spec.unit = old.unit.clone();
        }
        if spec.source.trim().is_empty() {
            spec.source = old.source.clone();
        }
        out.parameters.insert(name, spec);
    }
    Model::new(&out)?;
    Ok(out)
}

fn text(cell: &Data) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn number(cell: &Data) -> std::result::Result<Option<f64>, String> {
    match cell {
        Data::Empty => Ok(None),
        Data::Float(x) => Ok(Some(*x)),
        Data::Int(x) => Ok(Some(*x as f64)),
        Data::String(s) if s.trim().is_empty() => Ok(None),
        Data::String(s) => s.trim().parse::<f64>().map(Some).map_err(|_| {
            format!(
                "expected a number, found the text '{s}' (a decimal comma in a text cell? type the number as a number)"
            )
        }),
        Data::Bool(b) => Err(format!("expected a number, found {b}")),
        Data::Error(e) => Err(format!("expected a number, found the spreadsheet error {e}")),
        other => Err(format!("expected a number, found '{other}'")),
    }
}

fn flag(cell: &Data) -> std::result::Result<bool, String> {
    match cell {
        Data::Empty => Ok(false),
        Data::Bool(b) => Ok(*b),
        Data::Int(0) => Ok(false),
        Data::Int(1) => Ok(true),
        Data::Float(x) if *x == 0.0 || *x == 1.0 => Ok(*x == 1.0),
        Data::String(s) => match s.trim().to_lowercase().as_str() {
            "" | "false" | "no" | "nee" | "onwaar" | "0" => Ok(false),
            "true" | "yes" | "ja" | "waar" | "1" => Ok(true),
            _ => Err(format!("expected yes or no (TRUE/FALSE, ja/nee), found '{s}'")),
        },
        other => Err(format!("expected yes or no (TRUE/FALSE, ja/nee), found '{other}'")),
    }
}

fn parse_components(s: &str) -> std::result::Result<BTreeMap<String, f64>, String> {
    let mut out = BTreeMap::new();
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) =
            part.split_once(':').ok_or_else(|| format!("expected 'name: value; name: value', found '{part}'"))?;
        let v = v.trim().parse::<f64>().map_err(|_| format!("'{}' in '{part}' is not a number", v.trim()))?;
        out.insert(k.trim().to_owned(), v);
    }
    Ok(out)
}
