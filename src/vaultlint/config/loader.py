"""The configuration: ``.vaultlint.yaml`` and rule packs, turned into validated rules.

The YAML is *composed* into nodes rather than loaded into Python values, for two reasons: every
key and value keeps its line, so an error names ``FILE:LINE`` and the key (as Vale does); and
values are built from nodes according to the type the check declares (the option schema), with
YAML 1.2's scalar types (``tag-case: off`` is the severity ``off``; ``tags: [yes]`` is the tag
``yes``).

Validation is strict, like yamllint's ``validate_rule_conf``: an unknown key, option, check,
severity or pack, or a value of the wrong type, is a :class:`ConfigError`, with a did-you-mean
suggestion where a near name exists. Loading never fails any other way.

Decisions where the contract is silent:

* A config without ``extends`` extends ``[recommended]``, as when there is no config at all;
  ``extends: []`` (or ``extends:`` given as null) asks for nothing built in. An empty config
  file (or one with only comments) is therefore the ``recommended`` pack. Pack files (those
  named in ``extends``) extend nothing unless they say so. ``exclude`` and ``rules`` given as
  null are empty.
* A pack file has the config's shape: ``extends``, ``exclude`` (appended, packs first),
  ``obsidian_excludes`` (the last file that sets it wins) and ``rules``. Entries of ``extends``
  with a ``/`` or ending in ``.yaml``/``.yml`` are files, relative to the file naming them;
  other entries are built-in pack names.
* Overriding a rule merges key by key: each option given replaces that option, the others stay;
  ``where`` is replaced as a whole (a scope is read as one condition). Giving a rule a different
  ``check`` redefines it from scratch (the earlier options would not fit the new check).
* ``Rule.origin`` is where the rule was defined (where its ``check`` was given).
* Every rule is validated, also those turned ``off``: ``--select`` may turn them on again.
* ``--select`` keeps the listed rules on and turns every other rule off (rules are never dropped,
  so ``vaultlint rules`` still lists them). A selected rule that is ``off`` is turned on at the
  last severity other than ``off`` that its definitions gave it (``warning`` when none did).
  ``--ignore`` is applied after ``--select`` and wins. The rule ids vaultlint reports itself
  (``checks.ENGINE_RULES``: ``unreadable-note``, ``internal-error``…) are accepted too:
  ``--ignore`` turns them off; ``--select`` turns off those it does not list, except
  ``internal-error`` (a bug in vaultlint is hidden only when asked for by name).
* Scalars are typed as YAML 1.2 types them (:mod:`vaultlint.config.yamlfile`), and options are
  converted by the option schema (:mod:`vaultlint.config.schema`): a boolean option takes
  ``true``/``false`` only (``yes`` is a string in YAML 1.2); a string option takes strings only
  (``pattern: 2025`` and ``sections: 7`` are errors that say to quote the value). A list of
  scalars also accepts a single value.
* Rule ids are letters, digits and ``-_./``: commas and spaces separate ids in ``--select`` and
  in disable comments.
* YAML merge keys (``<<: *defaults``) are honoured; a key given twice in one mapping is an error.
"""

from __future__ import annotations

import dataclasses
import os
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.checks import ENGINE_RULES, INTERNAL_ERROR, PARSE_FAILED, REGISTRY
from vaultlint.checks.base import Check
from vaultlint.config import safefile, yamlfile
from vaultlint.config.errors import ConfigError
from vaultlint.config.packs import builtin_pack_path, list_packs
from vaultlint.config.ruleset import EVERYWHERE, Rule, Where
from vaultlint.config.schema import SchemaError, dotted, struct_schema, suggest
from vaultlint.globs import compile_globs

SEVERITY_NAMES = ("off", "info", "warning", "error")
DEFAULT_SEVERITY = "warning"
CONFIG_KEYS = ("extends", "exclude", "rules", "obsidian_excludes")
RESERVED_RULE_KEYS = ("check", "severity", "where", "message", "description")
WHERE_KEYS = ("paths", "exclude", "tags", "exclude_tags", "frontmatter", "has", "missing")
#: deeper YAML is refused before composing it (libyaml's composer recurses in C)
MAX_NESTING = 64
#: a document expanding (through aliases and merge keys) to more values is refused
MAX_EXPANDED = 100_000

