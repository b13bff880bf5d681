"""“信息有误？”: residents report wrong provider facts; editors list the reports.

A report holds a topic, a short description, a time and a status — nothing about the person:
no name, phone, IP address or user agent is asked for or stored. Mobile and ID-card numbers
typed into the description anyway are blanked before storing. Rate limiting counts per client
address in memory only, under a keyed hash with a per-process secret, so no raw address is
kept anywhere.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import secrets
import time
from enum import StrEnum
from typing import Annotated, Any, Final

from limits import RateLimitItemPerHour
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from app.catalogue.pagination import decode_cursor, encode_cursor
from app.db import writer
from app.errors import InvalidCursor, NotFound, QianfuError
from app.models.provider import CorrectionReport, Location

MAX_MESSAGE_CHARS: Final = 500
REDACTED: Final = "［已隐去］"


class Topic(StrEnum):
    """What is wrong (the form's choices)."""

    ADDRESS = "address"
    PHONE = "phone"
    HOURS = "hours"
    CLOSED_OR_MOVED = "closed_or_moved"
    SERVICES = "services"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The Chinese name shown on the form."""
        return TOPIC_LABELS[self]


TOPIC_LABELS: Final = {
    Topic.ADDRESS: "地址",
    Topic.PHONE: "电话",
    Topic.HOURS: "开放时间",
    Topic.CLOSED_OR_MOVED: "已关闭或搬迁",
    Topic.SERVICES: "服务内容",
    Topic.OTHER: "其他",
}


_TOPICS: Final = {topic.value: topic for topic in Topic}


class ReportStatus(StrEnum):
    """Where a report is in the editors' queue (new reports are ``new``)."""

    NEW = "new"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


Message = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS),
]


class CorrectionIn(BaseModel):
    """A report as submitted: a topic and a description, nothing about the sender."""

    model_config = ConfigDict(extra="forbid")

    topic: Topic = Field(
        description="哪里有误：address 地址、phone 电话、hours 开放时间、"
        "closed_or_moved 已关闭或搬迁、services 服务内容、other 其他"
    )
    message: Message = Field(
        description=f"具体说明，1–{MAX_MESSAGE_CHARS} 字；请勿填写姓名、手机号、身份证号等个人信息"
    )


class CorrectionCreated(BaseModel):
    """The stored report's number and status."""

    id: int = Field(description="报告编号")
    status: ReportStatus = Field(description="处理状态，新报告为 new")


# Personal numbers people type anyway: mainland mobiles and 18-digit resident ID numbers.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
_ID_CARD = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![\dXx])")


def redact(message: str) -> str:
    """Blank mobile and ID-card numbers (an institution's landline stays)."""
    return _MOBILE.sub(REDACTED, _ID_CARD.sub(REDACTED, message))


def require_location(engine: Engine, location_id: str) -> str:
    """The provider's name; :class:`NotFound` if there is none with this id."""
    with Session(engine) as session:
        row = session.get(Location, location_id)
        if row is None:
            raise NotFound("provider", f"办理点 {location_id}", field="id")
        return row.name


def store_report(
    engine: Engine, location_id: str, report: CorrectionIn, now: dt.datetime
) -> CorrectionCreated:
    """Write one report (status ``new``) in its own transaction."""
    with writer(engine) as session:
        row = CorrectionReport(
            location_id=location_id,
            topic=report.topic.value,
            message=redact(report.message),
            created_at=now.astimezone(dt.UTC),
            status=ReportStatus.NEW.value,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return CorrectionCreated(id=row.id, status=ReportStatus.NEW)


def list_reports(
    session: Session, status: ReportStatus | None, *, limit: int, cursor: str | None
) -> dict[str, Any]:
    """Reports oldest first (a queue), keyset-paged by id, with the provider's current name."""
    after = decode_cursor(cursor)
    if after is not None and not after.isdigit():
        raise InvalidCursor
    clauses = [] if status is None else [col(CorrectionReport.status) == status.value]
    query = (
        select(CorrectionReport, col(Location.name))
        .join(Location, col(Location.id) == col(CorrectionReport.location_id), isouter=True)
        .where(*clauses)
    )
    if after is not None:
        query = query.where(col(CorrectionReport.id) > int(after))
    rows = list(session.exec(query.order_by(col(CorrectionReport.id)).limit(limit + 1)))
    total = session.exec(select(func.count()).select_from(CorrectionReport).where(*clauses)).one()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_report_out(report, name) for report, name in rows],
        "next_cursor": encode_cursor(str(rows[-1][0].id)) if more and rows else None,
        "total": int(total),
    }


def set_report_status(engine: Engine, report_id: int, status: ReportStatus) -> dict[str, Any]:
    """Move one report in the queue (to resolved, dismissed, or back to new); it, as listed.

    Only the status changes: the report's text and time stay as the resident sent them.
    """
    with writer(engine) as session:
        report = session.get(CorrectionReport, report_id)
        if report is None:
            raise NotFound("report", f"报告 {report_id}", field="report_id")
        report.status = status.value
        session.add(report)
        session.flush()
        location = session.get(Location, report.location_id)
        return _report_out(report, location.name if location is not None else None)


def _report_out(report: CorrectionReport, name: str | None) -> dict[str, Any]:
    topic = _TOPICS.get(report.topic)
    created = report.created_at
    if created.tzinfo is None:  # SQLite hands back naive UTC
        created = created.replace(tzinfo=dt.UTC)
    return {
        "id": report.id,
        "provider": {
            "id": report.location_id,
            "name": name,  # null once the provider is no longer listed
            "url": f"/providers/{report.location_id}" if name is not None else None,
        },
        "topic": {"code": report.topic, "name": topic.label if topic else report.topic},
        "message": report.message,
        "created_at": created.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "status": report.status,
    }


class ReportLimitExceeded(QianfuError):
    """Too many reports from one client within the hour."""

    code = "too_many_reports"

    def __init__(self, retry_after: int) -> None:
        super().__init__("提交太频繁，请稍后再试")
        self.retry_after = retry_after


class ReportLimiter:
    """At most ``per_hour`` reports per client per moving hour, counted in this process only.

    The counter key is an HMAC of the client address under a secret drawn at start-up, so the
    limiter never holds a raw address, and keys cannot be linked across restarts.
    """

    def __init__(self, per_hour: int) -> None:
        self._item = RateLimitItemPerHour(per_hour)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._secret = secrets.token_bytes(32)

    def _key(self, client: str) -> str:
        return hmac.new(self._secret, client.encode(), hashlib.sha256).hexdigest()[:32]

    def hit(self, client: str) -> None:
        """Count one report; :class:`ReportLimitExceeded` if the client is over its limit."""
        key = self._key(client)
        if self._limiter.hit(self._item, "corrections", key):
            return
        stats = self._limiter.get_window_stats(self._item, "corrections", key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise ReportLimitExceeded(min(wait, 3600))
