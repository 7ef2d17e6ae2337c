"""``vaultlint schema``: print the JSON Schema of ``.vaultlint.yaml`` (or where it is installed)."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("schema", help="print the JSON Schema of .vaultlint.yaml")
    parser.add_argument(
        "--path",
        action="store_true",
        help="print the path of the schema file installed with vaultlint instead",
    )


def run(args: argparse.Namespace) -> int:
    from vaultlint.config.file_schema import SCHEMA_FILE, config_json_schema_text

    if args.path:
        sys.stdout.write(f"{SCHEMA_FILE}\n")
    else:
        sys.stdout.write(config_json_schema_text())
    return 0
