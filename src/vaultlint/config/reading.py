"""Reading one configuration file: the bytes (a regular file under a size cap), UTF-8, YAML
nodes with their lines — refusing what would exhaust the reader (nesting deeper than
:data:`MAX_NESTING`, aliases and merge keys expanding past :data:`MAX_EXPANDED`) — and
:class:`ConfigFile`, the helpers that read its mappings and lists and fail with ``FILE:LINE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlint.config import safefile, yamlfile
from vaultlint.config.errors import ConfigError
from vaultlint.config.yamlfile import KeyValue, MappingProblem
from vaultlint.globs import compile_globs

#: deeper YAML is refused before composing it (libyaml's composer recurses in C)
MAX_NESTING = 64
#: a document expanding (through aliases and merge keys) to more values is refused
MAX_EXPANDED = 100_000
#: scalars YAML 1.2 reads as numbers or booleans: not text where a string is wanted
_NOT_TEXT = (yamlfile.INT, yamlfile.FLOAT, yamlfile.BOOL)


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


def read_yaml(path: Path, shown: str) -> Node | None:
    """The YAML node tree of a config file, or None when it is empty."""
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
                yamlfile.line(node),
                f"invalid YAML: aliases and merge keys expand to more than {MAX_EXPANDED} values",
            )


class ConfigFile:
    """One YAML file being read: its displayed path, for errors; ``builtin``: a pack shipped
    with vaultlint (``recommended``), whose rule ids a config may adjust but not redefine."""

    def __init__(self, path: Path, shown: str, builtin: bool = False):
        self.path = path
        self.shown = shown
        self.builtin = builtin

    def fail(self, node: Node | int | None, message: str, key: str | None = None) -> NoReturn:
        at = yamlfile.line(node) if isinstance(node, Node) else node
        raise ConfigError(self.shown, at, message, key)

    def pairs(self, node: MappingNode) -> list[KeyValue]:
        """The entries of a mapping, merge keys applied, duplicates refused."""
        try:
            return yamlfile.pairs(node, MAX_NESTING)
        except MappingProblem as problem:
            if problem.kind == "merge-source":
                self.fail(problem.node, "a merge key ('<<') needs a mapping or a list of them")
            if problem.kind == "merge-depth":
                self.fail(problem.node, f"merge keys ('<<') nested over {MAX_NESTING} deep")
            if problem.kind == "key-type":
                value = yamlfile.shown(problem.node)
                self.fail(problem.node, f"keys must be strings, not {value}")
            self.fail(
                problem.node,
                f"duplicate key '{problem.key}' (first given at line {problem.first_line})",
                problem.key,
            )

    def strings(self, node: Node, what: str, key: str) -> list[tuple[str, Node]]:
        """A list of strings (a single string counts as a one-item list), with their nodes."""
        if yamlfile.is_null(node):
            return []
        items = node.value if isinstance(node, SequenceNode) else [node]
        result = []
        for item in items:
            if not isinstance(item, ScalarNode) or yamlfile.is_null(item):
                value = yamlfile.shown(item)
                self.fail(item, f"{what} must be a list of strings, not {value}", key)
            if item.tag in _NOT_TEXT:  # `exclude: 2025`, `tags: [true]`: as option strings are
                value = yamlfile.shown(item)
                hint = f" (quote it for a string: '{item.value}')"
                self.fail(item, f"{what} must be a list of strings, not {value}{hint}", key)
            if not item.value:  # `exclude: [""]`, `where: {tags: [""]}`: as option lists are
                self.fail(item, f"{what} must be a list of non-empty strings, not ''", key)
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
