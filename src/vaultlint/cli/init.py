"""``vaultlint init``: write a ``.vaultlint.yaml`` that captures the vault's own conventions.

The conventions come from :mod:`vaultlint.vault.conventions`; this module writes them as rules,
each with a comment saying how many notes follow it and how many do not, and the tag vocabulary
as a word list beside the config. It never overwrites a config (or the word list) unless
``--force``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vaultlint.cli.base import Command, Outcome, UsageError, resolve_root, shown_path

if TYPE_CHECKING:  # imported by `run`: other commands do not pay for the inference
    from vaultlint.vault.conventions import Conventions

CONFIG_NAME = ".vaultlint.yaml"
TAGS_NAME = "vaultlint-tags.txt"
_PLAIN = r"[A-Za-z][A-Za-z0-9_-]*\Z"  # compiled on use (re's cache), not at import
_YAML_WORDS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}
)  # would not read back as the string


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        metavar="DIR",
        help="a folder of the vault (finds the vault, as scan's PATH does; default: here)",
    )
    parser.add_argument("--vault", metavar="DIR", help="the vault (default: found from here)")
    parser.add_argument("--force", action="store_true", help=f"overwrite an existing {CONFIG_NAME}")


def _q(text: str) -> str:
    """A YAML scalar that reads back as the string ``text``."""
    if re.match(_PLAIN, text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _slug(folders: tuple[str, ...]) -> str:
    """A rule id's suffix: ``-missions`` for one folder, nothing for several or the vault."""
    if len(folders) != 1 or not folders[0]:
        return ""
    words = re.sub(r"[^a-z0-9]+", "-", folders[0].rsplit("/", 1)[-1].lower()).strip("-")
    return "-" + words if words else ""


def _where(folders: tuple[str, ...], exclude: tuple[str, ...] = ()) -> str | None:
    """The rule's scope (None: the whole vault, no ``where``)."""
    parts = []
    if any(folders):
        parts.append(f"paths: [{', '.join(_q(f + '/**') for f in folders)}]")
    if exclude:
        parts.append(f"exclude: [{', '.join(_q(x + '/**') for x in exclude)}]")
    return f"    where: {{{', '.join(parts)}}}" if parts else None


def _place(folders: tuple[str, ...]) -> str:
    if not any(folders):
        return "notes"
    return "notes below " + ", ".join(f + "/" for f in folders)


def _rule_id(base: str, used: set[str]) -> str:
    rule_id, n = base, 2
    while rule_id in used:
        rule_id, n = f"{base}-{n}", n + 1
    used.add(rule_id)
    return rule_id


def render_config(conv: Conventions, tags_file: str | None) -> str:
    """The ``.vaultlint.yaml`` text for the conventions found."""
    from vaultlint.vault.date_conventions import date_pattern
    from vaultlint.words import plural

    out: list[str | None] = [
        "# vaultlint configuration written by `vaultlint init` from this vault's conventions.",
        f"# {conv.notes} notes read (templates and Obsidian's excluded files left out). A",
        "# convention is written down when nearly every note it is about follows it; each rule",
        "# says how many notes follow it and how many do not. Edit freely (`vaultlint rule ID`).",
        "extends: [recommended]",
        "",
    ]
    if conv.declared:
        broken = sum(c.miss for c in conv.declared_counts.values())
        out += [
            f"# .obsidian/types.json gives {len(conv.declared)} properties their types; the",
            "# recommended pack's `property-type` rule checks them"
            + (f" ({plural(broken, 'value does', 'values do')} not fit):" if broken else ":"),
        ]
        for key, count in sorted(conv.declared_counts.items()):
            if count.miss:
                out.append(f"#   {key} ({conv.declared[key]}): {count.comment()}")
        out.append("")
    out.append("rules:")
    used: set[str] = set()
    rules = 0
    if conv.types:
        rules += 1
        out += [
            "  # Property types seen in the notes (not in .obsidian/types.json).",
            f"  {_rule_id('property-shapes', used)}:",
            "    check: properties",
            "    properties:",
        ]
        for pt in conv.types:
            spec = f"type: {pt.type}" + (f", format: {_q(pt.format)}" if pt.format else "")
            out.append(f"      {_q(pt.key)}: {{{spec}}}  # {pt.count.comment()}")
        out.append("")
    for fk in conv.keys:
        rules += 1
        place = _place(fk.folders)
        out.append(f"  # Keys nearly every one of the {place} has:")
        for key, count in fk.keys:
            out.append(f"  #   {key}: {count.comment()}")
        out += [
            f"  {_rule_id('required-properties' + _slug(fk.folders), used)}:",
            "    check: properties",
            _where(fk.folders, fk.exclude),
            f"    required: [{', '.join(_q(k) for k, _ in fk.keys)}]",
            "",
        ]
    for fs in conv.sections:
        rules += 1
        place = _place(fs.folders)
        out.append(f"  # Sections nearly every one of the {place} has: {fs.count.comment()}")
        if fs.order_count is not None:
            out.append(f"  # In this order: {fs.order_count.comment()}")
        out += [
            f"  {_rule_id('sections' + _slug(fs.folders), used)}:",
            "    check: required-sections",
            _where(fs.folders, fs.exclude),
            f"    sections: [{', '.join(_q(s) for s in fs.sections)}]",
        ]
        if fs.level is not None:
            out.append(f"    level: {fs.level}")
        if fs.order:
            out.append("    order: true")
        out.append("")
    if conv.body_dates:
        rules += 1
        kinds = {bd.kind for bd in conv.body_dates}
        pattern = date_pattern("day" in kinds, "month" in kinds)
        out.append("  # Dates in note bodies:")
        for bd in conv.body_dates:
            out.append(f"  #   {bd.kind}s written {bd.format}: {bd.count.comment()}")
        out += [
            f"  {_rule_id('body-dates', used)}:",
            "    check: date-format",
            "    pattern: '" + pattern.replace("'", "''") + "'",
            f"    formats: [{', '.join(_q(bd.format) for bd in conv.body_dates)}]",
            "",
        ]
    if tags_file is not None and conv.tags is not None:
        rules += 1
        out.append(
            f"  # The tags in use ({len(conv.tags.tags)}), listed in {tags_file}; "
            "`case: any` as tag-case checks spelling."
        )
        for typo, meant in conv.tags.left_out:
            why = f" (probably '{meant}')" if meant else " (most tags are in several notes)"
            out.append(f"  #   left out: '{typo}', used by one note{why}")
        out += [
            f"  {_rule_id('tag-vocabulary', used)}:",
            "    check: tags",
            f"    allowed_file: {_q(tags_file)}",
            "    case: any",
            "",
        ]
    if rules == 0:
        out[out.index("rules:")] = "rules: {}  # no convention holds in nearly every note"
    return "\n".join(line for line in out if line is not None).rstrip("\n") + "\n"


