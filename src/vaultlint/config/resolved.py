"""The resolved configuration, :class:`Config`: what :mod:`~vaultlint.config.loader` makes of
the files, apart from the loader so that a configuration read back from the cache
(:mod:`~vaultlint.config.cached`) imports neither the loader nor YAML."""

from __future__ import annotations

from dataclasses import dataclass, field

from vaultlint.config.ruleset import Rule


@dataclass(frozen=True)
class Config:
    """The resolved configuration.

    ``rules`` holds every rule, also those ``off``, in definition order: packs first (in
    ``extends`` order), then the config's own. ``source`` is the config file used, or None when
    the built-in ``recommended`` pack is used alone.
    """

    rules: tuple[Rule, ...]
    exclude: tuple[str, ...] = ()
    obsidian_excludes: bool = True
    source: str | None = None
    #: (rule id, severity) for rules that are off: the severity ``--select`` turns them on at
    enabled_severities: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    #: rule ids vaultlint reports itself (``checks.ENGINE_RULES``) that ``--select``/``--ignore``
    #: turned off: their findings are dropped
    engine_off: frozenset[str] = frozenset()
    #: every configuration file read (the config, its pack files, built-in packs), absolute:
    #: a cached result is valid while their bytes are the same (``lint/fingerprint.py``)
    files: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.severity != "off")

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)
