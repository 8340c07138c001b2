"""Bad inputs for tests/test_bad_inputs.py, written into a folder at test time.

Large or binary inputs are generated, never committed; the only committed fixture is the short
``no_targets.txt`` next to this file. Each maker takes the output folder and returns the path it wrote
(or the link, FIFO or folder it made there)::

    python tests/bad/make_bad.py /tmp/bad            # every input below, about 55 MB
    python tests/bad/make_bad.py /tmp/bad empty gb18030

The PDFs come from the hand-written PDF helpers of tests/test_ingest_pdf.py (imported, not copied).
"""

from __future__ import annotations

import os
import random
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
CORPORA = TESTS.parent / "corpora"
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from test_ingest_pdf import BAD_INPUTS as PDF_INPUTS  # noqa: E402
from test_ingest_pdf import _pdf, _stream  # noqa: E402

#: The report the text variants are made from (112 indicators in UTF-8).
SOURCE_TXT = CORPORA / "hailar_district_gwr_2015.txt"
BIG_MB = 50
SECRET = "GOVREPORT-XXE-SECRET-7f3a"

Maker = Callable[[Path], Path]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------------------------------
# text


def empty(d: Path) -> Path:
    return _write(d / "empty.txt", b"")


def blank(d: Path) -> Path:
    return _write(d / "blank.txt", "  \n\u3000\r\n\t\n".encode())


def binary_txt(d: Path) -> Path:
    """64 KB of random bytes (fixed seed) named .txt."""
    return _write(d / "garbage.txt", random.Random(8).randbytes(64 * 1024))


def undecodable(d: Path) -> Path:
    """No NUL bytes, few control characters, but valid in no supported encoding."""
    return _write(d / "undecodable.txt", b"\x81\x30" * 3 + b"\xff\xfe\xfd" * 50)


def gb18030(d: Path) -> Path:
    return _write(d / "gb18030.txt", SOURCE_TXT.read_text(encoding="utf-8").encode("gb18030"))


def utf16_bom(d: Path) -> Path:
    return _write(d / "utf16-bom.txt", SOURCE_TXT.read_text(encoding="utf-8").encode("utf-16"))


def utf16le_no_bom(d: Path) -> Path:
    return _write(d / "utf16le.txt", SOURCE_TXT.read_text(encoding="utf-8").encode("utf-16-le"))


