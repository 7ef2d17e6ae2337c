"""The `properties` and `tags` count options from a real config file: an unknown type, an
unknown key of a property's schema, an option that needs another, each a configuration error
naming the file and the line (exit 2), with a did-you-mean where one fits."""

from __future__ import annotations

import pytest

from vaultlint.cli import main

from .conftest import write_vault

RULE = "rules:\n  p:\n    check: properties\n"

CASES = [
    (
        RULE + "    properties:\n      rating: {type: nmber}\n",
        "v/.vaultlint.yaml:5: option 'properties.rating.type' of rule 'p' must be one of 'text', "
        "'multitext', 'list', 'number', 'checkbox', 'date', 'datetime', 'aliases', 'tags', "
        "'link', 'links', not 'nmber' (did you mean 'number'?)",
    ),
    (
        RULE + "    properties:\n      rating:\n        type: number\n        maximum: 5\n",
        "v/.vaultlint.yaml:7: option 'properties.rating' of rule 'p' has unknown key 'maximum' "
        "(did you mean 'max'?)",
    ),
    (
        RULE + "    properties:\n      rating: {type: number, equals: title}\n",
        "v/.vaultlint.yaml:5: option 'properties.rating.equals' of rule 'p' must be one of "
        "'filename', "
        "not 'title'",
    ),
    (
        RULE + "    properties:\n      boss: {type: text, folder: People}\n",
        "v/.vaultlint.yaml:4: option 'properties' of rule 'p': 'boss': 'folder' needs type link "
        "or links",
    ),
    (
        RULE,  # a properties rule with nothing to check would pass every note silently
        "v/.vaultlint.yaml:2: option 'properties' of rule 'p': the rule checks nothing: give it "
        "properties, required, forbidden or additional: false",
    ),
    (
        RULE + "    requird: [company]\n",
        "v/.vaultlint.yaml:4: unknown option 'requird' for rule 'p' (did you mean 'required'?)",
    ),
    (
        "rules:\n  s:\n    check: tags\n    among: [seedling]\n    exactly: 1\n    at_most: 2\n",
        "v/.vaultlint.yaml:5: option 'exactly' of rule 's': give either 'exactly' or "
        "'at_least'/'at_most', not both",
    ),
]


@pytest.mark.parametrize(("config", "error"), CASES, ids=[c[1][19:60] for c in CASES])
def test_a_bad_schema_is_a_config_error_at_its_line(capsys, tmp_path, monkeypatch, config, error):
    monkeypatch.chdir(tmp_path)
    write_vault(tmp_path / "v", {"A.md": "# A\n", ".vaultlint.yaml": config})
    assert main(["scan", "v", "--no-cache"]) == 2
    assert capsys.readouterr().err == f"vaultlint: error: {error}\n"