_RULE_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*\Z")
_STR, _NULL, _BOOL, _MERGE = yamlfile.STR, yamlfile.NULL, yamlfile.BOOL, yamlfile.MERGE


@dataclass(frozen=True)
class Config:
    """The resolved configuration.

    ``rules`` holds every rule, also those ``off``, in definition order: packs first (in
    ``extends`` order), then the config's own. ``source`` is the config file used, or None when
    the built-in ``recommended`` pack is used alone.
    """

    rules: tuple[Rule, ...]
    exclude: tuple[str, ...] = ()
    obsidian_excludes: bool = True
    source: str | None = None
    #: (rule id, severity) for rules that are off: the severity ``--select`` turns them on at
    enabled_severities: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    #: rule ids vaultlint reports itself (``checks.ENGINE_RULES``) that ``--select``/``--ignore``
    #: turned off: their findings are dropped
    engine_off: frozenset[str] = frozenset()
    #: every configuration file read (the config, its pack files, built-in packs), absolute:
    #: a cached result is valid while their bytes are the same (``lint/fingerprint.py``)
    files: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.severity != "off")

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


# --- small helpers ----------------------------------------------------------------------------


_suggest = suggest
_line = yamlfile.line
_is_null = yamlfile.is_null
_shown = yamlfile.shown
_construct_scalar = yamlfile.scalar_value


def _relative_shown(base: str, name: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(base), name))


# --- reading files --------------------------------------------------------------------------


def _yaml_error(shown: str, text: str, exc: Exception) -> ConfigError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line: int | None = mark.line + 1
    elif isinstance(getattr(exc, "position", None), int):
        line = text[: exc.position].count("\n") + 1  # type: ignore[attr-defined]
    else:
        line = None
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.context, exc.problem) if p]
        detail = ", ".join(parts) or "cannot be parsed"
    elif isinstance(exc, yaml.reader.ReaderError):
        detail = exc.reason
    else:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return ConfigError(shown, line, f"invalid YAML: {detail}")


