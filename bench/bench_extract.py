"""Warm in-process extraction time of the reference report vs jieba.lcut of the same text.

Run: .venv/bin/python bench/bench_extract.py
Prints medians of repeated runs and the ratio (issue #3 asks for < 1.0: extracting the whole report,
tables, prose and projects included, must cost less than merely segmenting its text with jieba).
"""

from __future__ import annotations

import platform
import statistics
import time
from pathlib import Path

import jieba

from pipeline.extract.numbers import find_quantities
from pipeline.ingest import read_document
from pipeline.process import extract_file

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "corpora" / "jiangjin_plan_report_2025.txt"


def median_time(fn, repeat: int = 15) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    text = read_document(REF).text
    jieba.setLogLevel(60)
    jieba.lcut(text)  # warm: load the dictionary
    extract_file(REF)  # warm: lexicons, compiled patterns
    t_jieba = median_time(lambda: jieba.lcut(text))
    t_extract = median_time(lambda: extract_file(REF))
    t_read = median_time(lambda: read_document(REF))
    t_grammar = median_time(lambda: find_quantities(text))
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    print(f"text: {REF.name}, {len(text):,} characters")
    print(f"jieba.lcut            {t_jieba * 1000:8.1f} ms  (baseline)")
    print(f"extract_file (all)    {t_extract * 1000:8.1f} ms  ratio {t_extract / t_jieba:.2f}")
    print(f"  read_document       {t_read * 1000:8.1f} ms  ratio {t_read / t_jieba:.2f}")
    print(f"  find_quantities     {t_grammar * 1000:8.1f} ms  ratio {t_grammar / t_jieba:.2f}")


if __name__ == "__main__":
    main()
