"""The center's names in the dictionary that breaks printed lines (issue 12 §3).

PyThaiNLP's dictionary does not know most village, tambon and family names, so it cuts them
into words it knows (``หาง|ดง``, ``ขุน|แตะ``) and a line could break inside the name. Before a
document is built, :func:`prepare` gives the segmenter the names of this database's people and
places (``storage/name_queries``); the segmenter caches the resulting word list on disk under
a fingerprint of those records, so the names are read again only after a person or a site
changed.
"""

from __future__ import annotations

from justice_desk.storage import name_queries
from justice_desk.storage.database import Database

__all__ = ["prepare"]


def prepare(db: Database) -> None:
    """Break lines with the names of ``db`` (cheap when they have not changed)."""
    from justice_desk.documents import segment

    with db.read() as session:
        key = f"{db.site_id}|{name_queries.name_fingerprint(session)}"
    if key == segment.dictionary_key():
        return

    def names() -> list[str]:
        with db.read() as session:
            return name_queries.name_values(session)

    segment.use_names(key, names)
