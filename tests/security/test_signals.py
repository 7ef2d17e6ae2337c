"""Issue 10, row 8: SIGTERM or SIGINT during a parallel scan ends the workers with the parent.

Before, the workers were orphaned, blocked forever on their pipes and holding stdout open (so
``communicate()`` below never saw the end of the output). Now the parent stops them and exits
with ``vaultlint: interrupted`` (2); nothing is left running, no temporary file is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .harness import SRC, limits


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find the workers")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_workers_with_the_parent(tmp_path: Path, signum: int) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    body = "".join(f"Line {i} with [[Note {i}]] and #tag{i % 7}.\n" for i in range(400))
    for i in range(1500):
        (vault / f"Note {i}.md").write_text(f"# Note {i}\n{body}", encoding="utf-8")
    cache = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": str(SRC), "VAULTLINT_CACHE_DIR": str(cache)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vaultlint", "scan", str(vault), "--jobs", "2", "--format", "json"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=limits(2048, 120),
    )
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = _children(proc.pid)
    assert len(workers) == 2, "the scan never started its two workers"
    time.sleep(0.3)  # let them get into their work
    os.kill(proc.pid, signum)
    out, err = proc.communicate(timeout=30)  # EOF: nobody holds stdout any more
    assert (proc.returncode, out, err) == (2, b"", b"vaultlint: interrupted\n")
    time.sleep(0.5)
    assert [pid for pid in workers if _alive(pid)] == []
    assert [p.name for p in cache.rglob(".tmp-*")] == []
    assert sorted(p.name for p in vault.iterdir()) == sorted(f"Note {i}.md" for i in range(1500))
