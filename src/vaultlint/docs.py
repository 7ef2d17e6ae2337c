"""Rule documentation for ``vaultlint rule ID``: the check's docs, its options, its examples."""

from __future__ import annotations

import dataclasses
import difflib
import typing
from pathlib import Path
from typing import Any

import yaml

from vaultlint.checks import REGISTRY
from vaultlint.checks.base import Check
from vaultlint.escape import printable


def type_name(tp: Any) -> str:
    """A readable name of an option's type (``list of strings``, ``integer or null``…)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is bool:
        return "boolean"
    if tp is int:
        return "integer"
    if tp is str:
        return "string"
    if origin is tuple:
        return f"list of {type_name(args[0])}s" if args else "list"
    if origin is typing.Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return " or ".join(type_name(a) for a in rest) + " (optional)"
    return getattr(tp, "__name__", str(tp))


def option_rows(check: type[Check]) -> list[tuple[str, str, str, str]]:
    """(name, type, default, doc) of each option of a check."""
    hints = typing.get_type_hints(check.Options)
    rows = []
    for f in dataclasses.fields(check.Options):
        if f.default is not dataclasses.MISSING:
            default = _yaml_value(f.default)
        elif f.default_factory is not dataclasses.MISSING:
            default = _yaml_value(f.default_factory())
        else:
            default = "(required)"
        rows.append((f.name, type_name(hints[f.name]), default, f.metadata.get("doc", "")))
    return rows


def _yaml_value(value: Any) -> str:
    if isinstance(value, tuple):
        value = list(value)
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


class UnknownRuleError(LookupError):
    """``vaultlint rule ID`` with an ID that is neither a rule nor a check (a usage error)."""


@dataclasses.dataclass(frozen=True)
class EngineRuleDoc:
    """The documentation of a rule vaultlint reports itself (no check, no options)."""

    severity: str
    what: str
    example: str
    remedy: str


#: every rule id of :data:`~vaultlint.checks.ENGINE_RULES`, documented (a test holds them equal)
ENGINE_RULE_DOCS: dict[str, EngineRuleDoc] = {
    "internal-error": EngineRuleDoc(
        "error",
        "A rule (or the note's reader) raised an exception on this note: a bug in vaultlint. "
        "The other rules of the note and the other notes are still checked, and the run "
        "exits 2 (vaultlint itself failed).",
        "rule 'broken-link' (check 'links') failed on this note: KeyError: 'x' at "
        "links.py:120; please report this bug",
        "Report it with the note that triggers it. No suppression comment silences it; only "
        "`--ignore internal-error` (or a `--select` that names it) hides it.",
    ),
    "unreadable-note": EngineRuleDoc(
        "error",
        "The note could not be read (permissions, a file removed during the run, an I/O "
        "error), so no rule checked it. Reported at 1:1.",
        "cannot read the note: Permission denied",
        "Make the note readable by the user running vaultlint, or exclude it.",
    ),
    "note-too-large": EngineRuleDoc(
        "error",
        "The note is larger than vaultlint reads (32 MiB), so no rule checked it. Reported at 1:1.",
        "the note is 40 MiB, over the 32 MiB vaultlint reads a note: it was not checked",
        "Split the note, or exclude it (`exclude:` in `.vaultlint.yaml`).",
    ),
    "outside-vault": EngineRuleDoc(
        "info",
        "A symbolic link in the vault leads outside it: vaultlint never follows it nor "
        "reads what it points to. Reported at 1:1 of the link's path.",
        "a symbolic link that leads outside the vault: not followed, not read",
        "Nothing to fix when it is meant; `--ignore outside-vault` turns it off.",
    ),
    "unknown-rule-in-suppression": EngineRuleDoc(
        "warning",
        "A `vaultlint-disable…` comment names a rule that no configured rule has, so it "
        "silences nothing. Reported at the name.",
        "%% vaultlint-disable-next-line broken-lnk %% gives: unknown rule 'broken-lnk' in a "
        "suppression comment; did you mean 'broken-link'?",
        "Spell the rule id as `vaultlint rules` lists it, or remove the comment.",
    ),
    "fix-failed": EngineRuleDoc(
        "error",
        "`--fix` left the note as it was: writing it failed (an error), or the note changed "
        "since it was scanned, is a symbolic link, is not a regular file or not UTF-8, or "
        "its fixes do not converge (a warning).",
        "not fixed: the note changed since it was scanned (saved by an editor?); run "
        "vaultlint again",
        "Run `vaultlint scan --fix` again once the note is writable and no editor is saving it.",
    ),
}


def _lookup(rule_id: str, config: Any) -> tuple[type[Check], Any]:
    """The check behind a rule id (from the configuration) or a check name."""
    for rule in config.rules:
        if rule.id == rule_id:
            return REGISTRY[rule.check], rule
    if rule_id in REGISTRY:
        return REGISTRY[rule_id], None
    known = sorted({r.id for r in config.rules} | set(REGISTRY) | set(ENGINE_RULE_DOCS))
    close = difflib.get_close_matches(rule_id, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UnknownRuleError(f"unknown rule or check '{rule_id}'{hint} (see `vaultlint rules`)")


def render_rule_doc(rule_id: str, config: Any = None) -> str:
    """A rule's documentation; ``config`` is the configuration whose rules are known (default:
    the built-in ``recommended`` pack)."""
    if config is None:
        from vaultlint.config import load_config

        config = load_config(None, Path.cwd())
    if rule_id in ENGINE_RULE_DOCS and all(r.id != rule_id for r in config.rules):
        return _engine_rule_doc(rule_id, ENGINE_RULE_DOCS[rule_id])
    check, rule = _lookup(rule_id, config)
    lines: list[str] = []
    if rule is not None:
        lines.append(f"# {rule.id}")
        lines.append("")
        lines.append(f"Check: {rule.check}    Default severity: {rule.severity}")
        if rule.description and rule.description != check.summary:
            lines.append("")
            lines.append(rule.description)
        lines.extend(_this_rule(rule, check))
    else:
        lines.append(f"# check: {check.name}")
    lines.append("")
    doc = typing.cast(str, check.__doc__ or "")
    lines.append(_dedent_doc(doc))
    rows = option_rows(check)
    if rows:
        lines.append("")
        lines.append("## Option reference")
        for name, tname, default, text in rows:
            lines.append(f"- `{name}` ({tname}, default {default}): {text}")
    for ex in check.examples:
        lines.append("")
        verdict = "fails" if ex.expect else "passes"
        lines.append(f"## Example that {verdict}: {ex.title}")
        if ex.options:
            lines.append("Options: " + _yaml_value(ex.options))
        for path, text in ex.files.items():
            lines.append(f"{path}:")
            lines.extend("    " + line for line in text.splitlines())
        if ex.expect:
            where = ", ".join(f"{line}:{col}" for line, col in ex.expect)
            lines.append(f"Reported at {where}.")
    return "\n".join(lines).rstrip() + "\n"


def _plain(value: Any) -> Any:
    """Option values as YAML writes them: tuples as lists, an option's nested settings as a
    mapping of the settings that differ from their defaults."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(v) for name, v in _set_fields(value).items()}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _set_fields(options: Any) -> dict[str, Any]:
    """The fields of a dataclass whose values are not their defaults (required ones always)."""
    out = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if f.default is not dataclasses.MISSING:
            default: Any = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            out[f.name] = value
            continue
        if value != default:
            out[f.name] = value
    return out


