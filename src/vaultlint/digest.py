"""BLAKE2b and a constant-time comparison, without the OpenSSL that ``hashlib`` loads.

``import hashlib`` (and ``import hmac``) load OpenSSL's bindings, ``_hashlib``: ~2.4 ms, the
largest single import of a pre-commit run, for algorithms vaultlint does not use here.
``hashlib.blake2b`` is the built-in ``_blake2.blake2b`` whatever OpenSSL offers (hashlib never
takes BLAKE2 from OpenSSL), and ``hmac.compare_digest`` is ``_operator._compare_digest``; so
the caches' digests and MACs are the same bytes either way. A Python built without them falls
back to the public modules.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always builds _blake2
    from hashlib import blake2b

try:
    from _operator import _compare_digest as compare_digest
except ImportError:  # pragma: no cover - CPython's hmac.compare_digest is this one
    from hmac import compare_digest

__all__ = ["blake2b", "compare_digest"]
