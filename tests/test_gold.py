"""The gold set itself: schema, quotes verbatim in every source, values that agree with their quotes."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import regex
import yaml

from pipeline.evaluate import load_gold
from pipeline.ingest import read_document

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpora" / "gold"
_WS = regex.compile(r"\s+")
GOLD_FILES = load_gold(GOLD)


@cache
def squeezed_text(source: str) -> str:
    return _WS.sub("", read_document(ROOT / "corpora" / source).text)


def test_gold_covers_the_required_documents() -> None:
    docs = {g["document"] for g in GOLD_FILES}
    assert "jiangjin_plan_report_2025" in docs
    assert len([d for d in docs if d.startswith("national_gwr_") and 1992 <= int(d[13:17]) <= 2025]) >= 25
    assert len([d for d in docs if d.startswith("prov_")]) >= 12
    assert {f"hailar_district_gwr_{y}" for y in range(2012, 2020)} <= docs
    assert "jinjiang_city_gwr_2023-12" in docs
    assert sum(len(g.get("decoys", [])) for g in GOLD_FILES) >= 50


QUOTES = [(g["document"], src, section, i, item["quote"])
          for g in GOLD_FILES for src in g["sources"]
          for section in ("items", "decoys", "projects") for i, item in enumerate(g.get(section, []))]


@pytest.mark.parametrize("document, source", sorted({(q[0], q[1]) for q in QUOTES}))
def test_gold_quotes_are_in_the_source(document: str, source: str) -> None:
    """Every quote, whitespace aside, is a substring of the text govreport reads from the source."""
    text = squeezed_text(source)
    missing = [f"{sec}[{i}]: {quote}" for d, s, sec, i, quote in QUOTES if (d, s) == (document, source)
               and _WS.sub("", quote) not in text]
    assert not missing


def _numbers_in(quote: str) -> list[Decimal]:
    from pipeline.extract.numbers import find_quantities

    out: list[Decimal] = []
    for q in find_quantities(quote):
        for v in (q.low, q.high):
            if v is not None:
                out.append(abs(v))
    return out


UNIT_SCALES = {"percent": [1], "percentage_point": [1], "permille": [1], "CNY": [1, 10**4, 10**8, 10**12],
               "USD": [1, 10**4, 10**8], "person": [1, 10**4], "ton": [1, 10**4, 10**8, Decimal("0.0005") * 10**8]}


ITEMS = [(g["document"], i, item) for g in GOLD_FILES for i, item in enumerate(g.get("items", []))]


@pytest.mark.parametrize("document, i, item", ITEMS, ids=[f"{d}-{i}" for d, i, _ in ITEMS])
def test_gold_value_agrees_with_quote(document: str, i: int, item: dict) -> None:  # type: ignore[type-arg]
    """A numeric item's value is what its quote (or, for table cells, its note) says."""
    if item["status"] != "numeric":
        assert item.get("low") is None and item.get("high") is None
        return
    low, high = item.get("low"), item.get("high")
    assert low is not None or high is not None
    q = item["qualifier"]
    if q in ("exact", "about"):
        assert low == high
    elif q == "at_least":
        assert high is None
    elif q == "at_most":
        assert low is None
    elif q == "range":
        assert low is not None and high is not None and Decimal(low) < Decimal(high)
    quoted = _numbers_in(item["quote"] + " " + item.get("note", ""))
    values = [abs(Decimal(v)) for v in (low, high) if v is not None]
    for v in values:
        assert v in quoted, f"{v} not read from quote {item['quote']!r}: {quoted}"


def test_gold_thresholds_file_is_valid() -> None:
    th = yaml.safe_load((GOLD / "thresholds.yaml").read_text(encoding="utf-8"))
    assert th and all(("min" in v) or ("max" in v) for v in th.values())


# Independent of the extractor: a few wording rules a value must agree with (its quote plus its note).
_WORDS = {
    "percentage_point": r"百分点",
    "percent": r"[%％]|百分之|百分比",
    "about": r"左右|约|上下|近|大体|大约",
    "at_least": r"以上|不低于|不少于|超过|超|突破|多于|逾|余|至少|多|更多|高于|跨上|迈上|台阶",
    "at_most": r"以内|以下|不超过|不高于|低于|控制在|最多|以上",  # 以上: a fall of at least X (下降3%以上)
    "range": r"[—–\-－~～至到]",
    "negative": r"下降|降低|减少|压减|压降|回落|下滑|缩小|降|减|[-－−]",
}


@pytest.mark.parametrize("document, i, item", ITEMS, ids=[f"{d}-{i}" for d, i, _ in ITEMS])
def test_gold_value_agrees_with_its_wording(document: str, i: int, item: dict) -> None:  # type: ignore[type-arg]
    """Unit, qualifier and sign are checked against the words of the quote, not by the grammar."""
    if item["status"] != "numeric":
        return
    words = item["quote"] + " " + item.get("note", "")
    unit = item.get("unit")
    if unit in ("percentage_point", "percent"):
        assert regex.search(_WORDS[unit], words), f"{unit} without its word in {words!r}"
    if item["qualifier"] in ("about", "at_least", "at_most", "range"):
        assert regex.search(_WORDS[item["qualifier"]], words), f"{item['qualifier']} without its word in {words!r}"
    values = [Decimal(v) for v in (item.get("low"), item.get("high")) if v is not None]
    if any(v < 0 for v in values):
        assert regex.search(_WORDS["negative"], words), f"negative value without a falling word in {words!r}"
