"""The configuration: the public interface's examples (README "Configuration") load to exact
rules; every mistake is a ConfigError that names the file, the line and the key, and nothing
else ever escapes."""

from __future__ import annotations

import importlib.resources
import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultlint.checks.base import NoOptions
from vaultlint.checks.date_format import DateFormatOptions
from vaultlint.checks.file_name import FileNameOptions
from vaultlint.checks.links import LinksOptions
from vaultlint.checks.required_sections import RequiredSectionsOptions
from vaultlint.checks.tags import TagsOptions
from vaultlint.cli import main
from vaultlint.config import (
    Config,
    ConfigError,
    builtin_pack_path,
    find_config,
    list_packs,
    load_config,
    select_rules,
)
from vaultlint.config.ruleset import Rule, Where

EXAMPLE_VAULT = Path(__file__).resolve().parents[1] / "examples" / "vault"
RECOMMENDED_IDS = (
    "broken-link",
    "invalid-frontmatter",
    "invalid-tag",
    "tag-case",
    "mojibake",
    "unlinkable-name",
    "property-type",
    "invalid-vault-file",
)


def write(tmp_path: Path, text: str, name: str = ".vaultlint.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str) -> Config:
    return load_config(write(tmp_path, text), tmp_path)


def config_error(tmp_path: Path, text: str) -> tuple[ConfigError, Path]:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, tmp_path)
    return info.value, path


def by_id(config: Config) -> dict[str, Rule]:
    return {rule.id: rule for rule in config.rules}


def severities(config: Config) -> dict[str, str]:
    return {rule.id: rule.severity for rule in config.rules}


# --- the built-in pack ----------------------------------------------------------------------


def test_without_config_the_recommended_pack_is_used():
    config = load_config(None, EXAMPLE_VAULT)
    pack = str(builtin_pack_path("recommended"))
    assert config.source is None
    assert config.exclude == ()
    assert config.obsidian_excludes is True
    assert [(r.id, r.check, r.severity, r.options) for r in config.rules] == [
        ("broken-link", "links", "error", LinksOptions()),
        ("invalid-frontmatter", "frontmatter", "error", NoOptions()),
        ("invalid-tag", "tag-syntax", "warning", NoOptions()),
        ("tag-case", "tags", "warning", TagsOptions(case="consistent")),
        ("mojibake", "encoding", "warning", NoOptions()),
        ("unlinkable-name", "file-name", "warning", FileNameOptions()),
        ("property-type", "property-types", "warning", NoOptions()),
        ("invalid-vault-file", "vault-files", "error", NoOptions()),
    ]
    for rule in config.rules:
        assert rule.where == Where()
        assert rule.description  # `vaultlint rules` shows it
        assert rule.origin.startswith(pack + ":")
    assert by_id(config)["broken-link"].origin == f"{pack}:9"
    assert config.active_rules() == config.rules


def test_builtin_packs_are_found():
    assert "recommended" in list_packs()
    path = builtin_pack_path("recommended")
    assert path is not None and path.name == "recommended.yaml" and path.is_file()
    assert builtin_pack_path("no-such-pack") is None
    assert builtin_pack_path("../rules/recommended") is None  # names, not paths


def test_builtin_packs_fall_back_to_the_source_checkout(monkeypatch):
    def no_resources(package):
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(importlib.resources, "files", no_resources)
    path = builtin_pack_path("recommended")
    assert path == Path(__file__).resolve().parents[1] / "rules" / "recommended.yaml"


# --- the interface's configuration example ------------------------------------------------------

CONTRACT_EXAMPLE = """\
extends: [recommended]              # built-in pack names, or pack files relative to this file
exclude: ["Templates/**", "Archive/**"]   # glob patterns (gitignore style) relative to the vault root
rules:
  tag-case: off                     # a rule id with a severity: off | info | warning | error
  broken-link:                      # adjust a rule from a pack: any key below may be overridden
    ignore: ["Example*"]
  scheme-sections:                  # define a new rule: `check` is required
    check: required-sections
    severity: error
    where:                          # which notes it applies to; all conditions must hold
      paths: ["Schemes/**"]         #   note path matches one of these globs
      exclude: ["Schemes/Index.md"] #   …and none of these
      tags: [scheme]                #   note has one of these tags (case-insensitive, nested tags count)
      frontmatter: {type: scheme}   #   each key is present with this value (a list: one of them)
    sections: [Objective, Features, Way Forward]   # the check's own options sit beside the others
    level: 3
"""  # noqa: E501 (the interface's example; README "Configuration" shows it with every key)


def test_the_contract_example(tmp_path):
    path = write(tmp_path, CONTRACT_EXAMPLE)
    config = load_config(path, tmp_path)
    pack = str(builtin_pack_path("recommended"))
    assert config.source == str(path)
    assert config.exclude == ("Templates/**", "Archive/**")
    assert config.obsidian_excludes is True
    assert [r.id for r in config.rules] == [*RECOMMENDED_IDS, "scheme-sections"]
    rules = by_id(config)
    # `tag-case: off` is the severity off, not YAML 1.1's boolean false
    assert rules["tag-case"].severity == "off"
    assert rules["tag-case"].check == "tags"
    # a key-by-key override keeps the pack's check, severity and origin
    assert rules["broken-link"] == Rule(
        id="broken-link",
        check="links",
        severity="error",
        options=LinksOptions(ignore=("Example*",)),
        description=rules["broken-link"].description,
        origin=f"{pack}:9",
    )
    assert rules["scheme-sections"] == Rule(
        id="scheme-sections",
        check="required-sections",
        severity="error",
        options=RequiredSectionsOptions(sections=("Objective", "Features", "Way Forward"), level=3),
        where=Where(
            paths=("Schemes/**",),
            exclude=("Schemes/Index.md",),
            tags=("scheme",),
            frontmatter=(("type", ("scheme",)),),
        ),
        origin=f"{path}:7",
    )
    assert [r.id for r in config.active_rules()] == [
        "broken-link",
        "invalid-frontmatter",
        "invalid-tag",
        "mojibake",
        "unlinkable-name",
        "property-type",
        "invalid-vault-file",
        "scheme-sections",
    ]


