"""Run one notebook in a fresh, limited kernel and export the question variables as plain data.

The notebook runs to the end even when cells fail or time out, so one broken answer does not cost
the others. The export runs last, in the same kernel; what comes back is only JSON, which the
grader validates and judges in its own process.
"""
from __future__ import annotations

import asyncio
import inspect
import json
import os
import secrets
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from course.exercises.answers import to_plain
from course.exercises.grading.sandbox_kernel import kill_descendants, reap
from course.core.i18n import t
from course.core.privacy import scrub_text

EXPORT_MIME = "application/vnd.course.exercises.answers+json"
KERNEL_NAME = "course-sandbox"
TIMEOUT_NAME = "CourseCellTimeout"
MAX_KERNEL_DEATHS = 3  # restarts, each skipping the cell that killed the kernel


@dataclass(frozen=True)
class Limits:
    cell_seconds: int = 30
    notebook_seconds: int = 300
    output_bytes: int = 5_000_000
    memory_mb: int = 3072
    file_mb: int = 64
    tasks: int = 64  # processes + threads a kernel may add (fork loops stop there)


@dataclass
class CellProblem:
    index: int
    status: str  # "error" | "timeout" | "flood" (output cap hit: the cell was stopped)
    detail: str  # e.g. "ZeroDivisionError: division by zero"


@dataclass
class RunResult:
    answers: dict[str, dict] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)
    fatal: str | None = None  # "kernel_died" | "notebook_timeout" | "export_failed" | "start_failed"
    output_truncated: bool = False
    seconds: float = 0.0


@lru_cache(maxsize=1)
def kernel_spec_dir() -> str:
    """A kernelspec whose argv starts our limited kernel with this interpreter."""
    root = Path(tempfile.mkdtemp(prefix="course-kernels-"))
    spec = root / KERNEL_NAME
    spec.mkdir()
    argv = [sys.executable, "-m", "course.exercises.grading.sandbox_kernel", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "course sandbox", "language": "python"}), encoding="utf-8")
    return str(root)


@lru_cache(maxsize=1)
def _to_plain_source() -> str:
    return inspect.getsource(to_plain)


def export_code(question_ids: list[str], nonce: str) -> str:
    return "\n".join([
        "def __course_export__():",
        "    import json as _json",
        "    from IPython.display import display as _display",
        *("    " + line for line in _to_plain_source().splitlines()),
        "    _ns = globals()",
        f"    _ids = {question_ids!r}",
        "    _answers = {q: (to_plain(_ns[q]) if q in _ns else {'type': 'missing'}) for q in _ids}",
        f"    _display({{{EXPORT_MIME!r}: {{'nonce': {nonce!r}, 'answers': _answers}}}}, raw=True)",
        "__course_export__()",
        "del __course_export__",
    ])


