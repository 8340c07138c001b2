"""Batch runs (``govreport run``): parallel, incremental, resumable after SIGKILL, time-limited, on Dask.

Small corpus files copied to tmp_path; no timing assertions.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from pipeline import batch
from pipeline.batch import ERRORS, MANIFEST, BatchError, run_batch
from pipeline.cli import main
from pipeline.progress import PlainReporter, RichReporter, make_reporter
from pipeline.validate import validate_report

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SMALL = ["hailar_district_gwr_2013.txt", "hailar_district_gwr_2015.txt", "prov_jilin_gwr_2025.docx"]


def _copy(names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(CORPORA / n, dest / n)
    return dest


def _outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.json"))


def _assert_complete(out: Path) -> None:
    for p in _outputs(out):
        assert validate_report(json.loads(p.read_text(encoding="utf-8"))) == [], p
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_run_mirrors_folders_records_manifest_and_skips_unchanged(tmp_path: Path) -> None:
    src = _copy(SMALL, tmp_path / "in")
    (src / "sub").mkdir()
    shutil.copy(CORPORA / "hailar_district_gwr_2014.txt", src / "sub" / "hailar_district_gwr_2015.txt")  # same name
    out = tmp_path / "out"

    first = run_batch(src, out, workers=2, build=False)
    assert (first.processed, first.skipped, first.failed, first.total) == (4, 0, 0, 4)
    rel = sorted(p.relative_to(out).as_posix() for p in _outputs(out))
    assert rel == ["hailar_district_gwr_2013.txt.json", "hailar_district_gwr_2015.txt.json",
                   "prov_jilin_gwr_2025.docx.json", "sub/hailar_district_gwr_2015.txt.json"]
    _assert_complete(out)
    top = json.loads((out / "hailar_district_gwr_2015.txt.json").read_text(encoding="utf-8"))
    sub = json.loads((out / "sub/hailar_district_gwr_2015.txt.json").read_text(encoding="utf-8"))
    assert top["document"]["source"]["sha256"] != sub["document"]["source"]["sha256"]  # no overwrite
    assert top["pipeline"]["version"]
    manifest = [json.loads(line) for line in (out / MANIFEST).read_text(encoding="utf-8").splitlines()]
    assert {m["output"] for m in manifest} == set(rel)
    assert all(m["version"] == batch.pipeline_version() for m in manifest)
    assert (out / ERRORS).read_text(encoding="utf-8") == ""

    mtimes = {p: p.stat().st_mtime_ns for p in _outputs(out)}
    second = run_batch(src, out, workers=2, build=False)
    assert (second.processed, second.skipped, second.failed) == (0, 4, 0)
    assert {p: p.stat().st_mtime_ns for p in _outputs(out)} == mtimes  # nothing rewritten

    # a changed file is extracted again, the others are not; a deleted output is rebuilt
    with open(src / "hailar_district_gwr_2013.txt", "a", encoding="utf-8") as fh:
        fh.write("\n附：本报告于2013年印发。\n")
    (out / "prov_jilin_gwr_2025.docx.json").unlink()
    third = run_batch(src, out, workers=1, build=False)
    assert (third.processed, third.skipped) == (2, 2)
    assert sorted(Path(r.path).name for r in third.results if r.status == "ok") == [
        "hailar_district_gwr_2013.txt", "prov_jilin_gwr_2025.docx"]
    assert len((out / MANIFEST).read_text(encoding="utf-8").splitlines()) == 4  # compacted

    forced = run_batch(src, out, workers=2, build=False, force=True)
    assert forced.processed == 4


def test_failures_listed_in_errors_jsonl_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _copy(SMALL[:1], tmp_path / "in")
    (src / "empty.txt").write_bytes(b"")
    (src / "garbage.docx").write_bytes(b"PK\x03\x04garbage")
    out = tmp_path / "out"
    assert main(["run", str(src), "--out", str(out), "--workers", "2", "--no-build", "-q"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "empty.txt: empty file" in err
    assert "1 processed, 0 skipped unchanged, 2 failed" in err
    rows = [json.loads(line) for line in (out / ERRORS).read_text(encoding="utf-8").splitlines()]
    assert [Path(r["path"]).name for r in rows] == ["empty.txt", "garbage.docx"]
    assert rows[0]["reason"] == "empty file" and rows[0]["error_class"] == "IngestError"
    assert rows[1]["reason"].startswith("not a Word document") and len(rows[1]["sha256"]) == 64
    # failed files are retried; errors.jsonl is rewritten, not appended to
    assert main(["run", str(src), "--out", str(out), "--no-build", "-q"]) == 1
    assert len((out / ERRORS).read_text(encoding="utf-8").splitlines()) == 2
    (src / "empty.txt").unlink()
    (src / "garbage.docx").unlink()
    assert main(["run", str(src), "--out", str(out), "--no-build", "-q"]) == 0
    assert (out / ERRORS).read_text(encoding="utf-8") == ""


def test_timeout_kills_the_worker_and_the_batch_goes_on(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    text = (CORPORA / "national_gwr_2024.txt").read_text(encoding="utf-8")
    for name in ("big1.txt", "big2.txt"):  # ~1.5 MB each: far more than 10 ms of work
        (src / name).write_text(text * 25, encoding="utf-8")
    out = tmp_path / "out"
    summary = run_batch(src, out, workers=1, timeout=0.01, build=False)
    assert (summary.processed, summary.failed) == (0, 2)
    assert {r.reason for r in summary.results} == {"timed out after 0.01 s"}  # the 2nd ran in a new worker
    rows = [json.loads(line) for line in (out / ERRORS).read_text(encoding="utf-8").splitlines()]
    assert [r["error_class"] for r in rows] == ["Timeout", "Timeout"]
    assert all(len(r["sha256"]) == 64 for r in rows)
    _assert_complete(out)
    assert _outputs(out) == []


def test_sigkill_halfway_then_rerun_completes(tmp_path: Path) -> None:
    names = [f"hailar_district_gwr_{y}.txt" for y in range(2012, 2020)] + SMALL[2:] + ["prov_hebei_gwr_2025.docx"]
    src = _copy(names, tmp_path / "in")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", str(src), "--out", str(out), "--workers", "1", "--no-build", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        manifest = out / MANIFEST  # an output is recorded there once it is complete
        while proc.poll() is None and time.monotonic() < deadline and not (
                _outputs(out) and manifest.exists() and manifest.read_text(encoding="utf-8").strip()):
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    done_before = len(_outputs(out))
    assert done_before >= 1
    for p in _outputs(out):  # whatever the kill left is complete (a temp file may remain: the rerun removes it)
        assert validate_report(json.loads(p.read_text(encoding="utf-8"))) == [], p
    summary = run_batch(src, out, workers=2, build=False)
    assert summary.failed == 0
    assert summary.processed + summary.skipped == len(names)
    assert summary.skipped >= 1 and summary.processed >= 1  # resumed: kept the done ones, did the rest
    assert sorted(p.name for p in _outputs(out)) == sorted(n + ".json" for n in names)
    _assert_complete(out)


def test_dask_local_cluster_gives_byte_identical_outputs(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed", reason="the test extra installs dask[distributed]")
    names = SMALL + ["jinjiang_city_gwr_2023-12.pdf"]
    src = _copy(names, tmp_path / "in")
    local = run_batch(src, tmp_path / "local", workers=2, build=False)
    dask = run_batch(src, tmp_path / "dask", workers=2, executor="dask", build=False)
    assert local.processed == dask.processed == len(names) and dask.failed == 0
    assert len({r.worker for r in dask.results}) == 2  # two Dask workers, each with its own sandbox
    for n in names:
        assert (tmp_path / "local" / f"{n}.json").read_bytes() == (tmp_path / "dask" / f"{n}.json").read_bytes()
    again = run_batch(src, tmp_path / "dask", workers=2, executor="dask", build=False)
    assert (again.processed, again.skipped) == (0, len(names))


def test_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    src = _copy(SMALL[:1], tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    lock = batch._Lock(out)
    try:
        with pytest.raises(BatchError, match="another govreport run"):
            run_batch(src, out, build=False)
    finally:
        lock.release()
    with pytest.raises(BatchError, match="no such file"):
        run_batch(tmp_path / "missing", out, build=False)


def test_after_batch_builds_the_dataset_when_the_module_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    fake = types.ModuleType("pipeline.dataset")
    fake.build_dataset = calls.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pipeline.dataset", fake)
    src = _copy(SMALL[:1], tmp_path / "in")
    run_batch(src, tmp_path / "out", workers=1)
    assert calls == [tmp_path / "out"]


def test_reporters(tmp_path: Path) -> None:
    assert isinstance(make_reporter(stream=io.StringIO()), PlainReporter)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    assert isinstance(make_reporter(stream=tty), RichReporter)
    assert isinstance(make_reporter(quiet=True, stream=tty), PlainReporter)
    plain = io.StringIO()
    src = _copy(SMALL[:2], tmp_path / "in")
    (src / "empty.txt").write_bytes(b"")
    run_batch(src, tmp_path / "out", workers=2, build=False, reporter=PlainReporter(plain, every=1))
    lines = plain.getvalue().splitlines()
    assert lines[0] == "3 files: 0 unchanged (skipped), 3 to extract"
    assert any(line.startswith("[3/3] 2 ok, 1 failed") for line in lines)
    assert any(line.startswith("error: ") and line.endswith("empty.txt: empty file") for line in lines)
    assert lines[-1].startswith("3 files: 2 processed, 0 skipped unchanged, 1 failed")
    rich_out = Tty()
    run_batch(src, tmp_path / "out", workers=1, build=False, reporter=RichReporter(rich_out))
    assert "1 failed" in rich_out.getvalue() and "2 skipped unchanged" in rich_out.getvalue()
