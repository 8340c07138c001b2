"""JSON-schema validation of reports (draft 2020-12), with located messages.

Every report is validated before it is written. The hot path uses a schema compiled to Python by
fastjsonschema (about 20x faster than jsonschema on a 70-page report); only when that finds a
problem does jsonschema run to list every problem with its location. ``tests/test_validate.py``
checks that both agree.

>>> validate_report({"schema_version": "1.0"})[:1]
["[$] 'pipeline' is a required property"]
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, Callable

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


@cache
def fast_validator(name: str = "report") -> Callable[[Any], Any]:
    import fastjsonschema

    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return fastjsonschema.compile(inline_refs(schema))  # type: ignore[no-any-return]


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace each ``{"$ref": "#/$defs/X"}`` by a copy of X, except where X refers to itself (a tree).

    fastjsonschema calls a function per ``$ref`` and formats its location string on every call, which
    costs more than checking the value; inlining keeps the same rules and halves the time.

    >>> s = {"$defs": {"d": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/d", "description": "x"}}}
    >>> inline_refs(s)["properties"]["a"]
    {'type': 'string', 'description': 'x'}
    """
    defs = schema.get("$defs", {})

    def recursive(name: str) -> bool:
        return f'"#/$defs/{name}"' in json.dumps(defs[name])

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/") and ref[8:] in defs and not recursive(ref[8:]):
                merged = walk(json.loads(json.dumps(defs[ref[8:]])))
                merged.update({k: walk(v) for k, v in node.items() if k != "$ref"})
                return merged
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def is_valid(report: dict[str, Any], schema: str = "report") -> bool:
    import fastjsonschema

    try:
        fast_validator(schema)(report)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def check_report(report: dict[str, Any], path: str, schema: str = "report") -> None:
    """Raise SchemaViolation listing every problem when the report is invalid."""
    if is_valid(report, schema):
        return
    problems = validate_report(report, schema) or ["fastjsonschema and jsonschema disagree: report rejected"]
    raise SchemaViolation(path, problems)
