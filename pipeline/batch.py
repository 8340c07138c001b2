"""Batch processing: every supported file below a folder, in parallel, incremental, resumable, observable.

``run_batch(input_dir, output_dir)`` is the whole job behind ``govreport run``:

* **parallel** -- each file is extracted in a *sandbox*: a child Python process that reads one task at a
  time on stdin and answers on stdout. ``executor="local"`` keeps ``workers`` sandboxes busy;
  ``executor="dask"`` submits one Dask task per file and each Dask worker runs its own sandbox.
* **time-limited** -- a sandbox that has not answered after ``timeout`` seconds is killed (SIGKILL) and
  replaced; the file is recorded as failed, ``timed out after N s``.
* **incremental** -- ``OUTPUT_DIR/_manifest.jsonl`` records, per output file, the sha256 of the input it came
  from and the pipeline version (``__version__`` plus a hash of the extraction code, lexicons and schemas).
  A file whose content and pipeline version are unchanged, and whose output still exists, is skipped.
* **resumable** -- outputs are written by the sandbox with :func:`pipeline.store.write_json_atomic` and a
  manifest line is appended only after the output is in place, so a killed run leaves complete files only
  and a rerun does the rest. Temporary files left by a kill are removed when the next run starts.
* **observable** -- a reporter receives every result (see :mod:`pipeline.progress`);
  ``OUTPUT_DIR/errors.jsonl`` lists the failed files of the last run (rewritten atomically).

Output layout: ``INPUT_DIR/a.pdf`` -> ``OUTPUT_DIR/a.pdf.json``; ``INPUT_DIR/sub/a.pdf`` ->
``OUTPUT_DIR/sub/a.pdf.json`` (the input's folders are mirrored, so equal names never collide).

>>> output_relpath("sub/x.pdf")
'sub/x.pdf.json'
>>> output_relpath("x.txt")
'x.txt.json'
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import queue
import re
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any, Callable, Iterable, Literal, Protocol

from pipeline.version import code_version
from pipeline.errors import PipelineError

SUPPORTED = (".txt", ".docx", ".pdf")
MANIFEST = "_manifest.jsonl"
ERRORS = "errors.jsonl"
LOCK = ".govreport.lock"
DEFAULT_TIMEOUT = 120.0
# temporary files of write_json_atomic and write_lines_atomic: .<name>.json.<mkstemp suffix>.tmp
_TEMP_RE = re.compile(r"^\..+\.jsonl?\.[A-Za-z0-9_]{6,}\.tmp$")
Executor = Literal["local", "dask"]


class BatchError(PipelineError):
    """The batch as a whole cannot run (missing input folder, output folder in use, no Dask)."""


@dataclass(frozen=True)
class Task:
    """One file to extract. ``path`` is as the user gave it (relative to ``cwd``), so outputs are
    byte-identical whichever process or machine extracts them."""

    rel: str          # input path relative to INPUT_DIR (posix)
    path: str         # path to read, relative to cwd or absolute; becomes document.source.path
    out: str          # absolute output path
    cwd: str          # the client's working directory
    sha256: str | None
    size: int


@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    status: Literal["ok", "skipped", "failed"]
    sha256: str | None = None
    output: str | None = None
    reason: str | None = None
    error_class: str | None = None
    seconds: float = 0.0
    pages: int | None = None
    chars: int = 0
    indicators: int = 0
    projects: int = 0
    worker: str | None = None        # host:pid of the sandbox
    worker_rss_kb: int = 0           # the sandbox's peak resident memory so far (KiB)
    worker_rss_now_kb: int = 0       # its resident memory after this file (KiB; Linux)


@dataclass
class BatchSummary:
    """Counts, time and every per-file result of one batch."""

    total: int = 0
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    executor: str = "local"
    workers: int = 1
    output_dir: str = ""
    results: list[FileResult] = field(default_factory=list)

    @property
    def docs_per_s(self) -> float:
        """Processed (not skipped) documents per second of wall time."""
        return self.processed / self.seconds if self.seconds > 0 else 0.0

    @property
    def peak_worker_rss_kb(self) -> dict[str, int]:
        """Peak resident memory of each sandbox process (KiB)."""
        out: dict[str, int] = {}
        for r in self.results:
            if r.worker:
                out[r.worker] = max(out.get(r.worker, 0), r.worker_rss_kb)
        return out

    def line(self) -> str:
        """The closing summary, one line."""
        s = (f"{self.total} files: {self.processed} processed, {self.skipped} skipped unchanged, "
             f"{self.failed} failed in {self.seconds:.1f}s ({self.docs_per_s:.1f} docs/s, "
             f"{self.workers} {self.executor} workers)")
        if self.failed:
            s += f"; see {Path(self.output_dir) / ERRORS}"
        return s


class Reporter(Protocol):
    """Receives the progress of a batch (see :mod:`pipeline.progress`)."""

    def start(self, total: int, todo: int, skipped: int) -> None: ...
    def update(self, result: FileResult) -> None: ...
    def finish(self, summary: BatchSummary) -> None: ...


# --------------------------------------------------------------------------------------------------
# Files, hashes, manifest


def output_relpath(rel: str) -> str:
    """Where the output of ``INPUT_DIR/rel`` goes below OUTPUT_DIR: the input's folders, name + ``.json``."""
    p = PurePosixPath(rel)
    return str(p.parent / (p.name + ".json")) if str(p.parent) != "." else p.name + ".json"


