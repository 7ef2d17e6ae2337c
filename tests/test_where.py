"""Scoping rules with `where` (README "Configuration"): each condition alone, and all together."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vaultlint.cli import main

from .conftest import write_vault

NOTES = {
    "Schemes/Alpha.md": "---\ntype: scheme\ntags: [Scheme]\n---\n# Alpha\n",
    "Schemes/Index.md": "---\ntype: index\n---\n# Index\n",
    "Schemes/Old/Beta.md": "# Beta\n#review/weekly\n",
    "Missions/Gamma.md": "---\ntype: [mission, scheme]\n---\n# Gamma #scheme\n",
    "Missions/Delta.md": "---\ndraft: false\n---\n# Delta\n",
    "Root.md": "# Root\n",
}


def scoped(capsys, tmp_path, where: str) -> list[str]:
    """The notes a required-sections rule with this `where` reports (each lacks `Goal`)."""
    config = (
        "extends: []\n"
        f"rules:\n  goal:\n    check: required-sections\n    sections: [Goal]\n    where:\n{where}"
    )
    vault = write_vault(tmp_path / "v", {**NOTES, ".vaultlint.yaml": config})
    assert main(["scan", str(vault), "--no-cache", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    return [d["path"] for d in report["diagnostics"]]


CASES = [
    (
        "paths",
        "      paths: ['Schemes/**']\n",
        ["Schemes/Alpha.md", "Schemes/Index.md", "Schemes/Old/Beta.md"],
    ),
    (
        "paths, one level",
        "      paths: ['Schemes/*.md']\n",
        ["Schemes/Alpha.md", "Schemes/Index.md"],
    ),
    (
        "exclude",
        "      paths: ['Schemes/**']\n      exclude: ['Schemes/Index.md', 'Schemes/Old/']\n",
        ["Schemes/Alpha.md"],
    ),
    ("exclude alone", "      exclude: ['Missions/**', 'Schemes/**']\n", ["Root.md"]),
    (
        "tags: frontmatter and body, any case",
        "      tags: [scheme]\n",
        ["Missions/Gamma.md", "Schemes/Alpha.md"],
    ),
    ("tags: a nested tag counts for its parent", "      tags: [review]\n", ["Schemes/Old/Beta.md"]),
    ("tags: the whole nested tag", "      tags: ['#review/weekly']\n", ["Schemes/Old/Beta.md"]),
    ("tags: a child does not match its parent", "      tags: [review/daily]\n", []),
    (
        "exclude_tags: frontmatter and body, any case",
        "      exclude_tags: [SCHEME]\n",
        ["Missions/Delta.md", "Root.md", "Schemes/Index.md", "Schemes/Old/Beta.md"],
    ),
    (
        "exclude_tags: a nested tag counts for its parent",
        "      paths: ['Schemes/**']\n      exclude_tags: [review]\n",
        ["Schemes/Alpha.md", "Schemes/Index.md"],
    ),
    (
        "exclude_tags: a child does not leave out its parent",
        "      paths: ['Schemes/**']\n      exclude_tags: ['#review/daily']\n",
        ["Schemes/Alpha.md", "Schemes/Index.md", "Schemes/Old/Beta.md"],
    ),
    (
        "frontmatter: one value",
        "      frontmatter: {type: scheme}\n",
        ["Missions/Gamma.md", "Schemes/Alpha.md"],
    ),
    (
        "frontmatter: one of several",
        "      frontmatter: {type: [index, mission]}\n",
        ["Missions/Gamma.md", "Schemes/Index.md"],
    ),
    ("frontmatter: a boolean", "      frontmatter: {draft: false}\n", ["Missions/Delta.md"]),
    ("frontmatter: key absent", "      frontmatter: {status: done}\n", []),
    (
        "all conditions must hold",
        "      paths: ['Schemes/**', 'Missions/**']\n      tags: [scheme]\n"
        "      frontmatter: {type: scheme}\n",
        ["Missions/Gamma.md", "Schemes/Alpha.md"],
    ),
]


@pytest.mark.parametrize(("where", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_where(capsys, tmp_path, where, expected):
    assert scoped(capsys, tmp_path, where) == expected


YAML_NOTES = {
    "Yes.md": "---\ndraft: yes\n---\n# Yes\n",
    "True.md": "---\ndraft: true\n---\n# True\n",
    "Quoted.md": '---\ndraft: "true"\n---\n# Quoted\n',
    "Empty.md": "---\ndraft:\nplugin-id: x\n---\n# Empty\n",
    "None.md": "# None\n",
}


def scoped_in(capsys, tmp_path, notes: dict[str, str], where: str) -> list[str]:
    config = (
        "extends: []\n"
        f"rules:\n  goal:\n    check: required-sections\n    sections: [Goal]\n    where:\n{where}"
    )
    vault = write_vault(tmp_path / "v", {**notes, ".vaultlint.yaml": config})
    assert main(["scan", str(vault), "--no-cache", "--format", "json"]) == 0
    return [d["path"] for d in json.loads(capsys.readouterr().out)["diagnostics"]]


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        # values are read as notes read them (YAML 1.2): `yes` is text, `true` a boolean
        ("      frontmatter: {draft: yes}\n", ["Yes.md"]),
        ("      frontmatter: {draft: true}\n", ["True.md"]),
        ("      frontmatter: {draft: 'true'}\n", ["Quoted.md"]),
        ("      frontmatter: {draft: ~}\n", ["Empty.md"]),
        # key present / absent
        ("      has: [draft]\n", ["Empty.md", "Quoted.md", "True.md", "Yes.md"]),
        ("      has: plugin-id\n", ["Empty.md"]),
        ("      has: [draft, plugin-id]\n", ["Empty.md"]),
        ("      missing: [draft]\n", ["None.md"]),
        ("      missing: [plugin-id]\n", ["None.md", "Quoted.md", "True.md", "Yes.md"]),
        ("      has: [draft]\n      missing: [plugin-id]\n", ["Quoted.md", "True.md", "Yes.md"]),
    ],
    ids=[
        "yes is text",
        "true is a boolean",
        "quoted true is text",
        "null",
        "has",
        "has one",
        "has both",
        "missing",
        "missing one",
        "has and missing",
    ],
)
def test_where_frontmatter_reads_yaml_1_2_and_has_missing(capsys, tmp_path, where, expected):
    assert scoped_in(capsys, tmp_path, YAML_NOTES, where) == expected


# --- a scope that applies to no note (lint/result.py unscoped_warnings) ---------------------

_PART = st.sampled_from(["a", "b", "Ab", "x y", "é", "a.md", "b.md", "[c]", "\n", "*"])
_PATHS = st.lists(st.lists(_PART, min_size=1, max_size=3).map("/".join), max_size=12, unique=True)
_GLOB = st.sampled_from(
    ["a/**", "**/b.md", "*.md", "a/*", "/b.md", "x y/", "!a.md", "A*", "é/**", "**/[ab].md", "?"]
)


@settings(max_examples=300, deadline=None)
@example(["a", "b.md"], ["*.md"], [])  # '[^/]*' would run from 'a' over a newline into 'b.md'
@example(["a/b.md", "a\nb.md"], ["*.md"], ["a/*"])  # a name with a newline
@given(_PATHS, st.lists(_GLOB, min_size=1, max_size=3), st.lists(_GLOB, max_size=2))
def test_candidates_picked_in_c_count_as_matching_each_path_does(paths, inside, outside):
    """The count of a scope's notes (its patterns' regular expressions pick the candidates,
    in C) is the count of matching every path with pathspec, one by one: negated and
    excluding patterns, names with a newline or a glob character (paths are distinct, as a
    vault's are)."""
    from vaultlint.globs import compile_globs
    from vaultlint.lint.result import _count

    spec, out = compile_globs(tuple(inside)), compile_globs(tuple(outside)) if outside else None
    one_by_one = [p for p in paths if spec.match_file(p) and not (out and out.match_file(p))]
    assert _count(spec, out, paths, len(paths)) == len(one_by_one)
    assert _count(spec, out, paths, 1) == min(1, len(one_by_one))
    assert _count(None, out, paths, len(paths)) == sum(
        not (out and out.match_file(p)) for p in paths
    )


def test_scopes_matching_no_note_are_named_with_their_globs():
    from vaultlint.lint.result import PathScope, unscoped_warnings

    checked = ["Daily/2024-01-01.md", "Schemes/Index.md", "Schemes/Plan.md"]
    scopes = [
        PathScope("a", ("Schemes/**",), ("Schemes/Index.md",)),  # Plan.md is in it
        PathScope("b", ("Schemes/**",), ("Schemes/*.md",)),  # all of it excluded
        PathScope("c", ("Schemse/**",), ()),
        PathScope("d", (), ("**/*.md",)),
    ]
    assert unscoped_warnings(scopes, checked, ["Templates/Schemes.md"]) == [
        "rule 'b' applies to no note: its where (paths: 'Schemes/**'; exclude: 'Schemes/*.md') "
        "matches no note of the 3 checked; is a glob misspelled, or the folder renamed?",
        "rule 'c' applies to no note: its where (paths: 'Schemse/**') matches no note of the 3 "
        "checked; is a glob misspelled, or the folder renamed?",
        "rule 'd' applies to no note: its where (exclude: '**/*.md') leaves out every note of "
        "the 3 notes checked",
    ]
    # a scope of excluded notes only: not misspelled, left out
    assert unscoped_warnings(
        [PathScope("t", ("Templates/**",), ())], checked[:1], ["Templates/a.md"]
    ) == [
        "rule 't' applies to no note: its where (paths: 'Templates/**') matches no note of the 1 "
        "checked, only 1 excluded note"
    ]
    assert unscoped_warnings(scopes, []) == []
    # a name with a newline is no two paths: 'Schemes/x.md' is not a note of this vault
    odd = unscoped_warnings([PathScope("c", ("Schemes/**",), ())], ["a\nSchemes/x.md"])
    assert [w.split(":")[0] for w in odd] == ["rule 'c' applies to no note"]
