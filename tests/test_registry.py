"""One registry of rule ids: the ids vaultlint reports itself (checks.ENGINE_RULES) are accepted
by --select/--ignore and listed by `vaultlint rules`, which lists every check too."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultlint.checks import ENGINE_RULES, REGISTRY
from vaultlint.checks.file_name import FileNameCheck
from vaultlint.cli import main
from vaultlint.config import ConfigError, load_config, select_rules
from vaultlint.docs import ENGINE_RULE_DOCS


def test_engine_rule_ids_are_registered():
    assert list(ENGINE_RULES) == [
        "internal-error",
        "unreadable-note",
        "note-too-large",
        "outside-vault",
        "unknown-rule-in-suppression",
        "fix-failed",
    ]


def test_ignore_and_select_accept_engine_rule_ids(tmp_path):
    config = load_config(None, tmp_path)
    assert select_rules(config, [], ["internal-error", "unreadable-note"]).engine_off == {
        "internal-error",
        "unreadable-note",
    }
    # --select turns off every engine rule it does not list, except internal-error
    assert select_rules(config, ["broken-link"], []).engine_off == {
        "unreadable-note",
        "note-too-large",
        "outside-vault",
        "unknown-rule-in-suppression",
        "fix-failed",
    }
    assert select_rules(config, ["outside-vault"], []).engine_off == {
        "unreadable-note",
        "note-too-large",
        "unknown-rule-in-suppression",
        "fix-failed",
    }
    assert select_rules(config, [], ["fix-failed"]).engine_off == {"fix-failed"}
    with pytest.raises(ConfigError) as info:
        select_rules(config, [], ["internal-eror"])
    assert (
        str(info.value) == "--ignore: unknown rule 'internal-eror' (did you mean 'internal-error'?)"
    )


def _json(capsys, *argv: str) -> tuple[int, list[tuple[str, str]]]:
    code = main(["scan", *argv, "--format", "json", "--no-cache"])
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    return code, [(d["path"], d["rule"]) for d in found]


def test_ignore_outside_vault_drops_its_findings(capsys, tmp_path, plain_environment):
    outside = tmp_path / "outside.md"
    outside.write_text("secret\n", encoding="utf-8")
    vault = write_vault(tmp_path / "v", {"A.md": "fine\n"})
    os.symlink(outside, vault / "Link.md")
    assert _json(capsys, str(vault)) == (0, [("Link.md", "outside-vault")])
    assert _json(capsys, str(vault), "--ignore", "outside-vault") == (0, [])
    assert _json(capsys, str(vault), "--select", "broken-link") == (0, [])


def test_ignore_internal_error_drops_a_crashing_rule(
    capsys, tmp_path, plain_environment, monkeypatch
):
    def boom(self, note, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(FileNameCheck, "check", boom)
    vault = write_vault(tmp_path / "v", {"A.md": "fine\n"})
    code, found = _json(capsys, str(vault))
    assert (code, found) == (2, [("A.md", "internal-error")])
    assert _json(capsys, str(vault), "--ignore", "internal-error") == (0, [])
    # --select does not hide a bug (the crashing rule is selected, internal-error is not)
    assert _json(capsys, str(vault), "--select", "unlinkable-name") == (
        2,
        [("A.md", "internal-error")],
    )


def test_vaultlint_rules_lists_every_rule_engine_rule_and_check(capsys, tmp_path: Path):
    vault = write_vault(
        tmp_path / "v", {".vaultlint.yaml": "rules:\n  mine:\n    check: tags\n    case: lower\n"}
    )
    assert main(["rules", "--vault", str(vault)]) == 0
    out = capsys.readouterr().out
    rules_part, checks_part = out.split("\n\nCHECK ", 1)
    ids = [line.split()[0] for line in rules_part.splitlines()[1:]]
    config = load_config(vault / ".vaultlint.yaml", vault)
    assert ids == [r.id for r in config.rules] + list(ENGINE_RULES)
    assert "ambiguous-links" not in ids  # a check no rule uses is not a rule id
    checks = [line.split()[0] for line in checks_part.splitlines()[1:] if line.strip()][:-1]
    assert checks == list(REGISTRY)  # `tags` and `links` are used by rules, and still listed
    for rule_id in ids:  # every id listed is one --select accepts
        select_rules(config, [rule_id], [])


def test_every_engine_rule_is_documented():
    assert list(ENGINE_RULE_DOCS) == list(ENGINE_RULES)


@pytest.mark.parametrize("rule_id", list(ENGINE_RULES))
def test_vaultlint_rule_documents_every_rule_vaultlint_rules_lists(
    capsys, rule_id, plain_environment
):
    """`vaultlint rules` lists the engine's rules: `vaultlint rule ID` documents each (it said
    'unknown rule or check' for them)."""
    assert main(["rule", rule_id]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    doc = ENGINE_RULE_DOCS[rule_id]
    assert out.splitlines()[:3] == [
        f"# {rule_id}",
        "",
        f"Reported by vaultlint itself (no check)    Severity: {doc.severity}",
    ]
    assert out.endswith(f"## Example\n{doc.example}\n")


def test_vaultlint_rule_for_an_engine_rule_exact_text(capsys, plain_environment):
    assert main(["rule", "unknown-rule-in-suppression"]) == 0
    assert capsys.readouterr() == (
        "# unknown-rule-in-suppression\n"
        "\n"
        "Reported by vaultlint itself (no check)    Severity: warning\n"
        "\n"
        "A suppression comment names a rule that does not exist.\n"
        "\n"
        "## What it does\n"
        "A `vaultlint-disable…` comment names a rule that no configured rule has, so it "
        "silences nothing. Reported at the name.\n"
        "\n"
        "## What to do\n"
        "Spell the rule id as `vaultlint rules` lists it, or remove the comment.\n"
        "\n"
        "## Options\n"
        "None. `--ignore unknown-rule-in-suppression` and `--select` take its id as any "
        "rule's.\n"
        "\n"
        "## Example\n"
        "%% vaultlint-disable-next-line broken-lnk %% gives: unknown rule 'broken-lnk' in a "
        "suppression comment; did you mean 'broken-link'?\n",
        "",
    )


def test_the_documented_severities_are_those_reported(capsys, tmp_path, plain_environment):
    """unknown-rule-in-suppression's documented severity and example are what a scan says."""
    vault = write_vault(
        tmp_path / "v",
        {".obsidian/app.json": "{}", "a.md": "%% vaultlint-disable-next-line broken-lnk %%\n"},
    )
    assert main(["scan", str(vault), "--no-cache", "--format", "json"]) == 0
    (found,) = json.loads(capsys.readouterr().out)["diagnostics"]
    doc = ENGINE_RULE_DOCS["unknown-rule-in-suppression"]
    assert (found["rule"], found["severity"]) == ("unknown-rule-in-suppression", doc.severity)
    assert found["message"] in doc.example


