"""Readable views of a comparison (pipeline.compare): terminal and Markdown tables, and one SVG chart per indicator.

The SVG is written by hand (no plotting library): x = years, the target as a band (about: value ±
tolerance; range: low–high), a line (exact) or a line with an arrow (at_least ▲, at_most ▼), the actual
as a dot coloured by outcome. Every mark carries a <title> tooltip with the wording and the source file.

>>> fmt_amount("149078000000", "CNY")
'1490.78亿元'
>>> fmt_side({"status": "numeric", "low": "6", "high": None, "unit": "percent", "qualifier": "at_least", "raw": "6%以上"})
'≥6%'
>>> fmt_side({"status": "numeric", "low": None, "high": "-3", "unit": "percent", "qualifier": "at_most", "raw": "下降3%以上"})
'≤-3%'
>>> text_width("江津区 ab")
9
"""

from __future__ import annotations

import html
import math
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Sequence

import regex

from pipeline.normalize import dec

UNIT_SUFFIX = {"percent": "%", "percentage_point": "pp", "CNY": "元", "USD": "美元", "person": "人", "ton": "吨",
               "household": "户", "day": "天", "item": "个", "mu": "亩", "km": "公里", "m2": "平方米", "kw": "千瓦",
               "ug_m3": "μg/m³", "jin": "斤"}
SCALED_UNITS = {"CNY", "USD", "person", "ton", "household", "mu", "m2", "kw", "jin", "item"}
OUTCOME_COLOURS = {"met": "#2a9d8f", "exceeded": "#1d4e89", "missed": "#d62828", "not_comparable": "#8d99ae",
                   "pending": "#8d99ae"}


