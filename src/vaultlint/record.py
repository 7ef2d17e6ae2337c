"""Frozen records written out, for the classes every run builds when it starts.

``@dataclass(frozen=True)`` writes a class's ``__init__``, ``__eq__``, ``__hash__``,
``__repr__``, ``__setattr__`` and ``__delattr__`` as source text and compiles each one when its
module is imported: about half a millisecond a class, which a run of one edited note paid some
thirty times before it read a byte (README "Speed"). Most such classes are ``NamedTuple``\\ s
now (one small ``exec`` each); those that are not tuples — they normalise what they are given,
order or compare on some fields only, or carry many fields — derive from :class:`Record`.

A record lists its fields, in order, in ``_fields`` (as a named tuple does) and stores them in
``__slots__ = _fields`` (so spelled: ruff sorts a literal ``__slots__``, and the order is the
pickle's); it writes its own ``__init__``, setting them with ``object.__setattr__`` as a frozen
dataclass does; :class:`Record` gives it the rest,
with a frozen dataclass's meaning: equal to a record of the same class with equal fields
(hashed alike), ``Name(field=value, ...)`` as its repr, no assignment or deletion after
``__init__``, pickled by a call of the class with every field, and :meth:`_replace` (a copy
with some fields changed, through ``__init__``), as a named tuple has.
"""

from __future__ import annotations

from typing import Any

#: sets a field of a frozen record from its ``__init__``
set_field = object.__setattr__


class Record:
    """Base of a frozen record whose fields are its ``_fields`` (see the module's text)."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def _replace(self, **changes: Any) -> Any:
        """A copy with the fields of ``changes`` changed."""
        values = {name: getattr(self, name) for name in self._fields}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return type(self)(**values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), self._values())
