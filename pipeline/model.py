"""The document model every stage shares.

A :class:`Document` is the normalized text of one report plus an ordered list of
:class:`Block` objects (paragraphs, headings, tables). Each block knows where it
sits in ``Document.text`` (``char_start``/``char_end``), on which PDF page it
starts (``page``, 1-based, ``None`` for .txt/.docx) and the raw source text it
came from (``raw``), so every extracted value can be traced back.

Tables keep their cells; a cell's offsets also point into ``Document.text``:

>>> cell = Cell(text="6%", row=1, col=1, char_start=10, char_end=12)
>>> cell.text
'6%'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["paragraph", "heading", "table"]
Format = Literal["txt", "docx", "pdf"]


@dataclass
class Cell:
    """One table cell, read once even when merged (``rowspan``/``colspan`` > 1)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    char_start: int = -1
    char_end: int = -1


@dataclass
class Table:
    """A table: ``rows`` of cells in reading order (merged cells appear once)."""

    rows: list[list[Cell]]
    caption: str | None = None
    pages: list[int] = field(default_factory=list)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.colspan for r in self.rows for c in r), default=0)

    def grid(self) -> list[list[str]]:
        """Rows as lists of strings, merged cells repeated over their span.

        >>> t = Table(rows=[[Cell("a", 0, 0, colspan=2)], [Cell("b", 1, 0), Cell("c", 1, 1)]])
        >>> t.grid()
        [['a', 'a'], ['b', 'c']]
        """
        n = self.n_cols
        out = [["" for _ in range(n)] for _ in self.rows]
        for r in self.rows:
            for c in r:
                for dr in range(c.rowspan):
                    for dc in range(c.colspan):
                        if c.row + dr < len(out) and c.col + dc < n:
                            out[c.row + dr][c.col + dc] = c.text
        return out


@dataclass
class Block:
    """A paragraph, heading or table, in document order."""

    kind: BlockKind
    text: str
    index: int = -1
    char_start: int = -1
    char_end: int = -1
    page: int | None = None
    style: str | None = None  # e.g. the .docx paragraph style ("Heading 1")
    content: bool = True  # False for web-page debris (下载/打印/【字号】 lines) and page furniture
    raw: str | None = None  # the source text before normalization, when it differs
    table: Table | None = None


@dataclass
class Document:
    """One report as read from disk. Build it with :func:`pipeline.read_document`."""

    path: str
    format: Format
    sha256: str
    blocks: list[Block]
    text: str = ""
    n_pages: int | None = None
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [b.table for b in self.blocks if b.table is not None]


def assemble(blocks: list[Block]) -> str:
    """Number the blocks, join their text with newlines and set every offset.

    Table blocks are rendered one row per line, cells separated by a tab; each
    cell's ``char_start``/``char_end`` is set to its place in that rendering.

    >>> b = [Block("paragraph", "甲"), Block("table", "", table=Table([[Cell("a", 0, 0), Cell("b", 0, 1)]]))]
    >>> assemble(b)
    '甲\\na\\tb'
    >>> b[1].table.rows[0][1].char_start
    4
    """
    parts: list[str] = []
    pos = 0
    for i, block in enumerate(blocks):
        block.index = i
        if i:
            parts.append("\n")
            pos += 1
        block.char_start = pos
        if block.table is not None:
            lines: list[str] = []
            for r, row in enumerate(block.table.rows):
                if r:
                    lines.append("\n")
                    pos += 1
                for c, cell in enumerate(row):
                    if c:
                        lines.append("\t")
                        pos += 1
                    text = cell.text.replace("\n", " ").replace("\t", " ")
                    cell.text = text
                    cell.char_start = pos
                    pos += len(text)
                    cell.char_end = pos
                    lines.append(text)
            block.text = "".join(lines)
        else:
            pos += len(block.text)
        parts.append(block.text)
        block.char_end = block.char_start + len(block.text)
        assert pos == block.char_end, (pos, block.char_end)
    return "".join(parts)
