"""The researchers' dataset: every extracted report as tidy tables, in DuckDB, Parquet, CSV and Stata.

``build_dataset(output_dir)`` reads every report JSON below ``output_dir`` (the folder ``govreport
run`` writes) and writes

* ``output_dir/govreport.duckdb`` -- an embedded DuckDB database (no server): the tables below with
  exact ``DECIMAL(38,10)`` values, column comments, and the views of :data:`VIEWS`;
* ``output_dir/dataset/<table>.parquet`` -- decimals as Parquet DECIMAL(38,10);
* ``output_dir/dataset/<table>.csv`` -- UTF-8 with BOM (Excel opens the Chinese text correctly),
  decimals written exactly as in the JSON (``149078000000``, ``-3.5``), NULL as an empty field;
* ``output_dir/dataset/<table>.dta`` -- Stata 14+ (format 118, UTF-8) with variable labels; Stata has
  no decimal type, so every decimal column ``x`` is stored twice: ``x`` (double, approximate) and
  ``x_str`` (the exact decimal as text);
* ``output_dir/dataset/datapackage.json`` -- a Frictionless Data Package describing every table,
  column, unit and source report (with its sha256).

Tables (one row per ...): ``documents`` (report), ``indicators`` (``indicators[]`` record of a report),
``projects`` and ``project_milestones``, ``comparisons`` and ``target_revisions`` (the rows and revisions
of :func:`pipeline.compare.compare_reports` over all reports, when that module is available),
``indicator_definitions`` (the crosswalk) and ``build_info``. Every indicator row keeps its sentence or
table row (``text``) and its source: file path, sha256, section, table, row, column, character offsets
into the report's ``text`` and PDF page, so each value can be traced and cited.

Exactness: decimals are read from the JSON strings with :class:`decimal.Decimal` and stored as
DECIMAL(38,10) (28 digits before the point, 10 after); a value that does not fit exactly raises
:class:`DatasetError` -- nothing is ever rounded. Writes are atomic: everything is built in a
temporary folder next to the outputs and moved into place only when all of it succeeded, so a failed
build leaves the previous dataset untouched (the database file is replaced with one ``os.replace``).

>>> exact_decimal("149078000000", "x")
Decimal('149078000000')
>>> exact_decimal("0.12345678901", "indicators[3].low")
Traceback (most recent call last):
...
pipeline.dataset.DatasetError: indicators[3].low: 0.12345678901 cannot be stored exactly as DECIMAL(38,10) (11 digits after the point; at most 10)
>>> canonical(Decimal("5.5000000000")), canonical(Decimal("-0")), canonical(Decimal("1E+2"))
('5.5', '0', '100')
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import regex

from pipeline.version import __version__
from pipeline.errors import PipelineError

DECIMAL_PRECISION = 38
DECIMAL_SCALE = 10
DECIMAL_SQL = f"DECIMAL({DECIMAL_PRECISION},{DECIMAL_SCALE})"
DATASET_DIR = "dataset"
DB_NAME = "govreport.duckdb"
_TMP_PREFIX = ".dataset-build-"
_DECIMAL_RE = regex.compile(r"-?[0-9]+(?:\.[0-9]+)?")

__all__ = ["build_dataset", "build", "BuildStats", "DatasetError", "TABLES", "VIEWS", "exact_decimal", "canonical",
           "DECIMAL_SQL", "DB_NAME", "DATASET_DIR", "default_db_path"]


class DatasetError(PipelineError):
    """The dataset cannot be built (a value that does not fit exactly, an unreadable or invalid report)."""


# --------------------------------------------------------------------------------------------------
# decimals


def exact_decimal(value: Any, where: str) -> Decimal | None:
    """A JSON decimal string as a Decimal that DECIMAL(38,10) holds exactly, else DatasetError.

    >>> exact_decimal(None, "x") is None
    True
    >>> exact_decimal("-3.5", "x")
    Decimal('-3.5')
    """
    if value is None:
        return None
    if not isinstance(value, str) or not _DECIMAL_RE.fullmatch(value):
        raise DatasetError(f"{where}: {value!r} is not a decimal string")
    digits = value.lstrip("-")
    whole, _, frac = digits.partition(".")
    frac = frac.rstrip("0")
    whole = whole.lstrip("0")
    if len(frac) > DECIMAL_SCALE:
        raise DatasetError(f"{where}: {value} cannot be stored exactly as {DECIMAL_SQL} "
                           f"({len(frac)} digits after the point; at most {DECIMAL_SCALE})")
    if len(whole) > DECIMAL_PRECISION - DECIMAL_SCALE:
        raise DatasetError(f"{where}: {value} cannot be stored exactly as {DECIMAL_SQL} "
                           f"({len(whole)} digits before the point; at most {DECIMAL_PRECISION - DECIMAL_SCALE})")
    return Decimal(value)


def canonical(d: Decimal | None) -> str | None:
    """A Decimal as the plain string the JSON uses: no exponent, no trailing zeros, never ``-0``."""
    if d is None:
        return None
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


# --------------------------------------------------------------------------------------------------
# table definitions: one source of truth for DuckDB, Parquet, CSV, Stata and datapackage.json


@dataclass(frozen=True)
class Column:
    """A column: ``type`` is string, integer, decimal or boolean; ``label`` <= 80 characters (Stata)."""

    name: str
    type: str
    label: str
    description: str = ""
    unit: str | None = None

    def describe(self) -> str:
        return self.description or self.label


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


S, I, D, B = "string", "integer", "decimal", "boolean"
UNIT_COL = "the base unit in column `unit` (percent, percentage_point, CNY, person, ton, ...)"


def _c(name: str, type_: str, label: str, description: str = "", unit: str | None = None) -> Column:
    return Column(name, type_, label, description, unit)


_JUR = (
    _c("jurisdiction", S, "Jurisdiction name (e.g. 江津区, 北京市, 中华人民共和国)", "document.jurisdiction.name: who issued the report."),
    _c("jurisdiction_parent", S, "Parent jurisdiction (重庆市 for 江津区), when known", "document.jurisdiction.parent."),
    _c("jurisdiction_level", S, "Administrative level: national, province, city, county", "document.jurisdiction.level."),
    _c("report_type", S, "Report type (government_work_report, plan_report, ...)", "document.report_type."),
    _c("review_year", I, "Year whose results the report reviews", "document.review_year."),
    _c("plan_year", I, "Year the report sets goals for", "document.plan_year."),
)
_COPY = _c("copy_of", S, "document_id this report is a copy of (same report, other format)",
           "Set when pipeline.compare finds the same report in another format (same jurisdiction, type and years and "
           "at least 80% of the same values); views and comparisons read only the first copy.")


def _source(with_cell: bool = True) -> tuple[Column, ...]:
    cols = [
        _c("source_path", S, "Source file path (as given to govreport)", "document.source.path of the report."),
        _c("source_sha256", S, "SHA-256 of the source file", "document.source.sha256: cite it with the path."),
        _c("source_section", S, "Section path in the report (sections[].path; '' before the first heading)", "source.section."),
        _c("source_table", I, "Table index in the report (tables[]), NULL for prose", "source.table."),
    ]
    if with_cell:
        cols += [_c("source_row", I, "Table row (0 = header), NULL for prose", "source.row."),
                 _c("source_column", I, "Table column, NULL for prose", "source.column.")]
    cols += [
        _c("char_start", I, "Start offset of the value in the report's normalized text", "source.char_start (the report JSON's `text`)."),
        _c("char_end", I, "End offset (exclusive) in the report's normalized text", "source.char_end."),
        _c("page", I, "1-based PDF page, NULL for .txt/.docx", "source.page."),
    ]
    return tuple(cols)


def _side(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        _c(f"{prefix}_status", S, f"{what}: numeric, qualitative or absent"),
        _c(f"{prefix}_low", D, f"{what}: lower bound (signed, base unit)", f"{what}: lower bound in {UNIT_COL}; NULL for at_most.", "unit"),
        _c(f"{prefix}_high", D, f"{what}: upper bound (signed, base unit)", f"{what}: upper bound in {UNIT_COL}; NULL for at_least.", "unit"),
        _c(f"{prefix}_unit", S, f"{what}: base unit"),
        _c(f"{prefix}_qualifier", S, f"{what}: exact, about, at_least, at_most or range"),
        _c(f"{prefix}_raw", S, f"{what}: value as written (增长5%左右) or the qualitative wording"),
        _c(f"{prefix}_alternatives", I, f"{what}: other records stating it that were not chosen"),
        _c(f"{prefix}_document_id", S, f"{what}: document_id it was read from"),
        _c(f"{prefix}_source_path", S, f"{what}: source file path"),
        _c(f"{prefix}_source_sha256", S, f"{what}: SHA-256 of the source file"),
        _c(f"{prefix}_char_start", I, f"{what}: start offset in that report's text"),
        _c(f"{prefix}_char_end", I, f"{what}: end offset in that report's text"),
        _c(f"{prefix}_text", S, f"{what}: the sentence or table row"),
    )


def _rev_side(prefix: str, what: str) -> tuple[Column, ...]:
    return (
        _c(f"{prefix}_status", S, f"{what}: numeric, qualitative or absent"),
        _c(f"{prefix}_low", D, f"{what}: lower bound (signed, base unit)", f"{what}: lower bound in {UNIT_COL}.", "unit"),
        _c(f"{prefix}_high", D, f"{what}: upper bound (signed, base unit)", f"{what}: upper bound in {UNIT_COL}.", "unit"),
        _c(f"{prefix}_qualifier", S, f"{what}: exact, about, at_least, at_most or range"),
        _c(f"{prefix}_raw", S, f"{what}: value as written"),
        _c(f"{prefix}_document_id", S, f"{what}: document_id it was read from"),
        _c(f"{prefix}_char_start", I, f"{what}: start offset in that report's text"),
    )


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("documents", "One row per extracted report (one JSON file in the outputs folder).", (
        _c("document_id", S, "Document id: the output file's path below the outputs folder, minus .json",
           "e.g. jiangjin_plan_report_2025.pdf for outputs/jiangjin_plan_report_2025.pdf.json; the key every other table uses."),
        _c("output_file", S, "The report JSON, relative to the outputs folder"),
        _c("source_path", S, "Source file path (as given to govreport)"),
        _c("source_sha256", S, "SHA-256 of the source file"),
        _c("source_format", S, "Reader used: txt, docx or pdf"),
        _c("pages", I, "Number of PDF pages, NULL otherwise"),
        _c("title", S, "Title line, when the report has one"),
        *_JUR,
        _c("delivered", S, "Delivery date YYYY-MM-DD, when the report states it"),
        _COPY,
        _c("n_indicators", I, "Number of indicator records"),
        _c("n_projects", I, "Number of project records"),
        _c("schema_version", S, "Report schema version"),
        _c("pipeline_version", S, "govreport version that extracted the report"),
        _c("extractors", S, "Extractors that ran (comma-separated)"),
        _c("warnings", S, "Reader warnings, joined with ' | '"),
    ), ("document_id",)),
    Table("indicators", "One row per indicator record (indicators[] of a report): a target or actual, numeric, "
                        "qualitative or absent, with its sentence or table row and its exact place in the source.", (
        _c("document_id", S, "Report the record comes from (documents.document_id)"),
        _c("record_no", I, "Position in the report's indicators[] (0-based)",
           "With document_id, the key of the row: indicators[record_no] in the report JSON."),
        *_JUR,
        _COPY,
        _c("part", S, "Part of the report: review, plan, multi_year or other", "The part of the section the record is in."),
        _c("name", S, "Indicator name as written"),
        _c("indicator_id", S, "Canonical indicator id (indicator_definitions), NULL when unknown"),
        _c("parent", S, "indicator_id of the parent row for # sub-indicators"),
        _c("year", I, "Year the value refers to"),
        _c("kind", S, "target (a goal) or actual (a reported result)"),
        _c("status", S, "numeric, qualitative (worded target) or absent (no target set)"),
        _c("low", D, "Lower bound, signed, in the base unit of `unit` (NULL for at_most)",
           f"Lower bound of the signed value in {UNIT_COL}: 增长5% -> 5, 下降3.8% -> -3.8, 1490.78亿元 -> 149078000000. "
           "NULL for at_most and for non-numeric records.", "unit"),
        _c("high", D, "Upper bound, signed, in the base unit of `unit` (NULL for at_least)",
           f"Upper bound in {UNIT_COL}; exact and about have low = high. NULL for at_least and non-numeric records.", "unit"),
        _c("unit", S, "Base unit: percent, percentage_point, CNY, person, ton, ..."),
        _c("qualifier", S, "exact, about (左右), at_least (以上), at_most (以内), range",
           "How the value is bounded; 下降3%以上 (a fall of at least 3%) is at_most with high -3."),
        _c("raw", S, "The quantity as written (增长6%左右)"),
        _c("wording", S, "The words stating the value (quantity, table cell or qualitative phrase)"),
        _c("text", S, "The sentence or table row the record comes from"),
        _c("multi_year", B, "Clause states a multi-year figure (年均, 期间, 五年); NULL if unknown",
           "pipeline.compare.is_multi_year: such prose values are left out of comparisons and of the views."),
        _c("extractor", S, "Versioned extractor name"),
        *_source(True),
    ), ("document_id", "record_no"), ((("document_id",), "documents", ("document_id",)),)),
    Table("projects", "One row per named project record (projects[] of a report).", (
        _c("document_id", S, "Report the record comes from (documents.document_id)"),
        _c("project_no", I, "Position in the report's projects[] (0-based)"),
        *_JUR,
        _COPY,
        _c("part", S, "Part of the report: review, plan, multi_year or other"),
        _c("name", S, "Project name as written"),
        _c("investment", D, "Investment in base units of investment_unit (normally CNY)",
           "Investment as an exact decimal in the unit of `investment_unit` (50亿元 -> 5000000000).", "investment_unit"),
        _c("investment_unit", S, "Unit of investment (normally CNY)"),
        _c("investment_raw", S, "Investment as written (投资50亿元)"),
        _c("capacity", S, "Capacity wording (年产3GW)"),
        _c("n_milestones", I, "Number of milestones (project_milestones)"),
        _c("text", S, "The text the project was read from"),
        _c("extractor", S, "Versioned extractor name"),
        *_source(False),
    ), ("document_id", "project_no"), ((("document_id",), "documents", ("document_id",)),)),
    Table("project_milestones", "One row per milestone of a project record.", (
        _c("document_id", S, "Report the project comes from"),
        _c("project_no", I, "projects.project_no"),
        _c("milestone_no", I, "Position in the project's milestones[] (0-based)"),
        _c("year", I, "Year the milestone names, if any"),
        _c("text", S, "Milestone wording (2025年一期项目整体建成)"),
    ), ("document_id", "project_no", "milestone_no"), ((("document_id", "project_no"), "projects", ("document_id", "project_no")),)),
    Table("comparisons", "Targets vs actuals from pipeline.compare over all reports: one row per jurisdiction, "
                         "indicator and year (convention qualifier-interval.v1; see build_info).", (
        _c("comparison_no", I, "Row number in the comparison (0-based)"),
        _c("jurisdiction", S, "Jurisdiction name"),
        _c("jurisdiction_level", S, "Administrative level"),
        _c("indicator_id", S, "Canonical indicator id"),
        _c("name", S, "Indicator name as written in the chosen record"),
        _c("year", I, "Year the target and the actual refer to"),
        _c("unit", S, "Unit of the target (else the actual); the gap is in this unit"),
        _c("outcome", S, "met, exceeded, missed, not_comparable or pending"),
        _c("gap", D, "Actual minus the target bound it is measured against (row's unit)",
           "Exact; value for exact/about, low for at_least, high for at_most, the nearer bound of a range (0 inside it).", "unit"),
        _c("reason", S, "Why not_comparable or pending"),
        *_side("target", "Target"),
        *_side("actual", "Actual"),
    ), ("comparison_no",)),
    Table("target_revisions", "How the target for year_from became the target for year_to (pipeline.compare).", (
        _c("revision_no", I, "Row number (0-based)"),
        _c("jurisdiction", S, "Jurisdiction name"),
        _c("jurisdiction_level", S, "Administrative level"),
        _c("indicator_id", S, "Canonical indicator id"),
        _c("name", S, "Indicator name as written"),
        _c("year_from", I, "Earlier target year"),
        _c("year_to", I, "Later target year (year_from + 1)"),
        _c("revision", S, "raised, lowered, unchanged, qualifier_changed, unit_changed, added, dropped"),
        _c("direction", S, "Which way the reference value moved (raised, lowered, unchanged)"),
        _c("change", D, "Reference value of year_to minus that of year_from", f"Exact, in {UNIT_COL}.", "unit"),
        _c("unit", S, "Unit of change"),
        *_rev_side("from", "Earlier target"),
        *_rev_side("to", "Later target"),
    ), ("revision_no",)),
    Table("indicator_definitions", "The indicator crosswalk (pipeline/lexicon/indicators.yaml).", (
        _c("indicator_id", S, "Canonical indicator id"),
        _c("label", S, "English label"),
        _c("unit", S, "Base unit the indicator is normally stated in"),
        _c("aliases", S, "Names reports use for it, joined with ' | '"),
    ), ("indicator_id",)),
    Table("build_info", "How the dataset was built: versions, conventions, counts.", (
        _c("key", S, "Setting"),
        _c("value", S, "Value"),
    ), ("key",)),
)}

# Views: name -> (description, SELECT). The pick rule of indicator_cells is documented in README.md.
_PICK_WHERE = ("indicator_id IS NOT NULL AND year IS NOT NULL AND jurisdiction IS NOT NULL "
               "AND copy_of IS NULL AND NOT coalesce(multi_year, false)")
VIEWS: dict[str, tuple[str, str]] = {
    "indicator_cells": (
        "One value per jurisdiction x indicator_id x year x kind, picked from indicators by the documented rule: "
        "(1) the report about that year (plan_year = year for a target, review_year = year for an actual), "
        "(2) numeric before qualitative before absent, (3) table before prose, (4) earlier document_id, then "
        "earlier place in the text. Copies of a report and multi-year clauses are left out; n_records counts "
        "the candidates.",
        f"""
