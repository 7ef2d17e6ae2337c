"""The audit summary of ``vaultlint scan --statistics``: what to fix first in a messy vault."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from vaultlint.diagnostic import Diagnostic
from vaultlint.escape import printable
from vaultlint.lint.result import ScanResult
from vaultlint.words import plural

TOP = 10


_QUOTED = re.compile(r"'((?:[^']|'(?! does not| is | resolves))*)'")
_WHERE = re.compile(r" in (?:'[^']*'|this note)$")


def message_group(message: str) -> str:
    """What a finding says without where it is or what it suggests: ``heading 'Sponsor this
    author' does not exist`` for every note that lacks that heading."""
    head = message.split("; ", 1)[0]
    head = head.split(" ('", 1)[0]
    return _WHERE.sub("", head)


def by_message(diags: Sequence[Diagnostic]) -> list[tuple[str, int]]:
    """The commonest findings, grouped by :func:`message_group` (with the rule id)."""
    counts: Counter[str] = Counter(f"{d.rule}: {message_group(d.message)}" for d in diags)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]


def by_target(diags: Sequence[Diagnostic]) -> list[tuple[str, int, int]]:
    """Broken links grouped by the target they name (as first written): (target, notes, links)."""
    notes: dict[str, set[str]] = {}
    links: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for d in diags:
        m = _QUOTED.search(d.message)
        if m is None or not d.message.startswith(("link target", "embed target", "file node")):
            continue
        key = m.group(1).lower()
        spelling.setdefault(key, m.group(1))
        links[key] += 1
        notes.setdefault(key, set()).add(d.path)
    ranked = sorted(links, key=lambda k: (-len(notes[k]), -links[k], k))
    return [(spelling[k], len(notes[k]), links[k]) for k in ranked[:TOP]]


def folders_any_depth(diags: Sequence[Diagnostic], top: int = 15) -> list[tuple[str, int]]:
    """Findings per folder, each finding counted in every folder above it."""
    counts: Counter[str] = Counter()
    for d in diags:
        parts = d.path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            counts["/".join(parts[:i])] += 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]


def audit_tables(result: ScanResult) -> list[tuple[str, list[str], list[tuple]]]:
    """The summary as (title, column names, rows) tables."""
    diags = result.diagnostics
    by_rule: Counter[str] = Counter(d.rule for d in diags)
    severity = {d.rule: d.severity for d in diags}
    by_folder: Counter[str] = Counter(
        d.path.split("/", 1)[0] if "/" in d.path else "(root)" for d in diags
    )
    by_note: Counter[str] = Counter(d.path for d in diags)
    link_diags = [d for d in diags if d.check == "links"]
    tables: list[tuple[str, list[str], list[tuple]]] = [
        (
            "Findings by rule",
            ["rule", "severity", "findings"],
            [(r, severity[r], n) for r, n in by_rule.most_common()],
        ),
        ("Findings by top-level folder", ["folder", "findings"], by_folder.most_common()),
        ("Findings by folder, any depth", ["folder", "findings"], folders_any_depth(diags)),
        ("Notes with the most findings", ["note", "findings"], by_note.most_common(TOP)),
        ("Findings by message", ["what", "findings"], by_message(diags)),
        (
            "Broken links by target",
            ["target", "linked from notes", "links"],
            by_target(link_diags),
        ),
    ]
    skipped = [("excluded: " + n.reason, n.path) for n in result.excluded]
    skipped += [("skipped: " + n.reason, n.path) for n in result.skipped]
    if skipped:
        reasons = Counter(reason for reason, _ in skipped)
        tables.append(("Not linted", ["reason", "notes"], reasons.most_common()))
    return [t for t in tables if t[2]]


def render_audit(result: ScanResult, *, color: bool = False) -> str:
    tables = audit_tables(result)
    notes = plural(len(result.notes), "note")
    if result.from_results_cache:
        head = f"Audit of {notes} (nothing changed since the last run)"
    else:
        counts = f"{result.parsed} parsed, {result.cached} from cache"
        head = f"Audit of {notes} ({counts})"
    if color:
        return _render_rich(head, tables)
    out = ["", head]
    for title, columns, rows in tables:
        out.append("")
        out.append(title)
        cells = [columns, *[[printable(str(c)) for c in row] for row in rows]]
        widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
        for n, row in enumerate(cells):
            out.append(
                "  "
                + "  ".join(
                    c.ljust(w) if i == 0 else c.rjust(w)
                    for i, (c, w) in enumerate(zip(row, widths, strict=True))
                ).rstrip()
            )
            if n == 0:
                out.append("  " + "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n"


def _render_rich(head: str, tables: list[tuple[str, list[str], list[tuple]]]) -> str:
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, force_terminal=True, width=100)
    with console.capture() as capture:
        console.print()
        console.print(f"[bold]{head}[/bold]")
        for title, columns, rows in tables:
            table = Table(title=title, title_justify="left", title_style="bold")
            for i, col in enumerate(columns):
                table.add_column(col, justify="left" if i == 0 else "right")
            for row in rows:
                table.add_row(*[printable(str(c), markup=True) for c in row])
            console.print(table)
    return capture.get()
