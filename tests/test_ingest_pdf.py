"""PDF reader: ruled tables (merged cells, continued tables), paragraphs, footers, bad files.

Each real PDF is read once per module (pdfplumber is slow); bad-input PDFs are written by hand
into ``tmp_path`` (an RC4-encrypted PDF, a page with only a rectangle, a font without a
Unicode map), so no binary test data is kept in the repository.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest.pdf import (
    CAPTION_RE,
    FOOTER_RE,
    HEADING_RE,
    _build_blocks,
    _Frag,
    _Layout,
    _Line,
    _PageInfo,
    _table_frag,
    join_lines,
    normalize_spaces,
    read_pdf,
)
from pipeline.model import Block, Cell, Table, assemble

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
JIANGJIN = CORPORA / "jiangjin_plan_report_2025"
JINJIANG = CORPORA / "jinjiang_city_gwr_2023-12.pdf"
FINANCE = CORPORA / "shanghai_putuo_finance_bureau_dept_final_accounts_2024.pdf"
PLANNING = CORPORA / "shanghai_putuo_planning_resources_bureau_dept_final_accounts_2024.pdf"
ALL = {"jiangjin": JIANGJIN.with_suffix(".pdf"), "jinjiang": JINJIANG, "finance": FINANCE, "planning": PLANNING}

Read = tuple[list[Block], int, list[str]]


@pytest.fixture(scope="module")
def pdfs() -> dict[str, Read]:
    """Every real PDF, read once for the whole module."""
    return {name: read_pdf(str(path)) for name, path in ALL.items()}


def _tables(read: Read) -> list[Table]:
    return [b.table for b in read[0] if b.table is not None]


def _texts(read: Read) -> list[str]:
    return [b.text for b in read[0] if b.table is None]


def _txt_tables(path: Path) -> list[list[list[str]]]:
    """Tables of the jiangjin .txt: tab-indented lines, one cell a line, a blank line between rows."""
    tables: list[list[list[str]]] = []
    table = row = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith("\t"):
            if table is None:
                table = []
                tables.append(table)
            if row is None:
                row = []
                table.append(row)
            row.append(line[1:].rstrip())
        elif not line.strip():
            row = None
        else:
            table = row = None
    return tables


def _grid(t: Table) -> list[list[str]]:
    return [[c.text.rstrip() for c in row] for row in t.rows]


# --------------------------------------------------------------------------------------------
# Patterns and text helpers (fast, table-driven)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, is_footer",
    [
        ("— 1 —", True),
        ("- 12 -", True),
        ("－3－", True),
        ("第1页", True),
        ("第 2 页 共 28 页", True),
        ("共28页 第3页", True),
        ("17", True),
        ("3/28", True),
        ("Page 4 of 9", True),
        ("2024年度部门决算", False),
        ("一、2023年工作回顾", False),
        ("——2023年12月28日在晋江市第十八届人民代表大会第三次会议上", False),
    ],
)
def test_pdf_footer_pattern(line: str, is_footer: bool) -> None:
    assert bool(FOOTER_RE.match(line)) is is_footer


@pytest.mark.parametrize(
    "line, heading",
    [
        ("一、2024年国民经济和社会发展计划执行情况", True),
        ("（一）主枢纽建设提质跃升，开放发展稳健前行", True),
        ("(十二)完成区委交办的其他任务", True),
        ("专栏1主枢纽建设2025年重点任务", True),
        ("第三部分 上海市普陀区财政局2024年度部门决算情况说明", True),
        ("一、二产业融合发展", False),  # an enumeration wrapped to the start of a line
        ("一、二、三产业融合发展", False),
        ("五、一般公共预算财政拨款支出决算情况说明", True),
        ("——落实稳进增效。", False),
        ("2024年，面对严峻复杂的国际环境", False),
    ],
)
def test_pdf_heading_pattern(line: str, heading: bool) -> None:
    assert bool(HEADING_RE.match(line)) is heading


@pytest.mark.parametrize(
    "line, caption",
    [
        ("表1：江津区2024年国民经济和社会发展主要预期目标完成情况表", True),
        ("表 2 主要指标", True),
        ("续表1", True),
        ("附表3 项目清单", True),
        ("表1）等指标达到预期", False),  # the wrapped tail of "（详见表1）"
        ("表明经济运行稳中向好", False),
    ],
)
def test_pdf_caption_pattern(line: str, caption: bool) -> None:
    assert bool(CAPTION_RE.match(line)) is caption


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("政 府 工 作 报 告", "政府工作报告"),
        ("一、2023 年工作回顾", "一、2023年工作回顾"),
        ("增长 6.5% ，比上年提高", "增长6.5%，比上年提高"),
        ("因 公 出 国 （ 境 ） 费", "因公出国（境）费"),
        ("文 件 （二十六）", "文件（二十六）"),
        ("第四部分 名词解释", "第四部分 名词解释"),  # a word space between CJK words stays
        ("GDP growth  rate", "GDP growth rate"),
        ("  ", ""),
    ],
)
def test_pdf_normalize_spaces(raw: str, expected: str) -> None:
    assert normalize_spaces(raw) == expected


@pytest.mark.parametrize(
    "lines, expected",
    [
        (["1.地区生产总值", "（GDP）增速"], "1.地区生产总值（GDP）增速"),
        (["全年实现地区生产总值", "1490.78亿元"], "全年实现地区生产总值1490.78亿元"),
        (["Gross domestic", "product"], "Gross domestic product"),
        (["COVID-", "19"], "COVID-19"),
        (["", "甲", " "], "甲"),
    ],
)
def test_pdf_join_wrapped_lines(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


def test_pdf_merged_cell_rectangles_become_spans() -> None:
    # a 3x3 grid: a header cell over all three columns, a cell over two rows in column 0
    cells = [
        (0, 0, 90, 10),
        (0, 10, 30, 30),
        (30, 10, 60, 20),
        (60, 10, 90, 20),
        (30, 20, 60, 30),
        (60, 20, 90, 30),
    ]
    frag = _table_frag(cells, [], page=1)
    assert frag is not None and frag.n_cols == 3
    spans = [[(c.row, c.col, c.rowspan, c.colspan) for c in row] for row in frag.rows]
    assert spans == [[(0, 0, 1, 3)], [(1, 0, 2, 1), (1, 1, 1, 1), (1, 2, 1, 1)], [(2, 1, 1, 1), (2, 2, 1, 1)]]


def test_pdf_one_cell_per_row_is_not_a_table() -> None:
    # highlight boxes behind text lines look like a one-column "table"
    assert _table_frag([(0, 0, 90, 10), (0, 10, 90, 20), (10, 20, 90, 30)], [], page=1) is None


def _frag(page: int, rows: list[list[str]], top: float) -> _Frag:
    cells = [[Cell(text, r, c) for c, text in enumerate(row)] for r, row in enumerate(rows)]
    return _Frag(page=page, bbox=(72, top, 520, top + 20 * len(rows)), rows=cells, n_cols=len(rows[0]), top=top)


def _line(page: int, text: str, top: float) -> _Line:
    return _Line(text=text, raw=text, page=page, x0=72, x1=72 + 12 * len(text), top=top, bottom=top + 12, size=12, lead_w=12)


@pytest.mark.parametrize(
    "between, merged",
    [
        ([], True),  # the table is the first thing on the next page
        (["续表1"], True),
        (["单位：万元"], True),
        (["这是一段正文。"], False),  # text between: a new table
    ],
)
def test_pdf_table_continued_on_next_page(between: list[str], merged: bool) -> None:
    header = ["指标", "目标"]
    page1 = _PageInfo(1, 595, 842, [_line(1, "表1：主要指标", 600), _frag(1, [header, ["GDP", "6%"]], 650)])
    lines = [_line(2, text, 72 + 14 * i) for i, text in enumerate(between)]
    page2 = _PageInfo(2, 595, 842, [*lines, _frag(2, [header, ["", ""], ["CPI", "3%"]], 120)])
    layout = _Layout(left=72, right=520, pitch=14, body_size=12, indent_style=False, spacing_style=False)
    blocks = _build_blocks([page1, page2], {595: layout})
    tables = [b.table for b in blocks if b.table is not None]
    if merged:
        [t] = tables
        # repeated header and the empty row split off by the page break are dropped
        assert t.grid() == [header, ["GDP", "6%"], ["CPI", "3%"]] and t.pages == [1, 2]
        assert [c.row for row in t.rows for c in row] == [0, 0, 1, 1, 2, 2]
        assert t.caption == "表1：主要指标"
    else:
        assert len(tables) == 2 and tables[1].caption is None
    assert [b.text for b in blocks if b.table is None] == ["表1：主要指标", *between]


# --------------------------------------------------------------------------------------------
# Every real PDF: the shape of the result
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, n_pages", [("jiangjin", 27), ("jinjiang", 28), ("finance", 25), ("planning", 30)])
def test_pdf_blocks_are_well_formed(pdfs: dict[str, Read], name: str, n_pages: int) -> None:
    blocks, pages, warnings = pdfs[name]
    assert pages == n_pages and warnings == []
    assert blocks and all(b.kind in ("paragraph", "heading", "table") for b in blocks)
    page_numbers = [b.page for b in blocks]
    assert all(isinstance(p, int) and 1 <= p <= n_pages for p in page_numbers)
    assert page_numbers == sorted(page_numbers)  # reading order
    for b in blocks:
        assert (b.kind == "table") == (b.table is not None)
        if b.table is None:
            assert b.text and b.text == b.text.strip() and "\n" not in b.text
            assert b.raw is None or b.raw != b.text
    text = assemble(blocks)  # the caller's step: offsets must be consistent
    for b in blocks:
        assert text[b.char_start : b.char_end] == b.text


@pytest.mark.parametrize("name", list(ALL))
def test_pdf_tables_cover_their_grid_once(pdfs: dict[str, Read], name: str) -> None:
    """Merged cells are read once: every grid position is covered by exactly one cell."""
    for t in _tables(pdfs[name]):
        n = t.n_cols
        seen = [[0] * n for _ in t.rows]
        for r, row in enumerate(t.rows):
            assert [c.col for c in row] == sorted(c.col for c in row)
            for c in row:
                assert c.row == r
                for dr in range(c.rowspan):
                    for dc in range(c.colspan):
                        seen[r + dr][c.col + dc] += 1
        assert all(v == 1 for row in seen for v in row), (t.caption, t.pages)
        assert t.pages == sorted(t.pages) and t.pages


@pytest.mark.parametrize("name", list(ALL))
def test_pdf_no_running_footers_or_spaced_cjk(pdfs: dict[str, Read], name: str) -> None:
    texts = _texts(pdfs[name])
    assert not [t for t in texts if FOOTER_RE.match(t)]
    assert not [t for t in texts if re.search(r"[—－-]\s*\d{1,3}\s*[—－-]$|^第\s*\d+\s*页", t)]
    assert not [t for t in texts if re.search(r"[\u4e00-\u9fff] \d|\d [\u4e00-\u9fff]|[\u4e00-\u9fff] [\u4e00-\u9fff] [\u4e00-\u9fff]", t)]


# --------------------------------------------------------------------------------------------
# jiangjin: the reference report, also as .txt
# --------------------------------------------------------------------------------------------


def test_pdf_jiangjin_tables_match_txt(pdfs: dict[str, Read]) -> None:
    tables = _tables(pdfs["jiangjin"])
    assert len(tables) == 2
    expected = _txt_tables(JIANGJIN.with_suffix(".txt"))[:2]
    assert [_grid(t) for t in tables] == expected


@pytest.mark.parametrize(
    "index, header, n_data, first, last, pages",
    [
        (
            0,
            ["指标名称", "2024年预期目标", "2024年完成值"],
            23,
            ["1.地区生产总值（GDP）增速", "7%", "4.1%"],
            ["19.单位地区GDP能耗", "下降3.5个百分点", "下降2.7个百分点"],
            [1, 2],
        ),
        (
            1,
            ["指标名称", "2025年预期目标"],
            24,
            ["1.地区生产总值（GDP）增速", "6%"],
            ["20.单位地区GDP能耗下降", "下降3.5个百分点"],
            [10, 11],
        ),
    ],
)
def test_pdf_jiangjin_continued_tables_merged(
    pdfs: dict[str, Read], index: int, header: list[str], n_data: int, first: list[str], last: list[str], pages: list[int]
) -> None:
    t = _tables(pdfs["jiangjin"])[index]
    grid = _grid(t)
    assert grid[0] == header and grid[1] == first and grid[-1] == last
    assert len(grid) - 1 == n_data  # the .txt has 23 and 24 data rows
    assert t.pages == pages
    assert sum(row == header for row in grid) == 1  # no repeated header
    assert all(len(row) == len(header) for row in grid)


@pytest.mark.parametrize(
    "cell",
    ["10.战略性新兴制造业产值占规上工业总产值比重", "14.全体居民人均可支配收入增速", "18.城区空气环境质量优良天数"],
)
def test_pdf_jiangjin_wrapped_cells_joined(pdfs: dict[str, Read], cell: str) -> None:
    assert cell in [row[0].text for row in _tables(pdfs["jiangjin"])[0].rows]


def test_pdf_jiangjin_caption(pdfs: dict[str, Read]) -> None:
    blocks = pdfs["jiangjin"][0]
    i = next(i for i, b in enumerate(blocks) if b.table is not None)
    caption = "表1：江津区2024年国民经济和社会发展主要预期目标完成情况表"
    assert blocks[i].table.caption == caption
    assert blocks[i - 1].text == caption and blocks[i - 1].kind == "paragraph"  # kept in the text
    assert _tables(pdfs["jiangjin"])[1].caption is None


def test_pdf_jiangjin_paragraphs_match_txt(pdfs: dict[str, Read]) -> None:
    """Every .txt paragraph, and every 专栏 cell (plain text in the PDF), is one PDF block."""
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731 - the .txt keeps a few stray spaces
    got = [squash(t) for t in _texts(pdfs["jiangjin"])]
    txt = JIANGJIN.with_suffix(".txt")
    paragraphs = [squash(line) for line in txt.read_text(encoding="utf-8").split("\n") if line.strip() and line[0] != "\t"]
    boxes = [squash(cell) for t in _txt_tables(txt)[2:] for row in t for cell in row]
    assert len(got) == len(paragraphs) + len(boxes)
    assert set(paragraphs) <= set(got) and set(boxes) <= set(got)
    assert [g for g in got if g in set(paragraphs)] == paragraphs  # same order


@pytest.mark.parametrize(
    "sentence",
    [
        "全年实现地区生产总值1490.78亿元、增长4.1%",
        "西部陆海新通道江津班列全年开行1804列、增长48%，开行量全市第1。",  # a number wrapped to a new line
        "为“十五五”良好开局打牢坚实基础。",  # quotes glue to both sides when lines break
    ],
)
def test_pdf_jiangjin_sentence_in_one_block(pdfs: dict[str, Read], sentence: str) -> None:
    assert sum(sentence in t for t in _texts(pdfs["jiangjin"])) == 1


@pytest.mark.parametrize(
    "heading, page",
    [
        ("一、2024年国民经济和社会发展计划执行情况", 1),
        ("（一）主枢纽建设提质跃升，开放发展稳健前行", 3),
        ("二、2025年国民经济和社会发展基本思路和主要目标", 10),
        ("专栏3“3+3+X”现代制造业集群体系建设2025年重点推进项目", 16),  # last line of its page
    ],
)
def test_pdf_jiangjin_headings_are_own_blocks(pdfs: dict[str, Read], heading: str, page: int) -> None:
    [block] = [b for b in pdfs["jiangjin"][0] if b.text == heading]
    assert block.kind == "heading" and block.page == page


def test_pdf_jiangjin_title_is_one_title_block(pdfs: dict[str, Read]) -> None:
    first = pdfs["jiangjin"][0][0]
    assert first.text == "关于重庆市江津区2024年国民经济和社会发展计划执行情况及2025年计划草案的报告"
    assert first.kind == "heading" and first.style == "Title" and first.page == 1
    assert first.raw is not None and first.raw.count("\n") == 2  # three lines as extracted


# --------------------------------------------------------------------------------------------
# jinjiang: a 28-page city report with footers and hard line breaks
# --------------------------------------------------------------------------------------------


def test_pdf_jinjiang_title_and_front_matter(pdfs: dict[str, Read]) -> None:
    texts = _texts(pdfs["jinjiang"])
    assert texts[:6] == [
        "[2023.12]市十八届人大三次会议",
        "文件（二十六）",
        "政府工作报告",
        "——2023年12月28日在晋江市第十八届人民代表大会第三次会议上",
        "晋江市人民政府市长 王明元",
        "各位代表：",
    ]
    assert pdfs["jinjiang"][0][2].raw == "政 府 工 作 报 告"


def test_pdf_jinjiang_sentences_not_broken(pdfs: dict[str, Read]) -> None:
    blocks = pdfs["jinjiang"][0]
    assert not _tables(pdfs["jinjiang"])  # text highlight boxes are not tables
    long = [b for b in blocks if b.kind == "paragraph" and "，" in b.text]  # sentences
    assert len(long) > 60
    assert not [b.text[-20:] for b in long if b.text[-1] not in "。！？；：”"]
    assert not [b.text[:10] for b in blocks if b.text[0] in "，。、；：！？）”"]
    assert [b.text for b in blocks if b.kind == "heading"] == [
        "政府工作报告",
        "一、2023年工作回顾",
        "二、2024年主要工作安排",
        "三、全面加强政府自身建设",
    ]


@pytest.mark.parametrize(
    "sentence, page",
    [
        # joined across the page break (and across the "— 1 —" footer between the pages)
        ("政企同心同向，大拼经济，大抓发展，企业预期更稳、信心更强，预计地区生产总值增长6.5%", 1),
        ("现在，我代表市人民政府向大会作工作报告，请予审议，并请市政协各位委员和其他列席人员提出意见。", 1),
        ("经济社会发展主要预期目标是：地区生产总值增长6%左右", 9),
    ],
)
def test_pdf_jinjiang_paragraph_joined(pdfs: dict[str, Read], sentence: str, page: int) -> None:
    [block] = [b for b in pdfs["jinjiang"][0] if sentence in b.text]
    assert block.page == page
    assert block.raw is not None and "\n" in block.raw


# --------------------------------------------------------------------------------------------
# 普陀 部门决算: many ruled tables, wrapped cells, tables continued across pages
# --------------------------------------------------------------------------------------------

FINANCE_TABLES = [
    # caption, pages, columns, rows
    (None, [5], 3, 4),
    ("收入支出决算总表", [6, 7], 4, 32),
    ("收入决算表", [8, 9], 11, 23),
    ("支出决算表", [10, 11], 10, 23),
    ("财政拨款收入支出决算总表", [12, 13], 7, 34),
    ("一般公共预算财政拨款支出决算表", [15], 7, 24),
    ("一般公共预算财政拨款基本支出决算表", [16, 17], 8, 42),
    ("财政拨款“三公”经费支出决算表", [18], 12, 6),
    ("政府性基金预算财政拨款收入支出决算表", [19], 10, 12),
    ("国有资本经营预算财政拨款收入支出决算表", [20], 10, 12),
]
PLANNING_TABLES = [
    (None, [6], 3, 6),
    ("收入支出决算总表", [7], 4, 30),
    ("收入决算表", [8, 9], 9, 27),
    ("支出决算表", [10, 11], 8, 27),
    ("财政拨款收入支出决算总表", [12, 13], 7, 32),
    ("一般公共预算财政拨款支出决算表", [14, 15], 5, 27),
    ("一般公共预算财政拨款基本支出决算表", [16], 6, 40),
    ("财政拨款“三公”经费支出决算表", [17], 12, 5),
    ("政府性基金预算财政拨款收入支出决算表", [18], 8, 6),
    ("国有资本经营预算财政拨款收入支出决算表", [19], 8, 6),
]


@pytest.mark.parametrize("name, expected", [("finance", FINANCE_TABLES), ("planning", PLANNING_TABLES)])
def test_pdf_putuo_tables(pdfs: dict[str, Read], name: str, expected: list) -> None:  # type: ignore[type-arg]
    got = [(t.caption, t.pages, t.n_cols, len(t.rows)) for t in _tables(pdfs[name])]
    assert got == expected


@pytest.mark.parametrize(
    "caption, row, cells",
    [
        # wrapped cells joined; letter-spaced cells collapsed
        ("收入决算表", 13, ["208", "05", "05", "机关事业单位基本养老保险缴费支出", "160.75", "160.75", "", "", "", "", ""]),
        ("一般公共预算财政拨款基本支出决算表", 14, ["301", "13", "住房公积金", "187.19", "302", "12", "因公出国（境）费用", ""]),
        # first row of the continuation: the empty row split off by the page break is dropped
        ("一般公共预算财政拨款基本支出决算表", 22, ["303", "05", "生活补助", "", "302", "25", "专用燃料费", ""]),
        # last rows of continued tables
        ("收入决算表", 22, ["221", "02", "03", "购房补贴", "258.50", "258.50", "", "", "", "", ""]),
        ("收入支出决算总表", 31, ["总计", "2,995.39", "总计", "2,995.39"]),
    ],
)
def test_pdf_putuo_finance_cells(pdfs: dict[str, Read], caption: str, row: int, cells: list[str]) -> None:
    [t] = [t for t in _tables(pdfs["finance"]) if t.caption == caption]
    assert t.grid()[row] == cells


def test_pdf_putuo_merged_header_read_once(pdfs: dict[str, Read]) -> None:
    [t] = [t for t in _tables(pdfs["finance"]) if t.caption == "收入决算表"]
    header = [(c.text, c.rowspan, c.colspan) for c in t.rows[0]]
    assert header[0] == ("项目", 1, 4)
    assert ("本年收入合计", 3, 1) in header
    assert [(c.text, c.colspan) for c in t.rows[1]] == [("支出功能分类", 3), ("科目名称", 1)]
    assert sum(c.text == "项目" for row in t.rows for c in row) == 1  # the continuation repeats no header


def test_pdf_putuo_offset_digits_stay_on_their_line(pdfs: dict[str, Read]) -> None:
    """Arial digits and quotes sit 7 pt lower than the FangSong text around them."""
    texts = _texts(pdfs["finance"])
    after = texts[len(texts) - texts[::-1].index("一、收入支出决算总体情况说明")]  # not the 目录 entry
    assert after.startswith("上海市普陀区财政局2024年度收入支出总计2995.39万元。与2023年度相比，收入支出总计减少56.95万元")
    assert "第三部分上海市普陀区财政局2024年度部门决算情况说明" in texts  # a title wrapped over two lines
    assert "七、财政拨款“三公”经费支出决算情况说明" in texts


# --------------------------------------------------------------------------------------------
# Bad input: one clear IngestError, never an empty result
# --------------------------------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file from numbered objects (1 = catalog), with a correct xref table."""
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return out


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _one_page(content: bytes, font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        _stream(content),
        font,
    ]


