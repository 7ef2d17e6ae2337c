"""The module tree has no import cycles (DESIGN.md): module-level imports of ``src/vaultlint``
form a graph without a cycle. Imports inside functions and under ``TYPE_CHECKING`` are not
edges (they are how a module reaches a later layer lazily)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def module_names() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "vaultlint").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The vaultlint modules ``path`` imports when it is imported."""
    found: set[str] = set()
    nodes: list[ast.stmt] = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while nodes:
        node = nodes.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        if isinstance(node, ast.Try | ast.If):
            nodes.extend([*node.body, *node.orelse])
            if isinstance(node, ast.Try):
                nodes.extend(s for handler in node.handlers for s in handler.body)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in modules else node.module)
    return {name for name in found if name in modules}


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (empty when there is none), by depth-first search."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(name: str) -> list[str]:
        state[name] = 1
        path.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return []

    for name in sorted(graph):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return []


def test_module_level_imports_have_no_cycle() -> None:
    modules = module_names()
    graph = {name: imports_of(path, modules) - {name} for name, path in modules.items()}
    assert len(graph) > 90  # the whole package was read
    assert graph["vaultlint.lint.batch"] >= {"vaultlint.lint.linter", "vaultlint.lint.result"}
    assert cycle(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle(graph) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []
