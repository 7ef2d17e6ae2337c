#!/usr/bin/env python3
"""How vaultlint copes with adversarial notes: seconds, seconds per MB and peak memory.

    python bench/adversarial.py                   # every note case of the corpus, then all at once
    python bench/adversarial.py --only mixed huge # some cases
    python bench/adversarial.py --no-whole        # skip the whole-corpus run
    python bench/adversarial.py --only 30k-headings-links 1e6-findings-sarif   # hostile vaults

The notes come from ``tests/robustness/corpus.py`` (generated in a temporary folder, never kept).
Each case is one note alone in its vault, linted by ``vaultlint.cli.main([... "--no-cache"])``
in-process inside a fresh child process: ``seconds`` is the time of ``main()`` alone (no
interpreter start-up, but vaultlint's own imports: see the ``(baseline)`` row, an empty vault),
``s/MB`` the seconds above that baseline per MB of notes, and the memory is the child's own peak
RSS (``VmHWM``, read by the child at the end; ``ru_maxrss`` from ``os.wait4`` is not used where
``/proc`` exists, as Linux makes a child inherit its parent's peak across fork and exec). A case
above 1 s/MB (for notes of 0.1 MB or more) is flagged: vaultlint is meant to be linear, and the
ordinary cases run far below that.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"
LIMIT_S_PER_MB = 1.0
MIN_MB_FOR_RATE = 0.1


def child(vault: str, fmt: str = "json") -> int:
    """Run in the child: lint ``vault`` in-process, print the timing as JSON on stdout."""
    sys.path[:0] = [str(SRC), str(REPO)]
    from tests.robustness.corpus import vm_hwm
    from vaultlint.cli import main

    start = time.perf_counter()
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        code = main(["scan", vault, "--format", fmt, "--no-cache"])
    seconds = time.perf_counter() - start
    print(json.dumps({"code": code, "seconds": seconds, "rss": vm_hwm("self")}))
    return 0


def measure(vault: Path, timeout: float, fmt: str = "json") -> dict[str, float | int | None]:
    """Lint ``vault`` in a child process: its exit code, seconds in main() and peak RSS (MB)."""
    env = {**os.environ, "NO_COLOR": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(vault), "--fmt", fmt],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=env,
        )
        start = time.monotonic()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                return {"code": None, "seconds": None, "rss": None}
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        problem = err.read().decode("utf-8", "replace")
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"the child failed on {vault}:\n{problem}")
    result = json.loads(lines[-1])
    if "Traceback" in problem or "internal error" in problem:
        print(f"warning: {vault}: {problem.strip()}", file=sys.stderr)
    rss = result["rss"] if result["rss"] is not None else usage.ru_maxrss / 1024
    return {"code": result["code"], "seconds": result["seconds"], "rss": rss}


# --- hostile vaults (issue 10): each a function that fills a vault folder -------------------


def _headings(n: int):
    def build(vault: Path) -> None:
        text = "".join(f"## H{i}\n" for i in range(n)) + "".join(f"[[#H{i}]]\n" for i in range(n))
        (vault / "Headings.md").write_text(text, encoding="utf-8")

    return build


def _blocks(vault: Path, n: int = 60_000) -> None:
    (vault / "Blocks.md").write_text(
        "".join(f"para {i} ^b{i}\n\n" for i in range(n))
        + "".join(f"[[#^b{i}]]\n" for i in range(n)),
        encoding="utf-8",
    )


def _findings(vault: Path, n: int = 1_000_000) -> None:
    """10⁶ broken links in 1,000 notes: 10⁶ findings."""
    body = "[[gone]] " * 1000 + "\n"
    for i in range(n // 1000):
        (vault / f"n{i}.md").write_text(body, encoding="utf-8")


def _big_note(vault: Path) -> None:
    """A 200 MB note (sparse: no disk space), over the size cap."""
    big = vault / "Big.md"
    big.write_text("[[x]]\n", encoding="utf-8")
    with open(big, "r+b") as fh:
        fh.truncate(200 * 10**6)


def _near_cap(vault: Path) -> None:
    """A 30 MB note of prose and links, just under the 32 MiB cap."""
    line = "Some prose with a [[Link]] and a #tag, then more words to fill the line.\n"
    (vault / "Near.md").write_text(line * (30 * 10**6 // len(line)), encoding="utf-8")
    (vault / "Link.md").write_text("# Link\n", encoding="utf-8")


def _links_out(vault: Path) -> None:
    (vault / "Note.md").write_text("# Note\n", encoding="utf-8")
    for name, target in (("root", "/"), ("proc", "/proc"), ("zero.md", "/dev/zero")):
        with contextlib.suppress(OSError):
            os.symlink(target, vault / name)


#: (name, builder, output format)
HOSTILE = [
    ("30k-headings-links", _headings(30_000), "json"),
    ("100k-headings-links", _headings(100_000), "json"),
    ("60k-block-ids", _blocks, "json"),
    ("1e6-findings-json", _findings, "json"),
    ("1e6-findings-sarif", _findings, "sarif"),
    ("1e6-findings-text", _findings, "text"),
    ("200MB-note (capped)", _big_note, "json"),
    ("30MB-note", _near_cap, "json"),
    ("links-to-/-and-/proc", _links_out, "json"),
]


def size_of(vault: Path) -> int:
    total = 0
    for folder, _, files in os.walk(vault):  # not following links out of the vault
        for name in files:
            path = os.path.join(folder, name)
            if name.endswith(".md") and not os.path.islink(path):
                total += os.stat(path).st_size  # a sparse note counts its full size
    return total


def row(
    name: str, size: int, result: dict[str, float | int | None], baseline: float = 0.0
) -> tuple[str, ...]:
    """A table row; s/MB counts the seconds above the baseline (an empty vault's run)."""
    mb = size / 1e6
    seconds = result["seconds"]
    if seconds is None:
        return (name, f"{mb:.2f}", "timeout", "-", "-", "-", "TIMEOUT")
    rate = max(0.0, seconds - baseline) / mb if mb > 0 else None
    flag = ""
    if rate is not None and mb >= MIN_MB_FOR_RATE and rate > LIMIT_S_PER_MB:
        flag = "> 1 s/MB"
    return (
        name,
        f"{mb:.2f}",
        f"{seconds:.3f}",
        "-" if rate is None else f"{rate:.3f}",
        f"{result['rss']:.0f}",
        str(result["code"]),
        flag,
    )


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("case", "size (MB)", "seconds", "s/MB", "peak RSS (MB)", "exit", "")
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(line(r))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", metavar="VAULT", help=argparse.SUPPRESS)
    parser.add_argument("--fmt", default="json", help=argparse.SUPPRESS)
    parser.add_argument("--no-hostile", action="store_true", help="skip the hostile vaults")
    parser.add_argument("--only", nargs="+", metavar="CASE", help="only these note cases")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole-corpus run")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per run (300)")
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.fmt)

    sys.path.insert(0, str(REPO))
    sys.path.insert(0, str(SRC))
    from tests.robustness.corpus import NOTE_CASES, write_note_vault

    cases = [c for c in NOTE_CASES if not args.only or c.name in args.only]
    hostile = [h for h in HOSTILE if not args.no_hostile and (not args.only or h[0] in args.only)]
    if args.only and len(cases) + len(hostile) != len(set(args.only)):
        known = ", ".join([c.name for c in NOTE_CASES] + [h[0] for h in HOSTILE])
        parser.error(f"unknown case in {args.only}; the cases are: {known}")
    rows: list[tuple[str, ...]] = []
    flagged: list[str] = []
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="vaultlint-adversarial-"))
    try:
        marker = base / "PAYLOAD-RAN"
        empty = base / "empty"
        empty.mkdir()
        # the fastest of three runs: the first one also warms the disk and import caches
        base_run = min((measure(empty, args.timeout) for _ in range(3)), key=lambda r: r["seconds"])
        baseline = float(base_run["seconds"] or 0.0)
        rows.append(row("(baseline: empty vault)", 0, base_run))
        for case in cases:
            vault = base / case.name
            write_note_vault(vault, [case], marker, sibling=False, config=None)
            result = measure(vault, args.timeout)
            rows.append(row(case.name, size_of(vault), result, baseline))
            if rows[-1][-1]:
                flagged.append(case.name)
            shutil.rmtree(vault)
            print(f"  {case.name}: {rows[-1][2]} s", file=sys.stderr, flush=True)
        for name, build, fmt in hostile:
            vault = base / "hostile"
            vault.mkdir()
            build(vault)
            result = measure(vault, args.timeout, fmt)
            rows.append(row(name, size_of(vault), result, baseline))
            if rows[-1][-1]:
                flagged.append(name)
            shutil.rmtree(vault)
            print(f"  {name}: {rows[-1][2]} s", file=sys.stderr, flush=True)
        if not args.no_whole and cases:
            whole = base / "whole"
            write_note_vault(whole, cases, marker, sibling=False, config=None)
            rows.append(
                row(
                    f"(whole corpus, {len(cases)} notes)",
                    size_of(whole),
                    measure(whole, args.timeout),
                )
            )
        if marker.exists():
            print("a YAML payload in a note RAN CODE", file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print_table(rows)
    print(f"\nTotal {time.monotonic() - started:.0f} s. ", end="")
    if flagged:
        print(f"Over {LIMIT_S_PER_MB} s/MB (a linearity bug): {', '.join(flagged)}")
    else:
        print(f"No case over {LIMIT_S_PER_MB} s/MB.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
