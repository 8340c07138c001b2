"""Records -> the JSON report (schemas/report.schema.json). Decimals become strings.

>>> dec(Decimal("1.4907800E+11"))
'149078000000'
>>> dec(None) is None
True
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.version import __version__, process_code_version
from pipeline.extract import DEFAULT_EXTRACTORS, IndicatorRecord, ProjectRecord
from pipeline.metadata import Metadata
from pipeline.model import Document
from pipeline.segment import Section

SCHEMA_VERSION = "1.0"


def dec(d: Decimal | None) -> str | None:
    """A Decimal as a plain string: no exponent, no trailing zeros."""
    if d is None:
        return None
    s = format(d.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def indicator_dict(r: IndicatorRecord) -> dict[str, object]:
    value = None
    if r.status == "numeric":
        value = {"low": dec(r.low), "high": dec(r.high), "unit": r.unit, "qualifier": r.qualifier, "raw": r.raw}
    return {
        "name": r.name,
        "indicator_id": r.indicator_id,
        "parent": r.parent,
        "year": r.year,
        "kind": r.kind,
        "status": r.status,
        "value": value,
        "wording": r.raw,
        "text": r.text,
        "source": {
            "section": r.section,
            "table": r.table,
            "row": r.row,
            "column": r.column,
            "char_start": r.char_start,
            "char_end": r.char_end,
            "page": r.page,
        },
        "extractor": r.extractor,
    }


def project_dict(p: ProjectRecord) -> dict[str, object]:
    inv = None
    if p.investment:
        inv = {"value": dec(p.investment[0]), "unit": p.investment[1], "raw": p.investment[2]}
    return {
        "name": p.name,
        "investment": inv,
        "capacity": p.capacity,
        "milestones": [{"text": t, "year": y} for t, y in p.milestones],
        "text": p.text,
        "source": {"section": p.section, "table": p.table, "char_start": p.char_start, "char_end": p.char_end, "page": p.page},
        "extractor": p.extractor,
    }


def table_dicts(doc: Document) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for b in doc.blocks:
        if b.table is None:
            continue
        out.append({
            "index": len(out),
            "block": b.index,
            "caption": b.table.caption,
            "page": b.page,
            "content": b.content,
            "rows": [[{"text": c.text, "row": c.row, "col": c.col, "rowspan": c.rowspan, "colspan": c.colspan,
                       "char_start": c.char_start, "char_end": c.char_end} for c in row] for row in b.table.rows],
        })
    return out


def build_report(doc: Document, meta: Metadata, root: Section, indicators: list[IndicatorRecord],
                 projects: list[ProjectRecord], source_path: str) -> dict[str, object]:
    return {
        "schema_version": SCHEMA_VERSION,
        "pipeline": {"version": __version__, "code_version": process_code_version(), "extractors": list(DEFAULT_EXTRACTORS)},
        "document": {
            "source": {"path": source_path, "sha256": doc.sha256, "format": doc.format, "pages": doc.n_pages},
            "title": meta.title,
            "jurisdiction": meta.jurisdiction,
            "report_type": meta.report_type,
            "review_year": meta.review_year,
            "plan_year": meta.plan_year,
            "delivered": meta.delivered,
            "warnings": doc.warnings,
        },
        "sections": [c.to_dict() for c in root.children],
        "blocks": [{"index": b.index, "kind": b.kind, "char_start": b.char_start, "char_end": b.char_end,
                    "page": b.page, "style": b.style, "content": b.content} for b in doc.blocks],
        "tables": table_dicts(doc),
        "indicators": [indicator_dict(r) for r in indicators],
        "projects": [project_dict(p) for p in projects],
        "text": doc.text,
    }
