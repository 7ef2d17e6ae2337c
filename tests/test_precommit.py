"""A real pre-commit run of the ``vaultlint`` hook, as a vault repository would use it.

Each test makes a git repository in ``tmp_path`` holding a small vault and a
``.pre-commit-config.yaml`` whose ``repo:`` is THIS repository at its current commit, then runs
``pre-commit run --files …``. pre-commit clones the repository at ``rev`` and ``pip install``s
it into a virtualenv: it sees only COMMITTED code (uncommitted changes are not tested here).
The hook environment is installed once for the module, in a shared ``PRE_COMMIT_HOME``.

Set ``VAULTLINT_HOOK_REPO`` to another clone (e.g. a scratch commit of work in progress) to
test that one's HEAD instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Three notes linking to each other; a.md has one broken link, c.md has another one.
NOTES = {
    "a.md": "# A\n\nSee [[b]] and [[c]].\n\nA [[missing]] link.\n",
    "b.md": "# B\n\n[[a]] and [[c]]\n",
    "c.md": "# C\n\n[[a]], [[b]] and [[ghost]]\n",
}
FIXED_A = "# A\n\nSee [[b]] and [[c]].\n\nA [[b]] link.\n"
BROKEN_LINE = re.compile(
    r"^(notes/)?a\.md:5:3: error broken-link link target 'missing' does not exist$", re.MULTILINE
)


@dataclass(frozen=True)
class Hook:
    repo: Path
    rev: str
    home: Path
    pre_commit: str
    git: str

    def env(self) -> dict[str, str]:
        env = dict(_clean_env(), PRE_COMMIT_HOME=str(self.home), NO_COLOR="1")
        # The hook must run the vaultlint installed from the commit, not a source tree.
        for name in ("PYTHONPATH", "VIRTUAL_ENV", "PRE_COMMIT_COLOR", "SKIP"):
            env.pop(name, None)
        return env


# Set by git while it runs hooks (e.g. when this suite runs from a pre-commit hook): they would
# point the tests' git commands at the outer repository.
_GIT_LOCATION = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_PREFIX",
)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _GIT_LOCATION}


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(
        argv,
        cwd=cwd,
        env=_clean_env() if env is None else env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _git(hook: Hook, cwd: Path, *args: str) -> str:
    argv = [hook.git, "-c", "user.name=vaultlint tests", "-c", "user.email=tests@example.invalid"]
    argv += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args]
    done = _run(argv, cwd)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def _config(hook: Hook, args: list[str] | None) -> str:
    text = (
        "repos:\n"
        f"  - repo: {hook.repo.as_posix()}\n"
        f"    rev: {hook.rev}\n"
        "    hooks:\n"
        "      - id: vaultlint\n"
    )
    if args is not None:
        text += f"        args: [{', '.join(args)}]\n"
    return text


def make_repo(hook: Hook, where: Path, layout: str) -> tuple[Path, Path]:
    """A committed git repository at ``where``; returns (repository, vault root)."""
    where.mkdir(parents=True)
    if layout == "subfolder":  # the vault is notes/, next to the repository's own README
        vault = where / "notes"
        config = _config(hook, ["--vault", "notes/"])
        (where / "README.md").write_text("# A repository\n\nNot a note: [[nowhere]]\n")
    else:  # the repository is the vault
        vault = where
        config = _config(hook, None)
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "app.json").write_text("{}\n")
    for name, text in NOTES.items():
        (vault / name).write_text(text, encoding="utf-8")
    (where / ".pre-commit-config.yaml").write_text(config)
    _git(hook, where, "init", "-q")
    _git(hook, where, "add", "-A")
    _git(hook, where, "commit", "-q", "-m", "a vault")
    return where, vault


def run_hook(hook: Hook, repo: Path, *files: str, verbose: bool = False):
    argv = [hook.pre_commit, "run", "--color", "never", *(["--verbose"] if verbose else [])]
    argv += ["--files", *files]
    return _run(argv, repo, hook.env())


def _committed(hook: Hook, path: str) -> bool:
    argv = [hook.git, "cat-file", "-e", f"{hook.rev}:{path}"]
    return _run(argv, hook.repo).returncode == 0


@pytest.fixture(scope="module")
def hook(tmp_path_factory: pytest.TempPathFactory) -> Hook:
    """This repository's HEAD as a pre-commit hook, its environment installed once."""
    git = shutil.which("git")
    if git is None:
        pytest.fail("git is not installed: the pre-commit test needs it")
    # pre-commit is in the test extra: beside this Python first (a venv not on PATH), then PATH
    beside = Path(sys.executable).parent / "pre-commit"
    pre_commit = str(beside) if beside.is_file() else shutil.which("pre-commit")
    if pre_commit is None:
        pytest.fail("pre-commit is not installed (it is in the test extra: pip install -e .[test])")
    repo = Path(os.environ.get("VAULTLINT_HOOK_REPO", REPO)).resolve()
    done = _run([git, "rev-parse", "HEAD"], repo)
    if done.returncode != 0:
        pytest.fail(f"{repo} is not a git repository with a commit:\n{done.stderr}")
    home = tmp_path_factory.mktemp("pre-commit-home")
    hook = Hook(repo=repo, rev=done.stdout.strip(), home=home, pre_commit=pre_commit, git=git)

    # Say plainly what the commit lacks, rather than failing deep inside pip.
    missing = [p for p in (".pre-commit-hooks.yaml", "pyproject.toml") if not _committed(hook, p)]
    if not missing:
        shown = _run([git, "show", f"{hook.rev}:pyproject.toml"], repo).stdout
        readme = tomllib.loads(shown).get("project", {}).get("readme")
        if isinstance(readme, str) and not _committed(hook, readme):
            missing.append(f"{readme} (named by pyproject.toml's `readme`)")
    if missing:
        pytest.fail(
            f"commit {hook.rev[:12]} of {repo} lacks {', '.join(missing)}: pre-commit installs the "
            "hook from the committed tree, so commit it first"
        )

    scratch, _ = make_repo(hook, tmp_path_factory.mktemp("install") / "repo", "root")
    done = _run([pre_commit, "install-hooks"], scratch, hook.env())
    if done.returncode != 0:
        log = home / "pre-commit.log"
        details = log.read_text(errors="replace")[-4000:] if log.is_file() else ""
        pytest.fail(
            f"pre-commit could not install the hook from {repo} at {hook.rev[:12]}:\n"
            f"{done.stdout}{done.stderr}\n{details}"
        )
    return hook


