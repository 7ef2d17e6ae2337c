"""The output formats: exact text, JSON, GitHub annotations, JUnit structure, valid SARIF."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest

from tests.conftest import DATA
from tests.diagnostics import at
from vaultlint.diagnostic import Diagnostic
from vaultlint.report import (
    FORMATS,
    REPORTERS,
    RuleInfo,
    ScanResult,
    get_reporter,
    render_statistics,
)
from vaultlint.report.github import escape_data, escape_property
from vaultlint.report.sarif import directory_file_uri

SARIF_SCHEMA = DATA / "schemas" / "sarif-schema-2.1.0.json"

CAFE = "Schemes/Café plan.md"
ODD = "odd,name: 100%.md"

BROKEN = at(
    path=CAFE,
    line=3,
    column=5,
    end_line=3,
    end_column=26,
    rule="broken-link",
    check="links",
    severity="error",
    message="link target 'Gaganyaan Mission' does not exist",
    snippet="[[Gaganyaan Mission]]",
)
MISSING = at(
    path=CAFE,
    line=1,
    column=1,
    end_line=1,
    end_column=1,
    rule="scheme-sections",
    check="required-sections",
    severity="warning",
    message="missing section 'Objective'",
)
TAG = at(
    path="Index.md",
    line=7,
    column=2,
    end_line=7,
    end_column=9,
    rule="tag-case",
    check="tags",
    severity="info",
    message="tag '#Scheme' is spelled '#scheme' elsewhere",
    snippet="#Scheme",
)
GARBLED = at(
    path=ODD,
    line=2,
    column=4,
    end_line=2,
    end_column=7,
    rule="mojibake",
    check="mojibake",
    severity="warning",
    message="50% garbled: 'â€“'\nsee line 2",
    snippet="â€“",
)

RULES = (
    RuleInfo("broken-link", "links", "error", "Links must resolve.", "## What it does\nChecks."),
    RuleInfo("scheme-sections", "required-sections", "warning", "Scheme notes need sections."),
    RuleInfo("tag-case", "tags", "warning", "Tags are spelled one way."),
    RuleInfo("mojibake", "mojibake", "warning", "Text is not garbled."),
)
NOTES = ("Clean.md", "Index.md", CAFE, ODD)
VAULT = "/home/me/my vault"


def scan(
    diagnostics: tuple[Diagnostic, ...] = (GARBLED, BROKEN, TAG, MISSING),
    notes: tuple[str, ...] = NOTES,
    rules: tuple[RuleInfo, ...] = RULES,
) -> ScanResult:
    # Deliberately unsorted: ScanResult puts diagnostics in report order.
    return ScanResult(
        vault=VAULT, diagnostics=diagnostics, notes=notes, rules=rules, version="0.1.0"
    )


def render(name: str, result: ScanResult | None = None, **options: object) -> str:
    return get_reporter(name, **options).render(result or scan())  # type: ignore[arg-type]


# --- registry ------------------------------------------------------------------------------


def test_registry_names_every_format() -> None:
    assert set(REPORTERS) == {"text", "json", "sarif", "github", "junit"}
    assert tuple(REPORTERS) == FORMATS
    for name, reporter in REPORTERS.items():
        assert reporter.name == name
        assert get_reporter(name).name == name


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'") as caught:
        get_reporter("xml")
    for name in FORMATS:
        assert name in str(caught.value)


def test_scan_result_sorts_diagnostics() -> None:
    assert scan().diagnostics == (TAG, MISSING, BROKEN, GARBLED)


# --- text ----------------------------------------------------------------------------------


def test_text_exact() -> None:
    assert render("text") == (
        "Index.md:7:2: info tag-case tag '#Scheme' is spelled '#scheme' elsewhere\n"
        "Schemes/Café plan.md:1:1: warning scheme-sections missing section 'Objective'\n"
        "Schemes/Café plan.md:3:5: error broken-link "
        "link target 'Gaganyaan Mission' does not exist\n"
        "odd,name: 100%.md:2:4: warning mojibake 50% garbled: 'â€“'\\nsee line 2\n"
        "Found 1 error, 2 warnings and 1 info in 3 of 4 notes.\n"
    )


@pytest.mark.parametrize(
    ("diagnostics", "notes", "summary"),
    [
        ((), NOTES, "No problems found in 4 notes."),
        ((), ("Clean.md",), "No problems found in 1 note."),
        ((), (), "No problems found in 0 notes."),
        ((BROKEN,), (CAFE,), "Found 1 error in 1 note."),
        ((MISSING, GARBLED), NOTES, "Found 2 warnings in 2 of 4 notes."),
        ((BROKEN, TAG), NOTES, "Found 1 error and 1 info in 2 of 4 notes."),
        ((BROKEN, MISSING), (CAFE,), "Found 1 error and 1 warning in 1 note."),
    ],
)
def test_text_summary_wording(
    diagnostics: tuple[Diagnostic, ...], notes: tuple[str, ...], summary: str
) -> None:
    assert render("text", scan(diagnostics, notes)).splitlines()[-1] == summary


def test_text_without_colour_has_no_escape_codes() -> None:
    escaped = at(
        path="A.md",
        line=1,
        column=1,
        end_line=1,
        end_column=2,
        rule="mojibake",
        check="mojibake",
        severity="warning",
        message="odd \x1b[31m text",
    )
    output = render("text", scan((escaped, BROKEN)))
    assert "\x1b" not in output
    assert "A.md:1:1: warning mojibake odd \\x1b[31m text\n" in output


def test_text_colour_only_adds_escape_codes() -> None:
    coloured = render("text", color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render("text")


def test_statistics_table() -> None:
    extra = at(
        path="Index.md",
        line=9,
        column=1,
        end_line=9,
        end_column=5,
        rule="broken-link",
        check="links",
        severity="error",
        message="link target 'X' does not exist",
    )
    assert render_statistics(scan((BROKEN, extra, TAG, MISSING))) == (
        "2  broken-link      error\n1  scheme-sections  warning\n1  tag-case         info\n"
    )
    assert render_statistics(scan(())) == ""


# --- json ----------------------------------------------------------------------------------


def test_json_shape() -> None:
    output = render("json")
    assert output.endswith("}\n")
    assert '\n  "version": "0.1.0"' in output  # two-space indent
    assert "Café" in output  # ensure_ascii=False
    assert json.loads(output) == {
        "version": "0.1.0",
        "vault": VAULT,
        "diagnostics": [
            {
                "path": "Index.md",
                "file": "Index.md",
                "line": 7,
                "column": 2,
                "end_line": 7,
                "end_column": 9,
                "rule": "tag-case",
                "check": "tags",
                "severity": "info",
                "message": "tag '#Scheme' is spelled '#scheme' elsewhere",
            },
            {
                "path": CAFE,
                "file": CAFE,
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 1,
                "rule": "scheme-sections",
                "check": "required-sections",
                "severity": "warning",
                "message": "missing section 'Objective'",
            },
            {
                "path": CAFE,
                "file": CAFE,
                "line": 3,
                "column": 5,
                "end_line": 3,
                "end_column": 26,
                "rule": "broken-link",
                "check": "links",
                "severity": "error",
                "message": "link target 'Gaganyaan Mission' does not exist",
            },
            {
                "path": ODD,
                "file": ODD,
                "line": 2,
                "column": 4,
                "end_line": 2,
                "end_column": 7,
                "rule": "mojibake",
                "check": "mojibake",
                "severity": "warning",
                "message": "50% garbled: 'â€“'\nsee line 2",
            },
        ],
        "summary": {"notes": 4, "errors": 1, "warnings": 2, "infos": 1},
    }


#: findings whose strings need every kind of JSON escaping, and repeat paths and rules
_ODD_STRINGS = (
    GARBLED,
    BROKEN,
    TAG,
    MISSING,
    at('a "quoted" \\ path\t.md', 1, 1, 1, 1, 'r"1', "c\\", "error", 'say "hi" \\ there\x00'),
    at('a "quoted" \\ path\t.md', 2, 3, 4, 5, 'r"1', "c\\", "error", "line\u2028sep\x7f\x1b[31m"),
    at("ünï/cödé 🎉.md", 9, 8, 9, 12, "tag-case", "tags", "info", "astral 🎉 and caf\udce9"),
    at("ünï/cödé 🎉.md", 9, 8, 9, 12, "broken-link", "links", "error", ""),
)


@pytest.mark.parametrize("prefix", ["", "notes/", "/abs/my vault/", "../"])
def test_json_lines_are_what_json_dumps_gives(prefix: str) -> None:
    from vaultlint.report.json import _with_file

    result = scan(_ODD_STRINGS, NOTES)
    out = get_reporter("json", file_prefix=prefix).render(result)
    lines = out.split("\n")
    assert lines[:4] == [
        "{",
        '  "version": "0.1.0",',
        f'  "vault": "{VAULT}",',
        '  "diagnostics": [',
    ]
    shown = [
        json.dumps(_with_file(d.to_json(), get_reporter("json", file_prefix=prefix).file_prefix),
                   ensure_ascii=False)
        for d in result.diagnostics
    ]  # fmt: skip
    body = [f"    {line}," for line in shown]
    body[-1] = body[-1][:-1]
    encodable = out.replace("\ufffd", "\udce9")  # the report replaces lone surrogates
    assert encodable.split("\n")[4 : 4 + len(body)] == body
    assert lines[4 + len(body) :] == [
        "  ],",
        '  "summary": {"notes": 4, "errors": 4, "warnings": 2, "infos": 2}',
        "}",
        "",
    ]
    assert (
        json.loads(out)["diagnostics"][0]["file"]
        == f"{prefix.rstrip('/') + '/' if prefix else ''}Index.md"
    )


def test_json_lists_the_skipped_notes_only_when_there_are() -> None:
    from vaultlint.lint.result import NotLinted
    from vaultlint.report.json import json_payload

    skipped = (
        NotLinted("a/pipe.md", "not a regular file (a FIFO)"),
        NotLinted("a/folder-link", "symbolic link into the vault or a loop"),  # quietly
        NotLinted("img.png", "dangling symbolic link"),  # not a note: quietly
        NotLinted("Big.Canvas", "dangling symbolic link"),
        NotLinted("locked", "cannot list folder: Permission denied"),
    )
    result = scan((TAG,), NOTES)._replace(skipped=skipped)
    out = get_reporter("json", file_prefix="v/").render(result)
    assert out.split("\n")[-8:] == [
        '  "skipped": [',
        '    {"path": "a/pipe.md", "file": "v/a/pipe.md", "reason": "not a regular file (a FIFO)"}'
        ",",
        '    {"path": "Big.Canvas", "file": "v/Big.Canvas", "reason": "dangling symbolic link"},',
        '    {"path": "locked", "file": "v/locked", "reason": "cannot list folder: Permission '
        'denied"}',
        "  ],",
        '  "summary": {"notes": 4, "errors": 0, "warnings": 0, "infos": 1}',
        "}",
        "",
    ]
    assert json.loads(out) == json_payload(result, "v/")
    assert "skipped" not in json.loads(render("json", scan((TAG,), NOTES)))


def test_json_lists_the_runs_warnings_only_when_there_are() -> None:
    from vaultlint.report.json import json_payload

    result = scan((TAG,), NOTES)._replace(warnings=("rule 'x' applies to no note: …", 'a "b"'))
    out = get_reporter("json").render(result)
    assert out.split("\n")[-7:] == [
        '  "run_warnings": [',
        "    \"rule 'x' applies to no note: …\",",
        '    "a \\"b\\""',
        "  ],",
        '  "summary": {"notes": 4, "errors": 0, "warnings": 0, "infos": 1}',
        "}",
        "",
    ]
    assert json.loads(out) == json_payload(result)
    assert "run_warnings" not in json.loads(render("json", scan((TAG,), NOTES)))


def test_json_streams_many_findings_in_pieces() -> None:
    many = tuple(at(f"n{i:04}.md", 1, 1, 1, 2, "r", "c", "error", f"m{i}") for i in range(1200))
    pieces = list(get_reporter("json").chunks(scan(many, ())))
    assert len(pieces) == 6  # version, vault, 512 + 512 + 176 findings, summary
    document = json.loads("".join(pieces))
    assert [d["message"] for d in document["diagnostics"]] == [f"m{i}" for i in range(1200)]


@pytest.mark.parametrize("color", [False, True])
def test_text_lines_are_format_diagnostic(color: bool) -> None:
    reporter = get_reporter("text", color=color, file_prefix="notes/")
    result = scan(_ODD_STRINGS, NOTES)
    lines = "".join(reporter.chunks(result)).split("\n")
    assert lines[:-2] == [reporter.format_diagnostic(d) for d in result.diagnostics]


def test_json_key_order_follows_the_contract() -> None:
    document = json.loads(render("json"))
    assert list(document) == ["version", "vault", "diagnostics", "summary"]
    assert list(document["summary"]) == ["notes", "errors", "warnings", "infos"]


def test_undecodable_text_never_breaks_utf8_output() -> None:
    # A non-UTF-8 note read with surrogateescape may put lone surrogates into a message.
    bad = at(
        path="Latin1.md",
        line=1,
        column=1,
        end_line=1,
        end_column=1,
        rule="mojibake",
        check="mojibake",
        severity="warning",
        message="not UTF-8: caf\udce9",
    )
    for name in FORMATS:
        output = render(name, scan((bad,), ("Latin1.md",)))
        output.encode("utf-8")  # must not raise
        assert "caf\ufffd" in output, name


# --- github --------------------------------------------------------------------------------


def test_github_exact_with_escaping() -> None:
    assert render("github") == (
        "::notice file=Index.md,line=7,col=2,endLine=7,endColumn=9,title=tag-case::"
        "tag '#Scheme' is spelled '#scheme' elsewhere\n"
        "::warning file=Schemes/Café plan.md,line=1,col=1,endLine=1,endColumn=1,"
        "title=scheme-sections::missing section 'Objective'\n"
        "::error file=Schemes/Café plan.md,line=3,col=5,endLine=3,endColumn=26,"
        "title=broken-link::link target 'Gaganyaan Mission' does not exist\n"
        "::warning file=odd%2Cname%3A 100%25.md,line=2,col=4,endLine=2,endColumn=7,"
        "title=mojibake::50%25 garbled: 'â€“'%0Asee line 2\n"
    )


def test_github_path_prefix_makes_paths_repository_relative() -> None:
    for prefix in ("notes", "notes/", "./notes/", "notes\\"):
        output = render("github", scan((BROKEN,)), path_prefix=prefix)
        assert output.startswith("::error file=notes/Schemes/Café plan.md,line=3,")
    assert render("github", scan((BROKEN,)), path_prefix=".") == render("github", scan((BROKEN,)))


def test_github_clean_scan_prints_nothing() -> None:
    assert render("github", scan(())) == ""


def test_github_escaping_matches_actions_toolkit() -> None:
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"


# --- junit ---------------------------------------------------------------------------------


def test_junit_structure() -> None:
    output = render("junit")
    assert output.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(output.encode("utf-8"))
    assert root.tag == "testsuites"
    assert root.attrib == {"name": "vaultlint", "tests": "4", "failures": "2", "errors": "0"}
    (suite,) = root
    assert suite.tag == "testsuite"
    assert suite.attrib == {
        "name": "vaultlint",
        "tests": "4",
        "failures": "2",
        "errors": "0",
        "skipped": "0",
    }
    cases = {case.attrib["name"]: case for case in suite}
    assert list(cases) == ["Clean.md", "Index.md", CAFE, ODD]
    assert all(case.tag == "testcase" and case.attrib["classname"] == "vaultlint" for case in suite)

    assert list(cases["Clean.md"]) == []

    (out,) = cases["Index.md"]
    assert out.tag == "system-out"
    assert out.text == "Index.md:7:2: info tag-case tag '#Scheme' is spelled '#scheme' elsewhere"

    failures = [(f.tag, f.attrib, f.text) for f in cases[CAFE]]
    assert failures == [
        (
            "failure",
            {"message": "1:1: missing section 'Objective'", "type": "scheme-sections"},
            f"{CAFE}:1:1: warning scheme-sections missing section 'Objective'",
        ),
        (
            "failure",
            {
                "message": "3:5: link target 'Gaganyaan Mission' does not exist",
                "type": "broken-link",
            },
            f"{CAFE}:3:5: error broken-link link target 'Gaganyaan Mission' does not exist",
        ),
    ]
    (garbled,) = cases[ODD]
    # The newline survives inside the attribute (written as &#10;) and the text.
    assert garbled.attrib["message"] == "2:4: 50% garbled: 'â€“'\nsee line 2"
    assert garbled.text == f"{ODD}:2:4: warning mojibake 50% garbled: 'â€“'\nsee line 2"


def test_junit_keeps_the_runs_warnings_in_the_suites_system_err() -> None:
    said = ("rule 'x' applies to no note: <none>", "b\x1b.txt: skipped, not a note")
    for result in (scan()._replace(warnings=said), scan((), ())._replace(warnings=said)):
        output = render("junit", result)
        (suite,) = ET.fromstring(output.encode("utf-8"))
        *cases, err = suite
        assert [c.tag for c in cases] == ["testcase"] * len(result.notes)
        assert (err.tag, err.text) == (
            "system-err",
            "warning: rule 'x' applies to no note: <none>\n"
            "warning: b\\x1b.txt: skipped, not a note",
        )
    assert output.endswith("</system-err>\n  </testsuite>\n</testsuites>\n")
    assert render("junit", scan()._replace(warnings=said)).endswith(
        "</testcase>\n    <system-err>warning: rule 'x' applies to no note: &lt;none&gt;\n"
        "warning: b\\x1b.txt: skipped, not a note</system-err>\n  </testsuite>\n</testsuites>\n"
    )
    assert "system-err" not in render("junit")


def test_junit_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    nasty = at(
        path="A & <B>.md",
        line=1,
        column=1,
        end_line=1,
        end_column=3,
        rule="broken-link",
        check="links",
        severity="error",
        message='link "<x>" & \x00\x1b',
    )
    root = ET.fromstring(render("junit", scan((nasty,), ())).encode("utf-8"))
    (case,) = root.iter("testcase")
    assert case.attrib["name"] == "A & <B>.md"  # a note only seen through its diagnostic
    (failure,) = case
    assert failure.attrib["message"] == '1:1: link "<x>" & \\x00\\x1b'


# --- sarif ---------------------------------------------------------------------------------


def sarif_validator() -> jsonschema.Draft4Validator:
    if not SARIF_SCHEMA.is_file():
        pytest.fail(f"SARIF schema not found at {SARIF_SCHEMA} (expected in tests/data)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(document: object) -> None:
    errors = sorted(sarif_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_sarif_is_valid_against_the_schema() -> None:
    assert_valid_sarif(json.loads(render("sarif")))
    assert_valid_sarif(json.loads(render("sarif", scan(()))))
    assert_valid_sarif(json.loads(render("sarif", path_prefix="vaults/my vault")))


def test_sarif_holds_the_runs_warnings_as_notifications() -> None:
    """The run's own warnings (on stderr, and annotations in --format github) are the run's
    tool-execution notifications; a run without any has no ``invocations``."""
    warned = scan()._replace(warnings=("rule 'x' applies to no note: …", 'a "results": [] b'))
    for result in (warned, warned._replace(diagnostics=())):
        document = json.loads(render("sarif", result))
        assert_valid_sarif(document)
        (run,) = document["runs"]
        assert run["invocations"] == [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": "warning", "message": {"text": "rule 'x' applies to no note: …"}},
                    {"level": "warning", "message": {"text": 'a "results": [] b'}},
                ],
            }
        ]
        assert len(run["results"]) == len(result.diagnostics)
    assert "invocations" not in json.loads(render("sarif"))["runs"][0]


def test_sarif_results_match_json_diagnostics() -> None:
    sarif = json.loads(render("sarif"))
    diagnostics = json.loads(render("json"))["diagnostics"]
    (run,) = sarif["runs"]
    results = run["results"]
    assert len(results) == len(diagnostics)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    rules = run["tool"]["driver"]["rules"]
    for result, diagnostic in zip(results, diagnostics, strict=True):
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        region = location["physicalLocation"]["region"]
        assert result["ruleId"] == diagnostic["rule"]
        assert rules[result["ruleIndex"]]["id"] == diagnostic["rule"]
        assert result["level"] == levels[diagnostic["severity"]]
        assert result["message"]["text"] == diagnostic["message"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert unquote(artifact["uri"]) == diagnostic["path"]
        assert region == {
            "startLine": diagnostic["line"],
            "startColumn": diagnostic["column"],
            "endLine": diagnostic["end_line"],
            "endColumn": diagnostic["end_column"],
        }


def test_sarif_run_metadata() -> None:
    sarif = json.loads(render("sarif"))
    assert sarif["version"] == "2.1.0"
    assert "sarif-schema-2.1.0.json" in sarif["$schema"]
    (run,) = sarif["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///home/me/my%20vault/"}}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path(VAULT).as_uri() + "/"
    driver = run["tool"]["driver"]
    assert driver["name"] == "vaultlint"
    assert driver["version"] == "0.1.0"
    assert driver["informationUri"] == "https://github.com/vaultlint/vaultlint"
    assert [rule["id"] for rule in driver["rules"]] == [rule.id for rule in RULES]
    broken = driver["rules"][0]
    assert broken == {
        "id": "broken-link",
        "name": "BrokenLink",
        "shortDescription": {"text": "Links must resolve."},
        "fullDescription": {"text": "Links must resolve."},
        "help": {"text": "## What it does\nChecks.", "markdown": "## What it does\nChecks."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"check": "links", "tags": ["vaultlint", "links"]},
    }
    # The rule's configured level, not the level of any one result.
    assert driver["rules"][2]["defaultConfiguration"] == {"level": "warning"}


def test_sarif_uris_are_percent_encoded() -> None:
    (run,) = json.loads(render("sarif"))["runs"]
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    ]
    assert uris == [
        "Index.md",
        "Schemes/Caf%C3%A9%20plan.md",
        "Schemes/Caf%C3%A9%20plan.md",
        "odd%2Cname%3A%20100%25.md",
    ]
    assert all(uri.isascii() and " " not in uri for uri in uris)


def test_sarif_path_prefix_is_relative_to_the_repository() -> None:
    result = ScanResult(
        vault="/repo/vaults/my vault",
        diagnostics=(BROKEN,),
        notes=(CAFE,),
        rules=RULES,
        version="0.1.0",
    )
    (run,) = json.loads(render("sarif", result, path_prefix="vaults/my vault/"))["runs"]
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "vaults/my%20vault/Schemes/Caf%C3%A9%20plan.md"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///repo/"}}


def test_sarif_fingerprints_are_stable_and_distinct() -> None:
    twin = at(
        path=CAFE,
        line=9,
        column=1,
        end_line=9,
        end_column=22,
        rule="broken-link",
        check="links",
        severity="error",
        message="link target 'Gaganyaan Mission' does not exist",
        snippet="[[Gaganyaan Mission]]",
    )
    moved = at(
        path=CAFE,
        line=30,
        column=5,
        end_line=30,
        end_column=26,
        rule="broken-link",
        check="links",
        severity="error",
        message=BROKEN.message,
        snippet=BROKEN.snippet,
    )

    def fingerprints(result: ScanResult) -> list[str]:
        (run,) = json.loads(render("sarif", result))["runs"]
        return [r["partialFingerprints"]["vaultlint/v1"] for r in run["results"]]

    first = fingerprints(scan((BROKEN, twin, TAG, MISSING)))
    assert len(set(first)) == 4
    assert fingerprints(scan((BROKEN, twin, TAG, MISSING))) == first
    # Lines inserted above the link: same finding, same fingerprint.
    assert fingerprints(scan((moved,)))[0] == fingerprints(scan((BROKEN,)))[0]


def test_sarif_rule_missing_from_the_table_still_gets_an_index() -> None:
    crash = at(
        path="Index.md",
        line=1,
        column=1,
        end_line=1,
        end_column=1,
        rule="internal-error",
        check="engine",
        severity="error",
        message="rule 'x' crashed",
    )
    document = json.loads(render("sarif", scan((crash, BROKEN))))
    assert_valid_sarif(document)
    (run,) = document["runs"]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}


def test_directory_file_uri() -> None:
    assert directory_file_uri("/home/me/Café vault") == "file:///home/me/Caf%C3%A9%20vault/"
    assert directory_file_uri("/home/me/vault/") == "file:///home/me/vault/"
    assert directory_file_uri("C:/Users/me/vault") == "file:///C:/Users/me/vault/"
