"""Running vaultlint as a hostile pull request's CI would: a child process under hard limits.

``run_limited`` starts ``python -m vaultlint ARGS`` with a timeout (the child is killed past
it) and, through ``preexec_fn``, an address-space limit (``RLIMIT_AS``) and a CPU-time limit
(``RLIMIT_CPU``): a run that would take too much memory or time fails by the harness's limits,
never by a wall-clock assertion. ``tree_state`` hashes every entry below some folders (not
following symbolic links) so a test can prove that nothing changed inside or outside a vault.
"""

from __future__ import annotations

import hashlib
import os
import resource
import stat
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def limits(memory_mb: int, cpu_s: int):
    """A ``preexec_fn`` setting the child's address-space and CPU-time limits."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))

    return apply


def run_limited(
    args: Sequence[str],
    *,
    timeout: float = 60,
    memory_mb: int = 1024,
    cpu_s: int = 60,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """``python -m vaultlint ARGS`` under the limits; raises ``TimeoutExpired`` past them."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), full_env.get("PYTHONPATH")) if p)
    for name in ("VAULTLINT_DEBUG", "FORCE_COLOR", "CI"):
        full_env.pop(name, None)
    full_env["NO_COLOR"] = "1"
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "vaultlint", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
        cwd=cwd,
        env=full_env,
        preexec_fn=limits(memory_mb, cpu_s),
        check=False,
    )
    return Result(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def tree_state(*roots: Path) -> dict[str, tuple]:
    """Every entry below ``roots``: kind, mode, and a SHA-256 of regular files' content (or a
    link's target). Links are not followed; FIFOs and devices are never opened."""
    found: dict[str, tuple] = {}
    for root in roots:
        for folder, dirs, files in os.walk(os.fsencode(root), followlinks=False):
            for name in (*dirs, *files):
                full = os.path.join(folder, name)
                st = os.lstat(full)
                key = os.fsdecode(full)
                if stat.S_ISLNK(st.st_mode):
                    found[key] = ("link", os.fsdecode(os.readlink(full)))
                elif stat.S_ISREG(st.st_mode):
                    with open(full, "rb") as fh:
                        digest = hashlib.sha256(fh.read()).hexdigest()
                    found[key] = ("file", stat.S_IMODE(st.st_mode), digest)
                else:
                    found[key] = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))
    return found
