"""Word (.docx) reports: paragraphs and tables in body order, merged cells read once.

Guards against hostile files before python-docx sees them: the file must be a zip with
``word/document.xml``; the sum of uncompressed sizes and the compression ratio are capped
(zip bombs). XML entities are never resolved (python-docx's parser has
``resolve_entities=False``), so a crafted file cannot read local files or the network.
"""

from __future__ import annotations

import io
import zipfile

import regex

from pipeline.errors import IngestError
from pipeline.ingest.text import collapse_spaced_title, normalize_line
from pipeline.ingest.txt import mark_debris
from pipeline.model import Block, Cell, Table

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 200  # uncompressed / compressed, per member larger than 1 MB

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CAPTION = regex.compile(r"^(表\s*\d+|专栏\s*\d+|附表\s*\d*)")
_SPACED_TITLE = regex.compile(r"^(\p{Han}[ \u3000]+){3,}\p{Han}$")


def check_zip(data: bytes, path: str) -> None:
    """Raise IngestError unless ``data`` is a sane .docx zip."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise IngestError(path, "not a Word document: not a zip archive") from None
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise IngestError(path, "not a Word document: no word/document.xml in the archive")
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise IngestError(path, f"refused: zip bomb suspected ({info.filename} expands {info.file_size // max(info.compress_size, 1)}x)")
        if total > MAX_UNCOMPRESSED:
            raise IngestError(path, f"refused: archive expands to {total // 2**20} MB (limit {MAX_UNCOMPRESSED // 2**20} MB)")


def read_docx(data: bytes, path: str) -> list[Block]:
    """Read a .docx report into blocks (not yet assembled)."""
    check_zip(data, path)
    import docx  # python-docx; imported here so .txt-only runs do not pay for it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises assorted errors on corrupt parts
        msg = str(e)
        if "Excessive depth" in msg:  # libxml2 refuses elements nested deeper than 256 levels
            raise IngestError(path, "refused: XML nested too deeply (over 256 levels, e.g. tables inside tables)") from None
        if "amplification" in msg:  # libxml2's guard against entity expansion ("billion laughs")
            raise IngestError(path, "refused: XML entity expansion (billion laughs)") from None
        raise IngestError(path, f"corrupt Word document: {type(e).__name__}: {msg.splitlines()[0][:80] if msg else ''}") from None
    blocks: list[Block] = []
    for el in document.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            raw = _paragraph_text(el)
            text = normalize_line(raw)
            if not text:
                continue
            if _SPACED_TITLE.match(text):
                text = collapse_spaced_title(text)
            style = _style_name(el, document)
            kind = "heading" if style and (style.startswith("Heading") or style == "Title" or style.startswith("标题")) else "paragraph"
            blocks.append(Block(kind, text, style=style, raw=raw if raw != text else None))
        elif tag == "tbl":
            table = _read_table(el)
            if not table.rows:
                continue
            if blocks and blocks[-1].kind in ("paragraph", "heading") and _CAPTION.match(blocks[-1].text):
                table.caption = blocks[-1].text
            blocks.append(Block("table", "", table=table))
    mark_debris(blocks)
    return blocks


def _paragraph_text(p) -> str:  # type: ignore[no-untyped-def]
    parts: list[str] = []
    for node in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            parts.append(_t_text(node))
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _t_text(t) -> str:  # type: ignore[no-untyped-def]
    """The text of a ``w:t``; an unresolved entity reference inside it is dropped, the text after it kept."""
    return (t.text or "") + "".join(child.tail or "" for child in t)


def _style_name(p, document) -> str | None:  # type: ignore[no-untyped-def]
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        return None
    ps = ppr.find(f"{_W}pStyle")
    if ps is None:
        return None
    style_id = ps.get(f"{_W}val")
    try:
        for s in document.styles:
            if s.style_id == style_id:
                return str(s.name)
    except Exception:
        pass
    return style_id


def _read_table(tbl) -> Table:  # type: ignore[no-untyped-def]
    """Cells with gridSpan -> colspan; vMerge continuation -> rowspan of the cell above.

    Text of nested tables is folded into the cell that holds them (read without recursion,
    so deep nesting cannot exhaust the stack).
    """
    rows: list[list[Cell]] = []
    open_cells: dict[int, Cell] = {}  # grid column -> the cell a vMerge continues
    for r, tr in enumerate(tbl.findall(f"{_W}tr")):
        row: list[Cell] = []
        col = 0
        for tc in tr.findall(f"{_W}tc"):
            tcpr = tc.find(f"{_W}tcPr")
            span = 1
            vmerge = None
            if tcpr is not None:
                gs = tcpr.find(f"{_W}gridSpan")
                if gs is not None:
                    try:
                        span = max(1, int(gs.get(f"{_W}val", "1")))
                    except ValueError:
                        span = 1
                vm = tcpr.find(f"{_W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{_W}val", "continue")
            if vmerge == "continue" and col in open_cells:
                open_cells[col].rowspan += 1
                col += span
                continue
            texts = []
            for p in tc.iter(f"{_W}p"):
                t = normalize_line("".join(_t_text(n) for n in p.iter(f"{_W}t")))
                if t:
                    texts.append(t)
            cell = Cell(" ".join(texts) if _ascii_join(texts) else "".join(texts), r, col, colspan=span)
            row.append(cell)
            if vmerge == "restart":
                open_cells[col] = cell
            else:
                open_cells.pop(col, None)
            col += span
        rows.append(row)
    # drop rows that are entirely empty
    kept = [row for row in rows if any(c.text for c in row)]
    for new_r, row in enumerate(kept):
        for c in row:
            c.row = new_r
    return Table(rows=kept)


def _ascii_join(parts: list[str]) -> bool:
    return len(parts) > 1 and all(p[-1:].isascii() for p in parts[:-1])