LAYOUTS = ["subfolder", "root"]


def _note(layout: str, name: str) -> str:
    return f"notes/{name}" if layout == "subfolder" else name


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_broken_link_in_the_staged_note_fails_the_hook(hook, tmp_path, layout):
    repo, vault = make_repo(hook, tmp_path / "repo", layout)
    (vault / "a.md").write_text(NOTES["a.md"] + "\n", encoding="utf-8")
    _git(hook, repo, "add", _note(layout, "a.md"))

    done = run_hook(hook, repo, _note(layout, "a.md"))
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "vaultlint" in output
    assert "- exit code: 1" in output
    assert BROKEN_LINE.search(output), output
    # [[b]] and [[c]] resolve against the whole vault although only a.md was passed, and c.md's
    # own broken link is not reported: c.md was not passed.
    assert "Found 1 error in 1 note." in output
    assert "'c'" not in output
    assert "ghost" not in output
    assert "c.md" not in output


@pytest.mark.parametrize("layout", LAYOUTS)
def test_fixing_the_link_makes_the_hook_pass(hook, tmp_path, layout):
    repo, vault = make_repo(hook, tmp_path / "repo", layout)
    assert run_hook(hook, repo, _note(layout, "a.md")).returncode == 1
    (vault / "a.md").write_text(FIXED_A, encoding="utf-8")
    _git(hook, repo, "add", _note(layout, "a.md"))

    done = run_hook(hook, repo, _note(layout, "a.md"))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"^vaultlint\.+Passed$", output, re.MULTILINE), output


def test_markdown_outside_the_vault_is_skipped(hook, tmp_path):
    """The repository's README.md is Markdown, so pre-commit passes it; it is not a note."""
    repo, _ = make_repo(hook, tmp_path / "repo", "subfolder")
    done = run_hook(hook, repo, "README.md", "notes/b.md", verbose=True)  # show a passing hook
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "vaultlint: warning: README.md: skipped" in output
    assert "No problems found in 1 note." in output
    assert "nowhere" not in output


def run_staged(hook: Hook, repo: Path, verbose: bool = False):
    """``pre-commit run`` as ``git commit`` runs it: on what is staged."""
    argv = [hook.pre_commit, "run", "--color", "never", *(["--verbose"] if verbose else [])]
    return _run(argv, repo, hook.env())


def _commit(hook: Hook, repo: Path, files: dict[Path, str]) -> None:
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    _git(hook, repo, "add", "-A")
    _git(hook, repo, "commit", "-q", "-m", "more")


