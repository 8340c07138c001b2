"""Read a PDF report into blocks: paragraphs, headings and ruled tables, in reading order.

:func:`read_pdf` returns the blocks *before* :func:`pipeline.model.assemble` (the caller sets
the offsets), the page count and a list of warnings::

    blocks, n_pages, warnings = read_pdf("corpora/jiangjin_plan_report_2025.pdf")
    [b.table.caption for b in blocks if b.table]   # ['表1：江津区2024年...完成情况表', None]

How it works, page by page (pdfplumber):

* ruled tables come from ``page.find_tables()``; merged cells (pdfplumber leaves ``None`` under
  a merge) become one :class:`~pipeline.model.Cell` with ``rowspan``/``colspan`` computed from the
  cell rectangles; cell text is rebuilt from the characters inside the cell, wrapped lines joined;
* text outside the tables is grouped into lines by *vertical overlap* (not by equal ``top``), so
  digits or quotes set in another font a few points lower stay on their line;
* running footers/headers (``— 1 —``, ``第1页``, bare page numbers, lines repeated on many pages
  in the top/bottom margin) are dropped; spaces inside CJK text (``政 府 工 作 报 告``,
  ``2023 年``) are collapsed;
* lines are joined into paragraphs; a paragraph ends before a heading line (一、 （一） 专栏1 表1
  第一部分), before a first-line indent, at a change of font size, at extra vertical space, after
  a line too short for the next line's first word, and - only in documents that mark paragraphs
  neither by indent nor by spacing - after a line ending in 。！？；：;
* a table at the top of a page (only a "续表"/unit line may precede it) right after a table that
  ended the previous page, with the same column count, is merged into it (a repeated header row
  and empty rows split off by the page break are dropped);
* a short caption line just before a table ("表1：…", or a title ending in 表 above a
  "单位：万元" line) becomes ``Table.caption`` and stays a paragraph too;
* a page whose text layer is garbled (``(cid:N)`` glyphs or U+FFFD) is read with pypdfium2.
"""

from __future__ import annotations

import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from pipeline.errors import IngestError
from pipeline.model import Block, Cell, Table

__all__ = ["read_pdf", "FOOTER_RE", "HEADING_RE", "CAPTION_RE"]

# --------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------

_CN_NUM = "一二三四五六七八九十百零〇"
_DASH = "—–\\-－―─~～"

#: A running page footer/header, matched against a whole line in the top/bottom page margin:
#: "— 1 —", "- 1 -", "－1－", "第1页", "第1页 共28页", "共28页 第1页", "1", "1/28", "Page 1 of 28".
FOOTER_RE = re.compile(
    rf"""^(?:
        [{_DASH}]{{1,2}}\s*\d{{1,4}}\s*[{_DASH}]{{1,2}}              # — 1 —   - 1 -
      | 第\s*\d{{1,4}}\s*页(?:\s*[,，/]?\s*共\s*\d{{1,4}}\s*页)?     # 第1页  第1页 共28页
      | 共\s*\d{{1,4}}\s*页\s*[,，]?\s*第\s*\d{{1,4}}\s*页           # 共28页 第1页
      | \d{{1,4}}(?:\s*/\s*\d{{1,4}})?                               # 1   1/28
      | [Pp]age\s*\d{{1,4}}(?:\s*(?:of|/)\s*\d{{1,4}})?              # Page 1 of 28
    )$""",
    re.X,
)

#: A line that starts a heading (a paragraph always breaks before it):
#: "一、", "（一）" / "(一)", "专栏1" / "专栏一", "第一部分" / "第二章" / "第三节".
HEADING_RE = re.compile(
    rf"""^(?:
        [{_CN_NUM}]{{1,3}}、(?![{_CN_NUM}]{{1,3}}(?:、|产业))  # 一、 十二、 (not "一、二、三产业")
      | [（(][{_CN_NUM}]{{1,3}}[）)]                        # （一） (十二)
      | 专栏\s*[0-9０-９{_CN_NUM}]{{1,3}}                   # 专栏1 专栏一
      | 第[0-9{_CN_NUM}]{{1,3}}(?:部分|章|篇|节)            # 第一部分 第二章
    )""",
    re.X,
)

