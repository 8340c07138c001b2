"""Bad inputs, one row each: the batch reads them all and gives each a result or one clear error line.

Every input of ``ROWS`` is written by its maker (tests/bad/make_bad.py) into one folder, and
``govreport extract FOLDER --out OUT`` runs once over it, in a subprocess (so a hang is a timeout, not a
stuck CI job, and its peak memory can be measured). Each row then checks its own outcome:

* ``"ok"``: OUT holds its JSON (valid against the schema), and no error line names it;
* ``"skipped"``: neither an output nor an error line (a symlinked folder is not followed);
* anything else is the reason: exactly one stderr line ``error: <file>: <reason…>``, and no output.

The README section "What happens with bad input" lists the same rows with the same wording
(``test_readme_lists_every_reason``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import IngestError
from pipeline.validate import validate_report

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_bad", ROOT / "tests" / "bad" / "make_bad.py")
assert _spec and _spec.loader
make_bad = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_bad)

IS_ROOT = os.geteuid() == 0
BATCH_TIMEOUT = 180  # seconds: a guard against hangs, not a benchmark (the batch takes about 5 s)
MAX_RSS_MB = 1024  # peak memory of the batch; the 50 MB text file dominates (about 300 MB)


@dataclass(frozen=True)
class Row:
    maker: str  # a function of tests/bad/make_bad.py
    expected: str  # "ok", "skipped", or the error reason (a prefix of it where the rest varies)
    root_skips: bool = False  # root can read a file of mode 000


ROWS = [
    Row("empty", "empty file"),
    Row("blank", "no text found"),
    Row("binary_txt", "binary file, not text (NUL bytes)"),
    Row("undecodable", "cannot decode text: not UTF-8, UTF-16 or GB18030"),
    Row("gb18030", "ok"),
    Row("utf16_bom", "ok"),
    Row("utf16le_no_bom", "ok"),
    Row("big_text", "ok"),
    Row("too_large", "file too large (201 MB; limit 200 MB)"),
    Row("traditional", "ok"),
    Row("no_targets", "ok"),
    Row("chinese_name", "ok"),
    Row("text_named_docx", "ok"),
    Row("truncated_pdf", "not a PDF or corrupt PDF: "),
    Row("encrypted_pdf", "encrypted PDF"),
    Row("scanned_pdf", "no text layer: scanned PDF"),
    Row("docx_binary_not_zip", "not a Word document: not a zip archive"),
    Row("docx_broken_zip", "not a Word document: not a zip archive"),
    Row("zip_bomb", "refused: zip bomb suspected ("),
    Row("zip_too_large", "refused: archive expands to 300 MB (limit 200 MB)"),
    Row("docx_nested_200", "refused: XML nested too deeply (over 256 levels"),
    Row("docx_nested_50", "ok"),
    Row("docx_xxe", "ok"),
    Row("docx_billion_laughs", "refused: XML entity expansion (billion laughs)"),
    Row("symlink_loop", "symbolic link loop"),
    Row("folder_loop", "skipped"),
    Row("dangling_link", "broken symbolic link (to missing.txt)"),
    Row("fifo", "not a regular file (a FIFO)"),
    Row("unreadable", "permission denied", root_skips=True),
]
IN_BATCH = [r for r in ROWS if not (r.root_skips and IS_ROOT)]

_RUN = """
import resource, sys
from pipeline.cli import main
code = main(["extract", sys.argv[1], "--out", sys.argv[2], "-q"])
print("maxrss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
sys.exit(code)
"""


@dataclass
class Batch:
    inputs: dict[str, Path]  # maker -> the path it wrote
    out: Path
    code: int
    stderr: list[str]
    max_rss_mb: int

    def errors_for(self, path: Path) -> list[str]:
        return [ln for ln in self.stderr if ln.startswith(f"error: {path}: ")]

    def output_for(self, path: Path) -> Path:
        return self.out / (path.name + ".json")


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    src = tmp_path_factory.mktemp("bad inputs 坏文件")  # spaces and Chinese in the folder name too
    out = tmp_path_factory.mktemp("out")
    inputs = {r.maker: getattr(make_bad, r.maker)(src) for r in IN_BATCH}
    proc = subprocess.run([sys.executable, "-c", _RUN, str(src), str(out)], capture_output=True, text=True,
                          timeout=BATCH_TIMEOUT, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    rss = [int(ln.split()[1]) for ln in proc.stdout.splitlines() if ln.startswith("maxrss_mb ")]
    assert rss, proc.stdout + proc.stderr
    return Batch(inputs, out, proc.returncode, proc.stderr.splitlines(), rss[0])


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    """The UTF-8 source of the re-encoded and renamed variants, extracted in this process."""
    from pipeline.process import extract_file

    return extract_file(make_bad.SOURCE_TXT)


def _rows() -> list[Any]:
    marks = {r.maker: [pytest.mark.skipif(IS_ROOT, reason="root can read a file of mode 000")] if r.root_skips else []
             for r in ROWS}
    return [pytest.param(r, id=r.maker, marks=marks[r.maker]) for r in ROWS]


@pytest.mark.parametrize("row", _rows())
def test_bad_input(batch: Batch, row: Row) -> None:
    path = batch.inputs[row.maker]
    errors = batch.errors_for(path)
    output = batch.output_for(path)
    if row.expected == "ok":
        assert errors == [] and output.is_file(), batch.stderr
        if output.stat().st_size > 10 * 2**20:  # the 50 MB text: parsed in test_big_text_bounded_time_and_memory
            return
        report = json.loads(output.read_text(encoding="utf-8"))
        assert validate_report(report) == []
        assert report["text"].strip()
    elif row.expected == "skipped":
        assert not any(str(path) in ln for ln in batch.stderr)
        assert not output.exists()
    else:
        assert len(errors) == 1, (errors, batch.stderr)
        assert errors[0].startswith(f"error: {path}: {row.expected}"), errors[0]
        assert not output.exists()


def test_batch_goes_on_exit_code_one_no_traceback_nothing_partial(batch: Batch) -> None:
    assert batch.code == 1
    n_bad = sum(r.expected not in ("ok", "skipped") for r in IN_BATCH)
    n_ok = sum(r.expected == "ok" for r in IN_BATCH)
    errors = [ln for ln in batch.stderr if ln.startswith("error: ")]
    assert len(errors) == n_bad
    assert batch.stderr[-1].startswith(f"{n_ok} extracted, {n_bad} failed in ")
    assert len(batch.stderr) == n_bad + 1, "only error lines and the summary"  # no traceback, no warnings
    # exactly the good files have outputs, and no temporary file is left behind
    assert sorted(p.name for p in batch.out.iterdir()) == sorted(
        batch.output_for(batch.inputs[r.maker]).name for r in IN_BATCH if r.expected == "ok")


def test_big_text_bounded_time_and_memory(batch: Batch) -> None:
    """50 MB of text (the limit is 200 MB) is read and extracted whole; the batch stays below 1 GB."""
    assert batch.inputs["big_text"].stat().st_size >= make_bad.BIG_MB * 2**20
    assert batch.max_rss_mb < MAX_RSS_MB, f"peak memory {batch.max_rss_mb} MB"
    report = json.loads(batch.output_for(batch.inputs["big_text"]).read_text(encoding="utf-8"))
    assert len(report["text"]) > 15_000_000 and report["indicators"]


@pytest.mark.parametrize("maker", ["gb18030", "utf16_bom", "utf16le_no_bom", "chinese_name", "text_named_docx"])
def test_variants_give_the_same_records(batch: Batch, reference: dict[str, Any], maker: str) -> None:
    """Re-encoded, renamed or mis-suffixed copies of a report give exactly its records."""
    report = json.loads(batch.output_for(batch.inputs[maker]).read_text(encoding="utf-8"))
    assert report["text"] == reference["text"]
    assert report["indicators"] == reference["indicators"] and report["projects"] == reference["projects"]
    expected_warnings = ["content is txt, suffix says docx"] if maker == "text_named_docx" else []
    assert report["document"]["warnings"] == expected_warnings


def test_traditional_characters(batch: Batch, reference: dict[str, Any]) -> None:
    """Read and extracted; the vocabularies are simplified, so only part of the report is understood.

    What extraction gives (README): percentages and amounts in 元 written with ASCII digits are found
    with the right values; 億/萬 amounts, the title, the jurisdiction and the crosswalk ids are not.
    """
    report = json.loads(batch.output_for(batch.inputs["traditional"]).read_text(encoding="utf-8"))
    assert report["text"] == make_bad.to_traditional(reference["text"])
    percent = [r["value"] for r in report["indicators"]
               if r["status"] == "numeric" and re.fullmatch(r"\d+(\.\d+)?%", r["value"]["raw"])]
    assert len(percent) >= 15
    assert all(v["low"] == v["high"] == v["raw"][:-1] and v["unit"] == "percent" for v in percent)
    assert len(report["indicators"]) < len(reference["indicators"])  # update the README when this improves


def test_no_tables_no_targets(batch: Batch) -> None:
    report = json.loads(batch.output_for(batch.inputs["no_targets"]).read_text(encoding="utf-8"))
    assert report["tables"] == [] and report["indicators"] == [] and report["projects"] == []
    assert report["document"]["title"] == "政府工作报告" and len(report["sections"]) == 2


def test_nested_tables_read_once(batch: Batch) -> None:
    """50 nested tables: the outer table is one cell holding every level's text once, in order."""
    report = json.loads(batch.output_for(batch.inputs["docx_nested_50"]).read_text(encoding="utf-8"))
    assert len(report["tables"]) == 1
    text = report["text"]
    assert text.count("全区地区生产总值增长6%左右") == 1
    assert all(text.count(f"第{i}层") == 1 for i in (1, 50))
    assert text.index("第50层") < text.index("第1层") < text.index("全区地区生产总值")


def test_readme_lists_every_reason() -> None:
    """Each row's wording appears in the README section, so the README matches the errors."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What happens with bad input", 1)[1].split("\n## ", 1)[0]
    for r in ROWS:
        if r.expected not in ("ok", "skipped"):
            assert f"<file>: {r.expected}" in section, r.maker


# --------------------------------------------------------------------------------------------------
# no partial output


def test_atomic_write_leaves_nothing_when_the_dump_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import store

    target = tmp_path / "out" / "a.txt.json"
    store.write_json_atomic(target, {"old": True})

    def boom(fd: int) -> None:  # the bytes are in the temporary file, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", boom)
    with pytest.raises(OSError, match="No space left"):
        store.write_json_atomic(target, {"new": True})
    with pytest.raises(OSError):
        store.write_json_atomic(tmp_path / "out" / "b.txt.json", {"new": True})
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.txt.json"]  # no temporary file, no b
    assert json.loads(target.read_text(encoding="utf-8")) == {"old": True}  # the old output is intact


def test_internal_error_is_one_line_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A bug while extracting one file (here: an exception in the section splitter) costs that file only."""
    import pipeline.process
    from pipeline.cli import main

    real = pipeline.process.split_sections

    def flaky(doc, *a, **kw):  # type: ignore[no-untyped-def]
        if "broken" in doc.path:
            raise RecursionError("maximum recursion depth exceeded")
        return real(doc, *a, **kw)

    monkeypatch.setattr(pipeline.process, "split_sections", flaky)
    src = tmp_path / "in"
    src.mkdir()
    make_bad.no_targets(src)
    (src / "broken.txt").write_bytes((src / "no_targets.txt").read_bytes())
    assert main(["extract", str(src), "--out", str(tmp_path / "out"), "-q"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: {src / 'broken.txt'}: internal error: RecursionError: maximum recursion depth exceeded"
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["no_targets.txt.json"]


def test_write_failure_is_one_line_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from pipeline import store
    from pipeline.cli import main

    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.os, "fsync", boom)
    src = tmp_path / "in"
    src.mkdir()
    make_bad.no_targets(src)
    code = main(["extract", str(src), "--out", str(tmp_path / "out"), "-q"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1 and err[0].startswith(f"error: {src / 'no_targets.txt'}: ") and "No space left" in err[0]
    assert list((tmp_path / "out").iterdir()) == []


# --------------------------------------------------------------------------------------------------
# the readers directly (the same reasons without the CLI)


@pytest.mark.skipif(IS_ROOT, reason="root can read a file of mode 000")
def test_unreadable_file_chmod(tmp_path: Path) -> None:
    from pipeline.ingest import read_document

    with pytest.raises(IngestError, match="permission denied"):
        read_document(make_bad.unreadable(tmp_path))


def test_unopenable_file_as_root_too(tmp_path: Path) -> None:
    """What root cannot open either: a FIFO (never blocks), a directory named like a report, a link loop."""
    from pipeline.ingest import read_document

    (tmp_path / "folder.txt").mkdir()
    for path, reason in [(make_bad.fifo(tmp_path), "not a regular file (a FIFO)"),
                         (tmp_path / "folder.txt", "is a directory"),
                         (make_bad.symlink_loop(tmp_path), "symbolic link loop"),
                         (make_bad.dangling_link(tmp_path), "broken symbolic link (to missing.txt)"),
                         (tmp_path / "missing.txt", "no such file")]:
        with pytest.raises(IngestError) as e:
            read_document(path)
        assert str(e.value) == f"{path}: {reason}"