def _encrypted_pdf(user: bytes = b"secret", owner: bytes = b"owner") -> bytes:
    """Standard security handler, revision 2 (RC4, 40-bit key), with a user password."""
    perms, file_id = -44, hashlib.md5(b"govreport").digest()
    o = _rc4(hashlib.md5((owner + _PAD)[:32]).digest()[:5], (user + _PAD)[:32])
    key = hashlib.md5((user + _PAD)[:32] + o + perms.to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    content = b"BT /F1 12 Tf 72 720 Td (Secret text) Tj ET"
    objects = _one_page(content)
    object_key = hashlib.md5(key + (4).to_bytes(3, "little") + (0).to_bytes(2, "little")).digest()[:10]
    objects[3] = _stream(_rc4(object_key, content))
    u = _rc4(key, _PAD).hex().encode()
    objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o.hex().encode(), u, perms))
    ids = file_id.hex().encode()
    return _pdf(objects, b"/Encrypt 6 0 R /ID [<%s> <%s>]" % (ids, ids))


def _cid_font_pdf() -> bytes:
    """A Type0 font without a ToUnicode map: pdfminer sees (cid:N), pdfium reads 'ABCDE'."""
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /Foo /Encoding /Identity-H /DescendantFonts [6 0 R] >>"
    objects = _one_page(b"BT /F1 12 Tf 72 720 Td <00410042004300440045> Tj ET", font)
    objects.append(
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Foo /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /DW 600 >>"
    )
    objects.append(
        b"<< /Type /FontDescriptor /FontName /Foo /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>"
    )
    return _pdf(objects)