def text_width(s: str) -> int:
    """Terminal columns of ``s`` (CJK characters are two wide)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - text_width(s))


def fmt_amount(value: str | None, unit: str | None) -> str:
    """A decimal string with its unit, large amounts in 万/亿/万亿 (Chinese reading units)."""
    if value is None:
        return "?"
    d = Decimal(value)
    scale = ""
    if unit in SCALED_UNITS:
        for factor, name in ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")):
            if abs(d) >= factor:
                d, scale = d / factor, name
                break
    return f"{dec(d)}{scale}{UNIT_SUFFIX.get(unit or '', (' ' + unit) if unit else '')}"


def fmt_side(side: dict[str, Any] | None, width: int = 24) -> str:
    """A target or actual as a short string: 7%, ≈5.5%, ≥6%, ≤5.5%, 6.5–7%, or the qualitative wording."""
    if side is None:
        return "—"
    if side.get("status") == "absent":
        return "(none set)"
    if side.get("status") != "numeric":
        raw = side.get("raw") or "(qualitative)"
        return raw if len(raw) <= width // 2 else raw[: width // 2 - 1] + "…"
    lo, hi, unit, q = side.get("low"), side.get("high"), side.get("unit"), side.get("qualifier")
    if q == "at_least":
        return "≥" + fmt_amount(lo, unit)
    if q == "at_most":
        return "≤" + fmt_amount(hi, unit)
    if lo is not None and hi is not None and lo != hi:
        return f"{fmt_amount(lo, unit).rstrip('%')}–{fmt_amount(hi, unit)}" if unit == "percent" else \
            f"{fmt_amount(lo, unit)}–{fmt_amount(hi, unit)}"
    v = fmt_amount(lo if lo is not None else hi, unit)
    return ("≈" + v) if q == "about" else v


def fmt_gap(gap: str | None, unit: str | None) -> str:
    """The gap with its sign; amounts in large units are scaled like the values.

    >>> fmt_gap("0.2", "percent"), fmt_gap("-480000000", "CNY"), fmt_gap(None, None)
    ('+0.2', '-4.8亿', '')
    """
    if gap is None:
        return ""
    s = fmt_amount(gap, unit if unit in SCALED_UNITS else None).replace(UNIT_SUFFIX.get(unit or "", "\0"), "")
    return s if s.startswith("-") or s == "0" else "+" + s


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], fmt: str) -> str:
    rows = [list(r) for r in rows]
    if fmt == "md":
        out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max([text_width(h)] + [text_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def render_rows(comparison: dict[str, Any], fmt: str = "text", with_actual_only: bool = False) -> str:
    """Targets vs actuals: one line per row with a target (and, with ``with_actual_only``, the others)."""
    rows = [r for r in comparison["rows"] if with_actual_only or r["target"] is not None]
    return _table(["jurisdiction", "indicator", "year", "target", "actual", "outcome", "gap"],
                  ([r["jurisdiction"], r["indicator_id"], str(r["year"]), fmt_side(r["target"]), fmt_side(r["actual"]),
                    r["outcome"], fmt_gap(r["gap"], r["unit"])] for r in rows), fmt)


def render_revisions(comparison: dict[str, Any], fmt: str = "text") -> str:
    """Target revisions, one line per (jurisdiction, indicator, Y -> Y+1)."""
    return _table(["jurisdiction", "indicator", "years", "from", "to", "revision", "change"],
                  ([r["jurisdiction"], r["indicator_id"], f"{r['year_from']}→{r['year_to']}", fmt_side(r["from"]),
                    fmt_side(r["to"]), r["revision"], fmt_gap(r["change"], r["unit"])] for r in comparison["revisions"]), fmt)


def render_projects(comparison: dict[str, Any], fmt: str = "text") -> str:
    """Projects seen in several reports or with promised milestones: years, investment, promises and their status."""
    lines = []
    for p in comparison["projects"]:
        several = len({a["source"]["path"] for a in p["appearances"]}) > 1 or len(p["years"]) > 1
        if not several and not p["promises"]:
            continue
        inv = " → ".join(dict.fromkeys(i["raw"] or fmt_amount(i["value"], i["unit"]) for i in p["investment_history"]))
        promises = "; ".join(f"{x['year']} {x['text']}: {x['status']}" + (f" ({x['evidence']})" if x["status"] == "slipped" else "")
                             for x in p["promises"])
        lines.append([p["jurisdiction"], " / ".join(p["names"]), ",".join(map(str, p["years"])), inv or "", promises])
    return _table(["jurisdiction", "project", "years", "investment", "promised milestones"], lines, fmt)


def render(comparison: dict[str, Any], fmt: str = "text") -> str:
    """All three tables with headings, and the summary."""
    s = comparison["summary"]
    h = (lambda t: f"## {t}\n") if fmt == "md" else (lambda t: f"{t}\n{'=' * text_width(t)}\n")
    parts = [h("Targets vs actuals") + render_rows(comparison, fmt)]
    if comparison["revisions"]:
        parts.append(h("Target revisions") + render_revisions(comparison, fmt))
    proj = render_projects(comparison, fmt)
    if proj.count("\n") > 1:
        parts.append(h("Projects") + proj)
    o = s["outcomes"]
    parts.append(f"{s['rows']} rows, {s['compared']} compared (met {o['met']}, exceeded {o['exceeded']}, missed "
                 f"{o['missed']}), {o['not_comparable']} not comparable, {o['pending']} pending; "
                 f"{sum(s['revisions'].values())} revisions; {s['projects']} projects "
                 f"({s['projects_in_several_reports']} in several reports)")
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------------------
# SVG


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi].

    >>> _nice_ticks(2.7, 8.3)
    [2, 4, 6, 8, 10]
    """
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks, t = [], start
    while t < hi + step * 0.999:
        ticks.append(round(t, 10))
        t += step
    return ticks


def _label(iid: str) -> str:
    try:
        from pipeline.extract.crosswalk import crosswalk

        return str(crosswalk().get(iid, {}).get("label", iid))
    except Exception:  # the chart does not need the crosswalk
        return iid


