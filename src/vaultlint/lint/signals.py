"""Signals during a parallel scan: the workers end with the parent, leaving nothing behind.

- :func:`parent_signals`: while workers run, SIGTERM in the parent raises
  :class:`KeyboardInterrupt` (as SIGINT does), so the batch runner's clean-up stops the workers
  and the CLI reports ``vaultlint: interrupted`` (exit 2) instead of dying on the spot with
  workers still blocked on their pipes.
- :func:`worker_signals`, first thing in a forked worker: SIGINT is ignored (a Ctrl-C reaches
  the whole process group; the parent decides), SIGTERM raises ``SystemExit`` so that the
  worker ends at once (workers never write the cache: the parent writes it in one SQLite
  transaction), and on Linux the kernel sends the worker SIGTERM when the parent dies, even
  by SIGKILL (``PR_SET_PDEATHSIG``), so no worker outlives it holding stdout open.
- :func:`stop_workers`: SIGTERM to the workers that are still alive, a short wait, then
  SIGKILL.

``signal`` and ``threading`` are imported by the functions: a run of one note (the pre-commit
run) starts no worker and never needs them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

_PR_SET_PDEATHSIG = 1


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def parent_signals() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt in the parent for the duration (main thread only)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def worker_signals(parent_pid: int) -> None:
    """In a freshly forked worker: ignore SIGINT, exit cleanly on SIGTERM, die with the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate)
    with contextlib.suppress(Exception):  # Linux only; elsewhere the parent's clean-up is all
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the line above
        raise SystemExit(128 + signal.SIGTERM)


def stop_workers(procs: Sequence[Any], grace: float = 2.0) -> None:
    """SIGTERM the live workers (they remove their temporary files), then SIGKILL the rest."""
    for proc in procs:
        if proc.is_alive():
            with contextlib.suppress(OSError):
                proc.terminate()
    for proc in procs:
        proc.join(timeout=grace)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=grace)
