"""Review pages: every extracted value shown in its source (``govreport review``).

One static, offline HTML page per report and an index page. Pure functions, so they are testable
without a browser:

* :func:`render_report` (report dict -> HTML): the report text block by block (tables as tables) with
  every indicator, quantity and project highlighted, coloured by kind (``target`` / ``actual`` /
  ``qualitative`` / ``project``); a side panel shows the record of a clicked highlight (value, unit,
  qualifier, year, indicator id, sentence, source); filters by kind and indicator; inline SVG charts of
  targets vs actuals.
* :func:`render_index` (reports, comparison -> HTML): every report with its counts and a link, the series
  charts and the comparison rows of :func:`pipeline.compare.compare_reports` (when that module exists).
* :func:`write_review` (reports or paths, out_dir): loads, compares, renders and writes them all.

How highlights are made
-----------------------
Each record has a span ``source.char_start``/``char_end`` in ``text`` (kind: numeric indicators are
``target``/``actual``, qualitative and absent ones ``qualitative``, projects ``project``). The text is cut
at every span boundary into elementary segments; each segment covered by at least one span becomes one
``<mark class="hl k-…" data-recs="i3 p1" data-s=… data-e=…>`` listing *all* the records covering it. Marks
never nest, so overlapping spans (a project sentence containing an actual, two records on one number)
cannot break the markup. Records are ``<li class="rec" data-rec="i3" data-value=… data-unit=…>`` in the
side panel; ``i3`` is ``indicators[3]`` of the JSON, ``p1`` is ``projects[1]``. Everything that comes from
the report is passed through :func:`html.escape`; the script reads ``data-*`` attributes and writes
``textContent`` only, and a Content-Security-Policy forbids any network access.

>>> rep = {"text": "GDP增长<5%>。", "indicators": [{"name": "GDP", "indicator_id": "gdp_growth", "year": 2024,
...        "kind": "actual", "status": "numeric", "text": "GDP增长<5%>。",
...        "value": {"low": "5", "high": "5", "unit": "percent", "qualifier": "exact", "raw": "5%"},
...        "source": {"section": "", "char_start": 6, "char_end": 8, "page": None}}],
...        "projects": [], "blocks": [], "tables": [], "sections": [], "document": {}}
>>> h = Highlighter(rep["text"], records_of(rep))
>>> h.html(0, len(rep["text"]))
'GDP增长&lt;<mark class="hl k-actual" data-recs="i0" data-s="6" data-e="8">5%</mark>&gt;。'
"""

from __future__ import annotations

import bisect
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import quote

from pipeline.review_assets import CSS, INDEX_JS, REPORT_JS
from pipeline.review_svg import (dumbbell_svg, group_series, legend_html, numeric_pair, series_svg,
                                 short_number)

KINDS = ("target", "actual", "qualitative", "project")
KIND_LABELS = {"target": "target", "actual": "actual", "qualitative": "qualitative / absent", "project": "project"}
LEVEL_ORDER = {"national": 0, "province": 1, "city": 2, "county": 3}
CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
MAX_DUMBBELL_ROWS = 40
MAX_SERIES_REPORT = 6
MAX_SERIES_INDEX = 12

__all__ = ["render_report", "render_index", "write_review", "load_reports", "records_of", "Highlighter",
           "page_names", "ReviewResult", "KINDS"]


# --------------------------------------------------------------------------------------------------
# records and highlights


@dataclass(frozen=True)
class Rec:
    """One record of a report, as the page sees it."""

    rid: str                 # i<N> = indicators[N], p<N> = projects[N]
    kind: str                # target / actual / qualitative / project
    start: int
    end: int
    data: dict[str, Any]


def record_kind(rec: dict[str, Any], is_project: bool = False) -> str:
    """target / actual for numeric indicators, qualitative for qualitative and absent ones, project."""
    if is_project:
        return "project"
    if rec.get("status", "numeric") != "numeric":
        return "qualitative"
    return "actual" if rec.get("kind") == "actual" else "target"


def records_of(report: dict[str, Any]) -> list[Rec]:
    """Every indicator and project of ``report`` with its clamped span (an empty span gets one character)."""
    n = len(report.get("text") or "")
    out: list[Rec] = []
    for prefix, items, is_project in (("i", report.get("indicators") or [], False),
                                      ("p", report.get("projects") or [], True)):
        for i, rec in enumerate(items):
            src = rec.get("source") or {}
            s = _int(src.get("char_start"), 0)
            e = _int(src.get("char_end"), s)
            s, e = max(0, min(s, n)), max(0, min(e, n))
            if e < s:
                s, e = e, s
            if e == s and n:
                s, e = (s, s + 1) if s < n else (n - 1, n)
            out.append(Rec(f"{prefix}{i}", record_kind(rec, is_project), s, e, rec))
    return out


def _int(x: Any, default: int) -> int:
    try:
        return int(x)
    except (TypeError, ValueError):
        return default


