"""Indicator statements in prose: targets in the plan part, actuals in the review part.

For every quantity in a sentence the indicator is the last crosswalk alias between the previous
quantity and this one (地区生产总值1490.78亿元、增长4.1% -> gdp, then gdp_growth: a growth
rate right after a level belongs to the level's growth indicator). Kind and year come from the
section's part (review -> actual of the review year; plan -> target of the plan year), from a
sentence that opens with last year (去年…, 2024年，…) and from multi-year wording (到2027年,
“十五五”, 年均) whose numbers are not taken as this year's values.
"""

from __future__ import annotations

from functools import cache

import regex

from pipeline.rx import rx

from pipeline.extract import Context, IndicatorRecord, register
from pipeline.extract.crosswalk import alias_pattern, alias_to_id, expected_unit, growth_of, level_of, match_indicator
from dataclasses import replace

from pipeline.extract.numbers import Quantity, find_quantities
from pipeline.ingest.text import normalize_years
from pipeline.extract.tables import column_kinds
from pipeline.lexicon import load_lexicon
from pipeline.segment import split_sentences

_CLAUSE = regex.compile(r"[，,；;：:。]")
_NAME_TAIL = regex.compile(r"[\p{Han}A-Za-z0-9（）()“”#]+$")
_RATE_UNITS = {"percent", "percentage_point", "permille"}
_INHERIT_GAP = regex.compile(r"^[、，,和及与]?\s*(同比|比上年|比去年)?\s*(增长|提高|下降|降低|增|降|上升|减少|分别增长|分别为|，)?[了为]?\s*$")


@cache
def _vocab() -> dict[str, list]:  # type: ignore[type-arg]
    return load_lexicon("statements")  # type: ignore[return-value]


@cache
def _union(group: str) -> regex.Pattern[str]:
    """All patterns of a vocabulary group (a list, or one pattern) as one alternation."""
    pats = _vocab()[group]
    return regex.compile(pats if isinstance(pats, str) else "|".join(f"(?:{p})" for p in pats))


@cache
def _union_absent() -> regex.Pattern[str]:
    return regex.compile("|".join(f"(?:{p})" for _, p in _vocab()["absent"]))


def _is_multi_year(text: str) -> bool:
    return bool(_union("multi_year").search(text))


def sentence_frame(text: str, part: str, review_year: int | None, plan_year: int | None) -> tuple[str, int | None] | None:
    """(kind, year) a sentence's values have by default, or None when it gives none.

    >>> sentence_frame("地区生产总值增长6%左右", "plan", 2024, 2025)
    ('target', 2025)
    >>> sentence_frame("2024年，全区地区生产总值增长4.1%", "plan", 2024, 2025)
    ('actual', 2024)
    >>> sentence_frame("全年实现地区生产总值1490.78亿元", "review", 2024, 2025)
    ('actual', 2024)
    """
    lead = _LEAD.match(text)
    if lead:
        year = int(lead.group(2)) if lead.group(2) else review_year
        if year == review_year:
            return "actual", review_year
        if year == plan_year:
            return "target", plan_year
    has_cue = bool(_union("target_cue").search(text))
    if has_cue and (rx(_vocab()["this_year"]).search(text) or (plan_year and rx(rf"{plan_year}\s*年").search(text))):
        return "target", plan_year
    if part == "review":
        if _union("quoted_target").search(text):
            return "target", review_year  # last year's target quoted in the review
        return "actual", review_year
    if part == "plan":
        return "target", plan_year
    if rx(r"比上年|比去年|去年|上年").search(text):
        return "actual", review_year
    return None


# a sentence that opens with last year (去年…, 过去一年…, 2024年，…, 初步统计，2024年全省…)
_LEAD = regex.compile(r"^\s*(?:——)?\s*(?:[^，。；\d]{0,8}[，,])?\s*(去年|上年|过去一年|(\d{4})\s*年(?:[，,]|全[区市省县国]|我[区市省县国]|[，,]?\s*(?:全[区市省县国])?(?:地区|国内)生产总值))")


