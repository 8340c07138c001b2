"""Accuracy against the hand-written gold annotations (corpora/gold/*.gold.yaml).

Matching rules (documented in README "Accuracy"):

* a gold indicator item is **found** when a predicted record has the same indicator (the same
  ``indicator_id``; for gold items with a null id, names that contain one another), year and
  kind, the same status and — for numeric items — the same low, high and unit (exact decimals);
* **precision** is measured over predicted records that claim a gold slot (same non-null
  ``indicator_id``, year and kind as some gold item of that document): the share whose value
  and unit match a gold item of that slot;
* **qualifier accuracy**: among found numeric items, the share with the gold qualifier;
  **unit** and **status accuracy**: among slots the prediction fills, the share that agree;
* a **decoy is hit** when a predicted *target* for the decoy's year carries the decoy's value
  (and indicator, when given) and comes from the decoy's quoted text;
* a gold **project** is found when a predicted project's name contains the gold name (or the
  reverse, brackets ignored) and the investment values agree.

Known failures (corpora/gold/known_failures.yaml) are gold items the extractor is known to
miss, each with a reason; an item listed there that is now found is reported, and the eval
fails until it is removed from the list, so the list only shrinks.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import regex
import yaml

from pipeline.errors import PipelineError
from pipeline.validate import SCHEMAS
from pipeline.version import code_version

_WS = regex.compile(r"\s+")


def _d(x: Any) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def _norm_name(s: str) -> str:
    return regex.sub(r"[\s（）()“”#＃]|^\d+[.．、]", "", s or "")


@dataclass
class Tally:
    found: int = 0
    total: int = 0
    claimed: int = 0
    correct_claims: int = 0

    def recall(self) -> float | None:
        return self.found / self.total if self.total else None

    def precision(self) -> float | None:
        return self.correct_claims / self.claimed if self.claimed else None

    def f1(self) -> float | None:
        p, r = self.precision(), self.recall()
        if not p or not r:
            return None if p is None or r is None else 0.0
        return 2 * p * r / (p + r)

    def add(self, other: "Tally") -> None:
        self.found += other.found
        self.total += other.total
        self.claimed += other.claimed
        self.correct_claims += other.correct_claims

    def as_dict(self) -> dict[str, Any]:
        r = lambda v: None if v is None else round(v, 4)  # noqa: E731
        return {"precision": r(self.precision()), "recall": r(self.recall()), "f1": r(self.f1()),
                "found": self.found, "total": self.total, "claimed": self.claimed, "correct_claims": self.correct_claims}


@dataclass
class Ratio:
    good: int = 0
    total: int = 0

    def value(self) -> float | None:
        return round(self.good / self.total, 4) if self.total else None


@dataclass
class SourceResult:
    document: str
    source: str
    report_type: str | None
    level: str | None
    fmt: str
    indicators: Tally = field(default_factory=Tally)
    projects: Tally = field(default_factory=Tally)
    qualifier: Ratio = field(default_factory=Ratio)
    unit: Ratio = field(default_factory=Ratio)
    status: Ratio = field(default_factory=Ratio)
    decoys: Ratio = field(default_factory=Ratio)
    groups: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    missed: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    found_keys: set[str] = field(default_factory=set)


def item_key(document: str, item: dict[str, Any]) -> str:
    """A stable key of a gold item (for the known-failures list)."""
    return f"{document}|{item.get('indicator_id') or item['indicator']}|{item['year']}|{item['kind']}|{_WS.sub('', item['quote'])}"


def _same_indicator(g: dict[str, Any], p: dict[str, Any]) -> bool:
    if g.get("indicator_id"):
        return p.get("indicator_id") == g["indicator_id"]
    a, b = _norm_name(g["indicator"]), _norm_name(p.get("name", ""))
    return bool(a) and bool(b) and (a in b or b in a)


def _value_matches(g: dict[str, Any], p: dict[str, Any]) -> bool:
    if g["status"] != p["status"]:
        return False
    if g["status"] != "numeric":
        return True
    v = p.get("value") or {}
    return (_d(g.get("low")) == _d(v.get("low")) and _d(g.get("high")) == _d(v.get("high"))
            and g.get("unit") == v.get("unit"))


GROUPS_FILE = Path(__file__).resolve().parent.parent / "corpora" / "gold" / "groups.yaml"


@cache
def _groups(path: Path = GROUPS_FILE) -> dict[str, dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def groups_of(document: str, item: dict[str, Any]) -> list[str]:
    """Named groups a gold item counts in, as declared in corpora/gold/groups.yaml.

    >>> groups_of("national_gwr_2024", {"indicator_id": "gdp_growth", "status": "numeric", "kind": "target", "year": 2024})
    ['national_gdp_growth_target']
    """
    out = []
    for name, sel in _groups().items():
        ok = True
        for field, want in sel.items():
            if field == "document":
                ok = bool(regex.search(want, document))
            elif field == "table":
                ok = bool(regex.search(want, str(item.get("table") or "")))
            else:
                ok = item.get(field) == want
            if not ok:
                break
        if ok:
            out.append(name)
    return out


def score_source(gold: dict[str, Any], source: str, pred: dict[str, Any]) -> SourceResult:
    doc = pred["document"]
    res = SourceResult(gold["document"], source, doc.get("report_type"), (doc.get("jurisdiction") or {}).get("level"),
                       doc["source"]["format"])
    preds = pred["indicators"]
    items = gold.get("items", [])
    for g in items:
        slot = [p for p in preds if p.get("year") == g["year"] and p.get("kind") == g["kind"] and _same_indicator(g, p)]
        hit = [p for p in slot if _value_matches(g, p)]
        res.indicators.total += 1
        for grp in groups_of(gold["document"], g):
            res.groups[grp].total += 1
        if slot:
            res.unit.total += 1
            res.status.total += 1
            res.status.good += any(p["status"] == g["status"] for p in slot)
            res.unit.good += any((p.get("value") or {}).get("unit") == g.get("unit") for p in slot)
        if hit:
            res.indicators.found += 1
            res.found_keys.add(item_key(gold["document"], g))
            for grp in groups_of(gold["document"], g):
                res.groups[grp].found += 1
            if g["status"] == "numeric":
                res.qualifier.total += 1
                res.qualifier.good += any((p.get("value") or {}).get("qualifier") == g.get("qualifier") for p in hit)
        else:
            res.missed.append({"key": item_key(gold["document"], g), "indicator": g["indicator"], "year": g["year"],
                               "kind": g["kind"], "low": g.get("low"), "high": g.get("high"), "unit": g.get("unit"),
                               "got": [((p.get("value") or {}).get("low"), (p.get("value") or {}).get("high"),
                                        (p.get("value") or {}).get("unit"), p["status"]) for p in slot][:3]})
    # precision over claimed slots
    slots = defaultdict(list)
    for g in items:
        if g.get("indicator_id"):
            slots[(g["indicator_id"], g["year"], g["kind"])].append(g)
    for p in preds:
        key = (p.get("indicator_id"), p.get("year"), p.get("kind"))
        if key in slots:
            ok = any(_value_matches(g, p) for g in slots[key])
            if not ok:
                v = p.get("value") or {}
                res.wrong.append({"slot": "|".join(map(str, key)), "got": (v.get("low"), v.get("high"), v.get("unit"), p["status"]),
                                  "want": [(g.get("low"), g.get("high"), g.get("unit"), g["status"]) for g in slots[key]],
                                  "text": p["text"][:120]})
            res.indicators.claimed += 1
            res.indicators.correct_claims += ok
            for g in slots[key][:1]:
                for grp in groups_of(gold["document"], g):
                    res.groups[grp].claimed += 1
                    res.groups[grp].correct_claims += ok
    # decoys
    text = pred.get("text", "")
    for d in gold.get("decoys", []):
        res.decoys.total += 1
        span = _locate(text, d["quote"])
        for p in preds:
            if p.get("kind") != "target" or (d.get("year") and p.get("year") != d["year"]):
                continue
            if d.get("indicator_id") and p.get("indicator_id") != d["indicator_id"]:
                continue
            v = p.get("value") or {}
            if d.get("value") is not None and _d(d["value"]) not in (_d(v.get("low")), _d(v.get("high"))):
                continue
            s = p["source"]
            if span and s["char_start"] < span[1] and s["char_end"] > span[0]:
                res.decoys.good += 1
                break
    # projects
    pp = pred.get("projects", [])
    for g in gold.get("projects", []):
        res.projects.total += 1
        if g.get("investment"):
            res.groups["projects_with_investment"].total += 1
        gname = _norm_name(g["name"])
        for p in pp:
            pname = _norm_name(p["name"])
            if not (gname in pname or pname in gname) or len(pname) < 4:
                continue
            gi, pi = g.get("investment"), p.get("investment")
            if (gi is None) == (pi is None) and (gi is None or _d(gi["value"]) == _d(pi["value"])):
                res.projects.found += 1
                if gi:
                    res.groups["projects_with_investment"].found += 1
                break
    if gold.get("projects"):
        names = [_norm_name(g["name"]) for g in gold["projects"]]
        for p in pp:
            pname = _norm_name(p["name"])
            res.projects.claimed += 1
            res.projects.correct_claims += any(n in pname or pname in n for n in names)
    return res


def _locate(text: str, quote: str) -> tuple[int, int] | None:
    q = _WS.sub("", quote)
    if not q:
        return None
    pattern = r"\s*".join(regex.escape(ch) for ch in q)
    m = regex.search(pattern, text)
    return (m.start(), m.end()) if m else None


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    schema = json.loads((SCHEMAS / "gold.schema.json").read_text(encoding="utf-8"))
    v = jsonschema.Draft202012Validator(schema)
    out = []
    for f in sorted(gold_dir.glob("*.gold.yaml")):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        errors = [e.message for e in v.iter_errors(data)]
        if errors:
            raise PipelineError(f"{f}: invalid gold file: {errors[0]}")
        out.append(data)
    return out


def evaluate(gold_dir: Path, corpora: Path, pred_dir: Path | None = None) -> list[SourceResult]:
    from pipeline.process import extract_file

    results = []
    for gold in load_gold(gold_dir):
        for src in gold["sources"]:
            if pred_dir is not None:
                f = pred_dir / f"{src}.json"
                if not f.exists():
                    raise PipelineError(f"{f}: no prediction for gold source {src}")
                pred = json.loads(f.read_text(encoding="utf-8"))
                made_by = (pred.get("pipeline") or {}).get("code_version")
                if made_by != code_version():
                    print(f"warning: {f}: made by code {made_by}, not the current {code_version()}: "
                          "scores describe that code (rerun govreport run)", file=sys.stderr)
            else:
                pred = extract_file(corpora / src)
            results.append(score_source(gold, src, pred))
    return results


def summarize(results: list[SourceResult]) -> dict[str, Any]:
    total = Tally()
    projects = Tally()
    qual, unit, status, decoys = Ratio(), Ratio(), Ratio(), Ratio()
    groups: dict[str, Tally] = defaultdict(Tally)
    by: dict[str, dict[str, Tally]] = {k: defaultdict(Tally) for k in ("document", "report_type", "level", "format")}
    for r in results:
        total.add(r.indicators)
        projects.add(r.projects)
        for agg, part in ((qual, r.qualifier), (unit, r.unit), (status, r.status), (decoys, r.decoys)):
            agg.good += part.good
            agg.total += part.total
        for k, t in r.groups.items():
            groups[k].add(t)
        by["document"][r.source].add(r.indicators)
        by["report_type"][str(r.report_type)].add(r.indicators)
        by["level"][str(r.level)].add(r.indicators)
        by["format"][r.fmt].add(r.indicators)
    # groups of documents annotated in several formats are also scored per format (jiangjin_tables.pdf …)
    formats_of = defaultdict(set)
    for r in results:
        formats_of[r.document].add(r.fmt)
    per_format: dict[str, Tally] = defaultdict(Tally)
    for r in results:
        if len(formats_of[r.document]) > 1:
            for k, t in r.groups.items():
                per_format[f"{k}.{r.fmt}"].add(t)
    metrics: dict[str, float | None] = {
        "indicators.precision": total.as_dict()["precision"],
        "indicators.recall": total.as_dict()["recall"],
        "indicators.f1": total.as_dict()["f1"],
        "qualifier.accuracy": qual.value(),
        "unit.accuracy": unit.value(),
        "status.accuracy": status.value(),
        "projects.recall": projects.as_dict()["recall"],
        "projects.precision": projects.as_dict()["precision"],
        "decoys.hit_rate": decoys.value(),
    }
    for k, t in sorted(groups.items()):
        metrics[f"{k}.recall"] = t.as_dict()["recall"]
        metrics[f"{k}.precision"] = t.as_dict()["precision"]
    for k, t in sorted(per_format.items()):
        metrics[f"{k}.recall"] = t.as_dict()["recall"]
        metrics[f"{k}.precision"] = t.as_dict()["precision"]
    return {
        "metrics": metrics,
        "indicators": total.as_dict(),
        "projects": projects.as_dict(),
        "decoys": {"hit": decoys.good, "total": decoys.total},
        "by": {k: {name: t.as_dict() for name, t in sorted(v.items())} for k, v in by.items()},
    }


def check(summary: dict[str, Any], results: list[SourceResult], thresholds_file: Path,
          known_failures_file: Path) -> list[str]:
    """Problems that fail the eval: metrics under threshold, known failures that now pass."""
    problems = []
    th = yaml.safe_load(thresholds_file.read_text(encoding="utf-8")) if thresholds_file.exists() else {}
    for name, spec in (th or {}).items():
        got = summary["metrics"].get(name)
        if "min" in spec and (got is None or got < spec["min"]):
            problems.append(f"{name} = {got} is below its threshold {spec['min']}")
        if "max" in spec and (got is not None and got > spec["max"]):
            problems.append(f"{name} = {got} is above its threshold {spec['max']}")
    known = yaml.safe_load(known_failures_file.read_text(encoding="utf-8")) if known_failures_file.exists() else []
    found = set().union(*(r.found_keys for r in results)) if results else set()
    for k in known or []:
        if k["key"] in found:
            problems.append(f"known failure now passes, remove it from {known_failures_file.name}: {k['key']}")
    return problems


def render_table(summary: dict[str, Any]) -> str:
    lines = ["metric                                   value", "-" * 48]
    for k, v in summary["metrics"].items():
        lines.append(f"{k:<40} {'-' if v is None else f'{v:.3f}'}")
    lines.append("")
    for dim in ("format", "level", "report_type"):
        lines.append(f"by {dim:<12} precision  recall   f1     found/total")
        for name, t in summary["by"][dim].items():
            f = lambda v: "  -  " if v is None else f"{v:.3f}"  # noqa: E731
            lines.append(f"  {name:<14} {f(t['precision'])}    {f(t['recall'])}   {f(t['f1'])}  {t['found']}/{t['total']}")
    return "\n".join(lines)


def run_eval(gold_dir: Path, pred_dir: Path | None, as_json: bool, thresholds: Path, corpora: Path) -> int:
    results = evaluate(gold_dir, corpora, pred_dir)
    summary = summarize(results)
    problems = check(summary, results, thresholds, gold_dir / "known_failures.yaml")
    summary["problems"] = problems
    if as_json:
        summary["missed"] = {r.source: r.missed for r in results if r.missed}
        summary["wrong"] = {r.source: r.wrong for r in results if r.wrong}
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(render_table(summary))
        for p in problems:
            print(f"FAIL: {p}")
    if problems:
        print(f"eval: {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0
