#!/usr/bin/env python3
"""Benchmark vaultlint against the read floor and the tools users would pick instead.

    python bench/run_bench.py                          # 1k and 10k vaults, 5 runs each
    python bench/run_bench.py --sizes 10000 100000 --runs 3
    python bench/run_bench.py --sizes 50000 --runs 1   # the memory goals are at 50k
    python bench/run_bench.py --peers                  # also markdownlint-cli2 / pymarkdown

Vaults come from the deterministic generator beside this script (``bench/make_vault.py OUT N 1``:
out folder, notes, seed) and are kept in ``bench/out/`` (git-ignored) between runs. Every figure is
the median wall time of several runs of a whole process, as a user would see it, with its ratio to
the floor (a fresh ``python3`` reading every note), its median CPU time (user + system, its
workers included: the figure that moves least with the machine's load) and its peak memory (max
RSS). The cache lives in a folder of the benchmark's own (``VAULTLINT_CACHE_DIR``), whose size is
printed beside the vault's. The goals of the speed issue are printed with each figure, never
asserted.

Modes, per vault size:

- cold: ``--no-cache`` with ``--jobs`` workers, and with ``--jobs 1``;
- first run: an empty cache folder, the run writes the caches;
- warm: nothing changed since the last run;
- one note: ``--vault . NOTE`` on a warm cache (what pre-commit runs), and the same right
  after the note was edited (a line appended);
- whole vault after one edit: a line appended to one note, then the whole vault, cached.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GENERATOR = HERE / "make_vault.py"
OUT = HERE / "out"


def make_vault(n: int) -> Path:
    vault = OUT / f"vault-{n}"
    if not (vault / ".done").exists():
        if not GENERATOR.exists():
            sys.exit(f"the generator {GENERATOR} is missing")
        subprocess.run(
            [sys.executable, str(GENERATOR), str(vault), str(n), "1", "--force"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (vault / ".done").write_text("")
    return vault


CACHE = OUT / "cache"


class Sample(NamedTuple):
    """One process as ``os.wait4`` saw it (that child's own usage, not its parent's)."""

    wall: float  # seconds
    cpu: float  # user + system seconds, its worker processes included
    mb: float  # peak RSS of the process (or of its largest worker)


def run(cmd: list[str], cwd: Path | None = None) -> Sample:
    """Wall and CPU seconds and peak RSS (MB) of one process."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "VAULTLINT_CACHE_DIR": str(CACHE)}
    # as an installed package runs: its bytecode compiled once (pip does), not at every start
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({code}): {err.decode()[-2000:]}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def measure(cmd: list[str], runs: int, cwd: Path | None = None, before=None) -> Sample:
    """Median wall and CPU seconds of ``runs`` runs, and the largest peak."""
    samples = []
    for _ in range(runs):
        if before:
            before()
        samples.append(run(cmd, cwd))
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        max(s.mb for s in samples),
    )


def read_floor(vault: Path, runs: int) -> Sample:
    code = (
        "import os,sys\n"
        "n=0\n"
        "for d,_,fs in os.walk(sys.argv[1]):\n"
        "    for f in fs:\n"
        "        if f.endswith('.md'):\n"
        "            n+=len(open(os.path.join(d,f),'rb').read())\n"
    )
    return measure([sys.executable, "-c", code, str(vault)], runs)


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def vault_mb(vault: Path) -> float:
    return sum(f.stat().st_size for f in vault.rglob("*.md")) / 2**20


def clear_cache() -> None:
    shutil.rmtree(CACHE, ignore_errors=True)


class Row(NamedTuple):
    notes: int
    what: str
    sample: Sample | None
    floor: float | None
    goal: str


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, n, what, sample: Sample | None = None, floor=None, goal="") -> None:
        self.rows.append(Row(n, what, sample, floor, goal))

    def print(self) -> None:
        print(
            f"{'notes':>6}  {'what':<46} {'median s':>9} {'x floor':>8} {'CPU s':>7} "
            f"{'peak MB':>8}  goal"
        )
        for n, what, sample, floor, goal in self.rows:
            if sample is None:
                print(f"{n:>6}  {what:<46} {'-':>9} {'-':>8} {'-':>7} {'-':>8}  {goal}")
                continue
            ratio = f"{sample.wall / floor:8.2f}" if floor else f"{'-':>8}"
            mb = f"{sample.mb:8.0f}" if sample.mb else f"{'-':>8}"
            print(f"{n:>6}  {what:<46} {sample.wall:9.3f} {ratio} {sample.cpu:7.2f} {mb}  {goal}")


def verdict(value: float, limit: float) -> str:
    return "met" if value <= limit else "NOT met"