class Highlighter:
    """Renders any range of the text with non-nesting marks over the record spans (see the module docstring).

    ``placed`` collects the ids of the records that got at least one mark.
    """

    def __init__(self, text: str, recs: Sequence[Rec]) -> None:
        self.text = text
        self.kind = {r.rid: r.kind for r in recs}
        order = {r.rid: k for k, r in enumerate(recs)}
        points = sorted({r.start for r in recs} | {r.end for r in recs})
        starts: dict[int, list[str]] = {}
        ends: dict[int, list[str]] = {}
        for r in recs:
            if r.end > r.start:
                starts.setdefault(r.start, []).append(r.rid)
                ends.setdefault(r.end, []).append(r.rid)
        active: dict[str, None] = {}
        self.points = points
        self.active: list[tuple[str, ...]] = []      # active[k] covers [points[k], points[k+1])
        for p in points:
            for rid in ends.get(p, ()):
                active.pop(rid, None)
            for rid in starts.get(p, ()):
                active[rid] = None
            self.active.append(tuple(sorted(active, key=order.__getitem__)))
        self.placed: set[str] = set()

    def rids_in(self, a: int, b: int) -> list[str]:
        """Ids of the records overlapping [a, b), in record order."""
        seen: dict[str, None] = {}
        k = bisect.bisect_right(self.points, a) - 1
        while k < len(self.points) - 1 and (k < 0 or self.points[k] < b):
            if k >= 0:
                for rid in self.active[k]:
                    seen[rid] = None
            k += 1
        return list(seen)

    def html(self, a: int, b: int) -> str:
        """The text in [a, b), escaped, with marks."""
        out: list[str] = []
        pos = a
        pts = self.points
        k = bisect.bisect_right(pts, a) - 1
        while pos < b:
            nxt = pts[k + 1] if k + 1 < len(pts) else b
            end = min(nxt, b)
            rids = self.active[k] if 0 <= k < len(self.active) else ()
            piece = escape(self.text[pos:end])
            if rids and end > pos:
                kinds = sorted({self.kind[r] for r in rids}, key=KINDS.index)
                cls = " ".join(["hl"] + [f"k-{k_}" for k_ in kinds])
                if sum(1 for r in rids if self.kind[r] != "project") > 1:
                    cls += " multi"
                out.append(f'<mark class="{cls}" data-recs="{" ".join(rids)}" data-s="{pos}" data-e="{end}">'
                           f"{piece}</mark>")
                self.placed.update(rids)
            else:
                out.append(piece)
            pos = end
            k += 1
        return "".join(out)


# --------------------------------------------------------------------------------------------------
# values


def _dec(x: Any) -> Decimal | None:
    if x is None or x == "":
        return None
    try:
        return Decimal(str(x))
    except InvalidOperation:
        return None


def value_text(value: dict[str, Any] | None) -> str:
    """The value as stored, with its bound: ``4.1``, ``≥ 300``, ``≤ 5.5``, ``4.5 – 5``, ``≈ 6``.

    >>> value_text({"low": "4.5", "high": "5", "qualifier": "range"})
    '4.5 – 5'
    >>> value_text({"low": None, "high": "-3", "qualifier": "at_most"})
    '≤ -3'
    """
    if not value:
        return ""
    lo, hi, q = value.get("low"), value.get("high"), value.get("qualifier")
    if lo is not None and hi is not None and lo != hi:
        return f"{lo} – {hi}"
    if lo is None and hi is not None:
        return f"≤ {hi}"
    if hi is None and lo is not None:
        return f"≥ {lo}"
    if lo is None:
        return ""
    return f"≈ {lo}" if q == "about" else str(lo)


def value_human(value: dict[str, Any] | None) -> str:
    """``149078000000`` CNY -> ``1490.78亿`` (only for amounts of at least 10,000), else ''."""
    if not value:
        return ""
    parts = []
    for x in (value.get("low"), value.get("high")):
        d = _dec(x)
        if d is not None and abs(d) >= 10000:
            parts.append(short_number(float(d), value.get("unit")))
    return " – ".join(dict.fromkeys(parts))


def short_value(rec: Rec) -> str:
    """What the record list shows: 4.1%, ≥300天, 1490.78亿, the qualitative wording, the investment."""
    d = rec.data
    if rec.kind == "project":
        inv = d.get("investment") or {}
        return "项目" + (f" {inv.get('raw')}" if inv.get("raw") else "")
    if rec.kind == "qualitative":
        w = d.get("wording") or d.get("status") or ""
        return w if len(w) <= 12 else w[:11] + "…"
    v = d.get("value") or {}
    lo, hi, unit = _dec(v.get("low")), _dec(v.get("high")), v.get("unit")

    def s(x: Decimal) -> str:
        return short_number(float(x), unit) if unit in ("percent", "percentage_point") or abs(x) >= 10000 else \
            f"{_plain(x)}{'' if not unit else ' ' + unit}"
    if lo is not None and hi is not None and lo != hi:
        return f"{s(lo)}–{s(hi)}"
    if lo is None and hi is not None:
        return f"≤{s(hi)}"
    if hi is None and lo is not None:
        return f"≥{s(lo)}"
    return s(lo) if lo is not None else (v.get("raw") or "")


