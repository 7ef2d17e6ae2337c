"""Which files of a vault are notes, attachments, canvases, bases and drawings (SPEC R-V2)."""

from __future__ import annotations

#: formats Obsidian opens itself besides notes (images, audio, video, PDF, canvas, base)
ATTACHMENT_EXTENSIONS = frozenset(
    {
        *("avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp"),
        *("flac", "m4a", "mp3", "ogg", "wav", "webm", "3gp"),
        *("mkv", "mov", "mp4", "ogv"),
        *("pdf", "canvas", "base"),
    }
)
#: subpaths the Excalidraw plugin gives to parts of a drawing (``#^group=ID`` …): not blocks
EXCALIDRAW_SUBPATHS = ("group=", "area=", "frame=", "clippedframe=")


def extension(path: str) -> str:
    """The lower-case extension of a path's file name (``""`` for none). A dot followed by a
    space or punctuation (``E. M. Forster``) is part of the name, not an extension."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0:
        return ""
    ext = name[dot + 1 :]
    return ext.lower() if ext.isalnum() and len(ext) <= 10 else ""


def is_note_path(path: str) -> bool:
    return path.lower().endswith(".md")


def is_canvas(path: str) -> bool:
    return path.lower().endswith(".canvas")


def is_base(path: str) -> bool:
    return path.lower().endswith(".base")


def is_drawing(path: str) -> bool:
    """An Excalidraw drawing (``X.excalidraw.md``, or the plugin's ``X.excalidraw``)."""
    lower = path.lower()
    return lower.endswith((".excalidraw.md", ".excalidraw"))


def is_excalidraw_subpath(subpath: str) -> bool:
    """``#^group=ID``, ``#^area=ID``, ``#^frame=ID``, ``#^clippedframe=ID``."""
    part = subpath.lstrip("#")
    return part.startswith("^") and part[1:].lower().startswith(EXCALIDRAW_SUBPATHS)
