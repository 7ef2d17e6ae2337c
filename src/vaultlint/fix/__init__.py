"""Fixes: ``--fix``, ``--fix --unsafe-fixes`` and ``--diff``.

A :class:`~vaultlint.diagnostic.Fix` is data: a message, edits (character offsets into the
note's text, the BOM excluded) and an applicability. ``safe`` fixes are applied by ``--fix``;
``unsafe`` ones (they may not be what the author meant) only with ``--unsafe-fixes`` too.

How a run fixes a vault:

1. **Plan** (:func:`plan_fixes`, writes nothing). For each note that the scan found a fix for,
   the note's bytes are read again and the note is parsed and checked again (with the scan's
   rules and the vault's index). The fixes that apply are applied, all at once on the text the
   check just read; a fix whose edits overlap an edit already taken waits for the next pass.
   The note is then parsed and checked again, and so on, until no fix applies (at most
   :data:`MAX_PASSES` passes, as ruff does; a note whose fixes cycle or never settle is left
   as it was and reported). So the edits always refer to the exact bytes they were computed
   on, and the findings reported afterwards are those of the fixed text.
2. ``--diff`` prints the plan as a unified diff (``a/PATH`` / ``b/PATH``, paths relative to
   the current directory, lines split on ``\\n`` only so that CRLF and lone CR survive;
   apply it with ``git apply`` or ``patch -p1`` from the current directory) and writes nothing.
3. ``--fix`` writes the plan (:func:`write_plan`), one note at a time, **in place**: the note
   is opened again without following any symbolic link, on any folder of its path either
   (a link is skipped and reported), it must be a regular file, and its bytes must still be
   those the plan was made from (an editor that saved it meanwhile wins: the note is skipped
   and reported). The new bytes are written over the old ones in the same file (same inode,
   owner, mode and hard links) from the first byte that differs, and the file is cut to the
   new length. Space is reserved first (``posix_fallocate``) so that a full disk fails before
   anything is changed, and a failed write puts the old bytes back. SIGINT, SIGTERM and SIGHUP
   are held while one note is written, so an interrupted run leaves every note either as it was
   or fully fixed, and no temporary file exists at any time (a temporary file + rename would
   give the note a new inode, drop its hard links and, run as another user, its owner).

A note that cannot be fixed becomes a finding of rule ``fix-failed`` (check ``fix``): a write
that failed is an ``error``; a note skipped (a symbolic link, changed since it was scanned, not
a regular file, not UTF-8, fixes that do not converge) is a ``warning``.

Modules: this one (the plan and the fix loop), ``inplace`` (reading and writing a note in
place inside the vault), ``diff`` (the unified diff of ``--diff``).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from vaultlint.checks import FIX_FAILED
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.escape import printable
from vaultlint.fix.diff import unified_diff
from vaultlint.fix.inplace import NotFixable, read_note, write_note
from vaultlint.words import plural

if TYPE_CHECKING:
    from vaultlint.config import Config

#: at most this many rounds of fix → parse → check per note (ruff uses 100; vaultlint's fixes
#: settle in one or two)
MAX_PASSES = 10
BOM = b"\xef\xbb\xbf"

Checker = Callable[[str, bytes], list[Diagnostic]]

__all__ = [
    "FIX_FAILED",
    "NotFixable",
    "apply_edits",
    "choose_fixes",
    "default_checker",
    "fix_text",
    "is_applicable",
    "plan_fixes",
    "read_note",
    "run_fixes",
    "unified_diff",
    "write_note",
    "write_plan",
]


def is_applicable(fix: Fix | None, unsafe: bool) -> bool:
    """Whether ``fix`` is applied in this mode (``unsafe``: ``--unsafe-fixes`` was given)."""
    return fix is not None and (fix.applicability == "safe" or unsafe)


def _valid(fix: Fix, length: int) -> bool:
    """A fix whose edits lie inside the text, in order, without overlapping each other."""
    pos = 0
    for edit in sorted(fix.edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos or edit.end < edit.start or edit.end > length:
            return False
        pos = edit.end
    return bool(fix.edits)


def _changes(text: str, fix: Fix) -> bool:
    return any(text[e.start : e.end] != e.replacement for e in fix.edits)


def _overlaps(a: Edit, b: Edit) -> bool:
    """Two edits conflict when their ranges overlap, or both insert at one offset."""
    if a.start == a.end == b.start == b.end:
        return True
    return a.start < b.end and b.start < a.end


def choose_fixes(text: str, fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes to apply together in one pass: each valid and changing something, none of
    whose edits overlaps an edit of a fix taken before it (in text order). The others wait."""
    taken: list[Fix] = []
    edits: list[Edit] = []
    ordered = sorted(
        (f for f in fixes if _valid(f, len(text)) and _changes(text, f)),
        key=lambda f: min((e.start, e.end) for e in f.edits),
    )
    for fix in ordered:
        if any(_overlaps(e, o) for e in fix.edits for o in edits):
            continue
        taken.append(fix)
        edits.extend(fix.edits)
    return taken


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (an edit overlapping an earlier one is
    skipped)."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            continue
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


