"""The command line: outputs per input, one clear line per bad input, exit codes, help with examples."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import build_parser, main
from pipeline.validate import validate_report

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"


def test_cli_extract_writes_one_valid_json_per_input(tmp_path: Path) -> None:
    inputs = [CORPORA / f"jiangjin_plan_report_2025.{s}" for s in ("txt", "docx")]
    assert main(["extract", *map(str, inputs), "--out", str(tmp_path), "-q"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["jiangjin_plan_report_2025.docx.json", "jiangjin_plan_report_2025.txt.json"]
    report = json.loads((tmp_path / names[0]).read_text(encoding="utf-8"))
    assert validate_report(report) == []
    assert report["document"]["jurisdiction"] == {"name": "江津区", "parent": "重庆市", "level": "county"}
    # every record points at its place in the text
    for r in report["indicators"]:
        s = r["source"]
        assert report["text"][s["char_start"]:s["char_end"]]


def test_cli_bad_inputs_one_line_each_and_batch_goes_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    (src / "garbage.docx").write_bytes(b"PK\x03\x04garbage")
    (src / "truncated.pdf").write_bytes((CORPORA / "jiangjin_plan_report_2025.pdf").read_bytes()[:5000])
    shutil.copy(CORPORA / "hailar_district_gwr_2015.txt", src / "海拉尔 2015 报告.txt")
    out = tmp_path / "out"
    code = main(["extract", str(src), "--out", str(out), "-q"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    errors = [line for line in err if line.startswith("error:")]
    assert len(errors) == 3
    assert all("Traceback" not in line for line in err)
    assert any("empty.txt: empty file" in line for line in errors)
    assert any("garbage.docx: not a Word document" in line for line in errors)
    assert any("truncated.pdf" in line for line in errors)
    assert sorted(p.name for p in out.iterdir()) == ["海拉尔 2015 报告.txt.json"]  # nothing partial


def test_cli_missing_input_is_an_error(tmp_path: Path) -> None:
    assert main(["extract", str(tmp_path / "nope.txt"), "--out", str(tmp_path)]) == 1


def test_cli_version_and_module_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("govreport ")


COMMANDS = sorted(next(a for a in build_parser()._actions if a.dest == "command").choices)  # type: ignore[union-attr]


def test_cli_has_every_command_of_the_issues() -> None:
    assert {"extract", "run", "eval", "compare", "build", "query", "review"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_help_ends_with_an_example(command: str) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]  # type: ignore[union-attr]
    help_text = sub.format_help().rstrip()
    assert "Example:" in help_text
    assert help_text.splitlines()[-1].strip().startswith("govreport ")


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_commands_are_documented_in_readme(command: str) -> None:
    assert f"govreport {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_cli_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "secret.txt"
    f.write_text("报告")
    f.chmod(0)
    assert main(["extract", str(f), "--out", str(tmp_path / "o")]) == 1
