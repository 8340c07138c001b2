"""Print the plain text of a corpus file the way gold quotes are checked (for annotators).

Usage: python scripts/gold_source_text.py corpora/prov_beijing_gwr_2025.docx > /tmp/beijing.txt

.txt: decoded (utf-8 / gb18030); .docx: paragraphs and table rows (cells joined by TAB) in body order;
.pdf: pdfplumber page text. A gold quote is accepted when, with all whitespace removed, it is a
substring of this text with all whitespace removed.
"""
from __future__ import annotations

import sys
from pathlib import Path


def source_text(path: str) -> str:
    p = Path(path)
    if p.suffix == ".txt":
        data = p.read_bytes()
        for enc in ("utf-8-sig", "gb18030", "utf-16"):
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
        raise SystemExit(f"{path}: cannot decode")
    if p.suffix == ".docx":
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(str(p))
        out = []
        for el in d.element.body.iterchildren():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "p":
                out.append(Paragraph(el, d).text)
            elif tag == "tbl":
                for row in Table(el, d).rows:
                    out.append("\t".join(c.text for c in row.cells))
        return "\n".join(out)
    if p.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(str(p)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    raise SystemExit(f"{path}: unsupported suffix")


if __name__ == "__main__":
    sys.stdout.write(source_text(sys.argv[1]))
