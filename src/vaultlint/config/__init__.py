"""The configuration: ``.vaultlint.yaml`` and rule packs, turned into validated rules.

``loader`` reads the files in order (``reading``: one file into YAML nodes, safely;
``rule_defs``: their ``rules`` merged into validated rules; ``select``: ``--select`` and
``--ignore``); ``schema`` is the typed option schema that
validates option values (and emits JSON Schema, see ``file_schema``); ``yamlfile`` reads YAML
1.2 nodes; ``packs`` finds configs and built-in packs; ``where`` is a rule's scope;
``ruleset`` holds the resolved rules; ``errors`` holds :class:`ConfigError`.

The names below are imported from their modules on first use (PEP 562): finding the config
file (``find_config``) or catching ``ConfigError`` imports neither YAML nor the checks, so a
run answered from the cache never does.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vaultlint.config.errors import ConfigError
    from vaultlint.config.loader import load_config
    from vaultlint.config.packs import (
        CONFIG_FILENAMES,
        builtin_pack_path,
        find_config,
        list_packs,
    )
    from vaultlint.config.resolved import Config
    from vaultlint.config.select import select_rules

#: each public name → the module that defines it
_WHERE = {
    "CONFIG_FILENAMES": "packs",
    "Config": "resolved",
    "ConfigError": "errors",
    "builtin_pack_path": "packs",
    "find_config": "packs",
    "list_packs": "packs",
    "load_config": "loader",
    "select_rules": "select",
}

__all__ = [
    "CONFIG_FILENAMES",
    "Config",
    "ConfigError",
    "builtin_pack_path",
    "find_config",
    "list_packs",
    "load_config",
    "select_rules",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    full = f"{__name__}.{module}"
    __import__(full)  # not importlib.import_module: `-X importtime` shows this one
    value = getattr(sys.modules[full], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
