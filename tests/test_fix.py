"""``--fix`` applies safe fixes only, changes nothing else in the file, and converges."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from vaultlint.checks.base import CheckContext
from vaultlint.cli import main
from vaultlint.diagnostic import Diagnostic, Edit, Fix
from vaultlint.fix import NotFixable, apply_edits, choose_fixes, fix_text
from vaultlint.model import Span
from vaultlint.parse import parse_note

from .conftest import write_vault

CRLF_NOTE = '---\r\ntags:\r\n  - Space\r\n  - "#Review"\r\n---\r\n# Note\r\n#Space and #space\r\n'


def findings(capsys, vault) -> list[tuple[str, int, int, str]]:
    main(["scan", str(vault), "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return [(d["path"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]]


def test_fix_respells_tags_and_keeps_every_other_byte(capsys, tmp_path):
    vault = write_vault(
        tmp_path / "v",
        {
            ".obsidian/app.json": "{}",
            "a.md": "\ufeff" + CRLF_NOTE,  # a BOM and CRLF line endings must survive
            "b.md": "#space #review [[gone]]\n",
            "c.md": "#space #review\n",
            "d.md": "Planned for 2028â€“2029\n",  # mojibake: its fix is unsafe, never applied
        },
    )
    before_d = (vault / "d.md").read_bytes()
    assert findings(capsys, vault) == [
        ("a.md", 3, 5, "tag-case"),
        ("a.md", 4, 5, "tag-case"),
        ("a.md", 7, 1, "tag-case"),
        ("b.md", 1, 16, "broken-link"),
        ("d.md", 1, 17, "mojibake"),
    ]
    code = main(["scan", str(vault), "--no-cache", "--fix"])
    out, err = capsys.readouterr()
    assert "fixed 3 findings" in err
    assert "a.md" not in out  # the fixed findings are not reported
    assert "b.md:1:16: error broken-link" in out
    assert code == 1  # the broken link is still an error
    expected = "\ufeff" + CRLF_NOTE.replace("- Space", "- space").replace(
        '"#Review"', '"#review"'
    ).replace("#Space and", "#space and")
    assert (vault / "a.md").read_bytes() == expected.encode("utf-8")
    assert (vault / "d.md").read_bytes() == before_d
    assert findings(capsys, vault) == [("b.md", 1, 16, "broken-link"), ("d.md", 1, 17, "mojibake")]
    # applied twice, a fix changes nothing more
    digest = hashlib.sha256((vault / "a.md").read_bytes()).hexdigest()
    main(["scan", str(vault), "--no-cache", "--fix"])
    capsys.readouterr()
    assert hashlib.sha256((vault / "a.md").read_bytes()).hexdigest() == digest


def test_without_fix_nothing_is_written(capsys, tmp_path):
    vault = write_vault(
        tmp_path / "v", {"a.md": "#Space\n", "b.md": "#space\n", "c.md": "#space\n"}
    )
    before = {p.name: p.read_bytes() for p in vault.glob("*.md")}
    main(["scan", str(vault), "--no-cache"])
    capsys.readouterr()
    assert {p.name: p.read_bytes() for p in vault.glob("*.md")} == before


# --- the fix loop: overlapping edits wait for the next pass, and the loop settles ----------


def _pair_checker(path: str, data: bytes) -> list[Diagnostic]:
    """A stand-in check: every 'xx' (overlapping ones too) should read 'y'."""
    note = parse_note(path, data)
    ctx = CheckContext(
        index=None, rule_id="pair", check_name="pair", severity="warning", options=None
    )  # type: ignore[arg-type]
    out = []
    for i in range(len(note.text) - 1):
        if note.text[i : i + 2] == "xx":
            fix = Fix("write y", (Edit(i, i + 2, "y"),), "safe")
            out.append(ctx.diagnostic(note, Span(i, i + 2), "xx", fix=fix))
    return out


def test_overlapping_fixes_are_applied_over_several_passes():
    # 'xxxxx': pass 1 takes the pairs at 0 and 2 (the ones at 1 and 3 overlap them) → 'yyx';
    # pass 2 finds nothing more
    result = fix_text("a.md", b"xxxxx\n", _pair_checker, unsafe=False)
    assert (result.data, result.fixed, len(result.before), result.after) == (b"yyx\n", 2, 4, [])
    # 'xxxx' then 'yy'; a BOM and CRLF around the edits are kept
    result = fix_text("a.md", b"\xef\xbb\xbfxxxx\r\n", _pair_checker, unsafe=False)
    assert (result.data, result.fixed) == (b"\xef\xbb\xbfyy\r\n", 2)


def test_choose_fixes_skips_overlaps_same_point_inserts_and_invalid_edits():
    a = Fix("a", (Edit(0, 2, "A"),))
    b = Fix("b", (Edit(1, 3, "B"),))  # overlaps a
    c = Fix("c", (Edit(3, 3, "C"),))
    d = Fix("d", (Edit(3, 3, "D"),))  # inserts where c inserts
    e = Fix("e", (Edit(4, 9, "E"),))  # past the end of the text
    f = Fix("f", (Edit(4, 5, "e"),))  # changes nothing
    assert choose_fixes("abcde", [b, d, a, c, e, f]) == [a, d]
    assert apply_edits("abcde", [*a.edits, *d.edits]) == "AcDde"


def test_fixes_that_undo_each_other_or_never_settle_are_not_applied():
    def flip(path: str, data: bytes) -> list[Diagnostic]:
        note = parse_note(path, data)
        ctx = CheckContext(
            index=None, rule_id="r", check_name="r", severity="warning", options=None
        )  # type: ignore[arg-type]
        other = "b" if note.text[0] == "a" else "a"
        return [ctx.diagnostic(note, Span(0, 1), "x", fix=Fix("f", (Edit(0, 1, other),)))]

    with pytest.raises(NotFixable, match="did not settle after 10 passes"):
        fix_text("a.md", b"a\n", flip, unsafe=False)

    def grow(path: str, data: bytes) -> list[Diagnostic]:
        note = parse_note(path, data)
        ctx = CheckContext(
            index=None, rule_id="r", check_name="r", severity="warning", options=None
        )  # type: ignore[arg-type]
        return [ctx.diagnostic(note, Span(0, 0), "x", fix=Fix("f", (Edit(0, 0, "z"),)))]

    with pytest.raises(NotFixable, match="did not settle"):
        fix_text("a.md", b"a\n", grow, unsafe=False)
    with pytest.raises(NotFixable, match="not valid UTF-8"):
        fix_text("a.md", b"caf\xe9 xx\n", _pair_checker, unsafe=False)


# --- the CLI: --fix, --unsafe-fixes, --diff ------------------------------------------------

TAGS_VAULT = {
    "a.md": "#Space\n",
    "b.md": "#space\n",
    "c.md": "#space and Planned for 2028â€“2029\n",
}


def test_fix_lists_the_notes_changed_and_the_hidden_unsafe_fixes(
    capsys, tmp_path, plain_environment
):
    vault = write_vault(tmp_path / "v", TAGS_VAULT)
    code = main(["scan", "v", "--no-cache", "--fix"])
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "vaultlint: fixed 1 finding in 1 note:",
        "vaultlint:   v/a.md: 1 fixed",
        "vaultlint: 1 more finding has a fix that may not be what you meant: "
        "add --unsafe-fixes to apply them",
    ]
    # (the report's path is the text reporter's business: vault- or cwd-relative)
    assert out.splitlines()[0].endswith(
        "c.md:1:28: warning mojibake garbled text 'â€“' (wrong encoding); it should read '–'"
    )
    assert code == 0
    assert (vault / "a.md").read_bytes() == b"#space\n"
    assert (vault / "c.md").read_text(encoding="utf-8") == TAGS_VAULT["c.md"]
    code = main(["scan", "v", "--no-cache", "--fix", "--unsafe-fixes"])
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "vaultlint: fixed 1 finding in 1 note:",
        "vaultlint:   v/c.md: 1 fixed",
    ]
    assert "mojibake" not in out and "tag-case" not in out
    assert (vault / "c.md").read_text(encoding="utf-8") == "#space and Planned for 2028–2029\n"


@pytest.mark.parametrize("fix", [[], ["--fix"]], ids=["diff", "diff-and-fix"])
def test_diff_writes_nothing_and_exits_1_when_there_is_a_change(
    capsysbinary, tmp_path, plain_environment, fix
):
    """``--diff --fix`` is ``--diff``: it writes nothing (as ruff's ``--diff`` does)."""
    vault = write_vault(tmp_path / "v", TAGS_VAULT)
    before = {p.name: p.read_bytes() for p in vault.iterdir()}
    assert main(["scan", "v", "--no-cache", "--diff", *fix]) == 1
    out, err = capsysbinary.readouterr()
    assert out == (
        b"diff --git a/v/a.md b/v/a.md\n--- a/v/a.md\n+++ b/v/a.md\n@@ -1 +1 @@\n-#Space\n+#space\n"
    )
    assert err.decode().splitlines() == [
        "vaultlint: would fix 1 finding in 1 note",
        "vaultlint: 1 more finding has a fix that may not be what you meant: "
        "add --unsafe-fixes to apply them",
    ]
    assert {p.name: p.read_bytes() for p in vault.iterdir()} == before
    main(["scan", "v", "--no-cache", "--fix", "--unsafe-fixes"])
    capsysbinary.readouterr()
    assert main(["scan", "v", "--no-cache", "--diff", "--unsafe-fixes"]) == 0
    out, err = capsysbinary.readouterr()
    assert (out, err) == (b"", b"vaultlint: nothing to fix\n")


# Notes whose bytes a diff can get wrong: CRLF, a BOM, non-ASCII text and names, a space and a
# quote in a name, no newline at the end, a lone CR, a NUL and a tab.
AWKWARD = {
    ".obsidian/app.json": b"{}",
    "crlf.md": b"\xef\xbb\xbf---\r\ntags:\r\n  - Space\r\n---\r\n# T\r\n\r\nsee #Space\r\n",
    "Caf\u00e9 \u2013 notes.md": (
        "# Caf\u00e9\n\nPlanned for 2028â€“2029 \u65e5\u672c #Space\n".encode()
    ),
    'odd "name" here.md': b"#Space\tand a NUL \x00 here\nlone\rCR #Space",
    "b.md": b"#space #space\n",
    "c.md": b"#space\n",
    "d.md": b"#space\n",
    "e.md": b"#space\n",
}


def _vault_bytes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize("unsafe", [False, True])
def test_diff_applies_with_git_apply_and_patch_and_gives_the_bytes_of_fix(
    capsysbinary, tmp_path, plain_environment, unsafe
):
    flags = ["--unsafe-fixes"] if unsafe else []
    original = write_vault(tmp_path / "orig", AWKWARD)
    for name in ("fixed", "git", "patch"):
        shutil.copytree(original, tmp_path / name)
    os.chdir(tmp_path / "orig")
    assert main(["scan", "--no-cache", "--diff", *flags]) == 1
    diff, _ = capsysbinary.readouterr()
    assert _vault_bytes(original) == AWKWARD_BYTES  # --diff wrote nothing
    os.chdir(tmp_path / "fixed")
    main(["scan", "--no-cache", "--fix", *flags])
    capsysbinary.readouterr()
    fixed = _vault_bytes(tmp_path / "fixed")
    changed = {p for p in fixed if fixed[p] != AWKWARD_BYTES[p]}
    assert changed == {"crlf.md", "Café – notes.md", 'odd "name" here.md'}
    patch_file = tmp_path / "fix.patch"
    patch_file.write_bytes(diff)
    git = ["git", "-c", "core.autocrlf=false", "-c", "core.safecrlf=false"]
    repo = tmp_path / "git"
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "apply", "--whitespace=nowarn", str(patch_file)], cwd=repo, check=True)
    assert _vault_bytes(repo) == fixed
    subprocess.run(
        ["patch", "-p1", "--quiet", "--binary", "-i", str(patch_file)],
        cwd=tmp_path / "patch",
        check=True,
    )
    assert _vault_bytes(tmp_path / "patch") == fixed
    if unsafe:
        assert "2028–2029".encode() in fixed["Café – notes.md"]
    else:
        assert "2028â€“2029".encode() in fixed["Café – notes.md"]


AWKWARD_BYTES = {k: v for k, v in AWKWARD.items()}


def test_fixes_on_files_that_are_not_notes_are_not_applied(tmp_path):
    from vaultlint.fix import plan_fixes

    vault = write_vault(tmp_path / "v", {"board.canvas": '{"nodes": [{"text": "#Space"}]}'})

    def never(path: str, data: bytes) -> list[Diagnostic]:
        raise AssertionError("a canvas is not re-read as a note")

    note = parse_note("board.canvas", (vault / "board.canvas").read_bytes())
    ctx = CheckContext(
        index=None,  # type: ignore[arg-type]
        rule_id="r",
        check_name="r",
        severity="warning",
        options=None,
    )
    diag = ctx.diagnostic(note, Span(20, 26), "x", fix=Fix("f", (Edit(21, 22, "s"),)))
    plan = plan_fixes(vault, [diag], never, unsafe=True)
    assert (plan.changes, plan.skipped, plan.diagnostics) == ([], [], [diag])
