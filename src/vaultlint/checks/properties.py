"""The ``properties`` check: a schema for the properties of a kind of note.

Over ~400 lines: the per-key schema (options, their validation, each constraint's message)
and the per-note path, which runs on every note a rule applies to and is kept cheap (keys
folded once, keys the rule says nothing about passed over, items built only when looked at).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from vaultlint.checks.base import Check, CheckContext, DocExample, option
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Field, Note, Span
from vaultlint.parse.property_values import (
    TYPE_NAMES,
    Value,
    is_empty,
    shown,
    strftime_format_problem,
    strftime_problem,
    unquoted_link,
    unquoted_link_message,
    value_problems,
    values_of,
    wikilink,
    written_text,
)
from vaultlint.userregex import TIMEOUT, PatternError, compile_pattern, too_slow

#: ``vaultlint.parse.frontmatter.INVALID`` (not imported: ``vaultlint rules`` imports this check
#: without the parser; tests/test_startup.py keeps the two equal)
INVALID_FRONTMATTER = "invalid-frontmatter"

PropertyType = Literal[
    "text",
    "multitext",
    "list",
    "number",
    "checkbox",
    "date",
    "datetime",
    "aliases",
    "tags",
    "link",
    "links",
]
_LIST_KINDS = frozenset({"multitext", "aliases", "tags", "links"})


@dataclass(frozen=True)
class PropertySpec:
    """What one property's value must be. Every field is optional."""

    type: PropertyType | None = option(
        None,
        doc="Obsidian's types `text`, `multitext` (or `list`), `number`, `checkbox`, `date`, "
        "`datetime`, `aliases`, `tags`, judged as written (see the `property-types` check); or "
        '`link` (a wiki-link such as `"[[Acme]]"` that resolves to a vault file) and `links` '
        "(a list of them).",
    )
    folder: str | None = option(
        None,
        doc="With `type: link` or `links`: the link must resolve into this folder (vault-relative, "
        "sub-folders included).",
    )
    enum: tuple[str | int | float | bool, ...] = option(
        (),
        doc="The values allowed, compared with the value as written (quotes removed; each item of "
        "a list).",
    )
    pattern: str | None = option(
        None,
        doc="A regular expression searched in the value as written (each item of a list); anchor "
        "it (`^…$`) to match the whole value.",
    )
    min: float | None = option(
        None,
        doc="The least number (a number value), length (a text value) or count of items (a list).",
    )
    max: float | None = option(
        None,
        doc="The greatest number (a number value), length (a text value) or count of items "
        "(a list).",
    )
    format: str | None = option(
        None,
        doc="With `type: date` or `datetime`: the `strftime` format this vault writes dates in "
        "(instead of Obsidian's `YYYY-MM-DD`), e.g. `%d.%m.%Y`.",
    )
    equals: Literal["filename"] | None = option(
        None,
        doc="`filename`: the value must be the note's file name (without `.md`).",
    )


@dataclass(frozen=True)
class PropertiesOptions:
    required: tuple[str, ...] = option(
        (),
        doc="Keys every note must have, with a value: a missing key is reported at 1:1 (a note "
        "without frontmatter misses them all), an empty one at the key.",
    )
    forbidden: tuple[str, ...] = option((), doc="Keys no note may have: reported at the key.")
    additional: bool = option(
        True,
        doc="`false`: keys listed neither under `properties` nor under `required` are reported, "
        "at the key.",
    )
    properties: dict[str, PropertySpec] = option(
        default_factory=dict,
        doc="Per key, what its value must be: `type`, `folder`, `enum`, `pattern`, `min`, `max`, "
        "`format`, `equals` (see PropertySpec). Keys compare case-insensitively, as in Obsidian.",
    )


@dataclass(frozen=True)
class _Compiled:
    key: str
    spec: PropertySpec
    kind: str | None  # `list` read as `multitext`
    pattern: Any  # a compiled user pattern, or None
    enum: frozenset[str]
    ranged: bool  # `min` or `max` given
    per_item: bool  # `enum`, `pattern` or `equals` given: each item is looked at
    obsidian: bool  # `kind` is one of Obsidian's types, judged as property-types judges it