def _clean_name(segment: str) -> str | None:
    m = _NAME_TAIL.search(segment)
    if not m:
        return None
    name = rx(_vocab()["name_trail_words"]).sub("", rx(_vocab()["name_lead_words"]).sub("", m.group(0)))
    name = name.strip("（）()“”").removesuffix("的")
    if len(name) < 2 or rx(r"[\d\W]+").fullmatch(name):
        return None
    return name[-24:]


def _fits(indicator_id: str, unit: str | None) -> bool:
    exp = expected_unit(indicator_id)
    if exp is None or unit is None:
        return True
    if exp in _RATE_UNITS:
        return unit in _RATE_UNITS
    return unit == exp or unit not in _RATE_UNITS


def statement_records(text: str, offset: int, part: str, ctx: Context, *, section: str, page: int | None,
                      table: int | None = None, row: int | None = None, column: int | None = None,
                      fallback_name: str | None = None) -> list[IndicatorRecord]:
    """Records for one run of text (a paragraph or a table cell), split into sentences."""
    out: list[IndicatorRecord] = []
    carry: tuple[str, int | None] | None = None  # "过去一年，…。国内生产总值增长10.3%" keeps last year
    period = False  # a paragraph that opens on a five-year period (“十二五”时期, 过去五年) stays there
    found = find_quantities(text)  # once per run of text; no quantity crosses a sentence end
    k = 0
    for sent in split_sentences(text, offset):
        lo, hi = sent.start - offset, sent.end - offset
        while k < len(found) and found[k].span[0] < lo:
            k += 1
        j = k
        while j < len(found) and found[j].span[1] <= hi:
            j += 1
        sent_q = [Quantity(q.low, q.high, q.unit, q.qualifier, q.raw, (q.span[0] - lo, q.span[1] - lo), q.unit_raw,
                           q.qualifier_raw, q.direction, q.direction_raw) for q in found[k:j]] if j > k else []
        k = j
        frame = sentence_frame(sent.text, part, ctx.review_year, ctx.plan_year)
        if rx(_vocab()["period_opening"]).match(sent.text):
            period = True
        elif period and (_LEAD.match(sent.text) or rx(r"今年|本年|明年|去年").search(sent.text)
                         or (ctx.review_year and rx(rf"{ctx.review_year}\s*年").search(sent.text))):
            period = False
        if period:
            continue
        if rx(_vocab()["last_year"]).match(sent.text):
            carry = ("actual", ctx.review_year)
        elif frame and frame[0] == "target" and (rx(r"今年|本年").search(sent.text) or part != "plan"):
            carry = None
        if carry and frame and frame[0] == "target" and not rx(r"今年|本年|明年|目标|预期|把|要|力争|确保").search(sent.text):
            frame = carry
        if frame is None or (not sent_q and not _union("qualitative").search(sent.text)
                             and not _union_absent().search(sent.text)):
            continue
        kind, year = frame
        out += _sentence_records(sent.text, sent.start, kind, year, ctx.plan_year, section=section, page=page, table=table,
                                 row=row, column=column, fallback_name=fallback_name, quantities=sent_q)
        if kind == "target":
            out += _qualitative_records(sent.text, sent.start, year, section=section, page=page, table=table, row=row,
                                        column=column, quantities=sent_q)
    return out


def _clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    starts = [0] + [m.end() for m in _CLAUSE.finditer(sentence, 0, pos)]
    end = _CLAUSE.search(sentence, pos)
    return starts[-1], end.start() if end else len(sentence)


_YEAR_IN_CLAUSE = regex.compile(r"(?<!\d)(19\d\d|20\d\d)\s*年(?!\s*\d{1,2}\s*月)")


