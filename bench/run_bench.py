#!/usr/bin/env python3
"""Benchmark vaultlint against the read floor and the tools users would pick instead.

    python bench/run_bench.py                 # 1k and 10k vaults, 5 runs each
    python bench/run_bench.py --sizes 1000 10000 50000 --runs 3
    python bench/run_bench.py --peers         # also markdownlint-cli2 / pymarkdown when installed

Vaults come from the deterministic generator beside this script (``bench/make_vault.py N 1``) and
are kept in ``bench/out/`` (git-ignored) between runs. Every figure is the median wall time of
several runs of a whole process, as a user would see it, with its peak memory (max RSS). The
targets it checks (printed, never asserted) come from the project's speed issue.
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


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process (os.wait4 gives that child's own usage)."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
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
    return wall, usage.ru_maxrss / 1024


def measure(cmd: list[str], runs: int, cwd: Path | None = None, before=None) -> tuple[float, float]:
    walls, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        wall, peak = run(cmd, cwd)
        walls.append(wall)
        peaks.append(peak)
    return statistics.median(walls), max(peaks)


def read_floor(vault: Path, runs: int) -> float:
    code = (
        "import os,sys\n"
        "n=0\n"
        "for d,_,fs in os.walk(sys.argv[1]):\n"
        "    for f in fs:\n"
        "        if f.endswith('.md'):\n"
        "            n+=len(open(os.path.join(d,f),'rb').read())\n"
    )
    return measure([sys.executable, "-c", code, str(vault)], runs)[0]


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
    vl = [sys.executable, "-m", "vaultlint", "scan"]
    rows = []
    cold_by_size = {}
    for n in args.sizes:
        vault = make_vault(n)
        cache = vault / ".vaultlint_cache"
        floor = read_floor(vault, args.runs)
        cold, cold_mb = measure(
            [*vl, str(vault), "--no-cache", "--jobs", str(args.jobs)], args.runs
        )
        cold_by_size[n] = cold
        # warm: the cache is written by a first run, then nothing changes
        shutil.rmtree(cache, ignore_errors=True)
        run([*vl, str(vault)])
        warm, warm_mb = measure([*vl, str(vault)], args.runs)
        note = sorted(vault.rglob("*.md"))[len(list(vault.rglob("*.md"))) // 2]
        rel = note.relative_to(vault)
        one, one_mb = measure([*vl, "--vault", ".", str(rel)], args.runs, cwd=vault)

        def touch_note(note: Path = note) -> None:
            # what pre-commit sees: the staged note was just edited
            with open(note, "a", encoding="utf-8") as fh:
                fh.write("\n")

        edited, edited_mb = measure(
            [*vl, "--vault", ".", str(rel)], args.runs, cwd=vault, before=touch_note
        )
        rows.append((n, "read floor (Python reads every note)", floor, None))
        rows.append((n, f"vaultlint cold (--no-cache, {args.jobs} jobs)", cold, cold_mb))
        rows.append((n, "vaultlint warm (nothing changed)", warm, warm_mb))
        rows.append((n, "vaultlint one note, warm cache", one, one_mb))
        rows.append((n, "vaultlint one edited note (pre-commit)", edited, edited_mb))
        if args.peers:
            for name, cmd, limit in (
                ("markdownlint-cli2", ["markdownlint-cli2", "**/*.md"], args.peer_max),
                ("pymarkdown", ["pymarkdown", "scan", "-r", "."], args.peer_max // 10),
            ):
                if n > limit:
                    continue
                if shutil.which(cmd[0]):
                    wall, mb = measure(cmd, 1, cwd=vault)
                    rows.append(
                        (
                            n,
                            f"{name} (1 run) — vaultlint cold is {wall / cold:.0f}x faster",
                            wall,
                            mb,
                        )
                    )
                else:
                    rows.append((n, f"{name}: not installed", None, None))
    print(f"{'notes':>6}  {'what':<62} {'median s':>9} {'peak MB':>8}")
    for n, what, secs, mb in rows:
        s = f"{secs:9.3f}" if secs is not None else f"{'-':>9}"
        m = f"{mb:8.0f}" if mb is not None else f"{'-':>8}"
        print(f"{n:>6}  {what:<62} {s} {m}")
    if 10000 in cold_by_size and 50000 in cold_by_size:
        print(
            f"50k / 10k cold ratio: {cold_by_size[50000] / cold_by_size[10000]:.2f} (target <= 5.5)"
        )
    print(
        "targets (10k, 2 cores): cold <= 3 s, warm <= 0.5 s, one note <= 0.3 s;"
        " peak <= 400 MB at 50k"
    )


if __name__ == "__main__":
    main()
