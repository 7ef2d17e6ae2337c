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


def _lookup(rule_id: str, config: Any) -> tuple[type[Check], Any]:
    """The check behind a rule id (from the configuration) or a check name."""
    for rule in config.rules:
        if rule.id == rule_id:
            return REGISTRY[rule.check], rule
    if rule_id in REGISTRY:
        return REGISTRY[rule_id], None
    known = sorted({r.id for r in config.rules} | set(REGISTRY))
    close = difflib.get_close_matches(rule_id, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise UnknownRuleError(f"unknown rule or check '{rule_id}'{hint} (see `vaultlint rules`)")


def render_rule_doc(rule_id: str, config: Any = None) -> str:
    """A rule's documentation; ``config`` is the configuration whose rules are known (default:
    the built-in ``recommended`` pack)."""
    if config is None:
        from vaultlint.config import load_config

        config = load_config(None, Path.cwd())
    check, rule = _lookup(rule_id, config)
    lines: list[str] = []
    if rule is not None:
        lines.append(f"# {rule.id}")
        lines.append("")
        lines.append(f"Check: {rule.check}    Default severity: {rule.severity}")
        if rule.description and rule.description != check.summary:
            lines.append("")
            lines.append(rule.description)
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


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