def bench_size(n: int, args: argparse.Namespace, table: Table) -> float:
    vl = [sys.executable, "-m", "vaultlint", "scan"]
    vault = make_vault(n)
    runs = args.runs
    floor_sample = read_floor(vault, runs)
    floor = floor_sample.wall
    table.add(n, "read floor (Python reads every note)", floor_sample._replace(mb=0), floor)
    jobs = ["--jobs", str(args.jobs)]
    cold = measure([*vl, str(vault), "--no-cache", *jobs], runs)
    goal = f"<= 5x floor: {verdict(cold.wall / floor, 5)}"
    table.add(n, f"cold (--no-cache, {args.jobs} jobs)", cold, floor, goal)
    one_job = measure([*vl, str(vault), "--no-cache", "--jobs", "1"], runs)
    table.add(n, "cold (--no-cache, --jobs 1)", one_job, floor)
    first = measure([*vl, str(vault), *jobs], runs, before=clear_cache)
    table.add(n, "first run (writes the cache)", first, floor)
    warm = measure([*vl, str(vault), *jobs], runs)
    goal = f"<= 0.7x floor: {verdict(warm.wall / floor, 0.7)}"
    table.add(n, "warm (nothing changed)", warm, floor, goal)
    notes = sorted(vault.rglob("*.md"))
    note = notes[len(notes) // 2]
    rel = str(note.relative_to(vault))
    one = measure([*vl, "--vault", ".", rel], runs, cwd=vault)
    table.add(n, "one note, warm cache", one, floor)

    def touch_note(note: Path = note) -> None:
        # what pre-commit sees: the staged note was just edited
        with open(note, "a", encoding="utf-8") as fh:
            fh.write("\n")

    edited = measure([*vl, "--vault", ".", rel], runs, cwd=vault, before=touch_note)
    goal = f"<= 0.8x floor: {verdict(edited.wall / floor, 0.8)}"
    if n >= 100000:
        goal = f"<= 0.3 s: {verdict(edited.wall, 0.3)}"
    table.add(n, "one edited note (pre-commit)", edited, floor, goal)
    after = measure([*vl, str(vault), *jobs], runs, before=touch_note)
    goal = f"<= 1x floor: {verdict(after.wall / floor, 1)}"
    table.add(n, "whole vault after one edit", after, floor, goal)
    cache_mb, notes_mb = folder_mb(CACHE), vault_mb(vault)
    table.add(
        n,
        f"cache on disk {cache_mb:.1f} MB for {notes_mb:.1f} MB of notes",
        goal=f"<= 0.5x vault: {verdict(cache_mb / notes_mb, 0.5)} ({cache_mb / notes_mb:.2f}x)",
    )
    peak = max(s.mb for s in (cold, one_job, first, warm, edited, after))
    # the memory goal is at 50k notes; other sizes show their peak for comparison
    goal = f"<= 250 MB: {verdict(peak, 250)}" if n == 50000 else ""
    table.add(n, f"peak memory, every mode: {peak:.0f} MB", goal=goal)
    if args.peers:
        for name, cmd, limit in (
            ("markdownlint-cli2", ["markdownlint-cli2", "**/*.md"], args.peer_max),
            ("pymarkdown", ["pymarkdown", "scan", "-r", "."], args.peer_max // 10),
        ):
            if n > limit:
                continue
            if shutil.which(cmd[0]):
                peer = measure(cmd, 1, cwd=vault)
                table.add(
                    n, f"{name} (1 run): {peer.wall / cold.wall:.0f}x vaultlint cold", peer, floor
                )
            else:
                table.add(n, f"{name}: not installed")
    return cold.wall


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--peers", action="store_true", help="also time markdownlint-cli2 and pymarkdown"
    )
    parser.add_argument(
        "--peer-max",
        type=int,
        default=10000,
        help="time peers on vaults up to this many notes (pymarkdown: up to a tenth of it, "
        "it takes minutes a thousand notes)",
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    table = Table()
    cold_by_size = {}
    load = os.getloadavg()[0]
    for n in args.sizes:
        clear_cache()
        cold_by_size[n] = bench_size(n, args, table)
    table.print()
    for big, goal in ((50000, 5.5), (100000, 10)):
        if 10000 in cold_by_size and big in cold_by_size:
            ratio = cold_by_size[big] / cold_by_size[10000]
            print(
                f"{big // 1000}k / 10k cold: {ratio:.2f} (goal <= {goal}: {verdict(ratio, goal)})"
            )
    print(
        f"{os.cpu_count()} cores; load average {load:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    clear_cache()


if __name__ == "__main__":
    main()
