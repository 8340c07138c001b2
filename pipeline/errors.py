"""Errors. Bad text is data (a parser returns ``None``); a bad file or bad configuration raises.

Every error names the file and the reason in one line, so a batch can log it and go on:

>>> str(IngestError("a.pdf", "no text layer: scanned PDF"))
'a.pdf: no text layer: scanned PDF'
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base class of every error govreport raises on purpose."""


class IngestError(PipelineError, ValueError):
    """A file could not be read as a report (empty, encrypted, scanned, corrupt, unsupported)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class LexiconError(PipelineError, ValueError):
    """A vocabulary or rule file is invalid: a bug in the repository, raised at load time."""


class SchemaViolation(PipelineError, ValueError):
    """A report about to be written does not validate against its JSON schema."""

    def __init__(self, path: str, errors: list[str]) -> None:
        self.path = str(path)
        self.errors = errors
        super().__init__(f"{self.path}: output does not validate: " + "; ".join(errors[:3]))