def test_the_example_vault_config_loads():
    path = EXAMPLE_VAULT / ".vaultlint.yaml"
    assert find_config(EXAMPLE_VAULT) == path
    config = load_config(path, EXAMPLE_VAULT)
    rules = by_id(config)
    assert list(rules)[: len(RECOMMENDED_IDS)] == list(RECOMMENDED_IDS)
    assert rules["scheme-sections"].check == "required-sections"
    assert rules["scheme-sections"].severity == "error"


def test_options_are_the_check_dataclass_with_tuples_and_defaults(tmp_path):
    config = load(
        tmp_path,
        """\
        rules:
          dates:
            check: date-format
            fields: updated          # a single string is a one-item list
          house-tags:
            check: tags
            allowed: [space/*, mission]
            pattern: '[a-z/]+'
            case: lower
        """,
    )
    rules = by_id(config)
    assert rules["dates"].options == DateFormatOptions(fields=("updated",))
    assert rules["dates"].options.formats == ("%Y-%m-%d",)
    assert rules["dates"].severity == "warning"  # the default severity
    assert rules["house-tags"].options == TagsOptions(
        allowed=("space/*", "mission"), pattern="[a-z/]+", case="lower"
    )
    assert isinstance(rules["house-tags"].options.allowed, tuple)


def test_the_contract_option_defaults(tmp_path):
    """Each default CONTRACT states, by value (a changed default changes every user's findings)."""
    rules = by_id(
        load(
            tmp_path,
            """\
            extends: []
            rules:
              l: {check: links}
              t: {check: tags}
              s: {check: required-sections, sections: [Goal]}
              d: {check: date-format, fields: [due]}
              p: {check: properties, required: [company]}
            """,
        )
    )
    assert {rule.severity for rule in rules.values()} == {"warning"}
    assert {rule.where for rule in rules.values()} == {Where()}
    links = rules["l"].options
    assert (links.headings, links.blocks, links.embeds, links.markdown_links) == (True,) * 4
    assert (links.ignore, links.in_comments) == ((), False)
    tags = rules["t"].options
    assert (tags.allowed, tags.allowed_file, tags.pattern, tags.case) == (
        (),
        None,
        None,
        "consistent",
    )
    sections = rules["s"].options
    assert (sections.level, sections.order, sections.non_empty) == (None, False, False)
    dates = rules["d"].options
    assert (dates.formats, dates.required, dates.pattern, dates.sections) == (
        ("%Y-%m-%d",),
        False,
        None,
        (),
    )
    props = rules["p"].options
    assert (props.forbidden, props.additional, props.properties) == ((), True, {})


def test_scalars_are_read_as_yaml_1_2(tmp_path):
    config = load(
        tmp_path,
        """\
        rules:
          r:
            check: required-sections
            sections: [On, Off, yes, '2025', 2025-01-01]
            order: true
            where:
              tags: [no]
        """,
    )
    rule = by_id(config)["r"]
    assert rule.options.sections == ("On", "Off", "yes", "2025", "2025-01-01")
    assert rule.options.order is True
    assert rule.where.tags == ("no",)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "7",
            "option 'sections' of rule 'r' must be a list of strings, not 7 "
            "(quote it for a string: '7')",
        ),
        (
            "[A, 2025]",
            "option 'sections' of rule 'r' must be a list of strings, not 2025 "
            "(quote it for a string: '2025')",
        ),
        (
            "[true]",
            "option 'sections' of rule 'r' must be a list of strings, not true "
            "(quote it for a string: 'true')",
        ),
        ("[~]", "option 'sections' of rule 'r' must be a list of strings, not null"),
    ],
)
def test_a_string_option_takes_only_strings(tmp_path, value, message):
    exc, path = config_error(
        tmp_path, f"rules:\n  r:\n    check: required-sections\n    sections: {value}\n"
    )
    assert str(exc) == f"{path}:4: {message}"
    assert exc.key == "sections"


def test_yaml_1_1_booleans_are_not_booleans(tmp_path):
    exc, path = config_error(
        tmp_path,
        "rules:\n  r:\n    check: required-sections\n    sections: [A]\n    order: yes\n",
    )
    assert str(exc) == f"{path}:5: option 'order' of rule 'r' must be true or false, not 'yes'"


def test_where_frontmatter_values(tmp_path):
    config = load(
        tmp_path,
        """\
        rules:
          r:
            check: links
            where:
              frontmatter:
                type: [scheme, programme]
                draft: false
              paths: Schemes/**
        """,
    )
    assert by_id(config)["r"].where == Where(
        paths=("Schemes/**",),
        frontmatter=(("type", ("scheme", "programme")), ("draft", (False,))),
    )


