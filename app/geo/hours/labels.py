"""Opening hours in plain Chinese: the weekly schedule, coming exceptions, a status line."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app.geo.hours.schedule import (
    MINUTES_PER_DAY,
    WEEKDAY_NAMES,
    DayRanges,
    HolidayPolicy,
    MakeupPolicy,
    Schedule,
    TimeRange,
    clock_label,
    in_shanghai,
)
from app.geo.hours.status import OpenStatus


def _days_label(days: list[int]) -> str:
    if len(days) == 7:
        return "每天"
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAY_NAMES[run[0]]}至{WEEKDAY_NAMES[run[-1]]}")
        else:
            parts.extend(WEEKDAY_NAMES[d] for d in run)
    return "、".join(parts)


def ranges_label(ranges: DayRanges) -> str:
    """One day's hours as plain Chinese: ``9:00–12:00，14:00–17:30``, ``24小时``, ``休息``."""
    if not ranges:
        return "休息"
    if ranges == (TimeRange(0, MINUTES_PER_DAY),):
        return "24小时"
    return "，".join(r.label for r in ranges)


def render_schedule(schedule: Schedule) -> str:
    """The weekly schedule as short plain Chinese: ``周一至周五 9:00–12:00；法定节假日休息``."""
    groups: dict[DayRanges, list[int]] = {}
    for day, ranges in enumerate(schedule.week):
        if ranges:
            groups.setdefault(ranges, []).append(day)
    parts = [f"{_days_label(days)} {ranges_label(ranges)}" for ranges, days in groups.items()]
    if not parts:
        return "暂无固定开放时间"
    if schedule.holidays is HolidayPolicy.CLOSED:
        parts.append("法定节假日休息")
    else:
        parts.append("法定节假日照常开放")
    if schedule.makeup_workdays is MakeupPolicy.CLOSED:
        parts.append("调休上班日休息")
    elif schedule.makeup_workdays is MakeupPolicy.AS_WEEKDAY:
        makeup = schedule.week[schedule.makeup_weekday]
        workdays = {r for r in schedule.week[:5] if r}
        if not makeup:
            parts.append("调休上班日休息")
        elif len(workdays) > 1 or makeup not in workdays:
            name = WEEKDAY_NAMES[schedule.makeup_weekday]
            parts.append(f"调休上班日按{name}时间（{ranges_label(makeup)}）")
    return "；".join(parts)


def _date_label(day: date) -> str:
    return f"{day.month}月{day.day}日"


def describe_exceptions(schedule: Schedule, start: date, days: int = 30) -> list[str]:
    """Dated exceptions from ``start`` on, for ``days`` days, as plain Chinese lines."""
    end = start + timedelta(days=days)
    lines: list[str] = []
    for e in schedule.exceptions:
        if start <= e.day < end:
            what = "休息" if e.closed else ranges_label(e.ranges)
            line = f"{_date_label(e.day)}（{WEEKDAY_NAMES[e.day.weekday()]}）{what}"
            lines.append(f"{line}：{e.note}" if e.note else line)
    return lines


def _moment_label(moment: datetime, now: datetime) -> str:
    delta = (moment.date() - now.date()).days
    clock = clock_label(moment.hour * 60 + moment.minute)
    if delta == 0:
        return f"今天 {clock}"
    if delta == 1:
        return f"明天 {clock}"
    if delta == 2:
        return f"后天 {clock}"
    if delta < 7:
        return f"{WEEKDAY_NAMES[moment.weekday()]} {clock}"
    return f"{_date_label(moment.date())} {clock}"


def status_label(status: OpenStatus, when: datetime) -> str:
    """A one-line Chinese summary of a status for pages, e.g. ``开放中，今天 17:30 结束``."""
    now = in_shanghai(when)
    if status.is_open is None:
        return status.note or "无法确定是否开放，请先电话确认"
    if status.is_open:
        if status.closes_at is None:
            return "开放中"
        return f"开放中，{_moment_label(status.closes_at, now)} 结束"
    lead = status.reason if status.reason and status.today_hours == () else "未开放"
    if status.opens_at is None:
        return f"{lead}；{status.note}" if status.note else lead
    return f"{lead}，{_moment_label(status.opens_at, now)} 开放"
