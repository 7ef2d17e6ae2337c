"""``python -m vaultlint``."""

import sys

from vaultlint.cli import main

sys.exit(main())
