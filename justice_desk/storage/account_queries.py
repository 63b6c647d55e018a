"""The queries behind accounts (services/accounts.py)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from justice_desk.storage.models import Account


def by_login(session: Session, login: str) -> Account | None:
    return session.scalar(select(Account).where(Account.login == login.strip().lower()))


def all_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.login)).all())


def enabled_with_role(session: Session, roles: tuple[str, ...]) -> int:
    return int(
        session.scalar(
            select(func.count(Account.id)).where(
                Account.role.in_(roles), Account.disabled_at.is_(None)
            )
        )
        or 0
    )
