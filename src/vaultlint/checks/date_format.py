"""The ``date-format`` check: dates in frontmatter fields and body lines must follow a format."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.checks.required_sections import normalize_section, section_end
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.model import Field, Note, Span
from vaultlint.userregex import TIMEOUT, PatternError, compile_pattern, too_slow

_DIRECTIVE = re.compile(r"%(.)", re.DOTALL)
# Numeric directives that strptime accepts without their leading zeros; the check does not.
_PADDED = {"Y": r"\d{4}", "m": r"\d\d", "d": r"\d\d", "H": r"\d\d", "I": r"\d\d", "M": r"\d\d"}
_PADDED |= {"S": r"\d\d", "y": r"\d\d", "j": r"\d{3}", "U": r"\d\d", "W": r"\d\d"}
# Blocks whose lines are not searched with `pattern`.
_OPAQUE = frozenset({"code", "math", "yaml"})


@dataclass(frozen=True)
class DateFormatOptions:
    fields: tuple[str, ...] = option(
        (),
        doc="Frontmatter keys whose values must be dates (key names compare case-insensitively, "
        "as Obsidian's properties do). A list value checks each item.",
    )
    formats: tuple[str, ...] = option(
        ("%Y-%m-%d",),
        doc="`strftime` patterns a date may follow (any one of them). Numbers must be written "
        "as the format writes them: `2025-3-5` does not match `%Y-%m-%d`.",
    )
    required: bool = option(
        False,
        doc="Each key of `fields` must be present and not empty; a missing key is reported at "
        "1:1, an empty one at the key.",
    )
    pattern: str | None = option(
        None,
        doc="A regular expression with a named group `date`, searched in every body line (not "
        "in code or math blocks); the text the group captures must follow one of `formats`.",
    )
    sections: tuple[str, ...] = option(
        (),
        doc="Heading texts (compared like `required-sections`): search `pattern` only in the "
        "bodies of headings with these texts (every such heading, sub-sections included).",
    )
    prefer_first: bool = option(
        False,
        doc="Also report dates written in one of `formats` other than the first, so that the "
        "vault converges on the first (`--fix` respells them when that is unambiguous).",
    )


@dataclass(frozen=True)
class DateFormatState:
    pattern: Any  # a compiled user pattern (vaultlint.userregex)
    formats: tuple[tuple[str, re.Pattern[str]], ...]
    sections: tuple[str, ...]


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` is not a usable ``strptime`` format, or None."""
    if not any(m.group(1) != "%" for m in _DIRECTIVE.finditer(fmt)):
        return f"format {fmt!r} has no % directive (such as %Y, %m, %d)"
    try:
        datetime.strptime("", fmt)
    except ValueError as exc:
        if not _is_mismatch(exc):
            return f"format {fmt!r} is not valid: {exc}"
    return None


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def _is_mismatch(exc: ValueError) -> bool:
    """Whether strptime's error means "the text does not have this shape" (not a bad date)."""
    text = str(exc)
    return text.startswith(("time data ", "unconverted data remains"))


def _strict_regex(fmt: str) -> re.Pattern[str]:
    """A regex that holds when numbers have the width ``fmt`` writes them with."""
    out = []
    pos = 0
    for m in _DIRECTIVE.finditer(fmt):
        out.append(re.escape(fmt[pos : m.start()]))
        d = m.group(1)
        out.append("%" if d == "%" else _PADDED.get(d, ".*?"))
        pos = m.end()
    out.append(re.escape(fmt[pos:]))
    return re.compile("".join(out), re.DOTALL | re.IGNORECASE)