def _plain(x: Decimal) -> str:
    t = format(x, "f")
    return t.rstrip("0").rstrip(".") if "." in t else t


def record_attrs(rec: Rec) -> dict[str, str]:
    """The data-* attributes of a record's list item (every field the side panel shows)."""
    d = rec.data
    src = d.get("source") or {}
    a: dict[str, Any] = {"rec": rec.rid, "kind": rec.kind, "name": d.get("name")}
    if rec.kind == "project":
        inv = d.get("investment") or {}
        if inv:
            a["investment"] = " ".join(x for x in (str(inv.get("value") or ""), inv.get("unit") or "",
                                                   f"({inv.get('raw')})" if inv.get("raw") else "",
                                                   value_human({"low": inv.get("value"), "unit": inv.get("unit")}))
                                       if x)
        a["capacity"] = d.get("capacity")
        a["milestones"] = "; ".join(f"{m.get('text')}" + (f" ({m.get('year')})" if m.get("year") else "")
                                    for m in d.get("milestones") or [])
        a["path"] = f"projects[{rec.rid[1:]}]"
    else:
        v = d.get("value") or {}
        human = value_human(v)
        a.update({"indicator": d.get("indicator_id"), "parent": d.get("parent"), "year": d.get("year"),
                  "status": d.get("status"), "value": value_text(v) + (f" ({human})" if human else ""),
                  "unit": v.get("unit"), "qualifier": v.get("qualifier"), "raw": v.get("raw"),
                  "wording": d.get("wording")})
        a["path"] = f"indicators[{rec.rid[1:]}]"
    a.update({"text": d.get("text"), "section": src.get("section"), "table": src.get("table"),
              "row": src.get("row"), "column": src.get("column"), "page": src.get("page"),
              "span": f"{src.get('char_start')}–{src.get('char_end')}", "extractor": d.get("extractor")})
    return {k: "" if v is None else str(v) for k, v in a.items()}


def _attrs(a: dict[str, str]) -> str:
    return "".join(f' data-{k}="{escape(v)}"' for k, v in a.items() if v != "")


# --------------------------------------------------------------------------------------------------
# charts: pairs of (target, actual)


class Linker:
    """Where a record lives: (source path, char_start, char_end, kind) -> (page, record id)."""

    def __init__(self, reports: Sequence[dict[str, Any]] = (), pages: Sequence[str] = ()) -> None:
        self.where: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.page_of: dict[str, str] = {}
        for rep, page in zip(reports, pages):
            self.add(rep, page)

    def add(self, report: dict[str, Any], page: str) -> None:
        path = _src_path(report)
        self.page_of.setdefault(path, page)
        for i, rec in enumerate(report.get("indicators") or []):
            s = rec.get("source") or {}
            self.where.setdefault((path, s.get("char_start"), s.get("char_end"), rec.get("kind")), (page, f"i{i}"))

    def href(self, source: dict[str, Any] | None, kind: str, here: str | None) -> str | None:
        if not source:
            return None
        path = source.get("path")
        hit = self.where.get((path, source.get("char_start"), source.get("char_end"), kind))
        if hit:
            page, rid = hit
            return f"#rec-{rid}" if page == here else f"{quote(page)}#rec-{rid}"
        page = self.page_of.get(str(path))
        if page is None or source.get("char_start") is None:
            return None
        return f"#at-{source['char_start']}" if page == here else f"{quote(page)}#at-{source['char_start']}"


def _src_path(report: dict[str, Any]) -> str:
    return str(((report.get("document") or {}).get("source") or {}).get("path") or "")


def pairs_from_rows(rows: Iterable[dict[str, Any]], linker: Linker, here: str | None) -> list[dict[str, Any]]:
    """Comparison rows (schemas/comparison.schema.json) -> chart pairs with links."""
    out = []
    for r in rows:
        p = {k: r.get(k) for k in ("indicator_id", "name", "year", "unit", "outcome")}
        for side in ("target", "actual"):
            s = r.get(side)
            p[side] = None if not s else {**s, "href": linker.href(s.get("source"), side, here)}
        out.append(p)
    return out