#: A table caption line: "表1：…", "表 2 …", "续表1", "附表3". Not "表明…" and not the wrapped
#: tail of "（详见表1）" (a digit must follow 表, and no closing bracket/comma right after it).
CAPTION_RE = re.compile(
    rf"^(?:续?表\s*[0-9０-９{_CN_NUM}]{{1,3}}(?:[-－.．][0-9]{{1,2}})?(?![0-9）)，,。；;、])|附表)"
)

#: A short title line naming a table without a number ("收入支出决算总表"); used as a caption
#: only when it comes right before the table (possibly with a unit line in between).
TABLE_TITLE_RE = re.compile(r"^\S.{1,38}表$")

#: A unit line between a table title and the table: "单位：万元", "（单位：亿元）".
UNIT_RE = re.compile(r"^[（(]?\s*(?:金额)?单位\s*[:：]\s*\S{1,12}?\s*[）)]?$")

#: A line announcing a continued table: "续表1", "续上表", "表1（续）".
CONTINUED_RE = re.compile(r"^(?:续表|续上表)|[（(]续表?[）)]\s*$")

#: Characters that may close a sentence at the end of a line (ASCII forms included).
SENTENCE_END = "。！？；：!?;:"
#: Closing quotes/brackets that may follow a sentence end ("……。”").
_CLOSERS = "”’）)」』》】"
#: Punctuation that CJK line breaking never puts at the start of a line (it travels with the
#: preceding character), and punctuation never left at the end of a line.
_NO_LINE_START = "，。、；：！？）》」』】”’%％,.;:!?)"
_NO_LINE_END = "（《「『【“‘("
#: Quotes glue to both neighbours in Unicode line breaking (class QU): "现“两" is one unit.
_QUOTES = "“”‘’\"'"

#: Garbled glyphs: pdfminer's "(cid:N)" for unmapped glyphs, and U+FFFD.
GARBLED_RE = re.compile(r"\(cid:\d+\)|\ufffd")

# Layout thresholds (in units of the font size unless said otherwise).
SPACE_GAP = 0.3  # a horizontal gap wider than this between two glyphs is a space
DUP_SHIFT = 0.3  # the same glyph again within this share of its width is a duplicate (fake bold)
INDENT_MIN = 1.2  # a first-line indent is at least this wide (usually 2 characters)
INDENT_MAX = 3.5
SHORT_SLACK = 0.3  # a line is short if the next line's first word + this much would have fitted
SHORT_SLACK_WEAK = 2.5  # the same, when indents or spacing already mark paragraphs
PARA_PITCH = 1.35  # a line pitch this many times the usual one means a paragraph gap
SIZE_STEP = 0.8  # points: a font-size change larger than this ends a paragraph
TITLE_SIZE = 1.15  # a line this many times the body font size is a title line
MARGIN_TOP = 0.08  # fraction of the page height where running headers live
MARGIN_BOTTOM = 0.87  # running footers start below this fraction of the page height
GARBLED_SHARE = 0.02  # share of garbled glyphs on a page that triggers the pypdfium2 fallback


def _is_cjk(ch: str) -> bool:
    """CJK ideographs, CJK/full-width punctuation and the quotes/dashes used with them.

    >>> [_is_cjk(c) for c in "年A（“—1"]
    [True, False, True, True, True, False]
    """
    o = ord(ch)
    return (
        0x3000 <= o <= 0x303F  # CJK punctuation
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x20000 <= o <= 0x2FFFF
        or ch in "“”‘’—…·‧"
    )


def _is_cjk_punct(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3000 <= o <= 0x303F
        or (0xFF00 <= o <= 0xFFEF and not ch.isalnum())
        or ch in "“”‘’—…·‧"
    )


def _glue(left: str, right: str) -> str:
    """The separator between two text pieces: none next to CJK, a space between ASCII words.

    >>> _glue("地区生产总值", "1490.78亿元"), _glue("GDP", "growth"), _glue("COVID-", "19")
    ('', ' ', '')
    """
    if not left or not right:
        return ""
    a, b = left[-1], right[0]
    if _is_cjk(a) or _is_cjk(b) or a == "-":
        return ""
    return " "


