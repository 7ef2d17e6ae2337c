"""Obsidian Bases files (``.base``): valid YAML, and the names of their views.

A base is read as a :class:`~vaultlint.model.Note` whose text is the YAML itself; its views
(``views: [{type: table, name: …}, …]``) become level-1 headings named after the view, at the
view's ``name``, so that ``![[Movies.base#Director]]`` is checked like a heading link. YAML that
does not parse, or a base that is not a mapping, is a ``Problem`` at the line YAML names.
"""

from __future__ import annotations

from vaultlint.model import Heading, Note, Problem, Span, line_starts_of

INVALID_BASE = "invalid-base"
#: a canvas that is not JSON Canvas (``parse/canvas.py``; here, so that the check naming it
#: does not import the canvas reader and ``json``)
INVALID_CANVAS = "invalid-canvas"


def parse_base(path: str, text: str) -> Note:
    """Parse a base's text (see the module doc)."""
    import yaml  # here: the checks import this module for its rule id, a run may read no base

    starts = line_starts_of(text)
    problems: list[Problem] = []
    headings: list[Heading] = []
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = _offset(starts, mark.line, mark.column) if mark is not None else 0
        what = exc.problem or exc.context or "invalid YAML"
        problems.append(Problem(INVALID_BASE, f"base is not valid YAML: {what}", Span(at, at)))
        root = None
    except (yaml.YAMLError, RecursionError) as exc:
        problems.append(Problem(INVALID_BASE, f"base is not valid YAML: {exc}", Span(0, 0)))
        root = None
    if root is not None and not isinstance(root, yaml.MappingNode):
        at = root.start_mark.index
        problems.append(
            Problem(INVALID_BASE, "base is not a mapping (filters, views…)", Span(at, at))
        )
    elif root is not None:
        for key, value in root.value:
            if key.value != "views":
                continue
            if not isinstance(value, yaml.SequenceNode):
                at = value.start_mark.index
                problems.append(Problem(INVALID_BASE, "base 'views' is not a list", Span(at, at)))
                continue
            for view in value.value:
                if not isinstance(view, yaml.MappingNode):
                    continue
                for k, v in view.value:
                    if k.value == "name" and isinstance(v, yaml.ScalarNode) and v.value:
                        span = Span(v.start_mark.index, v.end_mark.index)
                        headings.append(Heading(1, str(v.value), span))
    return Note(
        path=path,
        text=text,
        line_starts=starts,
        frontmatter=None,
        frontmatter_span=None,
        fields=(),
        headings=tuple(headings),
        links=(),
        tags=(),
        blocks=(),
        sections=(),
        problems=tuple(problems),
    )


def _offset(starts: tuple[int, ...], line: int, column: int) -> int:
    if line >= len(starts):
        return starts[-1]
    return starts[line] + column
