"""``vaultlint rule ID``: a rule's (or a check's) documentation, with its options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vaultlint.cli.base import Command, Outcome, UsageError, load_config, resolve_root, write


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", metavar="ID")
    parser.add_argument("--vault", metavar="DIR", help="document the rules of this vault's config")
    parser.add_argument("--config", metavar="FILE", help="document the rules of this config file")


def run(args: argparse.Namespace) -> Outcome:
    from vaultlint.docs import UnknownRuleError, render_rule_doc

    cwd = Path.cwd()
    root = resolve_root(args, cwd)
    try:
        text = render_rule_doc(args.id, load_config(args, root, cwd))
    except UnknownRuleError as exc:
        raise UsageError(str(exc)) from None
    write(sys.stdout, text)
    return Outcome.CLEAN


COMMAND = Command(name="rule", add_arguments=add_arguments, run=run)
