"""One file end to end: read -> metadata -> sections -> extract -> normalize -> validate."""

from __future__ import annotations

import os
from typing import Any

from pipeline.extract import Context, run_extractors
from pipeline.ingest import read_document
from pipeline.metadata import extract_metadata
from pipeline.normalize import build_report
from pipeline.segment import section_of_blocks, split_sections
from pipeline.validate import check_report


def extract_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Extract one report and return it as a dict that validates against schemas/report.schema.json.

    Raises IngestError for unreadable input and SchemaViolation if the output is invalid (a bug).
    """
    doc = read_document(path)
    meta = extract_metadata(doc)
    root = split_sections(doc, meta.review_year, meta.plan_year)
    ctx = Context(doc, root, meta.review_year, meta.plan_year, section_of_blocks(root))
    indicators, projects = run_extractors(ctx)
    report = build_report(doc, meta, root, indicators, projects, str(path))
    check_report(report, str(path))
    return report
