"""Output formats: one module per format, chosen by name; the CLI holds no format logic.

The API (after flake8's ``formatting/base.py``, reduced to one step because every format needs
the whole scan — totals, a rule table — before it can write anything)::

    result = ScanResult(vault=..., diagnostics=..., notes=..., rules=..., version=...)
    reporter = get_reporter("sarif", color=False, path_prefix="notes/")
    output = reporter.render(result)      # str, ends with "\\n" (github: "" when clean)

- ``ScanResult``/``RuleInfo`` (``vaultlint.lint.result``, the one result type, which the batch
  runner makes): what a scan produced. ``diagnostics`` are sorted on construction; ``notes``
  are the notes reported on (JUnit makes one test case of each).
- ``get_reporter(name, *, color=False, path_prefix="")`` → a ``Reporter``; an unknown name
  raises ``ValueError`` listing ``FORMATS``. ``color`` is used by ``text`` only (the CLI decides
  it from isatty / ``NO_COLOR`` / ``FORCE_COLOR``; never colour a file). ``path_prefix`` (the
  vault's path relative to the repository root) is used by ``github`` and ``sarif`` only, whose
  consumers resolve paths against the repository. ``file_prefix`` (the vault as seen from the
  current directory: ``notes/``, or an absolute path outside it) makes the paths of ``text``,
  ``junit`` and JSON's ``file`` open from the terminal, as ruff's do; JSON's ``path`` stays
  vault-relative.
- ``render`` returns ``str``; write it as UTF-8 (``junit`` declares ``encoding="UTF-8"``). Lone
  surrogates from undecodable notes are replaced by U+FFFD, so encoding never fails.
- ``text``: the diagnostic lines and then the summary line, all in the same output.
  ``render_statistics(result, color=...)`` gives a per-rule table (the CLI's ``--statistics``
  audit, with folders and missing notes, is ``vaultlint.report.audit.render_audit``).

To add a format: a module with a ``Reporter`` subclass that sets ``name``, listed below (by
module and class name: a format's module is imported only when it is used).
"""

from __future__ import annotations

from vaultlint.lint.result import RuleInfo, ScanResult
from vaultlint.registry import LazyRegistry
from vaultlint.report.base import Reporter
from vaultlint.report.text import render_statistics, summary_line

#: every format by name; a format's module is imported when it is chosen
REPORTERS: LazyRegistry[type[Reporter]] = LazyRegistry(
    (
        ("text", "vaultlint.report.text:TextReporter"),
        ("json", "vaultlint.report.json:JsonReporter"),
        ("sarif", "vaultlint.report.sarif:SarifReporter"),
        ("github", "vaultlint.report.github:GithubReporter"),
        ("junit", "vaultlint.report.junit:JunitReporter"),
    )
)
FORMATS: tuple[str, ...] = tuple(REPORTERS)


def get_reporter(
    name: str, *, color: bool = False, path_prefix: str = "", file_prefix: str = ""
) -> Reporter:
    """The reporter of format ``name``, configured; ``ValueError`` names the valid formats."""
    try:
        reporter = REPORTERS[name]
    except KeyError:
        from vaultlint.config.schema.base import suggest  # (only on this error)

        raise ValueError(
            f"unknown format {name!r}{suggest(name, FORMATS)}; choose one of: {', '.join(FORMATS)}"
        ) from None
    return reporter(color=color, path_prefix=path_prefix, file_prefix=file_prefix)


__all__ = [
    "FORMATS",
    "REPORTERS",
    "Reporter",
    "RuleInfo",
    "ScanResult",
    "get_reporter",
    "render_statistics",
    "summary_line",
]
