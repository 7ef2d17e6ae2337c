"""The JSON Schema of ``.vaultlint.yaml`` (and of pack files), built from the option schema.

``vaultlint schema`` prints it; the package ships the same text as ``vaultlint.schema.json``
beside this module (a test asserts the shipped file is what :func:`config_json_schema` makes).
Point a YAML language server at it with ``# yaml-language-server: $schema=<path or URL>``.

Draft-07 (what YAML language servers support best). Each check's options come from
:func:`vaultlint.config.schema.struct_schema` with their docs as ``description``; a rule that
gives ``check`` is validated as that check's rule; a rule of the ``recommended`` pack given
without ``check`` (an override) as its check's rule; any other rule without ``check`` (an
override of a rule from a pack file, which only vaultlint can resolve) is checked for its
reserved keys only. What the schema cannot see, vaultlint still refuses: unknown packs or pack
files, rules a pack does not define, globs and regular expressions that do not compile, files
that do not exist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vaultlint.checks import REGISTRY

SCHEMA_FILE = Path(__file__).with_name("vaultlint.schema.json")
SEVERITIES = ("off", "info", "warning", "error")
RULE_ID_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9_./-]*$"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _strings(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "anyOf": [
            {"type": "array", "items": {"type": "string", "minLength": 1}},
            {"type": "string", "minLength": 1},
            {"type": "null"},
        ],
    }


def _where_json() -> dict[str, Any]:
    from vaultlint.config.schema import struct_schema
    from vaultlint.config.where import WhereOptions

    where = struct_schema(WhereOptions).json()
    return {"anyOf": [where, {"type": "null"}]}


def _check_rule(name: str, reserved: dict[str, Any], *, definition: bool) -> dict[str, Any]:
    from vaultlint.config.schema import struct_schema

    schema = struct_schema(REGISTRY[name].Options)
    properties = {**reserved, "check": {"const": name}, **schema.json_properties()}
    rule: dict[str, Any] = {
        "type": "object",
        "description": f"A rule of check '{name}': {REGISTRY[name].summary}",
        "properties": properties,
        "additionalProperties": False,
    }
    required = [n for n, f in schema.fields.items() if f.required]
    if definition and required:
        rule["required"] = ["check", *required]
    return rule


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a configuration file, as a JSON-ready dict."""
    from vaultlint.config.loader import load_config
    from vaultlint.config.packs import builtin_pack_path

    checks = sorted(REGISTRY)
    reserved = {
        "check": {"description": "The check this rule runs.", "enum": checks},
        "severity": {"$ref": "#/definitions/severity"},
        "where": {"$ref": "#/definitions/where"},
        "message": {
            "description": "A template for the rule's messages: {message} is the check's own "
            "message; {{ and }} are literal braces.",
            "type": ["string", "null"],
        },
        "description": {"description": "What the rule is for.", "type": ["string", "null"]},
    }
    definitions: dict[str, Any] = {
        "severity": {
            "description": "off, info, warning or error.",
            "anyOf": [
                {"enum": list(SEVERITIES)},
                {
                    "type": "string",
                    "pattern": "^\\s*(" + "|".join(_any_case(s) for s in SEVERITIES) + ")\\s*$",
                },
            ],
        },
        "where": _where_json(),
        "definition": {
            "type": "object",
            "required": ["check"],
            "properties": {"check": reserved["check"]},
            "allOf": [
                {
                    "if": {"properties": {"check": {"const": name}}, "required": ["check"]},
                    "then": {"$ref": f"#/definitions/rule-{name}"},
                }
                for name in checks
            ],
        },
        "override": {
            "description": "An override of a rule a pack file defines: its reserved keys are "
            "checked here, its options by vaultlint.",
            "type": "object",
            "properties": {k: v for k, v in reserved.items() if k != "check"},
        },
        "rule": {
            "anyOf": [
                {"$ref": "#/definitions/severity"},
                {
                    "type": "object",
                    "if": {"required": ["check"]},
                    "then": {"$ref": "#/definitions/definition"},
                    "else": {"$ref": "#/definitions/override"},
                },
            ]
        },
    }
    for name in checks:
        definitions[f"rule-{name}"] = _check_rule(name, reserved, definition=True)
        definitions[f"override-{name}"] = _check_rule(name, reserved, definition=False)

    pack_rules: dict[str, Any] = {}
    pack = builtin_pack_path("recommended")
    if pack is not None:
        for rule in load_config(pack, Path(".")).rules:
            pack_rules[rule.id] = {
                "description": f"Rule of the recommended pack (check '{rule.check}')"
                + (f": {rule.description}" if rule.description else "."),
                # a built-in rule keeps its check: `check` may only repeat it
                "anyOf": [
                    {"$ref": "#/definitions/severity"},
                    {"$ref": f"#/definitions/override-{rule.check}"},
                ],
            }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "vaultlint configuration (.vaultlint.yaml)",
        "type": ["object", "null"],
        "properties": {
            "extends": _strings(
                "Built-in pack names or pack files relative to this file; absent: "
                "[recommended]; [] asks for nothing built in."
            ),
            "exclude": _strings("Glob patterns (gitignore style) of notes not to lint."),
            "obsidian_excludes": {
                "description": "Whether the notes Obsidian's own settings keep out of the "
                "vault's content (templates folder, excluded files) are skipped.",
                "type": "boolean",
            },
            "rules": {
                "description": "Rule ids to a severity or to the rule's settings.",
                "type": ["object", "null"],
                "propertyNames": {"pattern": RULE_ID_PATTERN},
                "properties": pack_rules,
                "additionalProperties": {"$ref": "#/definitions/rule"},
            },
        },
        "additionalProperties": False,
        "definitions": definitions,
    }


def config_json_schema_text() -> str:
    """The schema as the shipped file holds it (sorted keys are not used: order is meaningful
    to readers; two-space indent, a final newline). ``vaultlint schema`` prints the shipped
    file (:func:`shipped_schema_text`), which a test keeps equal to this."""
    return json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema_text() -> str:
    """The shipped schema file's text: what ``vaultlint schema`` prints (building the schema
    imports every check). Built afresh when the file is missing or empty, so that
    ``vaultlint schema > src/vaultlint/config/vaultlint.schema.json`` (the shell empties the
    file first) still regenerates it; ``python -m vaultlint.config.file_schema`` does too."""
    try:
        text = SCHEMA_FILE.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return text or config_json_schema_text()


if __name__ == "__main__":  # regenerate the shipped file
    SCHEMA_FILE.write_text(config_json_schema_text(), encoding="utf-8")
