"""Show how govreport reads the sentence holding a quote (for fixing extraction misses).

Usage: python scripts/debug_quote.py corpora/national_gwr_1993.txt 国民生产总值比上年增长
"""
from __future__ import annotations

import sys

from pipeline.extract import Context
from pipeline.extract.numbers import find_quantities
from pipeline.extract.prose import sentence_frame
from pipeline.ingest import read_document
from pipeline.metadata import extract_metadata
from pipeline.process import extract_file
from pipeline.segment import section_of_blocks, split_sections, split_sentences

path, quote = sys.argv[1], sys.argv[2]
doc = read_document(path)
meta = extract_metadata(doc)
root = split_sections(doc, meta.review_year, meta.plan_year)
secs = section_of_blocks(root)
print("years", meta.review_year, meta.plan_year)
for b in doc.blocks:
    if quote in b.text:
        s = secs.get(b.index)
        print(f"block {b.index} content={b.content} section={s.path if s else None!r} {s.title[:30] if s else ''!r} part={s.part if s else None}")
        for sent in split_sentences(b.text, b.char_start):
            if quote in sent.text:
                print("  sentence:", sent.text[:200])
                print("  frame:", sentence_frame(sent.text, s.part if s else "other", meta.review_year, meta.plan_year))
                for q in find_quantities(sent.text):
                    print("   q:", q.raw, q.low, q.high, q.unit, q.qualifier, q.direction)
rep = extract_file(path)
for r in rep["indicators"]:
    if quote in r["text"]:
        print("  rec:", r["name"], r["indicator_id"], r["year"], r["kind"], r["status"], (r["value"] or {}).get("low"), (r["value"] or {}).get("unit"))
