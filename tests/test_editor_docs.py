"""The editor set-up snippets of docs/editors.md: each is a file under docs/editors/, parsed
here as its editor would read it (JSON, TOML, a light check of the Lua), each starts
``vaultlint server`` exactly, and the page shows each one verbatim (so it never shows an
untested variant)."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from tests.conftest import REPO
from vaultlint.cli import build_parser

DOCS = REPO / "docs"
EDITORS = DOCS / "editors"
PAGE = DOCS / "editors.md"
SNIPPETS = {"vscode-settings.json": "json", "neovim.lua": "lua", "helix-languages.toml": "toml"}


def text(name: str) -> str:
    return (EDITORS / name).read_text(encoding="utf-8")


def assert_server_command(argv: list[str]) -> None:
    assert argv == ["vaultlint", "server"]
    assert build_parser().parse_args(argv[1:]).command == "server"


def test_the_snippet_files_are_there() -> None:
    assert sorted(p.name for p in EDITORS.iterdir()) == sorted(SNIPPETS)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_page_holds_each_snippet_verbatim(name: str) -> None:
    fence = f"```{SNIPPETS[name]}\n{text(name)}```\n"
    assert fence in PAGE.read_text(encoding="utf-8")


def test_every_editor_block_of_the_page_is_a_tested_snippet() -> None:
    page = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"```(json|lua|toml)\n(.*?)```\n", page, flags=re.DOTALL)
    assert sorted(blocks) == sorted((lang, text(name)) for name, lang in SNIPPETS.items())


def test_vscode_settings() -> None:
    settings = json.loads(text("vscode-settings.json"))
    command = [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]]
    assert_server_command(command)
    assert settings["glspc.server.languageId"] == ["markdown"]


def test_helix_languages() -> None:
    data = tomllib.loads(text("helix-languages.toml"))
    server = data["language-server"]["vaultlint"]
    assert_server_command([server["command"], *server["args"]])
    (markdown,) = [lang for lang in data["language"] if lang["name"] == "markdown"]
    assert "vaultlint" in markdown["language-servers"]
    assert markdown["roots"] == [".vaultlint.yaml", ".obsidian"]


def lua_tokens(source: str) -> list[str]:
    """A light Lua check: strings, comments and brackets well formed; the tokens left."""
    tokens: list[str] = []
    stack: list[str] = []
    pairs = {")": "(", "}": "{", "]": "["}
    pattern = re.compile(
        r'--[^\n]*|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|[(){}\[\]]|[^\s(){}\[\]"\']+|\S'
    )
    for m in pattern.finditer(source):
        tok = m.group()
        if tok.startswith("--"):
            continue
        assert tok not in ('"', "'"), f"unterminated string at offset {m.start()}"
        if tok in "({[":
            stack.append(tok)
        elif tok in pairs:
            assert stack and stack[-1] == pairs[tok], f"unbalanced {tok!r} at offset {m.start()}"
            stack.pop()
        tokens.append(tok)
    assert not stack, f"unclosed {stack}"
    return tokens


def lua_table_strings(source: str, key: str) -> list[str]:
    m = re.search(key + r"\s*=\s*\{([^{}]*)\}", source)
    assert m is not None, key
    items = [i.strip() for i in m.group(1).split(",") if i.strip()]
    assert all(re.fullmatch(r'"[^"]*"', i) for i in items), items
    return [i[1:-1] for i in items]


def test_neovim_config() -> None:
    source = text("neovim.lua")
    tokens = lua_tokens(source)
    assert tokens[:4] == ["vim.lsp.config", "(", '"vaultlint"', ","]
    assert "vim.lsp.enable" in tokens
    assert re.search(r'^vim\.lsp\.enable\("vaultlint"\)$', source, flags=re.MULTILINE)
    assert_server_command(lua_table_strings(source, "cmd"))
    assert lua_table_strings(source, "filetypes") == ["markdown"]
    assert lua_table_strings(source, "root_markers") == [".vaultlint.yaml", ".obsidian"]


def test_the_lua_check_catches_mistakes() -> None:
    with pytest.raises(AssertionError):
        lua_tokens('vim.lsp.config("vaultlint", { cmd = { "vaultlint", "server" }')
    with pytest.raises(AssertionError):
        lua_tokens('vim.lsp.config("vaultlint, {})')


def test_the_readme_links_the_page() -> None:
    assert "docs/editors.md" in (REPO / "README.md").read_text(encoding="utf-8")
