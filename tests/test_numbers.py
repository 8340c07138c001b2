"""Tests for the quantity grammar (pipeline/extract/numbers.py) and the vocabularies it is built from.

The cases live in tests/cases/quantities.yaml (grouped by where they came from); one parametrized test
runs them all, with ids showing the Chinese input. Property tests (hypothesis) check that no string
makes the grammar fail and that quantities rendered as text parse back to the same value.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import LexiconError
from pipeline.extract.numbers import (
    QUALIFIERS,
    Quantity,
    decimal_to_str,
    find_quantities,
    parse_number,
    parse_quantity,
)
from pipeline.lexicon import load_lexicon, load_lexicon_file

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases" / "quantities.yaml"
CORPORA = ROOT / "corpora"
GROUPS = ("from_corpus", "new_features", "bugs_caught", "known_failures")


# --------------------------------------------------------------------------------------------------
# table-driven cases


def _case_id(group: str, text: str) -> str:
    shown = text.replace("\n", "⏎").replace("\t", "⇥").strip()
    return f"{group}:{shown[:40]}"


def _load_cases() -> list[Any]:
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    assert set(data) == set(GROUPS), f"{CASES}: groups must be {GROUPS}"
    params = []
    for group in GROUPS:
        for case in data[group]:
            marks = [pytest.mark.xfail(strict=True, reason=case.get("why", "known failure"))] \
                if group == "known_failures" else []
            params.append(pytest.param(group, case, id=_case_id(group, case["text"]), marks=marks))
    return params


@functools.cache
def _corpus(name: str) -> str:
    return (CORPORA / name).read_text(encoding="utf-8")


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _actual(q: Quantity, keys: set[str]) -> dict[str, Any]:
    got: dict[str, Any] = {"raw": q.raw, "unit": q.unit, "q": q.qualifier, "dir": q.direction}
    if "value" in keys:
        got["value"] = q.value
    else:
        got["low"], got["high"] = q.low, q.high
    for extra in ("direction_raw", "qualifier_raw", "unit_raw"):
        if extra in keys:
            got[extra] = getattr(q, extra)
    return got


def _expected(e: dict[str, Any]) -> dict[str, Any]:
    want: dict[str, Any] = {"raw": e["raw"], "unit": e.get("unit"), "q": e.get("q", "exact"), "dir": e.get("dir", 0)}
    if "value" in e:
        want["value"] = _dec(e["value"])
    else:
        want["low"], want["high"] = _dec(e.get("low")), _dec(e.get("high"))
    for extra in ("direction_raw", "qualifier_raw", "unit_raw"):
        if extra in e:
            want[extra] = e[extra]
    return want


@pytest.mark.parametrize("group,case", _load_cases())
def test_quantities(group: str, case: dict[str, Any]) -> None:
    text = case["text"]
    if case.get("source"):
        assert text in _corpus(case["source"]), f"not verbatim in corpora/{case['source']}"
    found = find_quantities(text)
    for q in found:
        assert text[q.span[0]:q.span[1]] == q.raw
    got = [_actual(q, set(e)) for q, e in zip(found, case["expect"])]
    want = [_expected(e) for e in case["expect"]]
    assert got == want and len(found) == len(want), "\n".join(
        [f"found: {[q.raw for q in found]}"] + [json.dumps(_actual(q, set()), default=str, ensure_ascii=False)
                                                for q in found])


def test_enough_cases_mostly_from_corpus() -> None:
    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    cases = [c for g in GROUPS for c in data[g]]
    assert len(cases) >= 120
    assert all(c.get("source") for c in data["from_corpus"])
    assert sum(1 for c in cases if c.get("source")) > len(cases) / 2


# --------------------------------------------------------------------------------------------------
# API details


def test_parse_number() -> None:
    assert parse_number("1,235.5") == Decimal("1235.5")
    assert parse_number("７．３") == Decimal("7.3")
    assert parse_number("八千二百九十一亿") == Decimal("829100000000")
    assert parse_number("百分之三十二点六") == Decimal("32.6")
    assert parse_number("两") == Decimal(2)
    assert parse_number("〇") == Decimal(0)
    assert parse_number("4 9 2 5 0") == Decimal(49250)
    assert parse_number("一百零八") == Decimal(108)
    assert parse_number("十二") == Decimal(12)
    for bad in ("", "abc", "十四五", "万一", "5%", "1.2.3", "点五"):
        assert parse_number(bad) is None, bad


def test_decimal_to_str() -> None:
    assert decimal_to_str(Decimal("1.4907800E+11")) == "149078000000"
    assert decimal_to_str(Decimal("5.0")) == "5"
    assert decimal_to_str(Decimal("0.00505")) == "0.00505"
    assert decimal_to_str(Decimal("-3.50")) == "-3.5"


def test_values_are_exact_decimals() -> None:
    q = parse_quantity("全年实现地区生产总值1490.78亿元")
    assert q is not None and q.low == Decimal("149078000000") and isinstance(q.low, Decimal)
    assert q.unit_raw == "亿元" and str(q.low) == "149078000000"
    q = parse_quantity("0.1%")
    assert q is not None and q.low == Decimal("0.1") and str(q.low) == "0.1"


def test_quantity_is_frozen() -> None:
    q = parse_quantity("5%")
    assert q is not None
    with pytest.raises(AttributeError):
        q.low = Decimal(1)  # type: ignore[misc]


def test_parse_quantity_first_or_none() -> None:
    q = parse_quantity("增长6%，其中工业投资增长9%")
    assert q is not None and q.raw == "6%"
    assert parse_quantity("进一步统一思想") is None
    assert parse_quantity("") is None


def test_spans_point_into_the_text() -> None:
    text = "地区生产总值增长6%左右、城镇调查失业率控制在5.5%以内"
    for q in find_quantities(text):
        assert text[q.span[0]:q.span[1]] == q.raw
    assert [q.raw for q in find_quantities(text)] == ["6%左右", "控制在5.5%以内"]


def test_jiangjin_file_finds_the_table_values() -> None:
    text = _corpus("jiangjin_plan_report_2025.txt")
    qs = find_quantities(text)
    raws = [q.raw for q in qs]
    assert len(qs) > 300
    assert "1490.78亿元" in raws and "-19.6%" in raws and "控制在5.5%以内" in raws
    assert all(not r.startswith(("2024", "2025")) for r in raws)  # no years


# --------------------------------------------------------------------------------------------------
# adversarial input: must finish (no timing assertion), and return a list

ADVERSARIAL = [
    "1" * 20_000,
    "１．" * 10_000,
    "百分之" * 7_000,
    "1 " * 10_000,
    "1." * 10_000,
    "1-" * 10_000,
    "1,000" * 4_000,
    "一" * 20_000,
    "十" * 20_000,
    "二点" * 10_000,
    "一万" * 10_000,
    "一亿二万" * 5_000,
    "增长" * 10_000,
    "约" * 20_000,
    "万" * 20_000,
    "5%" * 10_000,
    "3 ．" * 7_000,
    "1:" * 10_000,
    "第" * 20_000,
    ("12345 " * 3_000) + "％",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[repr(t[:8]) + f"x{len(t)}" for t in ADVERSARIAL])
def test_adversarial_strings_complete(text: str) -> None:
    qs = find_quantities(text)
    assert isinstance(qs, list)
    _check_invariants(text, qs)


# --------------------------------------------------------------------------------------------------
# properties


def _check_invariants(text: str, qs: list[Quantity]) -> None:
    last = 0
    for q in qs:
        assert q.span[0] >= last and q.span[1] > q.span[0]
        last = q.span[1]
        assert text[q.span[0]:q.span[1]] == q.raw
        assert q.qualifier in QUALIFIERS
        assert q.direction in (-1, 0, 1)
        for v in (q.low, q.high):
            assert v is None or isinstance(v, Decimal)
        if q.low is not None and q.high is not None:
            assert q.low <= q.high
        assert q.low is not None or q.high is not None


GRAMMAR_CHARS = list(
    "0123456789０１２３４５６７８９.．,，·%％‰-－—~～至到万亿千百十一二两三四五六七八九〇○零点分之元人次个户吨天"
    "以上下内左右约近超过不低于控制在增长下降提高减少为了年月日第表版GMPX+:： \n\t“”（）()、。"
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_string_no_exception(text: str) -> None:
    _check_invariants(text, find_quantities(text))
    parse_number(text)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(GRAMMAR_CHARS), max_size=80))
def test_grammar_soup_no_exception(text: str) -> None:
    _check_invariants(text, find_quantities(text))
    parse_number(text)


# ---- round trip: generated quantities rendered as text parse back to the same value

CN_DIGITS = "零一二三四五六七八九"


def to_chinese_int(n: int) -> str:
    """Standard Chinese numeral for 0 <= n < 10**12: 十二, 一千零五, 三亿零五千, 一万零一十."""
    if n == 0:
        return "零"

    def below_10k(k: int) -> str:
        out, gap = "", False
        for p, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = k // p % 10
            if d == 0:
                gap = gap or bool(out)
                continue
            if gap:
                out, gap = out + "零", False
            out += CN_DIGITS[d] + name
        return out

    yi, rest = divmod(n, 10**8)
    wan, low = divmod(rest, 10**4)
    out = below_10k(yi) + "亿" if yi else ""
    if wan:
        out += ("零" if out and wan < 1000 else "") + below_10k(wan) + "万"
    if low:
        out += ("零" if out and (low < 1000 or wan == 0) else "") + below_10k(low)
    return out[1:] if out.startswith("一十") else out


def to_chinese(d: Decimal) -> str:
    whole = int(d)
    frac = decimal_to_str(d - whole)
    text = to_chinese_int(whole)
    if frac != "0":
        text += "点" + "".join(CN_DIGITS[int(c)] for c in frac.split(".")[1])
    return text


@dataclass(frozen=True)
class Unit:
    text: str
    base: str
    factor: Decimal


UNITS = [
    Unit("%", "percent", Decimal(1)),
    Unit("％", "percent", Decimal(1)),
    Unit("个百分点", "percentage_point", Decimal(1)),
    Unit("亿元", "CNY", Decimal("1e8")),
    Unit("万元", "CNY", Decimal("1e4")),
    Unit("万亿元", "CNY", Decimal("1e12")),
    Unit("万人", "person", Decimal("1e4")),
    Unit("万吨", "ton", Decimal("1e4")),
    Unit("吨", "ton", Decimal(1)),
    Unit("亿斤", "ton", Decimal("50000")),
    Unit("万千瓦", "kw", Decimal("1e4")),
    Unit("倍", "times", Decimal(1)),
    Unit("万平方米", "m2", Decimal("1e4")),
]
PREFIXES = {"": "exact", "约": "about", "近": "about", "超过": "at_least", "不低于": "at_least",
            "不超过": "at_most", "控制在": "at_most"}
SUFFIXES = {"": None, "左右": "about", "以上": "at_least", "以内": "at_most"}
FLIP = {"at_least": "at_most", "at_most": "at_least"}


def render_digits(d: Decimal, style: str) -> str:
    s = decimal_to_str(d)
    if style == "ascii":
        return s
    if style == "thousands":
        whole, _, frac = s.partition(".")
        return f"{int(whole):,}" + ("." + frac if frac else "")
    if style == "fullwidth":
        return s.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    if style == "spaced":  # national_gwr_1998: "4 9 2 5 0", "8 ．8"
        whole, _, frac = s.partition(".")
        out = " ".join(whole)
        if frac:
            out += " ．" + " ".join(frac)
        return out
    raise AssertionError(style)


@st.composite
def rendered_quantities(draw: st.DrawFn) -> tuple[str, Decimal | None, Decimal | None, str, str, int]:
    whole = draw(st.integers(min_value=0, max_value=99_999_999))
    cents = draw(st.integers(min_value=0, max_value=99))
    number = Decimal(whole) + Decimal(cents) / 100 if draw(st.booleans()) else Decimal(whole)
    style = draw(st.sampled_from(["ascii", "thousands", "fullwidth", "spaced", "chinese"]))
    unit = draw(st.sampled_from(UNITS))
    prefix = draw(st.sampled_from(sorted(PREFIXES)))
    suffix = draw(st.sampled_from(sorted(SUFFIXES)))
    direction = draw(st.sampled_from(["", "增长", "下降"]))
    if style == "chinese":
        if unit.base == "percent":
            body = "百分之" + to_chinese(number)
        else:
            body = to_chinese(number) + unit.text
    else:
        body = render_digits(number, style) + (" " if style == "spaced" else "") + unit.text
    text = f"指标{direction}{prefix}{body}{suffix}，"
    # expected, following the documented rules
    if prefix and suffix and PREFIXES[prefix] != SUFFIXES[suffix] and prefix != "控制在":
        qualifier = PREFIXES[prefix]
    else:
        qualifier = SUFFIXES[suffix] or PREFIXES[prefix]
    sign = -1 if direction == "下降" else 1
    value = number * unit.factor * sign
    if sign < 0:
        qualifier = FLIP.get(qualifier, qualifier)
    low = None if qualifier == "at_most" else value
    high = None if qualifier == "at_least" else value
    return text, low, high, unit.base, qualifier, {"": 0, "增长": 1, "下降": -1}[direction]


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(rendered_quantities())
def test_rendered_quantities_parse_back(case: tuple[str, Decimal | None, Decimal | None, str, str, int]) -> None:
    text, low, high, unit, qualifier, direction = case
    qs = find_quantities(text)
    assert len(qs) == 1, [q.raw for q in qs]
    q = qs[0]
    assert (q.low, q.high, q.unit, q.qualifier, q.direction) == (low, high, unit, qualifier, direction)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_chinese_integers_parse_back(n: int) -> None:
    assert parse_number(to_chinese_int(n)) == n


@settings(max_examples=200)
@given(st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=3, allow_nan=False))
def test_decimal_to_str_round_trips(d: Decimal) -> None:
    s = decimal_to_str(d)
    assert "E" not in s and "e" not in s
    assert Decimal(s) == d
    assert not ("." in s and s.endswith("0"))


# --------------------------------------------------------------------------------------------------
# vocabularies


@pytest.mark.parametrize("name", ["numerals", "units", "qualifiers", "directions", "indicators"])
def test_lexicons_load_and_validate(name: str) -> None:
    data = load_lexicon(name)
    assert isinstance(data, dict) and data
    assert load_lexicon(name) is data  # cached


@pytest.mark.parametrize("name", ["numerals", "units", "qualifiers", "directions"])
def test_lexicon_files_start_with_a_header(name: str) -> None:
    text = (ROOT / "pipeline" / "lexicon" / f"{name}.yaml").read_text(encoding="utf-8")
    head = text.split("\n\n")[0]
    assert head.startswith("#") and "Syntax" in head and "Example" in head and "Sources" in head


def test_unit_factors_are_exact_decimals() -> None:
    for base, forms in load_lexicon("units")["units"].items():
        for form, factor in forms.items():
            assert isinstance(factor, str), (base, form)
            Decimal(factor)


BROKEN = [
    ("units", "units:\n  ton: {吨: 1.5}\nweak: [吨]\n", "units/ton/吨"),
    ("units", "units:\n  ton: {吨: \"1\"}\n  CNY: {吨: \"1\"}\nweak: [吨]\n", "'吨' is in both"),
    ("units", "units:\n  ton: {吨: \"one\"}\nweak: [吨]\n", "units/ton/吨"),
    ("units", "units:\n  ton: {吨: \"1\"}\nweak: [元]\n", "not a unit surface form"),
    ("qualifiers", "prefix: {about: [约]\n", "line"),
    ("directions", "increase: [增长]\ndecrease: [增长]\nlevel_markers: [到]\nfillers: [了]\n", "'增长' is in both"),
    ("directions", "increase: [增长]\nlevel_markers: [到]\nfillers: [了]\n", "'decrease' is a required property"),
    ("indicators", "gdp: {label: GDP, unit: CNY}\n", "aliases"),
    ("numerals", "- just a list\n", "is not of type 'object'"),
]


@pytest.mark.parametrize("name,text,message", BROKEN, ids=[b[2] for b in BROKEN])
def test_invalid_lexicon_raises_with_file_and_place(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicon_file(path, name)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_missing_lexicon_raises() -> None:
    with pytest.raises(LexiconError, match="no such lexicon file"):
        load_lexicon("no_such_vocabulary")