def future_year(sentence: str, pos: int, plan_year: int | None) -> int | None:
    """A year after the plan year named before ``pos`` in its clause or in a short leading clause
    (到2027年，地区生产总值…; 争取1997年粮食产量达到…): the value is that year's goal."""
    if plan_year is None:
        return None
    lo, _ = _clause_bounds(sentence, pos)
    first = _CLAUSE.search(sentence)
    windows = [sentence[lo:pos]]
    if first and first.start() <= 14 and first.end() <= pos:
        windows.append(sentence[: first.end()])
    for w in map(normalize_years, windows):
        later = [y for y in map(int, _YEAR_IN_CLAUSE.findall(w)) if y > plan_year]
        if later and not rx(r"\d{4}\s*年?\s*[—–\-－~至到]\s*$").search(w[: w.rfind(str(later[-1]))]):
            return later[-1]
    return None


def _multi_year_before(sentence: str, pos: int) -> bool:
    """A multi-year cue in the clause holding ``pos``, or in a short leading clause (“十四五”期间，…)."""
    lo, hi = _clause_bounds(sentence, pos)
    if _is_multi_year(sentence[lo:hi]):
        return True
    first_end = _CLAUSE.search(sentence)
    if first_end and first_end.start() <= 14 and first_end.end() <= pos and _is_multi_year(sentence[: first_end.end()]):
        return True
    return False


def _sentence_records(sentence: str, start: int, kind: str, year: int | None, plan_year: int | None = None,
                      quantities: list[Quantity] | None = None, **src: object) -> list[IndicatorRecord]:
    out: list[IndicatorRecord] = []
    prev_end = 0
    prev: tuple[str | None, str] | None = None  # (indicator_id, name)
    fallback = src.pop("fallback_name", None)
    quantities = _with_money_units(sentence, find_quantities(sentence) if quantities is None else quantities)
    quantities = _distribute_respectively(sentence, quantities)
    names = _respectively_names(sentence, quantities)
    for q in quantities:
        if q.unit is None or q.low is None and q.high is None:
            prev_end = q.span[1]
            continue
        segment = sentence[prev_end:q.span[0]]
        aliases = list(alias_pattern().finditer(segment))
        ind_id: str | None
        name: str | None
        shared: list[str] = []
        if q.span in names:
            name, *shared = names[q.span]
            match = match_indicator(name)
            ind_id = match[0] if match else None
            if ind_id and q.unit in _RATE_UNITS and expected_unit(ind_id) not in _RATE_UNITS:
                ind_id = growth_of(ind_id) or ind_id  # 分别增长5%和7%: the 7% has no direction word of its own
        elif aliases and _alias_governs(segment, aliases[-1]):
            alias = aliases[-1].group(0)
            ind_id, name = alias_to_id()[alias], alias
        elif aliases:
            name, ind_id = _clean_name(segment), None
        elif prev is not None and (_INHERIT_GAP.match(segment) or rx(_vocab()["gap_words"]).fullmatch(segment)
                                   or not rx(_vocab()["fillers"]).sub("", rx(r"增长|提高|下降|降低|上升|减少|增|降|达到|为|了").sub("", segment))):
            ind_id, name = prev
            if rx(_vocab()["stretch_goal"]).search(segment):
                ind_id, name = None, f"{name}（力争）"  # 增长7%以上、力争达到8%: a stretch goal, kept apart
        else:
            name = _clean_name(segment) or _name_after(sentence, q) or (str(fallback) if fallback else None)
            match = match_indicator(name) if name else None
            ind_id = match[0] if match else None
        prev_end = q.span[1]
        if name is None:
            continue
        if ind_id and q.unit in _RATE_UNITS and q.direction and expected_unit(ind_id) not in _RATE_UNITS:
            ind_id = growth_of(ind_id) or ind_id
        elif ind_id and q.unit not in _RATE_UNITS and expected_unit(ind_id) in _RATE_UNITS and level_of(ind_id):
            ind_id = level_of(ind_id)  # 国内生产总值增长6.6%，总量突破90万亿元
        if ind_id and not _fits(ind_id, q.unit):
            ind_id = None
        prev = (ind_id, name)
        if _multi_year_before(sentence, q.span[0]) or _is_attribute(sentence, q, name):
            continue
        rec_year = year
        if kind == "target":
            rec_year = future_year(sentence, q.span[0], plan_year) or year
        low, high, unit, qualifier = q.low, q.high, q.unit, q.qualifier
        if kind == "actual" and qualifier == "at_most" and (q.qualifier_raw or "").strip() in ("控制在", "控制"):
            low, qualifier = high, "exact"  # a result "控制在3.3%" reports 3.3%
        for n in [name, *shared]:  # 城镇…、农村…均增长8%: one value, several indicators
            n_id = ind_id
            if n != name:
                m2 = match_indicator(n)
                n_id = m2[0] if m2 else None
                if n_id and q.unit in _RATE_UNITS and expected_unit(n_id) not in _RATE_UNITS:
                    n_id = growth_of(n_id) or n_id
                if n_id and not _fits(n_id, q.unit):
                    n_id = None
            out.append(IndicatorRecord(
                name=n, indicator_id=n_id, parent=None, year=rec_year, kind=kind, status="numeric",
                low=low, high=high, unit=unit, qualifier=qualifier, raw=q.raw,
                text=sentence, char_start=start + q.span[0], char_end=start + q.span[1],
                extractor="prose.v1", **src))  # type: ignore[arg-type]
    return out