class LimitedClient(NotebookClient):
    """nbclient with an output cap, and with cell failures recorded rather than raised."""

    def __init__(self, nb, limits: Limits, **kw):
        super().__init__(
            nb, timeout=limits.cell_seconds, interrupt_on_timeout=True, allow_errors=True,
            error_on_timeout={"ename": TIMEOUT_NAME, "evalue": str(limits.cell_seconds)},
            record_timing=False, shutdown_kernel="immediate", startup_timeout=60,
            kernel_name=KERNEL_NAME, **kw)
        self.limits = limits
        self.problems: list[CellProblem] = []
        self.output_bytes = 0
        self.output_truncated = False
        self.current_index: int | None = None
        self.on_cell_error = self._record_error

    def _record_error(self, cell, cell_index, execute_reply):
        pid = getattr(self.km.provisioner, "pid", None) if self.km is not None else None
        if pid:
            kill_descendants(pid)  # a failed cell's stray processes must not starve the next cells
        content = execute_reply["content"]
        if content.get("ename") == TIMEOUT_NAME:
            self.problems.append(CellProblem(cell_index, "timeout", str(self.limits.cell_seconds)))
        elif content.get("ename") == "SystemExit":
            self.problems.append(CellProblem(cell_index, "error", t("grading.system_exit")))
        else:
            # an error can quote the data it choked on: personal numbers never reach the gradebook
            detail = scrub_text(f"{content.get('ename', '')}: {content.get('evalue', '')}"[:300])
            self.problems.append(CellProblem(cell_index, "error", detail))

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
        self.output_bytes += size
        if self.output_bytes > self.limits.output_bytes:
            if not self.output_truncated:  # stop the flood: a cell that prints this much is a bug
                self.output_truncated = True
                self.problems.append(CellProblem(cell_index, "flood", t("grading.output_flood",
                                                                         mb=self.limits.output_bytes // 1_000_000)))
                asyncio.ensure_future(self.km.interrupt_kernel())
            return None  # dropped: a flood must not fill the grader's memory
        return super().output(outs, msg, display_id, cell_index)


def kernel_env(limits: Limits) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "COURSE_KERNEL_MEMORY_MB": str(limits.memory_mb),
        "COURSE_KERNEL_FILE_MB": str(limits.file_mb),
        "COURSE_KERNEL_TASKS": str(limits.tasks),
        "COURSE_GRADING": "1",
        "MPLBACKEND": "Agg",
        # one thread per kernel: parallel workers share two cores
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    return env


def parse_export(outputs: list, nonce: str, question_ids: list[str]) -> dict[str, dict] | None:
    """The answers from the export cell's outputs, or None if absent, forged or malformed."""
    payloads = [o.get("data", {}).get(EXPORT_MIME) for o in outputs if o.get("output_type") == "display_data"]
    genuine = [p for p in payloads if isinstance(p, dict) and p.get("nonce") == nonce]
    if len(genuine) != 1 or not isinstance(genuine[0].get("answers"), dict):
        return None
    answers = genuine[0]["answers"]
    return {q: answers[q] if isinstance(answers.get(q), dict) else {"type": "missing"} for q in question_ids}


def strip_outputs(nb) -> None:
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None


async def run_notebook(nb, question_ids: list[str], limits: Limits = Limits()) -> RunResult:
    """Execute ``nb`` (a NotebookNode, modified in place) and export the answers.

    When a cell kills its kernel (os._exit, a signal, memory), the run starts again in a fresh
    kernel with that cell skipped, so the answers of every other cell still count.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    killers: list[CellProblem] = []
    for _ in range(MAX_KERNEL_DEATHS + 1):
        strip_outputs(nb)
        result, dead_cell = await _attempt(nb, question_ids, limits, {p.index for p in killers})
        if result.fatal != "kernel_died" or dead_cell is None or dead_cell >= len(nb.cells):
            break
        killers.append(CellProblem(dead_cell, "error", t("grading.kernel_died_in_cell")))
    result.problems = sorted(killers + result.problems, key=lambda p: p.index)
    result.seconds = loop.time() - started
    return result


async def _attempt(nb, question_ids: list[str], limits: Limits, skip: set[int]) -> tuple[RunResult, int | None]:
    result = RunResult()
    cell_count = len(nb.cells)
    nonce = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="course-grade-", ignore_cleanup_errors=True) as workdir:
        km = AsyncKernelManager(kernel_name=KERNEL_NAME,
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[kernel_spec_dir()]))
        client = LimitedClient(nb, limits, km=km, resources={"metadata": {"path": workdir}})
        try:
            # started by hand rather than with setup_kernel(), whose SIGINT handler would turn a
            # trainer's Ctrl-C into a "dead kernel" grade instead of stopping the batch
            await client.async_start_new_kernel(env=kernel_env(limits), cwd=workdir,
                                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            await client.async_start_new_kernel_client()
            await asyncio.wait_for(_run_cells(client, skip), timeout=limits.notebook_seconds)
            client.output_bytes = -10 * limits.output_bytes  # the export itself is never capped
            export = nbformat.v4.new_code_cell(export_code(question_ids, nonce))
            nb.cells.append(export)
            client.current_index = cell_count
            await client.async_execute_cell(export, cell_count, store_history=False)
            answers = parse_export(export.outputs, nonce, question_ids)
            if answers is None or any(p.index == cell_count for p in client.problems):
                result.fatal = "export_failed"
            else:
                result.answers = answers
        except asyncio.TimeoutError:
            result.fatal = "notebook_timeout"
        except DeadKernelError:
            result.fatal = "kernel_died"
        except RuntimeError as error:  # nbclient reports a kernel that never started this way
            result.fatal = "kernel_died" if "died" in str(error).lower() else "start_failed"
        finally:
            del nb.cells[cell_count:]
            result.problems = [p for p in client.problems if p.index < cell_count]
            result.output_truncated = client.output_truncated
            await _ensure_stopped(client, km)
    return result, client.current_index


async def _run_cells(client: LimitedClient, skip: set[int]) -> None:
    for index, cell in enumerate(client.nb.cells):
        if index in skip:
            continue
        client.current_index = index
        await client.async_execute_cell(cell, index, execution_count=client.code_cells_executed + 1)


async def _ensure_stopped(client: LimitedClient, km: AsyncKernelManager) -> None:
    pid = getattr(km.provisioner, "pid", None) if km.has_kernel else None
    try:
        if client.kc is not None:
            client.kc.stop_channels()
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
        await km.cleanup_resources() if inspect.iscoroutinefunction(km.cleanup_resources) else km.cleanup_resources()
    except Exception:  # already gone: nothing left to clean
        pass
    if pid:
        reap(pid)  # children that left the process group die with the cgroup
