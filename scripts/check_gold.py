"""Check gold files: schema, and every quote present in the text govreport reads from its source
(whitespace-insensitive; zero-width spaces are removed by the reader).

Usage: python scripts/check_gold.py corpora/gold/*.gold.yaml
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pipeline.ingest import read_document  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas/gold.schema.json").read_text())
_ws = re.compile(r"\s+")


def check(path: Path) -> list[str]:
    problems = []
    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    for err in jsonschema.Draft202012Validator(SCHEMA).iter_errors(gold):
        problems.append(f"{path.name}: schema: {'/'.join(map(str, err.path))}: {err.message}")
    if problems:
        return problems
    for src in gold["sources"]:
        text = _ws.sub("", read_document(ROOT / "corpora" / src).text)
        for section in ("items", "decoys", "projects"):
            for i, item in enumerate(gold.get(section, [])):
                q = _ws.sub("", item["quote"])
                if q not in text:
                    problems.append(f"{path.name}: {section}[{i}] quote not in {src}: {item['quote'][:60]}")
    return problems


if __name__ == "__main__":
    all_problems = [p for f in sys.argv[1:] for p in check(Path(f))]
    print("\n".join(all_problems) or f"ok: {len(sys.argv) - 1} file(s)")
    sys.exit(1 if all_problems else 0)
