"""Worker processes for the processing stage (``processing.stage``; WXRB_PROCESS_WORKERS).

The standard library's ProcessPoolExecutor with the spawn start method: a fresh interpreter per
worker, so nothing of the parent (its database connection, Airflow's logging sockets, threads)
is inherited. Three things make it safe inside an Airflow task, each explained where it is done:
the workers do not run the parent's main script, a Celery worker's task process may start them,
and they exit when the task process is killed.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, wait
from contextlib import contextmanager

from processing import nlp


class WorkerDied(RuntimeError):
    """A worker process of the pool was killed (OOM killer, kill -9) while pages were in flight."""


@contextmanager
def pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """``workers`` spawned processes, all started before the first batch (and shut down after)."""
    with _children_allowed():
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=_start_worker,
                                       initargs=(logging.getLogger().getEffectiveLevel(),))
        try:
            with _main_script_hidden():  # each submit starts a worker until there are `workers`
                wait([executor.submit(int) for _ in range(workers)])
            yield executor
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _main_script_hidden():
    """Spawned workers need only this module, not the script this process runs.

    A spawned child first runs the parent's main script (here the ``airflow`` or ``wxrb`` command)
    as ``__mp_main__``; for ``airflow`` that means importing and configuring all of Airflow in every
    worker, which fails inside a task. While the workers start, the main module has no file, so
    they skip it.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@contextmanager
def _children_allowed():
    """Lets this process start the pool's workers when it runs inside a Celery worker.

    Celery's prefork pool (billiard) puts its own process object in the place of
    multiprocessing's current process, marked daemonic and with a key that refuses to be sent to
    a child, so starting a worker fails ("daemonic processes are not allowed to have children").
    Inside an Airflow task that object describes the Celery pool process the task was forked from,
    not the task. For the pool's lifetime it reads as a plain process (not daemonic, a key
    multiprocessing can hand to its children); the workers cannot outlive the task either way:
    the pool is shut down on the way out, and a worker whose task process is killed exits by
    itself (``_exit_with_parent``).
    """
    from multiprocessing import process

    current = process.current_process()
    config = current._config
    if type(current).__module__ == process.__name__ and not current.daemon:
        yield
        return
    current._config = {**config, "daemon": False, "authkey": process.AuthenticationString(bytes(config["authkey"]))}
    try:
        yield
    finally:
        current._config = config


def _start_worker(log_level: int) -> None:
    """A worker's logging (its warnings about skipped pages reach the task's log through stderr),
    a watch on its parent, and its jieba dictionaries, loaded before the first page."""
    logging.basicConfig(level=log_level, format="%(asctime)s %(levelname)s %(name)s [worker %(process)d] %(message)s")
    threading.Thread(target=_exit_with_parent, args=(multiprocessing.parent_process(),), daemon=True).start()
    nlp.segment("无锡")


def _exit_with_parent(parent) -> None:
    """An idle worker waits on its job queue, which never reports a killed parent (every worker
    holds the queue's write end too): without this, a SIGKILLed task would leave its workers
    behind for good."""
    parent.join()
    os._exit(1)