def discover(input_dir: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Every supported, non-hidden file below ``input_dir`` (sorted; symlinked folders not followed)
    and the (path, reason) of folders that could not be read."""
    files: list[Path] = []
    problems: list[tuple[str, str]] = []
    if input_dir.is_file():
        return [input_dir], problems

    def onerror(e: OSError) -> None:
        problems.append((str(e.filename), e.strerror or str(e)))

    for root, dirs, names in os.walk(input_dir, followlinks=False, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith(".") and Path(name).suffix.lower() in SUPPORTED:
                files.append(Path(root) / name)
    return files, problems


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def pipeline_version() -> str:
    """``__version__`` plus a hash of the files that decide an extraction (see :mod:`pipeline.version`):
    editing the extraction code, a lexicon or a schema makes every output out of date; editing the CLI,
    the batch machinery, the dataset or the evaluation does not."""
    return code_version()


def load_manifest(output_dir: Path) -> dict[str, dict[str, Any]]:
    """Latest manifest entry per output (relative path). A torn last line (killed run) is ignored."""
    entries: dict[str, dict[str, Any]] = {}
    try:
        with open(output_dir / MANIFEST, encoding="utf-8") as fh:
            for line in fh:
                try:
                    e = json.loads(line)
                    entries[e["output"]] = e
                except (ValueError, KeyError, TypeError):
                    continue
    except FileNotFoundError:
        pass
    return entries


def write_lines_atomic(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write JSON lines to a temporary file in the same folder, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:  # lone surrogates -> \udcxx
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temps(output_dir: Path) -> int:
    """Delete temporary files a killed run left below ``output_dir``; return how many."""
    n = 0
    for root, _dirs, names in os.walk(output_dir):
        for name in names:
            if _TEMP_RE.match(name):
                try:
                    os.unlink(os.path.join(root, name))
                    n += 1
                except OSError:
                    pass
    return n


def _remove_temps_of(out: str) -> None:
    p = Path(out)
    for t in p.parent.glob(f".{p.name}.*.tmp"):
        t.unlink(missing_ok=True)


class _Lock:
    """An exclusive, non-blocking lock on OUTPUT_DIR so two runs never write the same folder."""

    def __init__(self, output_dir: Path) -> None:
        self.fh = open(output_dir / LOCK, "a+")
        try:
            import fcntl

            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not POSIX: no lock
            pass
        except OSError:
            self.fh.close()
            raise BatchError(f"{output_dir}: another govreport run is writing to this folder") from None

    def release(self) -> None:
        self.fh.close()


# --------------------------------------------------------------------------------------------------
# The sandbox: a child process that extracts one file at a time


def process_task(task: dict[str, Any]) -> dict[str, Any]:
    """Extract one file and write its output (runs inside a sandbox). Never raises."""
    from pipeline.process import extract_file
    from pipeline.store import write_json_atomic

    t0 = time.perf_counter()
    res: dict[str, Any] = {"path": task["path"], "sha256": task.get("sha256")}
    try:
        if task.get("cwd") and os.getcwd() != task["cwd"]:
            os.chdir(task["cwd"])
        report = extract_file(task["path"])
        write_json_atomic(task["out"], report)
        doc = report["document"]
        res.update(status="ok", sha256=doc["source"]["sha256"], output=task["out"], pages=doc["source"]["pages"],
                   chars=len(report["text"]), indicators=len(report["indicators"]),
                   projects=len(report["projects"]))
    except Exception as e:  # one line per bad file; the batch goes on
        reason = getattr(e, "reason", None) or str(e).replace(f"{task['path']}: ", "", 1)
        if not isinstance(e, PipelineError):
            reason = f"internal error: {type(e).__name__}: {e}"
        res.update(status="failed", reason=reason, error_class=type(e).__name__)
    res["seconds"] = time.perf_counter() - t0
    res["worker"] = f"{platform.node()}:{os.getpid()}"
    res["worker_rss_kb"] = _peak_rss_kb()
    res["worker_rss_now_kb"] = _proc_status_kb("VmRSS") or 0
    return res


def _proc_status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _peak_rss_kb() -> int:
    """This process's peak resident memory in KiB. Linux: VmHWM, which starts afresh at exec (ru_maxrss
    would include the parent's memory at fork time)."""
    hwm = _proc_status_kb("VmHWM")
    if hwm is not None:
        return hwm
    try:
        import resource
    except ImportError:  # Windows
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def _die_with_parent() -> None:
    """Linux: receive SIGKILL when the parent dies, so a killed batch leaves no orphan writing files."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def worker_main() -> None:
    """Entry point of a sandbox: one JSON task per stdin line, one JSON result per stdout line."""
    if "--die-with-parent" in sys.argv:
        _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # stray prints go to stderr, not into the protocol
    sys.stdout = sys.stderr
    for line in sys.stdin:
        if line.strip():
            proto.write(json.dumps(process_task(json.loads(line))) + "\n")
            proto.flush()


_EOF = object()


class Sandbox:
    """A child Python process extracting one task at a time; killable when a task takes too long.

    Results arrive on ``results`` as ``(sandbox, dict)``, or ``(sandbox, _EOF)`` when the child died.
    """

    def __init__(self, results: "queue.Queue[tuple[Sandbox, Any]] | None" = None, *,
                 die_with_parent: bool = False, cwd: str | None = None) -> None:
        self.results: queue.Queue[tuple[Sandbox, Any]] = results if results is not None else queue.Queue()
        env = dict(os.environ)
        src = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        argv = [sys.executable, "-c", "from pipeline.batch import worker_main; worker_main()"]
        if die_with_parent:
            argv.append("--die-with-parent")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=cwd,
                                     text=True, encoding="utf-8", errors="backslashreplace", bufsize=1)
        self.reader = threading.Thread(target=self._read, args=(self.proc.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            try:
                self.results.put((self, json.loads(line)))
            except ValueError:
                continue
        self.results.put((self, _EOF))

    def send(self, task: Task | dict[str, Any]) -> None:
        """Hand one task to the child (it must be idle)."""
        data = asdict(task) if isinstance(task, Task) else task
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(data, ensure_ascii=False) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # the reader reports the death

    def died_reason(self) -> str:
        """Why the child is gone (after EOF)."""
        try:
            rc = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "worker stopped answering"
        if rc < 0:
            try:
                return f"worker died ({signal.Signals(-rc).name})"
            except ValueError:
                return f"worker died (signal {-rc})"
        return f"worker died (exit code {rc})"

    def run(self, task: dict[str, Any], timeout: float) -> dict[str, Any]:
        """Send one task and wait for its result (for a sandbox with its own queue)."""
        self.send(task)
        try:
            _sb, msg = self.results.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            _remove_temps_of(task["out"])
            return _failure(task, f"timed out after {timeout:g} s", "Timeout")
        if msg is _EOF:
            return _failure(task, self.died_reason(), "WorkerDied")
        return msg

    def alive(self) -> bool:
        """True while the child runs."""
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the child and reap it."""
        try:
            self.proc.kill()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self._close_pipes()

    def close(self) -> None:
        """Ask the child to finish (EOF on stdin); kill it if it does not."""
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for s in (self.proc.stdin,):
            try:
                if s:
                    s.close()
            except OSError:
                pass


def _failure(task: dict[str, Any], reason: str, error_class: str) -> dict[str, Any]:
    return {"path": task["path"], "sha256": task.get("sha256"), "status": "failed", "reason": reason,
            "error_class": error_class}


# --------------------------------------------------------------------------------------------------
# Executors: each takes the tasks and calls ``emit(task, result_dict)`` once per task


Emit = Callable[[Task, dict[str, Any]], None]


def _run_local(tasks: list[Task], workers: int, timeout: float, emit: Emit) -> None:
    """Keep ``workers`` sandboxes busy; kill and replace one whose task exceeds ``timeout``."""
    results: queue.Queue[tuple[Sandbox, Any]] = queue.Queue()
    pending = deque(tasks)
    idle = [Sandbox(results, die_with_parent=True) for _ in range(min(workers, len(tasks)))]
    busy: dict[Sandbox, tuple[Task, float]] = {}
    try:
        while pending or busy:
            while idle and pending:
                sb = idle.pop()
                if not sb.alive():
                    sb = Sandbox(results, die_with_parent=True)
                task = pending.popleft()
                busy[sb] = (task, time.monotonic() + timeout)
                sb.send(task)
            wait = max(0.0, min(d for _t, d in busy.values()) - time.monotonic())
            try:
                sb, msg = results.get(timeout=min(wait, 1.0))
            except queue.Empty:
                sb, msg = None, None
            if sb is not None and sb in busy:
                task, _deadline = busy.pop(sb)
                if msg is _EOF:
                    emit(task, _failure(asdict(task), sb.died_reason(), "WorkerDied"))
                    sb.kill()
                    if pending:
                        idle.append(Sandbox(results, die_with_parent=True))
                else:
                    idle.append(sb)
                    emit(task, msg)
            now = time.monotonic()
            for sb, (task, deadline) in list(busy.items()):
                if now >= deadline:
                    busy.pop(sb)
                    sb.kill()
                    _remove_temps_of(task.out)
                    emit(task, _failure(asdict(task), f"timed out after {timeout:g} s", "Timeout"))
                    if pending:
                        idle.append(Sandbox(results, die_with_parent=True))
    finally:
        for sb in list(busy):
            sb.kill()
        for sb in idle:
            sb.close()


_local_sandbox = threading.local()


def run_task_sandboxed(task: dict[str, Any], timeout: float) -> dict[str, Any]:
    """A Dask task: extract one file in this worker thread's sandbox, within ``timeout`` seconds.

    The sandbox (a child process of the Dask worker) is started on first use and replaced after a
    timeout or crash, so a pathological file never takes the Dask worker down with it.
    """
    sb: Sandbox | None = getattr(_local_sandbox, "sb", None)
    if sb is None or not sb.alive():
        sb = _local_sandbox.sb = Sandbox(cwd=task.get("cwd") if os.path.isdir(task.get("cwd") or "") else None)
    return sb.run(task, timeout)


def _run_dask(tasks: list[Task], workers: int, timeout: float, emit: Emit, scheduler: str | None) -> None:
    """One Dask task per file on the cluster at ``scheduler``, or on a LocalCluster of ``workers`` processes."""
    try:
        import logging

        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise BatchError("--executor dask needs dask.distributed: pip install 'govreport[dask]'") from None
    cluster = client = None
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout=30)
            except (OSError, TimeoutError, ValueError) as e:
                raise BatchError(f"cannot connect to the Dask scheduler at {scheduler}: {e}") from None
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            client.wait_for_workers(workers, timeout=120)  # all of them, before tasks go to the first one up
        futures = {client.submit(run_task_sandboxed, asdict(t), timeout, pure=False): t for t in tasks}
        for fut in as_completed(futures):
            task = futures.pop(fut)
            try:
                msg = fut.result()
            except Exception as e:  # the Dask worker itself died or the task was lost
                msg = _failure(asdict(task), f"dask task failed: {type(e).__name__}: {e}", type(e).__name__)
            fut.release()
            emit(task, msg)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------------------------------
