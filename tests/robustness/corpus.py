"""A corpus of broken and hostile vault inputs, generated on demand (never committed as files).

Four kinds of input:

* :data:`NOTE_CASES`: the bytes of one note each (encodings, sizes, nesting, adversarial text,
  YAML hazards). Every case is a :class:`NoteCase`; :meth:`NoteCase.build` makes its bytes.
* :func:`build_fs_vault`: a vault full of file-system hazards (symbolic link loops, dangling
  links, a folder named ``x.md``, file names with a newline, NFD Unicode, ``#|^%``, bytes that
  are not UTF-8, a FIFO, a link to ``/dev/zero``, an unreadable note, a hidden folder…).
* :data:`CONFIG_CASES`: ``.vaultlint.yaml`` files that are wrong in every way we could think of.
* :data:`SIBLING`: a well-formed note with one known broken link, written beside every hostile
  note, so that a test can check that the other notes of the vault were still linted.

It also holds what the tests and ``bench/adversarial.py`` share to run vaultlint on it:
:func:`run_inprocess` (under a deadline), :func:`run_subprocess` (with a timeout and the
child's own peak RSS) and :func:`snapshot` / :func:`assert_unchanged`.

The YAML payloads that would run code (``!!python/object/apply:os.system``) create a marker file
when executed: callers pass the marker's path and assert that it was never created.

``python -m tests.robustness.corpus DEST`` writes the whole corpus into ``DEST`` (one vault per
note case, plus ``fs/`` and ``configs/``) for poking at it by hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import random
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: repetitions of each adversarial token ("hundreds of thousands")
ADVERSARIAL_REPEAT = 200_000
#: broken links in one note (as many diagnostics)
BROKEN_LINKS = 100_000
#: the size the huge note aims for
HUGE_BYTES = 20_000_000
#: the size the single long line aims for
LONG_LINE_BYTES = 5_000_000

#: a well-formed note with one broken link, written beside every hostile note
SIBLING_NAME = "Sibling.md"
SIBLING = b"# Sibling\n\nThis note is fine, except that it links to [[Sibling Missing Target]].\n"
#: the diagnostic the sibling must produce: (path, rule, line, column, message)
SIBLING_DIAGNOSTIC = (
    "Sibling.md",
    "broken-link",
    3,
    44,
    "link target 'Sibling Missing Target' does not exist",
)

#: a configuration used with the note cases: the recommended pack plus a date check on
#: ``created``, so that template placeholders and impossible dates have something to say, and
#: links inside ``%%`` comments reported (as Obsidian lists them), so that the scan of a never
#: closed comment is seen to reach its end
NOTE_CONFIG = b"""\
extends: [recommended]
rules:
  broken-link:
    in_comments: true
  created-date:
    check: date-format
    severity: warning
    fields: [created]
