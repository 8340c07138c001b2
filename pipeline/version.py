"""The version, and the code version that decides whether an output is current.

``__version__`` is the release; :func:`code_version` adds a hash of every file that decides an
extraction (the modules ``pipeline.process`` imports, the lexicons, the report schema), so two outputs
with the same code version were made by the same code.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.1.0"


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for f in (base.with_suffix(".py"), base / "__init__.py"):
        if f.is_file():
            return f
    return None


def extraction_sources() -> list[Path]:
    """The files that decide an output: every ``pipeline`` module that ``pipeline.process`` imports,
    directly or not (imports inside functions included; found with :mod:`ast`, so the list does not
    depend on what this process happens to have imported), the lexicons and the report and lexicon schemas.

    >>> names = [p.name for p in extraction_sources()]
    >>> "prose.py" in names and "query.py" not in names and "cli.py" not in names
    True
    """
    import ast

    root = Path(__file__).resolve().parent.parent
    seen: dict[str, Path] = {}
    todo = ["pipeline.process"]
    while todo:
        name = todo.pop()
        f = _module_file(root, name)
        if name in seen or f is None:
            continue
        seen[name] = f
        package = name if f.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.split(".")[0] == "pipeline"]
            elif isinstance(node, ast.ImportFrom):
                mod = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    mod = ".".join(parts + ([mod] if mod else []))
                if mod.split(".")[0] == "pipeline":
                    todo.append(mod)
                    todo += [f"{mod}.{a.name}" for a in node.names]
    files = set(seen.values())
    files |= set((root / "pipeline" / "lexicon").glob("*.yaml"))
    files |= {f for f in (root / "schemas" / "report.schema.json", root / "schemas" / "lexicon.schema.json") if f.is_file()}
    return sorted(files)


def _hash_sources() -> str:
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for f in extraction_sources():
        h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return f"{__version__}+{h.hexdigest()[:12]}"


def code_version() -> str:
    """``__version__`` plus the hash of :func:`extraction_sources` (computed afresh: a few ms)."""
    return _hash_sources()


@cache
def process_code_version() -> str:
    """:func:`code_version` as it was when this process first asked (stamped into every report)."""
    return _hash_sources()
