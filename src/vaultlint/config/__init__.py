"""The configuration: ``.vaultlint.yaml`` and rule packs, turned into validated rules.

``loader`` reads and merges files into rules; ``schema`` is the typed option schema that
validates option values (and emits JSON Schema, see ``file_schema``); ``yamlfile`` reads YAML
1.2 nodes; ``packs`` finds configs and built-in packs; ``where`` is a rule's scope;
``ruleset`` holds the resolved rules.
"""

from vaultlint.config.loader import (
    Config,
    ConfigError,
    load_config,
    select_rules,
)
from vaultlint.config.packs import CONFIG_FILENAMES, builtin_pack_path, find_config, list_packs

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
