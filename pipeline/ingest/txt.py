"""Plain-text reports: encoding detection, debris marking, tab-flattened tables.

A tab-flattened table (as in jiangjin_plan_report_2025.txt) is a run of lines that start
with a TAB, one cell per line, with a blank line between rows::

    \\t指标名称
    \\t2024年预期目标
    <blank>
    \\t1.地区生产总值（GDP）增速
    \\t7%

Each such run becomes one table block; the line just before it becomes the caption when it
looks like one (表1：…, 专栏3 …).
"""

from __future__ import annotations

import codecs
from functools import cache

import regex

from pipeline.errors import IngestError
from pipeline.ingest.text import collapse_spaced_title, normalize_line, split_lines
from pipeline.lexicon import load_lexicon
from pipeline.model import Block, Cell, Table

_CAPTION = regex.compile(r"^(表\s*\d+|专栏\s*\d+|附表\s*\d*)")
_NUMBER_END = regex.compile(r"\d[.．]?\d*$")
_UNIT_START = regex.compile(r"^[万亿千百]?(元|美元|人|吨|公里|亩|户)|^[%％]")
_SPACED_TITLE = regex.compile(r"^(\p{Han}[ \u3000]+){3,}\p{Han}$")


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode report bytes; return (text, encoding name).

    Tries BOMs, then UTF-16 without BOM (NUL bytes every other byte), strict UTF-8, then GB18030.

    >>> decode("报告".encode("gb18030"), "x.txt")
    ('报告', 'gb18030')
    >>> decode(codecs.BOM_UTF8 + "报告".encode(), "x.txt")
    ('报告', 'utf-8-sig')
    """
    if not data.strip():
        raise IngestError(path, "empty file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", path), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path), "utf-16"
    sample = data[:4000]
    if b"\x00" in sample:
        # UTF-16 without BOM: NUL bytes sit at odd (LE) or even (BE) offsets of ASCII characters
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        enc = "utf-16-le" if odd >= even else "utf-16-be"
        if max(even, odd) >= 4 * min(even, odd) and len(data) % 2 == 0:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                text = ""
            if text and not _looks_binary(text) and _mostly_text(text):
                return text, enc
        raise IngestError(path, "binary file, not text (NUL bytes)")
    for enc in ("utf-8", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise IngestError(path, "binary file, not text (control characters)")
        return text, enc
    raise IngestError(path, "cannot decode text: not UTF-8, UTF-16 or GB18030 (try converting it with iconv)")


def _strict(data: bytes, enc: str, path: str) -> str:
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        raise IngestError(path, f"cannot decode text as {enc}: {e.reason} at byte {e.start}") from None
    if _looks_binary(text):
        raise IngestError(path, "binary file, not text (control characters)")
    return text


def _mostly_text(text: str) -> bool:
    sample = text[:20000]
    good = sum(1 for ch in sample if ch.isprintable() or ch in "\r\n\t")
    return good >= 0.95 * len(sample)


_CONTROL = regex.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    bad = len(_CONTROL.findall(sample))
    return bad > max(5, len(sample) // 100)


@cache
def _debris() -> dict[str, list[regex.Pattern[str]]]:
    lex = load_lexicon("debris")
    return {k: [regex.compile(p) for p in v] for k, v in lex.items()}


def is_web_menu(line: str) -> bool:
    """True for web-page furniture lines (【字体：大 中 小】, 来源：新华社, 打印本页)."""
    return any(p.fullmatch(line) for p in _debris()["web_menu"])


def strip_html(line: str) -> str:
    out = line
    for p in _debris()["html"]:
        out = p.sub("", out)
    return out


def starts_footer(line: str) -> bool:
    return any(p.fullmatch(line) for p in _debris()["footer"])


def read_txt(data: bytes, path: str) -> tuple[list[Block], str]:
    """Read a .txt report into blocks (not yet assembled). Returns (blocks, encoding)."""
    text, encoding = decode(data, path)
    raw_lines = split_lines(text)
    blocks: list[Block] = []
    i = 0
    n = len(raw_lines)
    while i < n:
        raw = raw_lines[i]
        if raw.startswith("\t") and normalize_line(raw):
            j, table = _read_tab_table(raw_lines, i)
            caption = _caption_before(blocks)
            table.caption = caption
            blocks.append(Block("table", "", table=table))
            i = j
            continue
        line = normalize_line(strip_html(raw))
        # a number broken across lines ("达到74.4" / "万亿元，增长6.7%") is one line
        while line and _NUMBER_END.search(line) and i + 1 < n and _UNIT_START.match(normalize_line(raw_lines[i + 1])):
            i += 1
            raw = raw + "\n" + raw_lines[i]
            line = line + normalize_line(strip_html(raw_lines[i]))
        if line:
            fixed = collapse_spaced_title(line) if _SPACED_TITLE.match(line) else line
            blocks.append(Block("paragraph", fixed, raw=raw if fixed != raw else None))
        i += 1
    mark_debris(blocks)
    return blocks, encoding


def _read_tab_table(lines: list[str], start: int) -> tuple[int, Table]:
    """Read tab-indented cell lines from ``start``; rows are separated by blank lines."""
    rows: list[list[Cell]] = []
    current: list[Cell] = []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t") and normalize_line(line):
            current.append(Cell(normalize_line(line), len(rows), len(current)))
            i += 1
            continue
        if not normalize_line(line):
            # a blank line ends a row; the table goes on only if a tab line follows
            k = i
            while k < len(lines) and not normalize_line(lines[k]):
                k += 1
            if current:
                rows.append(current)
                current = []
            if k < len(lines) and lines[k].startswith("\t") and k - i <= 1:
                i = k
                continue
            i = k
            break
        break
    if current:
        rows.append(current)
    return i, Table(rows=rows)


def _caption_before(blocks: list[Block]) -> str | None:
    if blocks and blocks[-1].kind == "paragraph" and _CAPTION.match(blocks[-1].text):
        return blocks[-1].text
    return None


def mark_debris(blocks: list[Block]) -> None:
    """Mark web-menu lines before the title, a trailing licence footer, and repeated copies.

    Web copies of a report sometimes hold it several times over; a paragraph of 20+
    characters that repeats an earlier one verbatim is marked as not content.
    """
    # 1. web menu lines before the first substantive line
    for b in blocks:
        if b.kind != "paragraph":
            break
        if is_web_menu(b.text):
            b.content = False
            continue
        if len(b.text) > 4:
            break
    # also any later menu line that is clearly a web artefact and short
    for b in blocks:
        if b.kind == "paragraph" and len(b.text) <= 40 and b.content and _is_strong_menu(b.text):
            b.content = False
    # 2. trailing footer
    for k, b in enumerate(blocks):
        if b.kind == "paragraph" and starts_footer(b.text):
            for later in blocks[k:]:
                later.content = False
            break
    # 3. repeated copies: a long paragraph seen before is a copy; so is a short one (a heading,
    #    各位代表！) that repeats an earlier line and sits among copies
    seen: set[str] = set()
    duplicate: list[bool | None] = []  # per block: True copy, False original, None short
    for b in blocks:
        key = b.text
        if b.kind == "table" or len(key) < 20 or not b.content:
            duplicate.append(None)
            continue
        duplicate.append(key in seen)
        if key in seen:
            b.content = False
        else:
            seen.add(key)
    if any(duplicate):
        short_seen: set[str] = set()
        for k, b in enumerate(blocks):
            if duplicate[k] is not None or not b.content:
                continue
            nxt = next((d for d in duplicate[k + 1:] if d is not None), None)
            if b.text in short_seen and nxt:
                b.content = False
            short_seen.add(b.text)


_STRONG_MENU = regex.compile(r"^(【.{0,10}】|.*(www\.|http).*|当前位置.*|.*字体[:：].*|打印本页|关闭窗口)$")


def _is_strong_menu(line: str) -> bool:
    return bool(_STRONG_MENU.match(line))