def _this_rule(rule: Any, check: type[Check]) -> list[str]:
    """``## This rule``: the rule as the configuration defines it (where it is defined, its
    severity, scope, message and the options it sets), in the shape of ``.vaultlint.yaml``."""
    from vaultlint.config.packs import builtin_pack_path, list_packs

    path, _, line = (rule.origin or "").rpartition(":")
    defined = f"at {rule.origin}"
    if path and Path(path).is_absolute() and Path(path).is_relative_to(Path.cwd()):
        defined = f"at {Path(path).relative_to(Path.cwd()).as_posix()}:{line}"
    for name in list_packs():
        if path == str(builtin_pack_path(name)):
            defined = f"in the built-in '{name}' pack (line {line})"
    data: dict[str, Any] = {"check": rule.check, "severity": rule.severity}
    where = _set_fields(rule.where)
    if "frontmatter" in where:
        where["frontmatter"] = {
            key: values[0] if len(values) == 1 else list(values)
            for key, values in where["frontmatter"]
        }
    if where:
        data["where"] = _plain(where)
    if rule.message:
        data["message"] = rule.message
    if dataclasses.is_dataclass(rule.options):
        data.update(_plain(rule.options))
    text = "".join(  # one key at a time: the top level is a block mapping, lists are flow
        yaml.safe_dump(
            {key: value},
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None if isinstance(value, list | dict) else False,
            width=88,
        )
        for key, value in data.items()
    )
    return [
        "",
        "## This rule",
        f"Defined {printable(defined)}; options at their defaults are left out:",
        *("    " + printable(line) for line in text.splitlines()),
    ]


def _engine_rule_doc(rule_id: str, doc: EngineRuleDoc) -> str:
    """``vaultlint rule ID`` for a rule vaultlint reports itself."""
    from vaultlint.checks import ENGINE_RULES

    return (
        "\n".join(
            [
                f"# {rule_id}",
                "",
                f"Reported by vaultlint itself (no check)    Severity: {doc.severity}",
                "",
                ENGINE_RULES[rule_id][:1].upper() + ENGINE_RULES[rule_id][1:] + ".",
                "",
                "## What it does",
                doc.what,
                "",
                "## What to do",
                doc.remedy,
                "",
                "## Options",
                f"None. `--ignore {rule_id}` and `--select` take its id as any rule's.",
                "",
                "## Example",
                doc.example,
            ]
        )
        + "\n"
    )


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
