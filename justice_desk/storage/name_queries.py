"""The names of the center's people and places, for the dictionary that breaks printed lines
(docs/thai-text-and-printing.md §3, §11)."""

from __future__ import annotations

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from justice_desk.storage.models import Person, Site

__all__ = ["name_fingerprint", "name_values"]

_PERSON_COLUMNS = (
    Person.title,
    Person.given_name,
    Person.surname,
    Person.village,
    Person.road,
    Person.tambon,
    Person.amphoe,
    Person.province,
)
_SITE_COLUMNS = (Site.name, Site.host_organisation, Site.tambon, Site.amphoe, Site.province)


def name_fingerprint(session: Session) -> str:
    """Changes whenever a name may have changed (a person or a site added, edited or removed):
    the row counts and the latest edit times, cheap to ask before every print."""
    people = session.execute(select(func.count(), func.max(Person.updated_at))).one()
    sites = session.execute(select(func.count(), func.max(Site.updated_at))).one()
    return f"p{people[0]}:{people[1]}|s{sites[0]}:{sites[1]}"


def name_values(session: Session) -> list[str]:
    """Every distinct name, place and title the records hold (people and sites)."""
    parts = [select(c.label("value")).where(c.is_not(None)) for c in _PERSON_COLUMNS]
    parts += [select(c.label("value")).where(c.is_not(None)) for c in _SITE_COLUMNS]
    return [str(v) for v in session.scalars(union(*parts)) if v]
