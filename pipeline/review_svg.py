"""Inline SVG charts of targets vs actuals for the review pages (no library, no script).

A *pair* is one (indicator, year) with a target side and an actual side, as in the rows of
``pipeline.compare`` (``schemas/comparison.schema.json``), plus an ``href`` per side that links to the
highlight of the record::

    {"indicator_id": "gdp_growth", "name": "地区生产总值增速", "year": 2024, "unit": "percent",
     "outcome": "missed",
     "target": {"low": "7", "high": "7", "qualifier": "exact", "raw": "7%", "href": "#rec-i0"},
     "actual": {"low": "4.1", "high": "4.1", "qualifier": "exact", "raw": "4.1%", "href": "#rec-i1"}}

Two charts: :func:`dumbbell_svg` (many indicators, one year, one axis: growth rates in percent) and
:func:`series_svg` (one indicator over the years). Every label is escaped.

>>> nice_ticks(0.0, 9.3)
[0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
>>> short_number(149078000000, "CNY")
'1490.78亿'
>>> short_number(4.1, "percent")
'4.1%'
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any, Iterable, Sequence

OUTCOME_CLASS = {"met": "o-met", "exceeded": "o-exceeded", "missed": "o-missed"}


def _f(x: Any) -> float | None:
    if x is None or x == "":
        return None
    try:
        v = float(Decimal(str(x)))
    except (InvalidOperation, ValueError):
        return None
    return v if math.isfinite(v) else None


def target_interval(side: dict[str, Any]) -> tuple[float | None, float | None]:
    """(low, high) of a target on the signed value; None is an open end."""
    return _f(side.get("low")), _f(side.get("high"))


def actual_point(side: dict[str, Any]) -> float | None:
    """The actual as a point (its low, else its high)."""
    lo, hi = _f(side.get("low")), _f(side.get("high"))
    return lo if lo is not None else hi


def numeric_pair(p: dict[str, Any]) -> bool:
    """Both sides present with a number on them."""
    t, a = p.get("target"), p.get("actual")
    if not t or not a or t.get("status", "numeric") != "numeric" or a.get("status", "numeric") != "numeric":
        return False
    lo, hi = target_interval(t)
    return (lo is not None or hi is not None) and actual_point(a) is not None


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step) * step
    ticks, t = [], first
    while t < hi + step * 0.999:
        ticks.append(float(round(t, 10)))
        t += step
    return ticks


def short_number(x: float, unit: str | None) -> str:
    """A short label: 4.1%, 0.5pt, 1490.78亿, 2.4万."""
    if unit == "percent":
        return f"{_trim(x)}%"
    if unit == "percentage_point":
        return f"{_trim(x)}pt"
    ax = abs(x)
    if ax >= 1e8:
        return f"{_trim(x / 1e8)}亿"
    if ax >= 1e4:
        return f"{_trim(x / 1e4)}万"
    return _trim(x)


def _trim(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _side_text(side: dict[str, Any] | None, unit: str | None) -> str:
    if not side:
        return "none"
    raw = side.get("raw") or ""
    q = side.get("qualifier") or ""
    lo, hi = _f(side.get("low")), _f(side.get("high"))
    if lo is not None and hi is not None and lo != hi:
        val = f"{short_number(lo, unit)} – {short_number(hi, unit)}"
    elif lo is None and hi is not None:
        val = f"≤ {short_number(hi, unit)}"
    elif hi is None and lo is not None and q == "at_least":
        val = f"≥ {short_number(lo, unit)}"
    elif lo is not None:
        val = short_number(lo, unit)
    else:
        val = "?"
    return f"{val} ({q}; {raw})" if raw else f"{val} ({q})"


def pair_title(p: dict[str, Any]) -> str:
    """Tooltip text of a pair."""
    unit = p.get("unit")
    out = p.get("outcome") or "not compared"
    return (f"{p.get('name') or p.get('indicator_id')} {p.get('year')}: target {_side_text(p.get('target'), unit)}, "
            f"actual {_side_text(p.get('actual'), unit)}: {out}")


def _link(href: str | None, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _clip(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def legend_html() -> str:
    """The colour legend under the charts (HTML, not SVG)."""
    return ('<p class="legend">target: <svg width="30" height="10" aria-hidden="true"><rect x="1" y="1" width="28" '
            'height="8" style="fill:var(--target);stroke:var(--target-d)"/></svg> a range, a tick one value, '
            'an arrow an open bound (at least / at most); actual:<span class="dot o-met"></span>met<span class="dot o-exceeded">'
            '</span>exceeded<span class="dot o-missed"></span>missed<span class="dot o-other"></span>not compared. '
            'Hover a point for its values; click it to see its record.</p>')


def dumbbell_svg(pairs: Sequence[dict[str, Any]], title: str, width: int = 720) -> str:
    """One row per pair: the target (tick; bar for a range; arrow for an open bound) and the actual (dot, coloured by
    outcome) on one shared axis. Pairs must share a unit (percent, usually)."""
    pairs = [p for p in pairs if numeric_pair(p)]
    if not pairs:
        return ""
    unit = pairs[0].get("unit")
    vals: list[float] = []
    for p in pairs:
        lo, hi = target_interval(p["target"])
        vals += [v for v in (lo, hi, actual_point(p["actual"])) if v is not None]
    vmin, vmax = min(vals + [0.0]), max(vals + [0.0])
    ticks = nice_ticks(vmin, vmax)
    t0, t1 = ticks[0], ticks[-1]
    left, right, top, row = 210, 110, 34, 22
    plot_w = width - left - right
    height = top + row * len(pairs) + 24

    def x(v: float) -> float:
        return left + (v - t0) / (t1 - t0) * plot_w

    out = [f'<svg class="chart dumbbell" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f"<title>{escape(title)}</title>",
           f'<text x="0" y="14" font-weight="600">{escape(title)}</text>']
    for t in ticks:
        out.append(f'<line class="grid" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top - 6}" y2="{height - 20}"/>'
                   f'<text x="{x(t):.1f}" y="{height - 6}" text-anchor="middle">{escape(short_number(t, unit))}</text>')
    if t0 < 0 < t1:
        out.append(f'<line class="ax" x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 6}" y2="{height - 20}"/>')
    for i, p in enumerate(pairs):
        cy = top + row * i + row / 2
        t, a = p["target"], p["actual"]
        lo, hi = target_interval(t)
        av = actual_point(a)
        assert av is not None
        label = _clip(f"{p.get('name') or p.get('indicator_id') or ''}", 16)
        out.append(f'<g><title>{escape(pair_title(p))}</title>')
        out.append(f'<text x="{left - 8}" y="{cy + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        ref = lo if lo is not None else hi
        assert ref is not None
        out.append(f'<line class="conn" x1="{x(ref):.1f}" x2="{x(av):.1f}" y1="{cy:.1f}" y2="{cy:.1f}"/>')
        out.append(_link(t.get("href"), _target_mark(x, lo, hi, cy, left, left + plot_w)))
        cls = OUTCOME_CLASS.get(p.get("outcome") or "", "o-other")
        out.append(_link(a.get("href"), f'<circle class="{cls}" cx="{x(av):.1f}" cy="{cy:.1f}" r="5"/>'))
        out.append(f'<text x="{left + plot_w + 8}" y="{cy + 4:.1f}">{escape(_clip(_pair_label(p, unit), 18))}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _pair_label(p: dict[str, Any], unit: str | None) -> str:
    av = actual_point(p["actual"])
    lo, hi = target_interval(p["target"])
    ref = lo if lo is not None else hi
    return f"{short_number(av, unit) if av is not None else '?'} / {short_number(ref, unit) if ref is not None else '?'}"


def _target_mark(x: Any, lo: float | None, hi: float | None, cy: float, xmin: float, xmax: float) -> str:
    """A tick for one value, a bar for a range, a tick with an arrow for an open bound (at least / at most)."""
    if lo is not None and hi is not None:
        if lo == hi:
            return f'<line class="tg" x1="{x(lo):.1f}" x2="{x(lo):.1f}" y1="{cy - 8:.1f}" y2="{cy + 8:.1f}"/>'
        a, b = sorted((x(lo), x(hi)))
        return f'<rect class="tgband" x="{a:.1f}" y="{cy - 5:.1f}" width="{max(b - a, 2):.1f}" height="10" rx="2"/>'
    v = lo if lo is not None else hi
    assert v is not None
    d = 1 if lo is not None else -1          # at_least points right (up), at_most left (down)
    px = x(v)
    return (f'<g><line class="tg" x1="{px:.1f}" x2="{px:.1f}" y1="{cy - 8:.1f}" y2="{cy + 8:.1f}"/>'
            f'<polygon class="tgarrow" points="{px:.1f},{cy - 5:.1f} {px + 9 * d:.1f},{cy:.1f} {px:.1f},{cy + 5:.1f}"/></g>')


def series_svg(pairs: Sequence[dict[str, Any]], title: str, width: int = 380, height: int = 210) -> str:
    """One indicator over the years: targets (bars / ticks, joined by a dashed line) and actuals (dots coloured by
    outcome, joined by a line)."""
    pts = sorted((p for p in pairs if p.get("target") or p.get("actual")), key=lambda p: p["year"])
    pts = [p for p in pts if _has_number(p.get("target")) or _has_number(p.get("actual"))]
    if not pts:
        return ""
    unit = next((p.get("unit") for p in pts if p.get("unit")), None)
    pts = [p for p in pts if p.get("unit") in (unit, None)]
    vals: list[float] = []
    for p in pts:
        if _has_number(p.get("target")):
            vals += [v for v in target_interval(p["target"]) if v is not None]
        if _has_number(p.get("actual")):
            av = actual_point(p["actual"])
            if av is not None:
                vals.append(av)
    vmin, vmax = min(vals), max(vals)
    if unit in ("percent", "percentage_point"):
        vmin, vmax = min(vmin, 0.0), max(vmax, 0.0)
    span = (vmax - vmin) or abs(vmax) or 1.0
    ticks = nice_ticks(vmin - 0.05 * span, vmax + 0.05 * span, 4)
    years = [p["year"] for p in pts]
    y0, y1 = min(years), max(years)
    left, right, top, bottom = 52, 22, 26, 24
    pw, ph = width - left - right, height - top - bottom

    def X(yr: float) -> float:
        return left + (pw / 2 if y1 == y0 else (yr - y0) / (y1 - y0) * pw)

    def Y(v: float) -> float:
        return top + ph - (v - ticks[0]) / (ticks[-1] - ticks[0]) * ph

    out = [f'<svg class="chart series" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
           f"<title>{escape(title)}</title>", f'<text x="0" y="14" font-weight="600">{escape(_clip(title, 40))}</text>']
    for t in ticks:
        out.append(f'<line class="grid" x1="{left}" x2="{left + pw}" y1="{Y(t):.1f}" y2="{Y(t):.1f}"/>'
                   f'<text x="{left - 4}" y="{Y(t) + 4:.1f}" text-anchor="end">{escape(short_number(t, unit))}</text>')
    step = max(1, math.ceil((y1 - y0 + 1) / 8))
    for yr in range(y0, y1 + 1, step):
        out.append(f'<text x="{X(yr):.1f}" y="{height - 6}" text-anchor="middle">{yr}</text>')
    tline = [(X(p["year"]), Y(r)) for p in pts if _has_number(p.get("target"))
             for r in [_ref(p["target"])] if r is not None]
    aline = [(X(p["year"]), Y(v)) for p in pts if _has_number(p.get("actual"))
             for v in [actual_point(p["actual"])] if v is not None]
    if len(tline) > 1:
        out.append('<polyline class="tgline" points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in tline) + '"/>')
    if len(aline) > 1:
        out.append('<polyline class="acline" points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in aline) + '"/>')
    for p in pts:
        cx = X(p["year"])
        out.append(f"<g><title>{escape(pair_title(p))}</title>")
        t = p.get("target")
        if _has_number(t):
            assert t is not None
            lo, hi = target_interval(t)
            out.append(_link(t.get("href"), _target_vmark(Y, lo, hi, cx, top, top + ph)))
        a = p.get("actual")
        if _has_number(a):
            assert a is not None
            av = actual_point(a)
            assert av is not None
            cls = OUTCOME_CLASS.get(p.get("outcome") or "", "o-other")
            out.append(_link(a.get("href"), f'<circle class="{cls}" cx="{cx:.1f}" cy="{Y(av):.1f}" r="4"/>'))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _has_number(side: dict[str, Any] | None) -> bool:
    return bool(side) and side.get("status", "numeric") == "numeric" and (  # type: ignore[union-attr]
        _f(side.get("low")) is not None or _f(side.get("high")) is not None)  # type: ignore[union-attr]


def _ref(side: dict[str, Any]) -> float | None:
    lo, hi = target_interval(side)
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    return lo if lo is not None else hi


def _target_vmark(Y: Any, lo: float | None, hi: float | None, cx: float, ytop: float, ybot: float) -> str:
    if lo is not None and hi is not None:
        if lo == hi:
            return f'<line class="tg" x1="{cx - 7:.1f}" x2="{cx + 7:.1f}" y1="{Y(lo):.1f}" y2="{Y(lo):.1f}"/>'
        a, b = sorted((Y(hi), Y(lo)))
        return f'<rect class="tgband" x="{cx - 5:.1f}" y="{a:.1f}" width="10" height="{max(b - a, 2):.1f}" rx="2"/>'
    v = lo if lo is not None else hi
    assert v is not None
    d = -1 if lo is not None else 1          # at_least points up (smaller y), at_most down
    py = Y(v)
    return (f'<g><line class="tg" x1="{cx - 7:.1f}" x2="{cx + 7:.1f}" y1="{py:.1f}" y2="{py:.1f}"/>'
            f'<polygon class="tgarrow" points="{cx - 5:.1f},{py:.1f} {cx:.1f},{py + 9 * d:.1f} {cx + 5:.1f},{py:.1f}"/></g>')


def group_series(pairs: Iterable[dict[str, Any]], min_years: int = 3) -> list[tuple[str, list[dict[str, Any]]]]:
    """(indicator_id, pairs by year) for indicators with at least ``min_years`` years having a numeric target
    and actual; most years first, then by id."""
    by: dict[str, list[dict[str, Any]]] = {}
    for p in pairs:
        if p.get("indicator_id"):
            by.setdefault(p["indicator_id"], []).append(p)
    out = [(k, sorted(v, key=lambda p: p["year"])) for k, v in by.items()
           if sum(1 for p in v if numeric_pair(p)) >= min_years]
    out.sort(key=lambda kv: (-sum(1 for p in kv[1] if numeric_pair(p)), kv[0]))
    return out
