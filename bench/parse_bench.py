#!/usr/bin/env python3
"""Time the parser alone, stage by stage, over every note of a vault.

    python bench/make_vault.py /tmp/v10k 10000 1
    python bench/parse_bench.py /tmp/v10k              # best of 3 runs of each stage
    python bench/parse_bench.py /tmp/v10k --runs 5
    python bench/parse_bench.py /tmp/v10k --profile    # cProfile of parse_note, top 25

Every note is read into memory first (reading is not parsing), then each stage runs over all of
them in turn: decoding, the line table, the frontmatter, the block scan (with mistune for the
notes the scanner marks hard), the inline scan, and the whole :func:`vaultlint.parse.parse_note`.
The stages are called the way ``parse_text`` calls them, so their sum is close to the total
(the rest is building the ``Note`` and its suppressions). Figures are CPU seconds
(``time.process_time``, with the cyclic collector off as the batch runner has it), the best of
``--runs``: compare runs made back to back, and say the load average (printed) with any figure.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from vaultlint.model import line_starts_of
from vaultlint.parse import _rescan_with_mistune, decode, parse_note
from vaultlint.parse.frontmatter import parse_frontmatter
from vaultlint.parse.markdown import scan_blocks
from vaultlint.parse.obsidian import scan_inline


def read_notes(root: Path) -> list[tuple[str, bytes]]:
    notes = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".md"):
                full = Path(dirpath, name)
                notes.append((full.relative_to(root).as_posix(), full.read_bytes()))
    return notes


def best(runs: int, fn) -> float:
    """Best CPU time of ``runs`` calls, with the collector off as the batch runner has it."""
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.process_time()
            fn()
            times.append(time.process_time() - start)
    finally:
        gc.enable()
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("vault", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true", help="cProfile parse_note instead")
    args = ap.parse_args()
    notes = read_notes(args.vault)
    if not notes:
        sys.exit(f"no .md notes under {args.vault}")
    if args.profile:
        gc.disable()
        prof = cProfile.Profile()
        prof.enable()
        for path, data in notes:
            parse_note(path, data)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return

    texts = [decode(data)[0] for _, data in notes]
    starts = [line_starts_of(t) for t in texts]
    fms = [parse_frontmatter(t) for t in texts]
    scans = []
    for t, ls, fm in zip(texts, starts, fms, strict=True):
        scan = scan_blocks(t, fm.body_start, ls)
        if scan.hard:
            scan = _rescan_with_mistune(t, fm.body_start, ls, scan)
        scans.append(scan)
    hard = sum(
        scan_blocks(t, fm.body_start, ls).hard for t, ls, fm in zip(texts, starts, fms, strict=True)
    )

    def blocks() -> None:
        for t, ls, fm in zip(texts, starts, fms, strict=True):
            scan = scan_blocks(t, fm.body_start, ls)
            if scan.hard:
                _rescan_with_mistune(t, fm.body_start, ls, scan)

    stages = {
        "decode": lambda: [decode(data) for _, data in notes],
        "line starts": lambda: [line_starts_of(t) for t in texts],
        "frontmatter": lambda: [parse_frontmatter(t) for t in texts],
        "block scan": blocks,
        "inline scan": lambda: [
            scan_inline(t, s.ranges) for t, s in zip(texts, scans, strict=True)
        ],
        "parse_note (all)": lambda: [parse_note(p, d) for p, d in notes],
    }
    size = sum(len(d) for _, d in notes)
    print(
        f"{len(notes)} notes, {size / 1e6:.1f} MB, {hard} marked hard (mistune); "
        f"load average {os.getloadavg()[0]:.2f}; best of {args.runs}, CPU seconds"
    )
    figures = {name: best(args.runs, fn) for name, fn in stages.items()}
    parts = sum(v for k, v in figures.items() if k != "parse_note (all)")
    for name, secs in figures.items():
        print(f"  {name:<18} {secs:7.3f} s")
    print(f"  {'(rest: Note etc.)':<18} {figures['parse_note (all)'] - parts:7.3f} s")


if __name__ == "__main__":
    main()