BAD_INPUTS = {
    "truncated": (lambda: (b := JIANGJIN.with_suffix(".pdf").read_bytes())[: len(b) // 2], "not a PDF or corrupt PDF: "),
    "not-a-pdf": (lambda: "政府工作报告\n一、2024年工作回顾\n".encode(), "not a PDF or corrupt PDF: no %PDF header"),
    "empty": (lambda: b"", "not a PDF or corrupt PDF: empty file"),
    "encrypted": (_encrypted_pdf, "encrypted PDF"),
    "scanned": (lambda: _pdf(_one_page(b"0 0 1 rg 100 100 200 200 re f")), "no text layer: scanned PDF"),
    "no-pages": (
        lambda: _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        "not a PDF or corrupt PDF: no pages",
    ),
    "only-page-number": (lambda: _pdf(_one_page(b"BT /F1 10 Tf 290 30 Td (7) Tj ET")), "no text layer: only page furniture"),
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_pdf_bad_input_raises_one_line_error(tmp_path: Path, name: str) -> None:
    make, reason = BAD_INPUTS[name]
    f = tmp_path / f"{name}.pdf"
    f.write_bytes(make())
    with pytest.raises(IngestError) as e:
        read_pdf(str(f))
    assert e.value.path == str(f)
    assert e.value.reason.startswith(reason) and "\n" not in str(e.value)


def test_pdf_missing_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read file"):
        read_pdf(str(tmp_path / "nope.pdf"))


def test_pdf_hand_written_pdfs_are_valid(tmp_path: Path) -> None:
    """The generators above make real PDFs: the encrypted one opens with its password."""
    import pdfplumber

    f = tmp_path / "enc.pdf"
    f.write_bytes(_encrypted_pdf())
    with pdfplumber.open(str(f), password="secret") as pdf:
        assert pdf.pages[0].extract_text() == "Secret text"


def test_pdf_garbled_page_falls_back_to_pdfium(tmp_path: Path) -> None:
    f = tmp_path / "cid.pdf"
    f.write_bytes(_cid_font_pdf())
    blocks, n_pages, warnings = read_pdf(str(f))
    assert n_pages == 1 and [b.text for b in blocks] == ["ABCDE"] and blocks[0].page == 1
    assert len(warnings) == 1 and "page 1: garbled text layer" in warnings[0] and "pypdfium2" in warnings[0]


def test_pdf_missing_eof_marker_is_a_warning(tmp_path: Path) -> None:
    f = tmp_path / "noeof.pdf"
    f.write_bytes(_pdf(_one_page(b"BT /F1 12 Tf 72 720 Td (Hello world.) Tj ET")).replace(b"%%EOF", b""))
    blocks, _, warnings = read_pdf(str(f))
    assert [b.text for b in blocks] == ["Hello world."]
    assert warnings == ["no %%EOF marker at the end of the file: it may be truncated"]
