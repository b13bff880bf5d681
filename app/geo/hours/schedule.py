"""The weekly schedule with its holiday policies and dated exceptions (the data, no clock)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Final
from zoneinfo import ZoneInfo

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


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def clock_label(minute: int) -> str:
    """``9:00`` style (no leading zero), for pages."""
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
        return f"{clock_label(self.start)}–{clock_label(self.end)}"


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


def in_shanghai(when: datetime) -> datetime:
    """``when`` in Asia/Shanghai (it must carry a time zone)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("when must be timezone-aware")
    return when.astimezone(SHANGHAI)