_NAME_AFTER = regex.compile(r"^[\p{Han}A-Za-z]{2,12}(?=[，,。；;、]|$)")


def _name_after(sentence: str, q: Quantity) -> str | None:
    """发行1000亿元长期国债: when only a verb precedes the number, the noun after it is the name."""
    if not rx(_vocab()["verb_only"]).search(sentence[: q.span[0]]):
        return None
    m = _NAME_AFTER.match(sentence[q.span[1]:])
    return m.group(0) if m else None


def _is_attribute(sentence: str, q: Quantity, name: str | None) -> bool:
    """Capacities (年产3GW), sizes of facilities (10万吨食用油储备库), counts of indicators
    (导向性指标共16项) and increments in money (比上年减少300亿元) are not indicator values."""
    before, after = sentence[: q.span[0]], sentence[q.span[1]:]
    if rx(_vocab()["attribute_before"]).search(before) or rx(_vocab()["attribute_after"]).search(after):
        return True
    if name and rx(_vocab()["meta_names"]).search(name):
        return True
    if rx(_vocab()["comparison_before"]).search(before):
        return True
    if q.direction and (q.unit not in _RATE_UNITS or q.unit == "percentage_point") and \
            rx(_vocab()["increment_before"]).search(before):
        return True
    return False


def _alias_governs(segment: str, m: regex.Match[str]) -> bool:
    """The alias names the number: nothing but verbs and fillers between them, and the alias is
    not the tail of a longer noun (海洋生产总值, 对经济增长的贡献率)."""
    gap = segment[m.end():]
    if not regex.fullmatch(_vocab()["gap_words"], gap):
        return False
    before = segment[: m.start()]
    return not any(before.endswith(p) for p in _vocab()["compound_prefixes"])


def _with_money_units(sentence: str, quantities: list[Quantity]) -> list[Quantity]:
    """投资9130万 / 总投资300亿: an amount with 万/亿 and no unit after a money word is CNY."""
    out = []
    for q in quantities:
        if q.unit is None and q.low is not None and rx(r"[万亿]$").search(q.raw) and rx(_vocab()["money_cue"]).search(sentence[: q.span[0]]):
            q = replace(q, unit="CNY", unit_raw="(元)")
        out.append(q)
    return out


