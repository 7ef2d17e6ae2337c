"""The CI snippets of docs/ci.md: each is a file under docs/ci/, and each is checked here.

A snippet must load as YAML, have the structure its CI system needs, hold vaultlint command lines
that vaultlint's own parser accepts, and appear in docs/ci.md verbatim (so the page never shows
an untested variant). The GitLab code-quality converter is run on real vaultlint output.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conftest import REPO, write_vault
from vaultlint.cli import build_parser, main
from vaultlint.report import FORMATS

DOCS = REPO / "docs"
CI = DOCS / "ci"
PAGE = DOCS / "ci.md"
SNIPPETS = sorted(p.name for p in CI.glob("*.yml"))
EXPECTED_SNIPPETS = [
    "github-annotations.yml",
    "github-cache.yml",
    "github-code-scanning.yml",
    "gitlab-code-quality.yml",
    "gitlab-junit.yml",
    "pre-commit-subfolder.yml",
    "pre-commit.yml",
]
COMMANDS = ("scan", "inspect", "rules", "rule")
SHELL_OPERATORS = {"||", "&&", ";", "|", ">", ">>", "2>&1"}


def load(name: str) -> dict:
    data = yaml.safe_load((CI / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict), name
    return data


def vaultlint_commands(script: str) -> list[list[str]]:
    """The ``vaultlint …`` command lines of a shell script, as argument lists (without the
    program name and without what follows a shell operator such as ``|| test $? -eq 1``)."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        for i, word in enumerate(words):
            if word in SHELL_OPERATORS:
                words = words[:i]
                break
        if words[:1] == ["vaultlint"]:
            commands.append(words[1:])
        elif words[:3] == ["python", "-m", "vaultlint"] or words[:3] == [
            "python3",
            "-m",
            "vaultlint",
        ]:
            commands.append(words[3:])
    return commands


def parse(argv: list[str]):
    """Parse as ``vaultlint.cli.main`` does (``scan`` is the default command)."""
    argv = list(argv)
    if argv and argv[0] not in (*COMMANDS, "-h", "--help") and argv[0] != "--version":
        argv.insert(0, "scan")
    try:
        args = build_parser().parse_args(argv)
    except SystemExit:
        pytest.fail(f"vaultlint's parser rejects: vaultlint {shlex.join(argv)}")
    if args.command == "scan":
        assert args.format in FORMATS, f"unknown --format {args.format!r}"
    return args


def github_steps(workflow: dict) -> list[dict]:
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    assert all(isinstance(step, dict) for step in steps)
    return steps


def github_commands(workflow: dict) -> list[list[str]]:
    return [c for step in github_steps(workflow) for c in vaultlint_commands(step.get("run", ""))]


def gitlab_commands(job: dict) -> list[list[str]]:
    return [c for line in job["script"] for c in vaultlint_commands(line)]


def triggers(workflow: dict) -> dict:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict), "the workflow has no `on:` triggers"
    return on


# --- the page and its files -------------------------------------------------------------------


def test_the_snippet_files_are_there():
    assert SNIPPETS == EXPECTED_SNIPPETS


@pytest.mark.parametrize("name", EXPECTED_SNIPPETS)
def test_the_page_holds_each_snippet_verbatim(name):
    snippet = (CI / name).read_text(encoding="utf-8")
    assert snippet.endswith("\n")
    page = PAGE.read_text(encoding="utf-8")
    assert f"```yaml\n{snippet}```\n" in page, f"docs/ci.md does not hold docs/ci/{name} verbatim"
    assert f"`docs/ci/{name}`" in page


def test_every_yaml_block_of_the_page_is_a_tested_snippet():
    page = PAGE.read_text(encoding="utf-8")
    blocks = re.findall(r"^```yaml\n(.*?)^```$", page, re.MULTILINE | re.DOTALL)
    files = {(CI / name).read_text(encoding="utf-8") for name in EXPECTED_SNIPPETS}
    assert len(blocks) == len(EXPECTED_SNIPPETS)
    assert all(block in files for block in blocks)


# --- pre-commit -------------------------------------------------------------------------------


def _hook_definition() -> dict:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


@pytest.mark.parametrize("name", ["pre-commit.yml", "pre-commit-subfolder.yml"])
def test_pre_commit_snippets(name):
    (repo,) = load(name)["repos"]
    assert set(repo) == {"repo", "rev", "hooks"}
    assert repo["repo"].startswith("https://")
    assert isinstance(repo["rev"], str) and repo["rev"]
    (hook,) = repo["hooks"]
    definition = _hook_definition()
    assert hook["id"] == definition["id"] == "vaultlint"
    entry = shlex.split(definition["entry"])
    assert entry[0] == "vaultlint"
    # pre-commit runs: entry + args + the staged files
    args = parse([*entry[1:], *hook.get("args", []), "notes/a.md", "notes/b.md"])
    assert args.command == "scan"
    assert args.paths == ["notes/a.md", "notes/b.md"]
    if name == "pre-commit.yml":
        assert "args" not in hook
        assert args.vault is None
    else:
        assert hook["args"] == ["--vault", "notes/"]
        assert args.vault == "notes/"
        assert re.search(hook["files"], "notes/Daily/2025-01-01.md")
        assert not re.search(hook["files"], "README.md")


