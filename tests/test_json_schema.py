"""The JSON Schema of ``.vaultlint.yaml``: made from the option schema, shipped, printed by
``vaultlint schema``, accepting every configuration in the repository and rejecting the
robustness corpus's bad ones (those only vaultlint's semantics can see are listed, with why)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.robustness.corpus import (
    CATASTROPHIC_CONFIG,
    CONFIG_CASES,
    NOTE_CONFIG,
)
from vaultlint.checks import REGISTRY
from vaultlint.cli import main
from vaultlint.config import CONFIG_FILENAMES
from vaultlint.config.file_schema import SCHEMA_FILE, config_json_schema, config_json_schema_text
from vaultlint.config.yamlfile import Loader12

REPO = Path(__file__).resolve().parents[1]
CONFIG_KEYS = {"extends", "exclude", "rules", "obsidian_excludes"}

#: corpus cases the JSON Schema cannot refuse, and why (vaultlint refuses them itself)
SEMANTIC_ONLY = {
    "regex_does_not_compile": "whether a regular expression compiles is vaultlint's to say",
    "date_regex_does_not_compile": "whether a regular expression compiles is vaultlint's to say",
    "unknown_pack": "which packs exist is vaultlint's to say (any name is a string)",
    "missing_pack_file": "whether a pack file exists is vaultlint's to say",
}
#: corpus cases that are not a YAML document a language server could validate at all
NOT_AN_INSTANCE = {
    "invalid_yaml": "not YAML",
    "tabs": "not YAML",
    "latin1": "not UTF-8",
    "utf16": "not UTF-8 (vaultlint reads UTF-8 only)",
    "nul": "not YAML",
    "deep_nesting": "deeper than any YAML reader accepts",
    "duplicate_key": "a YAML reader keeps one of the two keys (language servers flag it)",
    "alias_bomb": "expanding it is the attack; vaultlint refuses it before building values",
    "python_tag": "an unknown tag: a language server reports the tag, vaultlint ignores it",
}


def yaml_instance(text: str) -> Any:
    """The document as a YAML 1.2 reader (a language server) builds it."""
    loader = Loader12(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = config_json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def repository_configs() -> list[tuple[str, str]]:
    """Every configuration in the repository: config files, packs, README/docs examples that
    are whole configurations, and the corpus's accepted ones."""
    found: list[tuple[str, str]] = []
    for path in sorted(REPO.rglob(".vaultlint.y*ml")):
        if ".git" not in path.parts and path.name in CONFIG_FILENAMES:
            found.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    for path in sorted((REPO / "rules").glob("*.yaml")):
        found.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    for doc in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        for number, block in enumerate(re.findall(r"```yaml\n(.*?)```", text, re.S)):
            data = yaml_instance(block)
            if isinstance(data, dict) and data and set(data) <= CONFIG_KEYS:
                found.append((f"{doc.relative_to(REPO)} yaml block {number}", block))
    found.append(("corpus NOTE_CONFIG", NOTE_CONFIG.decode()))
    found.append(("corpus CATASTROPHIC_CONFIG", CATASTROPHIC_CONFIG.decode()))
    for case in CONFIG_CASES:
        if case.error is None and case.name not in NOT_AN_INSTANCE:
            found.append((f"corpus {case.name}", case.content.decode()))
    return found


def test_the_shipped_file_is_the_generated_schema():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == config_json_schema_text(), (
        "an option changed: regenerate the shipped schema with "
        "`python -m vaultlint.config.file_schema`"
    )


def test_vaultlint_schema_prints_it(capsys):
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert out == config_json_schema_text()
    assert json.loads(out)["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_vaultlint_schema_builds_the_schema_when_the_shipped_file_is_empty(
    capsys, monkeypatch, tmp_path
):
    from vaultlint.config import file_schema

    empty = tmp_path / "vaultlint.schema.json"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setattr(file_schema, "SCHEMA_FILE", empty)  # as `vaultlint schema > FILE` sees it
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == config_json_schema_text()


def test_vaultlint_schema_path_prints_the_installed_file(capsys):
    assert main(["schema", "--path"]) == 0
    assert capsys.readouterr().out == f"{SCHEMA_FILE}\n"


def test_the_repository_has_configs_to_check():
    names = [name for name, _ in repository_configs()]
    assert "examples/vault/.vaultlint.yaml" in names
    assert "rules/recommended.yaml" in names
    assert any(name.startswith("README.md") for name in names)
    assert "corpus empty" in names


@pytest.mark.parametrize(("name", "text"), repository_configs())
def test_every_config_in_the_repository_is_accepted(validator, name, text):
    errors = [e.message for e in validator.iter_errors(yaml_instance(text))]
    assert errors == [], name


@pytest.mark.parametrize(
    "case",
    [c for c in CONFIG_CASES if c.error is not None and c.name not in NOT_AN_INSTANCE],
    ids=lambda c: c.name,
)
def test_the_corpus_bad_configs_are_rejected(validator, case):
    """Rejected by the schema, except the few only vaultlint can judge (accepted here)."""
    instance = yaml_instance(case.content.decode("utf-8"))
    assert validator.is_valid(instance) is (case.name in SEMANTIC_ONLY)


def test_the_exclusions_are_real_corpus_cases():
    names = {case.name for case in CONFIG_CASES}
    assert set(SEMANTIC_ONLY) <= names
    assert set(NOT_AN_INSTANCE) <= names


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("rules:\n  s:\n    check: required-sections\n    sections: 7\n", ["rules", "s"]),
        ("rules:\n  tag-case: {severty: error}\n", ["rules", "tag-case"]),
        ("rules:\n  s: {check: links, headings: maybe}\n", ["rules", "s"]),
        ("rules:\n  s: {check: tags, case: consistant}\n", ["rules", "s"]),
        ("rules:\n  s:\n    check: links\n    where: {path: [a]}\n", ["rules", "s"]),
        ("extends: [recommended]\nrule: {}\n", []),
        ("rules:\n  s: fatal\n", ["rules", "s"]),
        ("rules:\n  s: {check: required-sections}\n", ["rules", "s"]),
        ("rules:\n  broken-link: {check: tags}\n", ["rules", "broken-link"]),
        ("rules:\n  s: {check: file-name, forbidden: ['#', '']}\n", ["rules", "s"]),
        ("rules:\n  broken-link: {ignore: ''}\n", ["rules", "broken-link"]),
        ("exclude: [a, '']\n", ["exclude"]),
    ],
)
def test_what_vaultlint_refuses_the_schema_refuses(validator, text, path):
    errors = list(validator.iter_errors(yaml_instance(text)))
    assert errors
    assert [list(e.absolute_path) for e in errors] == [path]


@pytest.mark.parametrize(
    "text",
    [
        "rules:\n  broken-link: {check: links, ignore: [x]}\n",
        "rules:\n  broken-link: {severity: error, headings: false}\n",
        "rules:\n  my-broken-link: {check: tags}\n",
    ],
)
def test_a_built_in_rule_adjusted_with_its_own_check_is_accepted(validator, text):
    assert list(validator.iter_errors(yaml_instance(text))) == []


def test_options_carry_their_docs_as_descriptions():
    schema = config_json_schema()
    for name, check in REGISTRY.items():
        props = schema["definitions"][f"rule-{name}"]["properties"]
        for field in check.Options.__dataclass_fields__.values():
            assert props[field.name]["description"] == field.metadata["doc"]
