"""Both validators (fastjsonschema on the hot path, jsonschema for messages) agree."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from pipeline.errors import SchemaViolation
from pipeline.process import extract_file
from pipeline.validate import check_report, is_valid, validate_report

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report() -> dict:  # type: ignore[type-arg]
    return extract_file(ROOT / "corpora" / "national_gwr_2024.txt")


def _set(path: list, value):  # type: ignore[no-untyped-def]
    def mutate(r):  # type: ignore[no-untyped-def]
        node = r
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return mutate


BAD = [
    ("year-not-int", _set(["indicators", 0, "year"], "2024"), "[$.indicators[0].year]"),
    ("float-value", _set(["indicators", 0, "value", "low"], 5.5), "[$.indicators[0].value.low]"),
    ("exponent-value", _set(["indicators", 0, "value", "low"], "1.2E+3"), "[$.indicators[0].value.low]"),
    ("bad-kind", _set(["indicators", 0, "kind"], "goal"), "[$.indicators[0].kind]"),
    ("bad-sha", _set(["document", "source", "sha256"], "xyz"), "[$.document.source.sha256]"),
    ("extra-field", _set(["document", "surprise"], 1), "[$.document]"),
]


def test_validate_real_report_is_valid(report: dict) -> None:  # type: ignore[type-arg]
    assert is_valid(report)
    assert validate_report(report) == []


@pytest.mark.parametrize("name, mutate, location", BAD, ids=[b[0] for b in BAD])
def test_validate_both_validators_reject(report: dict, name: str, mutate, location: str) -> None:  # type: ignore[no-untyped-def, type-arg]
    bad = copy.deepcopy(report)
    mutate(bad)
    assert not is_valid(bad)
    problems = validate_report(bad)
    assert any(p.startswith(location) for p in problems), problems
    with pytest.raises(SchemaViolation, match="does not validate"):
        check_report(bad, "x.json")