# The batch


def after_batch(output_dir: Path) -> None:
    """Build the dataset from the outputs when ``pipeline.dataset`` exists (the ``govreport build`` issue)."""
    from pipeline.review import write_review  # the review pages (govreport review) in OUTPUT_DIR/review
    write_review([output_dir], Path(output_dir) / "review")
    try:
        from pipeline.dataset import build_dataset  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as e:
        if e.name in ("pipeline.dataset", "pipeline"):
            return
        raise
    build_dataset(output_dir)


def plan(input_dir: Path, output_dir: Path, version: str, force: bool = False) -> tuple[list[Task], list[FileResult]]:
    """(tasks to run, results already known: skipped unchanged files and unreadable ones).

    Tasks are ordered largest file first, so the slow ones do not finish last alone.
    """
    files, problems = discover(input_dir)
    base = input_dir if input_dir.is_dir() else input_dir.parent
    manifest = {} if force else load_manifest(output_dir)
    cwd = os.getcwd()
    out_abs = output_dir.resolve()
    tasks: list[Task] = []
    known = [FileResult(path=p, status="failed", reason=reason, error_class="OSError") for p, reason in problems]
    for f in files:
        rel = f.relative_to(base).as_posix()
        out_rel = output_relpath(rel)
        try:
            st = f.stat()
            if not stat.S_ISREG(st.st_mode):
                known.append(FileResult(path=str(f), status="failed", reason="not a regular file",
                                        error_class="IngestError"))
                continue
            sha, size = file_sha256(f), st.st_size
        except OSError:  # unreadable: the sandbox reports why, the usual way
            sha, size = None, 0
        entry = manifest.get(out_rel)
        if (entry and sha and entry.get("sha256") == sha and entry.get("version") == version
                and (out_abs / out_rel).is_file()):
            known.append(FileResult(path=str(f), status="skipped", sha256=sha, output=str(out_abs / out_rel)))
            continue
        tasks.append(Task(rel=rel, path=str(f), out=str(out_abs / out_rel), cwd=cwd, sha256=sha, size=size))
    tasks.sort(key=lambda t: -t.size)
    return tasks, known