SELECT jurisdiction, jurisdiction_level, jurisdiction_parent, indicator_id, year, kind, status, qualifier,
       low, high, unit, raw, name, document_id, record_no, source_table, char_start, char_end, text, n_records
FROM (
    SELECT *,
           count(*) OVER w AS n_records,
           row_number() OVER (w ORDER BY
               CASE WHEN (kind = 'target' AND plan_year = year) OR (kind = 'actual' AND review_year = year)
                    THEN 0 ELSE 1 END,
               CASE status WHEN 'numeric' THEN 0 WHEN 'qualitative' THEN 1 ELSE 2 END,
               CASE WHEN source_table IS NOT NULL THEN 0 ELSE 1 END,
               document_id, char_start, record_no) AS pick
    FROM indicators
    WHERE {_PICK_WHERE}
    WINDOW w AS (PARTITION BY jurisdiction, jurisdiction_level, indicator_id, year, kind)
)
WHERE pick = 1"""),
    "indicator_panel": (
        "The panel: one row per jurisdiction x indicator_id x year, with the target and the actual picked by "
        "indicator_cells side by side.",
        """
SELECT coalesce(t.jurisdiction, a.jurisdiction) AS jurisdiction,
       coalesce(t.jurisdiction_level, a.jurisdiction_level) AS jurisdiction_level,
       coalesce(t.indicator_id, a.indicator_id) AS indicator_id,
       coalesce(t.year, a.year) AS year,
       t.status AS target_status, t.qualifier AS target_qualifier, t.low AS target_low, t.high AS target_high,
       t.unit AS target_unit, t.raw AS target_raw, t.document_id AS target_document_id,
       t.char_start AS target_char_start, t.n_records AS target_records,
       a.status AS actual_status, a.qualifier AS actual_qualifier, a.low AS actual_low, a.high AS actual_high,
       a.unit AS actual_unit, a.raw AS actual_raw, a.document_id AS actual_document_id,
       a.char_start AS actual_char_start, a.n_records AS actual_records