@pytest.mark.parametrize(
    ("value", "severity"),
    [("off", "off"), ('"off"', "off"), ("OFF", "off"), ("info", "info"), ("Error", "error")],
)
def test_severity_shorthand(tmp_path, value, severity):
    config = load(tmp_path, f"extends: recommended\nrules:\n  tag-case: {value}\n")
    assert by_id(config)["tag-case"].severity == severity
    assert by_id(config)["tag-case"].options == TagsOptions(case="consistent")


def test_obsidian_excludes_and_empty_lists(tmp_path):
    config = load(tmp_path, "obsidian_excludes: false\nexclude:\nrules:\nextends: []\n")
    assert config == Config(rules=(), exclude=(), obsidian_excludes=False, source=config.source)


@pytest.mark.parametrize("text", ["", "# nothing but a comment\n", "---\n"])
def test_an_empty_file_is_the_recommended_pack(tmp_path, text):
    config = load_config(write(tmp_path, text), tmp_path)
    assert [r.id for r in config.rules] == list(RECOMMENDED_IDS)


# --- a config without `extends` extends [recommended] ---------------------------------------


def test_without_extends_the_recommended_pack_is_extended(tmp_path):
    config = load(tmp_path, 'exclude: ["x/**"]\n')
    assert config.exclude == ("x/**",)
    alone = load_config(None, tmp_path)
    assert [r.id for r in config.rules] == list(RECOMMENDED_IDS)
    assert [(r.id, r.severity, r.options) for r in config.rules] == [
        (r.id, r.severity, r.options) for r in alone.rules
    ]


def test_extends_empty_asks_for_nothing_built_in(tmp_path):
    assert load(tmp_path, 'extends: []\nexclude: ["x/**"]\n').rules == ()
    assert load(tmp_path, "extends:\n").rules == ()


def test_without_extends_a_pack_rule_is_turned_off_by_its_id(tmp_path):
    config = load(tmp_path, "rules: {tag-case: off}\n")
    assert severities(config)["tag-case"] == "off"
    assert severities(config)["broken-link"] == "error"


def test_without_extends_a_typo_in_a_pack_rule_key_gets_a_suggestion(tmp_path):
    exc, path = config_error(tmp_path, "rules:\n  tag-case:\n    severty: error\n")
    assert str(exc) == (
        f"{path}:3: unknown option 'severty' for rule 'tag-case' (did you mean 'severity'?)"
    )


def test_a_pack_file_without_extends_extends_nothing(tmp_path):
    write(tmp_path, "rules:\n  mine: {check: links}\n", "packs/mine.yaml")
    config = load(tmp_path, "extends: [packs/mine.yaml]\n")
    assert [r.id for r in config.rules] == ["mine"]


def test_without_extends_a_scan_runs_the_recommended_rules(tmp_path, capsys, plain_environment):
    from vaultlint.cli import main

    vault = tmp_path / "vault"
    write(vault, 'exclude: ["x/**"]\n')
    write(vault, "See [[Missing]].\n", "A.md")
    assert main(["scan", str(vault), "--format", "json", "--no-cache"]) == 1
    found = json.loads(capsys.readouterr().out)["diagnostics"]
    assert [(d["path"], d["rule"], d["line"], d["column"]) for d in found] == [
        ("A.md", "broken-link", 1, 5)
    ]


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / ".vaultlint.yaml"
    path.write_bytes(b"\xef\xbb\xbfextends: [recommended]\n")
    assert [r.id for r in load_config(path, tmp_path).rules] == list(RECOMMENDED_IDS)


def test_yaml_merge_keys(tmp_path):
    config = load(
        tmp_path,
        """\
        rules:
          a: &base
            check: required-sections
            sections: [Objective]
            level: 3
          b:
            <<: *base
            level: 2
        """,
    )
    rules = by_id(config)
    assert rules["a"].options == RequiredSectionsOptions(sections=("Objective",), level=3)
    assert rules["b"].options == RequiredSectionsOptions(sections=("Objective",), level=2)


# --- packs and overrides ----------------------------------------------------------------------


def test_pack_files_nest_and_override_key_by_key(tmp_path):
    base = write(
        tmp_path,
        """\
        extends: [common.yaml]         # relative to this pack, not to the config
        exclude: ["Drafts/**"]
        rules:
          scheme-sections:
            check: required-sections
            severity: error
            where: {paths: ["Schemes/**"], tags: [scheme]}
            sections: [Objective, Features]
            level: 3
            order: true
        """,
        "team/base.yaml",
    )
    common = write(
        tmp_path, "rules:\n  dates: {check: date-format, fields: [updated]}\n", "team/common.yaml"
    )
    config = load(
        tmp_path,
        """\
        extends: team/base.yaml        # a single string
        exclude: ["Archive/**"]
        rules:
          scheme-sections:
            level: 2
            where: {paths: ["Programmes/**"]}
          dates: info
        """,
    )
    assert config.exclude == ("Drafts/**", "Archive/**")
    assert [r.id for r in config.rules] == ["dates", "scheme-sections"]
    rules = by_id(config)
    assert rules["dates"].severity == "info"
    assert rules["dates"].origin == f"{common}:2"
    assert rules["scheme-sections"] == Rule(
        id="scheme-sections",
        check="required-sections",
        severity="error",
        # options merge key by key; `where` is replaced as a whole
        options=RequiredSectionsOptions(sections=("Objective", "Features"), level=2, order=True),
        where=Where(paths=("Programmes/**",)),
        origin=f"{base}:4",
    )