def test_the_hook_definition_holds_what_the_contract_promises():
    """CONTRACT "pre-commit": hook id `vaultlint`, `entry: vaultlint scan` (the hook adds its
    --pre-commit mode), `language: python`, `types: [markdown]`, `require_serial: true`."""
    hook = _hook_definition()
    assert hook["id"] == "vaultlint"
    assert shlex.split(hook["entry"]) == ["vaultlint", "scan", "--pre-commit"]
    assert hook["language"] == "python"
    assert hook["types"] == ["markdown"]
    assert hook["require_serial"] is True
    assert hook["always_run"] is True  # a commit that only removes notes is still checked


def test_the_contract_pre_commit_snippet_is_on_the_page():
    page = PAGE.read_text(encoding="utf-8")
    assert "repos:\n  - repo: https://github.com/vaultlint/vaultlint\n    rev: v0.2.0\n" in page
    assert "    hooks:\n      - id: vaultlint\n" in page


# --- GitHub Actions ---------------------------------------------------------------------------


def test_github_code_scanning_workflow():
    workflow = load("github-code-scanning.yml")
    on = triggers(workflow)
    assert "pull_request" in on and "push" in on
    assert workflow["permissions"]["security-events"] == "write"
    steps = github_steps(workflow)
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/checkout@")
    (command,) = github_commands(workflow)
    args = parse(command)
    assert args.format == "sarif"
    assert args.output
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-"))
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3"
    assert upload["with"]["sarif_file"] == args.output
    # the scan step sits between checkout and upload
    scan_index = next(i for i, s in enumerate(steps) if "vaultlint scan" in s.get("run", ""))
    assert 0 < scan_index < steps.index(upload)


def test_github_annotations_workflow():
    workflow = load("github-annotations.yml")
    assert "pull_request" in triggers(workflow)
    (command,) = github_commands(workflow)
    args = parse(command)
    assert args.format == "github"
    assert args.output is None  # annotations are workflow commands: they must reach stdout
    assert args.vault == "notes/"
    assert github_steps(workflow)[0]["uses"].startswith("actions/checkout@")


def test_github_cache_workflow():
    """The cache folder actions/cache keeps is the one vaultlint uses, outside the checkout."""
    workflow = load("github-cache.yml")
    steps = github_steps(workflow)
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    (command,) = github_commands(workflow)
    args = parse(command)
    assert args.cache_dir == cache["with"]["path"] == "~/.cache/vaultlint"
    assert args.cache_dir.startswith("~/")  # outside the workspace: the PR cannot commit a key
    assert "github.sha" in cache["with"]["key"] and cache["with"]["restore-keys"]
    assert steps.index(cache) < next(
        i for i, s in enumerate(steps) if "vaultlint scan" in s.get("run", "")
    )


@pytest.mark.parametrize(
    "name", ["github-annotations.yml", "github-cache.yml", "github-code-scanning.yml"]
)
def test_github_workflows_install_vaultlint_before_running_it(name):
    runs = [step.get("run", "") for step in github_steps(load(name))]
    install = next(i for i, run in enumerate(runs) if "pip install" in run and "vaultlint" in run)
    scan = next(i for i, run in enumerate(runs) if run.startswith("vaultlint scan"))
    assert install < scan


# --- GitLab CI --------------------------------------------------------------------------------


def test_gitlab_junit_job():
    (job,) = load("gitlab-junit.yml").values()
    assert isinstance(job["script"], list)
    (command,) = gitlab_commands(job)
    args = parse(command)
    assert args.format == "junit"
    assert job["artifacts"]["reports"]["junit"] == args.output
    assert job["artifacts"]["when"] == "always"


def test_gitlab_code_quality_job():
    (job,) = load("gitlab-code-quality.yml").values()
    (command,) = gitlab_commands(job)
    args = parse(command)
    assert args.format == "json"
    converter = job["script"][-1]
    assert f'open("{args.output}"' in converter
    report = job["artifacts"]["reports"]["codequality"]
    assert f'open("{report}", "w"' in converter
    assert job["artifacts"]["when"] == "always"


@pytest.fixture
def _cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitlab_code_quality_converter_runs_on_real_output(_cwd, capsys):
    """Run the snippet's own script on vaultlint's JSON output for a vault in notes/."""
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell to run the GitLab script with")
    write_vault(
        _cwd / "notes",
        {
            ".obsidian/app.json": "{}",
            "a.md": "[[gone]]\n\n[[gone]]\n",
            "b.md": "#Tag\n",
            "c.md": "#tag #tag\n",
        },
    )
    (job,) = load("gitlab-code-quality.yml").values()
    (command,) = gitlab_commands(job)
    assert main([*command, "--no-cache"]) == 1
    capsys.readouterr()
    converter = job["script"][-1].replace("python3 -", f"{shlex.quote(sys.executable)} -", 1)
    done = subprocess.run(
        ["sh", "-c", converter], cwd=_cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    issues = json.loads((_cwd / "gl-code-quality.json").read_text(encoding="utf-8"))
    assert [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"], i["severity"])
        for i in issues
    ] == [
        ("notes/a.md", 1, "broken-link", "major"),
        ("notes/a.md", 3, "broken-link", "major"),
        ("notes/b.md", 1, "tag-case", "minor"),
    ]
    assert issues[0]["description"] == "broken-link: link target 'gone' does not exist"
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 3
    assert all(re.fullmatch(r"[0-9a-f]{64}", f) for f in fingerprints)


def test_command_extraction_understands_shell_suffixes():
    script = "pip install x\nvaultlint scan --vault notes/ --format json || test $? -eq 1\n"
    assert vaultlint_commands(script) == [["scan", "--vault", "notes/", "--format", "json"]]
    assert vaultlint_commands("python -m vaultlint notes \\\n  --strict") == [["notes", "--strict"]]
