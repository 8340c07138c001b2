"""Year-over-year comparison: targets vs actuals, target revisions, project slippage.

``compare_reports(reports)`` takes extracted reports (the dicts of ``schemas/report.schema.json``) of
any number of jurisdictions, groups them by ``document.jurisdiction`` (name + level), orders each group
by year and returns one dict that validates against ``schemas/comparison.schema.json``:

* ``rows``: one per (jurisdiction, indicator_id, year) with a target and/or an actual for that year;
* ``revisions``: how the target for year Y became the target for Y+1;
* ``projects``: the same project across reports, its investment and milestone history, and slippage.

Only records with a canonical ``indicator_id`` and a ``year`` take part.

Picking one record per side
---------------------------
Several records may state the same (jurisdiction, indicator, year, kind): the table and the prose of
one report, or two reports. One is chosen, deterministically, by this order of preference:

1. a table record (``source.table`` not null) before prose;
2. a record from the report whose ``plan_year`` (for a target) or ``review_year`` (for an actual) is Y;
3. a record whose sentence names one year (今年, 去年, 全年, 明年, Y年 …) before one naming none, before
   one naming only other years (a five-year goal in the same report: 实现城镇新增就业5000万人以上); among
   sentences naming none, the same test on the paragraph up to the value;
4. a numeric record before a qualitative or absent one;
5. the earlier report (reports are ordered by year, then as given), then the earlier place in the text.

The others are counted in ``alternatives``. Prose values whose clause states a multi-year figure
(年均, 平均每年, 期间, 五年, “九五”…: a five-year average is not a value for one year; 年均浓度, an
annual mean concentration, is) are left out
and counted in ``summary.excluded_multi_year``. Copies of one report (the same jurisdiction, type and
years, and at least 80% of the same indicator values, e.g. one report as .txt, .docx and .pdf) are read
once; the others are listed in ``reports`` with ``copy_of``.

Outcome convention ``qualifier-interval.v1``
--------------------------------------------
A target is an interval on the signed value (``low``/``high``, see the report schema); the actual is
a point (an actual stated with one bound, 超过30万亿元, is taken at that bound; an actual range is
not comparable). Per target qualifier:

=========  ==========================================  ==================  ==============
qualifier  met                                         exceeded            missed
=========  ==========================================  ==================  ==============
exact      actual == value                             actual > value      actual < value
about      |actual - value| <= tolerance               actual > value+tol  actual < value-tol
range      low <= actual <= high                       actual > high       actual < low
at_least   actual >= low                               (never)             actual < low
at_most    actual <= high                              (never)             actual > high
=========  ==========================================  ==================  ==============

"exceeded" means beyond the target's interval on the high side; a target with an open upper end
(at_least) cannot be exceeded and an at_most target (unemployment 5.5%以内, CPI 3%以内, a fall of at
least 3%) reached with room to spare is *met*. A fall target written without 以上 (an exact, about or
range target below zero: 单位GDP能耗下降3.5个百分点, -3.5) is a ceiling too, read like at_most: a fall of
2.7 (-2.7) is *missed*, a fall of 4 is *met*. The convention reads qualifiers only, not whether a
lower value is desirable: a CPI target of 3%左右 with an actual of 0.2% is *missed* (the gap, -2.8,
shows by how much). The tolerance of ``about`` is ``about_tolerance`` in the indicator's unit for
percent and percentage_point (default 0.5: 5%左右 is met by 4.5 to 5.5) and ``about_relative`` times
the value for every other unit (default 0.05: 8000万吨左右 is met by 7600万 to 8400万).

Optional ceilings (``ceilings=["cpi", ...]``, CLI ``--ceiling cpi,retail_price``; none by default):
for the indicators named, an exact, about or range target is read as a ceiling, like at_most: met when
the actual is at most the value (+ tolerance for about; the high bound of a range), else missed; the
gap is measured from the value (from ``high`` for a range).
The output's ``convention.ceilings`` lists them.

``gap`` = actual - the target bound it is measured against: the value (exact, about), ``low``
(at_least), ``high`` (at_most), the nearer bound for a range (0 inside it); exact Decimal arithmetic,
in the indicator's unit. ``not_comparable`` (with a ``reason``): no target or no actual although a
report reviewing Y is present, a qualitative or absent side, different units (percent vs
percentage_point), an actual range. ``pending``: a target for Y and no report in the input reviews Y
yet (the 2025 targets until the 2026 reports are added).

Revisions (Y -> Y+1)
--------------------
``raised`` / ``lowered`` / ``unchanged``: same qualifier and unit, the reference value (the value; the
midpoint of a range; ``low`` of at_least; ``high`` of at_most) went up / down / stayed, on the signed
value (a fall of 3.5% -> a fall of 3% is raised, -3.5 -> -3). ``qualifier_changed``: the qualifier or
the status changed (5%左右 -> 5%以上, 7.5% -> 7.5%左右, numeric -> qualitative); ``direction`` and
``change`` still tell which way the reference value moved. ``unit_changed``: percent -> percentage_point
etc. ``added``: a target for Y+1 and none for Y although the report setting Y's targets is in the input
(or Y's target is stated as absent). ``dropped``: the reverse, or the Y+1 report says it sets no target.
Years with no report setting their targets give no added/dropped rows.

Projects
--------
Names are normalized (quotes, brackets and spaces removed, trailing 项目/工程 and leading verbs such as
推进/加快/确保 stripped, full-width digits made ASCII). Two names are the same project when the
normalized names are equal, or their longest common substring is at least 6 characters and at least
70% of the shorter name, or the shorter is a subsequence of the longer (华润雪花迁建, 华润雪花啤酒迁建)
with the same first two characters and at most 1.5 times as long, unless they name different phases (一期 vs 二期). Projects whose normalized name
is shorter than 5 characters (一期工程, 高速公路, 污泥处置工程: too generic to follow) are left out; a leading
year (2025年…) is not part of the name. A project's appearance in a plan section is a promise
for the plan year (or the year its milestone names); in a review section, a report of what was done in
the review year. Milestone wording maps to stages: 1 start (开工), 2 under way (加快建设, 主体施工, a
percentage of the works), 3 main structure done (主体完工, 封顶), 4 completed (完工, 竣工, 建成, 贯通),
5 in use (投产, 投用, 通车, 运营). When a review mention has no milestone, the rest of its clause in the
report text is read for one (…项目成功落地 -> started; such milestones have ``inferred`` true). A promise for Y is ``done`` when a report reviewing Y reports the
project at that stage or later, ``pending`` when no report reviews Y, else ``slipped`` with the
evidence: ``lower_stage_reported``, ``promised_again`` (the next plan promises the same stage again),
``mentioned_without_milestone`` or ``not_mentioned``. When no project record of the reviewing report
matches, its review sections are searched for the longest run of the normalized name (>= 6 characters and
>= 60% of it) and the stage is read from that clause (``evidence`` ``text_search``, ``inferred`` true).

>>> target = {"status": "numeric", "low": "5", "high": "5", "unit": "percent", "qualifier": "about"}
>>> outcome_of(target, {"status": "numeric", "low": "5.2", "high": "5.2", "unit": "percent"})
('met', '0.2', None)
>>> outcome_of({**target, "low": "5.5", "high": "5.5"}, {"status": "numeric", "low": "3", "high": "3", "unit": "percent"})
('missed', '-2.5', None)
>>> revision_of(target, {**target, "qualifier": "at_least", "high": None})
('qualifier_changed', 'unchanged', '0')
>>> normalize_project_name("推进“华健未来”国际创新医药总部项目（一期）")
'华健未来国际创新医药总部一期'
>>> same_project("红星美凯龙主力店项目", "红星美凯龙主力店主体工程")
True
>>> same_project("污水处理厂一期改造工程", "污水处理厂二期改造工程")
False
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

import regex

from pipeline.ingest.text import normalize_years, to_ascii_digits
from pipeline.lexicon import load_lexicon
from pipeline.normalize import dec
from pipeline.rx import rx
from pipeline.version import __version__

COMPARISON_SCHEMA_VERSION = "1.0"
CONVENTION = "qualifier-interval.v1"
DEFAULT_ABOUT_TOLERANCE = Decimal("0.5")
DEFAULT_ABOUT_RELATIVE = Decimal("0.05")
POINT_UNITS = frozenset({"percent", "percentage_point"})
OUTCOMES = ("met", "exceeded", "missed", "not_comparable", "pending")
REVISIONS = ("raised", "lowered", "unchanged", "qualifier_changed", "unit_changed", "added", "dropped")
LEVEL_ORDER = {"national": 0, "province": 1, "city": 2, "county": 3}

__all__ = [
    "compare_reports", "compare_files", "load_report", "collect_inputs", "outcome_of", "revision_of",
    "normalize_project_name", "same_project", "milestone_stage", "CONVENTION", "DEFAULT_ABOUT_TOLERANCE",
    "DEFAULT_ABOUT_RELATIVE",
]

# --------------------------------------------------------------------------------------------------
# inputs


def collect_inputs(items: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Files, folders and globs -> (files, problems).

    A folder is searched recursively for extracted reports (``*.txt.json``, ``*.docx.json``, ``*.pdf.json``,
    the names ``govreport extract``/``run`` write) and for sources (``.txt``/``.docx``/``.pdf``); a file
    named directly is taken as it is.

    >>> collect_inputs(["/nonexistent/x.json"])
    ([], ['/nonexistent/x.json: no such file'])
    """
    from pipeline.ingest import SUPPORTED_SUFFIXES, find_inputs

    return find_inputs(items, SUPPORTED_SUFFIXES + tuple(s + ".json" for s in SUPPORTED_SUFFIXES))


