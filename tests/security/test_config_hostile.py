"""A configuration from a stranger (issue 10, rows 2, 9, 10, 11, 12): each attack is a quick
config error (exit 2) that quotes nothing of any file it names. Time and memory are bounded by
the harness (a subprocess with a timeout and an address-space limit), never by wall-clock
assertions."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

SECRET = "AUTHORIZATION: basic c2VjcmV0LXRva2Vu"
#: the child's address space: far below what the attacks took (3.5-7.8 GB)
MEMORY_LIMIT = 1 << 30
TIMEOUT = 120


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def scan(vault: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VAULTLINT_DEBUG", "FORCE_COLOR")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "vaultlint", "scan", str(vault), "--no-cache", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limits,
        env=env,
        check=False,
    )


def vault_with(tmp_path: Path, config: str) -> tuple[Path, Path]:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "A.md").write_text("# A\n", encoding="utf-8")
    path = vault / ".vaultlint.yaml"
    path.write_text(config, encoding="utf-8")
    (tmp_path / "outside.yaml").write_text(f"rules:\n  x: {{check: links}}\n# {SECRET}\n")
    return vault, path


def assert_config_error(run: subprocess.CompletedProcess[str], expected: str) -> None:
    assert (run.returncode, run.stdout, run.stderr) == (2, "", f"vaultlint: error: {expected}\n")
    assert "c2VjcmV0" not in run.stderr


# --- row 2: extends and allowed_file resolve inside the vault or beside the config ---------


@pytest.mark.parametrize("name", ["../outside.yaml", "/etc/passwd"])
def test_extends_outside_the_vault_is_refused_unread(tmp_path, name):
    vault, config = vault_with(tmp_path, f"extends: [{name}]\n")
    assert_config_error(
        scan(vault),
        f"{config}:1: pack file '{name}' is not read: outside the vault and the "
        "configuration's folder",
    )


def test_extends_through_a_symlink_leaving_the_vault_is_refused(tmp_path):
    vault, config = vault_with(tmp_path, "extends: [packs/p.yaml]\n")
    (vault / "packs").mkdir()
    os.symlink(tmp_path / "outside.yaml", vault / "packs" / "p.yaml")
    assert_config_error(
        scan(vault),
        f"{config}:1: pack file 'packs/p.yaml' is not read: outside the vault and the "
        "configuration's folder",
    )


def test_a_pack_file_inside_the_vault_is_read(tmp_path):
    vault, _config = vault_with(tmp_path, "extends: [packs/p.yaml]\n")
    (vault / "packs").mkdir()
    (vault / "packs" / "p.yaml").write_text("rules:\n  mine: {check: links}\n")
    run = scan(vault)
    assert (run.returncode, run.stderr) == (0, "")


def test_an_explicit_config_may_live_anywhere(tmp_path):
    vault, _ = vault_with(tmp_path, "")
    elsewhere = tmp_path / "ci" / "vaultlint.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text("extends: [pack.yaml]\n")
    (elsewhere.parent / "pack.yaml").write_text("rules:\n  mine: {check: links}\n")
    run = subprocess.run(
        [sys.executable, "-m", "vaultlint", "scan", str(vault), "--config", str(elsewhere)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert run.returncode == 0, run.stderr


ALLOWED = "rules:\n  t:\n    check: tags\n    allowed_file: {file}\n"


@pytest.mark.parametrize("file", ["/etc/passwd", "/dev/zero", "../outside.yaml"])
def test_allowed_file_outside_the_vault_is_refused_unread(tmp_path, file):
    vault, config = vault_with(tmp_path, ALLOWED.format(file=file))
    assert_config_error(
        scan(vault),
        f"{config}:4: option 'allowed_file' of rule 't': cannot read '{file}': outside the "
        "vault and the configuration's folder",
    )


# --- row 10: no device, FIFO or huge file is read -------------------------------------------


def test_allowed_file_symlinked_to_dev_urandom_is_refused(tmp_path):
    vault, config = vault_with(tmp_path, ALLOWED.format(file="words.txt"))
    os.symlink("/dev/urandom", vault / "words.txt")
    assert_config_error(
        scan(vault),
        f"{config}:4: option 'allowed_file' of rule 't': cannot read 'words.txt': outside the "
        "vault and the configuration's folder",
    )


def test_allowed_file_that_is_a_fifo_is_refused(tmp_path):
    vault, config = vault_with(tmp_path, ALLOWED.format(file="words.txt"))
    os.mkfifo(vault / "words.txt")
    assert_config_error(
        scan(vault),
        f"{config}:4: option 'allowed_file' of rule 't': cannot read 'words.txt': not a "
        "regular file",
    )


def test_allowed_file_over_the_size_cap_is_refused(tmp_path):
    vault, config = vault_with(tmp_path, ALLOWED.format(file="words.txt"))
    (vault / "words.txt").write_bytes(b"tag\n" * 300_000)
    assert_config_error(
        scan(vault),
        f"{config}:4: option 'allowed_file' of rule 't': cannot read 'words.txt': larger "
        "than 1048576 bytes",
    )


# --- row 9: aliases and merge keys ----------------------------------------------------------


def merge_key_bomb() -> str:
    lines = ["l0: &l0 {k: 1}"]
    for i in range(1, 9):
        lines.append(f"l{i}: &l{i} {{<<: [{', '.join([f'*l{i - 1}'] * 9)}]}}")
    return "\n".join(lines) + "\n"


def test_a_merge_key_bomb_is_a_quick_config_error(tmp_path):
    bomb = merge_key_bomb()
    assert len(bomb.encode()) < 600
    vault, config = vault_with(tmp_path, bomb)
    assert_config_error(
        scan(vault),
        f"{config}:6: invalid YAML: aliases and merge keys expand to more than 100000 values",
    )


# --- row 11: user patterns' compile size ----------------------------------------------------


def test_a_pattern_that_would_take_gigabytes_to_compile_is_a_config_error(tmp_path):
    pattern = "((a{1000}){1000}){1000}"
    vault, config = vault_with(
        tmp_path, f"rules:\n  t:\n    check: tags\n    pattern: '{pattern}'\n"
    )
    assert_config_error(
        scan(vault),
        f"{config}:4: option 'pattern' of rule 't': invalid regular expression '{pattern}': "
        "its repetitions expand to about 1000000000 items (more than 100000); use fewer or "
        "smaller {n} counts",
    )


# --- row 12: message templates --------------------------------------------------------------


@pytest.mark.parametrize(
    "template", ["{message:>300000000}", "{message.__class__}", "{message!r}", "{0}", "{x}"]
)
def test_message_templates_take_only_the_message_field(tmp_path, template):
    vault, config = vault_with(tmp_path, f"rules:\n  broken-link:\n    message: '{template}'\n")
    assert_config_error(
        scan(vault),
        f"{config}:3: 'message' of rule 'broken-link' is not a valid template: write "
        "{message} for the check's own message (no format spec, conversion or attribute), "
        "and {{ and }} for literal braces",
    )


def test_a_plain_message_template_still_works(tmp_path):
    vault, _ = vault_with(tmp_path, "rules:\n  broken-link:\n    message: 'Broken: {message}'\n")
    (vault / "B.md").write_text("[[Nowhere]]\n")
    run = scan(vault)
    assert run.returncode == 1
    assert "Broken: link target 'Nowhere' does not exist" in run.stdout
