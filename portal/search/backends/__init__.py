"""Search engines behind one interface; SEARCH_BACKEND chooses one ("tantivy" or "whoosh")."""

from __future__ import annotations

from pathlib import Path

from portal.search.backends.base import SearchBackend

BACKENDS = ("tantivy", "whoosh")


def open_backend(name: str, path: str | Path) -> SearchBackend:
    """Open (creating if needed) the index of the named engine in a folder."""
    if name == "tantivy":
        from portal.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(Path(path))
    if name == "whoosh":
        from portal.search.backends.whoosh_backend import WhooshBackend

        return WhooshBackend(Path(path))
    raise ValueError(f"unknown SEARCH_BACKEND {name!r}; choose one of {', '.join(BACKENDS)}")
