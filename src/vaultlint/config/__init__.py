"""The configuration: ``.vaultlint.yaml`` and rule packs, turned into validated rules."""

from vaultlint.config.loader import (
    CONFIG_FILENAMES,
    Config,
    ConfigError,
    builtin_pack_path,
    find_config,
    list_packs,
    load_config,
    select_rules,
)

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