FROM (SELECT * FROM indicator_cells WHERE kind = 'target') t
FULL OUTER JOIN (SELECT * FROM indicator_cells WHERE kind = 'actual') a
  ON t.jurisdiction = a.jurisdiction AND t.jurisdiction_level IS NOT DISTINCT FROM a.jurisdiction_level
 AND t.indicator_id = a.indicator_id AND t.year = a.year"""),
    "gdp_targets": (
        "GDP growth targets (indicator_id gdp_growth), one per jurisdiction and year (indicator_cells rule), "
        "with qualifier and bounds.",
        """
SELECT jurisdiction, jurisdiction_level, jurisdiction_parent, year, status, qualifier, low, high, unit, raw,
       document_id, record_no, char_start, text, n_records
FROM indicator_cells
WHERE indicator_id = 'gdp_growth' AND kind = 'target'"""),
    "target_vs_actual": (
        "Targets vs actuals from the comparisons table (pipeline.compare's pick rule and outcome convention).",
        """
SELECT jurisdiction, jurisdiction_level, indicator_id, year, unit,
       target_status, target_qualifier, target_low, target_high, target_raw,
       actual_status, actual_low, actual_high, actual_raw, outcome, gap, reason,
       target_document_id, target_char_start, actual_document_id, actual_char_start
