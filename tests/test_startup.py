"""Start-up: what a command imports, and the lazy registries that keep it small.

Each import test runs a fresh interpreter (``sys.modules`` of the test process holds everything
already) that calls ``main([...])`` and prints which of the heavy modules it imported; the
expected lists are exact. Speed itself is measured by ``python -X importtime`` and
``bench/run_bench.py``, never here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import vaultlint.config
from vaultlint.checks import REGISTRY
from vaultlint.registry import LazyRegistry
from vaultlint.report import FORMATS, REPORTERS

#: modules a run answered from the cache has no use for
HEAVY = [
    "dataclasses",  # with inspect, ast, dis, tokenize: the checks' options are dataclasses
    "jsonschema",
    "mistune",
    "multiprocessing",
    "pygls",
    "rapidfuzz",
    "regex",
    "rich",
    "vaultlint.checks.base",
    "vaultlint.checks.links",
    "vaultlint.config.loader",
    "vaultlint.config.schema",
    "vaultlint.lint.batch",
    "vaultlint.lint.linter",
    "vaultlint.model",
    "vaultlint.parse",
    "vaultlint.parse.frontmatter",
    "vaultlint.vault.conventions",
    "vaultlint.vault.index",
    "yaml",
]

#: json is imported after the run: it is one of the modules a run should not import. What the
#: interpreter imported before the child's first line is not the run's: a ``.pth`` file of the
#: site-packages may import anything at start-up (CI's machine has one that imports certifi,
#: and with it ``importlib.resources``, ``zipfile``, ``shutil`` and ``threading``)
_CHILD = """
import sys
started = set(sys.modules)
import contextlib, io
heavy = sys.argv[1].split(",")
from vaultlint.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[2:])
found = sorted(m for m in heavy if m in sys.modules and m not in started)
import json
print(json.dumps([code, out.getvalue(), found]))
"""


def _imports(
    argv: list[str], cwd=None, env=None, heavy: list[str] = HEAVY
) -> tuple[int, str, list[str]]:
    """(exit status, stdout, the ``heavy`` modules imported) of ``main(argv)`` in a fresh
    Python."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, ",".join(heavy), *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=env,
    )
    code, out, heavy = json.loads(done.stdout)
    return code, out, heavy


#: modules a run of one edited note (the pre-commit run: the note parsed and checked in this
#: process against the stored summaries of the others) has no use for; each was imported by it
#: once, at module level, and is now imported where it is used
ONE_NOTE_HEAVY = [
    "difflib",  # did-you-mean hints (an unknown command, a suppression of an unknown rule)
    "hashlib",  # OpenSSL's bindings: BLAKE2b and compare_digest come from vaultlint.digest
    "hmac",
    "json",  # .obsidian settings, types.json and canvases, read only when they changed
    "jsonschema",
    "multiprocessing",  # workers: one note is served in this process
    "pygls",
    "shutil",  # argparse's terminal width (cli._HelpFormatter), clearing a cache folder
    "signal",  # workers (lint/signals.py)
    "threading",
    "traceback",  # a worker's or a check's crash
    "vaultlint.config.loader",
    "vaultlint.config.schema",
    "vaultlint.fix",
    "vaultlint.server",
    "yaml",
]


def test_a_run_of_one_edited_note_imports_nothing_it_does_not_use(tmp_path):
    vault = tmp_path / "v"
    (vault / "sub").mkdir(parents=True)
    (vault / ".vaultlint.yaml").write_text("extends: [recommended]\n", encoding="utf-8")
    (vault / "a.md").write_text("---\ntags: [x]\n---\n# A\n\n[[b#B]] [[gone]]\n", "utf-8")
    (vault / "sub" / "b.md").write_text("# B\n\n[[a]] #x\n", encoding="utf-8")
    argv = ["scan", "--vault", str(vault), str(vault / "a.md")]
    first = _imports(argv, cwd=tmp_path, heavy=ONE_NOTE_HEAVY)  # reads the configuration
    assert "yaml" in first[2]
    with (vault / "a.md").open("a", encoding="utf-8") as note:
        note.write("[[missing]]\n")
    code, out, heavy = _imports(argv, cwd=tmp_path, heavy=ONE_NOTE_HEAVY)
    assert (code, heavy) == (1, [])
    assert out.splitlines() == [
        "v/a.md:6:9: error broken-link link target 'gone' does not exist",
        "v/a.md:7:1: error broken-link link target 'missing' does not exist",
        "Found 2 errors in 1 note.",
    ]


