"""China's statutory holidays and 调休 make-up working days (the ``chinese_calendar`` data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final

import chinese_calendar  # type: ignore[import-untyped]

from app.geo.hours.schedule import DayKind

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
