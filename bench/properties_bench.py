#!/usr/bin/env python3
"""Time the property checks (issue 12's speed bullet): alone, and as a whole scan A/B.

    python bench/make_vault.py /tmp/v10k 10000 1
    python bench/properties_bench.py /tmp/v10k            # best of 3 runs of each check
    python bench/properties_bench.py /tmp/v10k --profile  # cProfile of both checks, top 25
    python bench/properties_bench.py /tmp/v10k --ab 5     # whole scans, 5 rounds (see below)

Alone: every note is parsed first (parsing is not checking). Then each check runs over all of
them, under the vault's own `.obsidian/types.json` (``property-types``) and a ``properties``
rule on every note (:data:`RULE`, the keys of ``bench/make_vault.py``'s notes). Figures are CPU
seconds (``time.process_time``, the cyclic collector off as the batch runner has it), the best
of ``--runs``, beside the time to parse the notes for scale.

``--ab N``: the vault is copied to ``VAULT-props``, which gets :data:`TYPES_JSON` and a
``.vaultlint.yaml`` with the recommended pack and :data:`RULE`; then N rounds, each running
``vaultlint scan --no-cache --format json`` on both, with ``--jobs 1`` and with the default
jobs, back to back. Printed: CPU (user + sys of the scan) and wall seconds of each run, the
medians with their ratio, and the median of each round's ratio (a round's two runs are made
back to back, under nearly the same load). Compare CPU when the machine is shared, and say
the load average (printed before each run) with any figure.

``--instructions``: the same four scans once each under ``valgrind --tool=cachegrind`` (about
fifty times slower), counting instructions, which the load does not change: the same count to
0.1 % run after run. Forked workers are followed; a worker's count includes what the main
process ran before the fork, so that part is counted by a run stopped at the fork (the
runner's ``_run_parallel`` replaced by an exit) and subtracted from each worker. Printed per
vault and jobs: the total, and for 2 jobs its parts (main before the fork, main after it,
each worker); then the overhead of the properties vault.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import glob
import json
import os
import pstats
import shutil
import statistics
import subprocess
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


TYPES_JSON = {
    "types": {
        "title": "text",
        "created": "date",
        "updated": "date",
        "status": "text",
        "rating": "number",
    }
}
CONFIG = """extends: [recommended]
rules:
  note-properties:
    check: properties
    required: [title, created, tags]
    properties:
      title: {type: text, min: 1, max: 200}
      created: {type: date}
      updated: {type: date}
      tags: {type: tags, min: 1}
      aliases: {type: aliases}
      status: {type: text, enum: [active, done, draft, someday, waiting]}
      rating: {type: number, min: 1, max: 5}
