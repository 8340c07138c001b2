"""Document -> section tree, sentences, and the part each section belongs to.

Headings are recognised by their numbering (一、 / （一） / 1. ), by .docx heading styles,
by 专栏N boxes and 表N captions; "——" lines are list items under the current section.
Each section gets a *part*: ``review`` (执行情况, 工作回顾: results of the year reviewed),
``plan`` (计划草案, 主要预期目标, 今年工作: goals for the plan year) or ``other``.

>>> heading_level("一、2024年国民经济和社会发展计划执行情况")
1
>>> heading_level("（二）“双圈”建设扎实推进，合作交流走深走实")
2
>>> heading_level("——落实稳进增效。突出稳预期")
4
>>> heading_level("全年实现地区生产总值1490.78亿元") is None
True
>>> classify_part("一、2024年国民经济和社会发展计划执行情况")
'review'
>>> classify_part("二、2025年国民经济和社会发展基本思路和主要目标")
'plan'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import regex

from pipeline.rx import rx

from pipeline.ingest.text import to_ascii_digits
from pipeline.model import Block, Document

Part = Literal["review", "plan", "multi_year", "other"]

_CN = "一二三四五六七八九十"
_H1 = regex.compile(rf"^[{_CN}]{{1,3}}、")
_H2 = regex.compile(rf"^[（(][{_CN}]{{1,3}}[）)]")
_H3 = regex.compile(r"^\d{1,2}[.．、](?!\d)")
_BOX = regex.compile(r"^(专栏|表)\s*\d+")
_DASH = regex.compile(r"^(——|－－|--)")
# an unnumbered heading line such as "2024年工作回顾" (short, no punctuation)
_BARE_HEADING = regex.compile(r"(工作回顾|总体要求|目标任务|工作安排|工作安排建议|工作建议|重点工作|主要任务|主要目标|执行情况|计划草案|政府工作任务)$")
# a section about a five-year period (二、“十三五”时期主要目标任务; 今后五年的主要任务)
_MULTI_YEAR = regex.compile(r"[“\"]?十[一二三四五六]?五[”\"]?(时期|期间|规划)|今后五年|未来五年|[九十]五计划|远景目标")

# part vocabulary (checked in order: a heading naming the review wins over "今年")
_REVIEW = regex.compile(r"回顾|执行情况|过去一年|过去的一年|过去五年|五年来|工作总结|取得的成绩|完成情况|刚刚过去|成就的五年")
_PLAN = regex.compile(r"计划草案|主要目标|预期目标|基本思路|总体要求|工作安排|重点工作|主要任务|今年|工作任务|政策取向|发展目标|主要指标|建议|部署")


def heading_level(text: str, style: str | None = None) -> int | None:
    """Level of a heading line (1 = 一、, 2 = （一）, 3 = 1., 4 = —— item), or None."""
    if style:
        m = rx(r"(?:Heading|标题)\s*(\d)").match(style)
        if m:
            return int(m.group(1))
    head = text.split("。", 1)[0]
    if _DASH.match(text):
        return 4
    if len(text) <= 24 and not rx(r"[。，；：,;:]").search(text) and _BARE_HEADING.search(text):
        return 1
    if _BOX.match(text) and len(text) <= 60:
        return 3
    if len(head) > 60:
        return None
    if _H1.match(text):
        return 1
    if _H2.match(text):
        return 2
    if _H3.match(text) and len(head) <= 40:
        return 3
    return None


def classify_part(title: str, review_year: int | None = None, plan_year: int | None = None) -> Part:
    """Part of a heading from the years it names, then its wording."""
    years = [int(y) for y in rx(r"(?<!\d)(19\d\d|20\d\d)(?=\s*年)").findall(title)]
    if plan_year and plan_year in years and review_year not in years:
        return "plan"
    if _REVIEW.search(title):
        return "review"
    if _MULTI_YEAR.search(title) and not (set(years) & {review_year, plan_year}):
        return "multi_year"
    if review_year and review_year in years and not _PLAN.search(title):
        return "review"
    if _PLAN.search(title):
        return "plan"
    return "other"


@dataclass
class Section:
    """A node of the section tree. ``blocks`` are the indexes of the blocks it holds directly."""

    title: str
    level: int
    part: Part
    path: str  # e.g. "2/3" (the 3rd child of the 2nd top-level section)
    block: int | None  # index of the heading block (None for the root)
    blocks: list[int] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for c in self.children:
            yield from c.walk()

    def to_dict(self) -> dict[str, object]:
        return {
            "title": self.title,
            "level": self.level,
            "part": self.part,
            "path": self.path,
            "block": self.block,
            "children": [c.to_dict() for c in self.children],
        }


def split_sections(doc: Document, review_year: int | None = None, plan_year: int | None = None) -> Section:
    """Build the section tree; returns the root (level 0). Debris blocks are skipped.

    "——" items (level 4) only become sections when they sit under a heading; they keep
    the part of their parent.
    """
    root = Section("", 0, "other", "", None)
    stack: list[Section] = [root]
    for b in doc.blocks:
        if not b.content:
            continue
        level = heading_level(b.text, b.style) if b.kind != "table" else None
        if b.kind == "heading" and level is None:
            level = 1 if b.style != "Title" else None
        if level is None:
            stack[-1].blocks.append(b.index)
            continue
        if level == 4 and stack[-1].level == 0:
            stack[-1].blocks.append(b.index)  # a —— line outside any section (e.g. the delivery date line)
            continue
        while stack[-1].level >= level:
            stack.pop()
        parent = stack[-1]
        title = b.text.split("。", 1)[0][:80]
        # a sub-section inherits its parent's part; only sections directly under a part-less
        # parent (normally the top level) are classified from their own wording
        part = parent.part if parent.part != "other" else classify_part(to_ascii_digits(title), review_year, plan_year)
        node = Section(title, level, part, f"{parent.path}/{len(parent.children) + 1}".lstrip("/"), b.index, [b.index])
        parent.children.append(node)
        stack.append(node)
    _fill_parts(root)
    return root


def _fill_parts(root: Section) -> None:
    """Reports review first and plan after: an unclassified top-level section before the first
    plan section is review (if a plan section follows), one after the last review section is plan."""
    top = root.children
    plans = [i for i, s in enumerate(top) if s.part == "plan"]
    reviews = [i for i, s in enumerate(top) if s.part == "review"]
    for i, s in enumerate(top):
        if s.part != "other":
            continue
        if plans and i < plans[0]:
            new = "review"
        elif reviews and i > reviews[-1]:
            new = "plan"
        else:
            continue
        for node in s.walk():
            node.part = new  # type: ignore[assignment]


def section_of_blocks(root: Section) -> dict[int, Section]:
    """Map every block index to the innermost section that holds it."""
    out: dict[int, Section] = {}
    for s in root.walk():
        for i in s.blocks:
            out[i] = s
    return out


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offsets into Document.text
    end: int


_SENT_PIECE = regex.compile(r"[^。！？；!?;\n]*[。！？；!?;]?")


def split_sentences(text: str, offset: int = 0) -> list[Sentence]:
    """Split after 。！？；!?; and at newlines, keeping offsets.

    >>> [s.text for s in split_sentences("甲增长5%。乙下降3%；丙")]
    ['甲增长5%。', '乙下降3%；', '丙']
    >>> [(s.text, s.start) for s in split_sentences("甲。\\n乙", 10)]
    [('甲。', 10), ('乙', 13)]
    """
    return [Sentence(m.group(0), offset + m.start(), offset + m.end())
            for m in _SENT_PIECE.finditer(text) if m.group(0).strip()]


def blocks_by_part(doc: Document, root: Section) -> dict[int, Part]:
    """Part of every block (from its innermost section)."""
    sec = section_of_blocks(root)
    return {b.index: (sec[b.index].part if b.index in sec else "other") for b in doc.blocks}


def is_content(block: Block) -> bool:
    return block.content