def run_batch(input_dir: str | os.PathLike[str], output_dir: str | os.PathLike[str], workers: int | None = None,
              executor: Executor = "local", timeout: float = DEFAULT_TIMEOUT, *, scheduler: str | None = None,
              force: bool = False, reporter: Reporter | None = None, build: bool = True) -> BatchSummary:
    """Extract every supported file below ``input_dir`` into ``output_dir``; see the module docstring.

    ``workers`` defaults to ``os.cpu_count()``; ``force`` ignores the manifest; ``build`` calls
    :func:`after_batch` when the batch is done and extracted at least one file. Raises :class:`BatchError` when the batch cannot start.
    """
    t0 = time.perf_counter()
    inp, out = Path(input_dir), Path(output_dir)
    if not inp.exists():
        raise BatchError(f"{inp}: no such file or folder")
    if executor not in ("local", "dask"):
        raise BatchError(f"unknown executor {executor!r} (local or dask)")
    workers = max(1, workers or os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    lock = _Lock(out)
    summary = BatchSummary(executor=executor, workers=workers, output_dir=str(out))
    manifest: dict[str, dict[str, Any]] | None = None
    completed = False
    try:
        remove_stale_temps(out)
        version = pipeline_version()
        tasks, known = plan(inp, out, version, force)
        summary.total = len(tasks) + len(known)
        summary.results = list(known)
        summary.skipped = sum(r.status == "skipped" for r in known)
        summary.failed = sum(r.status == "failed" for r in known)
        manifest = load_manifest(out)
        if reporter:
            reporter.start(summary.total, len(tasks) + summary.failed, summary.skipped)
            for r in known:
                if r.status == "failed":
                    reporter.update(r)
        out_abs = out.resolve()
        with open(out / MANIFEST, "a", encoding="utf-8", errors="backslashreplace") as mf:

            def emit(task: Task, msg: dict[str, Any]) -> None:
                r = FileResult(**{k: v for k, v in msg.items() if k in FileResult.__dataclass_fields__})
                r.path = task.path
                r.sha256 = r.sha256 or task.sha256
                if r.status == "ok":
                    summary.processed += 1
                    out_rel = Path(task.out).relative_to(out_abs).as_posix()
                    entry = {"output": out_rel, "input": task.rel, "sha256": r.sha256, "version": version}
                    manifest[out_rel] = entry  # type: ignore[index]
                    mf.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
                    mf.flush()
                else:
                    summary.failed += 1
                summary.results.append(r)
                if reporter:
                    reporter.update(r)

            if tasks:
                if executor == "dask":
                    _run_dask(tasks, workers, timeout, emit, scheduler)
                else:
                    _run_local(tasks, workers, timeout, emit)
        completed = True
    finally:
        try:
            if manifest is not None:
                live = {k: v for k, v in manifest.items() if (out / k).is_file()}
                write_lines_atomic(out / MANIFEST, (live[k] for k in sorted(live)))
            failed = sorted((r for r in summary.results if r.status == "failed"), key=lambda r: r.path)
            write_lines_atomic(out / ERRORS, ({"path": r.path, "sha256": r.sha256, "reason": r.reason,
                                               "error_class": r.error_class} for r in failed))
        finally:
            lock.release()
            summary.seconds = time.perf_counter() - t0
            if reporter and not completed:
                reporter.finish(summary)  # interrupted: close the progress bar, say what was done
    if build and summary.processed:  # nothing new extracted: the dataset is as it was
        after_batch(out)
    if reporter:
        reporter.finish(summary)
    return summary
