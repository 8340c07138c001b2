"""Vocabulary files: every one loads, and a broken one fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import LexiconError
from pipeline.lexicon import load_lexicon, load_lexicon_file

LEXICON = Path(__file__).resolve().parent.parent / "pipeline" / "lexicon"


@pytest.mark.parametrize("name", sorted(p.stem for p in LEXICON.glob("*.yaml")))
def test_lexicon_every_file_loads(name: str) -> None:
    assert load_lexicon(name)


@pytest.mark.parametrize("name", sorted(p.stem for p in LEXICON.glob("*.yaml")))
def test_lexicon_every_file_starts_with_its_syntax(name: str) -> None:
    head = (LEXICON / f"{name}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("#")


def test_lexicon_refuses_a_key_written_twice(tmp_path: Path) -> None:
    f = tmp_path / "statements.yaml"
    f.write_text("target_cue: ['a']\nmeta_names: 'x'\ntarget_cue: ['b']\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="written twice"):
        load_lexicon_file(f, "statements")


def test_lexicon_crosswalk_aliases_are_unique() -> None:
    seen: dict[str, str] = {}
    for key, entry in load_lexicon("indicators").items():
        for alias in entry["aliases"]:
            assert alias not in seen, f"{alias} is an alias of both {seen[alias]} and {key}"
            seen[alias] = key
