"""``python -m vaultlint``."""

import gc
import sys

gc.disable()  # before the imports too: see vaultlint.cli.main

from vaultlint.cli import main  # noqa: E402

sys.exit(main())