def test_giving_another_check_redefines_a_rule_of_a_users_pack(tmp_path):
    write(tmp_path, "rules:\n  house:\n    check: links\n    severity: error\n", "team.yaml")
    path = write(tmp_path, "extends: [team.yaml]\nrules:\n  house:\n    check: tags\n")
    rule = by_id(load_config(path, tmp_path))["house"]
    assert (rule.check, rule.severity, rule.options, rule.description, rule.origin) == (
        "tags",
        "warning",
        TagsOptions(),
        None,
        f"{path}:3",
    )


BUILTIN_REDEFINED = (
    "rule 'broken-link' is a built-in rule of check 'links' (pack 'recommended'), so it cannot "
    "be given check 'tags': leave out 'check' to adjust it, or give the new rule an id of its "
    "own (e.g. 'my-broken-link')"
)


@pytest.mark.parametrize(
    "text",
    [
        "rules:\n  tag-case: off\n  broken-link:\n    check: tags\n",
        "extends: [recommended]\nrules:\n  tag-case: off\n  broken-link: {check: tags}\n",
    ],
)
def test_a_built_in_rule_cannot_be_given_another_check(tmp_path, text):
    exc, path = config_error(tmp_path, text)
    assert str(exc) == f"{path}:4: {BUILTIN_REDEFINED}"
    assert (exc.line, exc.key) == (4, "check")


def test_a_built_in_rule_given_its_own_check_is_adjusted(tmp_path):
    path = write(tmp_path, "rules:\n  broken-link:\n    check: links\n    ignore: [x]\n")
    rule = by_id(load_config(path, tmp_path))["broken-link"]
    assert (rule.check, rule.severity, rule.options.ignore) == ("links", "error", ("x",))
    pack = builtin_pack_path("recommended")
    line = pack.read_text(encoding="utf-8").splitlines().index("  broken-link:") + 1
    assert rule.origin == f"{pack}:{line}"  # still the pack's rule, adjusted
    # with no built-in pack the id is free
    path = write(tmp_path, "extends: []\nrules:\n  broken-link:\n    check: tags\n")
    assert by_id(load_config(path, tmp_path))["broken-link"].check == "tags"


def test_message_and_description(tmp_path):
    rule = by_id(
        load(
            tmp_path,
            """\
            extends: recommended
            rules:
              broken-link:
                message: "{message} (see the style guide)"
                description: Our links.
            """,
        )
    )["broken-link"]
    assert rule.message == "{message} (see the style guide)"
    assert rule.description == "Our links."


def test_extends_cycle(tmp_path):
    a = write(tmp_path, "extends: [b.yaml]\n", "a.yaml")
    b = write(tmp_path, "rules: {}\nextends: [a.yaml]\n", "b.yaml")
    exc, cfg = config_error(tmp_path, "extends: [a.yaml]\n")
    assert str(exc) == f"{b}:2: 'extends' makes a cycle: {cfg} -> {a} -> {b} -> {a}"
    assert (exc.path, exc.line, exc.key) == (str(b), 2, "a.yaml")


def test_a_config_extending_itself(tmp_path):
    exc, cfg = config_error(tmp_path, "extends:\n  - .vaultlint.yaml\n")
    assert str(exc) == f"{cfg}:2: 'extends' makes a cycle: {cfg} -> {cfg}"


def test_errors_in_a_pack_name_the_pack_file(tmp_path):
    pack = write(tmp_path, "rules:\n  x:\n    check: links\n    ignor: [a]\n", "packs/house.yaml")
    exc, _ = config_error(tmp_path, "extends: [packs/house.yaml]\n")
    assert str(exc) == f"{pack}:4: unknown option 'ignor' for rule 'x' (did you mean 'ignore'?)"


# --- --select and --ignore --------------------------------------------------------------------


def test_select_keeps_only_the_selected_rules():
    config = load_config(None, EXAMPLE_VAULT)
    selected = select_rules(config, ["broken-link", " mojibake ", ""], [])
    assert [r.id for r in selected.rules] == list(RECOMMENDED_IDS)  # nothing is dropped
    assert [(r.id, r.severity) for r in selected.active_rules()] == [
        ("broken-link", "error"),
        ("mojibake", "warning"),
    ]
    assert select_rules(config, [], []) == config


def test_select_turns_an_off_rule_on_at_its_earlier_severity(tmp_path):
    config = load(
        tmp_path,
        """\
        extends: [recommended]
        rules:
          tag-case: off
          broken-link: off
          quiet: {check: links, severity: off}
          loud: {check: links, severity: info}
        """,
    )
    config = select_rules(config, ["tag-case"], [])  # turns `loud` off
    assert by_id(config)["loud"].severity == "off"
    config = select_rules(config, ["tag-case", "broken-link", "quiet", "loud"], [])
    assert severities(config) == {
        "broken-link": "error",  # the pack's severity
        "invalid-frontmatter": "off",
        "invalid-tag": "off",
        "tag-case": "warning",
        "mojibake": "off",
        "unlinkable-name": "off",
        "property-type": "off",
        "invalid-vault-file": "off",
        "quiet": "warning",  # never on: the default severity
        "loud": "info",  # turned off by the first --select, back at its own severity
    }


