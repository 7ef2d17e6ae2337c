"""The ``rules`` of configuration files, merged into validated :class:`Rule` objects.

Each file's ``rules`` mapping is read into drafts (:class:`Draft`), one per rule id, in
definition order: a rule given again is merged key by key (each option given replaces that
option; ``where`` is replaced as a whole); giving it a different ``check`` redefines it from
scratch, unless a built-in pack defined it (an error: those ids keep their check). Options
are converted by the check's option schema (:mod:`vaultlint.config.schema`). When every file
is read, :meth:`RuleDefinitions.build` checks each draft's required options and
the check's own validation, and makes the rules.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.checks import ENGINE_RULES, REGISTRY
from vaultlint.checks.base import Check, FileProblem
from vaultlint.config import yamlfile
from vaultlint.config.errors import ConfigError
from vaultlint.config.reading import ConfigFile
from vaultlint.config.ruleset import EVERYWHERE, Rule, Where
from vaultlint.config.schema import SchemaError, dotted, struct_schema, suggest

SEVERITY_NAMES = ("off", "info", "warning", "error")
DEFAULT_SEVERITY = "warning"
RESERVED_RULE_KEYS = ("check", "severity", "where", "message", "description")
WHERE_KEYS = ("paths", "exclude", "tags", "exclude_tags", "frontmatter", "has", "missing")

_RULE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*\Z")


@dataclass
class Draft:
    """A rule while its definitions are being merged."""

    id: str
    check: str
    check_cls: type[Check]
    origin: tuple[str, int]
    #: defined by a built-in pack: a config may adjust it, not give it another check
    builtin: bool = False
    severity: str = DEFAULT_SEVERITY
    enabled_severity: str = DEFAULT_SEVERITY
    where: Where = EVERYWHERE
    message: str | None = None
    description: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: option -> (file, line) of the key that last set it, for value errors
    marks: dict[str, tuple[str, int]] = field(default_factory=dict)


class RuleDefinitions:
    """The rules defined so far, by id (in definition order), while files are read."""

    def __init__(self) -> None:
        self.drafts: dict[str, Draft] = {}

    def read(self, src: ConfigFile, node: Node) -> None:
        if yamlfile.is_null(node):
            return
        if not isinstance(node, MappingNode):
            src.fail(
                node,
                f"'rules' must be a mapping of rule ids to settings, not {yamlfile.shown(node)}",
                "rules",
            )
        for rule_id, key_node, value_node in src.pairs(node):
            self._rule_id(src, key_node)
            if isinstance(value_node, MappingNode):
                self._rule_mapping(src, rule_id, key_node, value_node)
            elif isinstance(value_node, ScalarNode) and not yamlfile.is_null(value_node):
                draft = self.drafts.get(rule_id)
                if draft is None:
                    self._undefined(src, rule_id, key_node)
                self._set_severity(src, draft, value_node, rule_id)
            else:
                src.fail(
                    value_node,
                    f"rule '{rule_id}' must be a severity (off, info, warning, error) or a "
                    f"mapping of settings, not {yamlfile.shown(value_node)}",
                    rule_id,
                )

    def _rule_id(self, src: ConfigFile, key_node: Node) -> None:
        if key_node.tag != yamlfile.STR:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            src.fail(key_node, f"a rule id must be a string, not {yamlfile.shown(key_node)}", key)
        if not _RULE_ID.match(key_node.value):
            src.fail(
                key_node,
                f"invalid rule id '{key_node.value}': use letters, digits, '-', '_', '.' and '/' "
                "(no spaces or commas)",
                key_node.value,
            )

    def _undefined(self, src: ConfigFile, rule_id: str, key_node: Node) -> NoReturn:
        near = suggest(rule_id, self.drafts)
        if rule_id in ENGINE_RULES:  # `outside-vault: off`: no check stands behind it
            message = (
                f"rule '{rule_id}' is reported by vaultlint itself, not by a check, so a config "
                f"cannot set it; `--ignore {rule_id}` turns it off"
            )
        elif near:
            message = f"unknown rule '{rule_id}'{near}; a new rule needs a 'check'"
        else:
            message = (
                f"rule '{rule_id}' is not defined by a pack, so it needs a 'check' (one of: "
                + ", ".join(sorted(REGISTRY))
                + ")"
            )
        src.fail(key_node, message, rule_id)

    def _redefined(self, src: ConfigFile, builtin: Draft, name: str, node: Node) -> NoReturn:
        pack = Path(builtin.origin[0]).stem
        src.fail(
            node,
            f"rule '{builtin.id}' is a built-in rule of check '{builtin.check}' (pack '{pack}'), "
            f"so it cannot be given check '{name}': leave out 'check' to adjust it, or give the "
            f"new rule an id of its own (e.g. 'my-{builtin.id}')",
            "check",
        )

    def _set_severity(self, src: ConfigFile, draft: Draft, node: Node, key: str) -> None:
        rule = f"rule '{draft.id}'"
        if not isinstance(node, ScalarNode) or yamlfile.is_null(node):
            src.fail(
                node,
                f"the severity of {rule} must be one of off, info, warning, error, "
                f"not {yamlfile.shown(node)}",
                key,
            )
        severity = node.value.strip().lower()
        if severity not in SEVERITY_NAMES:
            src.fail(
                node,
                f"unknown severity '{node.value}' for {rule}{suggest(severity, SEVERITY_NAMES)}; "
                "use off, info, warning or error",
                key,
            )
        draft.severity = severity
        if severity != "off":
            draft.enabled_severity = severity

    def _rule_mapping(
        self, src: ConfigFile, rule_id: str, key_node: Node, node: MappingNode
    ) -> None:
        entries = src.pairs(node)
        given = {key: (k, v) for key, k, v in entries}
        existing = self.drafts.get(rule_id)
        if "check" in given:
            _check_key, check_node = given["check"]
            if not isinstance(check_node, ScalarNode) or yamlfile.is_null(check_node):
                value = yamlfile.shown(check_node)
                problem = f"'check' of rule '{rule_id}' must be a check name, not {value}"
                src.fail(check_node, problem, "check")
            name = check_node.value
            check_cls = REGISTRY.get(name)
            if check_cls is None:
                near = suggest(name, REGISTRY)
                listing = "" if near else " (one of: " + ", ".join(sorted(REGISTRY)) + ")"
                src.fail(
                    check_node,
                    f"unknown check '{name}' for rule '{rule_id}'{near}{listing}",
                    "check",
                )
            if existing is not None and existing.check == name:
                draft = existing
            else:
                if existing is not None and existing.builtin:
                    self._redefined(src, existing, name, check_node)
                origin = (src.shown, yamlfile.line(key_node))
                draft = Draft(rule_id, name, check_cls, origin, src.builtin)
        elif existing is not None:
            draft = existing
        else:
            self._undefined(src, rule_id, key_node)

        option_fields = struct_schema(draft.check_cls.Options).fields
        rule = f"rule '{rule_id}'"
        for key, k_node, v_node in entries:
            if key == "check":
                continue
            if key == "severity":
                self._set_severity(src, draft, v_node, "severity")
            elif key == "where":
                draft.where = self._where(src, rule_id, v_node)
            elif key in ("message", "description"):
                text = None
                if not yamlfile.is_null(v_node):
                    if not isinstance(v_node, ScalarNode) or v_node.tag != yamlfile.STR:
                        value = yamlfile.shown(v_node)
                        hint = ""
                        if isinstance(v_node, ScalarNode):  # `message: 5`, `description: true`
                            hint = f" (quote it for a string: '{v_node.value}')"
                        problem = f"'{key}' of {rule} must be a string, not {value}{hint}"
                        src.fail(v_node, problem, key)
                    text = v_node.value
                if key == "message" and text is not None:
                    self._check_template(src, rule_id, v_node, text)
                setattr(draft, key, text)
            elif key in option_fields:
                try:
                    draft.options[key] = option_fields[key].schema.convert(v_node, (key,))
                except SchemaError as exc:
                    src.fail(
                        exc.node,
                        exc.message(f"option '{dotted(exc.path)}' of {rule}"),
                        dotted(exc.path),
                    )
                draft.marks[key] = (src.shown, yamlfile.line(k_node))
            else:
                near = suggest(key, [*option_fields, *RESERVED_RULE_KEYS])
                if near:
                    hint = near
                elif option_fields:
                    hint = f" (the options of check '{draft.check}': {', '.join(option_fields)})"
                else:
                    hint = f" (check '{draft.check}' has no options)"
                src.fail(k_node, f"unknown option '{key}' for {rule}{hint}", key)
        self.drafts[rule_id] = draft

    def _check_template(self, src: ConfigFile, rule_id: str, node: Node, text: str) -> None:
        """Only ``{message}``: no other field, attribute, index, conversion or format spec (a
        spec such as ``{message:>300000000}`` would build a 300 MB string per finding)."""
        try:
            fields = [
                (name, spec, conversion)
                for _literal, name, spec, conversion in string.Formatter().parse(text)
                if name is not None
            ]
        except ValueError:
            fields = None
        if fields is None or any(f != ("message", "", None) for f in fields):
            src.fail(
                node,
                f"'message' of rule '{rule_id}' is not a valid template: write {{message}} for "
                "the check's own message (no format spec, conversion or attribute), and {{ and }} "
                "for literal braces",
                "message",
            )

    def _where(self, src: ConfigFile, rule_id: str, node: Node) -> Where:
        if yamlfile.is_null(node):
            return EVERYWHERE
        if not isinstance(node, MappingNode):
            src.fail(
                node,
                f"'where' of rule '{rule_id}' must be a mapping (keys: {', '.join(WHERE_KEYS)}), "
                f"not {yamlfile.shown(node)}",
                "where",
            )
        values: dict[str, Any] = {}
        for key, k_node, v_node in src.pairs(node):
            what = f"'where: {key}' of rule '{rule_id}'"
            if key in ("paths", "exclude"):
                values[key] = src.globs(v_node, what, key)
            elif key in ("tags", "exclude_tags", "has", "missing"):
                values[key] = tuple(t for t, _ in src.strings(v_node, what, key))
            elif key == "frontmatter":
                values[key] = self._where_frontmatter(src, what, v_node)
            else:
                hint = suggest(key, WHERE_KEYS) or " (its keys: " + ", ".join(WHERE_KEYS) + ")"
                src.fail(k_node, f"unknown key '{key}' in 'where' of rule '{rule_id}'{hint}", key)
        return Where(**values)

    def _where_frontmatter(
        self, src: ConfigFile, what: str, node: Node
    ) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        if yamlfile.is_null(node):
            return ()
        if not isinstance(node, MappingNode):
            src.fail(
                node,
                f"{what} must be a mapping of property names to a value or a list of values, "
                f"not {yamlfile.shown(node)}",
                "frontmatter",
            )
        result = []
        for key, _k_node, v_node in src.pairs(node):
            items = v_node.value if isinstance(v_node, SequenceNode) else [v_node]
            for item in items:
                if not isinstance(item, ScalarNode):
                    src.fail(
                        item,
                        f"the value of '{key}' in {what} must be a value or a list of values, "
                        f"not {yamlfile.shown(item)}",
                        key,
                    )
            # YAML 1.2, as notes' frontmatter is read: `draft: yes` is the text 'yes'
            result.append((key, tuple(yamlfile.scalar_value(item) for item in items)))
        return tuple(result)

    # the end

    def enabled_severities(self) -> tuple[tuple[str, str], ...]:
        """(rule id, severity) of the rules that are off: what ``--select`` turns them on at."""
        return tuple(
            (d.id, d.enabled_severity) for d in self.drafts.values() if d.severity == "off"
        )

    def build(self, vault: Path) -> tuple[Rule, ...]:
        """Every rule, validated (also those ``off``: ``--select`` may turn them on)."""
        return tuple(self._rule(draft, vault) for draft in self.drafts.values())

    def _rule(self, draft: Draft, vault: Path) -> Rule:
        file, line = draft.origin
        options_cls = draft.check_cls.Options
        fields = struct_schema(options_cls).fields
        missing = [n for n, f in fields.items() if f.required and n not in draft.options]
        if missing:
            raise ConfigError(
                file,
                line,
                f"rule '{draft.id}' (check '{draft.check}') needs option '{missing[0]}'",
                missing[0],
            )
        try:
            options = options_cls(**draft.options)
        except Exception as exc:
            raise ConfigError(
                file, line, f"invalid options for rule '{draft.id}': {exc}", draft.id
            ) from None
        try:
            problems = list(draft.check_cls().validate_options(options, vault))
        except Exception as exc:  # a check's own bug must not become a traceback here
            raise ConfigError(
                file,
                line,
                f"check '{draft.check}' failed to validate the options of rule '{draft.id}': "
                f"{type(exc).__name__}: {exc}",
                draft.id,
            ) from None
        if problems and isinstance(problems[0], FileProblem):
            problem = problems[0]
            raise ConfigError(
                str(problem.path),
                problem.line,
                f"{problem.message} (read by rule '{draft.id}')",
                column=problem.column,
            )
        if problems:
            name, message = problems[0]
            place = draft.marks.get(name, draft.origin)
            raise ConfigError(
                place[0], place[1], f"option '{name}' of rule '{draft.id}': {message}", name
            )
        return Rule(
            id=draft.id,
            check=draft.check,
            severity=draft.severity,
            options=options,
            where=draft.where,
            message=draft.message,
            description=draft.description,
            origin=f"{file}:{line}",
        )
