"""The worked queries of README.md ("For researchers"): run them, check or refresh their printed output.

Each worked query sits between markers, a ``sh`` block with the command and a ``text`` block with
exactly what it prints::

    <!-- query: NAME -->
    ```sh
    govreport query "SELECT ..."
    ```

    ```text
    ...output...
    ```
    <!-- /query -->

``tests/test_dataset.py`` runs every one against a dataset built from the corpus and compares the
output with the README text. After a change to the extraction, refresh the README with::

    govreport run corpora --out outputs && python scripts/readme_queries.py --db outputs --update

Example::

    python scripts/readme_queries.py --db outputs          # lists the queries whose output differs
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = regex.compile(
    r"<!-- query: (?P<name>[\w-]+) -->\n```sh\n(?P<command>.*?)\n```\n\n```text\n(?P<output>.*?)```\n<!-- /query -->",
    regex.DOTALL)


@dataclass
class WorkedQuery:
    name: str
    command: str  # as written in the README (govreport query ...)
    output: str  # the README's text block, ending with a newline
    span: tuple[int, int]  # of the output text in the README

    @property
    def argv(self) -> list[str]:
        """The arguments after ``govreport``."""
        args = shlex.split(self.command)
        if not args or args[0] != "govreport":
            raise ValueError(f"worked query {self.name}: the command must start with govreport")
        return args[1:]


def worked_queries(text: str) -> list[WorkedQuery]:
    """Every worked query of a README text, in order."""
    return [WorkedQuery(m["name"], m["command"], m["output"], m.span("output")) for m in BLOCK.finditer(text)]


def run(query: WorkedQuery, db: str | Path) -> tuple[int, str]:
    """(exit code, stdout) of the query run against ``db`` (a .duckdb file or an outputs folder)."""
    from pipeline.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(query.argv + ["--db", str(db)])
    return code, buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="outputs", help="dataset to run them on (default: outputs)")
    ap.add_argument("--readme", default=str(README), help="README to read (default: the repository's)")
    ap.add_argument("--update", action="store_true", help="write the real outputs into the README")
    args = ap.parse_args(argv)
    path = Path(args.readme)
    text = path.read_text(encoding="utf-8")
    queries = worked_queries(text)
    differ = 0
    for q in reversed(queries):  # from the end, so earlier spans stay valid
        code, out = run(q, args.db)
        if code != 0:
            print(f"{q.name}: exit {code}", file=sys.stderr)
            return 1
        if out != q.output:
            differ += 1
            print(f"{q.name}: output differs" + (" (updated)" if args.update else ""))
            text = text[: q.span[0]] + out + text[q.span[1]:]
    if args.update and differ:
        path.write_text(text, encoding="utf-8")
    print(f"{len(queries)} worked queries, {differ} differ{'ed' if args.update else ''}")
    return 1 if differ and not args.update else 0


if __name__ == "__main__":
    raise SystemExit(main())
