"""The accuracy harness: a wrong gold value or a fixed known failure makes the eval fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline.evaluate import check, evaluate, score_source, summarize
from pipeline.process import extract_file

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpora" / "gold" / "jiangjin_plan_report_2025.gold.yaml"


@pytest.fixture(scope="module")
def pred_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pred")
    report = extract_file(ROOT / "corpora" / "jiangjin_plan_report_2025.txt")
    (d / "jiangjin_plan_report_2025.txt.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return d


def _gold_dir(tmp_path: Path, mutate=None) -> Path:  # type: ignore[no-untyped-def]
    g = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    g["sources"] = ["jiangjin_plan_report_2025.txt"]
    if mutate:
        mutate(g)
    d = tmp_path / "gold"
    d.mkdir()
    (d / GOLD.name).write_text(yaml.safe_dump(g, allow_unicode=True), encoding="utf-8")
    (d / "thresholds.yaml").write_text("jiangjin_tables.recall: {min: 0.99}\njiangjin_tables.precision: {min: 0.95}\n")
    return d


def _run(gold_dir: Path, pred_dir: Path) -> list[str]:
    results = evaluate(gold_dir, ROOT / "corpora", pred_dir)
    return check(summarize(results), results, gold_dir / "thresholds.yaml", gold_dir / "known_failures.yaml")


def test_eval_passes_on_the_committed_gold(tmp_path: Path, pred_dir: Path) -> None:
    assert _run(_gold_dir(tmp_path), pred_dir) == []


def test_eval_fails_on_a_deliberately_wrong_gold_value(tmp_path: Path, pred_dir: Path) -> None:
    def wrong(g):  # type: ignore[no-untyped-def]
        item = next(i for i in g["items"] if i.get("table") == "表1" and i["indicator_id"] == "gdp_growth" and i["kind"] == "actual")
        item["low"] = item["high"] = "4.2"  # the table says 4.1%

    problems = _run(_gold_dir(tmp_path, wrong), pred_dir)
    assert any(p.startswith("jiangjin_tables.recall") for p in problems)


def test_eval_cli_exit_code_on_wrong_gold(tmp_path: Path, pred_dir: Path) -> None:
    from pipeline.cli import main

    def wrong(g):  # type: ignore[no-untyped-def]
        for item in g["items"]:
            if item.get("table") == "表1" and item["status"] == "numeric":
                item["unit"] = "USD"
                break

    gold = _gold_dir(tmp_path, wrong)
    argv = ["eval", "--gold", str(gold), "--pred", str(pred_dir), "--thresholds", str(gold / "thresholds.yaml")]
    assert main(argv) == 1


def test_eval_known_failure_that_passes_is_reported(tmp_path: Path, pred_dir: Path) -> None:
    gold = _gold_dir(tmp_path)
    g = yaml.safe_load((gold / GOLD.name).read_text(encoding="utf-8"))
    item = next(i for i in g["items"] if i.get("table") == "表1")
    from pipeline.evaluate import item_key

    (gold / "known_failures.yaml").write_text(
        yaml.safe_dump([{"key": item_key(g["document"], item), "reason": "test"}], allow_unicode=True), encoding="utf-8")
    problems = _run(gold, pred_dir)
    assert any("known failure now passes" in p for p in problems)


def _pred(records: list[dict], text: str = "") -> dict:  # type: ignore[type-arg]
    return {"document": {"report_type": "government_work_report", "jurisdiction": {"level": "national"},
                         "source": {"format": "txt"}}, "indicators": records, "projects": [], "text": text}


def _rec(ind: str, year: int, kind: str, low: str | None, high: str | None, unit: str = "percent", start: int = 0) -> dict:  # type: ignore[type-arg]
    return {"name": ind, "indicator_id": ind, "year": year, "kind": kind, "status": "numeric",
            "value": {"low": low, "high": high, "unit": unit, "qualifier": "about", "raw": ""}, "text": "",
            "source": {"char_start": start, "char_end": start + 3}}


GOLD_DOC = {"document": "national_gwr_2024", "sources": ["x"], "items": [
    {"indicator": "国内生产总值增长", "indicator_id": "gdp_growth", "year": 2024, "kind": "target", "status": "numeric",
     "low": "5", "high": "5", "unit": "percent", "qualifier": "about", "quote": "国内生产总值增长5%左右"}],
    "decoys": [{"quote": "到2030年增长6%", "reason": "2030 goal", "indicator_id": "gdp_growth", "value": "6", "year": 2024}]}


@pytest.mark.parametrize(
    "records, found, claimed, correct, decoys_hit",
    [
        ([_rec("gdp_growth", 2024, "target", "5", "5")], 1, 1, 1, 0),
        ([_rec("gdp_growth", 2024, "target", "5.0", "5.00")], 1, 1, 1, 0),  # exact decimals, not strings
        ([_rec("gdp_growth", 2024, "actual", "5", "5")], 0, 0, 0, 0),  # wrong kind
        ([_rec("gdp_growth", 2024, "target", "5", "5"), _rec("gdp_growth", 2024, "target", "6", "6", start=3)], 1, 2, 1, 1),
        ([_rec("gdp_growth", 2024, "target", "5", "5", unit="percentage_point")], 0, 1, 0, 0),
    ],
    ids=["match", "decimal-equal", "wrong-kind", "decoy-hit", "wrong-unit"],
)
def test_eval_score_source_table(records: list[dict], found: int, claimed: int, correct: int, decoys_hit: int) -> None:  # type: ignore[type-arg]
    res = score_source(GOLD_DOC, "x", _pred(records, text="abc到2030年增长6%"))
    assert (res.indicators.found, res.indicators.claimed, res.indicators.correct_claims, res.decoys.good) == (found, claimed, correct, decoys_hit)