def _check_nesting(text: str, shown: str) -> None:
    """Refuse YAML nested deeper than MAX_NESTING before composing it.

    libyaml's composer recurses without a limit (deep nesting crashes the interpreter) and its
    parser has limits of its own (PyYAML 6.0.4: 1,000 flow levels, with its own message), so the
    depth is measured with the pure-Python event parser, which neither recurses nor stops early.
    A YAML error it meets ends the measurement: composing then reports libyaml's error."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    raise ConfigError(
                        shown,
                        event.start_mark.line + 1,
                        f"invalid YAML: nested more than {MAX_NESTING} levels deep",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return


def _compose(path: Path, shown: str) -> Node | None:
    """The YAML node tree of a file, or None when it is empty."""
    try:
        data = safefile.read_bytes(path)  # a regular file under the size cap
    except FileNotFoundError:
        raise ConfigError(shown, None, "file not found") from None
    except safefile.UnsafeFile as exc:
        raise ConfigError(shown, None, f"not read: {exc.strerror}") from None
    except OSError as exc:
        raise ConfigError(shown, None, f"cannot read the file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            shown, line, f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded"
        ) from None
    try:
        _check_nesting(text, shown)
        root = yamlfile.compose(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(shown, text, exc) from None
    except (ValueError, RecursionError) as exc:  # defensive: nothing else may escape
        raise _yaml_error(shown, text, exc) from None
    if root is not None:
        _check_expansion(root, shown)
    return root


def _check_expansion(root: Node, shown: str) -> None:
    """Refuse a document whose aliases and merge keys (``<<``) expand to more than
    MAX_EXPANDED nodes (a "billion laughs" or merge-key bomb), counted in linear time: each
    distinct node's expanded size once (a recursive alias counts once; it is refused later)."""
    sizes: dict[int, int] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes and not done:
            continue
        children: list[Node] = []
        if isinstance(node, SequenceNode):
            children = node.value
        elif isinstance(node, MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            sizes[id(node)] = 0  # in progress: a cycle back to it adds nothing
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        total = 1 + sum(sizes.get(id(c), 0) for c in children)
        sizes[id(node)] = total
        if total > MAX_EXPANDED:
            raise ConfigError(
                shown,
                _line(node),
                f"invalid YAML: aliases and merge keys expand to more than {MAX_EXPANDED} values",
            )


# --- the loader -------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A rule while its definitions are being merged."""

    id: str
    check: str
    check_cls: type[Check]
    origin: tuple[str, int]
    severity: str = DEFAULT_SEVERITY
    enabled_severity: str = DEFAULT_SEVERITY
    where: Where = EVERYWHERE
    message: str | None = None
    description: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: option -> (file, line) of the key that last set it, for value errors
    marks: dict[str, tuple[str, int]] = field(default_factory=dict)


class _File:
    """One YAML file being read: its displayed path, for errors."""

    def __init__(self, path: Path, shown: str):
        self.path = path
        self.shown = shown

    def fail(self, node: Node | int | None, message: str, key: str | None = None) -> NoReturn:
        line = _line(node) if isinstance(node, Node) else node
        raise ConfigError(self.shown, line, message, key)

    def pairs(
        self, node: MappingNode, path: frozenset[int] = frozenset()
    ) -> list[tuple[str, Node, Node]]:
        """``(key, key node, value node)`` of a mapping, merge keys applied, duplicates refused."""
        explicit: list[tuple[str, Node, Node]] = []
        merged: list[tuple[str, Node, Node]] = []
        first_line: dict[str, int] = {}
        inner = path | {id(node)}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, MappingNode) or id(source) in inner:
                        self.fail(source, "a merge key ('<<') needs a mapping or a list of them")
                    if len(inner) > MAX_NESTING:
                        self.fail(source, f"merge keys ('<<') nested over {MAX_NESTING} deep")
                    merged.extend(self.pairs(source, inner))
                continue
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, f"keys must be strings, not {_shown(key_node)}")
            key = key_node.value
            if key in first_line:
                self.fail(
                    key_node, f"duplicate key '{key}' (first given at line {first_line[key]})", key
                )
            first_line[key] = _line(key_node)
            explicit.append((key, key_node, value_node))
        seen = set(first_line)
        result: list[tuple[str, Node, Node]] = []
        for item in merged:  # merged keys come first, as in PyYAML; explicit keys win
            if item[0] not in seen:
                seen.add(item[0])
                result.append(item)
        return result + explicit

    def strings(self, node: Node, what: str, key: str) -> list[tuple[str, Node]]:
        """A list of strings (a single string counts as a one-item list), with their nodes."""
        if _is_null(node):
            return []
        items = node.value if isinstance(node, SequenceNode) else [node]
        result = []
        for item in items:
            if not isinstance(item, ScalarNode) or _is_null(item):
                self.fail(item, f"{what} must be a list of strings, not {_shown(item)}", key)
            result.append((item.value, item))
        return result

    def globs(self, node: Node, what: str, key: str) -> tuple[str, ...]:
        result = []
        for pattern, item in self.strings(node, what, key):
            try:
                compile_globs((pattern,))  # the matcher `where` and discovery use
            except Exception as exc:
                self.fail(item, f"invalid glob '{pattern}' in {what}: {exc}", key)
            result.append(pattern)
        return tuple(result)


