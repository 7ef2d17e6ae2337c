"""``--format junit``: JUnit XML, one test case per note.

``<testsuites>`` → one ``<testsuite name="vaultlint">`` → one ``<testcase classname="vaultlint"
name="PATH">`` per note reported on (sorted; notes without findings pass). Each ``error`` or
``warning`` diagnostic is a ``<failure message="L:C: message" type="RULE">`` whose text is the
``PATH:LINE:COL: SEVERITY RULE message`` line; ``info`` diagnostics are such lines in the test
case's ``<system-out>``. ``failures`` counts failing test cases (so ``tests - failures`` passed),
not ``<failure>`` elements. ``errors`` is always 0: an unreadable note is a diagnostic too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from vaultlint.diagnostic import Diagnostic
from vaultlint.report.base import Reporter, ScanResult, encodable

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# Characters XML 1.0 cannot hold even escaped: shown as Python escapes (``\x1b``) instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda match: repr(match.group())[1:-1], text)


def _line(diagnostic: Diagnostic) -> str:
    return _xml_safe(
        f"{diagnostic.path}:{diagnostic.line}:{diagnostic.column}: "
        f"{diagnostic.severity} {diagnostic.rule} {diagnostic.message}"
    )


class JunitReporter(Reporter):
    """JUnit XML built with ElementTree (so escaping is right), UTF-8 declaration, indented."""

    name = "junit"

    def render(self, result: ScanResult) -> str:
        by_note: dict[str, list[Diagnostic]] = {path: [] for path in result.notes}
        for diagnostic in result.diagnostics:
            by_note.setdefault(diagnostic.path, []).append(diagnostic)

        suite = ET.Element("testsuite", name="vaultlint")
        failing = 0
        for path in sorted(by_note):
            case = ET.SubElement(suite, "testcase", classname="vaultlint", name=_xml_safe(path))
            infos = []
            for diagnostic in by_note[path]:
                if diagnostic.severity == "info":
                    infos.append(_line(diagnostic))
                    continue
                message = f"{diagnostic.line}:{diagnostic.column}: {diagnostic.message}"
                failure = ET.SubElement(
                    case, "failure", message=_xml_safe(message), type=diagnostic.rule
                )
                failure.text = _line(diagnostic)
            if case.find("failure") is not None:
                failing += 1
            if infos:
                ET.SubElement(case, "system-out").text = "\n".join(infos)

        counts = {"tests": str(len(by_note)), "failures": str(failing), "errors": "0"}
        suite.attrib.update(counts, skipped="0")
        root = ET.Element("testsuites", name="vaultlint", **counts)
        root.append(suite)
        ET.indent(root, space="  ")
        return encodable(XML_DECLARATION + ET.tostring(root, encoding="unicode") + "\n")
