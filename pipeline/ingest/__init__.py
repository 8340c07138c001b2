"""Read a report file into a :class:`~pipeline.model.Document`.

The reader is chosen by content, not only by suffix: ``%PDF-`` is a PDF, a zip with
``word/document.xml`` is a Word file, anything else is tried as text. A suffix that
disagrees with the content is noted in ``Document.warnings``.

>>> doc = read_document("corpora/jiangjin_plan_report_2025.txt")
>>> doc.format, len(doc.tables())
('txt', 12)
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import Sequence

from pipeline.errors import IngestError
from pipeline.model import Block, Document, Format, assemble

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf")
MAX_FILE_BYTES = 200 * 1024 * 1024


def find_inputs(items: Sequence[str], suffixes: tuple[str, ...] = SUPPORTED_SUFFIXES) -> tuple[list[Path], list[str]]:
    """Files, folders (searched recursively for names ending in ``suffixes``) and globs -> (files, problems).

    A file named directly is taken as it is. Links to folders are not followed (no loops); an
    unreadable folder is a problem, not a crash.

    >>> find_inputs(["/nonexistent/x.txt"])
    ([], ['/nonexistent/x.txt: no such file'])
    """
    import glob

    files: list[Path] = []
    problems: list[str] = []
    for item in items:
        matches = sorted(glob.glob(item, recursive=True)) if any(ch in item for ch in "*?[") else [item]
        if not matches:
            problems.append(f"{item}: no such file or no match")
        for m in matches:
            p = Path(m)
            if p.is_dir():
                for root, dirs, names in os.walk(p, followlinks=False,
                                                 onerror=lambda e: problems.append(f"{e.filename}: {e.strerror}")):
                    dirs.sort()
                    files.extend(Path(root) / n for n in sorted(names)
                                 if n.lower().endswith(suffixes) and not n.startswith("."))
            elif p.exists() or p.is_symlink():
                files.append(p)
            else:
                problems.append(f"{item}: no such file")
    return list(dict.fromkeys(files)), problems


def sniff_format(data: bytes, path: str) -> Format:
    """Decide the reader from the first bytes.

    >>> sniff_format(b"%PDF-1.7 ...", "a.txt")
    'pdf'
    >>> sniff_format("报告".encode(), "a.docx")
    'txt'
    """
    head = data[:1024]
    if head.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        return "docx"
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf" and b"%PDF-" in data[:1024 * 64]:
        return "pdf"
    return "txt"


def read_document(path: str | os.PathLike[str]) -> Document:
    """Read one report; raise :class:`IngestError` with a one-line reason when it cannot be read."""
    p = str(path)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; anything but a regular file is refused
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise IngestError(p, "is a directory")
            if not stat.S_ISREG(st.st_mode):
                raise IngestError(p, f"not a regular file ({_file_kind(st.st_mode)})")
            if st.st_size > MAX_FILE_BYTES:
                raise IngestError(p, f"file too large ({st.st_size // 2**20} MB; limit {MAX_FILE_BYTES // 2**20} MB)")
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # grew while we read it
            raise IngestError(p, f"file too large (over {MAX_FILE_BYTES // 2**20} MB)")
    except IngestError:
        raise
    except IsADirectoryError:
        raise IngestError(p, "is a directory") from None
    except PermissionError:
        raise IngestError(p, "permission denied") from None
    except FileNotFoundError:
        if os.path.islink(p):
            raise IngestError(p, f"broken symbolic link (to {os.readlink(p)})") from None
        raise IngestError(p, "no such file") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise IngestError(p, "symbolic link loop") from None
        raise IngestError(p, f"cannot read: {e.strerror or e}") from None
    return read_bytes(data, p)


def _file_kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a file"


def read_bytes(data: bytes, path: str) -> Document:
    """Like :func:`read_document` for bytes already in memory (``path`` names them in errors)."""
    if not data.strip():
        raise IngestError(path, "empty file")
    fmt = sniff_format(data, path)
    warnings: list[str] = []
    suffix = Path(path).suffix.lower()
    if suffix in SUPPORTED_SUFFIXES and suffix[1:] != fmt:
        warnings.append(f"content is {fmt}, suffix says {suffix[1:]}")
    n_pages: int | None = None
    blocks: list[Block]
    if fmt == "pdf":
        from pipeline.ingest.pdf import read_pdf

        blocks, n_pages, more = read_pdf_bytes(read_pdf, data, path)
        warnings += more
    elif fmt == "docx":
        from pipeline.ingest.docx import read_docx

        blocks = read_docx(data, path)
    else:
        from pipeline.ingest.txt import read_txt

        try:
            blocks, _encoding = read_txt(data, path)
        except IngestError:
            # not text either: say what the suffix promised and why it is not that
            if suffix == ".docx":
                raise IngestError(path, "not a Word document: not a zip archive") from None
            if suffix == ".pdf":
                raise IngestError(path, "not a PDF or corrupt PDF: no %PDF header") from None
            raise
    if not any(b.content and (b.text or b.table) for b in blocks):
        raise IngestError(path, "no text found")
    text = assemble(blocks)
    return Document(
        path=path,
        format=fmt,
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=blocks,
        text=text,
        n_pages=n_pages,
        warnings=warnings,
    )


def read_pdf_bytes(read_pdf, data: bytes, path: str):  # type: ignore[no-untyped-def]
    """The PDF reader takes a path; give it the real file when there is one."""
    if os.path.exists(path):
        return read_pdf(path)
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(data)
        tmp.flush()
        try:
            return read_pdf(tmp.name)
        except IngestError as e:
            raise IngestError(path, e.reason) from None
