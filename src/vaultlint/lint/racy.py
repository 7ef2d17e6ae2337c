"""Racily clean notes (git's word for them): when a note's stat alone cannot be trusted.

A row of the state (:mod:`vaultlint.lint.store`) is trusted while its note's stat (size, the
later of its modification and status-change times, inode) is the one it was stored with. A
file system keeps times to a tick (about 4 ms on ext4, 2 s on FAT), so a second write of the
same size in the tick of the write a run read leaves the stat as stored, over other bytes.
And a note whose time is ahead of the clock (an archive from a machine whose clock runs
ahead) keeps that time as the later of the two through an edit whose modification time is
set back (``cp -p``, ``rsync -t --inplace``): no status-change time overtakes it.

So a note whose time is not safely in the past when a run reads it — later than the window
before the run started (:func:`is_racy`) — is *racily clean*: the planning run stores its row
with :data:`RACY_TIME`, which no walk finds, so the next run that plans reads it again and
compares its bytes' digest (a read, no parse, when they are the same: lint/incremental.py);
and the state's completeness marker names it with that digest, so the warm path reads it
again before it answers (lint/warm.py). Once its time is past the window (:func:`settled`),
the warm path leaves the answer to a planning run, which stores its real stat: the warm runs
after it read nothing again.

Standard library only: the warm path imports it.
"""

from __future__ import annotations

import os

#: FAT's tick, the coarsest of the file systems a vault lives on: how long before a run a
#: note's time must be for its stat to be trusted; the environment's
#: ``VAULTLINT_RACY_WINDOW_MS`` sets another (:func:`racy_window`)
RACY_NS = 2_000_000_000
#: the time a racily clean row is stored with (no walk gives it: a stat time is the later of
#: the modification and the status-change time, on POSIX never before 1970, and on Windows,
#: where it is the creation time, a multiple of 100 ns)
RACY_TIME = -1


def racy_window() -> int:
    """The window in nanoseconds: ``VAULTLINT_RACY_WINDOW_MS`` when it is a whole number of
    milliseconds, 0 or more (a file system whose clock is another machine's may need more;
    the test suite sets 0: a note written before a run is older than its start), else
    :data:`RACY_NS`."""
    given = os.environ.get("VAULTLINT_RACY_WINDOW_MS", "")
    return int(given) * 1_000_000 if given.isdigit() and given.isascii() else RACY_NS


def is_racy(at: int, started: int, window: int) -> bool:
    """Whether a note whose stat time is ``at`` is racily clean for a run that started (before
    it read any note) at ``started``: its time is within ``window`` of that start, or later
    (a write during the run, or a time ahead of the clock)."""
    return at >= started - window


def settled(at: int, now: int, window: int) -> bool:
    """Whether a note stored racily clean, whose stat time is ``at``, can be trusted by its
    stat from ``now`` on: its time is more than ``window`` before it."""
    return at < now - window