def test_ignore_turns_rules_off_and_wins_over_select():
    config = load_config(None, EXAMPLE_VAULT)
    ignored = select_rules(config, [], ["mojibake", "invalid-tag"])
    assert severities(ignored) == {
        "broken-link": "error",
        "invalid-frontmatter": "error",
        "invalid-tag": "off",
        "tag-case": "warning",
        "mojibake": "off",
        "unlinkable-name": "warning",
        "property-type": "warning",
        "invalid-vault-file": "error",
    }
    both = select_rules(config, ["broken-link", "mojibake"], ["mojibake"])
    assert [r.id for r in both.active_rules()] == ["broken-link"]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_select_or_ignore_an_unknown_rule(option):
    config = load_config(None, EXAMPLE_VAULT)
    args = ([["broken-links"], []], [[], ["broken-links"]])[option == "--ignore"]
    with pytest.raises(ConfigError) as info:
        select_rules(config, *args)
    assert str(info.value) == f"{option}: unknown rule 'broken-links' (did you mean 'broken-link'?)"
    assert (info.value.line, info.value.key) == (None, "broken-links")


def test_select_or_ignore_a_check_names_the_rules_that_run_it(tmp_path):
    config = load(
        tmp_path,
        """\
        extends: [recommended]
        rules:
          house-links: {check: links, severity: warning}
        """,
    )
    with pytest.raises(ConfigError) as info:
        select_rules(config, ["links"], [])
    assert str(info.value) == (
        "--select: unknown rule 'links': that is a check; the rules of this configuration that "
        "run it: broken-link, house-links"
    )
    with pytest.raises(ConfigError) as info:
        select_rules(config, [], ["orphans"])  # a check of the registry no rule here runs
    assert str(info.value) == (
        "--ignore: unknown rule 'orphans': that is a check, and no rule of this configuration "
        "runs it (`vaultlint rules` lists the rules)"
    )


# --- find_config ------------------------------------------------------------------------------


def test_find_config(tmp_path):
    assert find_config(tmp_path) is None
    (tmp_path / ".vaultlint.yml").write_text("rules: {}\n")
    assert find_config(tmp_path) == tmp_path / ".vaultlint.yml"
    (tmp_path / ".vaultlint.yaml").write_text("rules: {}\n")
    assert find_config(tmp_path) == tmp_path / ".vaultlint.yaml"


# --- errors: FILE:LINE: message, with the key -------------------------------------------------

SEVERITY_HELP = "use off, info, warning or error"
CHECKS = (
    "ambiguous-links, date-format, encoding, file-name, frontmatter, links, orphans, "
    "properties, property-types, required-sections, shared-names, tag-syntax, tags, "
    "unused-attachments, vault-files"
)

