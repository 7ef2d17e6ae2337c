"""Issue 10, row 16: names and messages from the vault never drive the terminal or the CI log.

Note names holding a newline and a workflow command, ESC/OSC sequences, C1 controls, bidi
overrides and Rich markup are printed as visible escapes by every human-facing output: the text
report, the ``--statistics`` audit (plain and coloured), GitHub annotations, warnings and
configuration errors.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from vaultlint.escape import UNSAFE, printable

from .harness import run_limited

NAMES = {
    "newline": "x\n::error file=README.md::y.md",
    "escapes": "esc\x1b[31mred\x1b]8;;http:e\x07.md",
    "bidi": "bidi\u202egnp\u2066.md",
    "c1": "c1\x9b31m.md",
    "markup": "[blink]m.md",
}
BROKEN = "error broken-link link target 'Nowhere' does not exist"
SGR = re.compile("\x1b\\[[0-9;]*m")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    vault.mkdir()
    for name in NAMES.values():
        (vault / name).write_text("[[Nowhere]]\n", encoding="utf-8")
    return vault


def _assert_inert(text: str) -> None:
    """No control, escape or bidi character, no line that GitHub reads as a command."""
    assert re.findall(UNSAFE, text.replace("\n", "")) == []
    assert [line for line in text.splitlines() if line.startswith("::")] == []


def test_text_report_and_audit(vault: Path) -> None:
    run = run_limited(["scan", str(vault), "--no-cache", "--statistics"])
    assert (run.code, run.stderr) == (1, "")
    _assert_inert(run.stdout)
    # text paths open from the current directory: here, the vault's absolute path first
    lines = [line.removeprefix(f"{vault.as_posix()}/") for line in run.stdout.splitlines()]
    assert "x\\n::error file=README.md::y.md:1:1: " + BROKEN in lines
    assert "esc\\x1b[31mred\\x1b]8;;http:e\\x07.md:1:1: " + BROKEN in lines
    assert "bidi\\u202egnp\\u2066.md:1:1: " + BROKEN in lines
    assert "c1\\x9b31m.md:1:1: " + BROKEN in lines
    notes = lines[lines.index("Notes with the most findings") + 3 :]
    assert [line.split()[0] for line in notes[:5]] == [
        "esc\\x1b[31mred\\x1b]8;;http:e\\x07.md",
        "x\\n::error",
        "[blink]m.md",
        "bidi\\u202egnp\\u2066.md",
        "c1\\x9b31m.md",
    ]


def test_coloured_audit_escapes_markup(vault: Path) -> None:
    run = run_limited(
        ["scan", str(vault), "--no-cache", "--statistics"], env={"FORCE_COLOR": "1", "NO_COLOR": ""}
    )
    assert run.code == 1
    plain = SGR.sub("", run.stdout)  # vaultlint's own colours are the only escapes
    _assert_inert(plain)
    assert "\x1b]" not in run.stdout  # no OSC (hyperlinks, titles)
    assert "│ [blink]m.md " in plain  # shown, not read as Rich markup
    assert "│ x\\n::error file=README.md::y.md " in plain


def test_github_annotations(vault: Path) -> None:
    run = run_limited(["scan", str(vault), "--no-cache", "--format", "github"])
    assert (run.code, run.stderr) == (1, "")
    lines = run.stdout.splitlines()
    # one annotation per finding, each a command of its own, nothing else
    assert len(lines) == len(re.findall("::(error|warning|notice) file=", run.stdout))
    assert all(re.match(r"::(error|warning|notice) file=", line) for line in lines)
    assert re.findall(UNSAFE, run.stdout.replace("\n", "")) == []
    assert (
        "::error file=x%0A%3A%3Aerror file=README.md%3A%3Ay.md,line=1,col=1,endLine=1,"
        "endColumn=12,title=broken-link::link target 'Nowhere' does not exist"
    ) in lines
    assert (
        "::error file=esc\\x1b[31mred\\x1b]8;;http%3Ae\\x07.md,line=1,col=1,endLine=1,"
        "endColumn=12,title=broken-link::link target 'Nowhere' does not exist"
    ) in lines


def test_warnings_about_paths(vault: Path) -> None:
    run = run_limited(["scan", "--vault", str(vault), str(vault / "gone\x1b[2J\n::error::x.md")])
    assert run.code == 2  # a PATH that does not exist is a usage error (issue 9)
    _assert_inert(run.stderr)
    assert run.stderr.endswith("gone\\x1b[2J\\n::error::x.md: no such file or folder\n")


def test_configuration_errors(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / ".vaultlint.yaml").write_text(
        'rules:\n  links:\n    check: "li\\e]0;x\\a\\u202enks\\n::error::y"\n', encoding="utf-8"
    )
    run = run_limited(["scan", str(vault)], cwd=tmp_path)
    assert (run.code, run.stdout) == (2, "")
    _assert_inert(run.stderr)
    assert run.stderr.startswith("vaultlint: error: vault/.vaultlint.yaml:3: unknown check ")
    assert run.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb\rc\td", "a\\nb\\rc\td"),
        ("\x1b[2J\x07\x00\x7f\x9b", "\\x1b[2J\\x07\\x00\\x7f\\x9b"),
        (
            "\u202a\u202e\u2066\u2069\u200e\u061c\u2028\ufeff",
            "\\u202a\\u202e\\u2066\\u2069\\u200e\\u061c\\u2028\\ufeff",
        ),
        ("plain Café 😀", "plain Café 😀"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable("[bold]x", markup=True) == "\\[bold]x"
    assert printable("a\nb\x1b", newlines=True) == "a\nb\\x1b"