FROM comparisons"""),
    "projects_by_investment": (
        "Projects with a stated investment, largest first (copies of a report left out); investment_yi is the "
        "investment in 亿元 (100 million CNY), exact.",
        f"""
SELECT row_number() OVER (ORDER BY investment DESC, document_id, project_no) AS rank,
       jurisdiction, jurisdiction_level, plan_year, part, name,
       investment, CAST(investment * 0.00000001 AS {DECIMAL_SQL}) AS investment_yi, investment_unit,
       investment_raw, document_id, project_no, char_start
FROM projects
WHERE investment IS NOT NULL AND copy_of IS NULL"""),
}


# --------------------------------------------------------------------------------------------------
# reading the outputs


def default_db_path(output_dir: str | os.PathLike[str]) -> Path:
    """``OUTPUTS_DIR/govreport.duckdb``."""
    return Path(output_dir) / DB_NAME


def find_reports(output_dir: Path) -> list[Path]:
    """Every ``*.json`` below ``output_dir``, sorted, except hidden files/folders and ``dataset/``."""
    found: list[Path] = []
    for root, dirs, names in os.walk(output_dir, followlinks=False):
        rel_root = Path(root).relative_to(output_dir)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (rel_root == Path(".") and d == DATASET_DIR))
        for name in sorted(names):
            if name.endswith(".json") and not name.startswith("."):
                found.append(Path(root) / name)
    return sorted(found, key=lambda p: p.relative_to(output_dir).as_posix())


def load_reports(output_dir: Path) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
    """[(document_id, report)] and the files skipped (JSON that is not a govreport report), each with its reason.

    An unreadable report or one that does not validate against schemas/report.schema.json is a DatasetError.
    """
    from pipeline.validate import is_valid, validate_report

    reports: list[tuple[str, dict[str, Any]]] = []
    skipped: list[str] = []
    for path in find_reports(output_dir):
        rel = path.relative_to(output_dir).as_posix()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise DatasetError(f"{path}: cannot read report JSON: {e}") from e
        if not (isinstance(data, dict) and {"schema_version", "document", "indicators"} <= data.keys()):
            skipped.append(f"{path}: not a govreport report; skipped")
            continue
        if not is_valid(data):
            problems = validate_report(data) or ["invalid"]
            raise DatasetError(f"{path}: report does not validate: {problems[0]} (re-extract it: govreport run --force)")
        reports.append((rel[: -len(".json")], data))
    return reports, skipped


def _parts(sections: Iterable[dict[str, Any]], out: dict[str, str]) -> dict[str, str]:
    for s in sections:
        out[s["path"]] = s["part"]
        _parts(s.get("children", []), out)
    return out


def _part(parts: dict[str, str], section: str | None) -> str | None:
    while section:
        if section in parts:
            return parts[section]
        section = section.rpartition("/")[0]
    return None


# --------------------------------------------------------------------------------------------------
# rows


def collect_rows(reports: list[tuple[str, dict[str, Any]]]) -> tuple[dict[str, list[dict[str, Any]]], list[str]]:
    """The rows of every table (values as Python objects, decimals as Decimal) and warnings."""
    warnings: list[str] = []
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    try:
        from pipeline.compare import is_multi_year
    except ImportError:  # pragma: no cover - compare not there yet
        is_multi_year = None  # type: ignore[assignment]

    for doc_id, rep in reports:
        d = rep["document"]
        src, jur = d["source"], d.get("jurisdiction") or {}
        jcols = {"jurisdiction": jur.get("name"), "jurisdiction_parent": jur.get("parent"),
                 "jurisdiction_level": jur.get("level"), "report_type": d.get("report_type"),
                 "review_year": d.get("review_year"), "plan_year": d.get("plan_year")}
        copy_of = None  # set below, from pipeline.compare
        rows["documents"].append({
            "document_id": doc_id, "output_file": doc_id + ".json", "source_path": src.get("path"),
            "source_sha256": src.get("sha256"), "source_format": src.get("format"), "pages": src.get("pages"),
            "title": d.get("title"), **jcols, "delivered": d.get("delivered"), "copy_of": copy_of,
            "n_indicators": len(rep["indicators"]), "n_projects": len(rep["projects"]),
            "schema_version": rep.get("schema_version"), "pipeline_version": rep.get("pipeline", {}).get("version"),
            "extractors": ",".join(rep.get("pipeline", {}).get("extractors", [])),
            "warnings": " | ".join(d.get("warnings") or []) or None,
        })
        parts = _parts(rep.get("sections", []), {})
        fsrc = {"source_path": src.get("path"), "source_sha256": src.get("sha256")}
        for n, r in enumerate(rep["indicators"]):
            v, s = r.get("value") or {}, r["source"]
            where = f"{doc_id}.json: indicators[{n}].value"
            multi = None
            if is_multi_year is not None:
                try:
                    multi = bool(is_multi_year(rep, r))
                except Exception:  # noqa: BLE001 - their rule is optional information
                    multi = None
            rows["indicators"].append({
                "document_id": doc_id, "record_no": n, **jcols, "copy_of": copy_of,
                "part": _part(parts, s.get("section")), "name": r["name"], "indicator_id": r.get("indicator_id"),
                "parent": r.get("parent"), "year": r.get("year"), "kind": r["kind"], "status": r["status"],
                "low": exact_decimal(v.get("low"), where + ".low"), "high": exact_decimal(v.get("high"), where + ".high"),
                "unit": v.get("unit"), "qualifier": v.get("qualifier"), "raw": v.get("raw"),
                "wording": r.get("wording"), "text": r.get("text"), "multi_year": multi, "extractor": r.get("extractor"),
                **fsrc, "source_section": s.get("section"), "source_table": s.get("table"), "source_row": s.get("row"),
                "source_column": s.get("column"), "char_start": s.get("char_start"), "char_end": s.get("char_end"),
                "page": s.get("page"),
            })
        for n, p in enumerate(rep["projects"]):
            inv, s = p.get("investment") or {}, p["source"]
            rows["projects"].append({
                "document_id": doc_id, "project_no": n, **jcols, "copy_of": copy_of,
                "part": _part(parts, s.get("section")), "name": p["name"],
                "investment": exact_decimal(inv.get("value"), f"{doc_id}.json: projects[{n}].investment.value"),
                "investment_unit": inv.get("unit"), "investment_raw": inv.get("raw"), "capacity": p.get("capacity"),
                "n_milestones": len(p.get("milestones", [])), "text": p.get("text"), "extractor": p.get("extractor"),
                **fsrc, "source_section": s.get("section"), "source_table": s.get("table"),
                "char_start": s.get("char_start"), "char_end": s.get("char_end"), "page": s.get("page"),
            })
            for m, ms in enumerate(p.get("milestones", [])):
                rows["project_milestones"].append({"document_id": doc_id, "project_no": n, "milestone_no": m,
                                                   "year": ms.get("year"), "text": ms.get("text")})
    # comparisons last: a value that does not fit is reported with its report file first
    copies, comp, rev, convention, warn = _comparisons(reports)
    warnings += warn
    rows["comparisons"], rows["target_revisions"] = comp, rev
    for name in ("documents", "indicators", "projects"):
        for row in rows[name]:
            row["copy_of"] = copies.get(row["document_id"])
    rows["indicator_definitions"] = _definitions()
    rows["build_info"] = _build_info(reports, rows, convention, warnings)
    return rows, warnings


def _comparisons(reports: list[tuple[str, dict[str, Any]]]) -> tuple[dict[str, str], list[dict[str, Any]],
                                                                       list[dict[str, Any]], dict[str, Any], list[str]]:
    """(copy_of per document_id, comparison rows, revision rows, convention, warnings) from pipeline.compare."""
    try:
        from pipeline.compare import compare_reports
    except ImportError:
        return {}, [], [], {}, ["pipeline.compare is not available: comparisons and target_revisions are empty"]
    try:
        result = compare_reports([r for _, r in reports])
    except Exception as e:  # noqa: BLE001 - the dataset is still useful without comparisons
        return {}, [], [], {}, [f"pipeline.compare failed ({type(e).__name__}: {e}): "
                                "comparisons and target_revisions are empty"]
    by_src: dict[tuple[Any, Any], str] = {}
    by_path: dict[Any, str] = {}
    for doc_id, r in reports:
        s = r["document"]["source"]
        by_src.setdefault((s.get("path"), s.get("sha256")), doc_id)
        by_path.setdefault(s.get("path"), doc_id)

    def doc_of(src: dict[str, Any] | None) -> str | None:
        if not src:
            return None
        return by_src.get((src.get("path"), src.get("sha256"))) or by_path.get(src.get("path"))

    copies = {}
    for rr in result.get("reports", []):
        if rr.get("copy_of"):
            me, orig = doc_of(rr), by_path.get(rr["copy_of"])
            if me:
                copies[me] = orig or rr["copy_of"]

    def side(prefix: str, sd: dict[str, Any] | None, where: str, full: bool = True) -> dict[str, Any]:
        sd = sd or {}
        src = sd.get("source") or {}
        out = {f"{prefix}_status": sd.get("status"),
               f"{prefix}_low": exact_decimal(sd.get("low"), f"{where}.low"),
               f"{prefix}_high": exact_decimal(sd.get("high"), f"{where}.high"),
               f"{prefix}_qualifier": sd.get("qualifier"), f"{prefix}_raw": sd.get("raw"),
               f"{prefix}_document_id": doc_of(src), f"{prefix}_char_start": src.get("char_start")}
        if full:
            out.update({f"{prefix}_unit": sd.get("unit"), f"{prefix}_alternatives": sd.get("alternatives"),
                        f"{prefix}_source_path": src.get("path"), f"{prefix}_source_sha256": src.get("sha256"),
                        f"{prefix}_char_end": src.get("char_end"), f"{prefix}_text": src.get("text")})
        return out

    comp = []
    for n, row in enumerate(result.get("rows", [])):
        where = f"comparison rows[{n}]"
        comp.append({"comparison_no": n, "jurisdiction": row.get("jurisdiction"), "jurisdiction_level": row.get("level"),
                     "indicator_id": row.get("indicator_id"), "name": row.get("name"), "year": row.get("year"),
                     "unit": row.get("unit"), "outcome": row.get("outcome"),
                     "gap": exact_decimal(row.get("gap"), where + ".gap"), "reason": row.get("reason"),
                     **side("target", row.get("target"), where + ".target"),
                     **side("actual", row.get("actual"), where + ".actual")})
    rev = []
    for n, row in enumerate(result.get("revisions", [])):
        where = f"comparison revisions[{n}]"
        rev.append({"revision_no": n, "jurisdiction": row.get("jurisdiction"), "jurisdiction_level": row.get("level"),
                    "indicator_id": row.get("indicator_id"), "name": row.get("name"), "year_from": row.get("year_from"),
                    "year_to": row.get("year_to"), "revision": row.get("revision"), "direction": row.get("direction"),
                    "change": exact_decimal(row.get("change"), where + ".change"), "unit": row.get("unit"),
                    **side("from", row.get("from"), where + ".from", full=False),
                    **side("to", row.get("to"), where + ".to", full=False)})
    return copies, comp, rev, result.get("convention") or {}, []


def _definitions() -> list[dict[str, Any]]:
    from pipeline.lexicon import load_lexicon

    out = []
    for iid, d in sorted(load_lexicon("indicators").items()):
        if isinstance(d, dict):
            out.append({"indicator_id": iid, "label": d.get("label"), "unit": d.get("unit"),
                        "aliases": " | ".join(d.get("aliases") or [])})
    return out


def _build_info(reports: list[tuple[str, dict[str, Any]]], rows: dict[str, list[dict[str, Any]]],
                conv: dict[str, Any], warnings: list[str]) -> list[dict[str, Any]]:
    info = {
        "govreport_version": __version__,
        "decimal_type": DECIMAL_SQL,
        "reports": str(len(reports)),
        "comparison_convention": conv.get("name"),
        "comparison_about_tolerance": conv.get("about_tolerance"),
        "comparison_about_relative": conv.get("about_relative"),
        "indicator_cells_rule": "report about the year; numeric; table before prose; earlier document_id; "
                                "earlier place in the text (copies and multi-year clauses left out)",
        "warnings": " | ".join(warnings) or None,
    }
    for name in TABLES:
        if name != "build_info":
            info[f"rows.{name}"] = str(len(rows[name]))
    return [{"key": k, "value": v} for k, v in info.items()]


# --------------------------------------------------------------------------------------------------
# writers


def _arrow(table: Table, rows: list[dict[str, Any]]) -> Any:
    import pyarrow as pa

    types = {S: pa.string(), I: pa.int64(), D: pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE), B: pa.bool_()}
    fields = [pa.field(c.name, types[c.type], metadata={"description": c.describe(), **({"unit": c.unit} if c.unit else {})})
              for c in table.columns]
    schema = pa.schema(fields, metadata={"description": table.description})
    arrays = [pa.array([r.get(c.name) for r in rows], type=types[c.type]) for c in table.columns]
    return pa.Table.from_arrays(arrays, schema=schema)


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def write_duckdb(path: Path, arrow_tables: dict[str, Any]) -> None:
    """Create the database at ``path`` (which must not exist): tables with comments and keys, then views."""
    import duckdb

    sql_types = {S: "VARCHAR", I: "BIGINT", D: DECIMAL_SQL, B: "BOOLEAN"}
    con = duckdb.connect(str(path))
    try:
        for name, table in TABLES.items():
            cols = [f'"{c.name}" {sql_types[c.type]}' for c in table.columns]
            if table.primary_key:
                cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.primary_key) + ")")
            con.execute(f'CREATE TABLE "{name}" (' + ", ".join(cols) + ")")
            con.register("_src", arrow_tables[name])
            con.execute(f'INSERT INTO "{name}" SELECT * FROM _src')
            con.unregister("_src")
            con.execute(f'COMMENT ON TABLE "{name}" IS {_sql_str(table.description)}')
            for c in table.columns:
                con.execute(f'COMMENT ON COLUMN "{name}"."{c.name}" IS {_sql_str(c.describe())}')
        for name, (description, sql) in VIEWS.items():
            con.execute(f'CREATE VIEW "{name}" AS {sql}')
            con.execute(f'COMMENT ON VIEW "{name}" IS {_sql_str(description)}')
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _csv_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return canonical(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


def write_csv(path: Path, table: Table, rows: list[dict[str, Any]]) -> None:
    """UTF-8 with BOM, header row, RFC 4180 quoting, NULL as an empty field, decimals exact."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(table.names)
        for r in rows:
            w.writerow([_csv_value(r.get(n)) for n in table.names])


