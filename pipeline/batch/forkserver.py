"""The processes a batch's local workers are started from (``runner.LocalPool``): a forkserver
where the platform has one, which imports ``preload`` once (imports, schema, rules, fonts:
``worker.warm_up``) so that every worker forked from it starts warm, else spawned processes.

``start`` has the forkserver warm up at once, on another core, while the batch's parent loads
its modules, reads its settings and looks over its inputs (a fifth to half a second before
its first document): the workers then wait on the later of the two, not on both in turn.
This module imports nothing of the program, so that the command line can call it first."""
from __future__ import annotations

import multiprocessing

PRELOAD = ["pipeline.batch.preload"]


def context():
    """The multiprocessing context the local workers start from."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    if method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start() -> None:
    """Start the forkserver, warming up, without waiting for it (where there is one)."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
