//! Excel out: the sheets hold the run's figures as numbers with words for headers. Excel in: a
//! parameter sheet round-trips, an edited one changes the run, and a bad cell is named by sheet,
//! row and column.

use calamine::{Data, Reader};
use ontschot::format::Lang;
use ontschot::{Model, Simulation};
use ontschot_xlsx::{Book, PARAMETER_COLUMNS, PARAMETER_SHEET};
use std::path::PathBuf;

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ontschot-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn open(path: &PathBuf) -> calamine::Sheets<std::io::BufReader<std::fs::File>> {
    calamine::open_workbook_auto(path).unwrap()
}

#[test]
fn the_results_workbook_holds_the_summary_as_numbers_under_words_in_each_language() {
    let scenario = ontschot::seeds::samenoud();
    let model = Model::new(&scenario).unwrap();
    let results = Simulation::new(&model).iterations(200).seed(5).run().unwrap();
    let summary = results.summary(1).unwrap();
    let insurer = summary.payers.iter().find(|p| p.name == "insurer").unwrap();
    for (lang, sheet, party, net_header) in
        [(Lang::En, "Who pays", "Health insurer", "Net"), (Lang::Nl, "Wie betaalt", "Zorgverzekeraar", "Netto")]
    {
        let path = temp(&format!("results-{}.xlsx", lang.code()));
        let mut book = Book::new(lang);
        book.results(&model, &results).unwrap().assumptions(&scenario).unwrap();
        book.save(&path).unwrap();
        let mut wb = open(&path);
        assert_eq!(wb.sheet_names().len(), 4, "{:?}", wb.sheet_names());
        let range = wb.worksheet_range(sheet).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let head: Vec<String> = rows[2].iter().map(|c| c.to_string()).collect();
        let net = head.iter().position(|h| h == net_header).unwrap();
        let row = rows.iter().find(|r| r[2] == *party).expect("the insurer's row");
        match row[net] {
            Data::Float(x) => assert!((x - insurer.net.mean).abs() < 1e-9 * insurer.net.mean.abs().max(1.0)),
            ref other => panic!("the net is not a number: {other:?}"),
        }
        // Every parameter is on the assumptions sheet with its source.
        let a = wb.worksheet_range(if lang == Lang::En { "Assumptions" } else { "Aannames" }).unwrap();
        let text: Vec<String> = a.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        for (key, p) in &scenario.parameters {
            assert!(text.contains(key) && text.contains(&p.source), "{key}");
        }
        assert!(text.contains(&scenario.parameters["uptake"].label_in("uptake", lang).to_owned()));
    }
}

#[test]
fn the_budget_sheet_has_each_partys_cash_per_calendar_year() {
    let model = Model::new(&ontschot::seeds::samenoud()).unwrap();
    let results = Simulation::new(&model).iterations(100).seed(2).run().unwrap();
    let view = results.budget_view(1).unwrap();
    let path = temp("budget.xlsx");
    Book::new(Lang::En).results(&model, &results).unwrap().save(&path).unwrap();
    let range = open(&path).worksheet_range("Budget per year").unwrap();
    let municipality = view.payers.iter().find(|p| p.name == "municipality").unwrap();
    for y in &municipality.years {
        let row = range
            .rows()
            .find(|r| r[1] == "Municipality" && r[2] == Data::Float(f64::from(y.year)))
            .unwrap_or_else(|| panic!("no row for {}", y.year));
        assert_eq!(row[3], Data::Float(y.cash.mean));
    }
}

#[test]
fn every_seeds_parameters_survive_the_template_and_back() {
    for name in ontschot::seeds::names() {
        let scenario = ontschot::seeds::load(name).unwrap();
        let path = temp(&format!("template-{name}.xlsx"));
        std::fs::write(&path, ontschot_xlsx::template(&scenario).unwrap()).unwrap();
        let rows = ontschot_xlsx::read_parameters(&path).unwrap();
        assert_eq!(rows.len(), scenario.parameters.len(), "{name}");
        for r in &rows {
            assert_eq!(&r.spec, &scenario.parameters[&r.name], "{name}: {}", r.name);
        }
        assert_eq!(ontschot_xlsx::with_sheet(&scenario, &path).unwrap(), scenario, "{name}");
    }
}

#[test]
fn a_multivariate_normal_and_a_base_case_survive_the_template_and_back() {
    let mut scenario = ontschot::seeds::samenoud();
    let extra = ontschot::Scenario::from_toml_str(
        r#"
name = "x"
horizon_years = 1
states = []
categories = []
arms = []
transitions = { from = {} }
[population]
size = 1
[parameters.weibull]
dist = "multivariate_normal"
means = { log_shape = 0.3, log_scale = 1.8 }
covariance = { log_shape = { log_shape = 0.01, log_scale = -0.004 }, log_scale = { log_shape = -0.004, log_scale = 0.02 } }
[parameters.hr]
dist = "lognormal"
median = 0.7
ci = [0.5, 0.98]
base = 0.7
"#,
    )
    .unwrap();
    scenario.parameters.extend(extra.parameters);
    let path = temp("template-mvn.xlsx");
    std::fs::write(&path, ontschot_xlsx::template(&scenario).unwrap()).unwrap();
    let rows = ontschot_xlsx::read_parameters(&path).unwrap();
    for name in ["weibull", "hr"] {
        let row = rows.iter().find(|r| r.name == name).unwrap();
        assert_eq!(&row.spec, &scenario.parameters[name], "{name}");
    }
}

