"""The ``govreport`` command. Thin wrappers: parse arguments, call plain functions, print one line per problem."""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from pipeline import __version__
from pipeline.errors import PipelineError

SUPPORTED = (".txt", ".docx", ".pdf")


def expand_inputs(items: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Files, folders (recursively, supported suffixes only) and globs -> (files, problems).

    Symlink loops and unreadable folders are reported, not fatal.
    """
    files: list[Path] = []
    problems: list[str] = []
    for item in items:
        matches = glob.glob(item, recursive=True) if any(ch in item for ch in "*?[") else [item]
        if not matches:
            problems.append(f"{item}: no such file or no match")
        for m in sorted(matches):
            p = Path(m)
            if p.is_dir():
                for root, dirs, names in os.walk(p, followlinks=False, onerror=lambda e: problems.append(f"{e.filename}: {e.strerror}")):
                    dirs.sort()
                    for name in sorted(names):
                        f = Path(root) / name
                        if f.suffix.lower() in SUPPORTED and not name.startswith("."):
                            files.append(f)
            elif p.exists() or p.is_symlink():
                files.append(p)
            else:
                problems.append(f"{item}: no such file")
    seen: set[Path] = set()
    unique = []
    for f in files:
        if f not in seen:
            seen.add(f)
            unique.append(f)
    return unique, problems


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.process import extract_file
    from pipeline.store import output_name, write_json_atomic

    files, problems = expand_inputs(args.paths)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    out_dir = Path(args.out)
    names: dict[str, Path] = {}
    failed = len(problems)
    ok = 0
    t0 = time.perf_counter()
    for f in files:
        name = output_name(f)
        if name in names and names[name] != f:
            print(f"error: {f}: output name {name} collides with {names[name]}; skipped", file=sys.stderr)
            failed += 1
            continue
        names[name] = f
        try:
            report = extract_file(f)
        except PipelineError as e:
            print(f"error: {e}", file=sys.stderr)
            failed += 1
            continue
        except Exception as e:  # a bug: still one line, and the batch goes on
            print(f"error: {f}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
            failed += 1
            continue
        write_json_atomic(out_dir / name, report)
        ok += 1
        if not args.quiet:
            n_ind = len(report["indicators"])
            print(f"{f} -> {out_dir / name} ({n_ind} indicators, {len(report['projects'])} projects)")
    print(f"{ok} extracted, {failed} failed in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return 1 if failed else 0


def cmd_run(args: argparse.Namespace) -> int:
    """``govreport run``: a thin wrapper around :func:`pipeline.batch.run_batch`."""
    from pipeline.batch import run_batch
    from pipeline.progress import make_reporter

    if args.scheduler and args.executor != "dask":
        args.executor = "dask"
    summary = run_batch(args.input_dir, args.out, workers=args.workers, executor=args.executor,
                        timeout=args.timeout, scheduler=args.scheduler, force=args.force,
                        reporter=make_reporter(quiet=args.quiet), build=not args.no_build)
    return 1 if summary.failed else 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import run_eval

    return run_eval(gold_dir=Path(args.gold), pred_dir=Path(args.pred) if args.pred else None,
                    as_json=args.json, thresholds=Path(args.thresholds), corpora=Path(args.corpora))


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govreport",
        description="Extract targets, actuals and projects from Chinese government reports.",
        epilog="Example:\n  govreport extract corpora/jiangjin_plan_report_2025.pdf --out outputs/",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"govreport {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", help="extract reports into one JSON file each", formatter_class=_Formatter,
                       description="Read each report (.txt/.docx/.pdf), extract indicators and projects, validate "
                                   "against schemas/report.schema.json and write DIR/<input file name>.json.",
                       epilog="Example:\n  govreport extract corpora/ 'more/*.pdf' --out outputs/")
    p.add_argument("paths", nargs="+", help="files, folders or globs")
    p.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("run", help="the main job: extract every report below a folder", formatter_class=_Formatter,
                       description="Extract every supported file below INPUT_DIR into OUTPUT_DIR in parallel. "
                                   "Files whose sha256 and pipeline version are unchanged since the last run are "
                                   "skipped (OUTPUT_DIR/_manifest.jsonl); failures go to OUTPUT_DIR/errors.jsonl; "
                                   "sub/x.pdf is written to OUTPUT_DIR/sub/x.pdf.json. Exit 1 if any file failed.",
                       epilog="Example:\n  govreport run corpora --out outputs --workers 4 --timeout 60\n"
                              "  govreport run corpora --out outputs --executor dask --scheduler tcp://10.0.0.5:8786")
    p.add_argument("input_dir", metavar="INPUT_DIR", help="folder to process (recursively), or one file")
    p.add_argument("--out", default="outputs", help="output folder (default: outputs)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="parallel worker processes (default: %(default)s, the number of cores)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="per-file time limit; the worker is killed and the file recorded as failed (default: 120)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local processes (default) or a Dask cluster")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="Dask scheduler address (default with --executor dask: start a LocalCluster of N workers)")
    p.add_argument("--force", action="store_true", help="re-extract every file, even unchanged ones")
    p.add_argument("--no-build", action="store_true", help="do not build the dataset after the batch")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("eval", help="accuracy against the gold annotations", formatter_class=_Formatter,
                       description="Extract the gold documents (or read --pred DIR) and report precision, recall and F1; "
                                   "exit 1 when a metric is below its threshold in --thresholds.",
                       epilog="Example:\n  govreport eval --json")
    p.add_argument("--gold", default="corpora/gold", help="gold folder (default: corpora/gold)")
    p.add_argument("--pred", default=None, help="folder of extracted JSON (default: extract the gold documents now)")
    p.add_argument("--corpora", default="corpora", help="where the gold sources live (default: corpora)")
    p.add_argument("--thresholds", default="corpora/gold/thresholds.yaml", help="committed minimum scores")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PipelineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
