"""Readers: encodings, debris, tab-flattened tables, .docx merges, and the three jiangjin formats."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import read_bytes, read_document
from pipeline.segment import split_sections

CORPORA = Path(__file__).resolve().parent.parent / "corpora"
JIANGJIN = CORPORA / "jiangjin_plan_report_2025"
SAMPLE = "政府工作报告\n一、2024年工作回顾\n地区生产总值增长5%左右。\n"


@pytest.mark.parametrize(
    "encoded",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        SAMPLE.encode("gb18030"),
        SAMPLE.encode("gbk"),
        SAMPLE.encode("utf-16"),  # with BOM
        SAMPLE.encode("utf-16-le"),  # without BOM
        SAMPLE.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-bom", "utf16le-nobom", "crlf"],
)
def test_ingest_txt_encodings(encoded: bytes) -> None:
    doc = read_bytes(encoded, "x.txt")
    assert [b.text for b in doc.blocks] == ["政府工作报告", "一、2024年工作回顾", "地区生产总值增长5%左右。"]
    assert "\r" not in doc.text


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty file"),
        (b"   \n\n", "empty file"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x81\x30" * 3 + b"\xff\xfe\xfd" * 50, "cannot decode"),
    ],
    ids=["empty", "blank", "binary", "undecodable"],
)
def test_ingest_bad_text_is_one_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as e:
        read_bytes(data, "bad.txt")
    assert "bad.txt" in str(e.value) and reason in str(e.value) and "\n" not in str(e.value)


def test_ingest_fullwidth_spaces_and_web_debris() -> None:
    raw = "下载\n打印\n【字体：大 中 小】\n来源：新华社\n\u3000\u3000政府工作报告\n\u3000\u3000各位代表：\n<U+00A0>\n正文一段很长的内容，超过二十个字符的内容，用来检验。\nPublic domain\nfalse\n"
    doc = read_bytes(raw.encode(), "web.txt")
    content = [b.text for b in doc.blocks if b.content]
    assert content == ["政府工作报告", "各位代表：", "正文一段很长的内容，超过二十个字符的内容，用来检验。"]
    assert not doc.blocks[0].content and doc.blocks[0].text == "下载"


def test_ingest_repeated_copies_marked() -> None:
    para = "这是一段足够长的正文内容，会在网页副本中重复出现多次。"
    doc = read_bytes(("标题报告\n" + (para + "\n") * 3).encode(), "rep.txt")
    assert [b.content for b in doc.blocks if b.text == para] == [True, False, False]


def test_ingest_noisy_national_copy_keeps_one_copy() -> None:
    doc = read_document(CORPORA / "national_gwr_1990_noisy.txt")
    content = "\n".join(b.text for b in doc.blocks if b.content)
    assert "<!--" not in content and "U+00A0" not in content
    # the report is repeated about six times in the file; one copy remains content
    assert content.count("现在，我代表国务院，向大会作政府工作报告") == 1
    assert len(content) < len(doc.text) / 3


def test_ingest_tab_flattened_table() -> None:
    doc = read_document(f"{JIANGJIN}.txt")
    tables = doc.tables()
    t1 = tables[0]
    assert t1.caption and t1.caption.startswith("表1")
    assert [c.text for c in t1.rows[0]] == ["指标名称", "2024年预期目标", "2024年完成值"]
    assert [c.text for c in t1.rows[1]] == ["1.地区生产总值（GDP）增速", "7%", "4.1%"]
    assert len(t1.rows) == 24  # header + 19 numbered rows + 4 # sub-rows
    # 专栏 boxes are tables too
    assert any(t.caption and t.caption.startswith("专栏3") for t in tables)


def test_ingest_offsets_point_into_text() -> None:
    doc = read_document(f"{JIANGJIN}.txt")
    for b in doc.blocks:
        assert doc.text[b.char_start:b.char_end] == b.text
        if b.table:
            for row in b.table.rows:
                for c in row:
                    assert doc.text[c.char_start:c.char_end] == c.text


def _grid(table) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[c.text.strip() for c in row] for row in table.rows]


def _indicator_tables(doc):  # type: ignore[no-untyped-def]
    return [t for t in doc.tables() if t.rows and t.rows[0][0].text == "指标名称"]


@pytest.fixture(scope="module")
def jiangjin_docs():  # type: ignore[no-untyped-def]
    return {fmt: read_document(f"{JIANGJIN}.{fmt}") for fmt in ("txt", "docx", "pdf")}


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_ingest_jiangjin_formats_same_tables(jiangjin_docs, fmt: str) -> None:  # type: ignore[no-untyped-def]
    expected = [_grid(t) for t in _indicator_tables(jiangjin_docs["txt"])]
    got = [_grid(t) for t in _indicator_tables(jiangjin_docs[fmt])]
    assert len(expected) == 2
    assert got == expected


def _tree(doc) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    root = split_sections(doc, 2024, 2025)
    return [(s.level, s.title, s.part) for s in root.walk() if s.level and s.level <= 2]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_ingest_jiangjin_formats_same_section_tree(jiangjin_docs, fmt: str) -> None:  # type: ignore[no-untyped-def]
    expected = _tree(jiangjin_docs["txt"])
    assert len(expected) >= 15
    assert _tree(jiangjin_docs[fmt]) == expected


def _make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("一、2024年工作回顾", level=1)
    d.add_paragraph("\u3000\u3000地区生产总值增长5%。")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(0, 2)).text = "合并的表头"
    t.cell(1, 0).merge(t.cell(2, 0)).text = "纵向合并"
    for r in (1, 2):
        for c in (1, 2):
            t.cell(r, c).text = f"r{r}c{c}"
    d.save(str(path))


def test_ingest_docx_merged_cells_read_once(tmp_path: Path) -> None:
    f = tmp_path / "merged.docx"
    _make_docx(f)
    doc = read_document(f)
    assert [b.kind for b in doc.blocks] == ["heading", "paragraph", "table"]
    assert doc.blocks[0].style == "Heading 1"
    assert doc.blocks[1].text == "地区生产总值增长5%。"
    rows = doc.tables()[0].rows
    assert [(c.text, c.colspan, c.rowspan) for c in rows[0]] == [("合并的表头", 3, 1)]
    assert [(c.text, c.rowspan) for c in rows[1]] == [("纵向合并", 2), ("r1c1", 1), ("r1c2", 1)]
    assert [c.text for c in rows[2]] == ["r2c1", "r2c2"]  # the merged cell is not repeated
    assert doc.text.count("纵向合并") == 1


def test_ingest_content_sniffing(tmp_path: Path) -> None:
    f = tmp_path / "really_docx.txt"
    _make_docx(f)
    doc = read_document(f)
    assert doc.format == "docx" and doc.warnings == ["content is docx, suffix says txt"]


@pytest.mark.parametrize(
    "make, reason",
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 not really a zip"), "not a Word document"),
        (lambda p: p.write_bytes(b"just text pretending"), None),
    ],
    ids=["fake-zip", "text-named-docx"],
)
def test_ingest_bad_docx(tmp_path: Path, make, reason) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "bad.docx"
    make(f)
    if reason is None:
        assert read_document(f).format == "txt"
    else:
        with pytest.raises(IngestError, match=reason):
            read_document(f)


def test_ingest_docx_zip_bomb_refused(tmp_path: Path) -> None:
    import zipfile

    f = tmp_path / "bomb.docx"
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>")
    with pytest.raises(IngestError, match="zip bomb"):
        read_document(f)


@pytest.mark.parametrize("name", sorted(p.name for p in CORPORA.iterdir() if p.suffix in (".txt", ".docx")))
def test_ingest_every_corpus_file_reads(name: str) -> None:
    doc = read_document(CORPORA / name)
    assert sum(len(b.text) for b in doc.blocks if b.content) > 1000
