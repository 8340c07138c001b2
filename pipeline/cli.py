"""The ``govreport`` command. Thin wrappers: parse arguments, call plain functions, print one line per problem."""

from __future__ import annotations

import argparse
import glob
import os
import sys
import time
from pathlib import Path
from typing import Sequence

from pipeline.version import __version__
from pipeline.errors import PipelineError

SUPPORTED = (".txt", ".docx", ".pdf")


def expand_inputs(items: Sequence[str]) -> tuple[list[Path], list[str]]:
    """Files, folders (recursively, supported suffixes only) and globs -> (files, problems)."""
    from pipeline.ingest import find_inputs

    return find_inputs(items, SUPPORTED)


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
        try:
            write_json_atomic(out_dir / name, report)
        except OSError as e:
            print(f"error: {f}: cannot write {out_dir / name}: {e.strerror or e}", file=sys.stderr)
            failed += 1
            continue
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


def cmd_compare(args: argparse.Namespace) -> int:
    """``govreport compare``: a thin wrapper around :func:`pipeline.compare.compare_files`."""
    from decimal import Decimal, InvalidOperation

    from pipeline.compare import collect_inputs, compare_files
    from pipeline.compare_render import render, write_charts
    from pipeline.store import write_json_atomic
    from pipeline.validate import check_report

    try:
        tol, rel = Decimal(args.about_tolerance), Decimal(args.about_relative)
    except InvalidOperation:
        print("error: --about-tolerance and --about-relative take decimal numbers", file=sys.stderr)
        return 2
    years = None
    if args.years:
        first, _, last = args.years.partition("-")
        if not (first.isdigit() and (not last or last.isdigit())):
            print(f"error: --years {args.years}: expected YEAR or FIRST-LAST", file=sys.stderr)
            return 2
        years = (int(first), int(last or first))
    split = lambda items: [x for item in items or [] for x in item.split(",") if x]  # noqa: E731
    files, problems = collect_inputs(args.paths)
    if not files:
        for p in problems:
            print(f"error: {p}", file=sys.stderr)
        print(f"error: no reports or report files found in {' '.join(args.paths)}", file=sys.stderr)
        return 1
    result, bad = compare_files(files, about_tolerance=tol, about_relative=rel, indicators=split(args.indicator),
                                jurisdictions=split(args.jurisdiction), years=years, ceilings=split(args.ceiling))
    for p in problems + bad:
        print(f"error: {p}", file=sys.stderr)
    if args.out:
        check_report(result, args.out, schema="comparison")
        write_json_atomic(args.out, result)
    charts = write_charts(result, args.charts) if args.charts else []
    if not args.quiet:
        print(render(result, args.format), end="")
    s = result["summary"]
    print(f"{len(files) - len(bad)} reports compared: {s['rows']} rows ({s['compared']} with an outcome), "
          f"{sum(s['revisions'].values())} revisions, {s['projects']} projects"
          + (f"; {len(charts)} charts in {args.charts}" if args.charts else "")
          + (f"; JSON in {args.out}" if args.out else ""), file=sys.stderr)
    return 1 if problems or bad else 0


