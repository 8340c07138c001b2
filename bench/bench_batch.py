"""Batch benchmark: throughput, stages, memory, baselines, incremental reruns, and a scale run.

    .venv/bin/python bench/bench_batch.py                 # corpus figures (about 1-2 minutes on 2 cores)
    .venv/bin/python bench/bench_batch.py --scale 2000    # plus 200 vs 2,000 generated documents (+ ~4 min)

Prints, in one run: documents/s and pages/s; time per stage (read, segment, extract, normalize, validate,
write -- the stage functions called in sequence as ``pipeline.process.extract_file`` does); peak RSS; and
ratios against baselines measured in the same run: .txt extraction vs ``jieba.lcut`` of the same text,
our PDF reading vs pypdfium2 raw text, pdfplumber plain text vs our PDF reading, 2 workers vs 1, a rerun on
an unchanged corpus vs the first run, Dask LocalCluster vs local processes. Results go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.batch import BatchSummary, run_batch  # noqa: E402

CORPORA = ROOT / "corpora"
SUPPORTED = (".txt", ".docx", ".pdf")


def corpus_files(suffixes: tuple[str, ...] = SUPPORTED) -> list[Path]:
    return sorted(p for p in CORPORA.iterdir() if p.suffix in suffixes)


def best_of(n: int, fn: Callable[[], Any]) -> float:
    """The fastest of ``n`` timings of ``fn()`` (seconds)."""
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average at start {os.getloadavg()[0]:.2f}")


# --------------------------------------------------------------------------------------------------
# Stages


def stage_times(files: list[Path], out_dir: Path) -> dict[str, dict[str, float]]:
    """Seconds per stage and format, calling the stages in sequence as extract_file does."""
    from pipeline.extract import Context, run_extractors
    from pipeline.ingest import read_document
    from pipeline.metadata import extract_metadata
    from pipeline.normalize import build_report
    from pipeline.process import extract_file
    from pipeline.segment import section_of_blocks, split_sections
    from pipeline.store import output_name, write_json_atomic
    from pipeline.validate import check_report

    def staged(path: Path, t: dict[str, float]) -> dict[str, Any]:
        c = time.perf_counter()

        def lap(name: str) -> None:
            nonlocal c
            now = time.perf_counter()
            t[name] += now - c
            c = now

        doc = read_document(path); lap("read")
        meta = extract_metadata(doc)
        root = split_sections(doc, meta.review_year, meta.plan_year)
        ctx = Context(doc, root, meta.review_year, meta.plan_year, section_of_blocks(root)); lap("segment")
        indicators, projects = run_extractors(ctx); lap("extract")
        report = build_report(doc, meta, root, indicators, projects, str(path)); lap("normalize")
        check_report(report, str(path)); lap("validate")
        write_json_atomic(out_dir / output_name(path), report); lap("write")
        return report

    # warm up (lexicons, schema) and check the staged path is still extract_file's
    for f in (files[0], next(p for p in files if p.suffix == ".docx")):
        staged_report = staged(f, defaultdict(float))
        if json.dumps(staged_report, ensure_ascii=False) != json.dumps(extract_file(f), ensure_ascii=False):
            print(f"WARNING: the staged pipeline differs from extract_file on {f.name}; update stage_times()")
    times: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in files:
        staged(f, times[f.suffix[1:]])
    return times


# --------------------------------------------------------------------------------------------------
# Baselines


def baselines(work: Path) -> list[tuple[str, float, float, str]]:
    """(comparison, ours s, theirs s, note) measured now on the same inputs."""
    import jieba
    import pdfplumber
    import pypdfium2

    from pipeline.ingest import read_document
    from pipeline.process import extract_file

    rows = []
    txts = corpus_files((".txt",))
    texts = [read_document(p).text for p in txts]
    jieba.setLogLevel(60)
    jieba.initialize()
    ours = best_of(1, lambda: [extract_file(p) for p in txts])
    theirs = best_of(1, lambda: [jieba.lcut(t) for t in texts])
    rows.append((f"txt: our full extraction vs jieba.lcut of the same text ({len(txts)} files, "
                 f"{sum(map(len, texts)) / 1e6:.2f} M chars)", ours, theirs, "jieba only segments words"))

    pdfs = corpus_files((".pdf",))

    def pdfium_text() -> None:
        for p in pdfs:
            pdf = pypdfium2.PdfDocument(str(p))
            for i in range(len(pdf)):
                page = pdf[i]
                tp = page.get_textpage()
                tp.get_text_range()
                tp.close()
                page.close()
            pdf.close()

    def plumber_text() -> None:
        for p in pdfs:
            with pdfplumber.open(p) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    page.close()

    ours = best_of(2, lambda: [read_document(p) for p in pdfs])
    rows.append((f"pdf: our PDF reading vs pypdfium2 raw text ({len(pdfs)} PDFs)", ours, best_of(2, pdfium_text),
                 "pypdfium2: characters only, no tables/layout"))
    rows.append((f"pdf: our PDF reading vs pdfplumber extract_text ({len(pdfs)} PDFs)", ours,
                 best_of(2, plumber_text), "pdfplumber plain text, no table detection"))
    return rows


# --------------------------------------------------------------------------------------------------
# Batch runs


def batch(input_dir: Path, out: Path, **kw: Any) -> tuple[BatchSummary, float]:
    """A fresh batch into ``out`` (removed first); (summary, seconds)."""
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    s = run_batch(input_dir, out, build=False, **kw)
    return s, time.perf_counter() - t


def describe(s: BatchSummary, secs: float) -> str:
    pages = sum(r.pages or 0 for r in s.results)
    chars = sum(r.chars for r in s.results)
    rss = s.peak_worker_rss_kb
    return (f"{s.processed} docs ({s.failed} failed) in {secs:.2f}s: {s.processed / secs:.1f} docs/s, "
            f"{chars / secs / 1e3:.0f} k chars/s" + (f", {pages / secs:.1f} PDF pages/s" if pages else "")
            + (f"; peak RSS per worker {max(rss.values()) / 1024:.0f} MiB" if rss else ""))


# --------------------------------------------------------------------------------------------------
# Scale corpus: copies of the .txt/.docx corpora with jurisdictions and years varied

COUNTIES = [
    ("满洲里市", "呼伦贝尔市"), ("牙克石市", "呼伦贝尔市"), ("扎兰屯市", "呼伦贝尔市"), ("阿荣旗", "呼伦贝尔市"),
    ("璧山区", "重庆市"), ("永川区", "重庆市"), ("綦江区", "重庆市"), ("合川区", "重庆市"), ("铜梁区", "重庆市"),
    ("昆山市", "苏州市"), ("江阴市", "无锡市"), ("义乌市", "金华市"), ("慈溪市", "宁波市"), ("晋江市", "泉州市"),
    ("长沙县", "长沙市"), ("浏阳市", "长沙市"), ("仁怀市", "遵义市"), ("神木市", "榆林市"), ("准格尔旗", "鄂尔多斯市"),
    ("荣成市", "威海市"), ("寿光市", "潍坊市"), ("海门区", "南通市"), ("宜兴市", "无锡市"), ("余姚市", "宁波市"),
    ("龙口市", "烟台市"), ("胶州市", "青岛市"), ("新郑市", "郑州市"), ("简阳市", "成都市"), ("都江堰市", "成都市"),
    ("大冶市", "黄石市"), ("醴陵市", "株洲市"), ("南安市", "泉州市"), ("福清市", "福州市"), ("增城区", "广州市"),
]
TEMPLATE_NAMES = {"海拉尔区": "呼伦贝尔市", "江津区": "重庆市"}
YEAR = re.compile(r"(?<![0-9０-９])((?:19|20)[0-9]{2})(?=\s*年)")


def vary(text: str, k: int) -> str:
    """Another county (for the county-level templates) and years shifted by ``k % 7 - 3``."""
    county, city = COUNTIES[k % len(COUNTIES)]
    for name, parent in TEMPLATE_NAMES.items():
        if name in text:
            text = text.replace(name, county).replace(name[:-1], county[:-1]).replace(parent, city)
    shift = k % 7 - 3
    return YEAR.sub(lambda m: str(int(m.group(1)) + shift), text) if shift else text


def make_scale_corpus(dest: Path, n: int) -> list[Path]:
    """``n`` documents below ``dest`` (100 per folder) made from the real .txt and .docx corpora."""
    templates = corpus_files((".txt", ".docx"))
    made = []
    for i in range(n):
        src = templates[i % len(templates)]
        k = i // len(templates) + i
        sub = dest / f"batch{i // 100:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        out = sub / f"{src.stem}_v{i:05d}{src.suffix}"
        if src.suffix == ".txt":
            out.write_text(vary(src.read_text(encoding="utf-8"), k), encoding="utf-8")
        else:
            with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
                for item in zin.infolist():
                    data = zin.read(item.filename)
                    if item.filename == "word/document.xml":
                        data = vary(data.decode("utf-8"), k).encode("utf-8")
                    zout.writestr(item, data)
        made.append(out)
    return made


def batch_in_subprocess(input_dir: Path, out: Path, workers: int) -> dict[str, Any]:
    """A fresh batch run by a separate Python process, so its own peak memory (VmHWM) is measured
    cleanly: {seconds, processed, failed, parent_kb, workers_kb, workers_kb_at_10pct/50pct}."""
    shutil.rmtree(out, ignore_errors=True)
    r = subprocess.run([sys.executable, __file__, "--child-batch", str(input_dir), str(out), str(workers)],
                       check=True, capture_output=True, text=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def child_batch(input_dir: str, out: str, workers: int) -> None:
    from pipeline.batch import _peak_rss_kb

    t = time.perf_counter()
    s = run_batch(input_dir, out, workers=workers, build=False)
    secs = time.perf_counter() - t
    t = time.perf_counter()
    again = run_batch(input_dir, out, workers=workers, build=False)
    rerun = time.perf_counter() - t
    assert again.processed == 0 and again.skipped == s.processed, again.line()
    print(json.dumps({"seconds": secs, "rerun_seconds": rerun, "processed": s.processed, "failed": s.failed,
                      "chars": sum(r.chars for r in s.results), "parent_kb": _peak_rss_kb(),
                      "workers_kb": s.peak_worker_rss_kb, "workers_kb_10": rss_at(s, 0.1),
                      "workers_kb_50": rss_at(s, 0.5), "now_10": rss_at(s, 0.1, True),
                      "now_50": rss_at(s, 0.5, True), "now_100": rss_at(s, 1.0, True)}))


def rss_at(s: BatchSummary, fraction: float, now: bool = False) -> dict[str, int]:
    """Each worker's peak RSS (KiB) after ``fraction`` of the results had arrived; with ``now`` its
    current RSS at that point instead."""
    cut = s.results[: max(1, int(len(s.results) * fraction))]
    out: dict[str, int] = {}
    for r in cut:
        if r.worker:
            out[r.worker] = r.worker_rss_now_kb if now else max(out.get(r.worker, 0), r.worker_rss_kb)
    return out


def mib(d: dict[str, int]) -> str:
    return ", ".join(f"{v / 1024:.0f}" for _k, v in sorted(d.items())) + " MiB"


# --------------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=0, metavar="N", help="also run N generated documents (vs 200)")
    ap.add_argument("--workers", type=int, default=2, help="workers for the parallel runs (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of 1 and of N workers; the best counts (default 3)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--scale-only", action="store_true", help="only the --scale runs")
    ap.add_argument("--child-batch", nargs=3, metavar=("IN", "OUT", "WORKERS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_batch:
        child_batch(args.child_batch[0], args.child_batch[1], int(args.child_batch[2]))
        return 0
    os.chdir(ROOT)
    work = Path(tempfile.mkdtemp(prefix="govreport-bench-"))
    print(f"machine: {machine()}")
    files = corpus_files()
    print(f"corpus: {len(files)} files ({', '.join(f'{sum(p.suffix == s for p in files)} {s[1:]}' for s in SUPPORTED)}), "
          f"{sum(p.stat().st_size for p in files) / 2**20:.1f} MiB\n")

    if not args.scale_only:
        # 1. batch throughput, 1 vs N workers; rerun on an unchanged corpus
        print("== batch on corpora/ (govreport run, local processes) ==")
        runs: dict[int, list[tuple[BatchSummary, float]]] = {1: [], args.workers: []}
        for _ in range(args.repeat):  # alternate, keep the best of each: other load on the machine is noise
            for w in runs:
                runs[w].append(batch(CORPORA, work / f"w{w}", workers=w))
        (s1, t1), (sn, tn) = (min(runs[w], key=lambda r: r[1]) for w in runs)
        print(f"1 worker : {describe(s1, t1)}  (best of {args.repeat}: {', '.join(f'{t:.2f}' for _s, t in runs[1])} s)")
        print(f"{args.workers} workers: {describe(sn, tn)}  (best of {args.repeat}: "
              f"{', '.join(f'{t:.2f}' for _s, t in runs[args.workers])} s)")
        print(f"speedup {args.workers} workers vs 1: {t1 / tn:.2f}x (best vs best), "
              f"{sum(t for _s, t in runs[1]) / sum(t for _s, t in runs[args.workers]):.2f}x (total vs total)")
        n_pdf_pages = sum(r.pages or 0 for r in sn.results)
        tr = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            again = run_batch(CORPORA, work / f"w{args.workers}", workers=args.workers, build=False)
            tr = min(tr, time.perf_counter() - t)
        assert again.processed == 0 and again.skipped == len(files), again.line()
        print(f"rerun, unchanged corpus (in-process): {tr * 1000:.0f} ms, all {again.skipped} skipped: "
              f"{tn / tr:.0f}x faster than the first {args.workers}-worker run")
        t = time.perf_counter()
        cli = subprocess.run([sys.executable, "-m", "pipeline", "run", str(CORPORA), "--out", str(work / f"w{args.workers}"),
                              "-q", "--no-build"], check=True, capture_output=True, text=True)
        tc = time.perf_counter() - t
        print(f"rerun, unchanged corpus (`govreport run` command, interpreter start included): {tc * 1000:.0f} ms: "
              f"{tn / tc:.0f}x faster  [{cli.stderr.strip().splitlines()[-1]}]")
        if not args.no_dask:
            try:
                import dask.distributed  # noqa: F401

                sd, td = batch(CORPORA, work / "dask", workers=args.workers, executor="dask")
                wn = work / f"w{args.workers}"
                same = all((work / "dask" / p.name).read_bytes() == p.read_bytes() for p in wn.glob("*.json"))
                print(f"dask LocalCluster, {args.workers} workers (cluster start included): {describe(sd, td)}; "
                      f"outputs byte-identical to local: {same}")
            except ImportError:
                print("dask not installed: skipped")

        # 2. stages (serial, in this process)
        print("\n== time per stage (serial, one process, warm) ==")
        times = stage_times(files, work / "stages")
        stages = ["read", "segment", "extract", "normalize", "validate", "write"]
        total = {s: sum(times[f][s] for f in times) for s in stages}
        grand = sum(total.values())
        print(f"{'format':8}" + "".join(f"{s:>11}" for s in stages) + f"{'total':>10}")
        for fmt in sorted(times):
            row = times[fmt]
            print(f"{fmt:8}" + "".join(f"{row[s]:10.2f}s" for s in stages) + f"{sum(row.values()):9.2f}s")
        print(f"{'share':8}" + "".join(f"{total[s] / grand:10.0%} " for s in stages))
        print(f"serial: {len(files) / grand:.1f} docs/s; PDFs: {n_pdf_pages} pages in "
              f"{sum(times['pdf'].values()):.2f}s = {n_pdf_pages / sum(times['pdf'].values()):.1f} pages/s")

        # 3. baselines
        print("\n== baselines (same inputs, same run) ==")
        for name, ours, theirs, note in baselines(work):
            print(f"{name}: ours {ours:.2f}s, theirs {theirs:.2f}s -> ours/theirs {ours / theirs:.2f}x  ({note})")
        print(f"parallel: {args.workers} workers vs 1 on corpora/: {t1 / tn:.2f}x throughput")

    # 4. scale
    if args.scale:
        print(f"\n== scale: generated documents, {args.workers} workers ==")
        gen = work / "scale_in"
        t = time.perf_counter()
        make_scale_corpus(gen, args.scale)
        print(f"generated {args.scale} documents in {time.perf_counter() - t:.1f}s "
              f"({sum(p.stat().st_size for p in gen.rglob('*') if p.is_file()) / 2**20:.0f} MiB)")
        small = work / "scale_small_in"
        make_scale_corpus(small, min(200, args.scale))  # the first 200 of the same documents
        for label, src in (("small", small), ("big", gen)):
            r = batch_in_subprocess(src, work / f"scale_{label}", args.workers)
            print(f"{r['processed']:5d} docs ({r['failed']} failed) in {r['seconds']:.1f}s: "
                  f"{r['processed'] / r['seconds']:.1f} docs/s, {r['chars'] / r['seconds'] / 1e3:.0f} k chars/s; "
                  f"peak RSS: coordinator {r['parent_kb'] / 1024:.0f} MiB, each worker {mib(r['workers_kb'])} "
                  f"(after 10% of the files: {mib(r['workers_kb_10'])}, after 50%: {mib(r['workers_kb_50'])}); "
                  f"current RSS of each worker after 10%: {mib(r['now_10'])}, 50%: {mib(r['now_50'])}, "
                  f"100%: {mib(r['now_100'])}; rerun unchanged: {r['rerun_seconds'] * 1000:.0f} ms "
                  f"({r['seconds'] / r['rerun_seconds']:.0f}x faster)")

    from pipeline.batch import _peak_rss_kb

    print(f"\npeak RSS of this benchmark process (serial stages, baselines, in-process batch coordinator): "
          f"{_peak_rss_kb() / 1024:.0f} MiB")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