/// A parameter sheet with the given header and rows of cells.
fn sheet(header: &[&str], rows: &[Vec<Option<Data>>]) -> PathBuf {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(PARAMETER_SHEET).unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                Some(Data::Float(x)) => ws.write_number(r, c, *x).map(|_| ()).unwrap(),
                Some(Data::String(s)) => ws.write_string(r, c, s).map(|_| ()).unwrap(),
                Some(Data::Bool(b)) => ws.write_boolean(r, c, *b).map(|_| ()).unwrap(),
                _ => (),
            }
        }
    }
    let path = temp(&format!("edited-{}.xlsx", rand_name(header, rows)));
    wb.save(&path).unwrap();
    path
}

fn rand_name(header: &[&str], rows: &[Vec<Option<Data>>]) -> String {
    format!("{:x}", crc(&format!("{header:?}{rows:?}")))
}

fn crc(s: &str) -> u64 {
    s.bytes().fold(1469598103934665603u64, |h, b| (h ^ u64::from(b)).wrapping_mul(1099511628211))
}

fn t(s: &str) -> Option<Data> {
    Some(Data::String(s.into()))
}

fn n(x: f64) -> Option<Data> {
    Some(Data::Float(x))
}

#[test]
fn an_edited_sheet_changes_only_the_parameters_it_lists() {
    let scenario = ontschot::seeds::welzijn_op_recept();
    let path = sheet(
        &["parameter", "dist", "value", "source"],
        &[vec![t("uptake"), t("fixed"), n(0.5), t("our pilot, 2026")]],
    );
    let edited = ontschot_xlsx::with_sheet(&scenario, &path).unwrap();
    let p = &edited.parameters["uptake"];
    assert_eq!((p.value, p.source.as_str()), (Some(0.5), "our pilot, 2026"));
    assert_eq!(p.label, scenario.parameters["uptake"].label, "a sheet without labels keeps the scenario's");
    for (k, v) in &scenario.parameters {
        if k != "uptake" {
            assert_eq!(&edited.parameters[k], v);
        }
    }
    let run = |s: &ontschot::Scenario| {
        let m = Model::new(s).unwrap();
        Simulation::new(&m).deterministic().unwrap().summary(1).unwrap().total.net.mean
    };
    assert_ne!(run(&edited), run(&scenario));
}

#[test]
fn a_bad_cell_is_named_by_sheet_row_and_column() {
    let scenario = ontschot::seeds::welzijn_op_recept();
    let err = |header: &[&str], rows: &[Vec<Option<Data>>]| {
        ontschot_xlsx::with_sheet(&scenario, &sheet(header, rows)).unwrap_err().to_string()
    };
    let text_number = err(&["parameter", "dist", "mean", "sd"], &[vec![t("uptake"), t("beta"), t("0,5"), n(0.1)]]);
    assert!(
        text_number.starts_with("sheet 'Parameters', row 2, column C (mean): expected a number, found the text '0,5'"),
        "{text_number}"
    );
    let unknown = err(
        &["parameter", "dist", "value"],
        &[vec![t("rr_gp"), t("fixed"), n(1.0)], vec![t("uptak"), t("fixed"), n(0.5)]],
    );
    assert_eq!(
        unknown,
        "sheet 'Parameters', row 3, column A (parameter): the scenario has no parameter named 'uptak' (did you mean 'uptake'?)"
    );
    // The parameter's column where the sheet has it.
    let moved = err(&["dist", "parameter", "value"], &[vec![t("fixed"), t("uptak"), n(0.5)]]);
    assert!(
        moved.starts_with("sheet 'Parameters', row 2, column B (parameter): the scenario has no parameter"),
        "{moved}"
    );
    let column = err(&["parameter", "dist", "avg"], &[vec![t("uptake"), t("fixed"), n(0.5)]]);
    assert!(column.starts_with("sheet 'Parameters', row 1, column C (avg): unknown column"), "{column}");
    let pair = err(&["parameter", "dist", "median", "ci_low"], &[vec![t("rr_gp"), t("lognormal"), n(0.8), n(0.6)]]);
    assert!(pair.contains("row 2, column E (ci_high): ci_low is given, so ci_high is needed too"), "{pair}");
    let family = err(&["parameter", "dist", "value"], &[vec![t("uptake"), t("normaal"), n(0.5)]]);
    assert!(family.contains("row 2, column B (dist): 'normaal' is no distribution"), "{family}");
    let incomplete = err(&["parameter", "dist", "mean"], &[vec![t("uptake"), t("beta"), n(0.5)]]);
    assert!(incomplete.starts_with("sheet 'Parameters', row 2, column B (dist): uptake: "), "{incomplete}");
    // A value the family refuses is named at its own cell.
    let below =
        err(&["parameter", "dist", "min", "mode", "max"], &[vec![t("uptake"), t("pert"), n(0.4), n(0.5), n(0.1)]]);
    assert!(below.starts_with("sheet 'Parameters', row 2, column E (max): uptake: must be above min"), "{below}");
    let twice = err(
        &["parameter", "dist", "value"],
        &[vec![t("uptake"), t("fixed"), n(0.5)], vec![t("uptake"), t("fixed"), n(0.6)]],
    );
    assert!(twice.contains("row 3, column A (parameter): 'uptake' has a row already (row 2)"), "{twice}");
    // A value out of the field's range is found by the scenario check, by field.
    let range = err(&["parameter", "dist", "value"], &[vec![t("uptake"), t("fixed"), n(1.5)]]);
    assert!(range.contains("uptake"), "{range}");
    let missing = ontschot_xlsx::with_sheet(&scenario, std::path::Path::new("/nonexistent/params.xlsx")).unwrap_err();
    assert!(missing.to_string().starts_with("/nonexistent/params.xlsx: cannot read it as a spreadsheet"), "{missing}");
    assert_eq!(PARAMETER_COLUMNS[0], "parameter");
    assert_eq!(ontschot_xlsx::column_name(26), "AA");
}