def cmd_build(args: argparse.Namespace) -> int:
    """``govreport build``: a thin wrapper around :func:`pipeline.dataset.build`."""
    from pipeline.dataset import build
    from pipeline.ingest import SUPPORTED_SUFFIXES, find_inputs

    found, _ = find_inputs([str(args.output_dir)], tuple(s + ".json" for s in SUPPORTED_SUFFIXES))
    if not found:
        print(f"error: {args.output_dir}: no extracted reports (*.txt.json, *.docx.json, *.pdf.json) below it; "
              f"run `govreport run INPUT_DIR --out {args.output_dir}` first", file=sys.stderr)
        return 1
    stats = build(args.output_dir, args.db)
    for w in stats.skipped + stats.warnings:
        print(f"warning: {w}", file=sys.stderr)
    mb = lambda n: f"{n / 1e6:.1f} MB"  # noqa: E731
    print(f"{stats.reports} reports -> {stats.db_path} ({mb(stats.bytes['duckdb'])}): "
          + ", ".join(f"{n} {t}" for t, n in stats.rows.items() if t in ("documents", "indicators", "projects", "comparisons")),
          file=sys.stderr)
    print(f"{stats.dataset_dir}/: parquet {mb(stats.bytes.get('parquet', 0))}, csv {mb(stats.bytes.get('csv', 0))}, "
          f"dta {mb(stats.bytes.get('dta', 0))}, datapackage.json; built in {stats.seconds:.1f}s", file=sys.stderr)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """``govreport query``: run SQL on the dataset and print the result; bad SQL is one line, exit 1."""
    from pipeline.query import QueryError, format_result, run_query

    sql = sys.stdin.read() if args.sql == "-" else args.sql
    try:
        columns, rows = run_query(sql, args.db)
    except QueryError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(format_result(columns, rows, args.format, max_width=args.max_width))
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """``govreport review``: a thin wrapper around :func:`pipeline.review.write_review`."""
    from pipeline.review import write_review

    t0 = time.perf_counter()
    result = write_review(args.paths, args.out, compare=not args.no_compare)
    for p in result.problems:
        print(f"error: {p}", file=sys.stderr)
    rows = "" if result.comparison_rows is None else f", {result.comparison_rows} comparison rows"
    print(f"{len(result.pages)} review pages{rows} in {time.perf_counter() - t0:.1f}s; open {result.index}",
          file=sys.stderr)
    return 1 if result.problems or not result.pages else 0


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
    p.add_argument("--no-build", action="store_true",
                   help="do not build the dataset after the batch (by default it is rebuilt when a file was extracted)")
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

    p = sub.add_parser("compare", help="year-over-year comparison: targets vs actuals, revisions, projects",
                       formatter_class=_Formatter,
                       description="Group reports (extracted .json outputs, or .txt/.docx/.pdf sources, extracted now) by "
                                   "jurisdiction, order them by year and compare each year's target with the actual "
                                   "reported for it (met / exceeded / missed / not_comparable / pending), the target "
                                   "with next year's (raised / lowered / unchanged / qualifier_changed / unit_changed / "
                                   "added / dropped), and projects across reports (promised milestones done or "
                                   "slipped). Prints the tables; writes JSON valid against "
                                   "schemas/comparison.schema.json with --out. Conventions: README, Comparing years.",
                       epilog="Example:\n  govreport compare corpora/national_gwr_20*.txt --indicator gdp_growth "
                              "--years 2015-2025 --out national.json --charts charts/")
    p.add_argument("paths", nargs="+", metavar="INPUTS", help="extracted .json reports or source files, folders or globs")
    p.add_argument("--out", default=None, metavar="FILE", help="write the comparison JSON here")
    p.add_argument("--format", choices=["text", "md"], default="text", help="table format on stdout (default: text)")
    p.add_argument("--about-tolerance", default="0.5", metavar="X",
                   help="half-width of a 左右 (about) target for percent and percentage_point units (default: 0.5)")
    p.add_argument("--about-relative", default="0.05", metavar="R",
                   help="half-width of a 左右 target as a share of its value, for other units (default: 0.05)")
    p.add_argument("--ceiling", action="append", metavar="IDS",
                   help="indicator ids (comma-separated) whose exact/about targets are upper limits, e.g. cpi,retail_price")
    p.add_argument("--indicator", action="append", metavar="IDS", help="only these indicator ids (comma-separated)")
    p.add_argument("--jurisdiction", action="append", metavar="NAMES", help="only these jurisdictions (comma-separated)")
    p.add_argument("--years", default=None, metavar="FIRST-LAST", help="only rows for these years, e.g. 2015-2025")
    p.add_argument("--charts", default=None, metavar="DIR", help="write one SVG per jurisdiction and indicator here")
    p.add_argument("-q", "--quiet", action="store_true", help="print no tables, only errors and the summary")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("build", help="build the researchers' dataset (DuckDB, Parquet, CSV, Stata) from outputs",
                       formatter_class=_Formatter,
                       description="Read every report JSON below OUTPUTS_DIR and write tidy tables (documents, indicators, "
                                   "projects, project_milestones, comparisons, target_revisions, ...) to an embedded "
                                   "DuckDB database with views (exact DECIMAL(38,10) values), and to OUTPUTS_DIR/dataset/ "
                                   "as Parquet, CSV (UTF-8 with BOM), Stata .dta and datapackage.json. Atomic: a failed "
                                   "build leaves the previous dataset in place. README: For researchers.",
                       epilog="Example:\n  govreport build outputs\n  govreport build outputs --db /tmp/reports.duckdb")
    p.add_argument("output_dir", metavar="OUTPUTS_DIR", help="folder of extracted reports (govreport run --out)")
    p.add_argument("--db", default=None, metavar="FILE", help="database file (default: OUTPUTS_DIR/govreport.duckdb)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("query", help="run SQL on the dataset", formatter_class=_Formatter,
                       description="Run one SQL query (DuckDB dialect) on the dataset, read-only, and print the result. "
                                   "Tables: documents, indicators, projects, project_milestones, comparisons, "
                                   "target_revisions, indicator_definitions, build_info; views: indicator_cells, "
                                   "indicator_panel, gdp_targets, target_vs_actual, projects_by_investment. "
                                   "Bad SQL prints one line 'error: query failed: <reason>' and exits 1.",
                       epilog="Example:\n  govreport query \"SELECT jurisdiction, year, raw FROM gdp_targets "
                              "WHERE year = 2025 ORDER BY low DESC\" --format csv")
    p.add_argument("sql", metavar="SQL", help="the query ('-' reads it from stdin)")
    p.add_argument("--db", default="outputs", metavar="FILE",
                   help="database file, or the outputs folder holding govreport.duckdb (default: outputs)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default: table)")
    p.add_argument("--max-width", type=int, default=40, metavar="N",
                   help="table format: cut cells longer than N columns with … (default: 40)")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("review", help="HTML pages showing every extracted value in its source", formatter_class=_Formatter,
                       description="Write one static, offline HTML page per report into DIR (the report text with every "
                                   "target, actual, qualitative target and project highlighted; click one to see its "
                                   "record; tables, filters, a chart of targets vs actuals) and DIR/index.html (every "
                                   "report with counts, and the comparison rows of govreport compare).",
                       epilog="Example:\n  govreport review outputs/*.json --out outputs/review")
    p.add_argument("paths", nargs="+", metavar="REPORT_JSON",
                   help="extracted .json reports or folders of them (sources .txt/.docx/.pdf are extracted first)")
    p.add_argument("--out", default="review", metavar="DIR", help="output folder (default: review)")
    p.add_argument("--no-compare", action="store_true", help="do not add the comparison rows and series charts")
    p.set_defaults(func=cmd_review)
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