ERRORS = [
    # (config text, line, key, message)
    (
        "rules: [a\n",
        2,
        None,
        "invalid YAML: while parsing a flow sequence, did not find expected ',' or ']'",
    ),
    (
        "rules:\n  a: 1\n  b: [\n",
        4,
        None,
        "invalid YAML: while parsing a flow node, did not find expected node content",
    ),
    (
        "a: 1\n---\nb: 2\n",
        2,
        None,
        "invalid YAML: expected a single document in the stream, but found another document",
    ),
    ("rules:\n  a: \x07\n", 2, None, "invalid YAML: control characters are not allowed"),
    (
        "x: " + "[" * 100 + "]" * 100 + "\n",
        1,
        None,
        "invalid YAML: nested more than 64 levels deep",
    ),
    (
        "- extends\n- rules\n",
        1,
        None,
        "the configuration must be a mapping with keys such as 'extends' and 'rules', not a list",
    ),
    (
        "recommended\n",
        1,
        None,
        "the configuration must be a mapping with keys such as "
        "'extends' and 'rules', not 'recommended'",
    ),
    (
        "extends: [recommended]\nrule:\n  tag-case: off\n",
        2,
        "rule",
        "unknown key 'rule' (did you mean 'rules'?)",
    ),
    (
        "colour: red\n",
        1,
        "colour",
        "unknown key 'colour' (the keys are: extends, exclude, rules, obsidian_excludes)",
    ),
    (
        "rules:\n  a: {check: links}\n  a: error\n",
        3,
        "a",
        "duplicate key 'a' (first given at line 2)",
    ),
    (
        "rules: [broken-link]\n",
        1,
        "rules",
        "'rules' must be a mapping of rule ids to settings, not a list",
    ),
    (
        "extends: {recommended: true}\n",
        1,
        "extends",
        "'extends' must be a list of strings, not a mapping",
    ),
    (
        "extends: [recomended]\n",
        1,
        "recomended",
        "unknown pack 'recomended' (did you mean 'recommended'?); the built-in packs are: "
        "recommended",
    ),
    (
        "exclude: [Archive/**, {a: 1}]\n",
        1,
        "exclude",
        "'exclude' must be a list of strings, not a mapping",
    ),
    (
        "exclude: 2025\n",
        1,
        "exclude",
        "'exclude' must be a list of strings, not 2025 (quote it for a string: '2025')",
    ),
    (
        "exclude: [Archive/**, true]\n",
        1,
        "exclude",
        "'exclude' must be a list of strings, not true (quote it for a string: 'true')",
    ),
    (
        "extends: [1.5]\n",
        1,
        "extends",
        "'extends' must be a list of strings, not 1.5 (quote it for a string: '1.5')",
    ),
    # an empty string in a list of strings means nothing (or everything): refused at its line
    (
        "exclude:\n  - Archive/**\n  - ''\n",
        3,
        "exclude",
        "'exclude' must be a list of non-empty strings, not ''",
    ),
    ("extends: ['']\n", 1, "extends", "'extends' must be a list of non-empty strings, not ''"),
    (
        "rules:\n  s:\n    check: links\n    where: {tags: [a, '']}\n",
        4,
        "tags",
        "'where: tags' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: file-name\n    forbidden:\n      - '#'\n      - \"\"\n",
        6,
        "forbidden",
        "option 'forbidden' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: file-name\n    forbidden: ''\n",
        4,
        "forbidden",
        "option 'forbidden' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: required-sections\n    sections: [A, '']\n",
        4,
        "sections",
        "option 'sections' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: date-format\n    fields: [due]\n    formats: ['']\n",
        5,
        "formats",
        "option 'formats' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: properties\n    required: ['']\n",
        4,
        "required",
        "option 'required' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  broken-link:\n    ignore: ['']\n",
        3,
        "ignore",
        "option 'ignore' of rule 'broken-link' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: tags\n    allowed: ['']\n",
        4,
        "allowed",
        "option 'allowed' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "rules:\n  s:\n    check: unused-attachments\n    ignore: ['']\n",
        4,
        "ignore",
        "option 'ignore' of rule 's' must be a list of non-empty strings, not ''",
    ),
    (
        "exclude:\n  - Archive/**\n  - '!'\n",
        3,
        "exclude",
        "invalid glob '!' in 'exclude': Invalid git pattern: '!'",
    ),
    (
        "obsidian_excludes: sometimes\n",
        1,
        "obsidian_excludes",
        "'obsidian_excludes' must be true or false, not 'sometimes'",
    ),
    # rule ids
    ("rules:\n  123: error\n", 2, "123", "a rule id must be a string, not 123"),
    ("rules:\n  [a, b]: error\n", 2, None, "keys must be strings, not a list"),
    (
        "rules:\n  broken link: error\n",
        2,
        "broken link",
        "invalid rule id 'broken link': use "
        "letters, digits, '-', '_', '.' and '/' (no spaces or commas)",
    ),
    (
        "extends: [recommended]\nrules:\n  broken-links: off\n",
        3,
        "broken-links",
        "unknown rule 'broken-links' (did you mean 'broken-link'?); a new rule needs a 'check'",
    ),
    (
        "rules:\n  scheme-sections:\n    sections: [A]\n",
        2,
        "scheme-sections",
        "rule 'scheme-sections' is not defined by a pack, so it needs a 'check' "
        f"(one of: {CHECKS})",
    ),
    (
        "extends: [recommended]\nrules:\n  tag-case: [off]\n",
        3,
        "tag-case",
        "rule 'tag-case' must be a severity (off, info, warning, error) or a mapping of settings, "
        "not a list",
    ),
    (
        "extends: [recommended]\nrules:\n  tag-case:\n",
        3,
        "tag-case",
        "rule 'tag-case' must be a severity (off, info, warning, error) or a mapping of settings, "
        "not null",
    ),
    # severities
    (
        "extends: [recommended]\nrules:\n  tag-case: critical\n",
        3,
        "tag-case",
        f"unknown severity 'critical' for rule 'tag-case'; {SEVERITY_HELP}",
    ),
    (
        "rules:\n  s:\n    check: links\n    severity: eror\n",
        4,
        "severity",
        f"unknown severity 'eror' for rule 's' (did you mean 'error'?); {SEVERITY_HELP}",
    ),
    (
        "rules:\n  s:\n    check: links\n    severity: [error]\n",
        4,
        "severity",
        "the severity of rule 's' must be one of off, info, warning, error, not a list",
    ),
    # checks
    (
        "rules:\n  s:\n    check: required-section\n",
        3,
        "check",
        "unknown check 'required-section' for rule 's' (did you mean 'required-sections'?)",
    ),
    (
        "rules:\n  s:\n    check: spelling\n",
        3,
        "check",
        f"unknown check 'spelling' for rule 's' (one of: {CHECKS})",
    ),
    (
        "rules:\n  s:\n    check: [links]\n",
        3,
        "check",
        "'check' of rule 's' must be a check name, not a list",
    ),
    # options
    (
        "rules:\n  scheme-sections:\n    check: required-sections\n    sectons: [Objective]\n",
        4,
        "sectons",
        "unknown option 'sectons' for rule 'scheme-sections' (did you mean 'sections'?)",
    ),
    (
        "rules:\n  s:\n    check: links\n    colour: red\n",
        4,
        "colour",
        "unknown option 'colour' for rule 's' (the options of check 'links': headings, blocks, "
        "embeds, markdown_links, frontmatter_links, ignore, in_comments, missing_notes)",
    ),
    (
        "rules:\n  s:\n    check: encoding\n    strict: true\n",
        4,
        "strict",
        "unknown option 'strict' for rule 's' (check 'encoding' has no options)",
    ),
    (
        "rules:\n  s:\n    check: links\n    severty: error\n",
        4,
        "severty",
        "unknown option 'severty' for rule 's' (did you mean 'severity'?)",
    ),
    (
        "rules:\n  scheme-sections:\n    check: required-sections\n    sections: [A]\n"
        '    level: "three"\n',
        5,
        "level",
        "option 'level' of rule 'scheme-sections' must be an integer, not 'three'",
    ),
    (
        "rules:\n  s:\n    check: required-sections\n    sections: [A]\n    level: 2.5\n",
        5,
        "level",
        "option 'level' of rule 's' must be an integer, not 2.5",
    ),
    (
        "rules:\n  s:\n    check: required-sections\n    sections:\n      - A\n      - {B: 1}\n",
        6,
        "sections",
        "option 'sections' of rule 's' must be a list of strings, not a mapping",
    ),
    (
        "rules:\n  s:\n    check: required-sections\n    sections: [A]\n    order: 'yes'\n",
        5,
        "order",
        "option 'order' of rule 's' must be true or false, not 'yes'",
    ),
    (
        "rules:\n  s:\n    check: tags\n    case: consistant\n",
        4,
        "case",
        "option 'case' of rule 's' must be one of 'any', 'consistent', 'lower', not 'consistant' "
        "(did you mean 'consistent'?)",
    ),
    (
        "rules:\n  s:\n    check: tags\n    pattern: [a]\n",
        4,
        "pattern",
        "option 'pattern' of rule 's' must be a string, not a list",
    ),
    (
        "rules:\n  s:\n    check: required-sections\n    level: 3\n",
        2,
        "sections",
        "rule 's' (check 'required-sections') needs option 'sections'",
    ),
    (
        "rules:\n  s:\n    check: links\n    message: 'see {target}'\n",
        4,
        "message",
        "'message' of rule 's' is not a valid template: write {message} for the check's own "
        "message (no format spec, conversion or attribute), and {{ and }} for literal braces",
    ),
    (
        "rules:\n  s:\n    check: links\n    description: [a]\n",
        4,
        "description",
        "'description' of rule 's' must be a string, not a list",
    ),
    (
        "rules:\n  unreadable-note: off\n",
        2,
        "unreadable-note",
        "rule 'unreadable-note' is reported by vaultlint itself, not by a check, so a config "
        "cannot set it; `--ignore unreadable-note` turns it off",
    ),
    (
        "rules:\n  outside-vault:\n    severity: warning\n",
        2,
        "outside-vault",
        "rule 'outside-vault' is reported by vaultlint itself, not by a check, so a config "
        "cannot set it; `--ignore outside-vault` turns it off",
    ),
    (
        "rules:\n  s:\n    check: links\n    message: 5\n",
        4,
        "message",
        "'message' of rule 's' must be a string, not 5 (quote it for a string: '5')",
    ),
    (
        "rules:\n  s:\n    check: links\n    description: true\n",
        4,
        "description",
        "'description' of rule 's' must be a string, not true (quote it for a string: 'true')",
    ),
    (
        "rules:\n  s:\n    check: links\n    where: {tags: [2025]}\n",
        4,
        "tags",
        "'where: tags' of rule 's' must be a list of strings, not 2025 "
        "(quote it for a string: '2025')",
    ),
    # where
    (
        "rules:\n  s:\n    check: links\n    where: Schemes/**\n",
        4,
        "where",
        "'where' of rule 's' must be a mapping (keys: paths, exclude, tags, exclude_tags, "
        "frontmatter, has, missing), "
        "not 'Schemes/**'",
    ),
    (
        "rules:\n  s:\n    check: links\n    where:\n      path: [Schemes/**]\n",
        5,
        "path",
        "unknown key 'path' in 'where' of rule 's' (did you mean 'paths'?)",
    ),
    (
        "rules:\n  s:\n    check: links\n    where:\n      folder: x\n",
        5,
        "folder",
        "unknown key 'folder' in 'where' of rule 's' (its keys: paths, exclude, tags, "
        "exclude_tags, frontmatter, has, missing)",
    ),
    (
        "rules:\n  s:\n    check: links\n    where:\n      tags: {scheme: 1}\n",
        5,
        "tags",
        "'where: tags' of rule 's' must be a list of strings, not a mapping",
    ),
    (
        "rules:\n  s:\n    check: links\n    where:\n      paths: [a, [b]]\n",
        5,
        "paths",
        "'where: paths' of rule 's' must be a list of strings, not a list",
    ),
    (
        "rules:\n  s:\n    check: links\n    where:\n      frontmatter: [type]\n",
        5,
        "frontmatter",
        "'where: frontmatter' of rule 's' must be a mapping of property names to a value or a "
        "list of values, not a list",
    ),
    (
        "rules:\n  s:\n    check: links\n    where:\n      frontmatter:\n"
        "        type: [a, {b: 1}]\n",
        6,
        "type",
        "the value of 'type' in 'where: frontmatter' of rule 's' must be a value or a "
        "list of values, not a mapping",
    ),
    # merge keys
    ("rules:\n  s:\n    <<: 3\n", 3, None, "a merge key ('<<') needs a mapping or a list of them"),
]


