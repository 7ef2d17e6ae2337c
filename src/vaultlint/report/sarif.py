"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

- Locations are relative URIs (percent-encoded, ``/`` kept) with ``uriBaseId: "%SRCROOT%"``;
  ``run.originalUriBaseIds`` resolves ``%SRCROOT%`` to a ``file://`` URI ending in ``/``.
- Without ``path_prefix``, ``%SRCROOT%`` is the vault and URIs are vault-relative. GitHub code
  scanning ignores ``originalUriBaseIds`` and reads URIs as repository-relative, so when the
  vault is a sub-folder of the repository the CLI passes ``path_prefix`` (e.g. ``notes/``): URIs
  then start with it, and ``%SRCROOT%`` is the folder that the prefix is relative to.
- Columns count code points, as the text report's: ``run.columnKind = "unicodeCodePoints"``.
  ``endColumn`` is exclusive in SARIF, as ``Diagnostic.end_column`` is.
- ``partialFingerprints["vaultlint/v1"]`` hashes rule, path, offending text (the message when
  there is none) and the occurrence number of that triple, not the line, so a finding keeps its
  identity when lines above it move.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Iterator
from urllib.parse import quote

from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.result import RuleInfo, ScanResult
from vaultlint.report.base import Reporter

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/vaultlint/vaultlint"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "vaultlint/v1"

LEVELS = {"error": "error", "warning": "warning", "info": "note", "off": "none"}

_DRIVE = re.compile(r"^[A-Za-z]:")


def path_to_uri(path: str) -> str:
    """A relative URI reference for a POSIX path: UTF-8 percent-encoding, ``/`` kept."""
    # a file name that is not UTF-8 reaches us with surrogate escapes: encode its real bytes
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def directory_file_uri(directory: str) -> str:
    """``/abs/vault`` → ``file:///abs/vault/``; ``C:/vault`` → ``file:///C:/vault/``."""
    directory = directory.replace("\\", "/").rstrip("/")
    if _DRIVE.match(directory):
        return f"file:///{directory[:2]}{quote(directory[2:], safe='/')}/"
    return f"file://{quote(directory, safe='/')}/"


def _source_root(vault: str, prefix: str) -> str | None:
    """The folder that ``prefix`` (``notes/``) is relative to, when ``vault`` ends with it."""
    if not prefix:
        return vault
    vault = vault.replace("\\", "/").rstrip("/")
    parts = prefix.rstrip("/").split("/")
    if ".." in parts or not vault.endswith("/" + prefix.rstrip("/")):
        return None  # e.g. a vault outside the repository: the base cannot be named
    return vault[: len(vault) - len(prefix.rstrip("/"))].rstrip("/") or "/"


def _pascal_case(rule_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id))


def rule_descriptor(rule: RuleInfo) -> dict[str, object]:
    """SARIF ``reportingDescriptor`` of one rule."""
    summary = rule.summary or rule.id
    # a docstring's continuation lines are indented: GitHub would render them as a code block
    help_doc = inspect.cleandoc(rule.help) if rule.help else ""
    help_text: dict[str, str] = {"text": help_doc or summary}
    if help_doc:
        help_text["markdown"] = help_doc
    return {
        "id": rule.id,
        "name": _pascal_case(rule.id),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": summary},
        "help": help_text,
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"check": rule.check, "tags": ["vaultlint", rule.check]},
    }


def _region(diagnostic: Diagnostic) -> dict[str, int]:
    # (each offset placed once: Diagnostic.line, .column, .end_line, .end_column place one a
    # property, four bisections a result)
    table, (start, end) = diagnostic.lines, diagnostic.span
    at_line, at_column = table.position(start)
    to_line, to_column = (at_line, at_column) if end == start else table.position(end)
    line, column = max(1, at_line + 1), max(1, at_column + 1)
    region = {"startLine": line, "startColumn": column}
    end_line, end_column = to_line + 1, to_column + 1
    if end_column >= 1 and (end_line > line or (end_line == line and end_column >= column)):
        region["endLine"] = end_line
        region["endColumn"] = end_column
    return region