def normalize_spaces(text: str) -> str:
    """Collapse whitespace; drop spaces inside CJK text, keep them between ASCII words.

    A space between two CJK tokens survives only when both tokens are longer than one
    character and no punctuation touches it (``晋江市人民政府市长 王明元``); letter-spaced runs
    (``政 府 工 作 报 告``) and CJK/ASCII boundaries (``2023 年``) are joined.

    >>> normalize_spaces("政 府 工 作 报 告")
    '政府工作报告'
    >>> normalize_spaces("一、2023 年工作回顾 ，GDP 增长 6.5 %")
    '一、2023年工作回顾，GDP增长6.5 %'
    >>> normalize_spaces("第四部分 名词解释")
    '第四部分 名词解释'
    """
    tokens = text.split()
    if not tokens:
        return ""
    out = [tokens[0]]
    for prev, tok in zip(tokens, tokens[1:]):
        a, b = prev[-1], tok[0]
        if _is_cjk(a) and _is_cjk(b):
            keep = len(prev) > 1 and len(tok) > 1 and not _is_cjk_punct(a) and not _is_cjk_punct(b)
        else:
            keep = not (_is_cjk(a) or _is_cjk(b))
        out.append((" " if keep else "") + tok)
    return "".join(out)


def join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines: no separator at a CJK boundary, a space between ASCII words.

    >>> join_lines(["1.地区生产总值", "（GDP）增速"])
    '1.地区生产总值（GDP）增速'
    """
    out = ""
    for line in lines:
        line = line.strip()
        if line:
            out += _glue(out, line) + line
    return out


# --------------------------------------------------------------------------------------------
# Intermediate structures
# --------------------------------------------------------------------------------------------


@dataclass
class _Line:
    """One text line on a page (outside tables)."""

    text: str  # spaces normalized
    raw: str  # as extracted, spaces kept
    page: int
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    lead_w: float = 0.0  # width of the first unbreakable unit (for the "short line" test)
    geom: bool = True  # False for lines from the pypdfium2 fallback (no geometry)


@dataclass
class _Frag:
    """The part of a ruled table found on one page."""

    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[Cell]]
    n_cols: int
    top: float = 0.0


@dataclass
class _PageInfo:
    number: int
    width: float
    height: float
    items: list[Any] = field(default_factory=list)  # _Line | _Frag, in reading order


@dataclass
class _Layout:
    """Typical geometry of the body text on pages of one width."""

    left: float
    right: float
    pitch: float
    body_size: float
    indent_style: bool
    spacing_style: bool


# --------------------------------------------------------------------------------------------
# Characters -> lines
# --------------------------------------------------------------------------------------------


def _is_space(t: str) -> bool:
    return t.isspace() or t == ""


def _group_lines(chars: list[dict]) -> list[list[dict]]:
    """Group characters into lines by vertical overlap with the line's first glyph.

    Two glyphs are on one line when their boxes overlap by at least half the smaller height,
    so an Arial "2024" set 7 pt lower inside an 18 pt FangSong line stays on that line.
    """
    groups: list[tuple[float, float, list[dict]]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        top, bottom = c["top"], c["bottom"]
        h = max(bottom - top, 0.1)
        for g in reversed(groups[-4:]):
            gh = max(g[1] - g[0], 0.1)
            if min(g[1], bottom) - max(g[0], top) >= 0.5 * min(h, gh):
                g[2].append(c)
                break
        else:
            groups.append((top, bottom, [c]))
    return [sorted(g[2], key=lambda c: c["x0"]) for g in groups]


def _lead_width(glyphs: list[dict]) -> float:
    """Width of the first unit that line breaking keeps together (a word, a CJK char + 。)."""
    first = glyphs[0]
    t = first["text"]
    end = 0
    if len(t) == 1 and t.isascii() and t.isalnum():  # an ASCII word or number, up to a gap
        while (
            end + 1 < len(glyphs)
            and glyphs[end + 1]["text"].isascii()
            and glyphs[end + 1]["x0"] - glyphs[end]["x1"] <= SPACE_GAP * glyphs[end]["size"]
        ):
            end += 1
    # closing punctuation travels with the character before it, an opening one with the next
    while end + 1 < len(glyphs) and (
        glyphs[end + 1]["text"] in _NO_LINE_START + _QUOTES or glyphs[end]["text"] in _NO_LINE_END + _QUOTES
    ):
        end += 1
    return glyphs[end]["x1"] - first["x0"]


def _make_line(chars: list[dict], page: int) -> _Line | None:
    """Build a :class:`_Line` from one group of characters (sorted by x)."""
    parts: list[str] = []
    glyphs: list[dict] = []
    prev: dict | None = None
    pending = False
    for c in chars:
        t = c["text"]
        if _is_space(t):
            pending = True
            continue
        if (
            prev is not None
            and t == prev["text"]
            and abs(c["x0"] - prev["x0"]) < DUP_SHIFT * max(c["x1"] - c["x0"], 0.1)
            and abs(c["top"] - prev["top"]) < DUP_SHIFT * c["size"]
        ):
            continue  # the same glyph drawn twice (fake bold, shadow)
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            if pending or gap > SPACE_GAP * min(c["size"], prev["size"]):
                parts.append(" ")
        parts.append(t)
        glyphs.append(c)
        prev = c
        pending = False
    if not glyphs:
        return None
    raw = "".join(parts)
    return _Line(
        text=normalize_spaces(raw),
        raw=raw,
        page=page,
        x0=glyphs[0]["x0"],
        x1=glyphs[-1]["x1"],
        top=min(g["top"] for g in glyphs),
        bottom=max(g["bottom"] for g in glyphs),
        size=statistics.median(g["size"] for g in glyphs),
        lead_w=_lead_width(glyphs),
    )


def _lines(chars: list[dict], page: int) -> list[_Line]:
    out = []
    for group in _group_lines(chars):
        line = _make_line(group, page)
        if line is not None:
            out.append(line)
    return out


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def _edges(values: Iterable[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def _inside(c: dict, bbox: tuple[float, float, float, float], pad: float = 0.5) -> bool:
    x = (c["x0"] + c["x1"]) / 2
    y = (c["top"] + c["bottom"]) / 2
    return bbox[0] - pad <= x <= bbox[2] + pad and bbox[1] - pad <= y <= bbox[3] + pad


def _table_frag(cells: list[tuple[float, float, float, float]], chars: list[dict], page: int) -> _Frag | None:
    """Turn pdfplumber cell rectangles into rows of :class:`Cell` with spans.

    Columns are the distinct left edges of the cells (plus the table's right edge), rows the
    distinct top edges (plus its bottom); a cell's span is the number of column/row intervals
    its rectangle covers, so a merged cell is read once.
    """
    if not cells:
        return None
    xs = _edges([c[0] for c in cells] + [max(c[2] for c in cells)])
    ys = _edges([c[1] for c in cells] + [max(c[3] for c in cells)])
    n_cols, n_rows = len(xs) - 1, len(ys) - 1
    if n_cols < 1 or n_rows < 1:
        return None
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    inner = [c for c in chars if _inside(c, bbox)]
    rows: list[list[Cell]] = [[] for _ in range(n_rows)]
    seen: set[tuple[int, int]] = set()
    for box in cells:
        r, col = _nearest(ys, box[1]), _nearest(xs, box[0])
        if r >= n_rows or col >= n_cols or (r, col) in seen:
            continue
        seen.add((r, col))
        rowspan = max(1, _nearest(ys, box[3]) - r)
        colspan = max(1, _nearest(xs, box[2]) - col)
        text = join_lines(line.text for line in _lines([c for c in inner if _inside(c, box, 0.0)], page))
        rows[r].append(Cell(text=text, row=r, col=col, rowspan=rowspan, colspan=colspan))
    rows = [sorted(r, key=lambda c: c.col) for r in rows]
    if max(len(r) for r in rows) < 2:
        return None  # one cell per row: boxes behind text lines (highlights, frames), not a table
    return _Frag(page=page, bbox=bbox, rows=rows, n_cols=n_cols, top=bbox[1])


def _row_texts(row: list[Cell]) -> list[tuple[int, int, str]]:
    return [(c.col, c.colspan, c.text) for c in row]


def _merge_into(table: Table, frag: _Frag) -> None:
    """Append a continuation fragment to ``table``: drop a repeated header and empty lead rows."""
    rows = frag.rows
    k = 0
    while k < min(3, len(rows), len(table.rows)) and _row_texts(rows[k]) == _row_texts(table.rows[k]):
        k += 1
    rows = rows[k:]
    while rows and all(not c.text for c in rows[0]):
        rows = rows[1:]
    base = len(table.rows)
    shift = k + (len(frag.rows) - k - len(rows))
    for row in rows:
        for c in row:
            c.row = c.row - shift + base
    table.rows.extend(rows)
    if frag.page not in table.pages:
        table.pages.append(frag.page)


# --------------------------------------------------------------------------------------------
# Page reading
# --------------------------------------------------------------------------------------------


def _garbled_count(chars: list[dict]) -> int:
    return sum(1 for c in chars if GARBLED_RE.search(c["text"]))


def _read_page(page: Any, number: int, warnings: list[str] | None = None) -> tuple[_PageInfo, int, int]:
    """Read one pdfplumber page: (page info with items, glyph count, garbled glyph count)."""
    info = _PageInfo(number=number, width=float(page.width), height=float(page.height))
    chars = [c for c in page.chars if c.get("upright", True)]
    n_rotated = len(page.chars) - len(chars)
    if n_rotated >= 5 and warnings is not None:
        warnings.append(f"page {number}: {n_rotated} rotated or vertical characters skipped")
    n_glyphs = sum(1 for c in chars if not _is_space(c["text"]))
    n_bad = _garbled_count(chars)
    frags: list[_Frag] = []
    if n_glyphs and (page.rects or page.lines or page.curves):
        try:
            found = page.find_tables()
        except Exception as e:  # keep the text of the page even if table detection fails
            found = []
            if warnings is not None:
                warnings.append(f"page {number}: table detection failed ({type(e).__name__}); read as text")
        for t in found:
            frag = _table_frag(list(t.cells), chars, number)
            if frag is not None and frag.n_cols >= 2:
                frags.append(frag)
    text_chars = [c for c in chars if not any(_inside(c, f.bbox) for f in frags)]
    items: list[Any] = [*_lines(text_chars, number), *frags]
    items.sort(key=lambda it: it.top)
    info.items = items
    return info, n_glyphs, n_bad


def _pdfium_lines(path: str, index: int, number: int) -> list[_Line]:
    """Text of one page through pypdfium2, as geometry-less lines."""
    doc = pypdfium2.PdfDocument(path)
    try:
        page = doc[index]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        page.close()
    finally:
        doc.close()
    out = []
    for raw in re.split(r"\r\n|\r|\n", text):
        raw = raw.strip()
        if raw:
            out.append(_Line(text=normalize_spaces(raw), raw=raw, page=number, geom=False))
    return out


def _drop_furniture(pages: list[_PageInfo]) -> None:
    """Remove running footers/headers: page-number lines and lines repeated in the margins."""

    def in_margin(line: _Line, p: _PageInfo) -> bool:
        return line.bottom <= p.height * MARGIN_TOP or line.top >= p.height * MARGIN_BOTTOM

    repeated: Counter[str] = Counter()
    for p in pages:
        keys = {re.sub(r"\d+", "#", it.text) for it in p.items if isinstance(it, _Line) and it.geom and in_margin(it, p)}
        repeated.update(keys)
    min_pages = max(3, int(0.4 * len(pages)))
    running = {k for k, n in repeated.items() if n >= min_pages}
    for p in pages:
        kept = []
        lines = [it for it in p.items if isinstance(it, _Line)]
        edge_lines = {id(x) for x in lines[:2] + lines[-2:]}
        for it in p.items:
            if isinstance(it, _Line):
                if it.geom and in_margin(it, p) and (FOOTER_RE.match(it.text) or re.sub(r"\d+", "#", it.text) in running):
                    continue
                if not it.geom and id(it) in edge_lines and FOOTER_RE.match(it.text):
                    continue
            kept.append(it)
        p.items = kept


def _measure(group: list[_PageInfo]) -> tuple[_Layout, int] | None:
    """Body-text geometry of a group of pages, and how many body lines it was measured on."""
    lines = [it for p in group for it in p.items if isinstance(it, _Line) and it.geom]
    if not lines:
        return None
    sizes: Counter[float] = Counter()
    for ln in lines:
        sizes[round(ln.size, 1)] += len(ln.text)
    body_size = sizes.most_common(1)[0][0]
    body = [ln for ln in lines if abs(ln.size - body_size) <= SIZE_STEP]
    left = Counter(round(ln.x0) for ln in body).most_common(1)[0][0]
    full = sorted(ln.x1 for ln in body if abs(ln.x0 - left) <= 2 and len(ln.text) >= 8) or sorted(ln.x1 for ln in body)
    right = full[min(len(full) - 1, int(0.95 * len(full)))]
    pitches: list[float] = []
    for p in group:
        prev = None
        for it in p.items:
            if isinstance(it, _Line) and it.geom and abs(it.size - body_size) <= SIZE_STEP:
                if prev is not None and it.top > prev.top:
                    pitches.append(it.top - prev.top)
                prev = it
            else:
                prev = None
    pitch = statistics.median(pitches) if pitches else 0.0
    n_indent = sum(1 for ln in body if INDENT_MIN * ln.size <= ln.x0 - left <= INDENT_MAX * ln.size)
    n_gaps = sum(1 for d in pitches if pitch and d > PARA_PITCH * pitch)
    layout = _Layout(
        left=float(left),
        right=float(right),
        pitch=pitch,
        body_size=float(body_size),
        indent_style=n_indent >= 3 and n_indent >= 0.03 * len(body),
        spacing_style=n_gaps >= 3 and n_gaps >= 0.03 * len(pitches),
    )
    return layout, len(body)


def _layouts(pages: list[_PageInfo], min_lines: int = 15) -> dict[int, _Layout]:
    """Body-text geometry per page width (portrait and landscape pages differ).

    A page width with fewer than ``min_lines`` body lines (landscape table pages) borrows the
    typography and the margins of the width with the most body lines.
    """
    by_width: dict[int, list[_PageInfo]] = {}
    for p in pages:
        by_width.setdefault(round(p.width), []).append(p)
    measured = {w: _measure(group) for w, group in by_width.items()}
    main = max(measured, key=lambda w: measured[w][1] if measured[w] else -1)
    m = measured[main][0] if measured[main] else _Layout(0.0, float(main), 0.0, 0.0, False, False)
    out: dict[int, _Layout] = {}
    for width, got in measured.items():
        if got is not None and (got[1] >= min_lines or width == main):
            out[width] = got[0]
        else:
            out[width] = _Layout(m.left, width - (main - m.right), m.pitch, m.body_size, m.indent_style, m.spacing_style)
    return out


# --------------------------------------------------------------------------------------------
# Lines -> paragraphs
# --------------------------------------------------------------------------------------------


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(_CLOSERS)
    return bool(t) and t[-1] in SENTENCE_END


def _centered(line: _Line, layout: _Layout) -> bool:
    """A line set off from the left margin and about as far from the right one."""
    lead = line.x0 - layout.left
    least = (INDENT_MAX if layout.indent_style else INDENT_MIN) * line.size  # not a first-line indent
    return lead > least and abs(lead - (layout.right - line.x1)) < line.size


def _breaks(a: _Line, b: _Line, la: _Layout, lb: _Layout) -> bool:
    """Whether a paragraph ends between line ``a`` and the next line ``b``."""
    if HEADING_RE.match(b.text) or CAPTION_RE.match(b.text):
        return True
    if not (a.geom and b.geom):
        return _ends_sentence(a.text)
    if abs(a.size - b.size) > SIZE_STEP:
        return True
    if a.page == b.page and lb.pitch and b.top - a.top > PARA_PITCH * lb.pitch * max(1.0, b.size / lb.body_size):
        return True
    # b's first word would have fitted on a: a ends short (for a centered line, count the room
    # on both sides). When the document also marks paragraphs by indent or spacing, only a
    # clearly short line counts (word-breaking dictionaries sometimes wrap a CJK word early:
    # "145.5万" / "亩、").
    ca, cb = _centered(a, la), _centered(b, lb)
    slack = (SHORT_SLACK_WEAK if (la.indent_style or la.spacing_style) else SHORT_SLACK) * b.size
    room = la.right - a.x1 + (a.x0 - la.left if ca else 0.0)
    a_full = room <= b.lead_w + slack
    if not a_full:
        return True
    if ca and not cb:  # after a centered title or 专栏 heading
        return True
    if cb and not ca:  # before a centered line, unless it ends a wrapped title or heading
        return not (a.size >= TITLE_SIZE * la.body_size or HEADING_RE.match(a.text))
    if lb.indent_style and not cb and b.x0 - lb.left >= INDENT_MIN * b.size:  # first-line indent
        return True
    if not (la.indent_style or la.spacing_style) and _ends_sentence(a.text):
        return True
    return False


def _is_heading(text: str, size: float, body_size: float) -> bool:
    """A short numbered heading (一、 （一） 第一部分 专栏1) or a short line in a larger font."""
    if len(text) > 60 or CAPTION_RE.match(text) or re.search(r"[。！？；]", text):
        return False
    if HEADING_RE.match(text) and len(text) <= 40:
        return True
    return bool(body_size) and size >= TITLE_SIZE * body_size


def _paragraph(lines: list[_Line], layout: _Layout) -> Block:
    text = join_lines(ln.text for ln in lines)
    raw = "\n".join(ln.raw for ln in lines)
    first = lines[0]
    kind = "heading" if _is_heading(text, first.size, layout.body_size) else "paragraph"
    # an unnumbered heading in a large font is a title line (cover, report title), named like
    # the .docx style so that the section splitter does not open a section for it
    style = "Title" if kind == "heading" and not HEADING_RE.match(text) else None
    return Block(kind=kind, text=text, page=first.page, style=style, raw=raw if raw != text else None)


def _caption(blocks: list[Block], page: int) -> str | None:
    """The caption of a table about to be appended: the paragraph just before it."""
    back = [b for b in blocks[-3:] if b.table is None]
    if not back or blocks[-1].table is not None:
        return None
    last = blocks[-1]
    if last.page is not None and page - last.page > 1:
        return None
    if CAPTION_RE.match(last.text):
        return last.text
    if TABLE_TITLE_RE.match(last.text):
        return last.text
    if UNIT_RE.match(last.text) and len(blocks) >= 2 and blocks[-2].table is None:
        prev = blocks[-2].text
        if CAPTION_RE.match(prev) or TABLE_TITLE_RE.match(prev):
            return prev
    return None


def _continues_table(text: str) -> bool:
    """A line that may sit between a table and its continuation: "续表1", "（续）", "单位：万元"."""
    return bool(CONTINUED_RE.search(text) or UNIT_RE.match(text))


def _build_blocks(pages: list[_PageInfo], layouts: dict[int, _Layout]) -> list[Block]:
    blocks: list[Block] = []
    para: list[_Line] = []
    last_table: Table | None = None  # the table that the stream ended with, if nothing followed
    last_table_end_page = -1

    def layout(page: int) -> _Layout:
        return layouts[round(pages[page - 1].width)]

    def flush() -> None:
        if para:
            blocks.append(_paragraph(para, layout(para[0].page)))
            para.clear()

    for p in pages:
        for i, it in enumerate(p.items):
            # only "续表" / unit lines may stand between a table and its continuation
            lead_ok = all(isinstance(x, _Line) and _continues_table(x.text) for x in p.items[:i])
            pending = last_table is not None and last_table_end_page == p.number - 1 and lead_ok
            if isinstance(it, _Frag):
                flush()
                if pending and last_table is not None and it.n_cols == last_table.n_cols:
                    _merge_into(last_table, it)
                elif any(c.text for r in it.rows for c in r):
                    table = Table(rows=it.rows, caption=_caption(blocks, p.number), pages=[p.number])
                    blocks.append(Block(kind="table", text="", page=p.number, table=table))
                    last_table = table
                else:
                    last_table = None  # an empty grid (a form frame) is not kept
                    continue
                at_end = i == len(p.items) - 1
                last_table_end_page = p.number if at_end else -1
                if not at_end:
                    last_table = None
                continue
            if not (pending and _continues_table(it.text)):
                last_table = None
            if para and _breaks(para[-1], it, layout(para[-1].page), layout(it.page)):
                flush()
            para.append(it)
    flush()
    return blocks


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def _check_file(path: str) -> list[str]:
    """Cheap checks before parsing: the file exists, starts like a PDF, ends like one."""
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(64 * 1024)  # the header may follow some junk (as in read_bytes' sniffing)
            f.seek(max(0, size - 2048))
            tail = f.read()
    except OSError as e:
        raise IngestError(path, f"cannot read file: {e.strerror or e}") from e
    if size == 0:
        raise IngestError(path, "not a PDF or corrupt PDF: empty file")
    if b"%PDF-" not in head:
        raise IngestError(path, "not a PDF or corrupt PDF: no %PDF header")
    if b"%%EOF" not in tail:
        return ["no %%EOF marker at the end of the file: it may be truncated"]
    return []


def _open_error(path: str, exc: BaseException) -> IngestError:
    inner = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
        return IngestError(path, "encrypted PDF")
    detail = f"{type(inner).__name__}: {inner}".splitlines()[0][:120]
    return IngestError(path, f"not a PDF or corrupt PDF: {detail}")


def read_pdf(path: str | os.PathLike[str]) -> tuple[list[Block], int, list[str]]:
    """Read a PDF into (blocks in reading order, page count, warnings).

    The blocks are not yet assembled: ``model.assemble(blocks)`` sets their offsets.
    Raises :class:`IngestError` for a scanned PDF (no text layer), an encrypted PDF, or a file
    pdfminer cannot open.

    >>> blocks, n, warnings = read_pdf("corpora/jiangjin_plan_report_2025.pdf")  # doctest: +SKIP
    >>> n, sum(b.kind == "table" for b in blocks)  # doctest: +SKIP
    (27, 2)
    """
    path = str(path)
    warnings = _check_file(path)
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise _open_error(path, e) from e
    except Exception as e:  # pdfminer raises many kinds of errors on broken files
        raise _open_error(path, e) from e
    pages: list[_PageInfo] = []
    total_glyphs = 0
    failed: list[str] = []
    with pdf:
        try:
            n_pages = len(pdf.pages)
        except Exception as e:
            raise _open_error(path, e) from e
        for index, page in enumerate(pdf.pages):
            number = index + 1
            try:
                info, n_glyphs, n_bad = _read_page(page, number, warnings)
            except Exception as e:  # one broken page should not lose the whole report
                failed.append(f"page {number}: {type(e).__name__}")
                warnings.append(f"page {number}: could not be read ({type(e).__name__}: {str(e)[:80]})")
                pages.append(_PageInfo(number, float(page.width), float(page.height)))
                continue
            total_glyphs += n_glyphs
            if n_glyphs and n_bad >= max(3, GARBLED_SHARE * n_glyphs):
                try:
                    info.items = _pdfium_lines(path, index, number)
                except Exception as e:
                    warnings.append(f"page {number}: garbled text layer and pypdfium2 failed ({type(e).__name__})")
                else:
                    note = f"page {number}: garbled text layer ({n_bad} undecodable glyphs); used pypdfium2 text"
                    if not info.items:
                        note += ", which is empty"
                    elif any(GARBLED_RE.search(ln.text) for ln in info.items):
                        note += ", which is garbled too"
                    warnings.append(note)
            elif not n_glyphs and page.images:
                warnings.append(f"page {number}: no text layer (image only)")
            pages.append(info)
            page.close()
    if n_pages == 0:
        raise IngestError(path, "not a PDF or corrupt PDF: no pages")
    if failed and len(failed) == n_pages:
        raise IngestError(path, f"not a PDF or corrupt PDF: no page could be read ({failed[0]})")
    if total_glyphs == 0:
        raise IngestError(path, "no text layer: scanned PDF")
    _drop_furniture(pages)
    blocks = _build_blocks(pages, _layouts(pages))
    if not blocks:
        raise IngestError(path, "no text layer: only page furniture (page numbers) or unreadable glyphs found")
    return blocks, n_pages, warnings