def date_problem(text: str, formats: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """Why ``text`` is not a date in one of ``formats``, or None when it is one."""
    impossible: str | None = None
    unpadded: str | None = None
    for fmt, strict in formats:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError as exc:
            if not _is_mismatch(exc) and impossible is None:
                impossible = f"'{text}' is not a valid date: {exc}"
            continue
        if strict.fullmatch(text):
            return None
        if unpadded is None:
            unpadded = f"'{text}' does not match '{fmt}': write '{value.strftime(fmt)}'"
    if impossible is not None:
        return impossible
    if unpadded is not None:
        return unpadded
    if len(formats) == 1:
        return f"'{text}' does not match '{formats[0][0]}'"
    listed = ", ".join(f"'{fmt}'" for fmt, _ in formats)
    return f"'{text}' does not match any of {listed}"


# characters a respelled date may hold in YAML without quotes (no ':', '#', '[', quotes…)
_PLAIN_YAML = re.compile(r"[\w][\w .,/-]*")


def respelling(text: str, formats: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """``text`` written in the first of ``formats``, when that is safe: the text reads as one
    date only in the listed formats (``03/04/2025`` with ``%d/%m/%Y`` and ``%m/%d/%Y`` does
    not), and the first format keeps all of it (``%B %Y`` would drop the day)."""
    values = set()
    for fmt, _ in formats:
        try:
            values.add(datetime.strptime(text, fmt))
        except ValueError:
            continue
    if len(values) != 1:
        return None
    (value,) = values
    first, strict = formats[0]
    new = value.strftime(first)
    try:
        same = datetime.strptime(new, first) == value
    except ValueError:
        return None
    if not same or new == text or strict.fullmatch(new) is None:
        return None
    return new


def _respell_fix(note: Note, span: Span, text: str, new: str, quoted: str) -> Fix | None:
    """An edit writing ``new`` over ``text`` inside ``span`` (quotes kept), or None."""
    written = note.text[span.start : span.end]
    at = written.find(text)
    if at == -1 or text.strip() != text:
        return None
    if quoted == "" and _PLAIN_YAML.fullmatch(new) is None:
        return None  # unquoted YAML would read it differently
    if quoted and (quoted in new or "\\" in new):
        return None
    start = span.start + at
    return Fix(f"respell as '{new}'", (Edit(start, start + len(text), new),), "safe")


def _unquote(source: str) -> str:
    source = source.strip()
    if len(source) >= 2 and source[0] == source[-1] and source[0] in "'\"":
        inner = source[1:-1]
        return inner.replace("''", "'") if source[0] == "'" else inner
    return source


def _is_empty(value: object, source: str) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value) or not source


class DateFormatCheck(Check):
    """Dates in frontmatter fields, and dates found in the body, must follow a format.

    ## What it does
    Checks the value of each frontmatter key in `fields` against `formats` (any one of them),
    as written in the file: `date: 2025-03-14` is the text `2025-03-14`, whatever YAML would
    make of it, and `date: 2025` is the text `2025`. Quotes around a value are not part of it.
    A list value checks each item. With `pattern`, every match of the regular expression in
    a body line (or, with `sections`, in those sections only) is checked the same way,
    using the text of its `date` group. Reports values that do not have the format's shape,
    numbers written with a different width (`2025-3-5` for `%Y-%m-%d`), and impossible dates
    such as `2025-02-30`. An empty value (`date:`, `date: ""`) is skipped unless `required`.

    The diagnostic points at the value (or list item), or at the `date` group in the body.

    A safe fix (`--fix`) respells a reported date in the first of `formats` when the text reads
    as one date only in the listed formats and the first format keeps all of it: `2025-3-5`
    becomes `2025-03-05`; with `formats: ['%Y-%m-%d', '%d/%m/%Y']`, `5/3/2025` becomes
    `2025-03-05`, but `03/04/2025` is left alone when `%m/%d/%Y` is listed too. Quotes around a
    value are kept. With `prefer_first`, dates in the other listed formats are reported too.

    ## Why
    Obsidian's date properties, Dataview and sorting by file name all need one date format;
    `14/03/2025`, `2025-3-14` and `March 14` in one vault sort wrongly and query badly.

    ## Example
    ```yaml
    dates:
      check: date-format
      fields: [created, launch]
      required: true
      pattern: '^\\*\\s+\\*\\*(?P<date>[^*]+)\\*\\*:'
      sections: [Recent Updates]
      formats: ['%Y-%m-%d', '%B %Y']
    ```
    `created: 2025-02-30` is reported (`'2025-02-30' is not a valid date: day is out of range
    for month`); under `### Recent Updates`, `*   **March 2025**: …` passes.

    ## Options
    Keys of `fields` that are absent are skipped unless `required`; at least one of `fields`
    and `pattern` must be given.
    """

    name = "date-format"
    summary = "Dates in frontmatter fields (and, with a pattern, in the body) must follow a format."
    Options = DateFormatOptions
    examples = (
        DocExample(
            "an impossible date and a wrong format",
            {"Note.md": "---\ncreated: 2025-02-30\nupdated: 14/03/2025\n---\n"},
            {"fields": ["created", "updated"]},
            ((2, 10), (3, 10)),
        ),
        DocExample(
            "dates as written, quoted or not",
            {"Note.md": '---\ncreated: 2025-03-14\nlaunch: "2028-01-01"\n---\n'},
            {"fields": ["created", "launch"], "required": True},
            (),
        ),
        DocExample(
            "a required field that is missing",
            {"Note.md": "---\ntitle: x\n---\n"},
            {"fields": ["created"], "required": True},
            ((1, 1),),
        ),
        DocExample(
            "with prefer_first, a date in another listed format is reported (and fixable)",
            {"Note.md": "---\ncreated: 14/03/2025\nupdated: 2025-03-15\n---\n"},
            {
                "fields": ["created", "updated"],
                "formats": ["%Y-%m-%d", "%d/%m/%Y"],
                "prefer_first": True,
            },
            ((2, 10),),
        ),
        DocExample(
            "dates in the body, limited to a section",
            {
                "Note.md": "# Note\n## Updates\n* **March 2025**: x\n* **Marc 2025**: y\n"
                "## Other\n* **Someday**: z\n"
            },
            {
                "pattern": r"\*\*(?P<date>[^*]+)\*\*:",
                "formats": ["%B %Y"],
                "sections": ["Updates"],
            },
            ((4, 5),),
        ),
    )

    def validate_options(
        self, options: DateFormatOptions, vault: Path
    ) -> Iterator[tuple[str, str]]:
        if not options.fields and options.pattern is None:
            yield "fields", "give at least one of 'fields' and 'pattern'"
        if not options.formats:
            yield "formats", "list at least one format"
        for fmt in options.formats:
            why = format_problem(fmt)
            if why is not None:
                yield "formats", why
        if options.pattern is not None:
            try:
                compiled = compile_pattern(options.pattern)
            except PatternError as exc:
                yield "pattern", f"invalid regular expression {options.pattern!r}: {exc}"
            else:
                if "date" not in compiled.groupindex:
                    yield "pattern", "the pattern needs a named group 'date': (?P<date>…)"
        elif options.sections:
            yield "sections", "'sections' limits where 'pattern' is searched; give 'pattern' too"
        for text in options.sections:
            if not normalize_section(text):
                yield "sections", "a section name is empty"

    def prepare(self, options: DateFormatOptions, vault: Path | None) -> DateFormatState:
        pattern = compile_pattern(options.pattern) if options.pattern is not None else None
        formats = tuple((fmt, _strict_regex(fmt)) for fmt in options.formats)
        sections = tuple(normalize_section(s) for s in options.sections)
        return DateFormatState(pattern, formats, sections)

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        opts: DateFormatOptions = ctx.options
        state: DateFormatState | None = ctx.state
        if state is None:
            state = self.prepare(opts, None)
        for key in opts.fields:
            fld = self._field(note, key)
            if fld is None:
                if opts.required:
                    yield ctx.note_diagnostic(note, f"missing date property '{key}'")
                continue
            yield from self._check_field(note, fld, opts, state, ctx)
        if state.pattern is not None:
            yield from self._check_body(note, state, ctx)

    @staticmethod
    def _field(note: Note, key: str) -> Field | None:
        exact = note.field(key)
        if exact is not None:
            return exact
        folded = key.casefold()
        for fld in note.fields:
            if isinstance(fld.key, str) and fld.key.casefold() == folded:
                return fld
        return None

    def _check_field(
        self,
        note: Note,
        fld: Field,
        opts: DateFormatOptions,
        state: DateFormatState,
        ctx: CheckContext,
    ) -> Iterator[Diagnostic]:
        if _is_empty(fld.value, fld.source.strip()):
            if opts.required:
                yield ctx.diagnostic(note, fld.key_span, f"date property '{fld.key}' is empty")
            return
        if isinstance(fld.value, list):
            if any(isinstance(v, list | dict) for v in fld.value):
                # only scalar items have their own span
                msg = f"'{fld.key}' holds a nested list or mapping, not dates"
                yield ctx.diagnostic(note, fld.value_span, msg)
            values = [(item.value, item.source, item.span) for item in fld.items]
        else:
            values = [(fld.value, fld.source, fld.value_span)]
        for value, source, span in values:
            if _is_empty(value, source.strip()):
                continue
            if source.lstrip().startswith(("|", ">")) and isinstance(value, str):
                text = value.strip()  # a block scalar: its text is the lines below the key
            else:
                text = _unquote(source)
            if (isinstance(value, dict) and not text.startswith("{")) or "\n" in text:
                kind = "a mapping" if isinstance(value, dict) else "several lines"
                yield ctx.diagnostic(note, span, f"'{fld.key}' holds {kind}, not a date")
                continue
            # as written: `{{date}}` (a template placeholder YAML reads as a mapping) is text
            why, fix = self._problem(text, state, opts)
            if why is not None:
                if fix is not None and not source.lstrip().startswith(("|", ">")):
                    stripped = source.strip()
                    quote = stripped[0] if stripped[:1] in ("'", '"') else ""
                    fixed = _respell_fix(note, span, text, fix, quote)
                else:
                    fixed = None
                yield ctx.diagnostic(note, span, why, fix=fixed)

    @staticmethod
    def _problem(
        text: str, state: DateFormatState, opts: DateFormatOptions
    ) -> tuple[str | None, str | None]:
        """(why ``text`` is reported or None, its respelling in the first format or None)."""
        why = date_problem(text, state.formats)
        if why is None:
            first, strict = state.formats[0]
            if not opts.prefer_first or (strict.fullmatch(text) and _parses(text, first)):
                return None, None
            new = respelling(text, state.formats)
            why = f"'{text}' is not written as '{first}'" + (f": write '{new}'" if new else "")
            return why, new
        return why, respelling(text, state.formats)

    def _check_body(
        self, note: Note, state: DateFormatState, ctx: CheckContext
    ) -> Iterator[Diagnostic]:
        assert state.pattern is not None
        text = note.text
        if state.sections:
            wanted = set(state.sections)
            ranges = [
                (heading.span.end, section_end(note, i))
                for i, heading in enumerate(note.headings)
                if normalize_section(heading.text) in wanted
            ]
        else:
            ranges = [(note.body_start, len(text))]
        opaque = sorted(s.span for s in note.sections if s.type in _OPAQUE)
        opaque_starts = [s.start for s in opaque]
        starts = note.line_starts
        done = -1  # nested sections overlap: search each line once
        for lo, hi in ranges:
            for li in range(bisect.bisect_left(starts, max(lo, done + 1)), len(starts)):
                ls = starts[li]
                if ls >= hi:
                    break
                done = ls
                le = starts[li + 1] if li + 1 < len(starts) else len(text)
                k = bisect.bisect_right(opaque_starts, ls) - 1
                if k >= 0 and ls < opaque[k].end:
                    continue
                line = text[ls:le].rstrip("\r\n")
                try:
                    found = list(state.pattern.finditer(line, timeout=TIMEOUT))
                except TimeoutError:
                    # report it once, and stop searching this note with this pattern
                    yield ctx.diagnostic(note, Span(ls, ls + len(line)), too_slow(state.pattern))
                    return
                for m in found:
                    captured = m.group("date")
                    if not captured:
                        continue
                    why, new = self._problem(captured, state, ctx.options)
                    if why is not None:
                        at = ls + m.start("date")
                        span = Span(at, at + len(captured))
                        fix = None
                        if new is not None:
                            fix = Fix(f"respell as '{new}'", (Edit(*span, new),), "safe")
                        yield ctx.diagnostic(note, span, why, fix=fix)
