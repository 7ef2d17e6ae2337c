"""``vaultlint schema``: print the JSON Schema of ``.vaultlint.yaml`` (or where it is installed)."""

from __future__ import annotations

import argparse
import sys

from vaultlint.cli.base import Command, Outcome


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--path",
        action="store_true",
        help="print the path of the schema file installed with vaultlint instead",
    )


def run(args: argparse.Namespace) -> Outcome:
    from vaultlint.config.file_schema import SCHEMA_FILE, shipped_schema_text

    if args.path:
        sys.stdout.write(f"{SCHEMA_FILE}\n")
    else:
        sys.stdout.write(shipped_schema_text())
    return Outcome.CLEAN


COMMAND = Command(
    name="schema",
    add_arguments=add_arguments,
    run=run,
)
