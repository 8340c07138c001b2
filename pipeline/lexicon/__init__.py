"""Vocabularies as data: ``pipeline/lexicon/<name>.yaml``, validated when loaded.

Each file is checked against ``#/$defs/<name>`` in ``schemas/lexicon.schema.json`` (a file with no
definition of its own there, e.g. a rule file of another stage, against ``#/$defs/generic``: a non-empty
mapping) and then by a few rules a JSON schema cannot say (a surface form in one class only). A bad file
is a bug in the repository: :class:`~pipeline.errors.LexiconError` names the file and the place.

>>> units = load_lexicon("units")
>>> units["units"]["percentage_point"]["个百分点"]
'1'
>>> load_lexicon("units") is units      # loaded once
True
>>> load_lexicon("nope")
Traceback (most recent call last):
...
pipeline.errors.LexiconError: pipeline/lexicon/nope.yaml: no such lexicon file
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pipeline.errors import LexiconError

LEXICON_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = LEXICON_DIR.parent.parent / "schemas" / "lexicon.schema.json"

__all__ = ["LEXICON_DIR", "SCHEMA_PATH", "load_lexicon", "load_lexicon_file"]


def _display(path: Path) -> str:
    """The path relative to the repository when it is inside it (short, stable messages)."""
    try:
        return path.resolve().relative_to(LEXICON_DIR.parent.parent).as_posix()
    except ValueError:
        return str(path)


@functools.cache
def _schema() -> dict[str, Any]:
    try:
        return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise LexiconError(f"{_display(SCHEMA_PATH)}: cannot read schema: {e}") from e


def _where(path: Iterable[Any]) -> str:
    parts = [str(p) for p in path]
    return "/".join(parts) if parts else "(top level)"


def _validate(data: Any, name: str, shown: str) -> None:
    root = _schema()
    defs = root.get("$defs", {})
    key = name if name in defs else "generic"
    if key not in defs:
        raise LexiconError(f"{shown}: no schema for lexicon {name!r} in {_display(SCHEMA_PATH)}")
    schema = {"$schema": root["$schema"], "$defs": defs, "$ref": f"#/$defs/{key}"}
    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(data))
    if errors:
        first = jsonschema.exceptions.best_match(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise LexiconError(f"{shown}: at {_where(first.absolute_path)}: {first.message}{more}")


def _one_class(shown: str, groups: dict[str, Iterable[str]]) -> None:
    seen: dict[str, str] = {}
    for group, words in groups.items():
        for w in words:
            if w in seen and seen[w] != group:
                raise LexiconError(f"{shown}: {w!r} is in both {seen[w]} and {group}")
            seen[w] = group


def _check_units(data: dict[str, Any], shown: str) -> None:
    _one_class(shown, {f"units/{base}": forms for base, forms in data["units"].items()})
    known = {f for forms in data["units"].values() for f in forms}
    for w in data["weak"]:
        if w not in known:
            raise LexiconError(f"{shown}: at weak: {w!r} is not a unit surface form")


def _check_qualifiers(data: dict[str, Any], shown: str) -> None:
    for part in ("prefix", "infix", "suffix"):
        _one_class(shown, {f"{part}/{k}": v for k, v in data[part].items()})
    prefixes = {w for v in data["prefix"].values() for w in v}
    for w in data["weak"]:
        if w not in prefixes:
            raise LexiconError(f"{shown}: at weak: {w!r} is not a prefix qualifier")


def _check_directions(data: dict[str, Any], shown: str) -> None:
    _one_class(shown, {"increase": data["increase"], "decrease": data["decrease"]})


_CHECKS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "units": _check_units,
    "qualifiers": _check_qualifiers,
    "directions": _check_directions,
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that raises on a key written twice in one mapping (PyYAML keeps the last silently)."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} written twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def load_lexicon_file(path: str | Path, name: str) -> dict[str, Any]:
    """Read and validate one YAML file against the schema of lexicon ``name`` (not cached).

    Used by :func:`load_lexicon`; tests call it on broken copies.
    """
    path = Path(path)
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{shown}: no such lexicon file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LexiconError(f"{shown}: cannot read: {e}") from e
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader that refuses repeated keys
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise LexiconError(f"{shown}: {where}invalid YAML: {problem}") from e
    _validate(data, name, shown)
    check = _CHECKS.get(name)
    if check is not None:
        check(data, shown)
    return data


@functools.cache
def load_lexicon(name: str) -> dict[str, Any]:
    """Load ``pipeline/lexicon/<name>.yaml`` once, validated; raise LexiconError when invalid.

    The returned dict is shared between callers: do not modify it.
    """
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise LexiconError(f"{name!r}: not a lexicon name")
    return load_lexicon_file(LEXICON_DIR / f"{name}.yaml", name)
