"""Issue 10, rows 13, 14 and 17 (a huge note, ``--jobs 300``): bounded work.

Time and memory are bounded by the harness (``RLIMIT_CPU``, ``RLIMIT_AS``, a timeout): a
quadratic lookup or a report built in memory fails by being killed, not by a timed assertion.
"""

from __future__ import annotations

import json
from pathlib import Path

from .harness import run_limited


def _findings(stdout: str) -> list[tuple]:
    return [
        (d["path"], d["line"], d["column"], d["rule"], d["message"])
        for d in json.loads(stdout)["diagnostics"]
    ]


def test_many_headings_and_heading_links_in_one_note(tmp_path: Path) -> None:
    """Row 13: 100k headings and 100k ``[[#H]]`` links in one note (quadratic: > 120 s)."""
    vault = tmp_path / "vault"
    vault.mkdir()
    n = 100_000
    text = "".join(f"## H{i}\n" for i in range(n)) + "".join(f"[[#H{i}]]\n" for i in range(n))
    (vault / "Headings.md").write_text(text + "[[#Nope]]\n[[#H5#H6]]\n", encoding="utf-8")
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=240, cpu_s=60)
    assert (run.code, run.stderr) == (1, "")
    assert _findings(run.stdout) == [
        ("Headings.md", 2 * n + 1, 1, "broken-link", "heading 'Nope' does not exist in this note"),
        ("Headings.md", 2 * n + 2, 1, "broken-link", "heading 'H5#H6' does not exist in this note"),
    ]


def test_many_block_ids_and_block_links(tmp_path: Path) -> None:
    """Row 13: 60k block ids, each linked from another note and from the note itself."""
    vault = tmp_path / "vault"
    vault.mkdir()
    n = 60_000
    (vault / "Blocks.md").write_text(
        "".join(f"para {i} ^b{i}\n\n" for i in range(n))
        + "".join(f"[[#^b{i}]]\n" for i in range(n)),
        encoding="utf-8",
    )
    (vault / "Links.md").write_text(
        "".join(f"[[Blocks#^b{i}]]\n" for i in range(n)) + "[[Blocks#^zz]]\n", encoding="utf-8"
    )
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=240, cpu_s=60)
    assert (run.code, run.stderr) == (1, "")
    assert _findings(run.stdout) == [
        ("Links.md", n + 1, 1, "broken-link", "block '^zz' does not exist in 'Blocks'"),
    ]


def test_nested_heading_chains_still_resolve(tmp_path: Path) -> None:
    """The lookup keeps Obsidian's chain rule (SPEC R-S3): ``#A#B`` needs B below A."""
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "T.md").write_text(
        "# A\n## B\n### C\n# D\n## B\n"
        "[[#A#B]] [[#A#C]] [[#A#B#C]] [[#D#B]] [[#D#C]] [[#B#C]] [[#C#A]]\n",
        encoding="utf-8",
    )
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=60)
    assert _findings(run.stdout) == [
        ("T.md", 6, 39, "broken-link", "heading 'D#C' does not exist in this note"),
        ("T.md", 6, 57, "broken-link", "heading 'C#A' does not exist in this note"),
    ]


def test_jobs_is_capped_at_the_work_there_is(tmp_path: Path, monkeypatch) -> None:
    """Row 17: ``--jobs 300`` starts at most one worker per shard (8), not 300 processes."""
    import multiprocessing.context

    from vaultlint.cli import main
    from vaultlint.lint import batch as engine

    vault = tmp_path / "vault"
    vault.mkdir()
    for i in range(50):
        (vault / f"n{i}.md").write_text(f"[[n{(i + 1) % 50}]] [[gone {i}]]\n", encoding="utf-8")
    started: list[int] = []
    real_start = multiprocessing.context.ForkProcess.start

    def counting_start(self) -> None:
        started.append(1)
        real_start(self)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", counting_start)
    monkeypatch.setattr(engine, "PARALLEL_THRESHOLD", 1)
    code = main(["scan", str(vault), "--no-cache", "--jobs", "300", "--format", "json"])
    assert (code, len(started)) == (1, engine.SHARDS)


def test_a_note_over_the_size_cap_is_reported_not_read(tmp_path: Path) -> None:
    """Row 17: a 200 MB note (2.5 GB before) is named by a finding without being read; the
    run stays within 1 GB of address space."""
    vault = tmp_path / "vault"
    vault.mkdir()
    big = vault / "Big.md"
    big.write_text("[[Nowhere]]\n", encoding="utf-8")
    with open(big, "r+b") as fh:
        fh.truncate(200 * 10**6)  # sparse: takes no disk space
    (vault / "Small.md").write_text("[[Big]]\n", encoding="utf-8")
    run = run_limited(["scan", str(vault), "--format", "json"], timeout=120, memory_mb=1024)
    assert (run.code, run.stderr) == (1, "")
    assert _findings(run.stdout) == [
        (
            "Big.md",
            1,
            1,
            "note-too-large",
            "the note is 191 MiB, over the 32 MiB vaultlint reads a note: it was not checked",
        ),
    ]


def test_reporters_stream(tmp_path: Path) -> None:
    """Row 14: 200k findings written in every format within 32 MB more than the findings
    themselves take (before: JSON and SARIF built the whole report, 1.75 and 7.6 GB for 10⁶)."""
    import os
    import subprocess
    import sys

    child = Path(__file__).with_name("report_child.py")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    proc = subprocess.run(
        [sys.executable, str(child), "200000", "32"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ok\n", "")