def stata_columns(table: Table) -> list[tuple[str, Column, str]]:
    """(Stata variable, column, label): decimals become ``x`` (double) and ``x_str`` (exact text)."""
    out = []
    for c in table.columns:
        if c.type == D:
            out.append((c.name, c, _label(c.label, " [double, approx.]")))
            out.append((c.name + "_str", c, _label(c.label, " [exact, text]")))
        elif c.type == B:
            out.append((c.name, c, _label(c.label, " [1=true 0=false]")))
        else:
            out.append((c.name, c, _label(c.label)))
    return out


def _label(s: str, suffix: str = "") -> str:
    """A Stata label (at most 80 characters): ``s`` cut with … so that ``suffix`` is kept."""
    room = 80 - len(suffix)
    return (s if len(s) <= room else s[: room - 1] + "…") + suffix


def write_stata(path: Path, table: Table, rows: list[dict[str, Any]]) -> None:
    """Stata 14+ .dta (format 118, UTF-8) with variable labels; text columns with a value over 244 bytes are strL."""
    import pandas as pd

    data: dict[str, Any] = {}
    labels: dict[str, str] = {}
    strl: list[str] = []
    for var, c, label in stata_columns(table):
        vals = [r.get(c.name) for r in rows]
        if c.type == D and not var.endswith("_str"):
            data[var] = pd.array([float(v) if v is not None else None for v in vals], dtype="Float64").astype("float64")
        elif c.type == D:
            data[var] = pd.Series([canonical(v) or "" for v in vals], dtype=object)
        elif c.type == I:
            data[var] = pd.array(vals, dtype="Int64")
        elif c.type == B:
            data[var] = pd.array([None if v is None else int(v) for v in vals], dtype="Int8")
        else:
            svals = ["" if v is None else str(v) for v in vals]
            data[var] = pd.Series(svals, dtype=object)
            if any(len(s.encode("utf-8")) > 244 for s in svals):
                strl.append(var)
        labels[var] = label
    df = pd.DataFrame(data)
    # Integer columns with missing values are written as double (Stata's `.`); without, as integers.
    for var in df.columns:
        if str(df[var].dtype) in ("Int64", "Int8"):
            df[var] = df[var].astype("float64") if df[var].isna().any() else df[var].astype("int64" if str(df[var].dtype) == "Int64" else "int8")
    df.to_stata(path, write_index=False, version=118, variable_labels=labels, convert_strl=strl,
                data_label=_label(f"govreport {table.name}: {table.description}"))


