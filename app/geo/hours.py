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
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cached_property
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")
MINUTES_PER_DAY: Final = 24 * 60
DEFAULT_HORIZON_DAYS: Final = 14
MAX_RANGES_PER_DAY: Final = 6
MAX_EXCEPTIONS: Final = 400

DAY_KEYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES: Final = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class HolidayPolicy(StrEnum):
    """What a place does on statutory holidays."""

    CLOSED = "closed"
    OPEN = "open"


class MakeupPolicy(StrEnum):
    """What a place does on 调休 make-up working days."""

    AS_WEEKDAY = "as_weekday"
    CLOSED = "closed"
    IGNORE = "ignore"


class DayKind(StrEnum):
    """What the official calendar makes of a date."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return _DAY_KIND_LABELS[self]


_DAY_KIND_LABELS: Final = {
    DayKind.WORKDAY: "工作日",
    DayKind.WEEKEND: "周末",
    DayKind.HOLIDAY: "法定节假日",
    DayKind.MAKEUP_WORKDAY: "调休上班日",
}


class HolidayData(StrEnum):
    """Whether the holiday calendar could answer everything a status reports."""

    KNOWN = "known"
    UNKNOWN = "unknown"


# --- Schedule ------------------------------------------------------------------------------


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _short(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d}"


@dataclass(frozen=True, order=True, slots=True)
class TimeRange:
    """An open period within one day, in minutes after midnight (``end`` may be 1440, 24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"bad time range {self.start}-{self.end}")

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"

    @property
    def label(self) -> str:
        """Plain Chinese-page form, e.g. ``9:00–12:00``."""
        return f"{_short(self.start)}–{_short(self.end)}"


DayRanges = tuple[TimeRange, ...]


@dataclass(frozen=True, slots=True)
class DateException:
    """Different hours on one date: ``ranges`` empty means closed all day."""

    day: date
    ranges: DayRanges = ()
    note: str | None = None

    @property
    def closed(self) -> bool:
        """Whether the place is closed all day."""
        return not self.ranges


@dataclass(frozen=True)
class Schedule:
    """A weekly schedule (Monday first), the holiday policies and dated exceptions."""

    week: tuple[DayRanges, DayRanges, DayRanges, DayRanges, DayRanges, DayRanges, DayRanges]
    holidays: HolidayPolicy = HolidayPolicy.CLOSED
    makeup_workdays: MakeupPolicy = MakeupPolicy.AS_WEEKDAY
    makeup_weekday: int = 0
    exceptions: tuple[DateException, ...] = field(default=())

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("week has seven days, Monday first")
        for ranges in (*self.week, *(e.ranges for e in self.exceptions)):
            if any(later.start <= earlier.end for earlier, later in itertools.pairwise(ranges)):
                raise ValueError("a day's ranges must be sorted, apart and not touching")
        if not 0 <= self.makeup_weekday <= 6:
            raise ValueError("makeup_weekday is 0 (Monday) to 6 (Sunday)")
        if len({e.day for e in self.exceptions}) != len(self.exceptions):
            raise ValueError("one exception per date")

    @cached_property
    def _exceptions_by_day(self) -> dict[date, DateException]:
        return {e.day: e for e in self.exceptions}

    def exception_on(self, day: date) -> DateException | None:
        """The dated exception for ``day``, if any."""
        return self._exceptions_by_day.get(day)


# --- Holiday calendar ----------------------------------------------------------------------

# The package names holidays in English; its own Chinese names are abbreviated ("清明").
_HOLIDAY_NAMES_ZH: Final = {
    holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday
} | {
    "Tomb-sweeping Day": "清明节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
}


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One date in the official calendar; ``kind`` is None when its year is not covered."""

    kind: DayKind | None
    holiday_name: str | None = None


class HolidayCalendar:
    """Statutory holidays and 调休 make-up working days for the years it covers."""

    def __init__(
        self,
        holidays: Mapping[date, str],
        makeup_workdays: Mapping[date, str],
        years: Iterable[int],
    ) -> None:
        self._holidays = dict(holidays)
        self._makeup = dict(makeup_workdays)
        self._years = frozenset(years)

    @classmethod
    def from_package(cls) -> HolidayCalendar:
        """The calendar the ``chinese_calendar`` package encodes, with Chinese holiday names."""
        holidays: dict[date, str] = {
            d: _HOLIDAY_NAMES_ZH.get(str(name), str(name))
            for d, name in chinese_calendar.holidays.items()
        }
        makeup: dict[date, str] = {
            d: _HOLIDAY_NAMES_ZH.get(str(name), str(name))
            for d, name in chinese_calendar.workdays.items()
        }
        first, last = min(holidays).year, max(holidays).year
        return cls(holidays, makeup, range(first, last + 1))

    def with_year(
        self, year: int, holidays: Mapping[date, str], makeup_workdays: Mapping[date, str]
    ) -> HolidayCalendar:
        """This calendar plus one more year, typed in from that year's official notice."""
        if any(d.year != year for d in [*holidays, *makeup_workdays]):
            raise ValueError(f"every date must be in {year}")
        if any(d.weekday() < 5 for d in makeup_workdays):
            raise ValueError("make-up working days fall on Saturdays or Sundays")
        kept_h = {d: n for d, n in self._holidays.items() if d.year != year}
        kept_m = {d: n for d, n in self._makeup.items() if d.year != year}
        return HolidayCalendar(
            kept_h | dict(holidays), kept_m | dict(makeup_workdays), self._years | {year}
        )

    @property
    def years(self) -> frozenset[int]:
        """The years whose holidays are known."""
        return self._years

    def covers(self, year: int) -> bool:
        """Whether ``year``'s holiday arrangement is known."""
        return year in self._years

    def day(self, day: date) -> CalendarDay:
        """What the official calendar makes of ``day``."""
        if day.year not in self._years:
            return CalendarDay(None)
        if day in self._makeup:
            return CalendarDay(DayKind.MAKEUP_WORKDAY, self._makeup[day])
        if day in self._holidays:
            return CalendarDay(DayKind.HOLIDAY, self._holidays[day])
        return CalendarDay(DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY)