def _distribute_respectively(sentence: str, quantities: list[Quantity]) -> list[Quantity]:
    """分别增长5%、6.5%左右: a qualifier written once after a 分别 list applies to every item."""
    if "分别" not in sentence or len(quantities) < 2:
        return quantities
    out = list(quantities)
    i = len(out) - 1
    while i > 0:
        run = [i]
        while run[0] > 0 and rx(r"\s*[、和及与]\s*").fullmatch(sentence[out[run[0] - 1].span[1]:out[run[0]].span[0]]):
            run.insert(0, run[0] - 1)
        last = out[run[-1]]
        if len(run) > 1 and last.qualifier in ("about", "at_least", "at_most") and "分别" in sentence[: out[run[0]].span[0]]:
            for k in run[:-1]:
                q = out[k]
                if q.qualifier == "exact" and q.unit == last.unit:
                    lo, hi = q.low, q.high
                    if last.qualifier == "at_least":
                        hi = None
                    elif last.qualifier == "at_most":
                        lo = None
                    out[k] = replace(q, low=lo, high=hi, qualifier=last.qualifier, qualifier_raw=last.qualifier_raw)
        i = run[0] - 1
    return out


_RESPECTIVELY_MODE = regex.compile(r"分别|(?:预期)?(?:增长|增速)?均(?=为|增长|达到|提高|下降|保持)")
_NAMES_BEFORE = regex.compile(r"(?P<names>[\p{Han}A-Za-z0-9、和及与]{2,60}?)(?:增加值|增速|增幅)?$")


class _Respectively:
    """A 分别/均 list: the names before the word and where the word ends (found backwards from the word,
    so a sentence is scanned once)."""

    def __init__(self, sentence: str, mode: regex.Match[str]) -> None:
        window_start = max(0, mode.start() - 66)
        m = _NAMES_BEFORE.search(sentence, window_start, mode.start())
        self.ok = m is not None
        self.names = m.group("names") if m else ""
        self.names_start = m.start("names") if m else mode.start()
        self.mode = mode.group(0)
        self.end = mode.end()


def _respectively_matches(sentence: str) -> list[_Respectively]:
    return [r for r in (_Respectively(sentence, m) for m in _RESPECTIVELY_MODE.finditer(sentence)) if r.ok]


def _respectively_names(sentence: str, quantities: list[Quantity]) -> dict[tuple[int, int], list[str]]:
    """城镇和农村居民人均可支配收入分别增长5%、7% -> each quantity gets its own name.

    Short names borrow the rest of the phrase from a longer one:
    城镇 + 农村居民人均可支配收入 -> 城镇居民人均可支配收入; 粮食播种面积 + 产量 -> 粮食产量.
    """
    out: dict[tuple[int, int], list[str]] = {}
    if "分别" not in sentence and "均" not in sentence:
        return out
    for m in _respectively_matches(sentence):
        head = rx(r"^(其中|全年|今年)").sub("", rx(r"[，,；;：:]").split(m.names)[-1])
        head = rx(r"^城乡(常住)?居民(.*)$").sub(r"城镇\1居民\2和农村\1居民\2", head)  # 城乡居民X = 城镇居民X, 农村居民X
        parts = [p for p in rx(r"[、和及与]").split(head) if p]
        after = [q for q in quantities if q.span[0] >= m.end and q.unit is not None]
        one_value = bool(after) and len(parts) >= 2 and (m.mode != "分别" or len(after) == 1 or
                                                          _CLAUSE.search(sentence, after[0].span[1], after[1].span[0]))
        after = after[:1] if one_value else after[: len(parts)]
        if len(parts) < 2 or not after or (not one_value and len(after) != len(parts)):
            continue
        longest = max(parts, key=len)
        names = []
        for p in parts:
            if len(p) <= 3 and p != longest:
                if parts.index(p) < parts.index(longest):
                    # 城镇 + 农村居民人均可支配收入 -> 城镇 + 居民人均可支配收入
                    names.append(p + longest[len(p):] if len(longest) > len(p) else p)
                else:
                    names.append(longest[:2] + p)
            else:
                names.append(p)
        suffix = rx(r"分别|均|预期").sub("", sentence[m.names_start + len(m.names): m.end])
        if one_value:
            out[after[0].span] = [n + suffix for n in names]
            continue
        for q, n in zip(after, names):
            out[q.span] = [n + suffix]
        # 分别完成37820元、28104元，同比分别增长6.5%、9.4%: a second 分别 list without names of its own
        if after:
            again = rx(r"分别").search(sentence, after[-1].span[1])
            if again and not alias_pattern().search(sentence, after[-1].span[1], again.start()):
                more = [q for q in quantities if q.span[0] >= again.end() and q.unit is not None][: len(names)]
                if len(more) == len(names):
                    for q, n in zip(more, names):
                        out.setdefault(q.span, [n + suffix])
    return out