def chart_svg(rows: list[dict[str, Any]], about_tolerance: Decimal = Decimal("0.5"),
              about_relative: Decimal = Decimal("0.05"), width: int = 720, height: int = 380) -> str:
    """One self-contained SVG: the target and the actual of each year of one (jurisdiction, indicator).

    Only values in the most common unit of the rows are drawn.

    >>> row = {"jurisdiction": "X", "indicator_id": "gdp_growth", "year": 2023, "unit": "percent", "outcome": "met",
    ...        "target": {"status": "numeric", "low": "5", "high": "5", "unit": "percent", "qualifier": "about", "raw": "5%左右",
    ...                   "source": {"path": "a.txt"}},
    ...        "actual": {"status": "numeric", "low": "5.2", "high": "5.2", "unit": "percent", "qualifier": "exact", "raw": "5.2%",
    ...                   "source": {"path": "b.txt"}}}
    >>> svg = chart_svg([row])
    >>> svg.startswith("<svg") and svg.count("<circle") >= 1 and "5%左右" in svg
    True
    """
    from collections import Counter

    units = Counter(s["unit"] for r in rows for s in (r["target"], r["actual"]) if s and s.get("status") == "numeric")
    unit = units.most_common(1)[0][0] if units else None

    def num(s: dict[str, Any] | None) -> bool:
        return bool(s) and s.get("status") == "numeric" and s.get("unit") == unit  # type: ignore[union-attr]

    marks: list[tuple[int, str, float | None, float | None, dict[str, Any], str]] = []  # year, kind, lo, hi, side, outcome
    values: list[float] = []
    for r in rows:
        t, a = r["target"], r["actual"]
        if num(t):
            lo = float(t["low"]) if t["low"] is not None else None
            hi = float(t["high"]) if t["high"] is not None else None
            if t["qualifier"] == "about" and lo is not None:
                tol = float(about_tolerance if unit in ("percent", "percentage_point") else abs(Decimal(t["low"])) * about_relative)
                lo, hi = lo - tol, lo + tol
            marks.append((r["year"], "target", lo, hi, t, r["outcome"]))
            values += [v for v in (lo, hi) if v is not None]
        if num(a):
            v = float(a["low"] if a["low"] is not None else a["high"])
            marks.append((r["year"], "actual", v, v, a, r["outcome"]))
            values.append(v)
    years = sorted({r["year"] for r in rows})
    title = f"{rows[0]['jurisdiction']}: {_label(rows[0]['indicator_id'])} ({rows[0]['indicator_id']})" if rows else ""
    ml, mr, mt, mb = 64, 20, 44, 76
    pw, ph = width - ml - mr, height - mt - mb
    ticks = _nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    y0, y1 = ticks[0], ticks[-1]

    def X(year: int) -> float:
        if len(years) == 1:
            return ml + pw / 2
        return ml + pw * (years.index(year) + 0.5) / len(years)

    def Y(v: float) -> float:
        return mt + ph - (v - y0) / (y1 - y0) * ph

    slot = pw / max(1, len(years))
    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<title>{e(title)}</title>',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
           f'<text x="{ml}" y="20" font-size="14" font-weight="bold">{e(title)}</text>',
           f'<text x="{ml}" y="36" fill="#555">unit: {e(str(unit))}; target band/line, actual dot (colour = outcome)</text>']
    for t in ticks:
        out.append(f'<line x1="{ml}" y1="{Y(t):.1f}" x2="{ml + pw}" y2="{Y(t):.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{ml - 6}" y="{Y(t) + 4:.1f}" text-anchor="end">{e(dec(Decimal(repr(t))) or "0")}</text>')
    out.append(f'<line x1="{ml}" y1="{mt}" x2="{ml}" y2="{mt + ph}" stroke="#333"/>')
    out.append(f'<line x1="{ml}" y1="{mt + ph}" x2="{ml + pw}" y2="{mt + ph}" stroke="#333"/>')
    every = max(1, math.ceil(len(years) / 18))
    for i, yr in enumerate(years):
        if i % every == 0:
            out.append(f'<text x="{X(yr):.1f}" y="{mt + ph + 16}" text-anchor="middle">{yr}</text>')
    half = min(18.0, slot * 0.35)
    for yr, kind, lo, hi, side, outcome in marks:
        x = X(yr)
        tip = e(f"{yr} {kind}: {side.get('raw') or ''} ({side.get('qualifier') or ''}) — {side.get('source', {}).get('path', '')}"
                + (f" — {outcome}" if kind == "actual" else ""))
        if kind == "target":
            q = side["qualifier"]
            if lo is not None and hi is not None and lo != hi:
                out.append(f'<rect x="{x - half:.1f}" y="{Y(hi):.1f}" width="{2 * half:.1f}" height="{max(1.0, Y(lo) - Y(hi)):.1f}" '
                           f'fill="#a8c5e8" fill-opacity="0.6" stroke="#4a78b0"><title>{tip}</title></rect>')
                if q == "about":
                    mid = (lo + hi) / 2
                    out.append(f'<line x1="{x - half:.1f}" y1="{Y(mid):.1f}" x2="{x + half:.1f}" y2="{Y(mid):.1f}" stroke="#4a78b0" stroke-width="2"/>')
            else:
                v = lo if lo is not None else hi
                assert v is not None
                out.append(f'<line x1="{x - half:.1f}" y1="{Y(v):.1f}" x2="{x + half:.1f}" y2="{Y(v):.1f}" stroke="#4a78b0" '
                           f'stroke-width="3"><title>{tip}</title></line>')
                if q in ("at_least", "at_most"):
                    d = -1 if q == "at_least" else 1
                    tip_y = Y(v) + d * 10
                    out.append(f'<path d="M{x - 5:.1f},{Y(v) + d * 3:.1f} L{x + 5:.1f},{Y(v) + d * 3:.1f} L{x:.1f},{tip_y:.1f} Z" '
                               f'fill="#4a78b0"><title>{tip}</title></path>')
        else:
            assert lo is not None
            out.append(f'<circle cx="{x:.1f}" cy="{Y(lo):.1f}" r="4.5" fill="{OUTCOME_COLOURS.get(outcome, "#8d99ae")}" '
                       f'stroke="white"><title>{tip}</title></circle>')
    legend = [[("band", "#a8c5e8", "target: about (±tolerance) or range"), ("line", "#4a78b0", "target: exact (▲ at least, ▼ at most)")],
              [("dot", c, f"actual: {o}") for o, c in OUTCOME_COLOURS.items() if o != "pending"]]
    for row_no, items in enumerate(legend):
        ly, lx = height - 34 + row_no * 18, ml
        for shape, colour, label in items:
            if shape == "band":
                out.append(f'<rect x="{lx}" y="{ly - 8}" width="14" height="10" fill="{colour}" stroke="#4a78b0"/>')
            elif shape == "line":
                out.append(f'<line x1="{lx}" y1="{ly - 3}" x2="{lx + 14}" y2="{ly - 3}" stroke="{colour}" stroke-width="3"/>')
            else:
                out.append(f'<circle cx="{lx + 7}" cy="{ly - 3}" r="4.5" fill="{colour}"/>')
            out.append(f'<text x="{lx + 18}" y="{ly + 1}">{e(label)}</text>')
            lx += 30 + int(text_width(label) * 6)
    out.append("</svg>")
    return "\n".join(out) + "\n"


_UNSAFE = regex.compile(r"[^\p{L}\p{N}_.-]+")


def write_charts(comparison: dict[str, Any], out_dir: str | Path, min_years: int = 2) -> list[Path]:
    """One SVG per (jurisdiction, indicator) with numeric values in at least ``min_years`` years; returns the files."""
    from collections import defaultdict

    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in comparison["rows"]:
        groups[(r["jurisdiction"], r["indicator_id"])].append(r)
    conv = comparison["convention"]
    tol, rel = Decimal(conv["about_tolerance"]), Decimal(conv["about_relative"])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for (jur, iid), rows in sorted(groups.items()):
        years = {r["year"] for r in rows for s in (r["target"], r["actual"]) if s and s.get("status") == "numeric"}
        if len(years) < min_years:
            continue
        path = out / f"{_UNSAFE.sub('_', jur)}_{iid}.svg"
        tmp = path.with_suffix(".svg.tmp")
        tmp.write_text(chart_svg(sorted(rows, key=lambda r: r["year"]), tol, rel), encoding="utf-8")
        tmp.replace(path)
        written.append(path)
    return written
