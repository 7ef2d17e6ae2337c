"""The configuration: ``.vaultlint.yaml`` and rule packs, turned into validated rules.

This module reads the files (``extends``, ``exclude``, ``obsidian_excludes``) in order;
:mod:`~vaultlint.config.reading` reads one file into YAML nodes safely,
:mod:`~vaultlint.config.rule_defs` merges the ``rules`` into validated rules and
:mod:`~vaultlint.config.select` applies ``--select``/``--ignore``.

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
  ``where`` is replaced as a whole (a scope is read as one condition). Giving a rule of the
  user's own packs a different ``check`` redefines it from scratch (the earlier options would
  not fit the new check). A rule of a built-in pack keeps its check: ``broken-link: {check:
  tags}`` is an error naming the built-in id (users and their CI pin those ids; a rule that
  checks something else needs an id of its own).
* ``Rule.origin`` is where the rule was defined (where its ``check`` was given).
* Every rule is validated, also those turned ``off``: ``--select`` may turn them on again
  (:mod:`vaultlint.config.select`).
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

import os
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from vaultlint.config import safefile, yamlfile
from vaultlint.config.errors import ConfigError
from vaultlint.config.packs import builtin_pack_path, list_packs
from vaultlint.config.reading import ConfigFile, read_yaml
from vaultlint.config.resolved import Config
from vaultlint.config.rule_defs import RuleDefinitions
from vaultlint.config.schema import suggest

CONFIG_KEYS = ("extends", "exclude", "rules", "obsidian_excludes")

__all__ = ["CONFIG_KEYS", "Config", "load_config"]


def _relative_shown(base: str, name: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(base), name))


class _Loader:
    def __init__(self, vault: Path):
        self.vault = vault
        self.rules = RuleDefinitions()
        self.exclude: list[str] = []
        self.obsidian_excludes = True
        self.stack: list[tuple[Path, str]] = []  # files being read, for cycles in `extends`
        self.files: dict[str, None] = {}  # every file read, in order (Config.files)
        #: where pack files named by a config may be: the vault and the config's folder
        self.roots: list[Path] = [vault]

    # files

    def load(self, path: Path, shown: str, *, pack: bool = False, builtin: bool = False) -> None:
        """Read a config file (``pack``: a file named in ``extends``, or a built-in pack;
        ``builtin``: one of the built-in packs)."""
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            real = path.absolute()
        self.stack.append((real, shown))
        self.files[str(path.absolute())] = None  # as read (through any link)
        try:
            self._load(ConfigFile(path, shown, builtin), pack)
        finally:
            self.stack.pop()

    def load_recommended(self) -> None:
        pack = builtin_pack_path("recommended")
        if pack is None:
            raise ConfigError(
                "recommended", None, "the built-in pack is missing: vaultlint is not installed"
            )
        self.load(pack, str(pack), pack=True, builtin=True)

    def _load(self, src: ConfigFile, pack: bool) -> None:
        root = read_yaml(src.path, src.shown)
        if root is None or yamlfile.is_null(root):
            if not pack:  # an empty config (or a lone `---`) is the recommended pack
                self.load_recommended()
            return
        if not isinstance(root, MappingNode):
            src.fail(
                root,
                "the configuration must be a mapping with keys such as 'extends' and 'rules', "
                f"not {yamlfile.shown(root)}",
            )
        entries: dict[str, tuple[Node, Node]] = {}
        for key, key_node, value_node in src.pairs(root):
            if key not in CONFIG_KEYS:
                hint = (
                    suggest(key, CONFIG_KEYS) or " (the keys are: " + ", ".join(CONFIG_KEYS) + ")"
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
            if not (isinstance(value, ScalarNode) and value.tag == yamlfile.BOOL):
                src.fail(
                    value,
                    f"'obsidian_excludes' must be true or false, not {yamlfile.shown(value)}",
                    "obsidian_excludes",
                )
            self.obsidian_excludes = bool(yamlfile.scalar_value(value))
        if "rules" in entries:
            self.rules.read(src, entries["rules"][1])

    def _extends(self, src: ConfigFile, node: Node) -> None:
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
                builtin = False
            else:
                found = builtin_pack_path(name)
                if found is None:
                    packs = list_packs()
                    src.fail(
                        item,
                        f"unknown pack '{name}'{suggest(name, packs)}; the built-in packs are: "
                        + (", ".join(packs) or "(none found)"),
                        name,
                    )
                path, shown, builtin = found, str(found), True
            try:
                real = path.resolve()
            except (OSError, RuntimeError):
                real = path.absolute()
            chain = [s for r, s in self.stack]
            if any(r == real for r, _ in self.stack):
                src.fail(item, "'extends' makes a cycle: " + " -> ".join([*chain, shown]), name)
            self.load(path, shown, pack=True, builtin=builtin)

    # the end

    def finish(self, source: str | None) -> Config:
        return Config(
            rules=self.rules.build(self.vault),
            exclude=tuple(self.exclude),
            obsidian_excludes=self.obsidian_excludes,
            source=source,
            files=tuple(self.files),
            enabled_severities=self.rules.enabled_severities(),
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
