"""The option schema: strict recursive validation of nested options (dataclasses, ``dict[str, X]``,
lists of mappings, literals inside mappings, unions), with FILE:LINE, key path and did-you-mean."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest

from vaultlint.checks import REGISTRY
from vaultlint.checks.base import Check, option
from vaultlint.config import ConfigError, load_config
from vaultlint.config.schema import (
    SchemaError,
    dotted,
    options_from_data,
    schema_for,
    struct_schema,
)
from vaultlint.config.yamlfile import compose


@dataclass(frozen=True)
class Spec:
    """How one property is checked."""

    type: Literal["text", "number", "link"] = field(metadata={"doc": "The property's type."})
    enum: tuple[str, ...] = option((), doc="The values allowed.")
    min: float | None = option(None, doc="The smallest number.")
    folder: str | None = option(None, doc="Where links must point.")


@dataclass(frozen=True)
class Column:
    name: str = field(metadata={"doc": "A column name."})
    width: int = option(10, doc="Its width.")


@dataclass(frozen=True)
class NestedOptions:
    required: tuple[str, ...] = option((), doc="Keys every note has.")
    properties: dict[str, Spec | str] = field(
        default_factory=dict, metadata={"doc": "Each property's spec."}
    )
    columns: tuple[Column, ...] = option((), doc="Columns.")
    mode: Literal["strict", "lax"] = option("strict", doc="How strict.")
    extra: Any = field(default=None, metadata={"doc": "Anything."})


class NestedCheck(Check):
    name = "nested-test"
    summary = "A check with nested options, for these tests."
    Options = NestedOptions


def value(text: str) -> Any:
    node = compose(textwrap.dedent(text))
    return schema_for(NestedOptions).convert(node)


def error(text: str) -> tuple[int, str, str]:
    node = compose(textwrap.dedent(text))
    with pytest.raises(SchemaError) as info:
        schema_for(NestedOptions).convert(node)
    exc = info.value
    return exc.node.start_mark.line + 1, dotted(exc.path), exc.problem


def test_nested_values_are_built_as_dataclasses_dicts_and_tuples():
    assert value(
        """\
        required: [company, role]
        properties:
          rating: {type: number, min: 1}
          role: {type: text, enum: [engineer, manager]}
          website: text
        columns:
          - name: a
          - {name: b, width: 3}
        extra: {x: [1, yes]}
        """
    ) == NestedOptions(
        required=("company", "role"),
        properties={
            "rating": Spec(type="number", min=1.0),
            "role": Spec(type="text", enum=("engineer", "manager")),
            "website": "text",
        },
        columns=(Column("a"), Column("b", 3)),
        extra={"x": (1, "yes")},
    )


ERRORS = [
    # (yaml, line, key path, problem)
    (
        "properties:\n  rating:\n    type: nmber\n",
        3,
        "properties.rating.type",
        "must be one of 'text', 'number', 'link', not 'nmber' (did you mean 'number'?)",
    ),
    (
        "properties:\n  rating:\n    type: number\n    tpye: text\n",
        4,
        "properties.rating",
        "has unknown key 'tpye' (did you mean 'type'?)",
    ),
    (
        "properties:\n  rating:\n    type: number\n    colour: red\n",
        4,
        "properties.rating",
        "has unknown key 'colour' (its keys: type, enum, min, folder)",
    ),
    (
        "properties:\n  rating:\n    min: 1\n",
        3,
        "properties.rating",
        "needs key 'type'",
    ),
    (
        "properties:\n  rating: {type: number, min: high}\n",
        2,
        "properties.rating.min",
        "must be a number, not 'high'",
    ),
    (
        "properties:\n  rating: {type: text, enum: [a, 3]}\n",
        2,
        "properties.rating.enum",
        "must be a list of strings, not 3 (quote it for a string: '3')",
    ),
    (
        "properties:\n  rating: 3\n",
        2,
        "properties.rating",
        "must be a mapping (keys: type, enum, min, folder) or a string, not 3 "
        "(quote it for a string: '3')",
    ),
    (
        "properties:\n  rating: [text]\n",
        2,
        "properties.rating",
        "must be a mapping (keys: type, enum, min, folder) or a string, not a list",
    ),
    ("properties: [a]\n", 1, "properties", "must be a mapping, not a list"),
    (
        "properties:\n  a: {type: text}\n  a: {type: number}\n",
        3,
        "properties.a",
        "is given twice (first at line 2)",
    ),
    (
        "columns:\n  - name: a\n  - width: 3\n",
        3,
        "columns[1]",
        "needs key 'name'",
    ),
    (
        "columns:\n  - name: a\n  - {name: b, width: wide}\n",
        3,
        "columns[1].width",
        "must be an integer, not 'wide'",
    ),
    (
        "columns: {name: a}\n",
        1,
        "columns",
        "must be a list of mappings (keys: name, width), not a mapping",
    ),
    (
        "mode: strikt\n",
        1,
        "mode",
        "must be one of 'strict', 'lax', not 'strikt' (did you mean 'strict'?)",
    ),
    (
        "required: 7\n",
        1,
        "required",
        "must be a list of strings, not 7 (quote it for a string: '7')",
    ),
    ("moed: lax\n", 1, "", "has unknown key 'moed' (did you mean 'mode'?)"),
]


@pytest.mark.parametrize(("text", "line", "path", "problem"), ERRORS)
def test_errors_name_the_line_the_key_path_and_a_near_name(text, line, path, problem):
    assert error(text) == (line, path, problem)


def test_a_recursive_alias_is_an_error_not_a_hang():
    assert error("extra: &a [*a]\n") == (
        1,
        "extra" + "[0]" * 65,
        "is nested more than 64 levels deep",
    )


def test_in_a_config_errors_name_file_line_rule_and_key_path(tmp_path, monkeypatch):
    monkeypatch.setitem(REGISTRY, NestedCheck.name, NestedCheck)
    config = tmp_path / ".vaultlint.yaml"
    config.write_text(
        "extends: []\n"
        "rules:\n"
        "  person-properties:\n"
        "    check: nested-test\n"
        "    properties:\n"
        "      rating: {type: number}\n"
        "      role:\n"
        "        type: txt\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(config, tmp_path)
    assert str(info.value) == (
        f"{config}:8: option 'properties.role.type' of rule 'person-properties' must be one of "
        "'text', 'number', 'link', not 'txt' (did you mean 'text'?)"
    )
    assert info.value.key == "properties.role.type"


def test_in_a_config_nested_options_load(tmp_path, monkeypatch):
    monkeypatch.setitem(REGISTRY, NestedCheck.name, NestedCheck)
    config = tmp_path / ".vaultlint.yaml"
    config.write_text(
        "rules:\n  p:\n    check: nested-test\n    properties: {rating: {type: number, min: 1}}\n",
        encoding="utf-8",
    )
    rule = next(r for r in load_config(config, tmp_path).rules if r.id == "p")
    assert rule.options == NestedOptions(properties={"rating": Spec(type="number", min=1.0)})


def test_options_from_data_validates_python_data_as_yaml():
    assert options_from_data(NestedOptions, {"columns": [{"name": "a"}]}) == NestedOptions(
        columns=(Column("a"),)
    )
    with pytest.raises(SchemaError) as info:
        options_from_data(NestedOptions, {"columns": [{"width": 1}]})
    assert (dotted(info.value.path), info.value.problem) == ("columns[0]", "needs key 'name'")


def test_types_the_schema_cannot_describe_are_refused_when_it_is_built():
    @dataclass(frozen=True)
    class Bad:
        pair: tuple[int, str] = option((1, "a"), doc="A fixed pair.")

    with pytest.raises(TypeError, match="fixed-length tuples"):
        struct_schema(Bad)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_check_has_a_schema_with_a_description_for_each_option(name):
    schema = struct_schema(REGISTRY[name].Options)
    assert all(f.doc for f in schema.fields.values()), name


def test_the_json_of_a_nested_schema():
    assert struct_schema(Column).json() == {
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "A column name."},
            "width": {"type": "integer", "description": "Its width.", "default": 10},
        },
        "required": ["name"],
        "additionalProperties": False,
    }
    spec = struct_schema(Spec).json()
    assert spec["description"] == "How one property is checked."
    assert spec["properties"]["type"] == {
        "enum": ["text", "number", "link"],
        "description": "The property's type.",
    }
    assert spec["properties"]["min"] == {
        "anyOf": [{"type": "number"}, {"type": "null"}],
        "description": "The smallest number.",
    }


def test_key_paths_are_dotted():
    assert dotted(("properties", "rating", "enum", 2)) == "properties.rating.enum[2]"
    assert dotted(("columns", 0, "name")) == "columns[0].name"