class _Loader:
    def __init__(self, vault: Path):
        self.vault = vault
        self.drafts: dict[str, _Draft] = {}
        self.exclude: list[str] = []
        self.obsidian_excludes = True
        self.stack: list[tuple[Path, str]] = []  # files being read, for cycles in `extends`
        self.files: dict[str, None] = {}  # every file read, in order (Config.files)
        #: where pack files named by a config may be: the vault and the config's folder
        self.roots: list[Path] = [vault]

    # files

    def load(self, path: Path, shown: str, *, pack: bool = False) -> None:
        """Read a config file (``pack``: a file named in ``extends``, or a built-in pack)."""
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            real = path.absolute()
        self.stack.append((real, shown))
        self.files[str(path.absolute())] = None  # as read (through any link)
        try:
            self._load(_File(path, shown), pack)
        finally:
            self.stack.pop()

    def load_recommended(self) -> None:
        pack = builtin_pack_path("recommended")
        if pack is None:
            raise ConfigError(
                "recommended", None, "the built-in pack is missing: vaultlint is not installed"
            )
        self.load(pack, str(pack), pack=True)

    def _load(self, src: _File, pack: bool) -> None:
        root = _compose(src.path, src.shown)
        if root is None or _is_null(root):
            if not pack:  # an empty config (or a lone `---`) is the recommended pack
                self.load_recommended()
            return
        if not isinstance(root, MappingNode):
            src.fail(
                root,
                "the configuration must be a mapping with keys such as 'extends' and 'rules', "
                f"not {_shown(root)}",
            )
        entries: dict[str, tuple[Node, Node]] = {}
        for key, key_node, value_node in src.pairs(root):
            if key not in CONFIG_KEYS:
                hint = (
                    _suggest(key, CONFIG_KEYS) or " (the keys are: " + ", ".join(CONFIG_KEYS) + ")"
                )
                src.fail(key_node, f"unknown key '{key}'{hint}", key)
            entries[key] = (key_node, value_node)
        if "extends" in entries:
            self._extends(src, entries["extends"][1])
        elif not pack:  # a config without `extends` extends [recommended]
            self.load_recommended()
        if "exclude" in entries:
            self.exclude.extend(src.globs(entries["exclude"][1], "'exclude'", "exclude"))
        if "obsidian_excludes" in entries:
            value = entries["obsidian_excludes"][1]
            if not (isinstance(value, ScalarNode) and value.tag == _BOOL):
                src.fail(
                    value,
                    f"'obsidian_excludes' must be true or false, not {_shown(value)}",
                    "obsidian_excludes",
                )
            self.obsidian_excludes = bool(_construct_scalar(value))
        if "rules" in entries:
            self._rules(src, entries["rules"][1])

    def _extends(self, src: _File, node: Node) -> None:
        for name, item in src.strings(node, "'extends'", "extends"):
            if "/" in name or "\\" in name or name.endswith((".yaml", ".yml")):
                path = src.path.parent / name
                shown = _relative_shown(src.shown, name)
                if not path.exists():
                    src.fail(item, f"pack file '{name}' does not exist (looked for {path})", name)
                try:
                    safefile.read_bytes(path, self.roots)
                except OSError as exc:  # quotes nothing of the file
                    why = exc.strerror or type(exc).__name__
                    src.fail(item, f"pack file '{name}' is not read: {why}", name)
            else:
                found = builtin_pack_path(name)
                if found is None:
                    packs = list_packs()
                    src.fail(
                        item,
                        f"unknown pack '{name}'{_suggest(name, packs)}; the built-in packs are: "
                        + (", ".join(packs) or "(none found)"),
                        name,
                    )
                path, shown = found, str(found)
            try:
                real = path.resolve()
            except (OSError, RuntimeError):
                real = path.absolute()
            chain = [s for r, s in self.stack]
            if any(r == real for r, _ in self.stack):
                src.fail(item, "'extends' makes a cycle: " + " -> ".join([*chain, shown]), name)
            self.load(path, shown, pack=True)

    # rules

    def _rules(self, src: _File, node: Node) -> None:
        if _is_null(node):
            return
        if not isinstance(node, MappingNode):
            src.fail(
                node,
                f"'rules' must be a mapping of rule ids to settings, not {_shown(node)}",
                "rules",
            )
        for rule_id, key_node, value_node in src.pairs(node):
            self._rule_id(src, key_node)
            if isinstance(value_node, MappingNode):
                self._rule_mapping(src, rule_id, key_node, value_node)
            elif isinstance(value_node, ScalarNode) and not _is_null(value_node):
                draft = self.drafts.get(rule_id)
                if draft is None:
                    self._undefined(src, rule_id, key_node)
                self._set_severity(src, draft, value_node, rule_id)
            else:
                src.fail(
                    value_node,
                    f"rule '{rule_id}' must be a severity (off, info, warning, error) or a "
                    f"mapping of settings, not {_shown(value_node)}",
                    rule_id,
                )

    def _rule_id(self, src: _File, key_node: Node) -> None:
        if key_node.tag != _STR:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            src.fail(key_node, f"a rule id must be a string, not {_shown(key_node)}", key)
        if not _RULE_ID.match(key_node.value):
            src.fail(
                key_node,
                f"invalid rule id '{key_node.value}': use letters, digits, '-', '_', '.' and '/' "
                "(no spaces or commas)",
                key_node.value,
            )

    def _undefined(self, src: _File, rule_id: str, key_node: Node) -> NoReturn:
        near = _suggest(rule_id, self.drafts)
        if near:
            message = f"unknown rule '{rule_id}'{near}; a new rule needs a 'check'"
        else:
            message = (
                f"rule '{rule_id}' is not defined by a pack, so it needs a 'check' (one of: "
                + ", ".join(sorted(REGISTRY))
                + ")"
            )
        src.fail(key_node, message, rule_id)

    def _set_severity(self, src: _File, draft: _Draft, node: Node, key: str) -> None:
        rule = f"rule '{draft.id}'"
        if not isinstance(node, ScalarNode) or _is_null(node):
            src.fail(
                node,
                f"the severity of {rule} must be one of off, info, warning, error, "
                f"not {_shown(node)}",
                key,
            )
        severity = node.value.strip().lower()
        if severity not in SEVERITY_NAMES:
            src.fail(
                node,
                f"unknown severity '{node.value}' for {rule}{_suggest(severity, SEVERITY_NAMES)}; "
                "use off, info, warning or error",
                key,
            )
        draft.severity = severity
        if severity != "off":
            draft.enabled_severity = severity

    def _rule_mapping(self, src: _File, rule_id: str, key_node: Node, node: MappingNode) -> None:
        entries = src.pairs(node)
        given = {key: (k, v) for key, k, v in entries}
        existing = self.drafts.get(rule_id)
        if "check" in given:
            _check_key, check_node = given["check"]
            if not isinstance(check_node, ScalarNode) or _is_null(check_node):
                src.fail(
                    check_node,
                    f"'check' of rule '{rule_id}' must be a check name, not {_shown(check_node)}",
                    "check",
                )
            name = check_node.value
            check_cls = REGISTRY.get(name)
            if check_cls is None:
                near = _suggest(name, REGISTRY)
                listing = "" if near else " (one of: " + ", ".join(sorted(REGISTRY)) + ")"
                src.fail(
                    check_node,
                    f"unknown check '{name}' for rule '{rule_id}'{near}{listing}",
                    "check",
                )
            if existing is not None and existing.check == name:
                draft = existing
            else:
                draft = _Draft(rule_id, name, check_cls, (src.shown, _line(key_node)))
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
                if not _is_null(v_node):
                    if not isinstance(v_node, ScalarNode):
                        src.fail(
                            v_node, f"'{key}' of {rule} must be a string, not {_shown(v_node)}", key
                        )
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
                draft.marks[key] = (src.shown, _line(k_node))
            else:
                near = _suggest(key, [*option_fields, *RESERVED_RULE_KEYS])
                if near:
                    hint = near
                elif option_fields:
                    hint = f" (the options of check '{draft.check}': {', '.join(option_fields)})"
                else:
                    hint = f" (check '{draft.check}' has no options)"
                src.fail(k_node, f"unknown option '{key}' for {rule}{hint}", key)
        self.drafts[rule_id] = draft

    def _check_template(self, src: _File, rule_id: str, node: Node, text: str) -> None:
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

    def _where(self, src: _File, rule_id: str, node: Node) -> Where:
        if _is_null(node):
            return EVERYWHERE
        if not isinstance(node, MappingNode):
            src.fail(
                node,
                f"'where' of rule '{rule_id}' must be a mapping (keys: {', '.join(WHERE_KEYS)}), "
                f"not {_shown(node)}",
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
                hint = _suggest(key, WHERE_KEYS) or " (its keys: " + ", ".join(WHERE_KEYS) + ")"
                src.fail(k_node, f"unknown key '{key}' in 'where' of rule '{rule_id}'{hint}", key)
        return Where(**values)

    def _where_frontmatter(
        self, src: _File, what: str, node: Node
    ) -> tuple[tuple[str, tuple[Any, ...]], ...]:
        if _is_null(node):
            return ()
        if not isinstance(node, MappingNode):
            src.fail(
                node,
                f"{what} must be a mapping of property names to a value or a list of values, "
                f"not {_shown(node)}",
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
                        f"not {_shown(item)}",
                        key,
                    )
            # YAML 1.2, as notes' frontmatter is read: `draft: yes` is the text 'yes'
            result.append((key, tuple(_construct_scalar(item) for item in items)))
        return tuple(result)

    # the end

    def finish(self, source: str | None) -> Config:
        rules = []
        for draft in self.drafts.values():
            rules.append(self._rule(draft))
        return Config(
            rules=tuple(rules),
            exclude=tuple(self.exclude),
            obsidian_excludes=self.obsidian_excludes,
            source=source,
            files=tuple(self.files),
            enabled_severities=tuple(
                (d.id, d.enabled_severity) for d in self.drafts.values() if d.severity == "off"
            ),
        )

    def _rule(self, draft: _Draft) -> Rule:
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
            problems = list(draft.check_cls().validate_options(options, self.vault))
        except Exception as exc:  # a check's own bug must not become a traceback here
            raise ConfigError(
                file,
                line,
                f"check '{draft.check}' failed to validate the options of rule '{draft.id}': "
                f"{type(exc).__name__}: {exc}",
                draft.id,
            ) from None
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


def load_config(path: Path | None, vault: Path) -> Config:
    """The configuration in ``path``, or the built-in ``recommended`` pack alone when None.

    Raises :class:`ConfigError` (and nothing else) for any problem with the file or its packs.
    """
    loader = _Loader(vault)
    if path is None:
        loader.load_recommended()
        return loader.finish(None)
    loader.roots.append(Path(path).absolute().parent)
    loader.load(Path(path), str(path))
    return loader.finish(str(path))


def select_rules(config: Config, select: Sequence[str], ignore: Sequence[str]) -> Config:
    """Apply ``--select`` and ``--ignore`` (rule ids, comma lists already split).

    With a non-empty ``select``, the listed rules are on and every other rule is off; a listed
    rule that was off gets the severity its definitions gave it before (``warning`` if none).
    ``ignore`` is applied afterwards and turns its rules off. An unknown id is a ConfigError.
    """
    known = [rule.id for rule in config.rules] + [r for r in ENGINE_RULES if r != PARSE_FAILED]

    def ids(option: str, values: Sequence[str]) -> set[str]:
        wanted = {v.strip() for v in values if v.strip()}
        for rule_id in sorted(wanted):
            if rule_id not in known:
                raise ConfigError(
                    option, None, f"unknown rule '{rule_id}'{_suggest(rule_id, known)}", rule_id
                )
        return wanted

    selected = ids("--select", select)
    ignored = ids("--ignore", ignore)
    enabled = dict(config.enabled_severities)
    rules = []
    for rule in config.rules:
        severity = rule.severity
        if selected:
            if rule.id not in selected:
                severity = "off"
            elif severity == "off":
                severity = enabled.get(rule.id, DEFAULT_SEVERITY)
        if rule.id in ignored:
            severity = "off"
        if rule.severity != "off":
            enabled[rule.id] = rule.severity
        rules.append(dataclasses.replace(rule, severity=severity))
    engine_off = {r for r in ENGINE_RULES if r in ignored}
    if selected:  # a bug in vaultlint is never hidden but by name: internal-error stays on
        engine_off |= {r for r in ENGINE_RULES if r not in selected and r != INTERNAL_ERROR}
    return dataclasses.replace(
        config,
        engine_off=frozenset(engine_off),
        rules=tuple(rules),
        enabled_severities=tuple(
            (rule.id, enabled.get(rule.id, DEFAULT_SEVERITY))
            for rule in rules
            if rule.severity == "off"
        ),
    )
