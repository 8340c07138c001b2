"""Indicator rows from tables: name / target / actual columns, years from the header.

A table is an indicator table when its header row has a column whose text names a year and a
target (2025年预期目标) or an actual (2024年完成值). Rows marked ``#`` are sub-indicators of
the nearest numbered row above them (``parent``). Cells holding a quantity become numeric
records; other non-empty cells (与经济增长同步) become qualitative ones.
"""

from __future__ import annotations

from functools import cache

import regex

from pipeline.rx import rx

from pipeline.extract import Context, IndicatorRecord, register
from pipeline.extract.crosswalk import expected_unit, growth_of, match_indicator, strip_numbering

RATE_UNITS = {"percent", "percentage_point", "permille"}
from pipeline.extract.numbers import find_quantities
from pipeline.lexicon import load_lexicon
from pipeline.model import Block, Table

_YEAR = regex.compile(r"(19|20)\d\d(?=\s*年)")
_SUB = regex.compile(r"^\s*[#＃]")


@cache
def _vocab() -> dict[str, list[str]]:
    return load_lexicon("statements")  # type: ignore[return-value]


def column_kinds(header: list[str], default_year: int | None) -> dict[int, tuple[str, int | None]]:
    """Map value columns to (kind, year).

    >>> column_kinds(["指标名称", "2024年预期目标", "2024年完成值"], None)
    {1: ('target', 2024), 2: ('actual', 2024)}
    """
    out: dict[int, tuple[str, int | None]] = {}
    for i, text in enumerate(header):
        if i == 0:
            continue
        years = _YEAR.search(text)
        year = int(years.group(0)) if years else default_year
        if any(rx(p).search(text) for p in _vocab()["actual_header"]):
            out[i] = ("actual", year)
        elif any(rx(p).search(text) for p in _vocab()["target_header"]):
            out[i] = ("target", year)
    return out


def table_records(table: Table, block: Block, table_index: int, section: str, plan_year: int | None) -> list[IndicatorRecord]:
    if not table.rows:
        return []
    header = [c.text for c in table.rows[0]]
    kinds = column_kinds(header, plan_year)
    if not kinds:
        return []
    out: list[IndicatorRecord] = []
    parent_id: str | None = None
    for row in table.rows[1:]:
        if not row:
            continue
        name_cell = row[0]
        name = strip_numbering(name_cell.text)
        if not name:
            continue
        match = match_indicator(name_cell.text)
        ind_id = match[0] if match else None
        is_sub = bool(_SUB.match(name_cell.text))
        parent = parent_id if is_sub else None
        if not is_sub:
            parent_id = ind_id
        for cell in row[1:]:
            if cell.col not in kinds or not cell.text.strip():
                continue
            kind, year = kinds[cell.col]
            qs = [q for q in find_quantities(cell.text)]
            base = dict(name=name, indicator_id=ind_id, parent=parent, year=year, kind=kind,
                        text=f"{name_cell.text}\t{cell.text}", section=section, table=table_index,
                        row=cell.row, column=cell.col, char_start=cell.char_start, char_end=cell.char_end,
                        page=block.page, extractor="tables.v1")
            if qs:
                q = qs[0]
                if ind_id and q.unit in RATE_UNITS and expected_unit(ind_id) not in RATE_UNITS and growth_of(ind_id):
                    base["indicator_id"] = growth_of(ind_id)  # 全体居民人均可支配收入 | 6% is its growth
                out.append(IndicatorRecord(status="numeric", low=q.low, high=q.high, unit=q.unit,
                                           qualifier=q.qualifier, raw=cell.text, **base))  # type: ignore[arg-type]
            else:
                if ind_id and growth_of(ind_id) and rx(r"增长|增速|同步").search(cell.text):
                    base["indicator_id"] = growth_of(ind_id)  # 与经济增长同步
                out.append(IndicatorRecord(status="qualitative", low=None, high=None, unit=None,
                                           qualifier=None, raw=cell.text, **base))  # type: ignore[arg-type]
    return out


@register("tables.v1")
def extract_tables(ctx: Context) -> list[IndicatorRecord]:
    out: list[IndicatorRecord] = []
    t_index = -1
    for b in ctx.doc.blocks:
        if b.table is None:
            continue
        t_index += 1
        if not b.content:
            continue
        sec = ctx.block_section.get(b.index)
        out += table_records(b.table, b, t_index, sec.path if sec else "", ctx.plan_year)
    return out
