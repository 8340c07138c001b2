"""Year-over-year comparison (pipeline.compare): outcomes, revisions, projects, schema, CLI.

Real rows come from the corpus, extracted once per module: the national series 1992–2025, 海拉尔区
2012–2019, jiangjin (one report holding 2024 targets/actuals and the 2025 targets; .txt and .docx, so
the copy rule is exercised) and the 31 provincial 2025 reports. Cases the corpus lacks (a range target
with an actual, a unit change, multi-year project series) use small synthetic report dicts.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.cli import build_parser, main
from pipeline.compare import compare_reports, milestone_stage, normalize_project_name, same_project
from pipeline.compare_render import chart_svg, render
from pipeline.process import extract_file
from pipeline.validate import validate_report

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
NATION = "中华人民共和国"


# --------------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def reports() -> dict[str, list[dict[str, Any]]]:
    groups = {
        "national": [p for p in sorted(CORPORA.glob("national_gwr_*.txt")) if p.name[13:17] >= "1992"],
        "hailar": sorted(CORPORA.glob("hailar_district_gwr_*.txt")),
        "jiangjin": [CORPORA / "jiangjin_plan_report_2025.txt", CORPORA / "jiangjin_plan_report_2025.docx"],
        "provinces": sorted(CORPORA.glob("prov_*_gwr_2025.docx")),
    }
    return {k: [extract_file(p) for p in paths] for k, paths in groups.items()}


@pytest.fixture(scope="module")
def full(reports: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return compare_reports([r for rs in reports.values() for r in rs])


def row(cmp: dict[str, Any], jurisdiction: str, indicator: str, year: int) -> dict[str, Any]:
    found = [r for r in cmp["rows"] if (r["jurisdiction"], r["indicator_id"], r["year"]) == (jurisdiction, indicator, year)]
    assert len(found) == 1, (jurisdiction, indicator, year, len(found))
    return found[0]


def revision(cmp: dict[str, Any], jurisdiction: str, indicator: str, year_from: int) -> dict[str, Any]:
    found = [r for r in cmp["revisions"]
             if (r["jurisdiction"], r["indicator_id"], r["year_from"]) == (jurisdiction, indicator, year_from)]
    assert len(found) == 1, (jurisdiction, indicator, year_from, len(found))
    return found[0]


# --------------------------------------------------------------------------------------------------
# national GDP growth against the gold annotations

# Every year whose target (report Y) and actual (report Y+1) are both in the gold set, with the outcome
# worked out by hand from the gold values under qualifier-interval.v1 (about ±0.5).
NATIONAL_GDP = {
    1992: ("6", "12.8", "exceeded"), 1993: ("8", "13.4", "exceeded"), 1994: ("9", "11.8", "exceeded"),
    1997: ("8", "8.8", "exceeded"), 1998: ("8", "7.8", "missed"), 2003: ("7", "9.1", "exceeded"),
    2004: ("7", "9.5", "exceeded"), 2005: ("8", "9.9", "exceeded"), 2006: ("8", "10.7", "exceeded"),
    2008: ("8", "9", "exceeded"), 2009: ("8", "8.7", "exceeded"), 2010: ("8", "10.3", "exceeded"),
    2011: ("8", "9.2", "exceeded"), 2013: ("7.5", "7.7", "met"), 2014: ("7.5", "7.4", "met"),
    2015: ("7", "6.9", "met"), 2016: ("6.5", "6.7", "met"), 2017: ("6.5", "6.9", "met"),
    2018: ("6.5", "6.6", "met"), 2021: ("6", "8.1", "met"), 2022: ("5.5", "3", "missed"),
    2023: ("5", "5.2", "met"), 2024: ("5", "5", "met"),
}
# gold actuals the extractor does not find yet (1993: 百分之十三点四 in the 1994 report; 2016: 6.7% in 2017)
NATIONAL_GDP_EXTRACTION_MISSES = {1993, 2016}


def test_national_gdp_table_matches_gold(full: dict[str, Any]) -> None:
    gold_years = {}
    for f in sorted((CORPORA / "gold").glob("national_gwr_*.gold.yaml")):
        for it in yaml.safe_load(f.read_text(encoding="utf-8"))["items"]:
            if it.get("indicator_id") == "gdp_growth":
                gold_years.setdefault(it["year"], {})[it["kind"]] = it
    both = {y for y, kinds in gold_years.items() if {"target", "actual"} <= kinds.keys()}
    assert both == set(NATIONAL_GDP)  # the table above covers exactly the gold years with both sides
    compared = []
    for year, (target, actual, outcome) in NATIONAL_GDP.items():
        r = row(full, NATION, "gdp_growth", year)
        assert r["target"]["low"] == target == gold_years[year]["target"]["low"]
        if r["actual"] is None:
            assert year in NATIONAL_GDP_EXTRACTION_MISSES
            continue
        assert r["actual"]["low"] == actual == gold_years[year]["actual"]["low"]
        assert r["outcome"] == outcome, year
        assert Decimal(r["gap"]) == Decimal(actual) - (Decimal(target) if r["target"]["qualifier"] != "range" else Decimal(r["target"]["high"]))
        compared.append(year)
    assert len(compared) >= len(NATIONAL_GDP) - len(NATIONAL_GDP_EXTRACTION_MISSES)


def test_national_gdp_examples_with_sources(full: dict[str, Any]) -> None:
    r = row(full, NATION, "gdp_growth", 2022)
    assert (r["target"]["qualifier"], r["actual"]["low"], r["outcome"], r["gap"]) == ("about", "3", "missed", "-2.5")
    assert r["target"]["source"]["path"].endswith("national_gwr_2022.txt")
    assert r["actual"]["source"]["path"].endswith("national_gwr_2023.txt")
    r = row(full, NATION, "gdp_growth", 2023)
    assert (r["target"]["low"], r["actual"]["low"], r["outcome"], r["gap"]) == ("5", "5.2", "met", "0.2")
    # every side points at its place in the text of its report
    texts = {}
    for side in (r["target"], r["actual"]):
        src = side["source"]
        rep = texts.setdefault(src["path"], extract_file(src["path"]))
        assert rep["document"]["source"]["sha256"] == src["sha256"]
        assert side["raw"].replace(" ", "") in rep["text"][src["char_start"]:src["char_end"]].replace(" ", "")
        assert rep["text"][src["char_start"]:src["char_end"]] in src["text"]


def test_national_picks_the_annual_target_over_a_five_year_goal(full: dict[str, Any]) -> None:
    # the 1996 report states 1995's 10.2% (read as a target) before 今年…调控目标定为8%
    assert row(full, NATION, "gdp_growth", 1996)["target"]["low"] == "8"
    assert row(full, NATION, "gdp_growth", 1996)["target"]["alternatives"] >= 1
    # 2016: 实现城镇新增就业5000万人以上 (十三五) vs 今年…城镇新增就业1000万人以上
    assert row(full, NATION, "urban_new_jobs", 2016)["target"]["low"] == "10000000"


# --------------------------------------------------------------------------------------------------
# outcomes and revisions on real rows (table-driven)

OUTCOMES = [
    # jurisdiction, indicator, year, target qualifier, outcome, gap
    (NATION, "gdp_growth", 2023, "about", "met", "0.2"),
    (NATION, "gdp_growth", 2021, "at_least", "met", "2.1"),
    ("江津区", "urban_surveyed_unemployment", 2024, "at_most", "met", "-0.2"),
    ("江津区", "grain_output", 2024, "at_least", "met", "5000"),
    ("江津区", "rd_expenditure_growth", 2024, "exact", "met", "0"),
    (NATION, "gdp_growth", 2003, "about", "exceeded", "2.1"),
    ("海拉尔区", "gdp_growth", 2015, "exact", "exceeded", "0.9"),
    ("江津区", "urban_new_jobs", 2024, "exact", "exceeded", "4000"),
    (NATION, "gdp_growth", 2022, "about", "missed", "-2.5"),
    ("海拉尔区", "gdp_growth", 2012, "exact", "missed", "-2.5"),
    ("江津区", "gdp_growth", 2024, "exact", "missed", "-2.9"),
    ("江津区", "energy_intensity", 2024, "exact", "missed", "0.8"),  # a fall of 3.5 points targeted, 2.7 reached
    ("江津区", "disposable_income_growth", 2024, None, "not_comparable", None),  # 与经济增长同步
    (NATION, "gdp_growth", 2025, "about", "pending", None),
    ("江津区", "gdp_growth", 2025, "exact", "pending", None),
]


@pytest.mark.parametrize("jurisdiction,indicator,year,qualifier,outcome,gap", OUTCOMES)
def test_outcomes_on_real_rows(full: dict[str, Any], jurisdiction: str, indicator: str, year: int,
                               qualifier: str | None, outcome: str, gap: str | None) -> None:
    r = row(full, jurisdiction, indicator, year)
    assert r["target"]["qualifier"] == qualifier
    assert (r["outcome"], r["gap"]) == (outcome, gap)
    if outcome == "not_comparable":
        assert r["reason"] == "target is qualitative"
    if outcome == "pending":
        assert r["actual"] is None and r["reason"].startswith("no report reviewing")


REVISIONS = [
    # jurisdiction, indicator, year_from, revision, change
    (NATION, "gdp_growth", 2022, "lowered", "-0.5"),
    ("江津区", "gdp_growth", 2024, "lowered", "-1"),
    ("江津区", "budget_revenue_growth", 2024, "raised", "3"),
    (NATION, "urban_new_jobs", 2013, "raised", "1000000"),
    (NATION, "gdp_growth", 2023, "unchanged", "0"),
    ("江津区", "urban_surveyed_unemployment", 2024, "unchanged", "0"),
    (NATION, "gdp_growth", 2021, "qualifier_changed", "-0.5"),  # 6%以上 -> 5.5%左右
    ("海拉尔区", "gdp_growth", 2017, "qualifier_changed", "-1.5"),  # 7.5% -> 6%左右
    ("江津区", "disposable_income_growth", 2024, "qualifier_changed", None),  # 与经济增长同步 -> 6%
    (NATION, "urban_surveyed_unemployment", 2017, "added", None),  # 5.5%以内 first set in 2018
    (NATION, "trade_growth", 2015, "dropped", None),  # 6%左右 in 2015, none in 2016
]


@pytest.mark.parametrize("jurisdiction,indicator,year_from,kind,change", REVISIONS)
def test_revisions_on_real_rows(full: dict[str, Any], jurisdiction: str, indicator: str, year_from: int,
                                kind: str, change: str | None) -> None:
    r = revision(full, jurisdiction, indicator, year_from)
    assert (r["revision"], r["change"], r["year_to"]) == (kind, change, year_from + 1)
    assert (r["from"] is None) == (kind == "added") and (r["to"] is None) == (kind == "dropped")


def test_hailar_series(full: dict[str, Any]) -> None:
    got = {y: (row(full, "海拉尔区", "gdp_growth", y)["target"]["low"], (row(full, "海拉尔区", "gdp_growth", y)["actual"] or {}).get("low"),
               row(full, "海拉尔区", "gdp_growth", y)["outcome"]) for y in range(2012, 2017)}
    assert got == {2012: ("21", "18.5", "missed"), 2013: ("20", "10.1", "missed"), 2014: ("11", "9.1", "missed"),
                   2015: ("8", "8.9", "exceeded"), 2016: ("7.5", "7.2", "missed")}
    assert [revision(full, "海拉尔区", "gdp_growth", y)["revision"] for y in range(2012, 2019)] == \
        ["lowered", "lowered", "lowered", "lowered", "unchanged", "qualifier_changed", "lowered"]
    assert row(full, "海拉尔区", "gdp_growth", 2019)["outcome"] == "pending"
    # the actual comes from the next year's report
    assert row(full, "海拉尔区", "gdp_growth", 2014)["actual"]["source"]["path"].endswith("hailar_district_gwr_2015.txt")


def test_jiangjin_within_one_report(full: dict[str, Any]) -> None:
    jj = [r for r in full["rows"] if r["jurisdiction"] == "江津区"]
    table_rows = [r for r in jj if r["year"] == 2024 and r["target"] and r["target"]["source"]["table"] is not None]
    assert len(table_rows) == 23  # 表1: every row has its target and actual from the same table
    assert all(r["actual"]["source"]["table"] == r["target"]["source"]["table"] for r in table_rows)
    gdp25 = row(full, "江津区", "gdp_growth", 2025)
    assert gdp25["target"]["source"]["table"] is not None and gdp25["target"]["alternatives"] >= 1  # table wins over prose
    # the .docx is the same report as the .txt: read once
    copies = [r for r in full["reports"] if r["copy_of"]]
    assert [Path(r["path"]).name for r in copies] == ["jiangjin_plan_report_2025.docx"]
    assert row(full, "江津区", "gdp_growth", 2024)["actual"]["alternatives"] == 1  # table and prose, not x2


def test_provincial_2025_targets_wait_for_next_year(full: dict[str, Any], reports: dict[str, list[dict[str, Any]]]) -> None:
    provinces = {r["document"]["jurisdiction"]["name"] for r in reports["provinces"]}
    assert len(provinces) == 31
    rows = [r for r in full["rows"] if r["jurisdiction"] in provinces and r["year"] == 2025 and r["target"]]
    assert {r["outcome"] for r in rows} == {"pending"} and all(r["actual"] is None for r in rows)
    gdp = {r["jurisdiction"]: r for r in rows if r["indicator_id"] == "gdp_growth"}
    assert len(gdp) == 31
    assert (gdp["福建省"]["target"]["low"], gdp["福建省"]["target"]["high"], gdp["福建省"]["target"]["qualifier"]) == ("5", "5.5", "range")
    # their 2024 actuals are rows too, ready for the 2024 targets when those reports are added
    assert row(full, "浙江省", "gdp_growth", 2024)["actual"]["low"] == "5.5"


# --------------------------------------------------------------------------------------------------
# synthetic reports: the cases the corpus lacks


def rep(year: int, indicators: list[tuple[Any, ...]] = (), projects: list[dict[str, Any]] = (),  # type: ignore[assignment]
        name: str = "X县", text: str = "", sections: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A minimal report: plan year ``year``, review year ``year - 1``; indicators as (id, year, kind, low, high, unit, qualifier[, table])."""
    recs = []
    for ind in indicators:
        iid, y, kind, lo, hi, unit, q, *table = ind
        status = "numeric" if unit else "qualitative"
        recs.append({"indicator_id": iid, "name": iid, "year": y, "kind": kind, "status": status, "text": f"{iid}",
                     "wording": None, "source": {"char_start": 0, "char_end": 0, "table": table[0] if table else None},
                     "value": {"low": lo, "high": hi, "unit": unit, "qualifier": q, "raw": f"{lo}/{hi}"} if unit else None})
    return {"document": {"jurisdiction": {"name": name, "parent": None, "level": "county"},
                         "report_type": "government_work_report", "review_year": year - 1, "plan_year": year,
                         "source": {"path": f"{name}_{year}.txt", "sha256": f"{year:064d}"}},
            "sections": sections if sections is not None else [
                {"path": "1", "part": "review", "block": 0, "children": []},
                {"path": "2", "part": "plan", "block": 1, "children": []}],
            "blocks": [{"index": 0, "char_start": 0, "char_end": len(text) // 2, "content": True},
                       {"index": 1, "char_start": len(text) // 2, "char_end": len(text), "content": True}],
            "indicators": recs, "projects": list(projects), "text": text}


SYNTHETIC_OUTCOMES = [
    # target (low, high, unit, qualifier), actual (low, high, unit), options, outcome, gap
    (("5", "6", "percent", "range"), ("5.5", "5.5", "percent"), {}, "met", "0"),
    (("5", "6", "percent", "range"), ("6.4", "6.4", "percent"), {}, "exceeded", "0.4"),
    (("5", "6", "percent", "range"), ("4.9", "4.9", "percent"), {}, "missed", "-0.1"),
    (("5", "5", "percent", "about"), ("5.5", "5.5", "percent"), {}, "met", "0.5"),  # the tolerance is inclusive
    (("5", "5", "percent", "about"), ("5.6", "5.6", "percent"), {}, "exceeded", "0.6"),
    (("5", "5", "percent", "about"), ("5.6", "5.6", "percent"), {"about_tolerance": "1"}, "met", "0.6"),
    (("8000", "8000", "ton", "about"), ("8350", "8350", "ton"), {}, "met", "350"),  # 5% of the value for other units
    (("8000", "8000", "ton", "about"), ("8350", "8350", "ton"), {"about_relative": "0.02"}, "exceeded", "350"),
    (("6", None, "percent", "at_least"), ("5.9", "5.9", "percent"), {}, "missed", "-0.1"),
    ((None, "3", "percent", "at_most"), ("3.1", "3.1", "percent"), {}, "missed", "0.1"),
    ((None, "-3", "percent", "at_most"), ("-3.4", "-3.4", "percent"), {}, "met", "-0.4"),  # 下降3%以上, fell 3.4
    (("3", "3", "percent", "about"), ("0.2", "0.2", "percent"), {}, "missed", "-2.8"),  # CPI 3%左右 by default...
    (("3", "3", "percent", "about"), ("0.2", "0.2", "percent"), {"ceilings": ["x"]}, "met", "-2.8"),  # ...and as a ceiling
    (("0.1", "0.1", "percent", "exact"), ("0.3", "0.3", "percent"), {}, "exceeded", "0.2"),  # exact decimals, no float
    (("1", "1", "percentage_point", "exact"), ("1", "1", "percent"), {}, "not_comparable", None),
    (("1", "1", "percent", "exact"), ("1", "2", "percent"), {}, "not_comparable", None),  # an actual range
    (("30", None, "CNY", "at_least"), ("31", None, "CNY"), {}, "met", "1"),  # 超过31: taken at its bound
]


@pytest.mark.parametrize("target,actual,options,outcome,gap", SYNTHETIC_OUTCOMES)
def test_outcome_conventions(target: tuple[Any, ...], actual: tuple[Any, ...], options: dict[str, Any],
                             outcome: str, gap: str | None) -> None:
    reports = [rep(2020, [("x", 2020, "target", *target)]), rep(2021, [("x", 2020, "actual", *actual, "exact")])]
    r = compare_reports(reports, **options)["rows"][0]
    assert (r["outcome"], r["gap"]) == (outcome, gap)


def test_pending_versus_not_reported() -> None:
    reports = [rep(2020, [("x", 2020, "target", "5", "5", "percent", "exact"), ("y", 2020, "target", "1", "1", "percent", "exact")]),
               rep(2021, [("y", 2020, "actual", "1", "1", "percent", "exact")])]
    assert compare_reports(reports)["rows"][0]["reason"] == "no actual reported"  # the 2021 report reviews 2020
    assert compare_reports(reports[:1])["rows"][0]["outcome"] == "pending"


SYNTHETIC_REVISIONS = [
    (("5", "5", "percent", "about"), ("6", "6", "percent", "about"), "raised", "1"),
    (("-3.5", "-3.5", "percentage_point", "exact"), ("-3", "-3", "percentage_point", "exact"), "raised", "0.5"),  # signed value
    (("5", "6", "percent", "range"), ("5.25", "5.75", "percent", "range"), "qualifier_changed", "0"),  # narrower, same midpoint
    (("5", "5", "percent", "about"), ("5", None, "percent", "at_least"), "qualifier_changed", "0"),
    (("5", "5", "percent", "exact"), ("5", "5", "percentage_point", "exact"), "unit_changed", None),
    (("5", "5", "percent", "exact"), (None, None, None, None), "qualifier_changed", None),  # numeric -> qualitative
]


@pytest.mark.parametrize("old,new,kind,change", SYNTHETIC_REVISIONS)
def test_revision_conventions(old: tuple[Any, ...], new: tuple[Any, ...], kind: str, change: str | None) -> None:
    reports = [rep(2020, [("x", 2020, "target", *old)]), rep(2021, [("x", 2021, "target", *new)])]
    r = compare_reports(reports)["revisions"][0]
    assert (r["revision"], r["change"]) == (kind, change)


def test_added_and_dropped_need_the_report_that_would_set_the_target() -> None:
    a, b = rep(2020, [("x", 2020, "target", "5", "5", "percent", "exact")]), rep(2021, [("y", 2021, "target", "1", "1", "percent", "exact")])
    kinds = {(r["indicator_id"], r["revision"]) for r in compare_reports([a, b])["revisions"]}
    assert kinds == {("x", "dropped"), ("y", "added")}
    assert compare_reports([a])["revisions"] == []  # no 2021 report: nothing can be said about 2021


def test_picking_among_several_records() -> None:
    # prose in the 2020 report, the table of the 2021 report restating it, and prose of the 2021 report
    reports = [rep(2020, [("x", 2020, "target", "5", "5", "percent", "exact")]),
               rep(2021, [("x", 2020, "target", "6", "6", "percent", "exact", 0), ("x", 2020, "target", "7", "7", "percent", "exact")])]
    t = compare_reports(reports)["rows"][0]["target"]
    assert (t["low"], t["alternatives"], t["source"]["table"]) == ("6", 2, 0)  # a table first
    t = compare_reports([reports[0], rep(2021, [("x", 2020, "target", "7", "7", "percent", "exact")])])["rows"][0]["target"]
    assert t["low"] == "5"  # then the report whose plan year it is
    # the order of the inputs does not matter
    assert compare_reports(reports[::-1])["rows"] == compare_reports(reports)["rows"]


def test_multi_year_clauses_are_left_out() -> None:
    text = "“十四五”期间年均经济增长5%左右。今年经济增长6%左右。"
    r = rep(2021, text=text, indicators=[("gdp_growth", 2021, "target", "5", "5", "percent", "about"),
                                         ("gdp_growth", 2021, "target", "6", "6", "percent", "about")])
    r["indicators"][0]["source"].update(char_start=text.index("5%"), char_end=text.index("5%") + 2)
    r["indicators"][1]["source"].update(char_start=text.index("6%"), char_end=text.index("6%") + 2)
    out = compare_reports([r])
    assert out["rows"][0]["target"]["low"] == "6" and out["rows"][0]["target"]["alternatives"] == 0
    assert out["summary"]["excluded_multi_year"] == 1


# --------------------------------------------------------------------------------------------------
# projects


def proj(name: str, milestones: list[str] = (), investment: str | None = None, section: str = "2") -> dict[str, Any]:  # type: ignore[assignment]
    return {"name": name, "investment": {"value": investment, "unit": "CNY", "raw": f"投资{investment}"} if investment else None,
            "capacity": None, "milestones": [{"text": m, "year": None} for m in milestones], "text": name,
            "source": {"section": section, "table": None, "char_start": 0, "char_end": 0, "page": None}}


def test_projects_across_years_synthetic() -> None:
    y1 = rep(2020, projects=[proj("“光谷”数据中心项目（一期）", ["建成投产"], "500000000"),
                             proj("滨江大道延伸段工程", ["开工建设"]), proj("城北污水处理厂二期工程", ["完工"]),
                             proj("国际会展中心项目", ["建成"])])
    y2 = rep(2021, projects=[proj("光谷数据中心一期工程", ["建成投产"], "600000000", section="1"),
                             proj("城北污水处理厂二期工程", ["开工"], section="1"),
                             proj("国际会展中心", ["建成"], section="2")])
    out = compare_reports([y1, y2])
    by = {p["project_key"]: p for p in out["projects"]}
    dc = by["光谷数据中心一期"]
    assert dc["names"] == ["“光谷”数据中心项目（一期）", "光谷数据中心一期工程"] and dc["investment_changed"]
    # the 2021 report's review mention is about 2020
    assert [(i["year"], i["value"]) for i in dc["investment_history"]] == [(2020, "500000000"), (2020, "600000000")]
    status = {k: (p["promises"][0]["status"], p["promises"][0]["evidence"]) for k, p in by.items() if p["promises"]}
    assert status == {"光谷数据中心一期": ("done", "project_record"), "滨江大道延伸段": ("slipped", "not_mentioned"),
                      "城北污水处理厂二期": ("slipped", "lower_stage_reported"), "国际会展中心": ("slipped", "promised_again")}
    assert by["国际会展中心"]["promises"][0]["reported"]["text"] == "建成"
    assert compare_reports([y1])["projects"][0]["promises"][0]["status"] == "pending"


def test_project_found_in_the_review_text() -> None:
    text = "去年，投资3.4亿元的冰上运动训练中心项目成功落地，新区道路完工。今年要建好新区道路。"
    y2 = rep(2021, text=text, sections=[{"path": "1", "part": "review", "block": 0, "children": []},
                                        {"path": "2", "part": "plan", "block": 1, "children": []}])
    y2["blocks"] = [{"index": 0, "char_start": 0, "char_end": text.index("今年"), "content": True},
                    {"index": 1, "char_start": text.index("今年"), "char_end": len(text), "content": True}]
    out = compare_reports([rep(2020, projects=[proj("内蒙古冰上运动训练中心", ["开工建设"])]), y2])
    p = out["projects"][0]["promises"][0]
    assert (p["status"], p["evidence"], p["reported"]["inferred"]) == ("done", "text_search", True)
    assert text[p["reported"]["char_start"]:p["reported"]["char_end"]] == "投资3.4亿元的冰上运动训练中心项目成功落地"


@pytest.mark.parametrize("a,b,same", [
    ("红星美凯龙主力店项目", "红星美凯龙主力店主体工程", True),
    ("亘富200万吨褐煤提质一期工程", "亘富200万吨褐煤提质项目", True),
    ("内蒙古冰上运动训练中心", "自治区冰上运动训练中心项目", True),
    ("渝昆高铁（渝宜段）", "渝昆高铁渝宜段工程", True),
    ("污水处理厂一期改造工程", "污水处理厂二期改造工程", False),
    ("红星美凯龙主力店项目", "红星美凯龙城市商贸综合体项目", False),
    ("2025年一期项目", "2025年和美乡村建设项目", False),
    ("棚户区改造工程", "大兴安岭森工集团棚户区改造异地安置工程", False),
    ("华润雪花迁建", "华润雪花啤酒迁建项目", True),  # an abbreviation
    ("城北污水处理厂", "城南污水处理厂", False),
])
def test_project_name_similarity(a: str, b: str, same: bool) -> None:
    assert same_project(a, b) is same


def test_milestone_stages_and_names() -> None:
    assert [milestone_stage(t) for t in ("落地开工", "加快建设", "主体封顶", "全面贯通", "开通运行", "试运营")] == [1, 2, 3, 4, 5, 5]
    assert normalize_project_name("确保中网科技云计算数据中心") == "中网科技云计算数据中心"


def test_projects_on_the_hailar_series(full: dict[str, Any]) -> None:
    hailar = [p for p in full["projects"] if p["jurisdiction"] == "海拉尔区"]
    hx = next(p for p in hailar if p["project_key"].startswith("红星美凯龙主力店"))
    assert len(hx["years"]) >= 2 and len(set(hx["names"])) >= 2  # 主力店项目 (2014) / 主力店主体工程 (2015, 2016)
    beer = next(p for p in hailar if "华润雪花啤酒迁建项目" in p["names"])
    promise = next(x for x in beer["promises"] if x["year"] == 2015)
    assert promise["stage_name"] == "in_use" and promise["status"] == "slipped"  # 2016: 迁建…项目进展顺利, not 投产


# --------------------------------------------------------------------------------------------------
# schema, rendering, CLI


def test_output_validates_and_every_property_is_described(full: dict[str, Any]) -> None:
    assert validate_report(full, "comparison") == []
    schema = json.loads((ROOT / "schemas" / "comparison.schema.json").read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    missing: list[str] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for k, v in node.get("properties", {}).items():
                if "description" not in v:
                    missing.append(f"{path}/{k}")
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for v in node:
                walk(v, path)
    walk(schema, "")
    assert missing == []
    bad = json.loads(json.dumps(full["rows"][0]))
    bad["gap"] = 0.1  # a float, not a decimal string
    assert validate_report({**full, "rows": [bad]}, "comparison")


def test_tables_and_chart(full: dict[str, Any]) -> None:
    empty = compare_reports([])
    assert empty["rows"] == [] and validate_report(empty, "comparison") == []
    sub = {**full, "rows": [r for r in full["rows"] if r["jurisdiction"] == NATION and r["indicator_id"] == "gdp_growth"
                            and 2015 <= r["year"] <= 2025], "revisions": [], "projects": []}
    md = render(sub, "md")
    assert "| 中华人民共和国 | gdp_growth | 2022 | ≈5.5% | 3% | missed | -2.5 |" in md
    text = render(sub, "text")
    assert "≥6%" in text and "pending" in text
    svg = chart_svg(sub["rows"])
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and svg.count("<circle") >= 7
    assert "<script" not in svg and "href" not in svg  # self-contained


def test_cli_compare(tmp_path: Path, reports: dict[str, list[dict[str, Any]]], capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline.store import write_json_atomic

    ins = tmp_path / "in"
    for r in reports["hailar"]:
        write_json_atomic(ins / (Path(r["document"]["source"]["path"]).name + ".json"), r)
    (ins / "notes.json").write_text("{}", encoding="utf-8")  # not an output name: a folder search skips it
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    src = CORPORA / "jiangjin_plan_report_2025.txt"
    out = tmp_path / "cmp.json"
    code = main(["compare", str(ins), str(src), str(broken), "--out", str(out), "--format", "md",
                 "--charts", str(tmp_path / "charts"), "--about-tolerance", "0.3"])
    captured = capsys.readouterr()
    assert code == 1  # the broken file, one line
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "broken.json: not a JSON report" in errors[0]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert validate_report(data, "comparison") == [] and data["convention"]["about_tolerance"] == "0.3"
    assert {r["jurisdiction"] for r in data["rows"]} == {"海拉尔区", "江津区"}
    assert "| 海拉尔区 | gdp_growth | 2013 | 20% | 10.1% | missed | -9.9 |" in captured.out
    assert (tmp_path / "charts" / "海拉尔区_gdp_growth.svg").exists()


def test_cli_compare_help_and_readme() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["compare"]  # type: ignore[union-attr]
    help_text = sub.format_help().rstrip()
    assert "Example:" in help_text and help_text.splitlines()[-1].strip().startswith("govreport compare")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "govreport compare" in readme and "## Comparing years" in readme
