"""``--format junit``: JUnit XML, one test case per note.

``<testsuites>`` → one ``<testsuite name="vaultlint">`` → one ``<testcase classname="vaultlint"
name="PATH">`` per note reported on (PATH as seen from the current directory; sorted; notes
without findings pass). Each ``error`` or
``warning`` diagnostic is a ``<failure message="L:C: message" type="RULE">`` whose text is the
``PATH:LINE:COL: SEVERITY RULE message`` line; ``info`` diagnostics are such lines in the test
case's ``<system-out>``. ``failures`` counts failing test cases (so ``tests - failures`` passed),
not ``<failure>`` elements. ``errors`` is always 0: an unreadable note is a diagnostic too.
The run's own warnings (also on stderr) are the suite's ``<system-err>``, after its cases.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from vaultlint.diagnostic import Diagnostic
from vaultlint.lint.result import ScanResult
from vaultlint.report.base import Reporter

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters XML 1.0 cannot hold even escaped: shown as Python escapes (``\x1b``) instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda match: repr(match.group())[1:-1], text)


def _line(diagnostic: Diagnostic, prefix: str) -> str:
    return _xml_safe(
        f"{prefix}{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
        f"{diagnostic.severity} {diagnostic.rule} {diagnostic.message}"
    )


class JunitReporter(Reporter):
    """JUnit XML built with ElementTree (so escaping is right), UTF-8 declaration, indented."""

    name = "junit"

    def chunks(self, result: ScanResult) -> Iterator[str]:
        """The document a test case at a time (a first pass counts the failing notes)."""
        paths = sorted({*result.notes, *(d.path for d in result.diagnostics)})
        failing_paths = {d.path for d in result.diagnostics if d.severity != "info"}
        counts = {"tests": str(len(paths)), "failures": str(len(failing_paths)), "errors": "0"}
        suite = ET.Element("testsuite", name="vaultlint")
        suite.attrib.update(counts, skipped="0")
        root = ET.Element("testsuites", name="vaultlint", **counts)
        said = self._warnings(result)
        if not paths:
            if said is not None:
                suite.append(said)
            root.append(suite)
            ET.indent(root, space="  ")
            yield XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n"
            return
        root.text = "\n  "
        suite.text = "\n    "
        head = ET.tostring(root, encoding="unicode")  # <testsuites …>\n  </testsuites>
        inner = ET.tostring(suite, encoding="unicode")
        yield XML_DECLARATION + head[: head.rindex("</")] + inner[: inner.rindex("</")]
        diagnostics = iter(result.diagnostics)
        pending = next(diagnostics, None)
        for n, path in enumerate(paths):
            found = []
            while pending is not None and pending.path == path:
                found.append(pending)
                pending = next(diagnostics, None)
            case = self._case(path, found)
            ET.indent(case, space="  ", level=2)
            last = n + 1 == len(paths) and said is None
            yield ET.tostring(case, encoding="unicode") + ("\n  " if last else "\n    ")
        if said is not None:
            yield ET.tostring(said, encoding="unicode") + "\n  "
        yield "</testsuite>\n</testsuites>\n"

    @staticmethod
    def _warnings(result: ScanResult) -> ET.Element | None:
        """The run's own warnings (what stderr says: a rule that applies to no note, a PATH
        that is no note) as the suite's ``<system-err>``, a line each; None without any."""
        if not result.warnings:
            return None
        said = ET.Element("system-err")
        said.text = "\n".join(_xml_safe(f"warning: {w}") for w in result.warnings)
        return said

    def _case(self, path: str, found: list[Diagnostic]) -> ET.Element:
        name = _xml_safe(self.file_prefix + path)
        case = ET.Element("testcase", classname="vaultlint", name=name)
        infos = []
        for diagnostic in found:
            if diagnostic.severity == "info":
                infos.append(_line(diagnostic, self.file_prefix))
                continue
            message = f"{diagnostic.line}:{diagnostic.column}: {diagnostic.message}"
            failure = ET.SubElement(
                case, "failure", message=_xml_safe(message), type=diagnostic.rule
            )
            failure.text = _line(diagnostic, self.file_prefix)
        if infos:
            ET.SubElement(case, "system-out").text = "\n".join(infos)
        return case