"""


@dataclass(frozen=True)
class NoteCase:
    """One hostile note: ``make(marker)`` returns its bytes (``marker``: see the module doc)."""

    name: str
    group: str
    summary: str
    make: Callable[[Path], bytes]
    #: generated once per session: tens of megabytes
    huge: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.md"

    def build(self, marker: Path) -> bytes:
        return self.make(marker)


def _text(value: str) -> Callable[[Path], bytes]:
    data = value.encode("utf-8")
    return lambda _marker: data


def _raw(value: bytes) -> Callable[[Path], bytes]:
    return lambda _marker: value


def _lazy(build: Callable[[], str]) -> Callable[[Path], bytes]:
    return lambda _marker: build().encode("utf-8")


def _then_link(token: str, repeat: int, name: str) -> Callable[[Path], bytes]:
    """``token`` repeated on one line, then a paragraph with a broken link to ``name``."""
    return _lazy(lambda: token * repeat + f"\n\nAfter the storm: [[{name}]]\n")


# --- sizes ----------------------------------------------------------------------------------

_PARAGRAPH_LINE = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.\n"
)
_HUGE_BLOCK = _PARAGRAPH_LINE * 9 + "See [[Sibling]] and #topic, then `code` and $x$.\n\n"
HUGE_LAST_LINE = "The end: [[Missing Huge]]\n"


def huge_note() -> str:
    """About 20 MB of ordinary prose with resolvable links; one broken link on its last line."""
    blocks = HUGE_BYTES // len(_HUGE_BLOCK)
    return "# A very long note\n\n" + _HUGE_BLOCK * blocks + HUGE_LAST_LINE


_LONG_LINE_UNIT = "lorem ipsum dolor sit amet [[Sibling]] #topic "
LONG_LINE_LINK = "[[Missing Long Line]]"


def long_line_note() -> str:
    """One line of about 5 MB (no line break at all), ending with a broken link."""
    return _LONG_LINE_UNIT * (LONG_LINE_BYTES // len(_LONG_LINE_UNIT)) + LONG_LINE_LINK


# --- nesting --------------------------------------------------------------------------------

QUOTE_DEPTH = 30_000
LIST_DEPTH = 2_000
INLINE_LIST_DEPTH = 20_000


def deep_quote() -> str:
    """A paragraph nested 20,000 quotes deep, then a link 30,000 ``>`` deep on line 2."""
    return "> " * 20_000 + "deep\n" + ">" * QUOTE_DEPTH + " [[Missing Deep Quote]]\n"


def deep_list(depth: int = LIST_DEPTH, *, html: bool = False) -> str:
    """``depth`` nested list items (two more spaces each), a link in the deepest one."""
    lines = ["  " * i + f"- level {i}\n" for i in range(depth)]
    lines.append("  " * depth + "- [[Missing Deep List]]\n")
    if html:
        # an HTML block interrupting the deepest item makes the line scanner hand the note
        # over to mistune (a second, recursive parser)
        lines.append("<div>html</div>\n")
    return "".join(lines)


# --- adversarial text -----------------------------------------------------------------------

_MIXED_TOKENS = ("[[", "#", "`", "``", "%%", "$", "$$", "<!--", "[", "](", "![[", "|", "]]", "x ")


def mixed_tokens(repeat: int = ADVERSARIAL_REPEAT) -> str:
    """Every unclosed opener, shuffled (fixed seed) on one line, then a broken link."""
    rng = random.Random(20250230)
    tokens = rng.choices(_MIXED_TOKENS, k=repeat)
    return "Mixed: " + "".join(tokens) + "\n\nAfter the storm: [[Missing Mixed]]\n"


# --- YAML -----------------------------------------------------------------------------------


def alias_bomb() -> str:
    """Billion laughs: nine levels of nine aliases each (9**9 strings if expanded)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghi"
    for prev, name in itertools.pairwise(names):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\n---\nBody: [[Missing Alias Bomb]]\n"


def python_payload(marker: Path) -> bytes:
    """YAML tags that make an unsafe loader run a shell command creating ``marker``."""
    cmd = shlex.quote(f"touch {shlex.quote(str(marker))}")
    text = (
        "---\n"
        f"run: !!python/object/apply:os.system [{cmd}]\n"
        f"new: !!python/object/new:os.system [{cmd}]\n"
        "name: !!python/name:os.system\n"
        f"sub: !!python/object/apply:subprocess.check_call [[touch, {shlex.quote(str(marker))}]]\n"
        "---\n"
        "Body: [[Missing Payload]]\n"
    )
    return text.encode("utf-8")