def big_text(d: Path, mb: int = BIG_MB) -> Path:
    """``mb`` MB of real report lines (national reports 2000-2025), each made unique by a counter so the
    repeated-copy filter cannot drop them."""
    lines = [ln for p in sorted(CORPORA.glob("national_gwr_20*.txt"))
             for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    target = mb * 2**20
    path = d / "big.txt"
    written = i = 0
    with path.open("wb") as fh:
        while written < target:
            chunk = "".join(f"{lines[(i + k) % len(lines)]}（第{i + k}段）\n" for k in range(1000)).encode()
            fh.write(chunk)
            written += len(chunk)
            i += 1000
    return path


def too_large(d: Path) -> Path:
    """A sparse file of 201 MB (nothing is written to disk; the size check comes before any read)."""
    path = d / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(201 * 2**20)
    return path


# simplified -> traditional for the characters of the source report that differ (a small, hand-made
# subset of the standard mapping; one-to-many cases take the commonest form: 后 -> 後, 干 -> 幹, 里 stays)
_S = ("区业设发实进动经万产济个长强体确为态亿现国农点创环尔达场转稳众规调对结内镇户学决标断园运积续总机营监办线关综护"
      "极坚构优际题们应议协认广条补范问风当严责紧难级网计团绿届财车准干观热担贴扩权划统类审并变两启顺吨显时东础红卫养险"
      "乡盖专与员导党预数迁质拥儿继过势领县贸组楼旧气参医简这键适于费销圣证华价炉电评职战还后筹谐争维处乱满见贯彻购额举"
      "矿润奋斗仓库贝阳视筑节践减药档妇绩联请纯云驻谈温巩签鲜连锁写远龙桥萨单烧锅胜记荣饮压双残来够约换状宽给壮纪厂细将则"
      "层龄贫图纷诉论顾复杂较赛务资项开会报负责粮税价约内")
_T = ("區業設發實進動經萬產濟個長強體確為態億現國農點創環爾達場轉穩眾規調對結內鎮戶學決標斷園運積續總機營監辦線關綜護"
      "極堅構優際題們應議協認廣條補範問風當嚴責緊難級網計團綠屆財車準幹觀熱擔貼擴權劃統類審並變兩啟順噸顯時東礎紅衛養險"
      "鄉蓋專與員導黨預數遷質擁兒繼過勢領縣貿組樓舊氣參醫簡這鍵適於費銷聖證華價爐電評職戰還後籌諧爭維處亂滿見貫徹購額舉"
      "礦潤奮鬥倉庫貝陽視築節踐減藥檔婦績聯請純雲駐談溫鞏簽鮮連鎖寫遠龍橋薩單燒鍋勝記榮飲壓雙殘來夠約換狀寬給壯紀廠細將則"
      "層齡貧圖紛訴論顧復雜較賽務資項開會報負責糧稅價約內")
TRADITIONAL = str.maketrans(_S, _T)


def to_traditional(text: str) -> str:
    """>>> to_traditional("地区生产总值增长8%，达到296亿元")
    '地區生產總值增長8%，達到296億元'
    """
    return text.translate(TRADITIONAL)


def traditional(d: Path) -> Path:
    return _write(d / "traditional.txt", to_traditional(SOURCE_TXT.read_text(encoding="utf-8")).encode())


def no_targets(d: Path) -> Path:
    return _write(d / "no_targets.txt", (HERE / "no_targets.txt").read_bytes())


def chinese_name(d: Path) -> Path:
    return _write(d / "海拉尔 2015 报告 (副本).txt", SOURCE_TXT.read_bytes())


def text_named_docx(d: Path) -> Path:
    return _write(d / "really text.docx", SOURCE_TXT.read_bytes())


# --------------------------------------------------------------------------------------------------
# PDF (makers from tests/test_ingest_pdf.py)


def truncated_pdf(d: Path) -> Path:
    return _write(d / "truncated.pdf", PDF_INPUTS["truncated"][0]())


def encrypted_pdf(d: Path) -> Path:
    return _write(d / "encrypted.pdf", PDF_INPUTS["encrypted"][0]())


def scanned_pdf(d: Path) -> Path:
    """One page holding only an image (a 64x64 grey pattern drawn over the page), no text layer."""
    img = bytes((x ^ y) & 0xFF for y in range(64) for x in range(64))
    return _write(d / "scanned.pdf", _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        _stream(b"q 500 0 0 700 50 70 cm /Im1 Do Q"),
        b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length %d >>\nstream\n" % len(img) + img + b"\nendstream",
    ]))


# --------------------------------------------------------------------------------------------------
# .docx, written by hand (a minimal package: content types, relationships, document.xml)

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>')


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def write_docx(path: Path, body: str, doctype: str = "", extra: dict[str, bytes] | None = None) -> Path:
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{doctype}'
           f"<w:document {_W}><w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def docx_binary_not_zip(d: Path) -> Path:
    return _write(d / "binary.docx", random.Random(9).randbytes(16 * 1024))


def docx_broken_zip(d: Path) -> Path:
    """Starts like a zip (``PK\\x03\\x04``) and is not one."""
    return _write(d / "broken zip.docx", b"PK\x03\x04" + random.Random(10).randbytes(4096))


def zip_bomb(d: Path) -> Path:
    """document.xml expands 100 MB from about 100 KB (ratio ~1000)."""
    path = d / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("word/document.xml", b"<a>" + b" " * (100 * 2**20) + b"</a>")
    return path