class SarifReporter(Reporter):
    """One run, ``tool.driver.rules`` from ``ScanResult.rules``, one result per diagnostic."""

    name = "sarif"

    def rules_table(self, result: ScanResult) -> tuple[list[RuleInfo], dict[str, int]]:
        """Active rules (first of each id), then a made-up entry for any other rule id that a
        diagnostic carries (e.g. an internal one), so every result has a valid ``ruleIndex``."""
        rules: list[RuleInfo] = []
        index: dict[str, int] = {}
        for rule in result.rules:
            if rule.id not in index:
                index[rule.id] = len(rules)
                rules.append(rule)
        for diagnostic in result.diagnostics:
            if diagnostic.rule not in index:
                index[diagnostic.rule] = len(rules)
                rules.append(
                    RuleInfo(
                        id=diagnostic.rule,
                        check=diagnostic.check,
                        severity=diagnostic.severity,
                        summary=f"{diagnostic.rule} ({diagnostic.check})",
                    )
                )
        return rules, index

    def sarif_results(self, result: ScanResult, rule_index: dict[str, int]) -> Iterator[dict]:
        """One SARIF result per diagnostic, made one at a time. Diagnostics are sorted by path
        first, so the occurrence counts of the fingerprints are kept for one note at a time."""
        seen: dict[tuple[str, str, str], int] = {}
        path = None
        uri = ""
        for diagnostic in result.diagnostics:
            if diagnostic.path != path:
                path, seen = diagnostic.path, {}
                uri = path_to_uri(self.path_prefix + path)  # (once a note: quoting is slow)
            identity = (diagnostic.rule, diagnostic.path, diagnostic.snippet or diagnostic.message)
            occurrence = seen.get(identity, 0)
            seen[identity] = occurrence + 1
            fingerprint = hashlib.sha256(
                "\0".join((*identity, str(occurrence))).encode("utf-8", "surrogatepass")
            ).hexdigest()
            location = {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": uri,
                        "uriBaseId": SRCROOT,
                    },
                    "region": _region(diagnostic),
                }
            }
            yield {
                "ruleId": diagnostic.rule,
                "ruleIndex": rule_index[diagnostic.rule],
                "level": LEVELS.get(diagnostic.severity, "warning"),
                "message": {"text": diagnostic.message},
                "locations": [location],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
            }

    def sarif_log(self, result: ScanResult, *, results: bool = True) -> dict[str, object]:
        """The SARIF log as a dict (``results=False``: with an empty ``results`` list)."""
        rules, rule_index = self.rules_table(result)
        run: dict[str, object] = {
            "tool": {
                "driver": {
                    "name": "vaultlint",
                    "version": result.version,
                    "informationUri": INFORMATION_URI,
                    "rules": [rule_descriptor(rule) for rule in rules],
                }
            },
        }
        source_root = _source_root(result.vault, self.path_prefix)
        if source_root is not None:
            run["originalUriBaseIds"] = {SRCROOT: {"uri": directory_file_uri(source_root)}}
        # the run's own warnings (a rule that applies to no note, a PATH that is no note)
        if result.warnings:
            run["invocations"] = [
                {
                    "executionSuccessful": True,
                    "toolExecutionNotifications": [
                        {"level": "warning", "message": {"text": warning}}
                        for warning in result.warnings
                    ],
                }
            ]
        run["columnKind"] = "unicodeCodePoints"
        run["results"] = list(self.sarif_results(result, rule_index)) if results else []
        return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}

    def chunks(self, result: ScanResult) -> Iterator[str]:
        """The log with ``indent=2`` but one result a line, the results streamed: everything
        but the results is dumped once with an empty list, which is then filled a result at a
        time."""
        log = self.sarif_log(result, results=False)
        text = json.dumps(log, indent=2, ensure_ascii=False) + "\n"
        if not result.diagnostics:
            yield text
            return
        marker = '"results": []'
        at = text.rindex(marker) + len(marker) - 1
        yield text[:at] + "\n"
        _, rule_index = self.rules_table(result)
        sep = ""
        # one result a line, by the C encoder (``indent`` would use the pure-Python one, ten
        # times slower on a million results); one encoder for all (``json.dumps`` with an
        # option makes one a call)
        encode = json.JSONEncoder(ensure_ascii=False).encode
        for item in self.sarif_results(result, rule_index):
            yield sep + _RESULT + encode(item)
            sep = ",\n"
        yield "\n" + _RESULT[:-2] + text[at:]


#: the indentation of a result in the log (inside runs[0].results)
_RESULT = " " * 8