def load_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A report dict: a ``.json`` output is read (and checked against the report schema), any other file is extracted.

    Raises PipelineError (IngestError for a bad file) with the file name in the message.
    """
    from pipeline.errors import IngestError

    p = Path(path)
    if p.suffix.lower() == ".json":
        from pipeline.validate import is_valid, validate_report

        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise IngestError(str(p), f"not a JSON report: {e}") from e
        if not isinstance(data, dict):
            raise IngestError(str(p), "not a govreport report: top level is not an object")
        if not is_valid(data):  # fast path; jsonschema only to name the first problem
            problems = validate_report(data) or ["does not validate"]
            raise IngestError(str(p), f"not a govreport report: {problems[0]}")
        return data
    from pipeline.process import extract_file

    return extract_file(p)


# --------------------------------------------------------------------------------------------------
# values and outcomes


def _d(s: Any) -> Decimal | None:
    return None if s is None else Decimal(str(s))


def _tolerance(unit: str | None, value: Decimal, about_tolerance: Decimal, about_relative: Decimal) -> Decimal:
    return about_tolerance if unit in POINT_UNITS else abs(value) * about_relative


def actual_point(actual: dict[str, Any]) -> Decimal | None:
    """The actual as one number: low == high, or the one stated bound; None for a range.

    >>> actual_point({"low": "30", "high": None})
    Decimal('30')
    >>> actual_point({"low": "1", "high": "2"}) is None
    True
    """
    lo, hi = _d(actual.get("low")), _d(actual.get("high"))
    if lo is not None and hi is not None:
        return lo if lo == hi else None
    return lo if lo is not None else hi


def reference_value(value: dict[str, Any]) -> Decimal | None:
    """The number a target is summarized by: the value, a range's midpoint, at_least's low, at_most's high.

    >>> reference_value({"low": "6.5", "high": "7", "qualifier": "range"})
    Decimal('6.75')
    >>> reference_value({"low": None, "high": "-3", "qualifier": "at_most"})
    Decimal('-3')
    """
    lo, hi = _d(value.get("low")), _d(value.get("high"))
    if lo is not None and hi is not None:
        return lo if lo == hi else (lo + hi) / 2
    return lo if lo is not None else hi


def outcome_of(target: dict[str, Any] | None, actual: dict[str, Any] | None,
               about_tolerance: Decimal = DEFAULT_ABOUT_TOLERANCE,
               about_relative: Decimal = DEFAULT_ABOUT_RELATIVE, ceiling: bool = False) -> tuple[str, str | None, str | None]:
    """(outcome, gap, reason) for one target and one actual (value dicts with status/low/high/unit/qualifier).

    ``ceiling``: read an exact/about/range target as an upper limit (see "Optional ceilings").

    ``pending`` is decided by the caller (it depends on which reports are present); here a missing
    side is ``not_comparable``.

    >>> t = {"status": "numeric", "low": None, "high": "5.5", "unit": "percent", "qualifier": "at_most"}
    >>> outcome_of(t, {"status": "numeric", "low": "5.3", "high": "5.3", "unit": "percent"})
    ('met', '-0.2', None)
    >>> fall = {"status": "numeric", "low": "-3.5", "high": "-3.5", "unit": "percentage_point", "qualifier": "exact"}
    >>> outcome_of(fall, {"status": "numeric", "low": "-2.7", "high": "-2.7", "unit": "percentage_point"})
    ('missed', '0.8', None)
    >>> outcome_of({**t, "unit": "percentage_point"}, {"status": "numeric", "low": "5.3", "high": "5.3", "unit": "percent"})
    ('not_comparable', None, 'units differ: percentage_point vs percent')
    """
    if target is None:
        return "not_comparable", None, "no target"
    if actual is None:
        return "not_comparable", None, "no actual reported"
    if target.get("status") != "numeric":
        return "not_comparable", None, f"target is {target.get('status')}"
    if actual.get("status") != "numeric":
        return "not_comparable", None, f"actual is {actual.get('status')}"
    if target.get("unit") != actual.get("unit"):
        return "not_comparable", None, f"units differ: {target.get('unit')} vs {actual.get('unit')}"
    a = actual_point(actual)
    if a is None:
        return "not_comparable", None, "actual is a range"
    q = target.get("qualifier")
    lo, hi = _d(target.get("low")), _d(target.get("high"))
    if q in ("exact", "about", "range") and hi is not None and hi < 0:
        ceiling = True  # a fall target (下降3.5个百分点): the fall must be at least that large
    if q in ("exact", "about"):
        v = lo if lo is not None else hi
        if v is None:
            return "not_comparable", None, "target has no value"
        gap = a - v
        tol = _tolerance(target.get("unit"), v, about_tolerance, about_relative) if q == "about" else Decimal(0)
        if ceiling:
            return ("met" if gap <= tol else "missed"), dec(gap), None
        outcome = "met" if abs(gap) <= tol else ("exceeded" if gap > 0 else "missed")
        return outcome, dec(gap), None
    if q == "range" and lo is not None and hi is not None and ceiling:
        return ("met" if a <= hi else "missed"), dec(a - hi), None
    if q == "range" and lo is not None and hi is not None:
        if a > hi:
            return "exceeded", dec(a - hi), None
        if a < lo:
            return "missed", dec(a - lo), None
        return "met", "0", None
    if q == "at_least" and lo is not None:
        return ("met" if a >= lo else "missed"), dec(a - lo), None
    if q == "at_most" and hi is not None:
        return ("met" if a <= hi else "missed"), dec(a - hi), None
    return "not_comparable", None, f"target qualifier {q} without its bound"


def revision_of(old: dict[str, Any] | None, new: dict[str, Any] | None) -> tuple[str, str | None, str | None]:
    """(revision, direction, change) from the target for Y (``old``) to the target for Y+1 (``new``).

    >>> a = {"status": "numeric", "low": "6", "high": "6", "unit": "percent", "qualifier": "about"}
    >>> revision_of(a, {**a, "low": "5.5", "high": "5.5"})
    ('lowered', 'lowered', '-0.5')
    >>> revision_of(a, {"status": "qualitative"})
    ('qualifier_changed', None, None)
    >>> revision_of(None, a)[0], revision_of(a, {"status": "absent"})[0]
    ('added', 'dropped')
    """
    os_ = old.get("status") if old else None
    ns = new.get("status") if new else None
    if os_ in (None, "absent") and ns in (None, "absent"):
        return "unchanged", None, None
    if os_ in (None, "absent"):
        return "added", None, None
    if ns in (None, "absent"):
        return "dropped", None, None
    assert old is not None and new is not None
    if os_ != ns:
        return "qualifier_changed", None, None
    if os_ != "numeric":
        return "unchanged", None, None
    if old.get("unit") != new.get("unit"):
        return "unit_changed", None, None
    r0, r1 = reference_value(old), reference_value(new)
    if r0 is None or r1 is None:
        return "qualifier_changed", None, None
    change = r1 - r0
    direction = "raised" if change > 0 else "lowered" if change < 0 else "unchanged"
    if old.get("qualifier") != new.get("qualifier"):
        return "qualifier_changed", direction, dec(change)
    if old.get("qualifier") == "range" and direction == "unchanged" and (old.get("low"), old.get("high")) != (new.get("low"), new.get("high")):
        return "qualifier_changed", direction, dec(change)  # same midpoint, wider or narrower range
    return direction, direction, dec(change)


# --------------------------------------------------------------------------------------------------
# records


_CLAUSE_END = regex.compile(r"[。；;，,：:！？!?\n]")


def is_multi_year(report: dict[str, Any], rec: dict[str, Any]) -> bool:
    """True when a prose value's own clause states a multi-year figure (年均, “十五”期间 …)."""
    if rec["source"].get("table") is not None:
        return False
    text = report.get("text") or ""
    start = rec["source"].get("char_start", 0)
    lo = max(0, start - 60)
    before = text[lo:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
    from pipeline.extract.prose import _is_multi_year  # the extractor's own vocabulary (statements.yaml)

    return _is_multi_year(before[cut:])


@dataclass
class _Report:
    index: int  # order after sorting
    given: int  # order as given
    data: dict[str, Any]
    path: str
    sha256: str | None
    review_year: int | None
    plan_year: int | None
    sections: dict[str, str] = field(default_factory=dict)  # section path -> part


def _section_parts(sections: Iterable[dict[str, Any]], out: dict[str, str]) -> dict[str, str]:
    for s in sections:
        out[s.get("path", "")] = s.get("part", "other")
        _section_parts(s.get("children", []), out)
    return out


def _signature(report: dict[str, Any]) -> set[tuple[Any, ...]]:
    return {(r.get("indicator_id"), r.get("year"), r.get("kind"), r.get("status"),
             *((r["value"]["low"], r["value"]["high"], r["value"]["unit"]) if r.get("value") else ()))
            for r in report.get("indicators", []) if r.get("indicator_id")}


def _is_copy(a: dict[str, Any], b: dict[str, Any]) -> bool:
    da, db = a.get("document", {}), b.get("document", {})
    if da.get("source", {}).get("sha256") and da.get("source", {}).get("sha256") == db.get("source", {}).get("sha256"):
        return True
    key = ("report_type", "review_year", "plan_year")
    if any(da.get(k) != db.get(k) for k in key):
        return False
    sa, sb = _signature(a), _signature(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= 0.8


def _value(rec: dict[str, Any]) -> dict[str, Any]:
    v = rec.get("value") or {}
    return {"status": rec.get("status"), "low": v.get("low"), "high": v.get("high"), "unit": v.get("unit"),
            "qualifier": v.get("qualifier"), "raw": v.get("raw") if v else rec.get("wording")}


def _source(rep: _Report, rec: dict[str, Any]) -> dict[str, Any]:
    s = rec.get("source", {})
    return {"path": rep.path, "sha256": rep.sha256, "char_start": s.get("char_start"), "char_end": s.get("char_end"),
            "text": rec.get("text", ""), "wording": rec.get("wording"), "section": s.get("section"),
            "table": s.get("table"), "row": s.get("row"), "column": s.get("column"), "page": s.get("page"),
            "report_review_year": rep.review_year, "report_plan_year": rep.plan_year}


_YEAR_WORD = regex.compile(r"今年|去年|明年|本年|全年|上一年|过去一年|当年")
_YEAR_NUM = regex.compile(r"((?:19|20)\d\d)\s*年")


def names_year(sentence: str, year: int) -> int:
    """0 when the sentence names one year (今年, 去年 …, or ``year`` itself), 1 when it names no year, 2 when only other years.

    >>> names_year("今年发展的主要预期目标是：城镇新增就业1000万人以上", 2016), names_year("实现城镇新增就业5000万人以上", 2016)
    (0, 1)
    >>> names_year("争取一九九七年粮食产量达到4.75亿吨", 1993), names_year("１９９３年国民生产总值增长", 1993)
    (2, 0)
    """
    if _YEAR_WORD.search(sentence):
        return 0
    years = {int(m.group(1)) for m in _YEAR_NUM.finditer(normalize_years(sentence))}
    if not years:
        return 1
    return 0 if year in years else 2


def _paragraph_before(rep: "_Report", rec: dict[str, Any]) -> str:
    """The text of the record's block (paragraph) up to the value."""
    start = rec["source"].get("char_start", 0)
    text = rep.data.get("text") or ""
    block_start = 0
    for b in rep.data.get("blocks", []):
        if b.get("char_start", 0) <= start < b.get("char_end", 0):
            block_start = b["char_start"]
            break
    return text[max(block_start, start - 400):start]


def _pick(cands: list[tuple[_Report, dict[str, Any]]], year: int, kind: str) -> tuple[_Report, dict[str, Any]]:
    def key(c: tuple[_Report, dict[str, Any]]) -> tuple[float, ...]:
        rep, rec = c
        own = rep.plan_year if kind == "target" else rep.review_year
        table = rec["source"].get("table") is not None
        named = names_year(rec.get("text", ""), year)
        if named == 1 and not table and len(cands) > 1:
            named = 1 + names_year(_paragraph_before(rep, rec), year) / 4  # the paragraph names the year: 1; none: 1.25; others: 1.5
        return (0 if table else 1, 0 if own == year else 1, named, 0 if rec.get("status") == "numeric" else 1,
                rep.index, rec["source"].get("char_start", 0))
    return min(cands, key=key)


def _side(cands: list[tuple[_Report, dict[str, Any]]] | None, year: int, kind: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    if not cands:
        return None, None
    rep, rec = _pick(cands, year, kind)
    side = _value(rec)
    side["name"] = rec.get("name")
    side["alternatives"] = len(cands) - 1
    side["source"] = _source(rep, rec)
    return side, rec


# --------------------------------------------------------------------------------------------------
# projects

_QUOTES = regex.compile(r"[“”\"'‘’《》〈〉「」『』\s]")
_BRACKETS = regex.compile(r"[（）()【】\[\]]")
_TRAILING = regex.compile(r"(?:项目|工程)+$")
_INNER_SUFFIX = regex.compile(r"(?:项目|工程)+(?=[（(【\[]|[一二三四五六七八九十\d]+期)")
_PHASE = regex.compile(r"([一二三四五六七八九十\d]+)期")
_STAGES: list[tuple[regex.Pattern[str], int]] = [
    (regex.compile(r"投产|投用|投入使用|通车|开通|运营|运行|开业|启用|交付使用"), 5),
    (regex.compile(r"主体(?:完工|竣工|封顶)|封顶"), 3),
    (regex.compile(r"\d+(?:\.\d+)?\s*[%％]|百分之"), 2),
    (regex.compile(r"完工|竣工|建成|贯通|完成|落成"), 4),
    (regex.compile(r"开工|动工|启动|落地"), 1),
    (regex.compile(r"施工|建设|实施|推进|续建|在建"), 2),
]
STAGE_NAMES = {1: "started", 2: "under_way", 3: "structure_done", 4: "completed", 5: "in_use"}


def normalize_project_name(name: str) -> str:
    """The key projects are matched on (see the module docstring).

    >>> normalize_project_name("亘富200万吨褐煤提质一期工程")
    '亘富200万吨褐煤提质一期'
    >>> normalize_project_name("森工集团棚户区改造项目一期工程")
    '森工集团棚户区改造一期'
    """
    s = _QUOTES.sub("", to_ascii_digits(name))
    s = _INNER_SUFFIX.sub("", s)
    s = _BRACKETS.sub("", s)
    s = rx(load_lexicon("projects")["lead_words"]).sub("", s)  # the extractor's own lead words
    prev = None
    while prev != s:
        prev, s = s, _TRAILING.sub("", s)
    return s


def _lcs(a: str, b: str) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def same_project(a: str, b: str) -> bool:
    """The similarity rule (module docstring): equal normalized names, a long shared run, or an abbreviation; same phase.

    >>> same_project("内蒙古冰上运动训练中心", "自治区冰上运动训练中心项目")
    True
    >>> same_project("高速公路", "高速公路")
    False
    """
    na, nb = normalize_project_name(a), normalize_project_name(b)
    if len(na) < 5 or len(nb) < 5:
        return False
    pa, pb = set(_PHASE.findall(na)), set(_PHASE.findall(nb))
    if pa and pb and pa != pb:
        return False
    if na == nb:
        return True
    n = _lcs(na, nb)
    if n >= 6 and n >= Decimal("0.7") * min(len(na), len(nb)):
        return True
    short, long_ = sorted((na, nb), key=len)
    return short[:2] == long_[:2] and 2 * len(long_) <= 3 * len(short) and _is_subsequence(short, long_)


def _is_subsequence(short: str, long_: str) -> bool:
    """Every character of ``short`` in ``long_``, in order (华润雪花迁建 in 华润雪花啤酒迁建)."""
    it = iter(long_)
    return all(ch in it for ch in short)


def milestone_stage(text: str) -> int | None:
    """Stage 1–5 of a milestone's wording (see the module docstring), None when it names no stage.

    >>> [milestone_stage(t) for t in ("开工建设", "2025年完成主体工程建设的70%", "主体完工", "建成", "建成投产", "谋划")]
    [1, 2, 3, 4, 5, None]
    """
    for pattern, stage in _STAGES:
        if pattern.search(text):
            return stage
    return None


_CLAUSE_STOP = regex.compile(r"[，。；;,\n、]")


def _clause_after(text: str, end: int, limit: int = 30) -> str:
    """The words after a project's name up to the end of the clause (at most ``limit`` characters).

    >>> _clause_after("投资3.4亿元的冰上运动训练中心项目成功落地，三中分校", 18)
    '成功落地'
    """
    rest = text[end:end + limit]
    m = _CLAUSE_STOP.search(rest)
    return (rest[:m.start()] if m else rest).strip()


def _investment(p: dict[str, Any]) -> dict[str, Any] | None:
    inv = p.get("investment")
    return {"value": inv.get("value"), "unit": inv.get("unit"), "raw": inv.get("raw")} if inv else None


def _projects(reps: list[_Report], jname: str | None, level: str | None) -> list[dict[str, Any]]:
    clusters: list[dict[str, Any]] = []
    for rep in reps:
        for p in rep.data.get("projects", []):
            name = p.get("name", "")
            if len(normalize_project_name(name)) < 5:
                continue
            part = rep.sections.get(p.get("source", {}).get("section", ""), "other")
            year = rep.review_year if part == "review" else rep.plan_year if part == "plan" else None
            ms = [{"text": m.get("text", ""), "year": m.get("year"), "stage": milestone_stage(m.get("text", "")),
                   "inferred": False} for m in p.get("milestones", [])]
            s = p.get("source", {})
            if part == "review" and not any(m["stage"] for m in ms):
                clause = _clause_after(rep.data.get("text") or "", s.get("char_end", 0))
                if clause and milestone_stage(clause):
                    ms.append({"text": clause, "year": None, "stage": milestone_stage(clause), "inferred": True})
            app = {"year": year, "part": part, "name": name, "investment": _investment(p), "milestones": ms,
                   "source": {"path": rep.path, "sha256": rep.sha256, "char_start": s.get("char_start"),
                              "char_end": s.get("char_end"), "text": p.get("text", ""), "section": s.get("section"),
                              "table": s.get("table"), "page": s.get("page"),
                              "report_review_year": rep.review_year, "report_plan_year": rep.plan_year},
                   "_rep": rep}
            home = next((c for c in clusters if any(same_project(name, n) for n in c["names"])), None)
            if home is None:
                home = {"names": [], "apps": []}
                clusters.append(home)
            if name not in home["names"]:
                home["names"].append(name)
            home["apps"].append(app)
    out = []
    for c in clusters:
        apps = c["apps"]
        promises = []
        for app in apps:
            if app["part"] != "plan":
                continue
            for m in app["milestones"]:
                if m["stage"] is None:
                    continue
                y = m["year"] or app["year"]
                promises.append(_judge(y, m, app, apps, reps))
        inv = [{"year": a["year"], "value": a["investment"]["value"], "unit": a["investment"]["unit"],
                "raw": a["investment"]["raw"], "path": a["source"]["path"]} for a in apps if a["investment"]]
        years = sorted({a["year"] for a in apps if a["year"] is not None})
        out.append({
            "jurisdiction": jname, "level": level, "project_key": normalize_project_name(c["names"][0]),
            "name": apps[-1]["name"], "names": c["names"], "years": years,
            "appearances": [{k: v for k, v in a.items() if k != "_rep"} for a in apps],
            "investment_history": inv,
            "investment_changed": len({(i["value"], i["unit"]) for i in inv}) > 1,
            "promises": promises,
        })
    return out


def _review_blocks(rep: _Report) -> list[tuple[int, int]]:
    """(char_start, char_end) of the blocks that lie in review sections of a report."""
    heads: list[tuple[int, str]] = []

    def walk(secs: Iterable[dict[str, Any]]) -> None:
        for sec in secs:
            if sec.get("block") is not None:
                heads.append((sec["block"], sec.get("part", "other")))
            walk(sec.get("children", []))
    walk(rep.data.get("sections", []))
    heads.sort()
    out, part, k = [], "other", 0
    for b in rep.data.get("blocks", []):
        while k < len(heads) and heads[k][0] <= b.get("index", 0):
            part = heads[k][1]
            k += 1
        if part == "review" and b.get("content", True):
            out.append((b["char_start"], b["char_end"]))
    return out


def _mentions(rep: _Report, name: str) -> list[dict[str, Any]]:
    """Review-part clauses of ``rep`` that name the project: the longest run of its normalized name found in
    the text (>= 6 characters and >= 60% of the name), with the stage its clause states.

    Used when no project record of the reviewing report matches the promise."""
    key = normalize_project_name(name)
    text = rep.data.get("text") or ""
    spans = _review_blocks(rep)
    if len(key) < 6 or not spans:
        return []
    for n in range(len(key), 5, -1):
        if n < Decimal("0.6") * len(key):
            break
        found = []
        for i in range(len(key) - n + 1):
            sub = key[i:i + n]
            for a, b in spans:
                j = text.find(sub, a, b)
                while j != -1:
                    lo = max((m.end() for m in _SENTENCE_STOP.finditer(text, a, j)), default=a)
                    m2 = _SENTENCE_STOP.search(text, j + n, b)
                    hi = m2.start() if m2 else b
                    found.append({"text": text[lo:hi], "stage": milestone_stage(text[j + n:hi]), "path": rep.path,
                                  "sha256": rep.sha256, "char_start": lo, "char_end": hi, "inferred": True})
                    j = text.find(sub, j + n, b)
        if found:
            return found
    return []


_SENTENCE_STOP = regex.compile(r"[，。；;！？\n]")


def _reported(a: dict[str, Any], lm: dict[str, Any]) -> dict[str, Any]:
    return {"text": lm["text"], "stage": lm["stage"], "path": a["source"]["path"], "sha256": a["source"]["sha256"],
            "char_start": a["source"]["char_start"], "char_end": a["source"]["char_end"],
            "inferred": bool(lm.get("inferred"))}


def _judge(year: int | None, m: dict[str, Any], app: dict[str, Any], apps: list[dict[str, Any]],
           reps: list[_Report]) -> dict[str, Any]:
    promise: dict[str, Any] = {"year": year, "text": m["text"], "stage": m["stage"], "stage_name": STAGE_NAMES[m["stage"]],
                               "promised_in": app["source"]["path"], "status": "pending", "evidence": None, "reported": None}
    reviewing = [r for r in reps if year is not None and r.review_year == year]
    if not reviewing:
        promise["evidence"] = "no report reviewing the year" if year is not None else "no year"
        return promise
    # what the reviewing reports say: matched project records, else the text itself
    said: list[dict[str, Any]] = [_reported(a, lm) for a in apps if a["part"] == "review" and a["year"] == year
                                  for lm in a["milestones"]]
    mentioned = any(a["part"] == "review" and a["year"] == year for a in apps)
    if not any(x["stage"] for x in said):
        for r in reviewing:
            hits = _mentions(r, app["name"])
            mentioned = mentioned or bool(hits)
            said.extend(hits)
    staged = [x for x in said if x["stage"] is not None]
    if staged:
        best = max(staged, key=lambda x: x["stage"])
        promise["reported"] = best
        if best["stage"] >= m["stage"]:
            promise["status"], promise["evidence"] = "done", "text_search" if best["inferred"] else "project_record"
        else:
            promise["status"], promise["evidence"] = "slipped", "lower_stage_reported"
        return promise
    again = [(a, lm) for a in apps if a["part"] == "plan" and a["year"] == year + 1
             for lm in a["milestones"] if lm["stage"] is not None and lm["stage"] <= m["stage"]]
    promise["status"] = "slipped"
    promise["evidence"] = "promised_again" if again else "mentioned_without_milestone" if mentioned else "not_mentioned"
    if again:
        promise["reported"] = _reported(*again[0])
    elif said:
        promise["reported"] = said[0]
    return promise


# --------------------------------------------------------------------------------------------------
# the comparison


def _years_filter(years: tuple[int, int] | None, y: int) -> bool:
    return years is None or years[0] <= y <= years[1]


def compare_reports(reports: list[dict[str, Any]], about_tolerance: Decimal | str | float = DEFAULT_ABOUT_TOLERANCE,
                    about_relative: Decimal | str | float = DEFAULT_ABOUT_RELATIVE,
                    indicators: Sequence[str] | None = None, jurisdictions: Sequence[str] | None = None,
                    years: tuple[int, int] | None = None, ceilings: Sequence[str] = ()) -> dict[str, Any]:
    """Compare any series of extracted reports (see the module docstring); the result follows schemas/comparison.schema.json.

    ``indicators``, ``jurisdictions`` (names) and ``years`` (first, last) narrow the rows, revisions
    and projects (with ``indicators``, projects are left out); they do not change which reports are
    read. ``ceilings``: indicator ids whose exact/about/range targets are read as upper limits (see
    "Optional ceilings").

    >>> def rep(y, recs):
    ...     return {"document": {"jurisdiction": {"name": "X县", "parent": None, "level": "county"},
    ...             "report_type": "government_work_report", "review_year": y - 1, "plan_year": y,
    ...             "source": {"path": f"x{y}.txt", "sha256": None}},
    ...             "sections": [], "projects": [], "text": "",
    ...             "indicators": [{"indicator_id": "gdp_growth", "name": "经济增长", "year": yy, "kind": k,
    ...                             "status": "numeric", "text": "", "source": {"char_start": 0, "char_end": 0},
    ...                             "value": {"low": v, "high": v, "unit": "percent", "qualifier": q, "raw": v}}
    ...                            for yy, k, v, q in recs]}
    >>> out = compare_reports([rep(2020, [(2020, "target", "6", "about")]), rep(2021, [(2020, "actual", "7", "exact")])])
    >>> [(r["year"], r["outcome"], r["gap"]) for r in out["rows"]]
    [(2020, 'exceeded', '1')]
    """
    tol, rel = Decimal(str(about_tolerance)), Decimal(str(about_relative))
    ind_filter = set(indicators) if indicators else None
    jur_filter = set(jurisdictions) if jurisdictions else None
    ceiling_set = set(ceilings)

    # reports, ordered and grouped; copies read once
    report_rows: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    groups: dict[tuple[str, str | None], list[_Report]] = defaultdict(list)
    order = sorted(range(len(reports)), key=lambda i: ((reports[i].get("document", {}).get("plan_year")
                                                        or reports[i].get("document", {}).get("review_year") or 0), i))
    for idx, i in enumerate(order):
        data = reports[i]
        doc = data.get("document", {})
        src = doc.get("source", {})
        jur = doc.get("jurisdiction") or {}
        rep = _Report(idx, i, data, str(src.get("path", f"report {i}")), src.get("sha256"), doc.get("review_year"),
                      doc.get("plan_year"), _section_parts(data.get("sections", []), {}))
        row = {"path": rep.path, "sha256": rep.sha256, "jurisdiction": jur.get("name"), "level": jur.get("level"),
               "report_type": doc.get("report_type"), "review_year": rep.review_year, "plan_year": rep.plan_year,
               "copy_of": None}
        report_rows.append(row)
        if not jur.get("name"):
            skipped.append({"path": rep.path, "reason": "no jurisdiction recognized"})
            continue
        key = (jur["name"], jur.get("level"))
        first = next((r for r in groups[key] if _is_copy(r.data, data)), None)
        if first is not None:
            row["copy_of"] = first.path
            continue
        groups[key].append(rep)

    rows: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    projects: list[dict[str, Any]] = []
    excluded = 0
    for (jname, level), reps in sorted(groups.items(), key=lambda kv: (LEVEL_ORDER.get(kv[0][1] or "", 9), kv[0][0])):
        if jur_filter is not None and jname not in jur_filter:
            continue
        cands: dict[tuple[str, int, str], list[tuple[_Report, dict[str, Any]]]] = defaultdict(list)
        for rep in reps:
            for rec in rep.data.get("indicators", []):
                iid, y, kind = rec.get("indicator_id"), rec.get("year"), rec.get("kind")
                if not iid or y is None or kind not in ("target", "actual"):
                    continue
                if ind_filter is not None and iid not in ind_filter:
                    continue
                if is_multi_year(rep.data, rec):
                    excluded += 1
                    continue
                cands[(iid, y, kind)].append((rep, rec))
        reviewed = {r.review_year for r in reps if r.review_year is not None}
        planned = {r.plan_year for r in reps if r.plan_year is not None}
        keys = sorted({(iid, y) for iid, y, _ in cands})
        targets: dict[tuple[str, int], dict[str, Any] | None] = {}
        for iid, y in keys:
            target, _ = _side(cands.get((iid, y, "target")), y, "target")
            actual, _ = _side(cands.get((iid, y, "actual")), y, "actual")
            targets[(iid, y)] = target
            outcome, gap, reason = outcome_of(target, actual, tol, rel, ceiling=iid in ceiling_set)
            if target is not None and actual is None and y not in reviewed:
                outcome, reason = "pending", f"no report reviewing {y} yet"
            if not _years_filter(years, y):
                continue
            unit = (target or actual or {}).get("unit")
            rows.append({"jurisdiction": jname, "level": level, "indicator_id": iid,
                         "name": (target or actual or {}).get("name"), "year": y, "unit": unit,
                         "target": target, "actual": actual, "outcome": outcome, "gap": gap, "reason": reason})
        ids = sorted({iid for iid, _ in keys})
        for iid in ids:
            tyears = sorted({y for i2, y in keys if i2 == iid and targets.get((i2, y))})
            for y in sorted(set(tyears) | {t - 1 for t in tyears}):
                old, new = targets.get((iid, y)), targets.get((iid, y + 1))
                if old is None and new is None:
                    continue
                if (old is None and y not in planned) or (new is None and y + 1 not in planned):
                    continue  # cannot tell added/dropped without the report that would set it
                if not (_years_filter(years, y) or _years_filter(years, y + 1)):
                    continue
                kind, direction, change = revision_of(old, new)
                revisions.append({
                    "jurisdiction": jname, "level": level, "indicator_id": iid,
                    "name": (new or old or {}).get("name"), "year_from": y, "year_to": y + 1,
                    "from": _rev_side(old), "to": _rev_side(new), "revision": kind, "direction": direction,
                    "change": change, "unit": (new or old or {}).get("unit") if change is not None else None,
                })
        for p in ([] if ind_filter is not None else _projects(reps, jname, level)):
            if years is None or not p["years"] or any(_years_filter(years, y) for y in p["years"]):
                projects.append(p)

    return {
        "schema_version": COMPARISON_SCHEMA_VERSION,
        "generated_by": {"program": "govreport compare", "version": __version__},
        "convention": {"name": CONVENTION, "about_tolerance": dec(tol), "about_relative": dec(rel),
                       "about_tolerance_units": sorted(POINT_UNITS), "ceilings": sorted(ceiling_set)},
        "reports": report_rows,
        "skipped": skipped,
        "rows": rows,
        "revisions": revisions,
        "projects": projects,
        "summary": _summary(rows, revisions, projects, excluded),
    }


def _rev_side(t: dict[str, Any] | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {k: t[k] for k in ("status", "low", "high", "unit", "qualifier", "raw", "alternatives", "source")}


def _summary(rows: list[dict[str, Any]], revisions: list[dict[str, Any]], projects: list[dict[str, Any]],
             excluded: int) -> dict[str, Any]:
    oc = Counter(r["outcome"] for r in rows)
    rc = Counter(r["revision"] for r in revisions)
    pc = Counter(p["status"] for pr in projects for p in pr["promises"])
    return {
        "rows": len(rows),
        "compared": sum(oc[o] for o in ("met", "exceeded", "missed")),
        "outcomes": {o: oc.get(o, 0) for o in OUTCOMES},
        "revisions": {k: rc.get(k, 0) for k in REVISIONS},
        "projects": len(projects),
        "projects_in_several_reports": sum(1 for p in projects if len({a["source"]["path"] for a in p["appearances"]}) > 1),
        "promises": {k: pc.get(k, 0) for k in ("done", "slipped", "pending")},
        "excluded_multi_year": excluded,
    }


def compare_files(paths: Sequence[str | os.PathLike[str]], **kwargs: Any) -> tuple[dict[str, Any], list[str]]:
    """Load (or extract) every file, then :func:`compare_reports`; returns (comparison, problems) — a bad file is one problem."""
    from pipeline.errors import PipelineError

    reports, problems = [], []
    for p in paths:
        try:
            reports.append(load_report(p))
        except PipelineError as e:
            problems.append(str(e))
        except Exception as e:  # a bug: still one line, the others go on
            problems.append(f"{p}: internal error: {type(e).__name__}: {e}")
    return compare_reports(reports, **kwargs), problems
