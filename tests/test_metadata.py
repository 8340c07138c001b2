"""Document metadata on real reports: jurisdiction, level, report type, review and plan year."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.metadata import extract_metadata

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
MANIFEST = {r["file"]: r for r in csv.DictReader((CORPORA / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t")}

CASES = [
    # file, name, parent, level, report_type, review, plan
    ("jiangjin_plan_report_2025.txt", "江津区", "重庆市", "county", "plan_report", 2024, 2025),
    ("jiangjin_plan_report_2025.docx", "江津区", "重庆市", "county", "plan_report", 2024, 2025),
    ("jiangjin_plan_report_2025.pdf", "江津区", "重庆市", "county", "plan_report", 2024, 2025),
    ("national_gwr_2024.txt", "中华人民共和国", None, "national", "government_work_report", 2023, 2024),
    ("jinjiang_city_gwr_2023-12.pdf", "晋江市", None, "county", "government_work_report", 2023, 2024),
]
CASES += [(f"hailar_district_gwr_{y}.txt", "海拉尔区", None, "county", "government_work_report", y - 1, y) for y in range(2012, 2020)]
CASES += [(f"national_gwr_{y}.txt", "中华人民共和国", None, "national", "government_work_report", y - 1, y)
          for y in list(range(1992, 1996)) + list(range(1997, 2001)) + list(range(2002, 2020)) + list(range(2021, 2026))]
# 2001: the report on the 10th five-year plan outline, delivered as that year's government work report
CASES += [("national_gwr_2001.txt", "中华人民共和国", None, "national", "five_year_plan", 2000, 2001)]
CASES += [(f, r["jurisdiction"], None, "province", "government_work_report", 2024, 2025)
          for f, r in MANIFEST.items() if f.startswith("prov_")]


@pytest.mark.parametrize("file, name, parent, level, rtype, review, plan", CASES, ids=[c[0] for c in CASES])
def test_metadata_real_reports(file: str, name: str, parent: str | None, level: str, rtype: str, review: int, plan: int) -> None:
    meta = extract_metadata(read_document(CORPORA / file))
    assert meta.jurisdiction["name"] == name
    if parent:
        assert meta.jurisdiction["parent"] == parent
    assert meta.jurisdiction["level"] == level
    assert meta.report_type == rtype
    assert (meta.review_year, meta.plan_year) == (review, plan)


def test_metadata_hailar_parent_when_named() -> None:
    meta = extract_metadata(read_document(CORPORA / "hailar_district_gwr_2019.txt"))
    assert meta.jurisdiction["parent"] == "呼伦贝尔市"


def test_metadata_final_accounts_pdf() -> None:
    meta = extract_metadata(read_document(CORPORA / "shanghai_putuo_finance_bureau_dept_final_accounts_2024.pdf"))
    assert meta.report_type == "final_accounts"
    assert meta.review_year == 2024
