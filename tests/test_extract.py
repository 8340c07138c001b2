"""Extraction on real sentences and tables (table-driven; every sentence is quoted from the corpus)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.extract import Context
from pipeline.extract.crosswalk import match_indicator
from pipeline.extract.projects import clean_name, listed_projects, parse_description
from pipeline.extract.prose import sentence_frame, statement_records
from pipeline.model import Document
from pipeline.process import extract_file
from pipeline.segment import Section

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


def _records(text: str, part: str = "plan", review: int = 2024, plan: int = 2025):  # type: ignore[no-untyped-def]
    ctx = Context(Document("x.txt", "txt", "0" * 64, []), Section("", 0, "other", "", None), review, plan)
    return statement_records(text, 0, part, ctx, section="1", page=None)


def _key(r):  # type: ignore[no-untyped-def]
    return (r.indicator_id, r.year, r.kind, r.status, r.low, r.high, r.unit, r.qualifier)


D = Decimal
# (source file, sentence as quoted, part, expected records as (id, year, kind, status, low, high, unit, qualifier))
PROSE = [
    ("jiangjin_plan_report_2025.txt", "全年实现地区生产总值1490.78亿元、增长4.1%；固定资产投资503.03亿元、增长5%", "review",
     [("gdp", 2024, "actual", "numeric", D("149078000000"), D("149078000000"), "CNY", "exact"),
      ("gdp_growth", 2024, "actual", "numeric", D("4.1"), D("4.1"), "percent", "exact"),
      ("fixed_asset_investment", 2024, "actual", "numeric", D("50303000000"), D("50303000000"), "CNY", "exact"),
      ("fixed_asset_investment_growth", 2024, "actual", "numeric", D(5), D(5), "percent", "exact")]),
    ("national_gwr_2024.txt", "国内生产总值增长5%左右", "plan",
     [("gdp_growth", 2025, "target", "numeric", D(5), D(5), "percent", "about")]),
    ("prov_hebei_gwr_2025.docx", "地区生产总值增长5%以上，一般公共预算收入增长2%左右", "plan",
     [("gdp_growth", 2025, "target", "numeric", D(5), None, "percent", "at_least"),
      ("budget_revenue_growth", 2025, "target", "numeric", D(2), D(2), "percent", "about")]),
    ("prov_shaanxi_gwr_2025.docx", "城乡居民人均可支配收入分别增长5%、6%", "plan",
     [("urban_income_growth", 2025, "target", "numeric", D(5), D(5), "percent", "exact"),
      ("rural_income_growth", 2025, "target", "numeric", D(6), D(6), "percent", "exact")]),
    ("prov_guizhou_gwr_2025.docx", "其中一、二、三产增加值分别增长3.5%以上、7%左右、5%以上", "plan",
     [("agriculture_value_added_growth", 2025, "target", "numeric", D("3.5"), None, "percent", "at_least"),
      ("secondary_value_added_growth", 2025, "target", "numeric", D(7), D(7), "percent", "about"),
      ("services_value_added_growth", 2025, "target", "numeric", D(5), None, "percent", "at_least")]),
    ("prov_xinjiang_gwr_2025.docx", "单位地区生产总值能耗降低3%以上", "plan",
     [("energy_intensity", 2025, "target", "numeric", None, D(-3), "percent", "at_most")]),
    ("national_gwr_2011.txt", "过去一年，我们的各项工作取得了很大成绩。国内生产总值增长10.3%，居民消费价格涨幅控制在 3.3%", "plan",
     [("gdp_growth", 2024, "actual", "numeric", D("10.3"), D("10.3"), "percent", "exact"),
      ("cpi", 2024, "actual", "numeric", D("3.3"), D("3.3"), "percent", "exact")]),
    ("prov_zhejiang_gwr_2025.docx", "居民可支配收入与经济增长基本同步", "plan",
     [("disposable_income_growth", 2025, "target", "qualitative", None, None, None, None)]),
    ("national_gwr_2024.txt", "赤字率拟按3%安排，赤字规模4.06万亿元，比上年年初预算增加1800亿元", "plan",
     [("deficit_ratio", 2025, "target", "numeric", D(3), D(3), "percent", "exact"),
      ("deficit", 2025, "target", "numeric", D("4060000000000"), D("4060000000000"), "CNY", "exact")]),
]
DECOYS = [
    ("national_gwr_2001.txt", "“十五”期间年均经济增长速度预期目标为7％左右", "plan"),
    ("national_gwr_2019.txt", "服务业对经济增长贡献率接近60%", "review"),
    ("prov_hunan_gwr_2025.docx", "县域经济增速高于全省经济增速0.4个百分点", "review"),
    ("jiangjin_plan_report_2025.txt", "包括产业发展、扩大内需、改革开放等方面的导向性指标共16项", "plan"),
    ("national_gwr_2016.txt", "今后五年，单位国内生产总值用水量、能耗、二氧化碳排放量分别下降23%、15%、18%", "plan"),
]


@pytest.mark.parametrize("source, sentence, part, expected", PROSE, ids=[p[1][:24] for p in PROSE])
def test_extract_prose_real_sentences(source: str, sentence: str, part: str, expected: list) -> None:  # type: ignore[type-arg]
    assert sentence.replace(" ", "") in (CORPORA / source).read_text(encoding="utf-8", errors="ignore").replace(" ", "") or source.endswith(".docx")
    got = [_key(r) for r in _records(sentence, part) if r.indicator_id]
    assert got == expected


@pytest.mark.parametrize("source, sentence, part", DECOYS, ids=[d[1][:20] for d in DECOYS])
def test_extract_prose_decoys_give_no_plan_year_target(source: str, sentence: str, part: str) -> None:
    got = [r for r in _records(sentence, part) if r.kind == "target" and r.year == 2025 and r.indicator_id]
    assert got == []


def test_extract_later_year_goal_keeps_its_year() -> None:
    recs = _records("到2027年，地区生产总值超过1800亿元", "plan")
    assert [(r.indicator_id, r.year, r.low) for r in recs] == [("gdp", 2027, D("180000000000"))]


@pytest.mark.parametrize(
    "text, part, frame",
    [
        ("地区生产总值增长6%左右", "plan", ("target", 2025)),
        ("2024年，全区地区生产总值增长4.1%", "plan", ("actual", 2024)),
        ("初步统计，2024年全省地区生产总值57761亿元", "other", ("actual", 2024)),
        ("今年的经济增长预期为7％左右", "other", ("target", 2025)),
        ("但是，全国没有实现年初确定的单位国内生产总值能耗降低4%左右", "review", ("target", 2024)),
        ("一段没有年份的话", "other", None),
    ],
)
def test_extract_sentence_frame(text: str, part: str, frame: tuple | None) -> None:  # type: ignore[type-arg]
    assert sentence_frame(text, part, 2024, 2025) == frame


@pytest.mark.parametrize(
    "name, expected",
    [
        ("1.地区生产总值（GDP）增速", "gdp_growth"),
        ("#税收收入增速", "tax_revenue_growth"),
        ("20.单位地区GDP能耗下降", "energy_intensity"),
        ("11.金融主导产业增速（指银行业总资产增速）", "financial_industry_growth"),
        ("13.新增经营主体数量", "new_market_entities"),
        ("新增停车场泊位", None),
    ],
)
def test_extract_crosswalk(name: str, expected: str | None) -> None:
    m = match_indicator(name)
    assert (m[0] if m else None) == expected


@pytest.fixture(scope="module", params=["txt", "docx", "pdf"])
def jiangjin(request: pytest.FixtureRequest) -> dict:  # type: ignore[type-arg]
    return extract_file(CORPORA / f"jiangjin_plan_report_2025.{request.param}")


def test_extract_jiangjin_tables_same_in_every_format(jiangjin: dict) -> None:  # type: ignore[type-arg]
    rows = [(r["indicator_id"], r["parent"], r["year"], r["kind"], r["status"], r["value"] and r["value"]["low"])
            for r in jiangjin["indicators"] if r["extractor"] == "tables.v1"]
    assert len(rows) == 23 * 2 + 24
    assert ("gdp_growth", None, 2024, "actual", "numeric", "4.1") in rows
    assert ("agriculture_value_added_growth", "gdp_growth", 2024, "target", "numeric", "4.2") in rows
    assert ("tax_revenue_growth", "budget_revenue_growth", 2025, "target", "numeric", "2.5") in rows
    assert ("disposable_income_growth", None, 2024, "target", "qualitative", None) in rows
    assert ("fdi", None, 2025, "target", "numeric", "25000000") in rows
    assert ("energy_intensity", None, 2024, "actual", "numeric", "-2.7") in rows


def test_extract_jiangjin_projects_box3(jiangjin: dict) -> None:  # type: ignore[type-arg]
    by_name = {p["name"]: p for p in jiangjin["projects"]}
    p = by_name["华健未来国际创新医药总部项目"]
    assert p["investment"] == {"value": "5000000000", "unit": "CNY", "raw": "投资50亿元"}
    assert p["milestones"][0]["year"] == 2025
    assert by_name["年产3GW钙钛矿太阳能电池组件西南基地项目"]["capacity"] == "年产3GW"
    invested = [p for p in jiangjin["projects"] if p["investment"]]
    assert len(invested) >= 10


@pytest.mark.parametrize(
    "text, expected",
    [
        ("投资50亿元，新建高水平研发创新中心，2025年一期项目整体建成", (D("5000000000"), None, [("2025年一期项目整体建成", 2025)])),
        ("投资5亿元，建设年产3.6万吨复合调料扩建工程，2025年主体完工", (D("500000000"), "年产3.6万吨", [("2025年主体完工", 2025)])),
    ],
)
def test_extract_project_description(text: str, expected: tuple) -> None:  # type: ignore[type-arg]
    inv, cap, ms = parse_description(text)
    assert (inv[0] if inv else None, cap, ms) == expected


def test_extract_project_lists_and_names() -> None:
    got = [n for n, *_ in listed_projects("鹅公水库、福寿岩水库、白沙驴溪河流域水环境综合治理工程、渝西水资源配置等14个重点项目")]
    assert got == ["鹅公水库", "福寿岩水库", "白沙驴溪河流域水环境综合治理工程", "渝西水资源配置"]
    assert clean_name("加快推进永津高速公路") == "永津高速公路"
    assert clean_name("重点项目") is None
