"""Open now / opens at for a provider, cached per schedule and minute.

Many providers share a schedule (every 便民服务中心 keeps office hours), and the answer only
changes on whole minutes (schedules are given to the minute), so a small cache keyed by the
schedule's text and the minute turns the calendar walk into a dictionary lookup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import orjson

from app.geo.hours import SHANGHAI, ScheduleError, parse_schedule, status_at, status_label

STATUS_LABELS = {
    "open": "正常开放",
    "temporarily_closed": "暂停开放",
    "closed": "已关闭",
}
UNKNOWN_HOURS = "开放时间待核实"


@dataclass(frozen=True, slots=True)
class OpeningState:
    """``open_now`` is None when unknown (no schedule, or holiday data missing)."""

    open_now: bool | None
    opens_at: str | None
    closes_at: str | None
    label: str


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat(timespec="minutes") if moment is not None else None


@lru_cache(maxsize=8192)
def _state(schedule_json: bytes, minute: dt.datetime) -> OpeningState:
    try:
        schedule = parse_schedule(orjson.loads(schedule_json))
    except ScheduleError:
        return OpeningState(None, None, None, UNKNOWN_HOURS)
    status = status_at(schedule, minute)
    return OpeningState(
        status.is_open,
        _iso(status.opens_at),
        _iso(status.closes_at),
        status_label(status, minute),
    )


def shanghai_minute(now: dt.datetime) -> dt.datetime:
    """``now`` in Asia/Shanghai, to the whole minute: the key every answer is cached by."""
    return now.astimezone(SHANGHAI).replace(second=0, microsecond=0)


def opening_state(hours: object, status: str, now: dt.datetime) -> OpeningState:
    """Whether a provider is open at ``now`` and when that changes (Asia/Shanghai)."""
    return opening_state_at(hours, status, shanghai_minute(now))


def opening_state_at(hours: object, status: str, minute: dt.datetime) -> OpeningState:
    """:func:`opening_state` for a minute from :func:`shanghai_minute`.

    A page of results shares one clock, so the conversion is done once per page, not per hit.
    """
    key = schedule_key(hours) if status == "open" else None  # (closed: no key to work out)
    return opening_state_by_key(key, status, minute)


def schedule_key(hours: object) -> bytes | None:
    """A schedule's canonical JSON, the key its answers are cached by (None: no schedule).

    Callers that see the same provider often (the embedded index's nearby memo) keep it.
    """
    if not isinstance(hours, dict) or not hours:
        return None
    return orjson.dumps(hours, option=orjson.OPT_SORT_KEYS)


def opening_state_by_key(key: bytes | None, status: str, minute: dt.datetime) -> OpeningState:
    """:func:`opening_state_at` for a schedule given by its :func:`schedule_key`."""
    if status != "open":
        return _NOT_OPEN.get(status) or OpeningState(False, None, None, status)
    if key is None:
        return _UNKNOWN
    return _state(key, minute)


_NOT_OPEN = {
    status: OpeningState(False, None, None, label)
    for status, label in STATUS_LABELS.items()
    if status != "open"
}
_UNKNOWN = OpeningState(None, None, None, UNKNOWN_HOURS)
