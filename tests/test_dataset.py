"""The researchers' dataset: `govreport run` builds it, the README's worked queries print what the README
shows, values round-trip exactly through DuckDB, Parquet, CSV and Stata, and a failed build changes nothing.

The corpus is extracted and the dataset built once for the module (about 15-25 s).
"""

from __future__ import annotations

import csv
import importlib.util
import inspect
import json
import os
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest

import pipeline
from pipeline.cli import build_parser, main
from pipeline.dataset import TABLES, DatasetError, build_dataset, stata_columns
from pipeline.query import run_query

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"

_spec = importlib.util.spec_from_file_location("readme_queries", ROOT / "scripts" / "readme_queries.py")
assert _spec and _spec.loader
readme_queries = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("readme_queries", readme_queries)
_spec.loader.exec_module(readme_queries)
QUERIES = readme_queries.worked_queries(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`govreport run corpora --out OUT` from the repository root (as `make run` does): reports + dataset."""
    out = tmp_path_factory.mktemp("outputs")
    cwd = os.getcwd()
    os.chdir(ROOT)  # source paths are recorded as given: corpora/<file>, as in the README
    try:
        code = main(["run", "corpora", "--out", str(out), "-q"])
    finally:
        os.chdir(cwd)
    assert code == 0
    yield out


@pytest.fixture(scope="module")
def reports(outputs: Path) -> dict[str, dict[str, Any]]:
    return {p.relative_to(outputs).as_posix()[:-5]: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(outputs.glob("*.json"))}


def test_run_builds_a_queryable_dataset(outputs: Path, reports: dict[str, dict[str, Any]]) -> None:
    assert (outputs / "govreport.duckdb").is_file()
    for name in TABLES:
        for suffix in (".parquet", ".csv", ".dta"):
            assert (outputs / "dataset" / f"{name}{suffix}").is_file()
    assert (outputs / "dataset" / "datapackage.json").is_file()
    cols, rows = run_query("SELECT count(*) FROM documents", outputs)
    assert rows == [(len(reports),)] and len(reports) >= 90
    _, rows = run_query("SELECT count(*) FROM indicators", outputs)
    assert rows[0][0] == sum(len(r["indicators"]) for r in reports.values())
    _, rows = run_query("SELECT count(*) FROM comparisons", outputs)
    assert rows[0][0] > 0
    assert not list(outputs.glob(".dataset-build-*")) and not list(outputs.glob(".govreport.duckdb.*"))


def test_readme_has_worked_queries() -> None:
    assert len(QUERIES) >= 5
    assert len({q.name for q in QUERIES}) == len(QUERIES)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_readme_worked_query_prints_what_the_readme_shows(query: Any, outputs: Path) -> None:
    code, out = readme_queries.run(query, outputs)
    assert code == 0
    assert out == query.output, (f"README worked query {query.name} prints something else now; if the change is "
                                 "right, refresh it: python scripts/readme_queries.py --db outputs --update")


# --------------------------------------------------------------------------------------------------
# exact values in every format


def _json_decimals(reports: dict[str, dict[str, Any]]) -> dict[tuple[str, str, int, str], str | None]:
    """(table, document_id, record number, column) -> the decimal string in the JSON (None for null)."""
    out: dict[tuple[str, str, int, str], str | None] = {}
    for doc, rep in reports.items():
        for n, rec in enumerate(rep["indicators"]):
            v = rec["value"] or {}
            out[("indicators", doc, n, "low")] = v.get("low")
            out[("indicators", doc, n, "high")] = v.get("high")
        for n, p in enumerate(rep["projects"]):
            out[("projects", doc, n, "investment")] = (p["investment"] or {}).get("value")
    return out


KEYS = {"indicators": ("record_no", ("low", "high")), "projects": ("project_no", ("investment",))}


def _check(expected: dict[tuple[str, str, int, str], str | None], got: dict[tuple[str, str, int, str], Any],
           fmt: str) -> None:
    assert got.keys() == expected.keys(), fmt
    n = 0
    for key, s in expected.items():
        v = got[key]
        if s is None:
            assert v is None or v == "", (fmt, key, v)
            continue
        assert v is not None and v != "", (fmt, key)
        assert Decimal(str(v)) == Decimal(s), (fmt, key, s, v)
        n += 1
    assert n > 5000, fmt


def test_values_round_trip_exactly_through_every_format(outputs: Path, reports: dict[str, dict[str, Any]]) -> None:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    expected = _json_decimals(reports)
    ds = outputs / "dataset"

    # DuckDB: DECIMAL(38,10) comes back as Decimal
    got: dict[tuple[str, str, int, str], Any] = {}
    for table, (no, cols) in KEYS.items():
        _, rows = run_query(f"SELECT document_id, {no}, {', '.join(cols)} FROM {table}", outputs)
        for r in rows:
            for c, v in zip(cols, r[2:]):
                assert v is None or isinstance(v, Decimal)
                got[(table, r[0], r[1], c)] = v
    _check(expected, got, "duckdb")
    _, types = run_query("SELECT data_type FROM duckdb_columns() WHERE table_name = 'indicators' AND column_name = 'low'", outputs)
    assert types == [("DECIMAL(38,10)",)]

    # Parquet: DECIMAL columns
    got = {}
    for table, (no, cols) in KEYS.items():
        t = pq.read_table(ds / f"{table}.parquet")
        for c in cols:
            assert t.schema.field(c).type == pa.decimal128(38, 10)
        for r in t.to_pylist():
            for c in cols:
                got[(table, r["document_id"], r[no], c)] = r[c]
    _check(expected, got, "parquet")

    # CSV: UTF-8 with BOM, the decimals as written in the JSON
    got = {}
    for table, (no, cols) in KEYS.items():
        assert (ds / f"{table}.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
        with open(ds / f"{table}.csv", encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                for c in cols:
                    got[(table, r["document_id"], int(r[no]), c)] = r[c] or None
    _check(expected, got, "csv")
    for key, s in expected.items():  # the very same text
        assert (got[key] or None) == s, key

    # Stata: the exact text column x_str, and the double x as close as a double gets
    got = {}
    for table, (no, cols) in KEYS.items():
        df = pd.read_stata(ds / f"{table}.dta")
        for r in df.itertuples(index=False):
            for c in cols:
                exact = getattr(r, f"{c}_str")
                got[(table, r.document_id, int(getattr(r, no)), c)] = exact or None
                dbl = getattr(r, c)
                assert (pd.isna(dbl) and not exact) or float(Decimal(exact)) == dbl
    _check(expected, got, "dta")


def test_text_and_sources_survive_every_format(outputs: Path, reports: dict[str, dict[str, Any]]) -> None:
    import pandas as pd
    import pyarrow.parquet as pq

    pqt = pq.read_table(outputs / "dataset" / "indicators.parquet").to_pylist()
    dta = pd.read_stata(outputs / "dataset" / "indicators.dta")
    assert len(pqt) == len(dta)
    for r, s in zip(pqt, dta.itertuples(index=False)):
        rec = reports[r["document_id"]]["indicators"][r["record_no"]]
        text = reports[r["document_id"]]["text"]
        assert r["text"] == s.text == rec["text"]
        assert r["name"] == s.name == rec["name"]
        assert r["source_sha256"] == reports[r["document_id"]]["document"]["source"]["sha256"]
        assert (r["char_start"], r["char_end"]) == (rec["source"]["char_start"], rec["source"]["char_end"])
        assert 0 <= r["char_start"] <= r["char_end"] <= len(text)


# --------------------------------------------------------------------------------------------------
# views, Python API, metadata


def test_indicator_panel_has_one_row_per_cell(outputs: Path) -> None:
    _, rows = run_query("""SELECT count(*) FROM (SELECT jurisdiction, jurisdiction_level, indicator_id, year, count(*) AS n
                           FROM indicator_panel GROUP BY ALL HAVING n > 1)""", outputs)
    assert rows == [(0,)]
    _, rows = run_query("SELECT count(*) FROM indicator_panel WHERE jurisdiction = '海拉尔区'", outputs)
    assert rows[0][0] > 20
    _, rows = run_query("SELECT count(*) FROM gdp_targets WHERE jurisdiction_level = 'province' AND year = 2025", outputs)
    assert rows == [(31,)]
    _, rows = run_query("SELECT count(*) FROM indicators i JOIN documents d USING (document_id) "
                        "WHERE d.copy_of IS NOT NULL AND i.copy_of IS NULL", outputs)
    assert rows == [(0,)]


def test_load_dataset_gives_dataframes_with_exact_decimals(outputs: Path) -> None:
    import pandas as pd

    ds = pipeline.load_dataset(outputs)
    assert set(TABLES) <= set(ds) and {"indicator_panel", "gdp_targets", "target_vs_actual",
                                        "projects_by_investment"} <= set(ds)
    ind = ds["indicators"]
    assert isinstance(ind, pd.DataFrame) and list(ind.columns) == TABLES["indicators"].names
    lows = ind["low"].dropna()
    assert all(isinstance(v, Decimal) for v in lows)
    assert str(ind["year"].dtype) == "Int64"
    same = pipeline.load_dataset(outputs / "govreport.duckdb")["documents"]
    assert same.equals(ds["documents"])


def test_datapackage_describes_every_column_and_source(outputs: Path, reports: dict[str, dict[str, Any]]) -> None:
    pkg = json.loads((outputs / "dataset" / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    assert {s["path"] for s in pkg["sources"]} == {r["document"]["source"]["path"] for r in reports.values()}
    assert all(len(s["govreport:sha256"]) == 64 for s in pkg["sources"])
    assert [r["name"] for r in pkg["resources"]] == list(TABLES)
    for res in pkg["resources"]:
        with open(outputs / "dataset" / res["path"], encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh))
        fields = res["schema"]["fields"]
        assert header == [f["name"] for f in fields]
        assert all(f["description"] and f["type"] in ("string", "integer", "number", "boolean") for f in fields)
        assert set(res["schema"]["primaryKey"]) <= set(header)
    low = next(f for f in pkg["resources"][1]["schema"]["fields"] if f["name"] == "low")
    assert low["type"] == "number" and "unit" in low["govreport:unit"]


def test_stata_files_have_labels_and_exact_text_columns(outputs: Path) -> None:
    import pandas as pd

    for name, table in TABLES.items():
        assert (outputs / "dataset" / f"{name}.dta").read_bytes()[:40].startswith(b"<stata_dta><header><release>118<")
        with pd.io.stata.StataReader(outputs / "dataset" / f"{name}.dta") as rd:
            labels = rd.variable_labels()
        expected = [v for v, _, _ in stata_columns(table)]
        assert list(labels) == expected
        assert all(labels.values())
        if name == "indicators":
            assert {"low", "low_str", "high", "high_str"} <= set(labels)
            assert labels["low_str"].endswith("[exact, text]") and labels["low"].endswith("[double, approx.]")


# --------------------------------------------------------------------------------------------------
# atomic builds, loud failures


@pytest.fixture
def small(outputs: Path, tmp_path: Path) -> Path:
    for name in ("national_gwr_2024.txt.json", "national_gwr_2025.txt.json"):
        shutil.copy(outputs / name, tmp_path / name)
    build_dataset(tmp_path)
    return tmp_path


def _snapshot(out: Path) -> dict[str, bytes]:
    files = [out / "govreport.duckdb", *sorted((out / "dataset").iterdir())]
    return {f.name: f.read_bytes() for f in files}


@pytest.mark.parametrize("bad", ["0.12345678901", "1" * 29])
def test_a_value_that_does_not_fit_exactly_fails_loudly_and_changes_nothing(small: Path, bad: str) -> None:
    before = _snapshot(small)
    path = small / "national_gwr_2025.txt.json"
    rep = json.loads(path.read_text(encoding="utf-8"))
    n = next(i for i, r in enumerate(rep["indicators"]) if r["status"] == "numeric")
    rep["indicators"][n]["value"].update(low=bad, high=bad)
    path.write_text(json.dumps(rep, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DatasetError, match=rf"national_gwr_2025.txt.json: indicators\[{n}\]\.value\.low: {bad} cannot be stored exactly"):
        build_dataset(small)
    assert _snapshot(small) == before
    assert sorted(p.name for p in small.iterdir()) == ["dataset", "govreport.duckdb", "national_gwr_2024.txt.json",
                                                       "national_gwr_2025.txt.json"]


def test_a_crash_while_writing_leaves_the_old_dataset(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.dataset as ds

    before = _snapshot(small)

    def boom(path: Path, tables: Any) -> None:
        path.write_bytes(b"half a database")
        raise OSError("disk full")

    monkeypatch.setattr(ds, "write_duckdb", boom)
    with pytest.raises(OSError, match="disk full"):
        build_dataset(small)
    assert _snapshot(small) == before
    assert not [p for p in small.iterdir() if p.name.startswith(".")]


def test_build_command_with_db_option(small: Path, tmp_path_factory: pytest.TempPathFactory,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path_factory.mktemp("elsewhere") / "reports.duckdb"
    assert main(["build", str(small), "--db", str(db)]) == 0
    assert "2 reports ->" in capsys.readouterr().err
    assert run_query("SELECT count(*) FROM documents", db)[1] == [(2,)]
    assert list(inspect.signature(build_dataset).parameters) == ["output_dir", "db_path"]


def test_a_file_that_is_not_a_report_is_skipped(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (small / "comparison.json").write_text('{"rows": []}', encoding="utf-8")
    build_dataset(small)
    assert "comparison.json: not a govreport report; skipped" in capsys.readouterr().err
    assert run_query("SELECT count(*) FROM documents", small)[1] == [(2,)]


# --------------------------------------------------------------------------------------------------
# the query command


def test_bad_sql_is_one_line_and_exit_1(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sql in ("SELEC 1", "SELECT nope FROM indicators", "CREATE TABLE x (a INT)", "SELECT * FROM missing_table"):
        assert main(["query", sql, "--db", str(small)]) == 1
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1 and err.startswith("error: query failed: "), err
    assert main(["query", "SELECT 1", "--db", str(small / "nowhere")]) == 1
    assert capsys.readouterr().err.startswith("error: no dataset at ")


def test_query_formats(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = ("SELECT year, low, raw FROM gdp_targets WHERE jurisdiction = '中华人民共和国' ORDER BY year")
    assert main(["query", sql, "--db", str(small), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[-1] == {"year": 2025, "low": "5", "raw": "5%左右"}
    assert main(["query", sql, "--db", str(small), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2025,5,5%左右"
    assert main(["query", sql, "--db", str(small)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["year", "low", "raw"] and table[-1] == f"({len(rows)} row{'s' if len(rows) > 1 else ''})"


@pytest.mark.parametrize("command", ["build", "query"])
def test_help_ends_with_an_example_and_readme_documents_it(command: str) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[command]  # type: ignore[union-attr]
    help_text = sub.format_help().rstrip()
    assert "Example:" in help_text
    assert help_text.splitlines()[-1].strip().startswith("govreport ")
    assert f"govreport {command}" in README.read_text(encoding="utf-8")
