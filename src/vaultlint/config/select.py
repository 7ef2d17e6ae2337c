"""``--select`` and ``--ignore``: which rules of a configuration run.

Decisions where the contract is silent:

* ``--select`` keeps the listed rules on and turns every other rule off (rules are never dropped,
  so ``vaultlint rules`` still lists them). A selected rule that is ``off`` is turned on at the
  last severity other than ``off`` that its definitions gave it (``warning`` when none did).
  ``--ignore`` is applied after ``--select`` and wins. The rule ids vaultlint reports itself
  (``checks.ENGINE_RULES``: ``unreadable-note``, ``internal-error``, ``fix-failed``…) are
  accepted too: ``--ignore`` turns them off; ``--select`` turns off those it does not list,
  except ``internal-error`` (a bug in vaultlint is hidden only when asked for by name).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from vaultlint.checks import ENGINE_RULES, INTERNAL_ERROR, PARSE_FAILED, REGISTRY
from vaultlint.config.errors import ConfigError
from vaultlint.config.resolved import Config
from vaultlint.config.rule_defs import DEFAULT_SEVERITY
from vaultlint.config.schema import suggest


def _unknown(config: Config, rule_id: str, known: list[str]) -> str:
    """Why ``rule_id`` selects nothing: the nearest rule id, or, for the name of a check (the
    ids are rules' ids, a check's rules may have any), the rules that run it."""
    runs = [rule.id for rule in config.rules if rule.check == rule_id]
    if runs:
        return (
            f"unknown rule '{rule_id}': that is a check; the rules of this configuration that "
            f"run it: {', '.join(runs)}"
        )
    if rule_id in REGISTRY:
        return (
            f"unknown rule '{rule_id}': that is a check, and no rule of this configuration runs "
            "it (`vaultlint rules` lists the rules)"
        )
    return f"unknown rule '{rule_id}'{suggest(rule_id, known)}"


def select_rules(config: Config, select: Sequence[str], ignore: Sequence[str]) -> Config:
    """Apply ``--select`` and ``--ignore`` (rule ids, comma lists already split).

    With a non-empty ``select``, the listed rules are on and every other rule is off; a listed
    rule that was off gets the severity its definitions gave it before (``warning`` if none).
    ``ignore`` is applied afterwards and turns its rules off. An unknown id is a ConfigError.
    """
    known = [rule.id for rule in config.rules] + [r for r in ENGINE_RULES if r != PARSE_FAILED]

    def ids(option: str, values: Sequence[str]) -> set[str]:
        wanted = {v.strip() for v in values if v.strip()}
        for rule_id in sorted(wanted):
            if rule_id not in known:
                raise ConfigError(option, None, _unknown(config, rule_id, known), rule_id)
        return wanted

    selected = ids("--select", select)
    ignored = ids("--ignore", ignore)
    enabled = dict(config.enabled_severities)
    rules = []
    for rule in config.rules:
        severity = rule.severity
        if selected:
            if rule.id not in selected:
                severity = "off"
            elif severity == "off":
                severity = enabled.get(rule.id, DEFAULT_SEVERITY)
        if rule.id in ignored:
            severity = "off"
        if rule.severity != "off":
            enabled[rule.id] = rule.severity
        rules.append(dataclasses.replace(rule, severity=severity))
    engine_off = {r for r in ENGINE_RULES if r in ignored}
    if selected:  # a bug in vaultlint is never hidden but by name: internal-error stays on
        engine_off |= {r for r in ENGINE_RULES if r not in selected and r != INTERNAL_ERROR}
    return dataclasses.replace(
        config,
        engine_off=frozenset(engine_off),
        rules=tuple(rules),
        enabled_severities=tuple(
            (rule.id, enabled.get(rule.id, DEFAULT_SEVERITY))
            for rule in rules
            if rule.severity == "off"
        ),
    )
