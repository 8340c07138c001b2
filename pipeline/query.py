"""Reading the dataset: SQL queries (``govreport query``) and :func:`load_dataset` for pandas.

This is the only module that knows the dataset is stored in DuckDB for reading; everything opens the
database read-only, so queries can never change it and several readers can share it.

>>> format_result(["jurisdiction", "low", "high"], [("北京市", Decimal("5.0000000000"), None)], "table")
'jurisdiction  low  high\\n------------  ---  ----\\n北京市        5    NULL\\n(1 row)\\n'
>>> format_result(["low"], [(Decimal("-3.5000000000"),)], "json")
'[\\n  {"low": "-3.5"}\\n]\\n'
>>> one_line("Parser Error: syntax error at or near \\"SELEC\\"\\n\\nLINE 1: SELEC 1\\n        ^")
'Parser Error: syntax error at or near "SELEC"'
"""

from __future__ import annotations

import csv
import io
import json
import os
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from pipeline.errors import PipelineError

if TYPE_CHECKING:
    import pandas as pd

DB_NAME = "govreport.duckdb"
FORMATS = ("table", "csv", "json")

__all__ = ["QueryError", "resolve_db", "run_query", "format_result", "load_dataset", "one_line", "FORMATS"]


class QueryError(PipelineError):
    """No database at the path, or the SQL failed (the message is DuckDB's, on one line)."""


def resolve_db(path: str | os.PathLike[str]) -> Path:
    """The database file: ``path`` itself, or ``path/govreport.duckdb`` when ``path`` is a folder.

    Raises QueryError when there is none.
    """
    p = Path(path)
    if p.is_dir():
        p = p / DB_NAME
    if not p.is_file():
        folder = p.parent if p.name == DB_NAME else p
        raise QueryError(f"no dataset at {p} (build it with: govreport build {folder})")
    return p


def one_line(message: str) -> str:
    """DuckDB's message on one line: the caret and ``LINE n:`` context lines dropped, the rest joined."""
    lines = [ln.strip() for ln in str(message).splitlines()]
    keep = [ln for ln in lines if ln and not ln.startswith("LINE ") and set(ln) != {"^"}]
    return " ".join(keep) or str(message).strip()


def _connect(db: Path) -> Any:
    import duckdb

    try:
        # read-only, and no file or network access from SQL (COPY … TO, read_text): a query only reads the dataset
        return duckdb.connect(str(db), read_only=True, config={"enable_external_access": False})
    except duckdb.Error as e:
        raise QueryError(f"cannot open {db}: {one_line(str(e))}") from e


def run_query(sql: str, db: str | os.PathLike[str] = "outputs") -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` on the dataset (read-only) -> (column names, rows). DECIMAL values come back as Decimal.

    Raises QueryError with DuckDB's message on one line when the SQL fails.
    """
    import duckdb

    if not sql.strip().strip(";").strip():
        raise QueryError("query failed: the SQL is empty")
    con = _connect(resolve_db(db))
    try:
        cur = con.execute(sql)
        if cur is None or cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    except duckdb.Error as e:
        raise QueryError(f"query failed: {one_line(str(e))}") from e
    finally:
        con.close()


# --------------------------------------------------------------------------------------------------
# output


def _plain(v: Any) -> Any:
    """A value for CSV/JSON/table: decimals as exact strings without trailing zeros, dates ISO."""
    if isinstance(v, Decimal):
        s = format(v, "f")
        if "." in s:
            s = s.rstrip("0").rstrip(".")
        return "0" if s in ("-0", "") else s
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


def _cell(v: Any) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    p = _plain(v)
    s = p if isinstance(p, str) else json.dumps(p, ensure_ascii=False) if isinstance(p, (list, dict)) else str(p)
    return " ".join(s.split()) if ("\n" in s or "\t" in s or "\r" in s) else s


def display_width(s: str) -> int:
    """Terminal columns: East Asian wide and full-width characters count 2, combining marks 0.

    >>> display_width("海拉尔区 2019")
    13
    """
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _truncate(s: str, width: int) -> str:
    if display_width(s) <= width:
        return s
    out, w = [], 0
    for ch in s:
        cw = display_width(ch)
        if w + cw > width - 1:
            break
        out.append(ch)
        w += cw
    return "".join(out) + "…"


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def format_result(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str = "table", max_width: int = 40) -> str:
    """Render a result: ``table`` (aligned columns, numbers right-aligned, NULL shown as NULL, cells cut at
    ``max_width`` terminal columns with …, then a row count), ``csv`` (header + rows, NULL empty) or
    ``json`` (a list of objects; decimals as exact strings)."""
    if fmt == "json":
        objs = [{c: _plain(v) for c, v in zip(columns, r)} for r in rows]
        if not objs:
            return "[]\n"
        return "[\n" + ",\n".join("  " + json.dumps(o, ensure_ascii=False, default=str) for o in objs) + "\n]\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow(["" if v is None else ("true" if v is True else "false" if v is False else _plain(v)) for v in r])
        return buf.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown format {fmt!r} (table, csv or json)")
    if not columns:
        return ""
    cells = [[_truncate(_cell(v), max_width) for v in r] for r in rows]
    heads = [_truncate(c, max_width) for c in columns]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(heads)]
    right = [bool(rows) and all(_is_number(r[i]) or r[i] is None for r in rows) and any(_is_number(r[i]) for r in rows)
             for i in range(len(columns))]

    def line(vals: Sequence[str]) -> str:
        parts = []
        for i, v in enumerate(vals):
            pad = " " * (widths[i] - display_width(v))
            parts.append(pad + v if right[i] else v + pad)
        return "  ".join(parts).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------------
# pandas


def load_dataset(path: str | os.PathLike[str] = "outputs", views: bool = True) -> "dict[str, pd.DataFrame]":
    """Every table (and view) of the dataset as a pandas DataFrame, keyed by name.

    ``path`` is the ``.duckdb`` file or the outputs folder holding ``govreport.duckdb``. Decimal columns
    hold exact :class:`decimal.Decimal` values (``Decimal('149078000000')``; use ``.astype(float)`` for
    arithmetic in floating point); integer columns are nullable ``Int64``.

    >>> import pipeline, tempfile
    >>> from pipeline.dataset import build_dataset
    >>> d = tempfile.mkdtemp(); _ = build_dataset(d)
    >>> sorted(pipeline.load_dataset(d))[:4]
    ['build_info', 'comparisons', 'documents', 'gdp_targets']
    """
    import pandas as pd
    import pyarrow as pa

    db = resolve_db(path)
    con = _connect(db)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            + ("" if views else "AND table_type = 'BASE TABLE' ") + "ORDER BY table_name").fetchall()]
        out: dict[str, pd.DataFrame] = {}
        for name in names:
            rel = con.sql(f'SELECT * FROM "{name}"')
            tbl = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.fetch_arrow_table()  # duckdb 2 / 1
            mapping = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
            df = tbl.to_pandas(types_mapper=mapping.get)
            for f in tbl.schema:
                if pa.types.is_decimal(f.type):
                    df[f.name] = pd.Series([None if v is None else Decimal(_plain(v)) for v in df[f.name]],
                                           dtype=object, index=df.index)
            out[name] = df
        return out
    finally:
        con.close()
