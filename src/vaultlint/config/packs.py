"""Where configurations and built-in packs are found."""

from __future__ import annotations

import re
from pathlib import Path

CONFIG_FILENAMES = (".vaultlint.yaml", ".vaultlint.yml")
_PACK_NAME = r"[A-Za-z0-9_][A-Za-z0-9_-]*\Z"  # compiled on use (re's cache), not at import


def _pack_dirs() -> list[Path]:
    """Where built-in packs live: package data of the wheel, then the source checkout."""
    import importlib.resources

    dirs: list[Path] = []
    try:
        packaged = importlib.resources.files("vaultlint") / "rules"
        if isinstance(packaged, Path) and packaged.is_dir():
            dirs.append(packaged)
    except Exception:  # a namespace package or an unusual loader: use the fallback
        pass
    import vaultlint

    init = getattr(vaultlint, "__file__", None)
    package_dirs = [Path(init).parent] if init else [Path(p) for p in vaultlint.__path__]
    for package_dir in package_dirs:
        checkout = package_dir.resolve().parents[1] / "rules"  # <repo>/src/vaultlint -> <repo>
        if checkout.is_dir() and checkout not in dirs:
            dirs.append(checkout)
    return dirs


def builtin_pack_path(name: str) -> Path | None:
    """The file of the built-in pack ``name``, or None when there is no such pack."""
    if not re.match(_PACK_NAME, name):
        return None
    for folder in _pack_dirs():
        candidate = folder / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    return None


def list_packs() -> list[str]:
    """The names of the built-in packs, sorted."""
    names = {p.stem for folder in _pack_dirs() for p in folder.glob("*.yaml") if p.is_file()}
    return sorted(n for n in names if re.match(_PACK_NAME, n))


def find_config(vault: Path) -> Path | None:
    """``<vault>/.vaultlint.yaml`` (or ``.vaultlint.yml``) when it exists."""
    for name in CONFIG_FILENAMES:
        candidate = vault / name
        if candidate.is_file():
            return candidate
    return None
