"""Section tree, parts and sentences on real reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import read_document
from pipeline.metadata import extract_metadata
from pipeline.segment import heading_level, split_sections, split_sentences

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


@pytest.mark.parametrize(
    "text, level",
    [
        ("一、2024年国民经济和社会发展计划执行情况", 1),
        ("（一）主枢纽建设提质跃升，开放发展稳健前行", 2),
        ("专栏3  “3+3+X”现代制造业集群体系建设2025年重点推进项目", 3),
        ("表1：江津区2024年国民经济和社会发展主要预期目标完成情况表", 3),
        ("——地区生产总值增长6%。主要综合研判经济发展态势", 4),
        ("1.地区生产总值增长", 3),
        ("一是针对性出台系列稳增长举措，经济总体实现稳定向好。", None),
        ("2024年，面对严峻复杂的国际环境", None),
    ],
)
def test_segment_heading_level(text: str, level: int | None) -> None:
    assert heading_level(text) == level


@pytest.mark.parametrize(
    "file, review_title, plan_title",
    [
        ("jiangjin_plan_report_2025.txt", "一、2024年国民经济和社会发展计划执行情况", "二、2025年国民经济和社会发展基本思路和主要目标"),
        ("national_gwr_2024.txt", "一、2023年工作回顾", "三、2024年政府工作任务"),
        ("national_gwr_1992.txt", "一、１９９１年国内工作的回顾", None),
        ("hailar_district_gwr_2016.txt", "一、“十二五”时期和2015年工作回顾", None),
    ],
)
def test_segment_parts(file: str, review_title: str, plan_title: str | None) -> None:
    doc = read_document(CORPORA / file)
    meta = extract_metadata(doc)
    root = split_sections(doc, meta.review_year, meta.plan_year)
    parts = {s.title: s.part for s in root.children}
    assert parts[review_title] == "review"
    if plan_title:
        assert parts[plan_title] == "plan"
    # children inherit their part
    for top in root.children:
        for s in top.walk():
            if top.part != "other":
                assert s.part == top.part


def test_segment_jiangjin_boxes_are_sections() -> None:
    doc = read_document(CORPORA / "jiangjin_plan_report_2025.txt")
    root = split_sections(doc, 2024, 2025)
    boxes = [s for s in root.walk() if s.title.startswith("专栏")]
    assert len(boxes) == 10
    assert all(s.part == "plan" for s in boxes)


def test_segment_sentences_keep_offsets() -> None:
    text = "全年实现地区生产总值1490.78亿元、增长4.1%；固定资产投资503.03亿元。"
    sents = split_sentences(text, 100)
    assert [s.text for s in sents] == ["全年实现地区生产总值1490.78亿元、增长4.1%；", "固定资产投资503.03亿元。"]
    assert sents[1].start == 100 + text.index("固定")