@pytest.mark.parametrize(("text", "line", "key", "message"), ERRORS)
def test_errors_name_file_line_and_key(tmp_path, text, line, key, message):
    exc, path = config_error(tmp_path, text)
    assert str(exc) == f"{path}:{line}: {message}"
    assert (exc.path, exc.line, exc.key, exc.message) == (str(path), line, key, message)


def test_option_values_the_check_rejects_point_at_the_option(tmp_path):
    write(tmp_path, "rules:\n  house-tags:\n    check: tags\n    pattern: '[a-z]+'\n", "p.yaml")
    exc, path = config_error(
        tmp_path,
        """\
        extends: [p.yaml]
        rules:
          house-tags:
            case: lower
            pattern: '(['
        """,
    )
    assert str(exc).startswith(f"{path}:5: option 'pattern' of rule 'house-tags': ")
    assert "'(['" in exc.message
    assert exc.key == "pattern"


def test_a_missing_allowed_file_is_reported_at_its_line(tmp_path):
    exc, path = config_error(
        tmp_path, "rules:\n  house-tags:\n    check: tags\n    allowed_file: tags.txt\n"
    )
    assert str(exc).startswith(f"{path}:4: option 'allowed_file' of rule 'house-tags': ")
    assert "tags.txt" in exc.message
    (tmp_path / "tags.txt").write_text("space\nmission\n")
    assert by_id(load_config(path, tmp_path))["house-tags"].options.allowed_file == "tags.txt"