def render_tags(conv: Conventions) -> str:
    from vaultlint.words import plural

    assert conv.tags is not None
    lines = [
        "# Tags in use in this vault, written by `vaultlint init` (one per line; a line that",
        "# starts with '#' and a space is a comment). Read by the tag-vocabulary rule.",
    ]
    for typo, meant in conv.tags.left_out:
        why = f"; probably {meant}" if meant else ""
        lines.append(f"# left out: {typo} (used by one note{why})")
    lines += [f"{tag}  # {plural(n, 'note')}" for tag, n in conv.tags.tags]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> Outcome:
    from vaultlint.vault.conventions import infer, read_notes
    from vaultlint.vault.property_types import TypesFileError, read_property_types, types_file

    cwd = Path.cwd()
    if args.folder is not None and not (cwd / args.folder).is_dir():
        raise UsageError(f"{args.folder}: not a folder (vaultlint init [DIR] writes the vault's)")
    args.paths = [] if args.folder is None else [args.folder]
    root = resolve_root(args, cwd)
    config_path = root / CONFIG_NAME
    tags_path = root / TAGS_NAME
    if not args.force:
        for path in (config_path, root / ".vaultlint.yml", tags_path):
            if path.exists():
                raise UsageError(f"{path} exists already; vaultlint init --force overwrites it")
    try:
        types = read_property_types(root)
    except TypesFileError as exc:  # at the file's own place, as the user would open it
        place = "".join(f":{n}" for n in (exc.line, exc.column) if n)
        raise UsageError(f"{shown_path(str(types_file(root)))}{place}: {exc.message}") from None
    declared = {}
    if types is not None:
        # the spelling of types.json itself, for the comments
        raw = json.loads((root / ".obsidian" / "types.json").read_text(encoding="utf-8-sig"))
        declared = {k: v for k, v in raw["types"].items() if types.type_of(k) == v}
    notes = read_notes(root)
    if not notes:
        raise UsageError(f"no notes found in {root}")
    conv = infer(notes, declared)
    tags_file = TAGS_NAME if conv.tags is not None and conv.tags.tags else None
    text = render_config(conv, tags_file)
    if tags_file is not None:
        tags_path.write_text(render_tags(conv), encoding="utf-8")
    config_path.write_text(text, encoding="utf-8")
    written = f"{config_path}" + (f" and {tags_path}" if tags_file else "")
    print(f"vaultlint: wrote {written} from {len(notes)} notes", file=sys.stderr)
    return Outcome.CLEAN


COMMAND = Command(
    name="init",
    add_arguments=add_arguments,
    run=run,
)
