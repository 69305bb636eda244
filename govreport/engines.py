"""Reports made on a Dask distributed cluster (`govreport build --scheduler tcp://HOST:PORT`).

An engine takes the tasks and yields each with its Made as it finishes; build.run writes them. The local
engine is build.local (this machine's worker processes); this one submits each task to a Dask scheduler
with the public API (Client.submit, as_completed). No shared file system: a task carries its notebook and its agency's data files (this year's and last) as bytes, the worker recreates them in a
temporary directory named as on the client (a report shows the data directory by its name only) and sends
back the Made; the client, which holds the output lock, writes it exactly as a local build does.
A worker that dies mid-report has its task rerun elsewhere by the scheduler (its `allowed-failures`); Dask
is imported only here, and only when a build names a scheduler.
"""
from __future__ import annotations

import functools
import tempfile
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .build import Made, Task, _one_line, code_fingerprint

CONNECT_TIMEOUT = "30s"


@dataclass
class Parcel:
    """A task as a worker with no access to the client's files receives it."""

    task: Task  # its paths are the client's: the worker uses none of them
    notebook: bytes
    data_name: str  # the data directory's name (the report shows it, and only it)
    files: dict[str, bytes]  # relative to the data directory, as provenance lists them
    release: tuple[str, str]  # the client's govreport version and code fingerprint


@functools.cache
def release() -> tuple[str, str]:
    """This process's govreport: its version and code (a different code makes a different report)."""
    from . import __version__
    return __version__, code_fingerprint()


def parcel(task: Task, client_release: tuple[str, str]) -> Parcel:
    data_dir = Path(task.parameters["data_dir"])
    return Parcel(task, Path(task.notebook).read_bytes(), data_dir.name,
                  {name: (data_dir / name).read_bytes() for name in task.provenance["files"]}, client_release)


def make_remote(p: Parcel) -> Made:
    """On a worker: refuse a different govreport, else make the report from the parcel's own files."""
    from . import build
    mine = release()
    if mine != p.release:
        from distributed import get_worker
        return Made({}, f"worker {get_worker().address} runs govreport {mine[0]} (code {mine[1][:12]}), the client "
                        f"{p.release[0]} (code {p.release[1][:12]}): install the same govreport on every worker")
    with tempfile.TemporaryDirectory(prefix="govreport-") as tmp:
        data_dir = Path(tmp) / p.data_name
        for name, content in p.files.items():
            (data_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (data_dir / name).write_bytes(content)
        notebook = Path(tmp) / Path(p.task.notebook).name
        notebook.write_bytes(p.notebook)
        task = build.Task(p.task.agency, p.task.title, Path(tmp), notebook,
                          {**p.task.parameters, "data_dir": str(data_dir)}, p.task.provenance, p.task.key,
                          p.task.timeout, [])
        return build.make(task)


def dask(tasks: list[Task], scheduler: str) -> Iterator[tuple[Task, Made]]:
    """The Dask engine: make the tasks on the cluster at `scheduler`; yields each task with what was made of
    it as it finishes. Closed early (Ctrl-C, SIGTERM), it cancels what is still queued or running."""
    if not tasks:  # every report skipped: no need of the cluster
        return
    from distributed import Client, as_completed
    from distributed.scheduler import KilledWorker

    futures = {}
    with Client(scheduler, timeout=CONNECT_TIMEOUT) as client:
        try:
            mine = release()
            futures = {client.submit(make_remote, parcel(task, mine), pure=False): task for task in tasks}
            for future in as_completed(futures):
                try:
                    made = future.result()
                except KilledWorker as err:
                    made = Made({}, f"its Dask workers died while making it ({_one_line(err)})",
                                traceback.format_exc())
                except Exception as err:  # e.g. the worker could not unpickle the task
                    made = Made({}, f"on the Dask cluster: {_one_line(err)}", traceback.format_exc())
                yield futures[future], made
        finally:
            client.cancel(list(futures))
