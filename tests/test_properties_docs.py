"""docs/properties.md: its obsidian-hub config loads, and on a small vault of the hub's shapes
(the same folders, the same kinds of notes) it reports what the docs say it reports there."""

from __future__ import annotations

import json
import re

from vaultlint.cli import main

from .conftest import REPO, write_vault

DOC = REPO / "docs" / "properties.md"

PLUGINS = "02 - Community Expansions/02.05 All Community Expansions/Plugins"
THEMES = "02 - Community Expansions/02.05 All Community Expansions/Themes"
PEOPLE = "01 - Community/People"
ROUNDUP = "01 - Community/Obsidian Roundup"
CONCEPTS = "05 - Concepts"

HUB = {
    # plugin notes: the hub's generated shape, a wrong plugin-id, a MOC, broken YAML
    f"{PLUGINS}/2hop-links-plus.md": "---\nplugin-id: 2hop-links-plus\naliases:\n- 2Hop\n"
    "tags: \n- \npublish: true\n---\n# 2Hop\nDeveloped by: [[L7Cy]]\n",
    f"{PLUGINS}/dataview.md": "---\nplugin-id: data-view\ntags:\n- \npublish: true\n---\n",
    f"{PLUGINS}/no-id.md": "---\naliases:\n- x\npublish: true\n---\n",
    f"{PLUGINS}/🗂️ Plugins.md": "---\ntags:\n- MOC\npublish: true\n---\n",
    f"{PLUGINS}/at-symbol-linking.md": "---\nplugin-id: at-symbol-linking\naliases:\n"
    "- @ Symbol Linking\n---\n",
    f"{THEMES}/Minimal.md": "---\ntags:\n- \npublish: true\n---\n",
    # people and an author that names one by its alias
    f"{PEOPLE}/eleanorkonik.md": "---\naliases:\n- Eleanor Konik\npublish: true\n---\n",
    f"{ROUNDUP}/2021-04-17 Tips.md": "---\nlink: x\nauthor: Eleanor Konik\npublish: true\n---\n",
    f"{ROUNDUP}/2021-04-24 More.md": '---\nauthor: "[[eleanorkonik]]"\npublish: yes\n---\n',
    # written notes: one status, none, a MOC, a frontmatter after a blank line
    f"{CONCEPTS}/PARA.md": "---\ntags:\n- seedling\npublish: true\n---\n",
    f"{CONCEPTS}/Zettelkasten.md": "# Zettelkasten\n",
    f"{CONCEPTS}/Patreon.md": "---\ntags:\n- MOC\n---\n",
    f"{CONCEPTS}/Two.md": "---\ntags: [seedling, evergreen]\n---\n",
    f"{CONCEPTS}/Late.md": "\n---\ntags:\n- evergreen\n---\n",
}


def hub_config() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Example: obsidian-hub") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block.group(1)


def test_the_documented_hub_config_reports_the_hub_exceptions(capsys, tmp_path):
    vault = write_vault(tmp_path / "hub", HUB)
    config = tmp_path / "hub.yaml"
    config.write_text(hub_config(), encoding="utf-8")
    code = main(["scan", str(vault), "--config", str(config), "--no-cache", "--format", "json"])
    found = [
        (d["path"], d["line"], d["column"], d["rule"], d["message"])
        for d in json.loads(capsys.readouterr().out)["diagnostics"]
    ]
    assert code == 1
    assert found == [
        (
            f"{ROUNDUP}/2021-04-17 Tips.md",
            3,
            9,
            "author-link",
            "'author': 'Eleanor Konik' is not a link; write \"[[eleanorkonik|Eleanor Konik]]\"",
        ),
        (
            f"{ROUNDUP}/2021-04-24 More.md",
            3,
            10,
            "publish-boolean",
            "'publish': 'yes' is text to YAML 1.2, not a checkbox; write true or false "
            "(the rule wants checkbox)",
        ),
        (
            f"{PLUGINS}/at-symbol-linking.md",
            4,
            3,
            "invalid-frontmatter",
            "invalid YAML: found character '@' that cannot start any token "
            "(while scanning for the next token)",
        ),
        (
            f"{PLUGINS}/dataview.md",
            2,
            12,
            "plugin-properties",
            "'plugin-id': 'data-view' is not the note's file name 'dataview'",
        ),
        (
            f"{PLUGINS}/no-id.md",
            1,
            1,
            "plugin-properties",
            "missing required property 'plugin-id'",
        ),
        (
            f"{CONCEPTS}/Late.md",
            2,
            1,
            "invalid-frontmatter",
            "Obsidian reads no properties here: frontmatter must start on the first line, "
            "and a blank line stands before this '---'",
        ),
        (
            f"{CONCEPTS}/Two.md",
            2,
            18,
            "one-status",
            "the note has 2 of the tags seedling, incubator, evergreen (seedling, evergreen); "
            "the rule wants exactly 1",
        ),
        (
            f"{CONCEPTS}/Zettelkasten.md",
            1,
            1,
            "one-status",
            "the note has 0 of the tags seedling, incubator, evergreen (none); "
            "the rule wants exactly 1",
        ),
    ]
