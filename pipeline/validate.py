"""JSON-schema validation of reports (draft 2020-12), with located messages.

>>> validate_report({"schema_version": "1.0"})[:1]
["[$] 'pipeline' is a required property"]
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from pipeline.errors import SchemaViolation

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


@cache
def validator(name: str = "report") -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_report(report: dict[str, Any], schema: str = "report") -> list[str]:
    """Every problem as '[$.path] message'; an empty list means valid."""
    out = []
    for err in sorted(validator(schema).iter_errors(report), key=lambda e: list(map(str, e.absolute_path))):
        loc = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        out.append(f"[{loc}] {err.message}")
    return out


def check_report(report: dict[str, Any], path: str, schema: str = "report") -> None:
    problems = validate_report(report, schema)
    if problems:
        raise SchemaViolation(path, problems)