@dataclass(frozen=True)
class PropertiesState:
    """The rule's options made ready once: keys case-folded, patterns compiled."""

    required: tuple[str, ...]
    forbidden: frozenset[str]
    listed: frozenset[str] | None  # None: additional keys are fine
    specs: dict[str, _Compiled]
    #: each required key with its case-folded form, in order; the folded ones as a set
    required_folded: tuple[tuple[str, str], ...] = ()
    required_set: frozenset[str] = frozenset()


def _as_spec(value: Any) -> PropertySpec:
    """A ``PropertySpec`` (the config schema builds them; plain mappings are accepted for
    callers that build options by hand)."""
    if isinstance(value, PropertySpec):
        return value
    if isinstance(value, Mapping):
        names = {f.name for f in dataclasses.fields(PropertySpec)}
        unknown = sorted(set(value) - names)
        if unknown:
            raise ValueError(f"unknown key {unknown[0]!r} in a property's schema")
        return PropertySpec(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
    if value is None:
        return PropertySpec()
    raise ValueError(f"a property's schema must be a mapping, not {value!r}")


def _enum_text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _plural(n: float, word: str) -> str:
    n = int(n) if float(n).is_integer() else n
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class PropertiesCheck(Check):
    """A schema for the properties of a kind of note: required, forbidden and typed keys.

    ## What it does
    For each note the rule applies to (scope it with `where`: a folder, a tag, a property):
    - `required`: each key must be present, with a value; a missing key is one diagnostic at
      1:1 (a note without frontmatter misses every required key), an empty value one at the key;
    - `forbidden`: each key present is reported at the key;
    - `additional: false`: a key listed neither under `properties` nor under `required` is
      reported at the key;
    - `properties`: per key, the value must fit `type` (Obsidian's types as the `property-types`
      check judges them, `list` for `multitext`, and `link`/`links`: wiki-links that resolve,
      into `folder` if given), be one of `enum`, match `pattern`, lie within `min`/`max`
      (a number's value, a text's length, a list's count of items), follow `format` (dates
      written another way than `YYYY-MM-DD`), and with `equals: filename` be the note's name.

    A rule with none of these checks nothing: that is a configuration error, not a silent pass.

    Values are judged as written (quotes removed); an empty value is not judged (list the key
    under `required` to demand one). Keys compare case-insensitively, as Obsidian's do. Value
    diagnostics point at the value, or at the list item.

    ## Why
    A kind of note (a person, a plugin, a meeting) has a shape: the keys a Dataview query or
    a Base reads, the values it can sort and group. One missing `company`, a `rating` of
    `"five"` or a `plugin-id` that is not the file name quietly drops the note from them.

    ## Example
    ```yaml
    person-properties:
      check: properties
      severity: error
      where: {paths: ["People/**"]}
      required: [company, role]
      forbidden: [draft]
      additional: false
      properties:
        company: {type: link, folder: "Companies"}
        role:    {type: text, enum: [engineer, manager, designer]}
        rating:  {type: number, min: 1, max: 5}
        born:    {type: date, format: "%d.%m.%Y"}
    ```
    `company: "[[Acme]]"` (with `Companies/Acme.md`) and `rating: 4` pass; a person note
    without `role`, with `rating: 7` or with `company: Acme` is reported. Plain text where a
    link is wanted is reported with the link to write when the text is the name, or an alias,
    of one note (in `folder`): `author: Eleanor Konik` → `"[[eleanorkonik|Eleanor Konik]]"`.

    ## Options
    Every key of a property's schema is optional; `folder` needs `type: link` or `links`,
    `format` needs `type: date` or `datetime`. An unknown `type`, or an unknown key in a
    property's schema, is a configuration error at its line.
    """

    name = "properties"
    needs_index = True  # `link` values resolve through the index (see uses_index)
    reads = frozenset({"fields", "problems"})
    summary = "Notes must have the required properties, no forbidden ones, and values that fit."
    Options = PropertiesOptions
    examples = (
        DocExample(
            "a missing key, a forbidden key and values that do not fit",
            {
                "Note.md": "---\nrole: intern\nrating: 7\ndraft: true\n---\n",
            },
            {
                "required": ["company", "role"],
                "forbidden": ["draft"],
                "properties": {
                    "role": {"type": "text", "enum": ["engineer", "manager"]},
                    "rating": {"type": "number", "min": 1, "max": 5},
                },
            },
            ((1, 1), (2, 7), (3, 9), (4, 1)),
        ),
        DocExample(
            "a link into a folder, a number in range",
            {
                "People/Ada.md": '---\ncompany: "[[Acme]]"\nrating: 4\n---\n',
                "Companies/Acme.md": "",
            },
            {
                "required": ["company"],
                "additional": False,
                "properties": {
                    "company": {"type": "link", "folder": "Companies"},
                    "rating": {"type": "number", "min": 1, "max": 5},
                },
            },
            (),
            note="People/Ada.md",
        ),
    )

    def validate_options(
        self, options: PropertiesOptions, vault: Path
    ) -> Iterator[tuple[str, str]]:
        try:
            specs = {k: _as_spec(v) for k, v in options.properties.items()}
        except ValueError as exc:
            yield "properties", str(exc)
            return
        if not (specs or options.required or options.forbidden or not options.additional):
            yield (
                "properties",
                "the rule checks nothing: give it properties, required, forbidden or "
                "additional: false",
            )
        for key in options.forbidden:
            if key.casefold() in {r.casefold() for r in options.required}:
                yield "forbidden", f"'{key}' is both required and forbidden"
        for key, spec in specs.items():
            kind = spec.type
            if kind is not None and kind not in get_args(PropertyType):
                yield (
                    "properties",
                    f"'{key}': unknown type {kind!r} (one of {', '.join(get_args(PropertyType))})",
                )
                continue
            if spec.folder is not None and kind not in ("link", "links"):
                yield "properties", f"'{key}': 'folder' needs type link or links"
            if spec.format is not None:
                if kind not in ("date", "datetime"):
                    yield "properties", f"'{key}': 'format' needs type date or datetime"
                else:
                    why = strftime_format_problem(spec.format)
                    if why is not None:
                        yield "properties", f"'{key}': {why}"
            if spec.pattern is not None:
                try:
                    compile_pattern(spec.pattern)
                except PatternError as exc:
                    yield "properties", f"'{key}': invalid regular expression: {exc}"
            if spec.min is not None and spec.max is not None and spec.min > spec.max:
                yield "properties", f"'{key}': min ({spec.min:g}) is above max ({spec.max:g})"
            if kind in ("checkbox", "date", "datetime") and (
                spec.min is not None or spec.max is not None
            ):
                yield "properties", f"'{key}': min and max do not apply to type {kind}"

    def uses_index(self, options: PropertiesOptions) -> bool:
        """Only `link` and `links` values read the index: a rule without them runs as soon as
        a note is parsed (the batch runner's first stage), not after the index is built."""
        try:
            specs = [_as_spec(v) for v in options.properties.values()]
        except ValueError:
            return True
        return any(spec.type in ("link", "links") for spec in specs)

    def prepare(self, options: PropertiesOptions, vault: Path | None) -> PropertiesState:
        specs = {}
        for key, raw in options.properties.items():
            spec = _as_spec(raw)
            kind = "multitext" if spec.type == "list" else spec.type
            pattern = compile_pattern(spec.pattern) if spec.pattern is not None else None
            enum = frozenset(_enum_text(v) for v in spec.enum)
            ranged = spec.min is not None or spec.max is not None
            per_item = bool(enum) or pattern is not None or spec.equals is not None
            obsidian = kind in TYPE_NAMES and not (
                kind in ("date", "datetime") and spec.format is not None
            )
            specs[key.casefold()] = _Compiled(
                key, spec, kind, pattern, enum, ranged, per_item, obsidian
            )
        required = tuple(dict.fromkeys(options.required))
        folded = tuple((k, k.casefold()) for k in required)
        listed = frozenset(specs) | {f for _, f in folded}
        forbidden = frozenset(k.casefold() for k in options.forbidden)
        return PropertiesState(
            required,
            forbidden,
            None if options.additional else listed,
            specs,
            folded,
            frozenset(f for _, f in folded),
        )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        # Runs on every note a rule applies to (often all of them): the keys are folded once,
        # a key with nothing to check is passed over at once, and a value's items are looked
        # at only when an option asks about each item.
        state: PropertiesState | None = ctx.state
        if state is None:
            state = self.prepare(ctx.options, None)
        if note.problems and any(p.code == INVALID_FRONTMATTER for p in note.problems):
            return  # its properties are unknown; invalid-frontmatter says why
        fields = [(f, f.key.casefold()) for f in note.fields if isinstance(f.key, str)]
        if state.required_folded:
            present = {folded for _, folded in fields}
            for key, folded in state.required_folded:
                if folded not in present:
                    yield ctx.note_diagnostic(note, f"missing required property '{key}'")
        required, forbidden, listed = state.required_set, state.forbidden, state.listed
        specs = state.specs
        for fld, folded in fields:
            if folded in forbidden:
                yield ctx.diagnostic(note, fld.key_span, f"property '{fld.key}' is forbidden here")
                continue
            if listed is not None and folded not in listed:
                yield ctx.diagnostic(
                    note,
                    fld.key_span,
                    f"property '{fld.key}' is not in this rule's schema (additional: false)",
                )
                continue
            compiled = specs.get(folded)
            if compiled is None and folded not in required:
                continue  # a key this rule says nothing about
            if is_empty(fld.value, fld.source):
                if folded in required:
                    yield ctx.diagnostic(
                        note, fld.key_span, f"required property '{fld.key}' is empty"
                    )
                continue
            if compiled is not None:
                found = self._check_value(note, fld, compiled, ctx)
                if found:
                    yield from found

    def _check_value(
        self, note: Note, fld: Field, c: _Compiled, ctx: CheckContext
    ) -> list[Diagnostic]:
        spec, kind, key = c.spec, c.kind, fld.key
        if c.obsidian:  # as _type_problems would, without its dispatch
            assert kind is not None
            wrong = value_problems(kind, fld)
            if wrong:
                wants = TYPE_NAMES[kind]
                return [
                    ctx.diagnostic(note, span, f"'{key}': {why} (the rule wants {wants})")
                    for span, why in wrong
                ]
        elif kind is not None:
            problems = self._type_problems(note, fld, c, ctx)
            if problems:
                # a value of the wrong type: its other constraints would only repeat it
                return [ctx.diagnostic(note, span, f"'{key}': {why}") for span, why in problems]
        if not (c.ranged or c.per_item):
            return []
        found: list[Diagnostic] = []
        is_list = isinstance(fld.value, list)
        if c.ranged:
            # as many items as values_of(fld) gives: a list's items, else the value itself
            count = len(fld.items) if is_list else 1
            why = self._range_problem(fld, spec, is_list or kind in _LIST_KINDS, count)
            if why is not None:
                found.append(ctx.diagnostic(note, fld.value_span, f"'{key}': {why}"))
        if not c.per_item:
            return found
        items = values_of(fld) if is_list else [Value(fld.value, fld.source, fld.value_span)]
        slow = False
        for item in items:
            if is_empty(item.value, item.source):
                continue
            text = written_text(item.value, item.source)
            if c.enum and text not in c.enum:
                allowed = ", ".join(sorted(c.enum))
                found.append(
                    ctx.diagnostic(
                        note, item.span, f"'{key}': '{shown(text)}' is not one of: {allowed}"
                    )
                )
            if c.pattern is not None and not slow:
                try:
                    matched = c.pattern.search(text, timeout=TIMEOUT) is not None
                except TimeoutError:
                    slow = True
                    found.append(ctx.diagnostic(note, item.span, f"'{key}': {too_slow(c.pattern)}"))
                else:
                    if not matched:
                        found.append(
                            ctx.diagnostic(
                                note,
                                item.span,
                                f"'{key}': '{shown(text)}' does not match the pattern "
                                f"'{c.pattern.pattern}'",
                            )
                        )
            if spec.equals == "filename":
                name = posixpath.basename(note.path)
                name = name[:-3] if name.lower().endswith(".md") else name
                if text != name:
                    found.append(
                        ctx.diagnostic(
                            note,
                            item.span,
                            f"'{key}': '{shown(text)}' is not the note's file name '{name}'",
                        )
                    )
        return found

    def _type_problems(
        self, note: Note, fld: Field, c: _Compiled, ctx: CheckContext
    ) -> list[tuple[Span, str]]:
        kind = c.kind
        assert kind is not None
        if kind in ("link", "links"):
            return self._link_problems(note, fld, c, ctx)
        if kind in ("date", "datetime") and c.spec.format is not None:
            if isinstance(fld.value, list | dict) and not unquoted_link(fld.value, fld.source):
                return [(fld.value_span, "a list or mapping, not a date")]
            text = written_text(fld.value, fld.source)
            why = strftime_problem(text, c.spec.format)
            return [] if why is None else [(fld.value_span, why)]
        found = value_problems(kind, fld)
        return [(span, f"{why} (the rule wants {TYPE_NAMES[kind]})") for span, why in found]

    def _link_problems(
        self, note: Note, fld: Field, c: _Compiled, ctx: CheckContext
    ) -> list[tuple[Span, str]]:
        single = c.kind == "link"
        if unquoted_link(fld.value, fld.source):
            return [(fld.value_span, unquoted_link_message(fld.source))]
        if isinstance(fld.value, list):
            if single:
                return [(fld.value_span, "a list; this property holds one link")]
            found = value_problems("multitext", fld)  # nested lists, unquoted `- [[x]]`
            items = [Value(i.value, i.source, i.span) for i in fld.items]
        elif isinstance(fld.value, dict):
            return [(fld.value_span, "a mapping, not a link")]
        else:
            found = []
            items = [Value(fld.value, fld.source, fld.value_span)]
        for item in items:
            if is_empty(item.value, item.source):
                continue
            why = self._link_problem(note, written_text(item.value, item.source), c, ctx)
            if why is not None:
                found.append((item.span, why))
        return sorted(found)

    @staticmethod
    def _link_problem(note: Note, text: str, c: _Compiled, ctx: CheckContext) -> str | None:
        folder = (c.spec.folder or "").strip("/")
        link = wikilink(text)
        if link is None:
            return PropertiesCheck._not_a_link(note, text, folder, ctx)
        path, _subpath = link
        target = ctx.index.resolve(path, note.path)
        if target is None:
            return f"'{shown(text)}' links to '{path}', which does not exist"
        if folder and not target.startswith(folder + "/"):
            return f"'{shown(text)}' links to '{target}', not into '{folder}/'"
        return None

    @staticmethod
    def _not_a_link(note: Note, text: str, folder: str, ctx: CheckContext) -> str:
        """Plain text where a link is wanted: the link to write when the text names one note
        (into ``folder`` if given) by its file name or one of its aliases."""

        def inside(path: str) -> bool:
            return not folder or path.startswith(folder + "/")

        target = ctx.index.resolve(text, note.path) if "[" not in text else None
        if target is not None and inside(target):
            return f"'{shown(text)}' is not a link; write \"[[{shown(text)}]]\""
        owners = [p for p in ctx.index.names.alias_owners(text) if inside(p)]
        if len(owners) == 1:
            name = ctx.index.names.linktext(owners[0], note.path)
            return f"'{shown(text)}' is not a link; write \"[[{shown(name)}|{shown(text)}]]\""
        where = f"in '{folder}/' " if folder else ""
        if owners:
            return f"'{shown(text)}' is not a link ({len(owners)} notes {where}have it as an alias)"
        return f"'{shown(text)}' is not a link, and no note {where}has that name or alias"

    @staticmethod
    def _range_problem(fld: Field, spec: PropertySpec, is_list: bool, count: int) -> str | None:
        lo, hi = spec.min, spec.max
        if is_list:
            measure, what = count, "items"
        elif isinstance(fld.value, int | float) and not isinstance(fld.value, bool):
            measure, what = fld.value, ""
        else:
            measure, what = len(written_text(fld.value, fld.source)), "characters"
        if (lo is None or measure >= lo) and (hi is None or measure <= hi):
            return None
        bounds = (
            f"between {lo:g} and {hi:g}"
            if lo is not None and hi is not None
            else f"at least {lo:g}"
            if lo is not None
            else f"at most {hi:g}"
        )
        if what:
            word = "item" if what == "items" else "character"
            return f"has {_plural(measure, word)}; the rule wants {bounds} {what}"
        return f"{measure:g} is not {bounds}"