def own_pairs(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Target/actual pairs within one report (without pipeline.compare): per (indicator id, year), a table
    record before prose, numeric only."""
    best: dict[tuple[str, int, str], tuple[int, int]] = {}
    inds = report.get("indicators") or []
    for i, rec in enumerate(inds):
        iid, y, kind = rec.get("indicator_id"), rec.get("year"), rec.get("kind")
        if not iid or y is None or kind not in ("target", "actual") or rec.get("status") != "numeric":
            continue
        rank = 0 if (rec.get("source") or {}).get("table") is not None else 1
        key = (iid, y, kind)
        if key not in best or (rank, i) < best[key]:
            best[key] = (rank, i)
    try:
        from pipeline.compare import outcome_of
    except ImportError:  # pragma: no cover - the compare issue not merged
        outcome_of = None  # type: ignore[assignment]
    out = []
    for iid, y in sorted({(k[0], k[1]) for k in best}):
        t, a = best.get((iid, y, "target")), best.get((iid, y, "actual"))
        if not (t and a):
            continue
        tr, ar = inds[t[1]], inds[a[1]]
        tv = {"status": "numeric", **(tr.get("value") or {}), "href": f"#rec-i{t[1]}"}
        av = {"status": "numeric", **(ar.get("value") or {}), "href": f"#rec-i{a[1]}"}
        outcome = None
        if outcome_of is not None:
            try:
                outcome = outcome_of(tv, av)[0]
            except Exception:  # never let a chart break the page
                outcome = None
        out.append({"indicator_id": iid, "name": tr.get("name"), "year": y, "unit": tv.get("unit"),
                    "outcome": outcome, "target": tv, "actual": av})
    return out


def charts_html(pairs: list[dict[str, Any]], focus_year: int | None, max_series: int, where: str) -> str:
    """Dumbbell charts for ``focus_year`` (one per point unit) and series charts per indicator."""
    parts: list[str] = []
    comparable = [p for p in pairs if numeric_pair(p)]
    if comparable:
        years = Counter(p["year"] for p in comparable)
        year = focus_year if focus_year in years else years.most_common(1)[0][0]
        for unit in ("percent", "percentage_point"):
            rows = [p for p in comparable if p["year"] == year and p.get("unit") == unit
                    and (p["target"] or {}).get("unit", unit) == unit and (p["actual"] or {}).get("unit", unit) == unit]
            rows.sort(key=lambda p: (p.get("indicator_id") or "", p.get("name") or ""))
            if rows:
                more = f" (first {MAX_DUMBBELL_ROWS} of {len(rows)})" if len(rows) > MAX_DUMBBELL_ROWS else ""
                parts.append(dumbbell_svg(rows[:MAX_DUMBBELL_ROWS], f"{year}: targets vs actuals, {unit}{more}"))
    series = group_series(pairs)[:max_series]
    grid = [series_svg(ps, f"{ps[0].get('name') or iid} ({iid}) {where}".strip()) for iid, ps in series]
    if grid:
        parts.append('<div class="chartgrid">' + "".join(grid) + "</div>")
    if not parts:
        return ""
    return ('<details class="charts" open><summary>Targets vs actuals</summary>' + "".join(parts) + legend_html()
            + "</details>")


# --------------------------------------------------------------------------------------------------
# the report page


def _page(title: str, body: str, script: str, body_class: str = "") -> str:
    cls = f' class="{body_class}"' if body_class else ""
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<meta name="generator" content="govreport review">'
            '<link rel="icon" href="data:,">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body{cls}>\n{body}\n"
            f"<script>{script}</script>\n</body></html>\n")


def _heading_levels(sections: Iterable[dict[str, Any]], out: dict[int, int] | None = None) -> dict[int, int]:
    out = {} if out is None else out
    for s in sections:
        if isinstance(s.get("block"), int):
            out[s["block"]] = int(s.get("level") or 1)
        _heading_levels(s.get("children") or [], out)
    return out


def _table_html(table: dict[str, Any], hl: Highlighter, recs_by_cell: dict[tuple[int, int, int], list[str]],
                text: str, preceding: str) -> str:
    ti = table.get("index")
    cap = table.get("caption")
    bits = [f"table {ti}"]
    if table.get("page") is not None:
        bits.append(f"page {table['page']}")
    if table.get("content") is False:
        bits.append("repeated copy, not content")
    head = " · ".join(bits)
    if cap and cap not in preceding:
        head = f"{escape(cap)} · {head}"
    out = [f'<figure class="blk tbl" id="t{escape(str(ti))}"><figcaption>{head}</figcaption>'
           '<div class="tw"><table class="rt">']
    rows = table.get("rows") or []
    # the first row is a header unless a record was read from it (专栏 tables have no header row)
    header = bool(rows) and not any(k[0] == ti and k[1] == 0 for k in recs_by_cell) and not any(
        hl.rids_in(_int(c.get("char_start"), 0), _int(c.get("char_end"), 0)) for c in rows[0])
    for r, row in enumerate(rows):
        out.append("<tr>")
        for cell in row:
            tag = "th" if r == 0 and header else "td"
            s, e = _int(cell.get("char_start"), 0), _int(cell.get("char_end"), 0)
            inside = 0 <= s <= e <= len(text) and text[s:e] == cell.get("text", "")
            content = hl.html(s, e) if inside else escape(cell.get("text") or "")
            rids = list(dict.fromkeys(recs_by_cell.get((ti, _int(cell.get("row"), r), _int(cell.get("col"), -1)), [])
                                      + (hl.rids_in(s, e) if inside and e > s else [])))
            attrs = ""
            if int(cell.get("rowspan") or 1) > 1:
                attrs += f' rowspan="{int(cell["rowspan"])}"'
            if int(cell.get("colspan") or 1) > 1:
                attrs += f' colspan="{int(cell["colspan"])}"'
            if rids:
                kinds = sorted({hl.kind[x] for x in rids}, key=KINDS.index)
                attrs += f' class="x {" ".join("k-" + k for k in kinds)}" data-recs="{" ".join(rids)}"'
            out.append(f"<{tag}{attrs}>{content}</{tag}>")
        out.append("</tr>")
    out.append("</table></div></figure>")
    return "".join(out)


def _document_html(report: dict[str, Any], recs: list[Rec]) -> tuple[str, set[str]]:
    text = report.get("text") or ""
    hl = Highlighter(text, recs)
    levels = _heading_levels(report.get("sections") or [])
    tables = {t.get("block"): t for t in report.get("tables") or []}
    recs_by_cell: dict[tuple[int, int, int], list[str]] = {}
    for r in recs:
        s = r.data.get("source") or {}
        if s.get("table") is not None and s.get("row") is not None and s.get("column") is not None:
            recs_by_cell.setdefault((s["table"], s["row"], s["column"]), []).append(r.rid)
    out: list[str] = []
    pos, page = 0, None
    blocks = sorted(report.get("blocks") or [], key=lambda b: (_int(b.get("char_start"), 0), _int(b.get("index"), 0)))
    if not blocks and text:
        blocks = [{"index": 0, "kind": "paragraph", "char_start": 0, "char_end": len(text), "page": None}]
    for b in blocks:
        s, e = max(_int(b.get("char_start"), 0), pos), min(_int(b.get("char_end"), 0), len(text))
        if s > pos and text[pos:s].strip():
            out.append(f'<p class="blk gap">{hl.html(pos, s)}</p>')
        if b.get("page") is not None and b.get("page") != page:
            page = b["page"]
            out.append(f'<div class="pg">page {escape(str(page))}</div>')
        if e <= s:
            continue
        cls = "blk" + ("" if b.get("content", True) else " debris")
        deb = "" if b.get("content", True) else ' title="not content: web-page debris or a repeated copy"'
        if b.get("kind") == "table" and b.get("index") in tables:
            out.append(_table_html(tables[b["index"]], hl, recs_by_cell, text, text[max(0, s - 300):s]))
        elif b.get("kind") == "heading" or (b.get("index") in levels and e - s <= 40):  # a bare heading line
            lv = min(6, levels.get(b.get("index"), 3) + 1)
            out.append(f'<h{lv} class="{cls}"{deb}>{hl.html(s, e)}</h{lv}>')
        else:
            out.append(f'<p class="{cls}"{deb}>{hl.html(s, e)}</p>')
        pos = e
    if pos < len(text) and text[pos:].strip():
        out.append(f'<p class="blk gap">{hl.html(pos, len(text))}</p>')
    return "\n".join(out), hl.placed


def _doc_meta(report: dict[str, Any]) -> str:
    doc = report.get("document") or {}
    src = doc.get("source") or {}
    jur = doc.get("jurisdiction") or {}
    items = [
        ("jurisdiction", " / ".join(x for x in (jur.get("parent"), jur.get("name")) if x)
         + (f" ({jur['level']})" if jur.get("level") else "")),
        ("type", doc.get("report_type")), ("review year", doc.get("review_year")), ("plan year", doc.get("plan_year")),
        ("delivered", doc.get("delivered")), ("format", src.get("format")), ("pages", src.get("pages")),
        ("source", src.get("path")), ("sha256", (src.get("sha256") or "")[:12]),
        ("pipeline", (report.get("pipeline") or {}).get("version")),
    ]
    line = " · ".join(f"{escape(k)} <b>{escape(str(v))}</b>" for k, v in items if v not in (None, ""))
    warn = "".join(f'<p class="meta note">warning: {escape(str(w))}</p>' for w in doc.get("warnings") or [])
    return f'<p class="meta">{line}</p>{warn}'


def _title(report: dict[str, Any]) -> str:
    doc = report.get("document") or {}
    return doc.get("title") or Path(_src_path(report)).name or "report"


def render_report(report: dict[str, Any], comparison: dict[str, Any] | None = None, *,
                  page: str | None = None, linker: Linker | None = None, index_href: str | None = "index.html") -> str:
    """The review page of one report (a complete HTML document).

    ``comparison``: the result of :func:`pipeline.compare.compare_reports`; its rows for this report's
    jurisdiction feed the charts (else the report's own target/actual pairs do). ``page``/``linker``:
    this page's file name and where the other records live, for links from chart points.
    """
    recs = records_of(report)
    doc_html, placed = _document_html(report, recs)
    counts = Counter(r.kind for r in recs)
    # the record list
    items = []
    for r in recs:
        a = record_attrs(r)
        extra = "" if r.rid in placed else " unplaced"
        name = r.data.get("name") or ""
        iid = r.data.get("indicator_id") if r.kind != "project" else None
        label = name + (f" · {iid}" if iid else "")
        year = r.data.get("year")
        items.append(f'<li class="rec k-{r.kind}{extra}" id="rec-{r.rid}"{_attrs(a)}>'
                     f'<span class="sw k-{r.kind}"></span><span class="n"><span class="v">{escape(short_value(r))}</span> '
                     f'{escape(label)}</span><span class="y">{"" if year is None else escape(str(year))}</span></li>')
    unplaced = [r.rid for r in recs if r.rid not in placed]
    note = (f'<p class="note">{len(unplaced)} record(s) point outside the rendered text: '
            f'{escape(" ".join(unplaced[:20]))}</p>') if unplaced else ""
    # filters
    boxes = "".join(f'<label><input type="checkbox" checked data-kind="{k}"><span class="sw k-{k}"></span>'
                    f"{KIND_LABELS[k]} ({counts.get(k, 0)})</label>" for k in KINDS)
    ind_counts = Counter(r.data.get("indicator_id") for r in recs if r.kind != "project")
    names: dict[str, Counter[str]] = {}
    for r in recs:
        if r.kind != "project" and r.data.get("indicator_id"):
            names.setdefault(r.data["indicator_id"], Counter())[r.data.get("name") or ""] += 1
    opts = ['<option value="">all indicators</option>']
    for iid in sorted(k for k in ind_counts if k):
        nm = names[iid].most_common(1)[0][0]
        opts.append(f'<option value="{escape(iid)}">{escape(iid)} — {escape(nm)} ({ind_counts[iid]})</option>')
    if ind_counts.get(None):
        opts.append(f'<option value="-">(no indicator id) ({ind_counts[None]})</option>')
    filters = (f'<form id="filters" onsubmit="return false">{boxes}'
               f'<label>indicator <select id="f-indicator">{"".join(opts)}</select></label>'
               '<label><input type="checkbox" id="f-onlyhl"> only paragraphs with records</label>'
               '<span id="shown"></span></form>')
    # charts
    doc = report.get("document") or {}
    jur = doc.get("jurisdiction") or {}
    pairs: list[dict[str, Any]] = []
    if comparison and jur.get("name"):
        rows = [r for r in comparison.get("rows") or []
                if r.get("jurisdiction") == jur.get("name") and r.get("level") == jur.get("level")]
        pairs = pairs_from_rows(rows, linker or Linker([report], [page or ""]), page or "")
    if not any(numeric_pair(p) for p in pairs):
        pairs = own_pairs(report)
    charts = charts_html(pairs, doc.get("review_year"), MAX_SERIES_REPORT, jur.get("name") or "")
    back = f'<a href="{escape(index_href)}">← all reports</a> · ' if index_href else ""
    header = (f'<header class="top"><p class="meta">{back}govreport review</p><h1>{escape(_title(report))}</h1>'
              f"{_doc_meta(report)}<p class=\"meta\">{counts.get('target', 0)} targets · {counts.get('actual', 0)} "
              f"actuals · {counts.get('qualitative', 0)} qualitative/absent · {counts.get('project', 0)} projects · "
              f"{len(report.get('tables') or [])} tables · {len(report.get('text') or '')} characters. "
              "Click a highlight to see its record.</p></header>")
    panel = ('<aside id="panel"><section id="detail"><h2>Record</h2><div id="detail-body">'
             '<p class="hint">Click a highlighted value, or a record below.</p></div></section>'
             f'<section id="records"><h2>Records ({len(recs)})</h2>{note}<ol id="reclist">{"".join(items)}</ol>'
             "</section></aside>")
    body = f'{header}\n{filters}\n<div class="layout"><main id="doc">{charts}\n{doc_html}</main>\n{panel}</div>'
    return _page(_title(report), body, REPORT_JS)


# --------------------------------------------------------------------------------------------------
# the index page


def _counts(report: dict[str, Any]) -> Counter[str]:
    c = Counter(record_kind(r) for r in report.get("indicators") or [])
    c["project"] = len(report.get("projects") or [])
    c["tables"] = len(report.get("tables") or [])
    return c


def _side_cell(side: dict[str, Any] | None, kind: str, linker: Linker) -> str:
    if not side:
        return "<td></td>"
    raw = side.get("raw") or value_text(side)
    href = linker.href(side.get("source"), kind, None)
    src = side.get("source") or {}
    tip = f"{value_text(side)} {side.get('unit') or ''} ({side.get('qualifier') or side.get('status')}) — " \
          f"{src.get('path', '')}"
    inner = escape(raw)
    if href:
        inner = f'<a href="{escape(href)}">{inner}</a>'
    return f'<td title="{escape(tip)}">{inner}</td>'


def render_index(reports: Sequence[dict[str, Any]], comparison: dict[str, Any] | None = None,
                 pages: Sequence[str] | None = None) -> str:
    """The index: every report with counts and a link to its page; series charts and the comparison rows
    (``comparison`` from :func:`pipeline.compare.compare_reports`; None shows none)."""
    pages = list(pages) if pages is not None else page_names(reports)
    linker = Linker(reports, pages)
    copies = {r.get("path"): r.get("copy_of") for r in (comparison or {}).get("reports") or [] if r.get("copy_of")}

    def key(i: int) -> tuple[Any, ...]:
        doc = reports[i].get("document") or {}
        jur = doc.get("jurisdiction") or {}
        return (LEVEL_ORDER.get(jur.get("level") or "", 9), jur.get("name") or "~",
                doc.get("plan_year") or doc.get("review_year") or 0, pages[i])

    rows = []
    tot: Counter[str] = Counter()
    for i in sorted(range(len(reports)), key=key):
        rep, pg = reports[i], pages[i]
        doc = rep.get("document") or {}
        jur = doc.get("jurisdiction") or {}
        c = _counts(rep)
        tot.update(c)
        copy = copies.get(_src_path(rep))
        title = escape(_title(rep)) + (f'<br><span class="meta">copy of {escape(str(copy))}</span>' if copy else "")
        cells = [f'<td><a href="{escape(quote(pg))}">{escape(pg[:-5] if pg.endswith(".html") else pg)}</a></td>',
                 f'<td class="t">{title}</td>', f"<td>{escape(jur.get('name') or '')}</td>",
                 f"<td>{escape(jur.get('level') or '')}</td>", f"<td>{escape(doc.get('report_type') or '')}</td>",
                 f"<td class=\"num\">{escape(str(doc.get('review_year') or ''))}</td>",
                 f"<td class=\"num\">{escape(str(doc.get('plan_year') or ''))}</td>"]
        cells += [f'<td class="num">{c.get(k, 0)}</td>' for k in ("target", "actual", "qualitative", "project", "tables")]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("page", "title", "jurisdiction", "level", "type", "review", "plan",
                                            "targets", "actuals", "qualitative", "projects", "tables"))
    parts = [f'<header class="top"><h1>govreport review: {len(reports)} reports</h1><p class="meta">'
             f"{tot['target']} targets · {tot['actual']} actuals · {tot['qualitative']} qualitative/absent · "
             f"{tot['project']} projects. Each page shows a report's text with every extracted value highlighted; "
             "click a value to see its record.</p></header>", '<main class="index">',
             '<h2>Reports</h2><div class="tools"><input id="q-reports" type="search" placeholder="filter reports"></div>',
             f'<table class="list" id="reports"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>']
    if comparison is None:
        parts.append("<h2>Comparison</h2><p class=\"meta\">No comparison (pipeline.compare is not available).</p>")
    else:
        crow = comparison.get("rows") or []
        pairs_by_j: dict[tuple[str, Any], list[dict[str, Any]]] = {}
        for r in crow:
            pairs_by_j.setdefault((r.get("jurisdiction"), r.get("level")), []).append(r)
        series = []
        for (jn, _lv), rs in pairs_by_j.items():
            for iid, ps in group_series(pairs_from_rows(rs, linker, None)):
                series.append((-sum(1 for p in ps if numeric_pair(p)), jn or "", iid, ps))
        series.sort(key=lambda t: t[:3])
        if series:
            svgs = "".join(series_svg(ps, f"{jn} · {ps[0].get('name') or iid} ({iid})")
                           for _n, jn, iid, ps in series[:MAX_SERIES_INDEX])
            parts.append(f'<details class="charts" open><summary>Targets vs actuals over the years '
                         f"({min(len(series), MAX_SERIES_INDEX)} of {len(series)} series with 3+ compared years)"
                         f'</summary><div class="chartgrid">{svgs}</div>{legend_html()}</details>')
        conv = comparison.get("convention") or {}
        summ = comparison.get("summary") or {}
        oc = summ.get("outcomes") or {}
        opts = "".join(f'<option value="{escape(o)}">{escape(o)} ({n})</option>' for o, n in oc.items())
        body = []
        for r in crow:
            o = r.get("outcome") or ""
            body.append(
                f'<tr data-outcome="{escape(o)}"><td>{escape(r.get("jurisdiction") or "")}</td>'
                f'<td>{escape(r.get("indicator_id") or "")}</td><td>{escape(r.get("name") or "")}</td>'
                f'<td class="num">{escape(str(r.get("year") or ""))}</td>'
                f'{_side_cell(r.get("target"), "target", linker)}{_side_cell(r.get("actual"), "actual", linker)}'
                f'<td class="oc o-{escape(o)}">{escape(o)}</td><td class="num">{escape(str(r.get("gap") or ""))}</td>'
                f'<td>{escape(r.get("unit") or "")}</td><td>{escape(r.get("reason") or "")}</td></tr>')
        chead = "".join(f"<th>{h}</th>" for h in ("jurisdiction", "indicator", "name", "year", "target", "actual",
                                                 "outcome", "gap", "unit", "reason"))
        parts.append(
            f"<h2>Comparison: targets vs actuals ({len(crow)} rows)</h2>"
            f'<p class="meta">From pipeline.compare (convention {escape(str(conv.get("name") or ""))}); '
            "a target or actual links to its highlight in the report page.</p>"
            '<div class="tools"><input id="q-rows" type="search" placeholder="filter rows (jurisdiction, indicator, year…)">'
            f'<select id="q-outcome"><option value="">all outcomes</option>{opts}</select><span id="rows-shown"></span></div>'
            f'<table class="list" id="rows"><thead><tr>{chead}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    parts.append("</main>")
    return _page(f"govreport review: {len(reports)} reports", "\n".join(parts), INDEX_JS)


# --------------------------------------------------------------------------------------------------
# loading and writing


@dataclass
class ReviewResult:
    """What :func:`write_review` wrote."""

    index: Path
    pages: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    comparison_rows: int | None = None


def _is_report(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("text"), str) and "indicators" in data and "document" in data


def load_reports(items: Iterable[Any]) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Reports (dicts), ``.json`` files, folders (every report ``*.json`` below, recursively, sorted) or, for
    convenience, source files (.txt/.docx/.pdf, extracted now) -> (reports, page names, problems)."""
    reports: list[dict[str, Any]] = []
    stems: list[str | None] = []
    problems: list[str] = []
    for item in items:
        if isinstance(item, dict):
            reports.append(item)
            stems.append(None)
            continue
        p = Path(item)
        if p.is_dir():
            for f in sorted(p.rglob("*.json")):
                if any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                try:
                    data = json.loads(f.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue  # not every JSON below an output folder is a report
                if _is_report(data):
                    reports.append(data)
                    stems.append(f.name[:-5])
            continue
        if p.suffix.lower() in (".txt", ".docx", ".pdf"):
            from pipeline.errors import PipelineError
            from pipeline.process import extract_file
            try:
                reports.append(extract_file(p))
                stems.append(p.name)
            except PipelineError as e:
                problems.append(str(e))
            continue
        if not p.exists() and any(ch in str(item) for ch in "*?["):  # a glob the shell did not expand
            from pipeline.ingest import find_inputs

            files, missing = find_inputs([str(item)], (".json",))
            problems += missing
            more, names, probs = load_reports(files)
            reports += more
            stems += [n[:-5] for n in names]
            problems += probs
            continue
        from pipeline.compare import load_report  # the one loader: a schema-valid report or a clear error
        from pipeline.errors import PipelineError

        if not p.exists():
            problems.append(f"{p}: no such file")
            continue
        try:
            data = load_report(p)
        except PipelineError as e:
            problems.append(str(e))
            continue
        reports.append(data)
        stems.append(p.name[:-5] if p.name.lower().endswith(".json") else p.name)
    return reports, page_names(reports, stems), problems


def page_names(reports: Sequence[dict[str, Any]], stems: Sequence[str | None] | None = None) -> list[str]:
    """One unique file name per report: ``<json name without .json>.html`` (or the source file name + .html)."""
    out: list[str] = []
    used: set[str] = {"index.html"}
    for i, rep in enumerate(reports):
        stem = (stems[i] if stems else None) or Path(_src_path(rep)).name or f"report-{i + 1}"
        stem = "".join(ch if ch not in '/\\:*?"<>|#%&' and ord(ch) >= 32 else "_" for ch in stem).strip(". ") or f"r{i}"
        name, n = f"{stem}.html", 2
        while name.lower() in used:
            name, n = f"{stem}-{n}.html", n + 1
        used.add(name.lower())
        out.append(name)
    return out


def _write_text_atomic(path: Path, text: str) -> None:
    from pipeline.store import write_text_atomic

    write_text_atomic(path, text)


def compare_if_available(reports: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """:func:`pipeline.compare.compare_reports` on the reports, or None when that module does not exist."""
    try:
        from pipeline.compare import compare_reports
    except ModuleNotFoundError as e:
        if e.name in ("pipeline.compare", "pipeline"):
            return None
        raise
    return compare_reports(list(reports))


def write_review(reports_or_paths: Iterable[Any] | str | os.PathLike[str], out_dir: str | os.PathLike[str], *,
                 compare: bool = True, on_page: Callable[[Path], None] | None = None) -> ReviewResult:
    """Write one page per report and ``index.html`` into ``out_dir``; returns what was written.

    ``reports_or_paths``: report dicts, report ``.json`` files, or folders of them (e.g. the output folder
    of ``govreport run``: every report JSON below it is read, other JSON files are ignored). A bad file is a
    problem in the result, not an exception. ``compare``: add the comparison rows of
    :func:`pipeline.compare.compare_reports` (when that module exists) to the index and the charts.
    """
    if isinstance(reports_or_paths, (str, os.PathLike)):
        reports_or_paths = [reports_or_paths]
    reports, pages, problems = load_reports(reports_or_paths)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    comparison = None
    if compare and reports:
        try:
            comparison = compare_if_available(reports)
        except Exception as e:  # the pages are still worth having
            problems.append(f"comparison failed: {type(e).__name__}: {e}")
    linker = Linker(reports, pages)
    result = ReviewResult(index=out / "index.html", problems=problems,
                          comparison_rows=None if comparison is None else len(comparison.get("rows") or []))
    for rep, name in zip(reports, pages):
        path = out / name
        _write_text_atomic(path, render_report(rep, comparison, page=name, linker=linker))
        result.pages.append(path)
        if on_page:
            on_page(path)
    _write_text_atomic(result.index, render_index(reports, comparison, pages))
    return result
