"""govreport: Chinese government annual reports -> checked indicator and project data.

Public API::

    read_document(path) -> Document          # any .txt/.docx/.pdf report
    extract_file(path) -> dict               # the validated JSON report as a dict
    parse_quantity(text) / find_quantities(text)
    load_dataset(path) -> dict[str, DataFrame]  # the dataset of `govreport build` (tables and views)
"""

from __future__ import annotations

from pipeline.version import __version__

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.extract.numbers import Quantity
    from pipeline.model import Document


def read_document(path: Any) -> "Document":
    from pipeline.ingest import read_document as _read

    return _read(path)


def parse_quantity(text: str) -> "Quantity | None":
    from pipeline.extract.numbers import parse_quantity as _pq

    return _pq(text)


def find_quantities(text: str) -> "list[Quantity]":
    from pipeline.extract.numbers import find_quantities as _fq

    return _fq(text)


def extract_file(path: Any) -> dict[str, Any]:
    from pipeline.process import extract_file as _ef

    return _ef(path)


def load_dataset(path: Any = "outputs") -> "dict[str, Any]":
    """The dataset built by ``govreport build`` as ``{table or view name: pandas.DataFrame}``.

    ``path``: the ``.duckdb`` file or the outputs folder. Decimal columns hold exact ``decimal.Decimal``.
    """
    from pipeline.query import load_dataset as _ld

    return _ld(path)


__all__ = ["__version__", "read_document", "parse_quantity", "find_quantities", "extract_file", "load_dataset"]