def _qualitative_records(sentence: str, start: int, year: int | None, quantities: list[Quantity] | None = None,
                         **src: object) -> list[IndicatorRecord]:
    out: list[IndicatorRecord] = []
    if not _union("qualitative").search(sentence) and not _union_absent().search(sentence):
        return out
    if quantities is None:
        quantities = find_quantities(sentence)
    for m in alias_pattern().finditer(sentence):
        if sentence[max(0, m.start() - 1):m.start()] in ("与", "和", "同", "于"):
            continue
        clause_start, _ = _clause_bounds(sentence, m.start())
        lead = alias_pattern().sub("", sentence[clause_start:m.start()])  # a list of indicators may precede
        lead = rx(r"[、和及与]").sub("", lead).strip()
        if not rx(_vocab()["qualitative_lead"]).match(lead):
            continue  # the alias is not the subject of its clause (拉动经济增长的主动力)
        if sentence[m.end():m.end() + 1] == "的":
            continue
        end = _CLAUSE.search(sentence, m.end())
        clause = sentence[m.end(): end.start() if end else len(sentence)]
        clause_end = m.end() + len(clause)
        if len(clause) > 60 or any(q.span[0] < clause_end and q.span[1] > m.end() for q in quantities):
            continue
        if _multi_year_before(sentence, m.start()):
            continue
        if _union("qualitative").search(clause):
            ind_id = alias_to_id()[m.group(0)]
            if rx(r"增长|增速|涨幅|同步|[快高]于").search(clause) and growth_of(ind_id):
                ind_id = growth_of(ind_id)  # 进出口总额保持正增长 is about growth
            out.append(IndicatorRecord(
                name=m.group(0), indicator_id=ind_id, parent=None, year=year, kind="target",
                status="qualitative", low=None, high=None, unit=None, qualifier=None, raw=clause,
                text=sentence, char_start=start + m.start(), char_end=start + m.end() + len(clause),
                extractor="prose.v1", **src))  # type: ignore[arg-type]
    for ind_id, pattern in _vocab()["absent"]:
        am = rx(pattern).search(sentence)
        if am:
            out.append(IndicatorRecord(
                name=am.group(0), indicator_id=ind_id, parent=None, year=year, kind="target", status="absent",
                low=None, high=None, unit=None, qualifier=None, raw=am.group(0), text=sentence,
                char_start=start + am.start(), char_end=start + am.end(), extractor="prose.v1", **src))  # type: ignore[arg-type]
    return out


@register("prose.v1")
def extract_prose(ctx: Context) -> list[IndicatorRecord]:
    out: list[IndicatorRecord] = []
    t_index = -1
    for b in ctx.doc.blocks:
        if b.table is not None:
            t_index += 1
        if not b.content:
            continue
        sec = ctx.block_section.get(b.index)
        part = sec.part if sec else "other"
        path = sec.path if sec else ""
        if b.table is None:
            if b.kind == "heading":
                continue
            out += statement_records(b.text, b.char_start, part, ctx, section=path, page=b.page)
            continue
        if b.table.rows and column_kinds([c.text for c in b.table.rows[0]], ctx.plan_year):
            continue  # an indicator table: tables.v1 reads it
        for row in b.table.rows:
            if len(row) < 2:
                continue
            for cell in row[1:]:
                out += statement_records(cell.text, cell.char_start, part, ctx, section=path, page=b.page,
                                         table=t_index, row=cell.row, column=cell.col, fallback_name=row[0].text)
    return out
