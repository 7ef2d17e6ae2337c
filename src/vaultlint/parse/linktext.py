"""Link text grammar of wiki-links, embeds and frontmatter links (SPEC.md R-L3, R-L5, R-L6)."""

from __future__ import annotations

import re

# Body characters of a tag (SPEC R-T2; Obsidian's own pattern as quoted in obsidian-help #816).
_TAG_EXCLUDED = "\u2000-\u206f\u2e00-\u2e7f'\"!#$%&()*+,.:;<=>?@^`{|}~\\[\\]\\\\\\s"
TAG_BODY = re.compile(f"[^{_TAG_EXCLUDED}]+")
_ALL_DIGITS = re.compile(r"[0-9]+")


def split_linktext(inner: str) -> tuple[str, str, str | None]:
    """Split the text between ``[[`` and ``]]`` into (path, subpath, display).

    The display part starts at the first ``|`` that is not the first character (``[[|x]]`` keeps
    the whole text as path); ``\\|`` (escaped in tables) splits too, without its backslash. The
    subpath starts at the first ``#`` of the part before ``|``. The path is trimmed.
    """
    display: str | None = None
    bar = inner.find("|", 1)
    if bar != -1:
        head = inner[:bar]
        display = inner[bar + 1 :]
        if head.endswith("\\"):
            head = head[:-1]
    else:
        head = inner
    hash_at = head.find("#")
    if hash_at != -1:
        path, subpath = head[:hash_at], head[hash_at:]
    else:
        path, subpath = head, ""
    return path.strip(), subpath.strip(), display


def property_link(value: str) -> str | None:
    """A property value that is one wiki-link (R-P6): its text, trimmed; else None."""
    text = value.strip()
    if not (text.startswith("[[") and text.endswith("]]")):
        return None
    inner = text[2:-2]
    if not inner.strip() or "[[" in inner or "]]" in inner or "\n" in inner or "\r" in inner:
        return None
    return text


def is_valid_tag_name(name: str) -> bool:
    """Whether Obsidian accepts ``name`` (no ``#``) as a tag: tag characters, not all digits."""
    return (
        bool(name) and TAG_BODY.fullmatch(name) is not None and _ALL_DIGITS.fullmatch(name) is None
    )
