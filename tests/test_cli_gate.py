"""The gate never passes silently (issue 9): every way of running vaultlint either checks what
the user meant or stops with exit 2 and a message. Run in-process: ``main([...])``."""

from __future__ import annotations

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
        "b.md:3:19: error broken-link link target 'gone' does not exist\n"
        "Found 1 error in 2 notes.\n"
    )


def test_a_command_returns_an_outcome_and_main_alone_maps_it(monkeypatch, capsys):
    import dataclasses

    import vaultlint.cli as cli

    for outcome, status in ((Outcome.CLEAN, 0), (Outcome.FINDINGS, 1), (Outcome.FAILED, 2)):
        fake = dataclasses.replace(COMMANDS[2], run=lambda args, o=outcome: o)
        monkeypatch.setattr(cli, "COMMANDS", (*COMMANDS[:2], fake, *COMMANDS[3:]))
        assert main(["rules"]) == status
