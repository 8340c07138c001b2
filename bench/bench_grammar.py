"""Does the quantity grammar run in linear time on adversarial lines? (No catastrophic backtracking.)

For each adversarial pattern, a line of 100 KB and one of 1 MB (UTF-8 bytes) is built by repeating it,
``find_quantities`` runs over each, and the times and their ratio are printed. Linear time gives a ratio
near 10; a quadratic grammar would give about 100. Exits 1 when a ratio is above ``--max-ratio``
(default 25, room for noise and cache effects)::

    .venv/bin/python bench/bench_grammar.py              # every pattern
    .venv/bin/python bench/bench_grammar.py --quick      # 10 KB and 100 KB instead

The tests (tests/test_properties.py) only check that a 200 KB line of each pattern finishes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.extract.numbers import find_quantities  # noqa: E402

#: name -> the unit repeated to build a line. Each aims at a part of the grammar that could backtrack:
#: long digit runs, separators between digits, Chinese numerals, prefixes without a number, ranges,
#: qualifiers, codes, ratios, and real sentences.
PATTERNS: dict[str, str] = {
    "digits": "1",
    "fullwidth digits and points": "１．",
    "digits and spaces": "1 ",
    "digits and points": "1.",
    "digits and dashes": "1-",
    "thousands separators": "1,000",
    "ratio colons": "1:",
    "spaced digits then ．": "3 ．",
    "chinese digits": "一",
    "chinese tens": "十",
    "chinese points": "二点",
    "wan": "一万",
    "yi wan": "一亿二万",
    "bare multiplier": "万",
    "percent prefix": "百分之",
    "direction words": "增长",
    "prefix qualifier": "约",
    "ordinal": "第",
    "percent": "5%",
    "range chain": "5%—",
    "qualified list": "增长5%左右、",
    "infix": "3余",
    "code letters": "G3",
    "sentence": "全区地区生产总值增长6%左右，城镇调查失业率控制在5.5%以内，粮食产量64.5万吨以上。",
}


def line_of(unit: str, n_bytes: int) -> str:
    """``unit`` repeated to at least ``n_bytes`` bytes of UTF-8."""
    return unit * -(-n_bytes // len(unit.encode()))


def timed(text: str) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = len(find_quantities(text))
    return time.perf_counter() - t0, n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10 KB and 100 KB lines instead of 100 KB and 1 MB")
    ap.add_argument("--max-ratio", type=float, default=25.0, help="fail above this time ratio (default 25)")
    args = ap.parse_args(argv)
    small, big = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    find_quantities("增长5%")  # build the grammar before timing
    label = f"{small // 1000} KB" if small < 1_000_000 else "1 MB"
    label_big = f"{big // 1000} KB" if big < 1_000_000 else "1 MB"
    print(f"{'pattern':28} {label:>9} {label_big:>9}  ratio  found(big)")
    worst = 0.0
    for name, unit in PATTERNS.items():
        t_small, _ = timed(line_of(unit, small))
        t_big, n_big = timed(line_of(unit, big))
        ratio = t_big / max(t_small, 1e-6)
        worst = max(worst, ratio)
        print(f"{name:28} {t_small:8.3f}s {t_big:8.3f}s  {ratio:5.1f}  {n_big}")
    print(f"worst ratio {worst:.1f} (linear ~ {big / small:.0f})")
    return 1 if worst > args.max_ratio else 0


if __name__ == "__main__":
    raise SystemExit(main())
