"""An explicit registry whose entries are imported on first use.

The checks (:data:`vaultlint.checks.REGISTRY`) and the report formats
(:data:`vaultlint.report.REPORTERS`) are listed by name, in order, with the module and class
that implement each one; a module is imported the first time its entry is looked up. So a run
that needs one check or one format imports only that one, and a run answered from the results
cache imports none (see README, "Speed"). Iterating over the names imports nothing; looking at
the values (``values()``, ``items()``) imports every module.

A loaded class must carry the name it is registered under (``cls.name``): a registry entry
that does not match its class is a bug, reported as such the first time it is used.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, MutableMapping
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class LazyRegistry(MutableMapping[str, T], Generic[T]):
    """name → class, in the order given; ``entries`` are ``(name, "module:Class")``.

    Tests may add or replace entries with a class (``monkeypatch.setitem``).
    """

    def __init__(self, entries: tuple[tuple[str, str], ...]) -> None:
        self._where: dict[str, str | None] = dict(entries)
        self._loaded: dict[str, T] = {}

    def __getitem__(self, name: str) -> T:
        try:
            return self._loaded[name]
        except KeyError:
            pass
        where = self._where[name]  # KeyError: no such entry
        if where is None:
            raise KeyError(name)
        module, _, attr = where.partition(":")
        __import__(module)  # not importlib.import_module: `-X importtime` shows this one
        cls: Any = getattr(sys.modules[module], attr)
        if getattr(cls, "name", name) != name:
            raise RuntimeError(f"registry entry {name!r} is {where}, whose name is {cls.name!r}")
        self._loaded[name] = cls
        return cls

    def __setitem__(self, name: str, value: T) -> None:
        self._where.setdefault(name, None)
        self._loaded[name] = value

    def __delitem__(self, name: str) -> None:
        del self._where[name]
        self._loaded.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, name: object) -> bool:
        return name in self._where

    def __repr__(self) -> str:
        return f"LazyRegistry({list(self._where)!r})"