def test_staged_files_named_like_options_are_paths(hook, tmp_path):
    """pre-commit appends the file names to the hook's args: they must not be read as options."""
    repo, vault = make_repo(hook, tmp_path / "repo", "root")
    _commit(hook, repo, {vault / "README.md": "# Read me\n\n[[a]]\n"})
    (vault / "--output=README.md").write_text("# Out\n\n[[b]]\n", encoding="utf-8")
    (vault / "-rf.md").write_text("# Rf\n\n[[c]]\n", encoding="utf-8")
    _git(hook, repo, "add", "--", "--output=README.md", "-rf.md")

    done = run_staged(hook, repo, verbose=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "No problems found in 2 notes." in output  # both were linted, as notes
    assert (vault / "README.md").read_text(encoding="utf-8") == "# Read me\n\n[[a]]\n"


def test_a_staged_option_like_note_with_a_broken_link_fails(hook, tmp_path):
    repo, vault = make_repo(hook, tmp_path / "repo", "root")
    (vault / "-rf.md").write_text("# Rf\n\n[[nowhere]]\n", encoding="utf-8")
    _git(hook, repo, "add", "--", "-rf.md")

    done = run_staged(hook, repo)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert re.search(
        r"^-rf\.md:3:1: error broken-link link target 'nowhere' does not exist$",
        output,
        re.MULTILINE,
    ), output
    assert "Found 1 error in 1 note." in output


@pytest.mark.parametrize("layout", LAYOUTS)
def test_git_rm_of_a_linked_note_fails_at_the_linking_lines(hook, tmp_path, layout):
    repo, _ = make_repo(hook, tmp_path / "repo", layout)
    _git(hook, repo, "rm", "-q", _note(layout, "b.md"))

    done = run_staged(hook, repo)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    prefix = "notes/" if layout == "subfolder" else ""
    for where in ("a.md:3:5", "c.md:3:8"):
        line = f"{prefix}{where}: error broken-link link target 'b' does not exist"
        assert re.search(f"^{re.escape(line)}$", output, re.MULTILINE), output
    # only the links the removal broke: a.md's old [[missing]], c.md's [[ghost]] are not new
    assert "Found 2 errors in 2 notes." in output
    assert "missing" not in output
    assert "ghost" not in output


@pytest.mark.parametrize("layout", LAYOUTS)
def test_git_mv_of_a_linked_note_fails_at_the_linking_lines(hook, tmp_path, layout):
    """A renamed note: the links to its old name break; the note under its new name is linted
    (its own links resolve), the notes linking to the old name fail at those links only."""
    repo, _ = make_repo(hook, tmp_path / "repo", layout)
    _git(hook, repo, "mv", _note(layout, "b.md"), _note(layout, "beta.md"))

    done = run_staged(hook, repo)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    prefix = "notes/" if layout == "subfolder" else ""
    for where in ("a.md:3:5", "c.md:3:8"):
        line = f"{prefix}{where}: error broken-link link target 'b' does not exist"
        assert re.search(f"^{re.escape(line)}$", output, re.MULTILINE), output
    assert "Found 2 errors in 2 of 3 notes." in output
    assert "missing" not in output
    assert "ghost" not in output


def test_git_mv_of_a_linked_attachment_fails(hook, tmp_path):
    repo, vault = make_repo(hook, tmp_path / "repo", "subfolder")
    (vault / "img.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _commit(hook, repo, {vault / "d.md": "# D\n\nA picture:\n![[img.png]]\n"})
    _git(hook, repo, "mv", "notes/img.png", "notes/pic.png")

    done = run_staged(hook, repo)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    line = "notes/d.md:4:1: error broken-link embed target 'img.png' does not exist"
    assert re.search(f"^{re.escape(line)}$", output, re.MULTILINE), output
    assert "Found 1 error in 1 note." in output


def test_git_rm_of_a_note_nobody_links_to_passes(hook, tmp_path):
    repo, vault = make_repo(hook, tmp_path / "repo", "root")
    _commit(hook, repo, {vault / "e.md": "# E\n\n[[a]]\n"})
    _git(hook, repo, "rm", "-q", "e.md")

    done = run_staged(hook, repo, verbose=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"^vaultlint\.+Passed$", output, re.MULTILINE), output
    assert "No notes to check: no note links to what the commit removes." in output


def test_a_run_with_nothing_staged_passes_without_linting(hook, tmp_path):
    repo, _ = make_repo(hook, tmp_path / "repo", "subfolder")

    done = run_staged(hook, repo, verbose=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"^vaultlint\.+Passed$", output, re.MULTILINE), output
    assert "No notes to check: nothing staged in the vault." in output
    assert "ghost" not in output
