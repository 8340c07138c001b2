"""Extraction: Document -> indicator records and named projects.

Three extractors share one signature and are registered under versioned names
(``tables.v1``, ``prose.v1``, ``projects.v1``); the output records which ran.
Every record keeps the wording it came from and where (section path, table/row/column,
character offsets into ``Document.text``, page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from pipeline.model import Document
from pipeline.segment import Section


@dataclass
class Context:
    """What every extractor gets: the document, its metadata years and its section tree."""

    doc: Document
    root: Section
    review_year: int | None
    plan_year: int | None
    block_section: dict[int, Section] = field(default_factory=dict)


@dataclass
class IndicatorRecord:
    name: str
    indicator_id: str | None
    parent: str | None
    year: int | None
    kind: str  # target | actual
    status: str  # numeric | qualitative | absent
    low: Decimal | None
    high: Decimal | None
    unit: str | None
    qualifier: str | None
    raw: str | None
    text: str
    section: str
    table: int | None
    row: int | None
    column: int | None
    char_start: int
    char_end: int
    page: int | None
    extractor: str


@dataclass
class ProjectRecord:
    name: str
    investment: tuple[Decimal, str, str] | None  # (value, unit, raw)
    capacity: str | None
    milestones: list[tuple[str, int | None]]
    text: str
    section: str
    table: int | None
    char_start: int
    char_end: int
    page: int | None
    extractor: str


Extractor = Callable[[Context], list]  # type: ignore[type-arg]
EXTRACTORS: dict[str, Extractor] = {}


def register(name: str) -> Callable[[Extractor], Extractor]:
    """Register an extractor under a versioned name: ``@register("tables.v1")``."""

    def deco(fn: Extractor) -> Extractor:
        EXTRACTORS[name] = fn
        return fn

    return deco


DEFAULT_EXTRACTORS = ("tables.v1", "prose.v1", "projects.v1")


def run_extractors(ctx: Context, names: tuple[str, ...] = DEFAULT_EXTRACTORS) -> tuple[list[IndicatorRecord], list[ProjectRecord]]:
    from pipeline.extract import projects, prose, tables  # noqa: F401  (registers)

    indicators: list[IndicatorRecord] = []
    found_projects: list[ProjectRecord] = []
    for name in names:
        for rec in EXTRACTORS[name](ctx):
            (indicators if isinstance(rec, IndicatorRecord) else found_projects).append(rec)
    return dedupe(indicators), found_projects


def dedupe(records: list[IndicatorRecord]) -> list[IndicatorRecord]:
    """Drop exact repeats (same indicator, year, kind, value, offsets)."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for r in records:
        key = (r.indicator_id, r.name, r.year, r.kind, r.low, r.high, r.char_start)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out