PACKAGE_CALENDAR: Final = HolidayCalendar.from_package()
"""The default calendar: the ``chinese_calendar`` package's data."""


# --- One day's hours -----------------------------------------------------------------------


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


# --- Status --------------------------------------------------------------------------------


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


def _local(when: datetime) -> datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("when must be timezone-aware")
    return when.astimezone(SHANGHAI)


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
    local = _local(when)
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
    local = _local(when)
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


# --- Parsing and validation ----------------------------------------------------------------


class ScheduleError(ValueError):
    """A stored schedule that does not validate; ``problems`` are Chinese sentences."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("；".join(self.problems))


_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|–|—|－|~|～|至)\s*")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOP_KEYS: Final = frozenset(
    {*DAY_KEYS, "holidays", "makeup_workdays", "makeup_weekday", "exceptions"}
)
_EXCEPTION_KEYS: Final = frozenset({"date", "closed", "hours", "note"})
_SPLIT_HINT: Final = "跨午夜的时段请拆成两段，如 22:00-24:00 和次日 00:00-06:00"


class _Bad(Exception):
    """One problem with one value (internal: collected into a ScheduleError)."""


def _parse_time(text: str) -> int:
    match = _TIME.match(text)
    if match is None:
        raise _Bad(f"「{text}」不是有效时间，应写成 09:00 这样的形式")
    hour, minute = int(match[1]), int(match[2])
    if hour > 24 or minute > 59 or (hour == 24 and minute != 0):
        raise _Bad(f"「{text}」不是有效时间（小时 0–24，分钟 00–59，24 点只能写 24:00）")
    return hour * 60 + minute


def _parse_range(text: str) -> TimeRange:
    parts = _RANGE_SEPARATOR.split(text.strip())
    if len(parts) != 2:
        raise _Bad("格式应为 09:00-12:00")
    start, end = _parse_time(parts[0]), _parse_time(parts[1])
    if start == MINUTES_PER_DAY:
        raise _Bad("24:00 只能作为结束时间，开始请写 00:00")
    if end == 0:
        raise _Bad(f"00:00 不能作为结束时间，到午夜请写 24:00；{_SPLIT_HINT}")
    if end == start:
        raise _Bad("开始与结束时间相同")
    if end < start:
        raise _Bad(f"结束时间早于开始时间；{_SPLIT_HINT}")
    return TimeRange(start, end)


def _parse_ranges(value: object, label: str, problems: list[str]) -> DayRanges:
    if value is None:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems.append(f'{label}：应为时间段列表，如 ["09:00-12:00", "14:00-17:30"]；休息写 []')
        return ()
    if len(value) > MAX_RANGES_PER_DAY:
        problems.append(f"{label}：每天最多 {MAX_RANGES_PER_DAY} 个时段")
        return ()
    ranges: list[TimeRange] = []
    for index, text in enumerate(value, start=1):
        try:
            ranges.append(_parse_range(text))
        except _Bad as bad:
            problems.append(f"{label}第{index}段「{text}」：{bad}")
    ranges.sort()
    for earlier, later in itertools.pairwise(ranges):
        if later.start < earlier.end:
            problems.append(f"{label}：时段 {earlier} 与 {later} 重叠")
        elif later.start == earlier.end:
            merged = TimeRange(earlier.start, max(earlier.end, later.end))
            problems.append(f"{label}：时段 {earlier} 与 {later} 首尾相接，请合并为 {merged}")
    return tuple(ranges)


_E = TypeVar("_E", bound=StrEnum)


def _parse_choice(value: object, enum: type[_E], key: str, problems: list[str]) -> _E | None:
    if isinstance(value, str) and value in {e.value for e in enum}:
        return enum(value)
    allowed = " 或 ".join(e.value for e in enum)
    problems.append(f"{key}：「{value}」无效，只能是 {allowed}")
    return None


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        raise _Bad("日期不应带时间，应写成 2026-10-08")
    if isinstance(value, date):
        return value  # YAML reads an unquoted 2026-10-08 as a date
    if not isinstance(value, str) or _ISO_DATE.match(value) is None:
        raise _Bad(f"日期「{value}」应写成 2026-10-08 这样的形式")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"日期「{value}」不存在") from None


def _parse_exception(item: object, label: str, problems: list[str]) -> DateException | None:
    if not isinstance(item, Mapping):
        problems.append(f'{label}：应为对象，如 {{"date": "2026-10-08", "closed": true}}')
        return None
    for key in item:
        if key not in _EXCEPTION_KEYS:
            problems.append(f"{label}：未知字段「{key}」（可用：date、closed、hours、note）")
    try:
        day = _parse_date(item.get("date"))
    except _Bad as bad:
        problems.append(f"{label}：{bad}")
        return None
    label = f"{label}（{day.isoformat()}）"
    note = item.get("note")
    if note is not None and not isinstance(note, str):
        problems.append(f"{label}：note 应为文字")
        note = None
    closed, hours = item.get("closed"), item.get("hours")
    if closed is not None and not isinstance(closed, bool):
        problems.append(f"{label}：closed 只能是 true 或 false")
        return None
    if closed and hours is not None:
        problems.append(f"{label}：closed 与 hours 只能写一个")
        return None
    if closed:
        return DateException(day, (), note or None)
    if hours is None:
        problems.append(f'{label}：请写 "closed": true（全天休息）或 "hours": [...]（特殊时间）')
        return None
    count = len(problems)
    ranges = _parse_ranges(hours, label, problems)
    if len(problems) > count:
        return None
    if not ranges:
        problems.append(f'{label}：hours 不能为空，全天休息请写 "closed": true')
        return None
    return DateException(day, ranges, note or None)


def _parse_exceptions(value: object, problems: list[str]) -> tuple[DateException, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        problems.append("exceptions：应为列表")
        return ()
    if len(value) > MAX_EXCEPTIONS:
        problems.append(f"exceptions：最多 {MAX_EXCEPTIONS} 项")
        return ()
    found: dict[date, DateException] = {}
    for index, item in enumerate(value, start=1):
        exception = _parse_exception(item, f"exceptions 第{index}项", problems)
        if exception is None:
            continue
        if exception.day in found:
            problems.append(f"exceptions：日期 {exception.day.isoformat()} 重复")
            continue
        found[exception.day] = exception
    return tuple(sorted(found.values(), key=lambda e: e.day))


def parse_schedule(data: object) -> Schedule:
    """Validate and read the stored form; raise :class:`ScheduleError` listing every problem."""
    if not isinstance(data, Mapping):
        raise ScheduleError(['开放时间应为对象，如 {"mon": ["09:00-12:00"]}'])
    problems: list[str] = []
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(
                f"未知字段「{key}」（可用：mon…sun、holidays、makeup_workdays、"
                "makeup_weekday、exceptions）"
            )
    week = tuple(
        _parse_ranges(data.get(key), WEEKDAY_NAMES[i], problems) for i, key in enumerate(DAY_KEYS)
    )
    holidays = _parse_choice(data.get("holidays", "closed"), HolidayPolicy, "holidays", problems)
    makeup = _parse_choice(
        data.get("makeup_workdays", "as_weekday"), MakeupPolicy, "makeup_workdays", problems
    )
    makeup_key = data.get("makeup_weekday", "mon")
    if makeup_key not in DAY_KEYS:
        problems.append(f"makeup_weekday：「{makeup_key}」无效，只能是 {'、'.join(DAY_KEYS)}")
    exceptions = _parse_exceptions(data.get("exceptions"), problems)
    if problems or holidays is None or makeup is None or makeup_key not in DAY_KEYS:
        raise ScheduleError(problems)
    mon, tue, wed, thu, fri, sat, sun = week
    return Schedule(
        week=(mon, tue, wed, thu, fri, sat, sun),
        holidays=holidays,
        makeup_workdays=makeup,
        makeup_weekday=DAY_KEYS.index(str(makeup_key)),
        exceptions=exceptions,
    )


def dump_schedule(schedule: Schedule) -> dict[str, object]:
    """The stored form of a schedule; :func:`parse_schedule` reads it back unchanged."""
    data: dict[str, object] = {
        key: [str(r) for r in ranges] for key, ranges in zip(DAY_KEYS, schedule.week, strict=True)
    }
    data["holidays"] = schedule.holidays.value
    data["makeup_workdays"] = schedule.makeup_workdays.value
    data["makeup_weekday"] = DAY_KEYS[schedule.makeup_weekday]
    exceptions: list[dict[str, object]] = []
    for e in schedule.exceptions:
        item: dict[str, object] = {"date": e.day.isoformat()}
        if e.closed:
            item["closed"] = True
        else:
            item["hours"] = [str(r) for r in e.ranges]
        if e.note:
            item["note"] = e.note
        exceptions.append(item)
    data["exceptions"] = exceptions
    return data


# --- Plain Chinese -------------------------------------------------------------------------


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
    clock = _short(moment.hour * 60 + moment.minute)
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
    now = _local(when)
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