def test_a_misspelt_engine_rule_gets_a_suggestion(capsys, plain_environment):
    assert main(["rule", "internal-eror"]) == 2
    assert capsys.readouterr() == (
        "",
        "vaultlint: error: unknown rule or check 'internal-eror'; did you mean "
        "'internal-error'? (see `vaultlint rules`)\n",
    )


# a.md's tag is the minority spelling: --fix respells it (tag-case's safe fix)
TAGS = {"a.md": "# A\n#Space here\n", "b.md": "#space\n", "c.md": "#space\n"}
SAVED = (
    "not fixed: the note changed since it was scanned (saved by an editor?); run vaultlint again"
)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ([], [("a.md", "fix-failed"), ("a.md", "tag-case")]),
        (["--ignore", "fix-failed"], [("a.md", "tag-case")]),
        (["--select", "tag-case"], [("a.md", "tag-case")]),
        (["--select", "tag-case,fix-failed"], [("a.md", "fix-failed"), ("a.md", "tag-case")]),
    ],
)
def test_select_and_ignore_apply_to_fix_failed(
    capsys, tmp_path, plain_environment, monkeypatch, options, expected
):
    import vaultlint.fix as fix_module

    vault = write_vault(tmp_path / "v", TAGS)
    real_plan = fix_module.plan_fixes

    def plan_then_autosave(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        (vault / "a.md").write_bytes(b"# A\n#Space here, and typed since\n")  # an editor saves
        return plan

    monkeypatch.setattr(fix_module, "plan_fixes", plan_then_autosave)
    code = main(["scan", str(vault), "--fix", *options, "--format", "json", "--no-cache"])
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert (code, [(d["path"], d["rule"]) for d in found]) == (0, expected)
    assert [d["message"] for d in found if d["rule"] == "fix-failed"] == (
        [SAVED] if ("a.md", "fix-failed") in expected else []
    )
    assert (vault / "a.md").read_bytes() == b"# A\n#Space here, and typed since\n"


def test_ignore_applies_to_what_a_fixed_note_is_checked_again_for(
    capsys, tmp_path, plain_environment
):
    vault = write_vault(
        tmp_path / "v", {**TAGS, "a.md": "%% vaultlint-disable-next-line nosuch %%\n#Space\n"}
    )
    assert _json(capsys, str(vault)) == (
        0,
        [("a.md", "unknown-rule-in-suppression"), ("a.md", "tag-case")],
    )
    ignore = ["--ignore", "unknown-rule-in-suppression"]
    assert _json(capsys, str(vault), "--fix", *ignore) == (0, [])
    assert (vault / "a.md").read_text(encoding="utf-8") == (
        "%% vaultlint-disable-next-line nosuch %%\n#space\n"
    )
    assert _json(capsys, str(vault), "--fix") == (0, [("a.md", "unknown-rule-in-suppression")])