NOTE_CASES: tuple[NoteCase, ...] = (
    # encodings and line endings
    NoteCase(
        "latin1",
        "encoding",
        "Latin-1 bytes (é as 0xE9)",
        _raw(b"Caf\xe9 au lait\n\nSee [[Missing Latin]].\n"),
    ),
    NoteCase(
        "cp1252",
        "encoding",
        "Windows-1252 smart quotes, euro sign and dash",
        _raw(b"\x93Quoted\x94 costs \x80 5 \x96 cheap\nSee [[Missing CP1252]].\n"),
    ),
    NoteCase(
        "utf16",
        "encoding",
        "a note saved as UTF-16 with a BOM",
        _raw("Hello [[Missing UTF16]]\n".encode("utf-16")),
    ),
    NoteCase(
        "truncated_utf8",
        "encoding",
        "valid UTF-8 with one truncated sequence on line 2",
        _raw("Line one is fine: é\n".encode() + b"Caf\xc3 [[Missing Truncated]]\n"),
    ),
    NoteCase(
        "utf8_bom",
        "encoding",
        "a UTF-8 BOM before the frontmatter",
        _raw(b"\xef\xbb\xbf---\ntags: [alpha]\n---\n# Title\n[[Missing BOM]]\n"),
    ),
    NoteCase(
        "crlf",
        "encoding",
        "CRLF line endings, frontmatter included",
        _raw(b"---\r\ntitle: x\r\n---\r\nline one\r\nsee [[Missing CRLF]]\r\n"),
    ),
    NoteCase(
        "lone_cr",
        "encoding",
        "old Mac line endings (lone CR)",
        _raw(b"---\rtitle: x\r---\rfirst\rsecond [[Missing CR]]\r"),
    ),
    NoteCase(
        "mixed_eol",
        "encoding",
        "LF, CRLF and CR mixed in one note",
        _raw(b"a\nb\r\nc\rd\n\r\n[[Missing Mixed EOL]]\r"),
    ),
    NoteCase(
        "control_bytes",
        "encoding",
        "NUL, escape, DEL and other control bytes around a link",
        _raw(b"a\x00b\x01c\x1b[31m\x7f [[Missing NUL]]\x00\n\x00\x00\n"),
    ),
    NoteCase(
        "unicode_line_breaks",
        "encoding",
        "VT, FF, NEL and U+2028 (line breaks to str.splitlines, not to Markdown)",
        _text(
            "a\x0bb\x0cc\x85d\u2028e\u2029f [[Missing Unicode Breaks]]\nnext [[Missing Line 2]]\n"
        ),
    ),
    # sizes
    NoteCase("empty", "size", "an empty note (0 bytes)", _raw(b"")),
    NoteCase("bom_only", "size", "a note that is only a UTF-8 BOM", _raw(b"\xef\xbb\xbf")),
    NoteCase("huge", "size", "a note of about 20 MB", _lazy(huge_note), huge=True),
    NoteCase("long_line", "size", "a single line of about 5 MB", _lazy(long_line_note)),
    # nesting
    NoteCase("deep_quote", "nesting", "30,000 levels of '>' with a link", _lazy(deep_quote)),
    NoteCase(
        "deep_list", "nesting", f"{LIST_DEPTH} nested list levels with a link", _lazy(deep_list)
    ),
    NoteCase(
        "deep_list_mistune",
        "nesting",
        "1,000 nested list levels and an HTML block (the mistune path)",
        _lazy(lambda: deep_list(1_000, html=True)),
    ),
    NoteCase(
        "deep_list_inline",
        "nesting",
        f"{INLINE_LIST_DEPTH} list markers on one line ('- - - …')",
        _lazy(lambda: "- " * INLINE_LIST_DEPTH + "[[Missing Inline List]]\n"),
    ),
    NoteCase(
        "deep_quote_list",
        "nesting",
        "10,000 alternating quote and list markers on one line",
        _lazy(lambda: "> - " * 10_000 + "[[Missing Quote List]]\n"),
    ),
    # adversarial text: openers without closers
    NoteCase(
        "open_wikilinks",
        "adversarial",
        "'[[' x 200k",
        _then_link("[[", ADVERSARIAL_REPEAT, "Missing After Wikilinks"),
    ),
    NoteCase(
        "open_embeds",
        "adversarial",
        "'![[' x 200k",
        _then_link("![[", ADVERSARIAL_REPEAT, "Missing After Embeds"),
    ),
    NoteCase(
        "hashes",
        "adversarial",
        "'#' x 200k",
        _then_link("#", ADVERSARIAL_REPEAT, "Missing After Hashes"),
    ),
    NoteCase(
        "backticks_fence",
        "adversarial",
        "a 200k-backtick fence that never closes (the rest of the note is code)",
        _then_link("`", ADVERSARIAL_REPEAT, "Hidden In Code"),
    ),
    NoteCase(
        "backticks_inline",
        "adversarial",
        "'x`' x 200k: backtick runs inside a paragraph",
        _then_link("x`", ADVERSARIAL_REPEAT, "Missing After Backticks"),
    ),
    NoteCase(
        "comments_odd",
        "adversarial",
        "'%%' x 200,001 on one line: the last comment never closes",
        _then_link("%%", ADVERSARIAL_REPEAT + 1, "Missing In Comment"),
    ),
    NoteCase(
        "dollars",
        "adversarial",
        "'$' x 200k",
        _then_link("$", ADVERSARIAL_REPEAT, "Missing After Dollars"),
    ),
    NoteCase(
        "dollars_inline",
        "adversarial",
        "'a $b' x 200k: inline math openers without closers",
        _then_link("a $b ", ADVERSARIAL_REPEAT, "Missing After Inline Dollars"),
    ),
    NoteCase(
        "html_comments_block",
        "adversarial",
        "'<!--' x 200k at the start of a line: an HTML comment to the end",
        _then_link("<!--", ADVERSARIAL_REPEAT, "Hidden In HTML"),
    ),
    NoteCase(
        "html_comments_inline",
        "adversarial",
        "'a <!--' x 200k inside a paragraph",
        _then_link("a <!--", ADVERSARIAL_REPEAT, "Missing After HTML Comments"),
    ),
    NoteCase(
        "brackets",
        "adversarial",
        "'[' x 200k",
        _then_link("[", ADVERSARIAL_REPEAT, "Missing After Brackets"),
    ),
    NoteCase(
        "bracket_parens",
        "adversarial",
        "'](' x 200k",
        _then_link("](", ADVERSARIAL_REPEAT, "Missing After Parens"),
    ),
    NoteCase(
        "pipes",
        "adversarial",
        "'|' x 200k",
        _then_link("|", ADVERSARIAL_REPEAT, "Missing After Pipes"),
    ),
    NoteCase(
        "nested_wikilinks",
        "adversarial",
        "'[[' x 200k then one 'x]]': only the innermost is a link",
        _lazy(lambda: "[[" * ADVERSARIAL_REPEAT + "Missing Innermost]]\n"),
    ),
    NoteCase(
        "markdown_links_unclosed",
        "adversarial",
        "'[a](' x 100k: Markdown links whose destination never closes",
        _then_link("[a](", ADVERSARIAL_REPEAT // 2, "Missing After Markdown Links"),
    ),
    NoteCase("mixed", "adversarial", "all the openers above, shuffled", _lazy(mixed_tokens)),
    NoteCase(
        "many_broken_links",
        "adversarial",
        f"'[[x]] ' x {BROKEN_LINKS:,}: that many diagnostics to report",
        _lazy(lambda: "[[x]] " * BROKEN_LINKS + "\n"),
    ),
    # YAML hazards
    NoteCase("yaml_alias_bomb", "yaml", "billion laughs", _lazy(alias_bomb)),
    NoteCase(
        "yaml_python_tags", "yaml", "!!python/object/apply:os.system and friends", python_payload
    ),
    NoteCase(
        "yaml_list",
        "yaml",
        "frontmatter that is a list",
        _text("---\n- a\n- b\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_scalar",
        "yaml",
        "frontmatter that is a single value",
        _text("---\njust a sentence\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_duplicate_keys",
        "yaml",
        "a key given twice",
        _text("---\ntitle: one\ntags: [a]\ntitle: two\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_template_block",
        "yaml",
        "a Templater/core template placeholder as the whole frontmatter",
        _text("---\n{{date}}\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_template_value",
        "yaml",
        "created: {{date}} (YAML reads a nested flow mapping)",
        _text("---\ncreated: {{date}}\ntitle: {{title}}\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_impossible_date",
        "yaml",
        "created: 2025-02-30",
        _text("---\ncreated: 2025-02-30\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_unterminated_quote",
        "yaml",
        'title: "never closed',
        _text('---\ntitle: "never closed\nnext: 1\n---\n[[Missing FM]]\n'),
    ),
    NoteCase(
        "yaml_unterminated_flow",
        "yaml",
        "tags: [a, b (flow sequence never closed)",
        _text("---\ntags: [a, b\nnext: 1\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_unclosed_block",
        "yaml",
        "an opening '---' with no closing line: the whole note is body",
        _text("---\ntitle: x\ntags: [a]\n\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_tabs",
        "yaml",
        "tabs used for indentation",
        _text("---\ntags:\n\t- a\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_deep",
        "yaml",
        "10,000 nested flow sequences",
        _lazy(lambda: "---\na: " + "[" * 10_000 + "]" * 10_000 + "\n---\n[[Missing FM]]\n"),
    ),
    NoteCase(
        "yaml_control",
        "yaml",
        "a control character inside the YAML",
        _raw(b"---\ntitle: a\x07b\n---\n[[Missing FM]]\n"),
    ),
)

CASES_BY_NAME = {case.name: case for case in NOTE_CASES}


def write_note_vault(
    vault: Path,
    cases: list[NoteCase] | tuple[NoteCase, ...],
    marker: Path,
    *,
    sibling: bool = True,
    config: bytes | None = NOTE_CONFIG,
) -> dict[str, Path]:
    """Write ``cases`` (one note each) into ``vault``, with the sibling and the config."""
    vault.mkdir(parents=True, exist_ok=True)
    written = {}
    for case in cases:
        path = vault / case.filename
        path.write_bytes(case.build(marker))
        written[case.name] = path
    if sibling:
        (vault / SIBLING_NAME).write_bytes(SIBLING)
    if config is not None:
        (vault / ".vaultlint.yaml").write_bytes(config)
    return written


# --- the file system ------------------------------------------------------------------------

#: names of the file-system hazards (``build_fs_vault`` returns which ones it could create)
NFD_NAME = "Cafe\u0301.md"  # "Café" with a combining accent: what macOS writes
BAD_BYTES_NAME = b"bad\xff name.md"  # not UTF-8: Python sees 'bad\udcff name.md'
FS_LINKS_NOTE = """\
# Links into the file-system corpus

[[Café]] is linked as NFC to an NFD file name.
[[a#b]] [[a|b]] [[a^b]] [[a%b]] are cut at the special character, as in Obsidian.
[[Outside Note]] lives behind a symbolic link to a folder outside the vault.
[[x]] and [[x.md]] name a folder, not a note.
[[dangling]] is a symbolic link to nothing; [[Hidden]] is in a hidden folder.
[[pipe]] is a FIFO and [[zero]] a link to /dev/zero: not notes.
"""


def build_fs_vault(vault: Path, outside: Path) -> dict[str, bool]:
    """Create a vault of file-system hazards; ``outside`` is a folder beside (not in) it.

    Returns which optional hazards could be created (``fifo``, ``bad_bytes``, ``unreadable``:
    False when running as root, which reads a ``chmod 000`` file anyway).
    """
    vault.mkdir(parents=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "Outside Note.md").write_text("Outside: [[Missing Outside]]\n", encoding="utf-8")
    (vault / SIBLING_NAME).write_bytes(SIBLING)
    (vault / "Links.md").write_text(FS_LINKS_NOTE, encoding="utf-8")
    # symbolic links: a loop to a parent, a link back into the vault, a dangling one, one out
    (vault / "sub").mkdir()
    (vault / "sub" / "Inside.md").write_text("Inside the sub folder.\n", encoding="utf-8")
    os.symlink("..", vault / "sub" / "loop")
    os.symlink("sub", vault / "again")
    os.symlink(str(vault), vault / "sub" / "root")
    os.symlink("nowhere.md", vault / "dangling.md")
    os.symlink(str(outside), vault / "ext")
    # a folder named like a note, with a note inside
    (vault / "x.md").mkdir()
    (vault / "x.md" / "inner.md").write_text("[[Missing Inner]]\n", encoding="utf-8")
    # awkward names
    (vault / "new\nline.md").write_text("[[Missing Newline Name]]\n", encoding="utf-8")
    (vault / NFD_NAME).write_text("An NFD file name.\n", encoding="utf-8")
    for char in "#|^%":
        (vault / f"a{char}b.md").write_text(f"Special {char}: [[Missing {char}]]\n", "utf-8")
    made = {"fifo": False, "bad_bytes": False, "unreadable": False}
    try:
        with open(os.path.join(os.fsencode(vault), BAD_BYTES_NAME), "wb") as fh:
            fh.write(b"[[Missing Bad Bytes]]\n")
        made["bad_bytes"] = True
    except OSError:  # a file system that insists on UTF-8 names
        pass
    if hasattr(os, "mkfifo"):
        os.mkfifo(vault / "pipe.md")  # opening it would block forever
        made["fifo"] = True
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", vault / "zero.md")  # reading it would never end
    # hidden files and folders are not part of the vault
    (vault / ".hidden").mkdir()
    (vault / ".hidden" / "Hidden.md").write_text("[[Missing Hidden]]\n", encoding="utf-8")
    (vault / ".dot.md").write_text("[[Missing Dot]]\n", encoding="utf-8")
    # a note nobody may read (root reads it anyway)
    locked = vault / "locked.md"
    locked.write_text("Locked: [[Missing Locked]]\n", encoding="utf-8")
    locked.chmod(0)
    try:
        with open(locked, "rb"):
            pass
    except PermissionError:
        made["unreadable"] = True
    return made


# --- configuration --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigCase:
    """A ``.vaultlint.yaml``; ``error`` is what stderr must say (None: the config is accepted).

    ``line`` is the line the error names (``FILE:LINE:``), when it names one.
    """

    name: str
    summary: str
    content: bytes
    error: str | None
    line: int | None = None

    def build(self, marker: Path) -> bytes:
        """The file's bytes, with ``{marker}`` replaced by the payload marker's path."""
        return self.content.replace(b"{marker}", os.fsencode(marker))


def _cfg(text: str) -> bytes:
    return text.encode("utf-8")


CONFIG_CASES: tuple[ConfigCase, ...] = (
    ConfigCase(
        "regex_does_not_compile",
        "a tag pattern that is not a regular expression",
        _cfg(
            "extends: [recommended]\nrules:\n  tag-pattern:\n    check: tags\n"
            "    pattern: '([a-z'\n"
        ),
        "option 'pattern' of rule 'tag-pattern': invalid regular expression '([a-z'",
        5,
    ),
    ConfigCase(
        "date_regex_does_not_compile",
        "a date pattern that is not a regular expression",
        _cfg(
            "extends: [recommended]\nrules:\n  dates:\n    check: date-format\n"
            "    pattern: '(?P<date>[0-9'\n"
        ),
        "option 'pattern' of rule 'dates': invalid regular expression '(?P<date>[0-9'",
        5,
    ),
    ConfigCase(
        "wrong_type_bool",
        "a list where a boolean is expected",
        _cfg("extends: [recommended]\nrules:\n  broken-link:\n    headings: [1, 2]\n"),
        "option 'headings' of rule 'broken-link' must be true or false, not a list",
        4,
    ),
    ConfigCase(
        "wrong_type_int",
        "a word where an integer is expected",
        _cfg(
            "extends: [recommended]\nrules:\n  sections:\n    check: required-sections\n"
            "    sections: [A]\n    level: high\n"
        ),
        "option 'level' of rule 'sections' must be an integer, not 'high'",
        6,
    ),
    ConfigCase(
        "wrong_type_list",
        "a mapping where a list of strings is expected",
        _cfg(
            "extends: [recommended]\nrules:\n  sections:\n    check: required-sections\n"
            "    sections: {a: 1}\n"
        ),
        "option 'sections' of rule 'sections' must be a list of strings, not a mapping",
        5,
    ),
    ConfigCase(
        "unknown_option",
        "an option the check does not have",
        _cfg("extends: [recommended]\nrules:\n  broken-link:\n    follow_redirects: true\n"),
        "follow_redirects",
        4,
    ),
    ConfigCase(
        "unknown_pack",
        "extends a pack that does not exist",
        _cfg("extends: [recommended, nonexistent]\n"),
        "unknown pack 'nonexistent'",
        1,
    ),
    ConfigCase(
        "missing_pack_file",
        "extends a pack file that does not exist",
        _cfg("extends: [packs/none.yaml]\n"),
        "pack file 'packs/none.yaml' does not exist",
        1,
    ),
    ConfigCase(
        "unknown_check",
        "a rule whose check does not exist",
        _cfg("extends: [recommended]\nrules:\n  x:\n    check: nope\n"),
        "unknown check 'nope' for rule 'x'",
        4,
    ),
    ConfigCase(
        "bad_severity",
        "a severity that does not exist",
        _cfg("extends: [recommended]\nrules:\n  broken-link: fatal\n"),
        "fatal",
        3,
    ),
    ConfigCase(
        "invalid_yaml",
        "a flow sequence that never closes",
        _cfg("extends: [recommended\nrules:\n"),
        "invalid YAML",
    ),
    ConfigCase(
        "tabs",
        "tabs for indentation",
        _cfg("extends: [recommended]\nrules:\n\tbroken-link: off\n"),
        "invalid YAML",
        3,
    ),
    ConfigCase(
        "duplicate_key",
        "a rule given twice",
        _cfg("extends: [recommended]\nrules:\n  broken-link: off\n  broken-link: error\n"),
        "duplicate key 'broken-link'",
        4,
    ),
    ConfigCase(
        "a_list",
        "a configuration that is a list",
        _cfg("- extends\n- rules\n"),
        "the configuration must be a mapping",
        1,
    ),
    ConfigCase(
        "a_scalar",
        "a configuration that is a single word",
        _cfg("recommended\n"),
        "the configuration must be a mapping",
        1,
    ),
    ConfigCase(
        "latin1",
        "a configuration saved as Latin-1",
        b"extends: [recommended]\nrules:\n  broken-link:\n    ignore: ['Caf\xe9']\n",
        "not UTF-8",
        4,
    ),
    ConfigCase(
        "utf16",
        "a configuration saved as UTF-16",
        "extends: [recommended]\n".encode("utf-16"),
        "not UTF-8",
        1,
    ),
    ConfigCase(
        "nul",
        "a NUL byte in the configuration",
        b"extends: [recommended]\x00\n",
        "invalid YAML",
        1,
    ),
    ConfigCase(
        "python_tag",
        "a !!python/object/apply tag in the configuration: the tag is ignored, never run",
        _cfg(
            "extends: [recommended]\nrules:\n  broken-link:\n"
            "    ignore: !!python/object/apply:os.system ['touch {marker}']\n"
        ),
        None,
    ),
    ConfigCase(
        "alias_bomb",
        "billion laughs in the configuration",
        _cfg(
            "extends: [recommended]\nrules:\n  broken-link:\n    ignore: &a [x, x, x, x, x]\n"
            + "".join(
                f"  r{i}:\n    check: links\n    ignore: &{c} [{', '.join(['*' + p] * 9)}]\n"
                for i, (p, c) in enumerate(zip("abcdefgh", "bcdefghi", strict=True))
            )
        ),
        # refused before any value is built (9**8 values once expanded)
        "invalid YAML: aliases and merge keys expand to more than 100000 values",
    ),
    ConfigCase(
        "deep_nesting",
        "10,000 nested flow sequences",
        _cfg("extends: [recommended]\nexclude: " + "[" * 10_000 + "]" * 10_000 + "\n"),
        "nested more than",
        2,
    ),
    ConfigCase("empty", "an empty file: the recommended pack", b"", None),
    ConfigCase(
        "comments_only",
        "only comments: the recommended pack",
        _cfg("# nothing here\n# at all\n"),
        None,
    ),
)

CONFIG_CASES_BY_NAME = {case.name: case for case in CONFIG_CASES}

#: a pattern with catastrophic backtracking on ``aaaa…ab`` (exponential in the run of a's)
CATASTROPHIC_PATTERN = "(a+)+$"
CATASTROPHIC_CONFIG = _cfg(
    f"extends: [recommended]\nrules:\n  tag-pattern:\n    check: tags\n    severity: warning\n"
    f"    pattern: '{CATASTROPHIC_PATTERN}'\n"
)
#: a tag on which CATASTROPHIC_PATTERN never finishes (2**40 ways to split the a's)
CATASTROPHIC_TAG = "#" + "a" * 40 + "b"


# --- running vaultlint on the corpus ------------------------------------------------------
# In-process under a deadline, or in a subprocess with a timeout and its own peak memory; and
# snapshots that prove that a run changed nothing on disk. Shared by the tests and the bench.

SRC = Path(__file__).resolve().parents[2] / "src"
#: where vaultlint 0.1 kept its cache, in the vault (a committed one must be ignored now)
OLD_CACHE_DIR = ".vaultlint_cache"


def cache_folder(vault: Path) -> Path:
    """The vault's cache folder (outside the vault, below ``$VAULTLINT_CACHE_DIR``)."""
    from vaultlint.lint.cache import cache_root, vault_folder_name

    return cache_root() / "vaults" / vault_folder_name(vault)


@dataclass
class Run:
    """What one vaultlint run did."""

    code: int | None  # None: killed at the deadline
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float | None = None  # subprocess runs only
    _json: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def timed_out(self) -> bool:
        return self.code is None

    def json(self) -> dict[str, Any]:
        """The parsed JSON report (parsed once: the corpus report is tens of MB)."""
        if self._json is None:
            self._json = json.loads(self.stdout)
        return self._json

    def diagnostics(self, path: str | None = None) -> list[dict[str, Any]]:
        found = self.json()["diagnostics"]
        return found if path is None else [d for d in found if d["path"] == path]


class Deadline(BaseException):
    """Raised in the main thread when an in-process run takes too long.

    A BaseException, so that neither the CLI's nor the engine's ``except Exception`` (which turn
    failures into exit 2 or ``internal-error`` diagnostics) can swallow it.
    """


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise Deadline(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_inprocess(args: Sequence[str], *, seconds: float = 30.0) -> Run:
    """``main(args)`` with stdout and stderr captured; a run past ``seconds`` is cut short."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    code: int | None
    try:
        with deadline(seconds), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            from vaultlint.cli import main

            code = main(list(args))
    except Deadline:
        code = None
    return Run(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def vm_hwm(pid: int | str) -> float | None:
    """Peak RSS (MB) of a live process's own address space (``VmHWM``; Linux only).

    Unlike ``ru_maxrss``, it does not inherit the parent's peak across fork and exec (Linux
    keeps the larger of the two there), so a child of a big test process is measured honestly.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_subprocess(args: Sequence[str], *, timeout: float = 60.0, cwd: Path | None = None) -> Run:
    """``python -m vaultlint ARGS`` in a child process, killed after ``timeout`` seconds.

    The child's peak memory is its ``VmHWM``, polled while it runs (a high-water mark, so only
    growth in its last few milliseconds could be missed); without ``/proc``, the ``ru_maxrss``
    that ``os.wait4`` returns for that child.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    for name in ("VAULTLINT_DEBUG", "FORCE_COLOR"):
        env.pop(name, None)
    env["NO_COLOR"] = "1"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "vaultlint", *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
        )
        code: int | None = None
        peak: float | None = None
        while True:
            hwm = vm_hwm(proc.pid)
            if hwm is not None:
                peak = hwm if peak is None else max(peak, hwm)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                if peak is None:
                    peak = usage.ru_maxrss / 1024  # KiB on Linux
                break
            if time.monotonic() - start > timeout:
                proc.kill()
                os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.monotonic() - start
        proc.returncode = -9 if code is None else code  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return Run(code, stdout, stderr, seconds, peak)


# --- the vault on disk ----------------------------------------------------------------------


def snapshot(*roots: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry below ``roots`` (not following symbolic links): its kind, mode and content
    hash (regular files), or its target (links). FIFOs and devices are never opened."""
    found: dict[str, tuple[Any, ...]] = {}
    for root in roots:
        root_b = os.fsencode(root)
        for folder, dirs, files in os.walk(root_b, followlinks=False):
            for name in (*dirs, *files):
                full = os.path.join(folder, name)
                key = os.fsdecode(full)
                st = os.lstat(full)
                mode = stat.S_IMODE(st.st_mode)
                if stat.S_ISLNK(st.st_mode):
                    found[key] = ("link", os.readlink(full))
                elif stat.S_ISDIR(st.st_mode):
                    found[key] = ("dir", mode)
                elif stat.S_ISREG(st.st_mode):
                    found[key] = ("file", mode, st.st_size, st.st_mtime_ns, _hash(full))
                else:
                    found[key] = ("special", stat.S_IFMT(st.st_mode), mode)
    return found


def _hash(path: bytes) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except PermissionError:
        return "unreadable"
    return digest.hexdigest()


def assert_unchanged(
    before: dict[str, tuple[Any, ...]], after: dict[str, tuple[Any, ...]], vault: Path
) -> None:
    """Nothing changed or vanished, nothing new (the cache lives outside the vault)."""
    changed = sorted(k for k in before if k in after and before[k] != after[k])
    gone = sorted(k for k in before if k not in after)
    new = sorted(k for k in after if k not in before)
    assert (changed, gone, new) == ([], [], []), "vaultlint changed the vault"


def assert_clean_output(run: Run) -> None:
    """Finished, no traceback or internal error anywhere."""
    assert not run.timed_out, f"vaultlint did not finish in time ({run.seconds:.1f} s)"
    for stream in (run.stdout, run.stderr):
        assert "Traceback" not in stream
        assert "internal error" not in stream
        assert "internal-error" not in stream


def main(argv: list[str] | None = None) -> int:
    """Write the whole corpus into a folder (for exploring it by hand)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m tests.robustness.corpus DEST", file=sys.stderr)
        return 2
    dest = Path(args[0]).resolve()
    marker = dest / "PAYLOAD-RAN"
    for case in NOTE_CASES:
        write_note_vault(dest / "notes" / case.name, [case], marker)
    build_fs_vault(dest / "fs" / "vault", dest / "fs" / "outside")
    for config in CONFIG_CASES:
        folder = dest / "configs" / config.name
        folder.mkdir(parents=True)
        (folder / ".vaultlint.yaml").write_bytes(config.build(marker))
        (folder / SIBLING_NAME).write_bytes(SIBLING)
    print(f"corpus written to {dest}; a payload that ran would create {marker}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