# --- the plan ------------------------------------------------------------------------------


@dataclass
class NoteFix:
    """What fixing one note gives: its bytes before and after, and how many findings went."""

    path: str
    before: bytes
    after: bytes
    fixed: int
    diagnostics: list[Diagnostic]  # the note's findings in ``after``
    original: list[Diagnostic]  # and in ``before`` (reported when the write fails)


@dataclass
class NoteSkip:
    """A note that fixes were found for but that is not fixed, and why."""

    path: str
    reason: str
    severity: Literal["error", "warning"] = "warning"


@dataclass
class FixPlan:
    """The fixes of a run: notes to change, notes skipped, and the findings left."""

    unsafe: bool
    changes: list[NoteFix] = field(default_factory=list)
    skipped: list[NoteSkip] = field(default_factory=list)
    #: the diagnostics to report once the plan is written: the scan's, with those of each
    #: changed note replaced by the findings of its fixed text
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def fixed(self) -> int:
        return sum(c.fixed for c in self.changes)

    def hidden_unsafe(self) -> int:
        """Findings left that an unsafe fix would resolve (when ``--unsafe-fixes`` is off)."""
        if self.unsafe:
            return 0
        return sum(
            1 for d in self.diagnostics if d.fix is not None and d.fix.applicability == "unsafe"
        )


@dataclass
class Fixed:
    """One note's bytes fixed: the new bytes, how many findings went, the findings before and
    after."""

    data: bytes
    fixed: int
    before: list[Diagnostic]
    after: list[Diagnostic]


def fix_text(path: str, data: bytes, check: Checker, unsafe: bool) -> Fixed:
    """Fix one note's bytes until no fix applies.

    Raises :class:`NotFixable` when the note is not UTF-8 or its fixes do not settle.
    """
    bom = data.startswith(BOM)
    try:
        text = data[3 if bom else 0 :].decode("utf-8")
    except UnicodeDecodeError:
        raise NotFixable("not fixed: the note is not valid UTF-8") from None
    found = first = check(path, data)
    fixed = 0
    seen = {hashlib.sha256(data).digest()}
    for _ in range(MAX_PASSES):
        chosen = choose_fixes(text, (d.fix for d in found if is_applicable(d.fix, unsafe)))
        if not chosen:
            return Fixed(data, fixed, first, found)
        text = apply_edits(text, [e for f in chosen for e in f.edits])
        data = (BOM if bom else b"") + text.encode("utf-8")
        digest = hashlib.sha256(data).digest()
        if digest in seen:
            break  # the fixes undo each other
        seen.add(digest)
        fixed += len(chosen)
        found = check(path, data)
    raise NotFixable(
        f"not fixed: its fixes did not settle after {MAX_PASSES} passes (a bug in a check; "
        "please report it)"
    )


def plan_fixes(
    root: Path,
    diagnostics: Sequence[Diagnostic],
    check: Checker,
    *,
    unsafe: bool,
) -> FixPlan:
    """What ``--fix`` would change: see the module docstring. Writes nothing."""
    plan = FixPlan(unsafe=unsafe)
    from vaultlint.vault.discovery import is_note_name

    # notes only: the checker re-reads a file as a note (a canvas's fixes are not applied)
    wanted = sorted(
        {
            d.path
            for d in diagnostics
            if is_applicable(d.fix, unsafe) and is_note_name(d.path.rsplit("/", 1)[-1])
        }
    )
    replaced: set[str] = set()
    for path in wanted:
        try:
            data = read_note(root, path)
            result = fix_text(path, data, check, unsafe)
        except NotFixable as exc:
            plan.skipped.append(NoteSkip(path, str(exc)))
            continue
        except OSError as exc:
            plan.skipped.append(NoteSkip(path, _os_reason(exc, "read")))
            continue
        replaced.add(path)
        if result.data != data:
            plan.changes.append(
                NoteFix(path, data, result.data, result.fixed, result.after, result.before)
            )
        plan.diagnostics.extend(result.after)
    plan.diagnostics.extend(d for d in diagnostics if d.path not in replaced)
    plan.diagnostics.extend(_skip_diagnostic(s) for s in plan.skipped)
    plan.diagnostics.sort()
    return plan


