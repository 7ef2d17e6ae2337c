"""``vaultlint rules``: every known rule (id, check, severity, summary) and the checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vaultlint.cli.base import Command, Outcome, load_config, resolve_root, write


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--vault", metavar="DIR", help="list the rules of this vault's config")
    parser.add_argument("--config", metavar="FILE", help="list the rules of this config file")


def run(args: argparse.Namespace) -> Outcome:
    from vaultlint.report.rules import render_rule_table

    cwd = Path.cwd()
    root = resolve_root(args, cwd)
    write(sys.stdout, render_rule_table(load_config(args, root, cwd)))
    return Outcome.CLEAN


COMMAND = Command(name="rules", add_arguments=add_arguments, run=run)