TYPES_HINT = (
    "; Obsidian rewrites this file when a property's type is set (read by rule 'property-type')"
)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ('{\n  "types": {\n    "a": "text",\n  }\n}\n', 4, 3,
         "invalid JSON: Expecting property name enclosed in double quotes"),
        ('{"types": {}} x', 1, 15, "invalid JSON: Extra data"),
        ('["text"]', None, None, 'expected {"types": {"name": "type", …}}'),
        ('{"types": ["text"]}', None, None, 'expected {"types": {"name": "type", …}}'),
    ],
)  # fmt: skip
def test_a_broken_types_json_is_reported_at_its_own_place(tmp_path, text, line, column, message):
    # the recommended pack's property-type reads .obsidian/types.json: its problem is at the
    # file's own path, line and column, not at the pack line that enables the rule
    types = write(tmp_path, text, ".obsidian/types.json")
    exc, _path = config_error(tmp_path, "rules: {}\n")
    assert (exc.path, exc.line, exc.column, exc.message) == (
        str(types),
        line,
        column,
        message + TYPES_HINT,
    )
    place = "".join(f":{n}" for n in (line, column) if n)
    assert str(exc) == f"{types}{place}: {message}{TYPES_HINT}"


def test_a_broken_types_json_is_shown_as_the_user_opens_it(tmp_path, capsys, monkeypatch):
    write(tmp_path, "# A\n", "v/a.md")
    write(tmp_path, '{"types": {"a": "text",}}', "v/.obsidian/types.json")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "v", "--no-cache"]) == 2
    assert capsys.readouterr() == (
        "",
        "vaultlint: error: v/.obsidian/types.json:1:24: invalid JSON: Expecting property name "
        f"enclosed in double quotes{TYPES_HINT}\n",
    )


def test_a_check_level_problem_without_an_option_line_points_at_the_rule(tmp_path):
    exc, path = config_error(
        tmp_path, "rules:\n  s:\n    check: required-sections\n    sections: []\n"
    )
    assert (exc.line, exc.key) == (4, "sections")
    exc, path = config_error(tmp_path, "rules:\n  dates:\n    check: date-format\n")
    assert str(exc).startswith(f"{path}:2: option 'fields' of rule 'dates': ")


def test_a_missing_pack_file(tmp_path):
    exc, path = config_error(tmp_path, "rules: {}\nextends:\n  - recommended\n  - team.yaml\n")
    assert str(exc) == (
        f"{path}:4: pack file 'team.yaml' does not exist (looked for {tmp_path / 'team.yaml'})"
    )
    assert exc.key == "team.yaml"


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / ".vaultlint.yaml"
    path.write_bytes(b"rules:\n  tag-case: off\n  caf\xe9: error\n")
    with pytest.raises(ConfigError) as info:
        load_config(path, tmp_path)
    assert str(info.value) == f"{path}:3: not UTF-8: byte 0xe9 cannot be decoded"


def test_a_config_file_that_does_not_exist(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(path, tmp_path)
    assert str(info.value) == f"{path}: file not found"
    assert info.value.line is None


def test_deep_nesting_is_an_error_not_a_crash(tmp_path):
    exc, path = config_error(tmp_path, "[" * 200_000 + "]" * 200_000)
    assert str(exc) == f"{path}:1: invalid YAML: nested more than 64 levels deep"


def test_recursive_aliases_are_errors(tmp_path):
    exc, _ = config_error(tmp_path, "rules:\n  s: &a\n    check: links\n    <<: *a\n")
    assert exc.line == 2 and "merge key" in exc.message


# --- nothing but ConfigError ------------------------------------------------------------------

YAMLISH = st.lists(
    st.sampled_from(
        [
            "rules:",
            "extends:",
            "exclude:",
            "obsidian_excludes:",
            "where:",
            "paths:",
            "tags:",
            "frontmatter:",
            "check:",
            "severity:",
            "sections:",
            "level:",
            "case:",
            "pattern:",
            "message:",
            "recommended",
            "links",
            "tags",
            "required-sections",
            "date-format",
            "broken-link",
            "tag-case",
            "off",
            "error",
            "yes",
            "3",
            "~",
            "'(['",
            "{message}",
            "\n",
            "\n  ",
            "\n    ",
            "\n      ",
            " ",
            "- ",
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            "&a ",
            "*a",
            "<<: ",
            "!!str ",
            '"',
            "'",
            "#",
            "---",
            "\t",
            "\x00",
            "é",
        ]
    ),
    max_size=40,
).map("".join)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(st.text(), YAMLISH))
def test_any_text_loads_or_raises_config_error(tmp_path, text):
    path = tmp_path / ".vaultlint.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        config = load_config(path, tmp_path)
    except ConfigError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert isinstance(config, Config)
