"""The warm path (``lint/warm.py``, ``lint/fingerprint.py``): a scan with nothing changed since
the last one is answered from the cache without reading the configuration, and any change to
what the findings depend on — the configuration's bytes, a pack file it extends, a word list,
Obsidian's settings, ``types.json``, ``--select`` — is seen without parsing anything.

"Without reading the configuration" is tested as it is meant: the loader is replaced by one
that fails, or a fresh interpreter lists the modules it imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import vaultlint.config.cached
import vaultlint.config.loader
from tests.test_startup import HEAVY, ONE_NOTE_HEAVY
from vaultlint.cli import main
from vaultlint.lint import fingerprint, warm
from vaultlint.lint.cache import CACHE_ENV, open_cache
from vaultlint.lint.store import Store

from .conftest import write_vault

VAULT = {
    ".obsidian/app.json": "{}",
    ".obsidian/types.json": '{"types": {"rating": "number"}}',
    ".vaultlint.yaml": "extends: [recommended, packs/extra.yaml]\n"
    "rules:\n  voc:\n    check: tags\n    allowed_file: lists/tags.txt\n    case: any\n"
    "  types:\n    check: property-types\n",
    "packs/extra.yaml": "rules:\n  tag-case: off\n",
    "lists/tags.txt": "foo\nspace\n",
    "a.md": "---\nrating: 3\n---\n# A\n\nSee [[b]] and [[c]]. ![[img.png]]\n#Space #foo #bar\n",
    "b.md": "---\nrating: high\n---\n# B\n\n## Part\n\n[[a#A]] [[missing]] #space\n",
    "Templates/t.md": "[[nowhere]]\n",
    "img.png": "",
}


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["scan", *args, "--format", "json"])
    return code, capsys.readouterr().out


def cold(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    return scan(capsys, *args, "--no-cache")


class _NotRead(Exception):
    pass


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("VAULTLINT_DEBUG", "1")  # a _NotRead reaches the test
    return write_vault(tmp_path / "v", VAULT)


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["scan", *args])
    return code, capsys.readouterr().out


def _refuse(*args, **kwargs):
    raise _NotRead("the configuration was read")


def test_a_warm_scan_reads_no_configuration_and_reports_the_same(capsys, vault, monkeypatch):
    formats = ("json", "text", "sarif", "junit", "github")
    expected = {fmt: _out(capsys, str(vault), "--format", fmt, "--no-cache") for fmt in formats}
    one_note = _out(capsys, str(vault / "a.md"), "--format", "json", "--no-cache")
    assert expected["json"][0] == 1
    rules = {d["rule"] for d in json.loads(expected["json"][1])["diagnostics"]}
    assert rules == {"broken-link", "property-type", "voc", "types"}  # the pack: no tag-case
    assert scan(capsys, str(vault)) == expected["json"]  # reads the config, writes the cache
    monkeypatch.setattr(vaultlint.config.loader, "load_config", _refuse)
    monkeypatch.setattr(vaultlint.config.cached, "kept_config", _refuse)  # nor the kept one
    for fmt in formats:
        assert _out(capsys, str(vault), "--format", fmt) == expected[fmt], fmt
    assert _out(capsys, str(vault / "a.md"), "--format", "json") == one_note
    with pytest.raises(_NotRead):  # a scan that fixes reads the configuration
        main(["scan", str(vault), "--diff"])


@pytest.mark.parametrize(
    "change",
    [
        "config",
        "pack",
        "word-list",
        "types-json",
        "app-json",
        "templates-json",
        "note",
        "new-note",
        "attachment-removed",
    ],
)
def test_a_change_of_any_dependency_is_a_miss(capsys, vault, change):
    scan(capsys, str(vault))  # the cache and the facts
    if change == "config":
        path, text = ".vaultlint.yaml", VAULT[".vaultlint.yaml"].replace("case: any", "case: lower")
    elif change == "pack":
        path, text = "packs/extra.yaml", "rules:\n  tag-case: error\n"
    elif change == "word-list":
        path, text = "lists/tags.txt", "foo\nspace\nbar\n"
    elif change == "types-json":
        path, text = ".obsidian/types.json", '{"types": {"rating": "text"}}'
    elif change == "app-json":
        path, text = ".obsidian/app.json", '{"userIgnoreFilters": ["b.md"]}'
    elif change == "templates-json":
        path, text = ".obsidian/templates.json", '{"folder": "Templates"}'
    elif change == "note":
        path, text = "b.md", VAULT["b.md"].replace("[[missing]]", "[[a]]")
    elif change == "new-note":
        path, text = "c.md", "# C\n"
    else:
        path, text = "img.png", None
    before = cold(capsys, str(vault))
    if text is None:
        (vault / path).unlink()
    else:
        (vault / path).write_text(text, encoding="utf-8")
    after = cold(capsys, str(vault))
    assert after != before  # the change matters to the findings
    assert scan(capsys, str(vault)) == after


def test_the_selection_is_part_of_the_key(capsys, vault, monkeypatch):
    scan(capsys, str(vault))
    monkeypatch.setattr(vaultlint.config.loader, "load_config", _refuse)
    monkeypatch.setattr(vaultlint.config.cached, "kept_config", _refuse)
    scan(capsys, str(vault))  # warm
    with pytest.raises(_NotRead):  # never cached with this selection: the config is read
        scan(capsys, str(vault), "--select", "voc")


def test_nothing_changed_but_the_selection(capsys, vault):
    full = scan(capsys, str(vault))
    selected = scan(capsys, str(vault), "--select", "voc")
    assert selected == cold(capsys, str(vault), "--select", "voc") != full
    assert scan(capsys, str(vault)) == full


def test_damaged_facts_are_a_miss(capsys, vault):
    expected = scan(capsys, str(vault))
    cache = open_cache(vault)
    assert cache is not None
    facts = warm.load_facts(Store(cache))
    assert facts is not None
    assert facts.rules[0][:3] == ("broken-link", "links", "error")
    assert dict(facts.digests)[str(vault / "lists" / "tags.txt")] != fingerprint.MISSING
    assert dict(facts.digests)[str(vault / ".obsidian" / "templates.json")] == fingerprint.MISSING
    assert str(vault / "packs" / "extra.yaml") in dict(facts.digests)
    store = Store(cache)  # authentic facts of the wrong shape
    store.load()
    assert store.save({}, [], [], {"facts": (*facts[:5], (("too", "short"),))})
    assert warm.load_facts(store) is None
    assert warm.cached_scan(vault, facts.key, cwd=vault) is None
    assert scan(capsys, str(vault)) == expected  # read again, and recorded again
    assert warm.load_facts(Store(cache)) == facts


def test_run_keys(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("rules: {}\n", encoding="utf-8")
    key = fingerprint.run_key(str(config), [], [])
    assert key is not None and len(key) == 16
    assert fingerprint.run_key(str(config), [], []) == key
    assert fingerprint.run_key(str(config), ["a"], []) != key
    assert fingerprint.run_key(str(config), [], ["a"]) != key
    assert fingerprint.run_key(str(config), ["a"], []) != fingerprint.run_key(
        str(config), [], ["a"]
    )
    assert fingerprint.run_key(None, [], []) != key
    assert fingerprint.run_key(str(tmp_path / "nothing.yaml"), [], []) is None
    config.write_text("rules: {} \n", encoding="utf-8")
    assert fingerprint.run_key(str(config), [], []) != key


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_a_dependency_that_is_a_fifo_is_missing_and_never_read(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "f").write_bytes(b"x")
    digests = fingerprint.file_digests([str(tmp_path / "pipe"), str(tmp_path / "f")])
    assert digests[0] == (str(tmp_path / "pipe"), fingerprint.MISSING)
    assert digests[1][1] != fingerprint.MISSING
    assert fingerprint.unchanged(digests)
    (tmp_path / "f").write_bytes(b"y")
    assert not fingerprint.unchanged(digests)


#: the heavy modules the run imported (not those the interpreter's start-up did: see
#: tests/test_startup.py's child)
_CHILD = """
import sys
started = set(sys.modules)
import contextlib, io, json
from vaultlint.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["scan", sys.argv[1], "--format", "json"])
heavy = json.loads(sys.argv[2])
found = sorted(m for m in heavy if m in sys.modules and m not in started)
print(json.dumps([code, out.getvalue(), found]))
"""


#: (json: this child and the JSON report import it)
_HEAVY = sorted({*HEAVY, *ONE_NOTE_HEAVY} - {"json"})


def _child(vault: Path) -> tuple[int, str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(vault), json.dumps(_HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, CACHE_ENV: os.environ[CACHE_ENV]},
    )
    code, out, heavy = json.loads(done.stdout)
    return code, out, heavy


def test_a_warm_scan_imports_no_heavy_module(capsys, vault):
    first = _child(vault)  # cold: reads the configuration, parses, checks
    assert "yaml" in first[2] and "vaultlint.parse" in first[2]
    code, out, heavy = _child(vault)
    assert (code, out, heavy) == (first[0], first[1], [])
    assert (code, out) == cold(capsys, str(vault))


def test_findings_keep_every_field_through_the_cache():
    """Diagnostics and line tables pickle by a call of their class (fast to unpickle): every
    field must be in it, a field added later too; fixes and edits are named tuples."""
    import pickle

    from vaultlint.diagnostic import Diagnostic, Edit, Fix, LineTable
    from vaultlint.model import Span

    lines = LineTable((0, 5, 9), (7,))
    fix = Fix("do it", (Edit(1, 2, "x"), Edit(3, 3, "")), "unsafe")
    found = Diagnostic("a.md", Span(1, 3), "r", "c", "error", "m", lines, "snip", fix)
    for value in (lines, fix.edits[0], fix, found):
        fields = value._fields
        copy = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert type(copy) is type(value)
        assert [getattr(copy, n) for n in fields] == [getattr(value, n) for n in fields]
        assert copy == value
    assert [len(v.__reduce__()[1]) for v in (lines, found)] == [len(lines._fields), 9]
    assert (lines._fields, found._fields[-2:]) == (("starts", "astral"), ("snippet", "fix"))


def test_the_walk_digest_is_made_once_a_walk_and_keeps_no_walk_alive() -> None:
    import gc
    import weakref

    from vaultlint.vault.discovery import VaultFiles

    walk = VaultFiles(Path("v"), ["a.md"], ["b.png"], [], [], {"a.md": (1, 2, 3)})
    made = fingerprint.vault_digest(walk)
    assert fingerprint.vault_digest(walk) is made  # the memo's own bytes
    walk.notes.append("c.md")  # (a walk is never changed; a change of length is seen)
    assert fingerprint.vault_digest(walk) != made
    seen = weakref.ref(walk)
    del walk
    gc.collect()
    assert seen() is None


def test_notes_of_any_name_are_answered_warm(capsys, tmp_path, monkeypatch):
    """The ``complete`` marker's digest of the results is made in the order of the database's
    keys (the paths' UTF-8 bytes, lint/store.py), the order the warm path reads them in: a
    vault whose notes with findings have accented, upper-case, emoji and non-UTF-8 names is
    answered warm, as a run without cache reports it."""
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("VAULTLINT_DEBUG", "1")
    vault = write_vault(tmp_path / "v", {".obsidian/app.json": "{}"})
    names = ["é.md", "z.md", "Zebra.md", "ä/b.md", "a😀.md", "ab.md", "a b.md", "Ω.md"]
    for i, name in enumerate(names):
        write_vault(vault, {name: f"# {i}\n[[gone {i}]]\n"})
    (vault / os.fsdecode(b"a\xff.md")).write_bytes(b"[[gone too]]\n")  # after a😀 in UTF-8
    expected = _out(capsys, str(vault), "--no-cache")
    assert expected[0] == 1 and expected[1].count("broken-link") == len(names) + 1
    assert _out(capsys, str(vault)) == expected  # writes the cache
    monkeypatch.setattr(vaultlint.config.loader, "load_config", _refuse)
    monkeypatch.setattr(vaultlint.config.cached, "kept_config", _refuse)
    assert _out(capsys, str(vault)) == expected


def test_recorded_facts_of_another_shape_are_no_facts():
    """The facts a run records are read back only in their own shape: those of an older
    vaultlint (no rule scopes) or with a scope of another shape are a miss, never an error."""
    from vaultlint.lint.fingerprint import RunFacts, is_facts

    rules = (("broken-link", "links", "error", "Links resolve", ""),)
    scopes = (("scheme-sections", ("Schemes/**",), ()),)
    facts = RunFacts(b"k", (("a.yaml", "d"),), ("Archive/**",), True, (), rules, scopes)
    assert is_facts(tuple(facts))
    assert facts.path_scopes()[0].paths == ("Schemes/**",)
    assert not is_facts(tuple(facts)[:6])
    assert not is_facts((*tuple(facts)[:6], (("scheme-sections", "Schemes/**", ()),)))
    assert not is_facts((*tuple(facts)[:6], ((1, (), ()),)))
    assert not is_facts((*tuple(facts)[:6], list(scopes)))
