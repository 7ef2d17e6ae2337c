"""``vaultlint rules``: the table of a configuration's rules, then the checks it does not use."""

from __future__ import annotations

from typing import Any

from vaultlint.escape import printable


def render_rule_table(config: Any) -> str:
    """ID, CHECK, SEVERITY, SUMMARY of each rule of ``config``, then each check no rule uses."""
    from vaultlint.checks import REGISTRY

    rows = [
        (r.id, r.check, r.severity, r.description or REGISTRY[r.check].summary)
        for r in config.rules
    ]
    known = {r.check for r in config.rules}
    rows += [(name, name, "-", cls.summary) for name, cls in REGISTRY.items() if name not in known]
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    rows.insert(0, ("ID", "CHECK", "SEVERITY", "SUMMARY"))
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    out = [f"{r:<{width[0]}}  {c:<{width[1]}}  {v:<{width[2]}}  {m}" for r, c, v, m in rows]
    source = printable(config.source or "the built-in 'recommended' pack")
    return (
        "\n".join(out)
        + "\n\n"
        + f"Rules from {source}; rows whose severity is '-' are checks you can use in your "
        "own rules (see `vaultlint rule CHECK`).\n"
    )
