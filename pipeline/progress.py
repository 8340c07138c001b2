"""Progress of a batch on stderr: a rich progress bar on a terminal, plain summary lines otherwise.

Both print one ``error: <file>: <reason>`` line per failed file and the closing summary.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any

from pipeline.batch import BatchSummary, FileResult


def _eta(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class PlainReporter:
    """One line per ``every`` results (and at most every ``interval`` s, at least every 30 s): counts,
    rate and ETA. ``quiet`` keeps only error lines and the summary."""

    def __init__(self, stream: IO[str] | None = None, quiet: bool = False, every: int | None = None,
                 interval: float = 30.0) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.every = every
        self.interval = interval

    def start(self, total: int, todo: int, skipped: int) -> None:
        self.total, self.todo, self.skipped = total, todo, skipped
        self.done = self.failed = 0
        self.t0 = self.last = time.perf_counter()
        self.n = self.every or max(1, min(100, todo // 10))
        if not self.quiet:
            print(f"{total} files: {skipped} unchanged (skipped), {todo} to extract", file=self.stream, flush=True)

    def update(self, result: FileResult) -> None:
        if result.status == "failed":
            print(f"error: {result.path}: {result.reason}", file=self.stream, flush=True)
            self.failed += 1
        if result.status == "skipped":
            return
        self.done += 1
        now = time.perf_counter()
        if not self.quiet and (self.done % self.n == 0 or self.done == self.todo or now - self.last > self.interval):
            self.last = now
            rate = self.done / max(now - self.t0, 1e-9)
            eta = _eta((self.todo - self.done) / rate) if rate else "?"
            print(f"[{self.done}/{self.todo}] {self.done - self.failed} ok, {self.failed} failed, "
                  f"{rate:.1f} docs/s, eta {eta}", file=self.stream, flush=True)

    def finish(self, summary: BatchSummary) -> None:
        print(summary.line(), file=self.stream, flush=True)


class RichReporter:
    """A rich progress bar (counts, docs/s, elapsed, ETA) on a terminal; error lines print above it."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr)
        self.progress: Any = None

    def start(self, total: int, todo: int, skipped: int) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                   TimeRemainingColumn)

        self.t0 = time.perf_counter()
        self.done = self.failed = 0
        self.progress = Progress(
            TextColumn("[bold]extract[/]"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} docs/s"), TextColumn("[red]{task.fields[failed]} failed[/]"),
            TextColumn("{task.fields[skipped]} unchanged"), TimeElapsedColumn(), TextColumn("eta"),
            TimeRemainingColumn(), console=self.console, transient=False)
        self.task = self.progress.add_task("extract", total=todo, rate="-", failed=0, skipped=skipped)
        self.progress.start()

    def update(self, result: FileResult) -> None:
        if result.status == "failed":
            from rich.text import Text

            self.console.print(Text.assemble(("error:", "red"), f" {result.path}: {result.reason}"), soft_wrap=True)
            self.failed += 1
        if result.status == "skipped":
            return
        self.done += 1
        rate = self.done / max(time.perf_counter() - self.t0, 1e-9)
        self.progress.update(self.task, advance=1, rate=f"{rate:.1f}", failed=self.failed)

    def finish(self, summary: BatchSummary) -> None:
        if self.progress is not None:
            self.progress.stop()
        self.console.print(summary.line(), highlight=False, soft_wrap=True)


def make_reporter(quiet: bool = False, stream: IO[str] | None = None) -> PlainReporter | RichReporter:
    """The progress bar when ``stream`` (default stderr) is a terminal and not ``quiet``, else plain lines."""
    stream = stream or sys.stderr
    if not quiet and stream.isatty():
        return RichReporter(stream)
    return PlainReporter(stream, quiet=quiet)