"""


def _props_vault(vault: Path) -> Path:
    """``VAULT-props``: a copy of the vault with :data:`TYPES_JSON` and :data:`CONFIG` (made
    once)."""
    props = vault.with_name(vault.name + "-props")
    if not props.exists():
        shutil.copytree(vault, props)
        (props / ".obsidian").mkdir(exist_ok=True)
        (props / ".obsidian" / "types.json").write_text(json.dumps(TYPES_JSON), "utf-8")
        (props / ".vaultlint.yaml").write_text(CONFIG, encoding="utf-8")
    for stale in (vault / ".vaultlint.yaml", vault / ".obsidian" / "types.json"):
        if stale.exists():
            raise SystemExit(f"{stale} exists: the plain vault must have neither")
    return props


def ab(vault: Path, rounds: int) -> int:
    """Whole scans of the vault without and with types.json and the properties rule."""
    props = _props_vault(vault)
    env = {**os.environ, "VAULTLINT_CACHE_DIR": str(vault.with_name(vault.name + "-cache"))}
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for n in range(rounds):
        for jobs in (["--jobs", "1"], []):
            for name, root in (("plain", vault), ("props", props)):
                cmd = [sys.executable, "-m", "vaultlint", "scan", str(root), "--no-cache"]
                load = os.getloadavg()[0]
                start = time.perf_counter()
                child = subprocess.Popen(
                    [*cmd, *jobs, "--format", "json"], stdout=subprocess.DEVNULL, env=env
                )
                _, status, usage = os.wait4(child.pid, 0)
                wall = time.perf_counter() - start
                cpu = usage.ru_utime + usage.ru_stime
                label = "jobs 1" if jobs else "default jobs"
                print(f"round {n + 1} {label:12} {name:5} cpu {cpu:6.2f} s  wall {wall:6.2f} s"
                      f"  load {load:.2f}  exit {os.waitstatus_to_exitcode(status)}")  # fmt: skip
                figures.setdefault((label, name), []).append((cpu, wall))
    for label in ("jobs 1", "default jobs"):
        plain, props_ = figures[(label, "plain")], figures[(label, "props")]
        for i, what in ((0, "cpu"), (1, "wall")):
            a = statistics.median(f[i] for f in plain)
            b = statistics.median(f[i] for f in props_)
            paired = statistics.median(q[i] / p[i] for p, q in zip(plain, props_, strict=True))
            print(f"median {label:12} {what:4} plain {a:6.2f} s  props {b:6.2f} s  "
                  f"{(b / a - 1) * 100:+.1f} %  (median of the rounds' ratios "
                  f"{(paired - 1) * 100:+.1f} %)")  # fmt: skip
    return 0


#: a scan stopped where the batch runner would fork its workers (what they inherit)
_UNTIL_FORK = (
    "import os, sys\n"
    "from vaultlint.lint import batch\n"
    "batch._run_parallel = lambda *a, **k: os._exit(0)\n"
    "from vaultlint.cli import main\n"
    "sys.exit(main())\n"
)


def _cachegrind(args: list[str], env: dict[str, str], out: Path) -> list[int]:
    """Instructions of each process of one run (the first started first), under cachegrind."""
    for old in glob.glob(f"{out}.*"):
        os.remove(old)
    cmd = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--branch-sim=no"]
    cmd += [f"--cachegrind-out-file={out}.%p", sys.executable, *args]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    counts = []
    for name in sorted(glob.glob(f"{out}.*"), key=lambda f: int(f.rsplit(".", 1)[1])):
        with open(name, encoding="utf-8") as fh:
            counts += [int(line.split()[1]) for line in fh if line.startswith("summary:")]
        os.remove(name)
    return counts


def instructions(vault: Path) -> int:
    """Whole scans of the vault without and with the property rules, in instructions."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (apt-get install valgrind)")
    props = _props_vault(vault)
    env = {**os.environ, "VAULTLINT_CACHE_DIR": str(vault.with_name(vault.name + "-cache"))}
    out = Path(env["VAULTLINT_CACHE_DIR"]) / "cachegrind.out"
    out.parent.mkdir(parents=True, exist_ok=True)
    totals: dict[tuple[str, str], float] = {}
    for name, root in (("plain", vault), ("props", props)):
        scan = ["scan", str(root), "--no-cache", "--format", "json"]
        (pre,) = _cachegrind(["-c", _UNTIL_FORK, *scan, "--jobs", "2"], env, out)
        for jobs in ("1", "2"):
            counts = _cachegrind(["-m", "vaultlint", *scan, "--jobs", jobs], env, out)
            main, workers = counts[0], [c - pre for c in counts[1:]]
            total = (main + sum(workers)) / 1e9
            totals[(jobs, name)] = total
            parts = ""
            if workers:
                each = " + ".join(f"{w / 1e9:.3f}" for w in workers)
                parts = (f"  (main {pre / 1e9:.3f} before the fork, {(main - pre) / 1e9:.3f}"
                         f" after; workers {each})")  # fmt: skip
            print(f"{name:5} --jobs {jobs}  {total:8.3f} x 10^9 instructions{parts}", flush=True)
    for jobs in ("1", "2"):
        a, b = totals[(jobs, "plain")], totals[(jobs, "props")]
        print(f"--jobs {jobs}: plain {a:.3f}, props {b:.3f} x 10^9: {(b / a - 1) * 100:+.1f} %")
    return 0


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
    ap.add_argument("--ab", type=int, metavar="ROUNDS", help="whole scans A/B, ROUNDS rounds")
    ap.add_argument(
        "--instructions", action="store_true", help="whole scans A/B in instructions (valgrind)"
    )
    args = ap.parse_args()
    if args.instructions:
        return instructions(args.vault.resolve())
    if args.ab:
        return ab(args.vault.resolve(), args.ab)
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