def test_version_imports_nothing_heavy():
    code, out, heavy = _imports(["--version"])
    assert (code, out, heavy) == (0, f"vaultlint {vaultlint.__version__}\n", [])


def test_help_imports_nothing_heavy():
    code, out, heavy = _imports(["--help"])
    assert (code, heavy) == (0, [])
    assert "    scan      lint the notes of a vault (the default command)\n" in out
    assert "    schema    print the JSON Schema of .vaultlint.yaml\n" in out


#: the command modules: only the one that runs is imported
_COMMAND_MODULES = [
    "vaultlint.cli.cache",
    "vaultlint.cli.init",
    "vaultlint.cli.inspect",
    "vaultlint.cli.rule",
    "vaultlint.cli.rules",
    "vaultlint.cli.scan",
    "vaultlint.cli.schema",
    "vaultlint.cli.server",
]


def _child_stdout(code: str, *argv: str) -> str:
    """What ``python -c code argv…`` prints, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=True
    ).stdout


#: runs ``main(argv)`` and prints its exit status and the ``vaultlint.cli`` modules imported
_CLI_MODULES = (
    "import contextlib, io, sys\n"
    "from vaultlint.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main(sys.argv[1:])\n"
    "print(code, sorted(m for m in sys.modules if m.startswith('vaultlint.cli.')))\n"
)


def test_help_imports_no_command_module():
    assert _child_stdout(_CLI_MODULES, "--help") == "0 ['vaultlint.cli.base']\n"


def test_a_command_imports_its_own_module_only(tmp_path):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    for argv, module in (
        (["scan", "--no-cache", str(tmp_path)], "vaultlint.cli.scan"),
        (["schema", "--path"], "vaultlint.cli.schema"),
        (["rule", "broken-link"], "vaultlint.cli.rule"),
        (["cache", str(tmp_path)], "vaultlint.cli.cache"),
    ):
        out = _child_stdout(_CLI_MODULES, *argv)
        assert out == f"0 ['vaultlint.cli.base', '{module}']\n", argv


def test_schema_path_imports_nothing_heavy():
    code, out, heavy = _imports(["schema", "--path"])
    assert (code, heavy) == (0, [])
    assert out.endswith("vaultlint.schema.json\n")


def test_rules_reads_the_config_without_the_parser(tmp_path):
    code, out, heavy = _imports(["rules"], cwd=tmp_path)
    assert code == 0
    assert out.split()[:6] == ["ID", "CHECK", "SEVERITY", "SUMMARY", "broken-link", "links"]
    assert heavy == [
        "dataclasses",
        "vaultlint.checks.base",
        "vaultlint.checks.links",
        "vaultlint.config.loader",
        "vaultlint.config.schema",
        "vaultlint.model",
        "vaultlint.parse",  # the link-text reader and constants of the checks: not the parser
        "vaultlint.vault.index",
        "yaml",
    ]


def test_the_properties_check_names_the_parsers_problem_code():
    from vaultlint.checks import properties
    from vaultlint.parse import frontmatter

    assert properties.INVALID_FRONTMATTER == frontmatter.INVALID


# --- the lazy registries ----------------------------------------------------------------------


def test_every_check_is_registered_under_its_own_name():
    assert [REGISTRY[name].name for name in REGISTRY] == list(REGISTRY)
    assert len(REGISTRY) == 15


def test_every_format_is_registered_under_its_own_name():
    assert [REPORTERS[name].name for name in REPORTERS] == list(FORMATS)


def test_a_check_module_is_imported_when_it_is_looked_up():
    child = (
        "import sys\n"
        "from vaultlint.checks import REGISTRY\n"
        "before = sorted(m for m in sys.modules if m.startswith('vaultlint.checks.'))\n"
        "names = list(REGISTRY)\n"
        "REGISTRY['tag-syntax']\n"
        "after = sorted(m for m in sys.modules if m.startswith('vaultlint.checks.'))\n"
        "print(before, names[:3], after)\n"
    )
    assert _child_stdout(child) == (
        "[] ['links', 'frontmatter', 'tag-syntax'] "
        "['vaultlint.checks.base', 'vaultlint.checks.tag_syntax']\n"
    )


class _Named:
    name = "other"


def test_a_registry_entry_that_names_another_class_is_a_bug():
    registry = LazyRegistry((("thing", "tests.test_startup:_Named"),))
    with pytest.raises(RuntimeError) as exc:
        registry["thing"]
    assert str(exc.value) == (
        "registry entry 'thing' is tests.test_startup:_Named, whose name is 'other'"
    )


def test_a_registry_takes_set_and_deleted_entries():
    registry = LazyRegistry((("a", "tests.test_startup:_Named"),))
    registry["other"] = _Named
    assert list(registry) == ["a", "other"]
    assert registry["other"] is _Named
    del registry["a"]
    assert (list(registry), "a" in registry, len(registry)) == (["other"], False, 1)
    with pytest.raises(KeyError):
        registry["a"]


def test_config_names_are_the_modules_objects():
    from vaultlint.config import errors, loader, packs, select

    expected = {
        "CONFIG_FILENAMES": packs.CONFIG_FILENAMES,
        "Config": loader.Config,
        "ConfigError": errors.ConfigError,
        "builtin_pack_path": packs.builtin_pack_path,
        "find_config": packs.find_config,
        "list_packs": packs.list_packs,
        "load_config": loader.load_config,
        "select_rules": select.select_rules,
    }
    assert sorted(vaultlint.config.__all__) == sorted(expected)
    for name, value in expected.items():
        assert getattr(vaultlint.config, name) is value
    assert loader.ConfigError is errors.ConfigError
    with pytest.raises(AttributeError) as exc:
        vaultlint.config.nothing  # noqa: B018
    assert str(exc.value) == "module 'vaultlint.config' has no attribute 'nothing'"


def _gc_after(code: str) -> str:
    """``gc.isenabled()`` in a fresh interpreter after ``code`` ran (its output dropped)."""
    probe = (
        "import contextlib, gc, io, os, sys\n"
        "os._exit = lambda code: None\n"  # (main() would end the process: cli._leave)
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    {code}\n"
        "print(gc.isenabled())\n"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_process_of_its_own_runs_without_the_cyclic_collector():
    """``vaultlint`` and ``python -m vaultlint`` (main called with no argv) turn the cyclic
    garbage collector off; a caller of ``main([...])`` keeps its own."""
    assert (
        _gc_after(
            "import sys; sys.argv = ['vaultlint', '--version']; "
            "from vaultlint.cli import main; main()"
        )
        == "False"
    )
    assert _gc_after("from vaultlint.cli import main; main(['--version'])") == "True"
    assert (
        _gc_after(
            "import runpy, sys; sys.argv = ['vaultlint', '--version']\n"
            "    try: runpy.run_module('vaultlint', run_name='__main__')\n"
            "    except SystemExit: pass"
        )
        == "False"
    )


def test_the_server_turns_the_cyclic_collector_on(monkeypatch):
    """A long-running server collects cycles (``main()`` turned it off for its process)."""
    import gc

    from vaultlint.cli import server
    from vaultlint.server import lsp, preload

    seen: list[bool] = []
    monkeypatch.setattr(lsp, "serve", lambda: seen.append(gc.isenabled()) or 0)
    monkeypatch.setattr(preload.PRELOAD, "start", lambda root: None)
    gc.disable()
    try:
        assert server.run(None) == server.Outcome.CLEAN
    finally:
        gc.enable()
    assert seen == [True]