def write_plan(root: Path, plan: FixPlan) -> FixPlan:
    """Write the plan's changes in place; a note that cannot be written keeps its bytes and
    its findings from the scan, and gains a ``fix-failed`` finding. Returns what was done."""
    done = FixPlan(unsafe=plan.unsafe)
    failed: dict[str, NoteSkip] = {}
    for change in plan.changes:
        try:
            write_note(root, change.path, change.before, change.after)
        except NotFixable as exc:
            failed[change.path] = NoteSkip(change.path, str(exc))
        except OSError as exc:
            failed[change.path] = NoteSkip(change.path, _os_reason(exc, "write"), "error")
        else:
            done.changes.append(change)
    if not failed:
        done.skipped = list(plan.skipped)
        done.diagnostics = list(plan.diagnostics)
        return done
    done.skipped = sorted([*plan.skipped, *failed.values()], key=lambda s: s.path)
    for d in plan.diagnostics:
        if d.path not in failed:
            done.diagnostics.append(d)
    for change in plan.changes:
        if change.path in failed:
            # the note keeps its bytes: report what the plan found in them
            done.diagnostics.extend(change.original)
    done.diagnostics.extend(_skip_diagnostic(s) for s in failed.values())
    done.diagnostics.sort()
    return done


def _os_reason(exc: OSError, doing: str) -> str:
    what = exc.strerror or str(exc)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what += " (a read-only folder or file?)"
    return f"not fixed: cannot {doing} the note: {what}"


def _skip_diagnostic(skip: NoteSkip) -> Diagnostic:
    from vaultlint.checks.base import CheckContext
    from vaultlint.model import Span
    from vaultlint.parse import parse_text

    ctx = CheckContext(
        index=None,  # type: ignore[arg-type]
        rule_id=FIX_FAILED,
        check_name="fix",
        severity=skip.severity,
        options=None,
    )
    return ctx.diagnostic(parse_text(skip.path, ""), Span(0, 0), skip.reason)


def report_lines(plan: FixPlan, shown: Callable[[str], str], *, diff: bool) -> list[str]:
    """The summary printed on stderr after ``--fix`` (or ``--diff``)."""
    lines = []
    notes = len(plan.changes)
    fixed = f"{plural(plan.fixed, 'finding')} in {plural(notes, 'note')}"
    if diff:
        lines.append(f"would fix {fixed}" if notes else "nothing to fix")
    elif notes:
        lines.append(f"fixed {fixed}:")
        lines += [f"  {shown(c.path)}: {c.fixed} fixed" for c in plan.changes]
    hidden = plan.hidden_unsafe()
    if hidden:
        more = plural(hidden, "more finding has", "more findings have")
        lines.append(
            f"{more} a fix that may not be what you meant: add --unsafe-fixes to apply them"
        )
    return lines


def default_checker(root: Path, config: Config, *, use_cache: bool = True) -> Checker:
    """Parse and check one note's bytes with the config's rules and the vault's index."""
    from vaultlint.lint.batch import open_vault
    from vaultlint.lint.linter import Linter
    from vaultlint.parse import parse_note

    view = open_vault(root, config, use_cache=use_cache)
    linter = Linter(config, view.index, root=root)

    def check(path: str, data: bytes) -> list[Diagnostic]:
        return linter.check(parse_note(path, data))

    return check


def print_stderr(lines: Iterable[str]) -> None:
    for line in lines:
        print(f"vaultlint: {printable(line)}", file=sys.stderr)


def run_fixes(
    root: Path,
    config: Config,
    diagnostics: Sequence[Diagnostic],
    *,
    unsafe: bool,
    diff: bool,
    cwd: Path,
    use_cache: bool = True,
) -> tuple[list[Diagnostic], bool]:
    """``--fix`` / ``--diff`` for the CLI: returns (the findings to report, whether anything
    changed or would change). With ``diff`` the diff goes to stdout and nothing is written."""

    def shown(path: str) -> str:
        return os.path.relpath(root / path, cwd).replace(os.sep, "/")

    check = default_checker(root, config, use_cache=use_cache)
    plan = plan_fixes(root, diagnostics, check, unsafe=unsafe)
    if diff:
        out = sys.stdout.buffer
        out.write(unified_diff(plan.changes, shown))
        out.flush()
    else:
        plan = write_plan(root, plan)
    summary = report_lines(plan, shown, diff=diff)
    if diff:  # no report follows: say here which notes were left alone
        summary += [f"{shown(s.path)}: {s.reason}" for s in plan.skipped]
    print_stderr(summary)
    # as the batch runner does: vaultlint's own rule ids turned off by --select/--ignore
    # (fix-failed, and what the re-check of a fixed note reports)
    left = [d for d in plan.diagnostics if d.rule not in config.engine_off]
    return left, bool(plan.changes)
