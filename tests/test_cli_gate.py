"""The gate never passes silently (issue 9): every way of running vaultlint either checks what
the user meant or stops with exit 2 and a message. Run in-process: ``main([...])``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultlint.cli import COMMANDS, build_parser, main
from vaultlint.cli.base import Outcome

pytestmark = pytest.mark.usefixtures("plain_environment")

VAULT = {
    ".obsidian/app.json": "{}\n",
    "a.md": "# A\n\nSee [[b]].\n",
    "b.md": "# B\n\nBack to [[a]] and [[gone]].\n",
}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return write_vault(tmp_path / "notes", VAULT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- commands -------------------------------------------------------------------------------


def test_the_command_registry_is_what_the_parser_knows():
    names = [c.name for c in COMMANDS]
    assert names[:4] == ["scan", "inspect", "rules", "rule"]
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    assert list(sub.choices) == names


@pytest.mark.parametrize(
    ("word", "hint"),
    [("rulse", "; did you mean 'rules'?"), ("scna", "; did you mean 'scan'?"), ("missing.md", "")],
)
def test_an_unknown_command_exits_2_with_did_you_mean(capsys, notes, word, hint):
    names = ", ".join(c.name for c in COMMANDS)
    assert run(capsys, word) == (
        2,
        "",
        f"vaultlint: error: unknown command '{word}'{hint} "
        f"(commands: {names}; a PATH to lint must exist)\n",
    )


def test_an_existing_path_as_first_word_still_means_scan(capsys, notes):
    code, out, err = run(capsys, "notes", "--no-cache")
    assert (code, err) == (1, "")
    assert out == (
        "notes/b.md:3:19: error broken-link link target 'gone' does not exist\n"
        "Found 1 error in 1 of 2 notes.\n"
    )


def test_a_command_returns_an_outcome_and_main_alone_maps_it(monkeypatch, capsys):
    import vaultlint.cli.rules as rules

    assert COMMANDS[2].module == "vaultlint.cli.rules"
    for outcome, status in ((Outcome.CLEAN, 0), (Outcome.FINDINGS, 1), (Outcome.FAILED, 2)):
        fake = rules.COMMAND._replace(run=lambda args, o=outcome: o)
        monkeypatch.setattr(rules, "COMMAND", fake)
        assert main(["rules"]) == status


def test_a_registry_entry_whose_module_runs_another_command_is_a_bug(monkeypatch):
    import vaultlint.cli.rules as rules

    monkeypatch.setattr(rules, "COMMAND", rules.COMMAND._replace(name="other"))
    with pytest.raises(RuntimeError) as exc:
        COMMANDS[2].load()
    assert str(exc.value) == "vaultlint.cli.rules.COMMAND is 'other', listed as 'rules'"


# --- PATHs ------------------------------------------------------------------------------------

GONE = "notes/b.md:3:19: error broken-link link target 'gone' does not exist\n"


def test_a_path_that_does_not_exist_exits_2(capsys, notes):
    assert run(capsys, "scan", "notes/missing.md", "--no-cache") == (
        2,
        "",
        "vaultlint: error: notes/missing.md: no such file or folder\n",
    )


def test_a_path_given_relative_to_the_vault_says_paths_are_relative_to_the_cwd(capsys, notes):
    assert run(capsys, "scan", "--vault", "notes", "b.md", "--no-cache") == (
        2,
        "",
        "vaultlint: error: b.md: no such file or folder; PATHs are relative to the current "
        "directory: did you mean notes/b.md?\n",
    )


def test_a_path_relative_to_the_cwd_inside_the_vault_is_found(capsys, notes, monkeypatch):
    assert run(capsys, "scan", "--vault", "notes", "notes/b.md", "--no-cache") == (
        1,
        GONE + "Found 1 error in 1 note.\n",
        "",
    )
    monkeypatch.chdir(notes)
    assert run(capsys, "scan", "--vault", ".", "b.md", "--no-cache") == (
        1,
        "b.md:3:19: error broken-link link target 'gone' does not exist\n"
        "Found 1 error in 1 note.\n",
        "",
    )


@pytest.mark.parametrize("argv", [["empty"], ["--vault", "empty"]])
def test_a_vault_without_notes_exits_2(capsys, tmp_path, argv):
    write_vault(tmp_path / "empty", {".obsidian/app.json": "{}\n", "picture.png": "x"})
    assert run(capsys, "scan", *argv, "--no-cache") == (
        2,
        "",
        "vaultlint: error: no notes in the vault empty: nothing was checked (a vault holds .md "
        "files; is the folder or --vault right?)\n",
    )


SKIPPING = {
    **VAULT,
    ".obsidian/templates.json": '{"folder": "Templates"}\n',
    "Templates/Daily.md": "{{date}} [[{{title}}]]\n",
    ".vaultlint.yaml": 'extends: [recommended]\nexclude: ["Archive/**"]\n',
    "Archive/Old.md": "[[nowhere]]\n",
    "img.png": "x",
}


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("notes/Templates/Daily.md", "in the templates folder 'Templates'"),
        ("notes/Templates", "all its notes are excluded (in the templates folder 'Templates')"),
        ("notes/Archive/Old.md", "excluded by the configuration"),
        ("notes/img.png", "not a note (only .md files are linted)"),
    ],
)
def test_paths_skipped_for_a_reason_are_warnings_that_say_it(capsys, tmp_path, path, reason):
    write_vault(tmp_path / "notes", SKIPPING)
    assert run(capsys, "scan", path, "--no-cache") == (
        0,
        "No problems found in 0 notes.\n",
        f"vaultlint: warning: {path}: skipped, {reason}\n",
    )


def test_a_commit_touching_a_template_and_a_note_lints_the_note(capsys, tmp_path):
    write_vault(tmp_path / "notes", SKIPPING)
    assert run(capsys, "scan", "notes/Templates/Daily.md", "notes/b.md", "--no-cache") == (
        1,
        GONE + "Found 1 error in 1 note.\n",
        "vaultlint: warning: notes/Templates/Daily.md: skipped, in the templates folder "
        "'Templates'\n",
    )


OBSIDIAN_KEEPS_OUT = {
    ".obsidian/templates.json": '{"folder": "Templates"}\n',
    ".obsidian/app.json": '{"userIgnoreFilters": ["Archive/", "/\\\\.draft\\\\.md$/"]}\n',
    "Templates/Daily.md": "[[nowhere]]\n",
    "Archive/Old.md": "[[nowhere]]\n",
    "Archive/deep/Older.md": "[[nowhere]]\n",
    "Archived.md": "[[nowhere]]\n",  # 'Archive/' is a folder: Archived.md is linted
    "plan.draft.md": "[[nowhere]]\n",
    "a.md": "[[Daily]] [[Old]] [[Older]] [[plan.draft]] [[Archived]]\n",
}


def test_what_obsidian_keeps_out_is_not_linted_and_still_a_link_target(capsys, tmp_path):
    """CONTRACT: the templates folder and the excluded files (userIgnoreFilters: a folder, a
    /regex/) are skipped unless the config says otherwise; they still count as link targets."""
    write_vault(tmp_path / "v", OBSIDIAN_KEEPS_OUT)
    code, out, err = run(capsys, "scan", "v", "--no-cache")
    assert (code, err) == (1, "")
    assert out == (
        "v/Archived.md:1:1: error broken-link link target 'nowhere' does not exist\n"
        "Found 1 error in 1 of 2 notes.\n"
    )


def test_obsidian_excludes_false_lints_what_obsidian_keeps_out(capsys, tmp_path):
    files = {**OBSIDIAN_KEEPS_OUT, ".vaultlint.yaml": "obsidian_excludes: false\n"}
    write_vault(tmp_path / "v", files)
    code, data = run(capsys, "scan", "v", "--no-cache", "--format", "json")[:2]
    found = [(d["path"], d["line"], d["column"]) for d in json.loads(data)["diagnostics"]]
    assert code == 1
    assert found == [
        ("Archive/Old.md", 1, 1),
        ("Archive/deep/Older.md", 1, 1),
        ("Archived.md", 1, 1),
        ("Templates/Daily.md", 1, 1),
        ("plan.draft.md", 1, 1),
    ]


# --- --output and --config ----------------------------------------------------------------


def test_output_naming_a_folder_exits_2(capsys, notes, tmp_path):
    (tmp_path / "out").mkdir()
    assert run(capsys, "scan", "notes", "--output", "out", "--no-cache") == (
        2,
        "",
        "vaultlint: error: --output out: is a folder; give the report's file name\n",
    )


def test_output_that_cannot_be_written_exits_2(capsys, notes, tmp_path):
    (tmp_path / "file").write_text("x")
    assert run(capsys, "scan", "notes", "--output", "file/report.txt", "--no-cache") == (
        2,
        "",
        "vaultlint: error: --output file/report.txt: cannot write the report: File exists\n",
    )


def test_write_baseline_naming_a_folder_exits_2_before_the_scan(capsys, notes, tmp_path):
    """(It was a traceback: 'internal error: IsADirectoryError'.) Stopped before the scan,
    as --output is: nothing is written into the folder."""
    (tmp_path / "base").mkdir()
    assert run(capsys, "scan", "notes", "--write-baseline", "base", "--no-cache") == (
        2,
        "",
        "vaultlint: error: --write-baseline base: is a folder; give the baseline's file name\n",
    )
    assert list((tmp_path / "base").iterdir()) == []


def test_write_baseline_that_cannot_be_written_exits_2(capsys, notes, tmp_path):
    (tmp_path / "file").write_text("x")
    code, out, err = run(capsys, "scan", "notes", "--write-baseline", "file/b.json", "--no-cache")
    assert (code, out) == (2, "")
    assert err.startswith(
        "vaultlint: error: --write-baseline file/b.json: cannot write the baseline: "
    )
    assert len(err.splitlines()) == 1
    assert (tmp_path / "file").read_text() == "x"


def test_config_naming_a_folder_exits_2(capsys, notes):
    assert run(capsys, "scan", "notes", "--config", "notes", "--no-cache") == (
        2,
        "",
        "vaultlint: error: --config notes: is a folder; give the configuration file "
        "(e.g. notes/.vaultlint.yaml)\n",
    )


# --- paths in reports -----------------------------------------------------------------------


def test_paths_of_a_vault_outside_the_cwd_are_absolute_in_text_and_vault_relative_in_json(
    capsys, notes, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    root = notes.as_posix()
    code, out, err = run(capsys, "scan", root, "--no-cache")
    assert (code, out, err) == (
        1,
        f"{root}/b.md:3:19: error broken-link link target 'gone' does not exist\n"
        "Found 1 error in 1 of 2 notes.\n",
        "",
    )
    code, out, err = run(capsys, "scan", root, "--no-cache", "--format", "json")
    (diagnostic,) = json.loads(out)["diagnostics"]
    assert (diagnostic["path"], diagnostic["file"]) == ("b.md", f"{root}/b.md")


# --- baselines ------------------------------------------------------------------------------


def test_baselines_say_what_they_wrote_hid_and_what_is_stale(capsys, notes, tmp_path):
    assert run(capsys, "scan", "notes", "--no-cache", "--write-baseline", "b.json") == (
        0,
        GONE + "Found 1 error in 1 of 2 notes.\n",
        "vaultlint: wrote 1 finding of 1 note to b.json; `--baseline b.json` reports only new "
        "ones\n",
    )
    assert run(capsys, "scan", "notes", "--no-cache", "--baseline", "b.json") == (
        0,
        "No problems found in 2 notes.\n",
        "vaultlint: b.json: hid 1 known finding\n",
    )
    (notes / "b.md").write_text("# B\n\nBack to [[a]].\n", encoding="utf-8")  # fixed
    assert run(capsys, "scan", "notes", "--no-cache", "--baseline", "b.json") == (
        0,
        "No problems found in 2 notes.\n",
        "vaultlint: b.json: hid 0 known findings\n"
        "vaultlint: b.json: 1 stale entry (findings fixed since); write the baseline again to "
        "drop them\n",
    )
    # a run on other notes does not call the entries of notes it did not check stale
    assert run(capsys, "scan", "notes/a.md", "--no-cache", "--baseline", "b.json") == (
        0,
        "No problems found in 1 note.\n",
        "vaultlint: b.json: hid 0 known findings\n",
    )


# --- smaller ------------------------------------------------------------------------------


def test_sarif_rule_help_is_not_indented(capsys, notes):
    _, out, _ = run(capsys, "scan", "notes", "--no-cache", "--format", "sarif")
    (run_,) = json.loads(out)["runs"]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    help_md = rules["broken-link"]["help"]["markdown"]
    assert help_md.startswith("Every wiki-link, embed and internal Markdown link must resolve.\n")
    assert "\n## What it does\n" in help_md or "\n## Why\n" in help_md
    indented = [line for line in help_md.splitlines() if line.startswith("    ")]
    assert indented == []


@pytest.mark.parametrize(
    ("data", "saved_as"),
    [
        ("a [[b]]\n".encode("utf-16"), "UTF-16 (it starts with a UTF-16 byte-order mark)"),
        ("Café [[b]]\n".encode("utf-16-le"), "UTF-16 (every other byte is NUL)"),
        ("a [[b]]\n".encode("utf-32"), "UTF-32"),
    ],
)
def test_a_utf16_note_is_called_utf16(data, saved_as):
    from vaultlint.parse import decode

    _, problem = decode(data)
    assert problem is not None
    assert problem.message.endswith(f"it was probably saved as {saved_as}: save it as UTF-8")


# --- options that would do nothing ----------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "flag", "value"),
    [
        (["--select", ""], "--select", "''"),
        (["--select", " , "], "--select", "' , '"),
        (["--ignore", ","], "--ignore", "','"),
    ],
)
def test_a_selection_naming_no_rule_exits_2(capsys, notes, argv, flag, value):
    """(``--select ""`` ran every rule: an empty list of ids read as no --select at all.)"""
    assert run(capsys, "scan", "notes", "--no-cache", *argv) == (
        2,
        "",
        f"vaultlint: error: {flag} {value}: names no rule id (give IDS, e.g. {flag} tag-case)\n",
    )


def test_unsafe_fixes_without_fix_or_diff_warns_and_changes_nothing(capsys, notes):
    before = {p.name: p.read_bytes() for p in notes.iterdir() if p.is_file()}
    plain = run(capsys, "scan", "notes", "--no-cache")
    code, out, err = run(capsys, "scan", "notes", "--no-cache", "--unsafe-fixes")
    assert (code, out) == plain[:2]
    assert err == (
        "vaultlint: warning: --unsafe-fixes does nothing without --fix or --diff: "
        "no note is changed\n" + plain[2]
    )
    assert {p.name: p.read_bytes() for p in notes.iterdir() if p.is_file()} == before


# --- a rule whose scope names no note -------------------------------------------------------

SCOPED = {
    ".obsidian/app.json": "{}",
    "Schemes/Index.md": "# Index\n",
    "Schemes/Plan.md": "# Plan\n\n### Objective\n",
    "Other.md": "# Other\n",
    ".vaultlint.yaml": """\
