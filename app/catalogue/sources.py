"""Source lookups shared by every record that cites documents."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select

from app.models import Source
from app.schemas import SourceOut


def to_out(source: Source) -> SourceOut:
    """The public form of a source."""
    return SourceOut(
        id=source.id,
        title=source.title,
        doc_no=source.doc_no,
        issuer=source.issuer,
        published_on=source.published_on,
        url=source.url,
        note=source.note,
    )


def sources_for(session: Session, ids: Iterable[str]) -> dict[str, SourceOut]:
    """Public forms of the given sources, fetched in one query."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {s.id: to_out(s) for s in session.exec(select(Source).where(col(Source.id).in_(wanted)))}


def all_sources(session: Session) -> list[SourceOut]:
    """Every registered source, by id (for the 数据来源 page)."""
    return [to_out(s) for s in session.exec(select(Source).order_by(col(Source.id)))]
