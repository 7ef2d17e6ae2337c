#!/usr/bin/env python3
"""Time the property checks alone over every note of a vault (issue 12's speed bullet).

    python bench/make_vault.py /tmp/v10k 10000 1
    python bench/properties_bench.py /tmp/v10k            # best of 3 runs of each check
    python bench/properties_bench.py /tmp/v10k --profile  # cProfile of both checks, top 25

Every note is parsed first (parsing is not checking). Then each check runs over all of them,
under the vault's own `.obsidian/types.json` (``property-types``) and a ``properties`` rule on
every note (:data:`RULE`, the keys of ``bench/make_vault.py``'s notes). Figures are CPU
seconds (``time.process_time``, the cyclic collector off as the batch runner has it), the best
of ``--runs``, beside the time to parse the notes for scale: compare runs made back to back,
and say the load average (printed) with any figure.
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

from vaultlint.checks.base import CheckContext
from vaultlint.checks.properties import PropertiesCheck, PropertiesOptions, PropertySpec
from vaultlint.checks.property_types import PropertyTypesCheck
from vaultlint.parse import parse_note
from vaultlint.vault.index import VaultIndex

#: the `properties` rule of docs/properties.md's speed figures
RULE = PropertiesOptions(
    required=("title", "created", "tags"),
    properties={
        "title": PropertySpec(type="text", min=1, max=200),
        "created": PropertySpec(type="date"),
        "updated": PropertySpec(type="date"),
        "tags": PropertySpec(type="tags", min=1),
        "aliases": PropertySpec(type="aliases"),
        "status": PropertySpec(type="text", enum=("active", "done", "draft", "someday", "waiting")),
        "rating": PropertySpec(type="number", min=1, max=5),
    },
)


def parse_all(root: Path) -> tuple[list, float]:
    notes = []
    start = time.process_time()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".md"):
                path = Path(dirpath, name)
                notes.append(parse_note(path.relative_to(root).as_posix(), path.read_bytes()))
    return notes, time.process_time() - start


def run(check, ctx: CheckContext, notes: list) -> tuple[float, int]:
    start = time.process_time()
    found = 0
    for note in notes:
        found += sum(1 for _ in check.check(note, ctx))
    return time.process_time() - start, found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vault", type=Path)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    gc.disable()
    notes, parse_s = parse_all(args.vault)
    index = VaultIndex({note.path: note for note in notes})
    types = PropertyTypesCheck()
    props = PropertiesCheck()
    contexts = [
        (types, CheckContext(index, "property-type", "property-types", "warning", None,
                             state=types.prepare(None, args.vault))),
        (props, CheckContext(index, "note-properties", "properties", "warning", RULE,
                             state=props.prepare(RULE, args.vault))),
    ]  # fmt: skip
    print(f"{len(notes)} notes, load average {os.getloadavg()[0]:.2f}; parsing {parse_s:.3f} s")
    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        for check, ctx in contexts:
            run(check, ctx, notes)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumtime").print_stats(25)
        return 0
    for check, ctx in contexts:
        best, found = min(run(check, ctx, notes) for _ in range(args.runs))
        print(f"  {check.name:16} {best:.3f} s  ({found} findings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