extends: [recommended]
rules:
  scheme-sections:
    check: required-sections
    severity: error
    where: {paths: ["Schemes/**"], exclude: ["Schemes/Index.md"]}
    sections: [Objective]
  typo-sections:
    check: required-sections
    where: {paths: ["Schemse/**"]}
    sections: [Objective]
  index-only:
    check: required-sections
    where: {paths: ["Schemes/Index.md"]}
    sections: [Objective]
""",
}

TYPO = (
    "vaultlint: warning: rule 'typo-sections' applies to no note: its where (paths: "
    "'Schemse/**') matches no note of the 3 checked; is a glob misspelled, or the folder "
    "renamed?\n"
)


@pytest.mark.parametrize("cache", [["--no-cache"], []], ids=["no-cache", "cached"])
def test_a_rule_whose_paths_match_no_note_is_a_warning(capsys, tmp_path, monkeypatch, cache):
    """A gate that runs a rule scoped to a misspelled folder would pass whatever the notes say.
    Said on every run of the whole vault (a warm one too, answered from the cache), never for
    a PATH (a pre-commit run of some notes): the scope asks the vault, not the notes named."""
    write_vault(tmp_path / "v", SCOPED)
    monkeypatch.chdir(tmp_path / "v")
    assert run(capsys, "scan", *cache) == (
        0,
        "Schemes/Index.md:1:1: warning index-only missing section 'Objective'\n"
        "Found 1 warning in 1 of 3 notes.\n",
        TYPO,
    )
    assert run(capsys, "scan", ".", *cache)[2] == TYPO
    assert run(capsys, "scan", *cache)[2] == TYPO  # warm: from the recorded facts
    assert run(capsys, "scan", "Schemes", *cache)[2] == ""
    assert run(capsys, "scan", "Other.md", *cache)[2] == ""


def test_scopes_of_excluded_notes_only_or_leaving_out_every_note_are_warnings(
    capsys, tmp_path, monkeypatch
):
    """The warning says why: a scope inside the folder the config (or Obsidian) excludes is
    not misspelled; a scope by ``exclude`` alone leaves every note out."""
    write_vault(
        tmp_path / "v",
        {
            ".obsidian/app.json": "{}",
            "Templates/Daily.md": "# Daily\n",
            "Notes/a.md": "# A\n",
            ".vaultlint.yaml": """\
extends: [recommended]
exclude: ["Templates/**"]
rules:
  template-sections:
    check: required-sections
    where: {paths: ["Templates/**"]}
    sections: [Objective]
  nothing-left:
    check: required-sections
    where: {exclude: ["**/*.md"]}
    sections: [Objective]
""",
        },
    )
    monkeypatch.chdir(tmp_path / "v")
    for _ in range(2):  # cold, then warm
        assert run(capsys, "scan") == (
            0,
            "No problems found in 1 note.\n",
            "vaultlint: warning: rule 'template-sections' applies to no note: its where (paths: "
            "'Templates/**') matches no note of the 1 checked, only 1 excluded note\n"
            "vaultlint: warning: rule 'nothing-left' applies to no note: its where (exclude: "
            "'**/*.md') leaves out every note of the 1 note checked\n",
        )
