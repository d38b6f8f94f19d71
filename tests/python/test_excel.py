"""Excel in and out from Python: the workbook of a run, the parameter sheet and an edited one back."""

import zipfile

import pytest

import ontschot


def test_results_to_excel_writes_every_table_as_a_sheet(tmp_path):
    r = ontschot.seeds.samenoud().run(iterations=100, seed=1, progress=False)
    for lang, sheets in [
        ("en", ["Arrangements", "Who pays", "Net per year", "Budget per year", "Assumptions"]),
        ("nl", ["Afspraken", "Wie betaalt", "Netto per jaar", "Begroting per jaar", "Aannames"]),
    ]:
        path = tmp_path / f"samenoud-{lang}.xlsx"
        r.to_excel(path, lang=lang)
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode()
            shared = z.read("xl/sharedStrings.xml").decode()
        assert [s for s in sheets if f'name="{s}"' in book] == sheets
        label = "Health insurer" if lang == "en" else "Zorgverzekeraar"
        assert label in shared
    with pytest.raises(ValueError, match="lang must be 'nl' or 'en'"):
        r.to_excel(tmp_path / "x.xlsx", lang="de")


def test_a_template_read_back_unchanged_gives_the_same_run_and_an_edit_changes_it(tmp_path):
    s = ontschot.seeds.welzijn_op_recept()
    path = tmp_path / "params.xlsx"
    s.template(path)
    same = s.with_sheet(path)
    assert same.to_dict() == s.to_dict()
    a = s.run(iterations=100, seed=2, progress=False).who_pays()["net"]
    b = same.run(iterations=100, seed=2, progress=False).who_pays()["net"]
    assert list(a) == list(b)


def test_a_bad_sheet_names_the_cell(tmp_path):
    s = ontschot.seeds.welzijn_op_recept()
    with pytest.raises(OSError, match="cannot read it as a spreadsheet"):
        s.with_sheet(tmp_path / "missing.xlsx")
    # A workbook without the sheet 'Parameters'.
    path = tmp_path / "other.xlsx"
    ontschot.seeds.samenoud().run(iterations=20, seed=1, progress=False).to_excel(path)
    with pytest.raises(ontschot.ScenarioError, match="no sheet named 'Parameters'") as e:
        s.with_sheet(path)
    assert e.value.path == "Parameters"
