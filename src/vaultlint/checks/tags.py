"""The ``tags`` check: tags must be allowed, match a pattern, and be spelled consistently."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Note, Tag
from vaultlint.userregex import TIMEOUT, PatternError, compile_pattern, too_slow

# In an allowed file: a line that starts with `#` and a space (or only `#`s) is a comment, and
# so is ` # …` after a tag; `#project` alone is the tag `project`.
_COMMENT_LINE = re.compile(r"#+(?:\s|$)")
_TRAILING_COMMENT = re.compile(r"\s#(?:\s|$)")


@dataclass(frozen=True)
class TagsOptions:
    allowed: tuple[str, ...] = option(
        (),
        doc="Tag names (without `#`) that may be used; `*` matches any text, `/` included, so "
        "`project/*` allows `project/a` and `project/a/b` but not `project` itself (list both "
        "to allow both). Case-insensitive. Empty, and no `allowed_file`: any tag is allowed.",
    )
    allowed_file: str | None = option(
        None,
        doc="A UTF-8 text file, relative to the vault root, with more allowed tags: one per "
        "line, a leading `#` optional. A line starting with `#` and a space is a comment, and "
        "so is ` # …` after a tag. Given, it turns the allowed list on, even when empty.",
    )
    pattern: str | None = option(
        None,
        doc="A regular expression every tag name (as written, without `#`) must match in full, "
        "e.g. `[a-z0-9-]+(/[a-z0-9-]+)*`.",
    )
    case: Literal["any", "consistent", "lower"] = option(
        "consistent",
        doc="`consistent`: a tag must be spelled the way most notes of the vault spell it "
        "(on a tie, the lower-case spelling, else the one that sorts first); "
        "`lower`: tags must be lower-case; `any`: no case check.",
    )
    among: tuple[str, ...] = option(
        (),
        doc="The tags that `exactly`, `at_least` and `at_most` count (names without `#`, `*` "
        "globs as in `allowed`, case-insensitive); empty: every tag of the note.",
    )
    exactly: int | None = option(
        None,
        doc="A note must have exactly this many distinct tags of `among` (frontmatter and body "
        "tags together): too few is reported at 1:1, too many at the first tag over the count.",
    )
    at_least: int | None = option(
        None, doc="A note must have at least this many distinct tags of `among` (at 1:1)."
    )
    at_most: int | None = option(
        None,
        doc="A note may have at most this many distinct tags of `among` (at the first tag over).",
    )


class TagsState(NamedTuple):
    """What :meth:`TagsCheck.prepare` compiles once per rule."""

    allowed: re.Pattern[str] | None
    pattern: Any  # a compiled user pattern (vaultlint.userregex)
    among: re.Pattern[str] | None = None  # None: every tag counts


def read_allowed_file(path: Path, vault: Path | None = None) -> list[tuple[int, str]]:
    """The tags of an allowed file as ``(line number, tag)``; raises OSError, UnicodeError.

    Only a regular file under the size cap, inside ``vault`` when given, is read
    (:mod:`vaultlint.config.safefile`): the config naming it may come from a stranger."""
    from vaultlint.config.safefile import read_bytes

    text = read_bytes(path, None if vault is None else [vault]).decode("utf-8")
    entries = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or _COMMENT_LINE.match(line):
            continue
        m = _TRAILING_COMMENT.search(line)
        if m is not None:
            line = line[: m.start()].strip()
        entries.append((number, line.removeprefix("#")))
    return entries


def _entry_problem(entry: str) -> str | None:
    if not entry:
        return "an empty tag name"
    if any(c.isspace() for c in entry):
        return f"'{entry}' holds a space; write one tag per line"
    return None


def _respell(note: Note, tag: Tag, spelling: str) -> Fix | None:
    """An edit that writes ``spelling`` where the tag's name stands (quotes and ``#`` kept)."""
    source = note.text[tag.span.start : tag.span.end]
    at = source.find(tag.name)
    if at == -1:
        return None
    start = tag.span.start + at
    edit = Edit(start, start + len(tag.name), spelling)
    return Fix(f"respell as '{spelling}'", (edit,), "safe")


def _plural(count: int) -> str:
    return f"{count} note" if count == 1 else f"{count} notes"


