"""One date's hours, and open-now / opens-at / closes-at at a moment (Asia/Shanghai)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.geo.hours.holidays import PACKAGE_CALENDAR, HolidayCalendar
from app.geo.hours.schedule import (
    DEFAULT_HORIZON_DAYS,
    SHANGHAI,
    WEEKDAY_NAMES,
    DayKind,
    DayRanges,
    HolidayData,
    HolidayPolicy,
    MakeupPolicy,
    Schedule,
    in_shanghai,
)


@dataclass(frozen=True, slots=True)
class DayHours:
    """A date's opening hours, or (``ranges is None``) the candidates when they are unknown."""

    ranges: DayRanges | None
    kind: DayKind | None
    holiday_name: str | None = None
    reason: str | None = None
    candidates: tuple[DayRanges, ...] = ()


def _ranges_for_kind(schedule: Schedule, day: date, kind: DayKind) -> DayRanges:
    own = schedule.week[day.weekday()]
    if kind is DayKind.HOLIDAY:
        return own if schedule.holidays is HolidayPolicy.OPEN else ()
    if kind is DayKind.MAKEUP_WORKDAY:
        if schedule.makeup_workdays is MakeupPolicy.AS_WEEKDAY:
            return schedule.week[schedule.makeup_weekday]
        return () if schedule.makeup_workdays is MakeupPolicy.CLOSED else own
    return own


def _reason(schedule: Schedule, kind: DayKind, name: str | None) -> str | None:
    if kind is DayKind.HOLIDAY:
        closed = schedule.holidays is HolidayPolicy.CLOSED
        return f"{name or '法定节假日'}假期{'休息' if closed else '照常开放'}"
    if kind is DayKind.MAKEUP_WORKDAY:
        prefix = f"调休上班日（{name}调休）" if name else "调休上班日"
        if schedule.makeup_workdays is MakeupPolicy.AS_WEEKDAY:
            return f"{prefix}，按{WEEKDAY_NAMES[schedule.makeup_weekday]}时间开放"
        if schedule.makeup_workdays is MakeupPolicy.CLOSED:
            return f"{prefix}，休息"
    return None


def hours_on(
    schedule: Schedule, day: date, calendar: HolidayCalendar = PACKAGE_CALENDAR
) -> DayHours:
    """The hours on ``day``: exception, then holiday, then make-up day, then weekday."""
    official = calendar.day(day)
    exception = schedule.exception_on(day)
    if exception is not None:
        why = exception.note or ("临时休息" if exception.closed else "临时调整开放时间")
        return DayHours(exception.ranges, official.kind, official.holiday_name, why)
    if official.kind is None:
        possible = [DayKind.WORKDAY, DayKind.HOLIDAY]
        if day.weekday() >= 5:
            possible = [DayKind.WEEKEND, DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY]
        candidates = tuple(sorted({_ranges_for_kind(schedule, day, k) for k in possible}))
        if len(candidates) == 1:
            return DayHours(candidates[0], None)
        return DayHours(None, None, candidates=candidates)
    ranges = _ranges_for_kind(schedule, day, official.kind)
    reason = _reason(schedule, official.kind, official.holiday_name)
    return DayHours(ranges, official.kind, official.holiday_name, reason)


@dataclass(frozen=True, slots=True)
class OpenStatus:
    """Whether a place is open at a moment, and when that changes (Asia/Shanghai times).

    ``is_open`` is None when it depends on a year without holiday data. ``closes_at`` is when
    the current open period ends; ``opens_at`` the next opening strictly after the moment
    (after a lunch break, too, while open). Either is None when not within the horizon or
    not knowable; ``holiday_data`` is ``unknown`` and ``note`` says why when missing data
    is the cause. ``reason`` says why today differs from the weekly schedule (a holiday, a
    make-up day, an exception's note); ``today_hours`` are today's ranges (None: unknown).
    """

    is_open: bool | None
    opens_at: datetime | None
    closes_at: datetime | None
    holiday_data: HolidayData
    day_kind: DayKind | None
    holiday_name: str | None = None
    reason: str | None = None
    note: str | None = None
    unknown_years: tuple[int, ...] = ()
    today_hours: DayRanges | None = None


def _at(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(), SHANGHAI) + timedelta(minutes=minute)


def _merge(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in periods:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def unknown_year_note(years: Iterable[int]) -> str:
    """The Chinese note shown when holiday data for ``years`` is missing."""
    listed = "、".join(f"{y}年" for y in sorted(set(years)))
    return f"{listed}节假日安排尚未发布或尚未收录，无法确定节假日和调休期间是否开放，请先电话确认"


def _minute_of_day(local: datetime) -> float:
    return local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60


def is_open_at(
    schedule: Schedule, when: datetime, calendar: HolidayCalendar = PACKAGE_CALENDAR
) -> bool | None:
    """Whether the place is open at ``when``; None when that depends on unknown holiday data."""
    local = in_shanghai(when)
    today = hours_on(schedule, local.date(), calendar)
    minute = _minute_of_day(local)
    options = today.candidates if today.ranges is None else (today.ranges,)
    answers = {any(r.start <= minute < r.end for r in ranges) for ranges in options}
    return answers.pop() if len(answers) == 1 else None


def status_at(
    schedule: Schedule,
    when: datetime,
    calendar: HolidayCalendar = PACKAGE_CALENDAR,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
) -> OpenStatus:
    """Open now? Next opening and closing, searching ``horizon_days`` ahead (Asia/Shanghai)."""
    if horizon_days < 0:
        raise ValueError("horizon_days must not be negative")
    local = in_shanghai(when)
    today = local.date()
    today_hours = hours_on(schedule, today, calendar)
    periods: list[tuple[datetime, datetime]] = []
    known_until = _at(today, 0)
    missing_year: int | None = None
    for offset in range(horizon_days + 1):
        day = today + timedelta(days=offset)
        hours = today_hours if offset == 0 else hours_on(schedule, day, calendar)
        if hours.ranges is None:
            missing_year = day.year
            break
        periods.extend((_at(day, r.start), _at(day, r.end)) for r in hours.ranges)
        known_until = _at(day + timedelta(days=1), 0)
    merged = _merge(periods)

    is_open = is_open_at(schedule, local, calendar)
    current = next((p for p in merged if p[0] <= local < p[1]), None)
    closes_at = current[1] if current is not None and current[1] < known_until else None
    opens_at = next((start for start, _ in merged if start > local), None)

    blocked = missing_year is not None and (
        is_open is None or opens_at is None or (is_open and closes_at is None)
    )
    note: str | None = None
    if blocked and missing_year is not None:
        note = unknown_year_note([missing_year])
    elif opens_at is None and not is_open:
        note = f"未来{horizon_days}天内没有开放时间"
    return OpenStatus(
        is_open=is_open,
        opens_at=opens_at,
        closes_at=closes_at,
        holiday_data=HolidayData.UNKNOWN if blocked else HolidayData.KNOWN,
        day_kind=today_hours.kind,
        holiday_name=today_hours.holiday_name,
        reason=today_hours.reason,
        note=note,
        unknown_years=(missing_year,) if blocked and missing_year is not None else (),
        today_hours=today_hours.ranges,
    )
