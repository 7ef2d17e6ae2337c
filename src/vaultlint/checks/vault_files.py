"""The ``vault-files`` check: canvases and bases Obsidian cannot read."""

from __future__ import annotations

from collections.abc import Iterator

from vaultlint.checks.base import Check, CheckContext, DocExample
from vaultlint.diagnostic import Diagnostic
from vaultlint.model import Note
from vaultlint.parse.base import INVALID_BASE, INVALID_CANVAS

_CODES = (INVALID_CANVAS, INVALID_BASE)


class VaultFilesCheck(Check):
    """Canvases that are not JSON Canvas, bases that are not valid YAML.

    ## What it does
    Reads every `.canvas` file as JSON Canvas 1.0 and every `.base` file as YAML, and reports
    one that does not parse (at the line and column the reader names), a canvas that is not an
    object, whose `nodes` is not a list, with a node that is not an object or a file node
    without a `file`, and a base that is not a mapping or whose `views` is not a list.

    ## Why
    Obsidian opens a broken canvas as an empty board and a broken base as an error: their
    links (which the `links` check follows into canvases) and views are lost.

    ## Example
    A canvas `{"nodes": [` is reported at its end; `{"nodes": [], "edges": []}` is not.

    ## Options
    None.
    """

    name = "vault-files"
    summary = "Canvases must be valid JSON Canvas and bases valid YAML."
    reads_vault_files = True
    examples = (
        DocExample(
            "a canvas cut short", {"Board.canvas": '{"nodes": [\n'}, {}, ((2, 1),), "Board.canvas"
        ),
        DocExample(
            "a base with a tab where YAML wants spaces",
            {"Movies.base": "views:\n\t- type: table\n"},
            {},
            ((2, 1),),
            "Movies.base",
        ),
        DocExample(
            "a valid canvas",
            {"Board.canvas": '{"nodes": [], "edges": []}\n'},
            {},
            (),
            "Board.canvas",
        ),
    )

    def check(self, note: Note, ctx: CheckContext) -> Iterator[Diagnostic]:
        for problem in note.problems:
            if problem.code in _CODES:
                yield ctx.diagnostic(note, problem.span, problem.message)