class TagsCheck(Check):
    """Tags must come from an allowed list, match a pattern, and be spelled consistently.

    ## What it does
    Checks every tag of a note, in the body (`#tag`) and in the frontmatter `tags` property:
    - with `allowed` or `allowed_file`, the tag must be one of those (case-insensitive, `*`
      globs);
    - with `pattern`, the tag name must match the regular expression in full;
    - with `case: consistent` (the default), the tag must be spelled the way most notes of the
      vault spell it (`#Space` when 9 notes write `#space`); with `case: lower`, lower-case.

    Each diagnostic points at the tag. A tag with several problems gets one diagnostic whose
    message lists them all, so that the count of diagnostics is the count of tags to fix.

    ## Why
    Obsidian treats `#Space` and `#space` as one tag but shows whichever spelling it met first,
    and a typo (`#scheme` vs `#schemes`) silently splits a tag in two. A controlled vocabulary
    keeps tag searches, graphs and Dataview queries complete.

    ## Example
    ```yaml
    tag-vocabulary:
      check: tags
      allowed: [economy, review, space, "project/*"]
      case: any      # the recommended pack's `tag-case` rule already checks the case
    ```
    `#economy`, `#Space` and `#project/lupex` pass; `#ecomony` and `#project` are reported.

    With `exactly`, `at_least` or `at_most`, it also counts the note's distinct tags among a
    list (`among`), e.g. exactly one status tag of `seedling`, `incubator`, `evergreen`: too
    few is reported at 1:1, too many at the first tag over the count.
    ```yaml
    one-status:
      check: tags
      case: any
      among: [seedling, incubator, evergreen]
      exactly: 1
    ```

    ## Options
    Set `case: any` in a rule that only checks the vocabulary or counts: the default,
    `consistent`, is what the `tag-case` rule of the `recommended` pack does already.
    """

    name = "tags"
    needs_index = True
    reads = frozenset({"tags", "problems"})
    summary = "Tags must be allowed, match a pattern, and be spelled as most notes spell them."
    Options = TagsOptions
    examples = (
        DocExample(
            "a spelling that most notes do not use",
            {
                "Note.md": "---\ntags: [Space]\n---\nText #space\n",
                "A.md": "#space\n",
                "B.md": "#space\n",
            },
            {},
            ((2, 8),),
        ),
        DocExample(
            "a tag outside the allowed list",
            {"Note.md": "Budget #economy and #ecomony\n"},
            {"allowed": ["economy", "project/*"], "case": "any"},
            ((1, 21),),
        ),
        DocExample(
            "nested tags allowed by a glob",
            {"Note.md": "#project/lupex #project/a/b\n"},
            {"allowed": ["project/*"]},
            (),
        ),
        DocExample(
            "exactly one status tag",
            {"Note.md": "---\ntags: [seedling, evergreen]\n---\n#topic\n"},
            {"among": ["seedling", "incubator", "evergreen"], "exactly": 1, "case": "any"},
            ((2, 18),),
        ),
        DocExample(
            "lower-case tags",
            {"Note.md": "#Space #space\n"},
            {"case": "lower"},
            ((1, 1),),
        ),
    )

    def validate_options(self, options: TagsOptions, vault: Path) -> Iterator[tuple[str, str]]:
        for entry in options.allowed:
            why = _entry_problem(entry.strip().removeprefix("#"))
            if why is not None:
                yield "allowed", why
        if options.pattern is not None:
            try:
                compile_pattern(options.pattern)
            except PatternError as exc:
                yield "pattern", f"invalid regular expression {options.pattern!r}: {exc}"
        for name in ("exactly", "at_least", "at_most"):
            value = getattr(options, name)
            if value is not None and value < 0:
                yield name, f"'{name}' must be 0 or more, not {value}"
        if options.exactly is not None and (
            options.at_least is not None or options.at_most is not None
        ):
            yield "exactly", "give either 'exactly' or 'at_least'/'at_most', not both"
        if (
            options.at_least is not None
            and options.at_most is not None
            and options.at_least > options.at_most
        ):
            yield "at_least", f"at_least ({options.at_least}) is above at_most ({options.at_most})"
        for entry in options.among:
            why = _entry_problem(entry.strip().removeprefix("#"))
            if why is not None:
                yield "among", why
        if options.allowed_file is not None:
            path = vault / options.allowed_file
            try:
                entries = read_allowed_file(path, vault)
            except FileNotFoundError:
                yield "allowed_file", f"file '{options.allowed_file}' does not exist in {vault}"
                return
            except UnicodeDecodeError as exc:
                yield "allowed_file", f"file '{options.allowed_file}' is not UTF-8: {exc.reason}"
                return
            except OSError as exc:
                yield "allowed_file", f"cannot read '{options.allowed_file}': {exc.strerror or exc}"
                return
            for number, entry in entries:
                why = _entry_problem(entry)
                if why is not None:
                    yield "allowed_file", f"{options.allowed_file}, line {number}: {why}"

    def external_files(self, options: TagsOptions, vault: Path) -> Iterable[Path]:
        return () if options.allowed_file is None else (vault / options.allowed_file,)

    def prepare(self, options: TagsOptions, vault: Path | None) -> TagsState:
        entries = [e.strip().removeprefix("#") for e in options.allowed]
        listed = bool(entries)
        if options.allowed_file is not None:
            if vault is None:
                raise RuntimeError("the 'tags' check needs the vault root to read allowed_file")
            entries += [e for _, e in read_allowed_file(vault / options.allowed_file, vault)]
            listed = True
        allowed = None
        if listed:
            # fnmatch's `*` matches `/` too; `[` and `?` cannot occur in tags anyway.
            parts = [fnmatch.translate(e.lower()) for e in entries if e]
            allowed = re.compile("|".join(parts) if parts else r"(?!)", re.DOTALL)
        pattern = compile_pattern(options.pattern) if options.pattern is not None else None
        among = None
        if options.among:
            parts = [fnmatch.translate(e.strip().removeprefix("#").lower()) for e in options.among]
            among = re.compile("|".join(parts), re.DOTALL)
        return TagsState(allowed, pattern, among)

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        opts: TagsOptions = ctx.options
        state: TagsState | None = ctx.state
        if state is None:
            state = self.prepare(opts, None)
        if opts.exactly is not None or opts.at_least is not None or opts.at_most is not None:
            yield from self._count(note, opts, state, ctx)
        if opts.case == "any" and state.allowed is None and state.pattern is None:
            return
        tags = note.tags
        if state.allowed is None and state.pattern is None and opts.case == "consistent":
            # the recommended pack's tag-case: only the tags spelled unlike most notes matter
            misspelled = ctx.index.misspelled_tags()
            tags = tuple(t for t in tags if t.name in misspelled)
        slow = [False]  # once the pattern ran out of time on this note, it is not used again
        for tag in tags:
            problems = list(self._problems(tag, opts, state, ctx, slow))
            if problems:
                fix = None
                if len(problems) == 1:  # only the spelling is wrong: respelling it is safe
                    target = self._case_target(tag, opts, ctx)
                    if target is not None:
                        fix = _respell(note, tag, target)
                yield ctx.diagnostic(note, tag.span, "; ".join(problems), fix=fix)

    @staticmethod
    def _count(
        note: Note, opts: TagsOptions, state: TagsState, ctx: CheckContext
    ) -> Iterator[Diagnostic]:
        """``exactly`` / ``at_least`` / ``at_most``: distinct counted tags, in note order. A note
        whose frontmatter is not valid YAML is not counted (invalid-frontmatter reports it)."""
        if any(p.code == "invalid-frontmatter" for p in note.problems):
            return
        first: dict[str, Tag] = {}
        for tag in sorted(note.tags, key=lambda t: t.span.start):
            if state.among is None or state.among.match(tag.key) is not None:
                first.setdefault(tag.key, tag)
        counted = list(first.values())
        least = opts.exactly if opts.exactly is not None else opts.at_least
        most = opts.exactly if opts.exactly is not None else opts.at_most
        of = ("of the tags " + ", ".join(opts.among)) if opts.among else "tags"
        wanted = (
            f"exactly {opts.exactly}"
            if opts.exactly is not None
            else " and ".join(
                part
                for part in (
                    f"at least {opts.at_least}" if opts.at_least is not None else "",
                    f"at most {opts.at_most}" if opts.at_most is not None else "",
                )
                if part
            )
        )
        names = ", ".join(t.name for t in counted) or "none"
        if least is not None and len(counted) < least:
            yield ctx.note_diagnostic(
                note, f"the note has {len(counted)} {of} ({names}); the rule wants {wanted}"
            )
        elif most is not None and len(counted) > most:
            extra = counted[most]
            yield ctx.diagnostic(
                note,
                extra.span,
                f"the note has {len(counted)} {of} ({names}); the rule wants {wanted}",
            )

    @staticmethod
    def _case_target(tag: Tag, opts: TagsOptions, ctx: CheckContext) -> str | None:
        """The spelling the tag should have, when its case is what is wrong."""
        if opts.case == "lower" and tag.name != tag.name.lower():
            return tag.name.lower()
        if opts.case == "consistent":
            preferred = ctx.index.preferred_spelling(tag.key)
            if preferred is not None and preferred[0] != tag.name:
                return preferred[0]
        return None

    def _problems(
        self, tag: Tag, opts: TagsOptions, state: TagsState, ctx: CheckContext, slow: list[bool]
    ) -> Iterator[str]:
        name = tag.name
        shown = f"tag '{name}'"
        if state.allowed is not None and state.allowed.match(tag.key) is None:
            yield f"{shown} is not in the allowed list"
            shown = "it"
        if state.pattern is not None and not slow[0]:
            try:
                matched = state.pattern.fullmatch(name, timeout=TIMEOUT) is not None
            except TimeoutError:
                slow[0] = True
                yield f"{shown}: {too_slow(state.pattern)}"
                shown = "it"
            else:
                if not matched:
                    yield f"{shown} does not match the pattern '{state.pattern.pattern}'"
                    shown = "it"
        if opts.case == "lower":
            if name != name.lower():
                yield f"{shown} should be lower-case: '{name.lower()}'"
        elif opts.case == "consistent":
            preferred = ctx.index.preferred_spelling(tag.key)
            if preferred is not None and preferred[0] != name:
                spelling, count = preferred
                own = ctx.index.tag_spellings(tag.key).get(name, 0)
                if own >= count:  # a tie: say which way it was broken
                    rule = "the lower-case" if spelling == tag.key else "the first sorted"
                    yield (
                        f"tag '{name}' and '{spelling}' are each used in {_plural(count)}; "
                        f"on a tie {rule} spelling is preferred: '{spelling}'"
                    )
                else:
                    yield (
                        f"{shown} is spelled '{spelling}' in {_plural(count)} "
                        f"({_plural(own)} {'uses' if own == 1 else 'use'} '{name}')"
                    )