def write_datapackage(path: Path, arrow_tables: dict[str, Any], reports: list[tuple[str, dict[str, Any]]],
                      files: dict[str, dict[str, str]]) -> None:
    """A Frictionless Data Package (v1): one resource per table (the CSV), with schema, keys and sources."""
    ftype = {S: "string", I: "integer", D: "number", B: "boolean"}
    resources = []
    for name, table in TABLES.items():
        fields = []
        for c in table.columns:
            f: dict[str, Any] = {"name": c.name, "type": ftype[c.type], "title": c.label, "description": c.describe()}
            if c.type == D:
                f["decimalChar"] = "."
                f["bareNumber"] = True
                f["govreport:exact"] = f"{DECIMAL_SQL} in DuckDB and Parquet; exact text in the CSV and in {c.name}_str of the .dta"
            if c.unit:
                f["govreport:unit"] = f"given per row in column `{c.unit}`"
            if c.type == B:
                f["trueValues"], f["falseValues"] = ["true"], ["false"]
            fields.append(f)
        schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
        if table.primary_key:
            schema["primaryKey"] = list(table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [{"fields": list(a), "reference": {"resource": res, "fields": list(b)}}
                                     for a, res, b in table.foreign_keys]
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8-sig", "description": table.description,
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True},
            "schema": schema, "govreport:rows": arrow_tables[name].num_rows,
            "govreport:files": files.get(name, {}),
        })
    package = {
        "profile": "tabular-data-package",
        "name": "govreport-dataset",
        "title": "govreport: targets, actuals and projects from Chinese government reports",
        "description": "Tidy tables built by `govreport build` from the extracted report JSON files. Every value "
                       "is an exact decimal in base units (see each table's `unit` column) and points to its "
                       "sentence or table row and to its place in the source file (path, sha256, offsets, page). "
                       "The same tables are in ../govreport.duckdb (with views), as Parquet and as Stata .dta.",
        "version": __version__,
        # no wall-clock time: two builds of the same outputs are byte-identical (SOURCE_DATE_EPOCH sets one)
        **({"created": datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc).isoformat()
            .replace("+00:00", "Z")} if os.environ.get("SOURCE_DATE_EPOCH") else {}),
        "contributors": [{"title": "govreport", "role": "author"}],
        "sources": [{"title": r["document"].get("title") or doc_id, "path": r["document"]["source"].get("path"),
                     "govreport:document_id": doc_id, "govreport:sha256": r["document"]["source"].get("sha256")}
                    for doc_id, r in reports],
        "resources": resources,
        "govreport:views": {name: {"description": d, "sql": sql.strip()} for name, (d, sql) in VIEWS.items()},
        "govreport:units": "Values are in base units: percent (5% -> 5), percentage_point, CNY (亿元 x 1e8), USD, "
                           "person, household, ton, tce, km, m2, km2, mu, hectare, kw, kwh, item, ... "
                           "(pipeline/lexicon/units.yaml); changes are signed (下降3.8% -> -3.8).",
    }
    path.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------------------------------
