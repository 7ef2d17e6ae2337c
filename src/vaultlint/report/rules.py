"""``vaultlint rules``: the table of a configuration's rules, then the checks it does not use."""

from __future__ import annotations

from typing import Any

from vaultlint.escape import printable


def render_rule_table(config: Any) -> str:
    """Every rule of ``config`` (ID, CHECK, SEVERITY, SUMMARY), the rules vaultlint reports
    itself (with the severity it reports them at, or ``off``), then every check (whether
    rules use it or not)."""
    from vaultlint.checks import ENGINE_RULES, REGISTRY
    from vaultlint.docs import ENGINE_RULE_DOCS

    engine_off = getattr(config, "engine_off", frozenset())
    rows = [
        (r.id, r.check, r.severity, r.description or REGISTRY[r.check].summary)
        for r in config.rules
    ]
    rows += [
        (
            rule_id,
            "(vaultlint)",
            "off" if rule_id in engine_off else ENGINE_RULE_DOCS[rule_id].severity,
            meaning,
        )
        for rule_id, meaning in ENGINE_RULES.items()
    ]
    checks = [(name, cls.summary) for name, cls in REGISTRY.items()]
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    rows.insert(0, ("ID", "CHECK", "SEVERITY", "SUMMARY"))
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    out = [f"{r:<{width[0]}}  {c:<{width[1]}}  {v:<{width[2]}}  {m}" for r, c, v, m in rows]
    check_width = max(len("CHECK"), *(len(name) for name, _ in checks))
    out += ["", f"{'CHECK':<{check_width}}  SUMMARY"]
    out += [f"{printable(n):<{check_width}}  {printable(m)}" for n, m in checks]
    source = printable(config.source or "the built-in 'recommended' pack")
    return (
        "\n".join(out)
        + "\n\n"
        + f"Rules from {source} (the ids --select, --ignore and disable comments take); "
        "checks are what your own rules run (see `vaultlint rule CHECK`).\n"
    )