def zip_too_large(d: Path) -> Path:
    """300 members of 1 MiB each as the central directory declares (above the 200 MB total limit, each below
    the ratio check). The sizes are patched into the directory: the guard reads declared sizes before any
    member is inflated, so the real members can stay tiny."""
    path = d / "too large.docx"
    write_docx(path, para("报告"), extra={f"word/media/pad{i}.bin": b"x" for i in range(300)})
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = int.from_bytes(data[pos + 28:pos + 30], "little")
        if data[pos + 46:pos + 46 + name_len].startswith(b"word/media/pad"):
            data[pos + 24:pos + 28] = (2**20).to_bytes(4, "little")  # uncompressed size
            data[pos + 20:pos + 24] = (2**20 // 100).to_bytes(4, "little")  # compressed size (ratio 100)
        pos = data.find(b"PK\x01\x02", pos + 46)
    return _write(path, bytes(data))


def nested_tables(levels: int) -> str:
    """``levels`` tables, each inside the only cell of the one around it; the innermost holds a target."""
    inner = para("全区地区生产总值增长6%左右")
    for i in range(levels):
        inner = f"<w:tbl><w:tr><w:tc>{para(f'第{i + 1}层')}{inner}</w:tc></w:tr></w:tbl>"
    return inner


def docx_nested_200(d: Path) -> Path:
    return write_docx(d / "nested200.docx", para("政府工作报告") + nested_tables(200))


def docx_nested_50(d: Path) -> Path:
    return write_docx(d / "nested50.docx", para("政府工作报告") + nested_tables(50))


def docx_xxe(d: Path, target: str = "/etc/hostname") -> Path:
    """document.xml declares an external entity naming a local file and uses it in a paragraph."""
    return write_docx(d / "xxe.docx",
                      para("政府工作报告") + para("机密：&xxe;。") + para("地区生产总值增长6%左右。"),
                      f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{target}">]>')


def docx_billion_laughs(d: Path) -> Path:
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return write_docx(d / "laughs.docx", para("政府工作报告") + para("&l9;"),
                      f'<!DOCTYPE w:document [<!ENTITY l0 "lol">{lol}]>')


# --------------------------------------------------------------------------------------------------
# the file system


def symlink_loop(d: Path) -> Path:
    """``loop.txt`` points at itself."""
    (d / "loop.txt").symlink_to("loop.txt")
    return d / "loop.txt"


def folder_loop(d: Path) -> Path:
    """``sub/up`` points back at the input folder (a folder cycle); symlinked folders are not followed."""
    (d / "sub").mkdir(exist_ok=True)
    (d / "sub" / "up").symlink_to("..", target_is_directory=True)
    return d / "sub" / "up"


def dangling_link(d: Path) -> Path:
    (d / "dangling.txt").symlink_to("missing.txt")
    return d / "dangling.txt"


def fifo(d: Path) -> Path:
    """A named pipe with a report's name: opening it for reading would wait for a writer forever."""
    os.mkfifo(d / "pipe.txt")
    return d / "pipe.txt"


def unreadable(d: Path) -> Path:
    """Mode 000 (root reads it anyway: the test that uses it is skipped for root)."""
    path = _write(d / "secret.txt", SOURCE_TXT.read_bytes())
    path.chmod(0)
    return path


MAKERS: dict[str, Maker] = {f.__name__: f for f in (
    empty, blank, binary_txt, undecodable, gb18030, utf16_bom, utf16le_no_bom, big_text, too_large, traditional, no_targets,
    chinese_name, text_named_docx, truncated_pdf, encrypted_pdf, scanned_pdf, docx_binary_not_zip,
    docx_broken_zip, zip_bomb, zip_too_large, docx_nested_200, docx_nested_50, docx_xxe, docx_billion_laughs,
    symlink_loop, folder_loop, dangling_link, fifo, unreadable)}


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        print("\ninputs: " + " ".join(MAKERS))
        return 0
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name in argv[1:] or MAKERS:
        print(MAKERS[name](out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