# the build


@dataclass
class BuildStats:
    """What :func:`build` wrote: the database, the dataset folder, row counts, sizes and timings."""

    db_path: Path
    dataset_dir: Path
    rows: dict[str, int] = field(default_factory=dict)
    reports: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    bytes: dict[str, int] = field(default_factory=dict)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(output_dir: Path) -> None:
    """Remove temporary build folders left by a killed build (their process is gone)."""
    for p in output_dir.glob(_TMP_PREFIX + "*"):
        pid = p.name[len(_TMP_PREFIX):].partition("-")[0]
        if p.is_dir() and pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(p, ignore_errors=True)


def build(output_dir: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None) -> BuildStats:
    """Build the database and ``dataset/`` from the reports in ``output_dir``; see the module docstring.

    >>> import tempfile; d = tempfile.mkdtemp()
    >>> stats = build(d)                        # no reports: empty tables, still queryable
    >>> stats.rows["indicators"], stats.db_path.name
    (0, 'govreport.duckdb')
    """
    t0 = time.perf_counter()
    out = Path(output_dir)
    if not out.is_dir():
        raise DatasetError(f"{out}: no such folder (run `govreport run INPUT_DIR --out {out}` first)")
    db = Path(db_path) if db_path is not None else default_db_path(out)
    if db.is_dir():
        db = db / DB_NAME
    db.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    reports, skipped = load_reports(out)
    rows, warnings = collect_rows(reports)

    tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{os.getpid()}-", dir=out))
    tmp_db = db.parent / f".{db.name}.{os.getpid()}.{tmp.name[-8:]}.tmp"
    try:
        arrow_tables = {name: _arrow(t, rows[name]) for name, t in TABLES.items()}
        ds = tmp / DATASET_DIR
        ds.mkdir()
        import pyarrow.parquet as pq

        files: dict[str, dict[str, str]] = {}
        for name, table in TABLES.items():
            pq.write_table(arrow_tables[name], ds / f"{name}.parquet", compression="zstd")
            write_csv(ds / f"{name}.csv", table, rows[name])
            write_stata(ds / f"{name}.dta", table, rows[name])
            files[name] = {"csv": f"{name}.csv", "parquet": f"{name}.parquet", "dta": f"{name}.dta"}
        write_datapackage(ds / "datapackage.json", arrow_tables, reports, files)
        write_duckdb(tmp_db, arrow_tables)
        # everything is built: swap it in (the old dataset folder is moved aside first, then removed)
        target = out / DATASET_DIR
        if target.exists():
            os.replace(target, tmp / "old")
        os.replace(ds, target)
        os.replace(tmp_db, db)
    except BaseException:
        for p in (tmp_db, tmp_db.with_name(tmp_db.name + ".wal")):
            p.unlink(missing_ok=True)
        if (tmp / "old").exists() and not (out / DATASET_DIR).exists():
            os.replace(tmp / "old", out / DATASET_DIR)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    stats = BuildStats(db_path=db, dataset_dir=out / DATASET_DIR, reports=len(reports), skipped=skipped,
                       warnings=warnings, rows={k: len(v) for k, v in rows.items()})
    stats.bytes = {"duckdb": db.stat().st_size}
    for f in sorted(stats.dataset_dir.iterdir()):
        kind = f.suffix.lstrip(".") if f.name != "datapackage.json" else "datapackage"
        stats.bytes[kind] = stats.bytes.get(kind, 0) + f.stat().st_size
    stats.seconds = time.perf_counter() - t0
    return stats


def build_dataset(output_dir: str | os.PathLike[str], db_path: str | os.PathLike[str] | None = None) -> Path:
    """Build the dataset from the reports in ``output_dir`` and return the database path.

    ``db_path`` defaults to ``output_dir/govreport.duckdb``; Parquet, CSV, Stata and datapackage.json go
    to ``output_dir/dataset/``. Called by ``govreport run`` at the end of a batch. Warnings (e.g. no
    comparisons) and skipped files are printed to stderr, one line each.

    >>> import tempfile; build_dataset(tempfile.mkdtemp()).name
    'govreport.duckdb'
    """
    stats = build(output_dir, db_path)
    for w in stats.skipped + stats.warnings:
        print(f"warning: dataset: {w}", file=sys.stderr)
    return stats.db_path
