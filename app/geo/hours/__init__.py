"""Opening hours: a weekly schedule, dated exceptions, and China's statutory holidays and 调休.

Stored form (JSON- and YAML-friendly; :func:`parse_schedule` reads it, :func:`dump_schedule`
writes it)::

    {
      "mon": ["09:00-12:00", "14:00-17:30"], "tue": [...], ..., "sat": [], "sun": [],
      "holidays": "closed",            # 法定节假日: "closed" | "open" (that weekday's hours)
      "makeup_workdays": "as_weekday",  # 调休上班日: "as_weekday" | "closed" | "ignore"
      "makeup_weekday": "mon",         # whose hours an "as_weekday" make-up workday uses
      "exceptions": [
        {"date": "2026-10-08", "closed": true, "note": "系统升级"},
        {"date": "2026-02-14", "hours": ["09:00-12:00"]}
      ]
    }

A missing weekday, or ``[]``, is closed. Times are ``H:MM`` or ``HH:MM``; ``24:00`` may end a
range; a range never crosses midnight (split it in two: consecutive days' ranges that meet at
midnight are treated as one open period).

What one date's hours are, first rule that applies:
    1. a dated exception (closed, or special hours);
    2. a statutory holiday (any day of an official holiday period, weekends inside it
       included): closed, or with ``"open"`` that weekday's hours;
    3. a 调休 make-up working day (a Saturday or Sunday the State Council makes a working
       day): ``"as_weekday"`` follows the working-day schedule, i.e. the hours of
       ``makeup_weekday`` (Monday unless said otherwise); ``"closed"`` closes; ``"ignore"``
       keeps that Saturday's or Sunday's own hours;
    4. the weekday's hours.
The defaults (holidays closed, make-up workdays as a Monday) are a typical 政务服务 window.

Statutory holidays and make-up days come from the maintained ``chinese_calendar`` package,
which encodes each year's State Council notice (国务院办公厅关于××年部分节假日安排的通知).
It covers a fixed span of years (2004–2026 in release 1.11.0). For a date outside that span
nothing is guessed: when the answer depends on whether the date is a holiday or a make-up
day, :func:`status_at` says it does not know (``is_open=None``, ``holiday_data="unknown"``
and a Chinese note). A year the package does not have yet can be added from the official
notice with :meth:`HolidayCalendar.with_year`.

Everything is computed in Asia/Shanghai, whatever time zone ``when`` carries.

Modules: :mod:`.schedule` (the data), :mod:`.holidays` (the official calendar),
:mod:`.status` (one date's hours, open now), :mod:`.parsing` (the stored form) and
:mod:`.labels` (plain Chinese). Import from this package.
"""

from __future__ import annotations

from app.geo.hours.holidays import (
    PACKAGE_CALENDAR,
    CalendarDay,
    HolidayCalendar,
)
from app.geo.hours.labels import (
    describe_exceptions,
    ranges_label,
    render_schedule,
    status_label,
)
from app.geo.hours.parsing import (
    ScheduleError,
    dump_schedule,
    parse_schedule,
)
from app.geo.hours.schedule import (
    DAY_KEYS,
    DEFAULT_HORIZON_DAYS,
    MAX_EXCEPTIONS,
    MAX_RANGES_PER_DAY,
    MINUTES_PER_DAY,
    SHANGHAI,
    WEEKDAY_NAMES,
    DateException,
    DayKind,
    DayRanges,
    HolidayData,
    HolidayPolicy,
    MakeupPolicy,
    Schedule,
    TimeRange,
    clock_label,
    in_shanghai,
)
from app.geo.hours.status import (
    DayHours,
    OpenStatus,
    hours_on,
    is_open_at,
    status_at,
    unknown_year_note,
)

__all__ = [
    "DAY_KEYS",
    "DEFAULT_HORIZON_DAYS",
    "MAX_EXCEPTIONS",
    "MAX_RANGES_PER_DAY",
    "MINUTES_PER_DAY",
    "PACKAGE_CALENDAR",
    "SHANGHAI",
    "WEEKDAY_NAMES",
    "CalendarDay",
    "DateException",
    "DayHours",
    "DayKind",
    "DayRanges",
    "HolidayCalendar",
    "HolidayData",
    "HolidayPolicy",
    "MakeupPolicy",
    "OpenStatus",
    "Schedule",
    "ScheduleError",
    "TimeRange",
    "clock_label",
    "describe_exceptions",
    "dump_schedule",
    "hours_on",
    "in_shanghai",
    "is_open_at",
    "parse_schedule",
    "ranges_label",
    "render_schedule",
    "status_at",
    "status_label",
    "unknown_year_note",
]
